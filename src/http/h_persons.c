/*
 * h_persons.c — looking people up: search by ID number, name, phone or
 * address with paging; one person's record; their history. Every read is
 * audited with the reason the client gives, and answered only once that
 * audit entry is durable.
 */
#include <stdio.h>
#include <string.h>

#include "http/handlers.h"
#include "http/reply.h"
#include "http/views.h"

void h_persons_search(struct ld_req *r)
{
	ld_person_query q = {
		.id_number = ld_req_query(r, "id_number"),
		.name = ld_req_query(r, "name"),
		.phone = ld_req_query(r, "phone"),
		.address = ld_req_query(r, "address"),
	};
	if (!q.id_number && !q.name && !q.phone && !q.address) {
		ld_reply_error(r, LD_HE_INVALID,
			       "请至少给出身份号码、姓名、电话或地址之一", "name");
		return;
	}
	const char *vals[] = {q.id_number, q.name, q.phone, q.address};
	const char *names[] = {"id_number", "name", "phone", "address"};
	for (int i = 0; i < 4; i++)
		if (vals[i] && (strlen(vals[i]) == 0 || strlen(vals[i]) > 64)) {
			ld_reply_error(r, LD_HE_INVALID, "查询条件长度应为1至64字节",
				       names[i]);
			return;
		}
	ld_page page;
	int page_no;
	if (!ld_req_page(r, &page, &page_no))
		return;
	ld_person *list;
	size_t n;
	int64_t total;
	ld_status rc = r->srv->ops->person_search(r->th->reader, &r->access, &q,
						  page, &r->arena, &list, &n,
						  &total);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_page_begin(r, &w, &b, total, page_no, page.limit);
	for (size_t i = 0; i < n; i++)
		ld_view_person(&w, r, &list[i]);
	ld_reply_page_close(&w);
	/* The entry's detail names who was shown. */
	ld_reply_audited_jw(r, &w, &b, 200, "person:search", "search");
}

static bool load(struct ld_req *r, ld_person *p, ld_registration **regs,
		 size_t *n)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_status rc = LD_OK;
	if (r->target_person)
		*p = *r->target_person; /* the dispatcher's area check read it */
	else
		rc = ops->person_get(r->th->reader, r->path_id, &r->arena, p);
	if (rc == LD_OK)
		rc = ops->registrations_of_person(r->th->reader, r->path_id,
						  &r->arena, regs, n);
	if (rc != LD_OK)
		ld_reply_status(r, rc, NULL);
	return rc == LD_OK;
}

static void finish_read(struct ld_req *r, ld_buf *b, ld_jw *w,
			const char *action)
{
	if (ld_jw_finish(w) != LD_OK) {
		ld_buf_release(b);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	char target[48];
	snprintf(target, sizeof target, "person:%lld", (long long)r->path_id);
	ld_reply_audited(r, b, 200, action, target);
}

void h_person_get(struct ld_req *r)
{
	ld_person p;
	ld_registration *regs;
	size_t n;
	if (!load(r, &p, &regs, &n))
		return;
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "person");
	ld_view_person(&w, r, &p);
	ld_jw_key(&w, "active_registration");
	size_t active = n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(regs[i].status, "active") == 0)
			active = i;
	if (active < n)
		ld_view_registration(&w, r, &regs[active]);
	else
		ld_jw_null(&w);
	ld_jw_key(&w, "registrations");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		ld_view_registration(&w, r, &regs[i]);
	ld_jw_arr_close(&w);
	/* The current photo's description (its file: GET …/photo). */
	ld_photo ph;
	bool have_photo = r->srv->ops->photo_current(r->th->reader, p.id, false,
						     &r->arena, &ph) == LD_OK;
	ld_view_photo(&w, "photo", have_photo ? &ph : NULL);
	ld_jw_obj_close(&w);
	finish_read(r, &b, &w, "person:read");
}

void h_person_history(struct ld_req *r)
{
	ld_person p;
	ld_registration *regs;
	size_t n, ne;
	ld_reg_event *events;
	if (!load(r, &p, &regs, &n))
		return;
	ld_status rc = r->srv->ops->events_of_person(r->th->reader, r->path_id,
						     &r->arena, &events, &ne);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "person_id", p.id);
	ld_jw_kstr(&w, "name", p.name);
	ld_jw_key(&w, "events");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < ne; i++)
		ld_view_event(&w, &events[i]);
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	finish_read(r, &b, &w, "person:history");
}
