/*
 * h_stats.c — figures for planning and the console's dashboard: floating
 * population (active registrations) by area, hukou province or reason, and
 * per month; the registrations table of the user's area; a person's permits.
 * Counts carry no personal data; the table and the permits do, so they are
 * read with a reason and audited like every person read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/division.h"
#include "core/document.h"
#include "core/permit.h"
#include "http/handlers.h"
#include "http/permits.h"
#include "http/reply.h"
#include "http/views.h"

static bool month_ok(const char *s)
{
	return s && strlen(s) == 7 && s[4] == '-' &&
	       strspn(s, "0123456789-") == 7 && s[5] >= '0' && s[5] <= '1';
}

void h_stats_overview(struct ld_req *r)
{
	const char *group = ld_req_query(r, "group");
	const char *parent = ld_req_query(r, "parent");
	const char *late = ld_req_query(r, "late");
	if (!group)
		group = "district";
	if (parent && (strlen(parent) > 15 ||
		       strspn(parent, "0123456789") != strlen(parent))) {
		ld_reply_error(r, LD_HE_INVALID, "区划代码无效", "parent");
		return;
	}
	ld_stat_item *items;
	size_t n;
	ld_status rc = r->srv->ops->stats_group(
		r->th->reader, &r->access, group, parent && *parent ? parent : NULL,
		late && strcmp(late, "1") == 0, &r->arena, &items, &n);
	if (rc == LD_EINVAL) {
		ld_reply_error(r, LD_HE_INVALID,
			       "分组应为 district、street、community、grid、"
			       "hukou_province 或 reason",
			       "group");
		return;
	}
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "group", group);
	int64_t total = 0;
	ld_jw_key(&w, "items");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < n; i++) {
		const char *label = items[i].label;
		char name[160];
		if (!label && strcmp(group, "hukou_province") == 0) {
			const struct ld_division_rec *d =
				ld_division_latest(atoi(items[i].key));
			if (d) {
				snprintf(name, sizeof name, "%s", d->name);
				label = name;
			} else if (ld_region_full_name(atoi(items[i].key), name,
						       sizeof name)) {
				label = name; /* 830000, 台湾地区 */
			} else if (strcmp(items[i].key, "0000") == 0) {
				label = "外国人"; /* no hukou (document.h) */
			}
		} else if (!label && strcmp(group, "reason") == 0) {
			const struct ld_code *c =
				ld_code_find(&ld_stay_reasons, items[i].key);
			label = c ? c->label : NULL;
		}
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "key", items[i].key);
		ld_jw_kstr(&w, "label", label ? label : items[i].key);
		ld_jw_kint(&w, "count", items[i].count);
		ld_jw_obj_close(&w);
		total += items[i].count;
	}
	ld_jw_arr_close(&w);
	ld_jw_kint(&w, "total", total);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

void h_stats_timeline(struct ld_req *r)
{
	char from[8], to[8];
	const char *f = ld_req_query(r, "from"), *t = ld_req_query(r, "to");
	if ((f && !month_ok(f)) || (t && !month_ok(t))) {
		ld_reply_error(r, LD_HE_INVALID, "月份格式应为 YYYY-MM",
			       f && !month_ok(f) ? "from" : "to");
		return;
	}
	char today[LD_DATE_STRLEN];
	ld_day_format(ld_http_today(), today);
	snprintf(to, sizeof to, "%.7s", t ? t : today);
	snprintf(from, sizeof from, "%.7s", f ? f : "2025-01");
	ld_stat_month *items;
	size_t n;
	ld_status rc = r->srv->ops->stats_timeline(r->th->reader, &r->access,
						   from, to, &r->arena, &items,
						   &n);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "items");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < n; i++) {
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "period", items[i].period);
		ld_jw_kint(&w, "registrations", items[i].registrations);
		ld_jw_kint(&w, "late", items[i].late);
		ld_jw_kint(&w, "permits_issued", items[i].permits_issued);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

void h_registrations_list(struct ld_req *r)
{
	ld_registration_query q = {
		.status = ld_req_query(r, "status"),
		.late_only = ld_req_query(r, "late") &&
			     strcmp(ld_req_query(r, "late"), "1") == 0,
		.area = ld_req_query(r, "grid"),
		.sort = ld_req_query(r, "sort"),
		.descending = !ld_req_query(r, "order") ||
			      strcmp(ld_req_query(r, "order"), "asc") != 0,
		.moved_away_only = ld_req_query(r, "moved_away") &&
				   strcmp(ld_req_query(r, "moved_away"), "1") ==
					   0,
	};
	if (q.status && strcmp(q.status, "active") != 0 &&
	    strcmp(q.status, "cancelled") != 0) {
		ld_reply_error(r, LD_HE_INVALID, "状态应为 active 或 cancelled",
			       "status");
		return;
	}
	if (q.area && (strlen(q.area) > 15 ||
		       strspn(q.area, "0123456789") != strlen(q.area))) {
		ld_reply_error(r, LD_HE_INVALID, "区划代码无效", "grid");
		return;
	}
	ld_page page;
	int page_no;
	if (!ld_req_page(r, &page, &page_no))
		return;
	ld_registration_row *rows;
	size_t n;
	int64_t total;
	ld_status rc = r->srv->ops->registrations_list(
		r->th->reader, &r->access, &q, page, &r->arena, &rows, &n, &total);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_page_begin(r, &w, &b, total, page_no, page.limit);
	for (size_t i = 0; i < n; i++) {
		/* The registration view, with the holder's name and number. */
		ld_buf one;
		ld_jw w1;
		ld_buf_init(&one, 1 << 16);
		ld_jw_init(&w1, &one);
		ld_view_registration(&w1, r, &rows[i].reg);
		if (ld_jw_finish(&w1) == LD_OK && one.len > 1) {
			ld_jw_obj_open(&w);
			ld_jw_kstr(&w, "person_name", rows[i].person_name);
			ld_view_id_number(&w, r, "id_number",
					  rows[i].id_number);
			/* Splice the registration's fields in. */
			if (w.status == LD_OK) {
				ld_buf_addc(w.out, ',');
				ld_buf_add(w.out, one.data + 1, one.len - 2);
			}
			ld_jw_obj_close(&w);
		}
		ld_buf_release(&one);
	}
	ld_reply_page_close(&w);
	/* The entry's detail names whose registrations were shown. */
	ld_reply_audited_jw(r, &w, &b, 200, "registration:list", "table");
}

void h_person_permits(struct ld_req *r)
{
	ld_permit *list;
	size_t n;
	ld_status rc = r->srv->ops->permits_of_person(
		r->th->reader, r->target_person->id, &r->arena, &list, &n);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_day today = ld_http_today();
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "items");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < n; i++) {
		struct ld_permit_state st;
		ld_jw_obj_open(&w);
		ld_jw_key(&w, "permit");
		ld_view_permit(&w, r, &list[i]);
		if (ld_permit_state_on(r, &list[i], today, &st) == LD_OK)
			ld_view_permit_state(&w, &st);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	char target[48];
	snprintf(target, sizeof target, "person:%lld",
		 (long long)r->target_person->id);
	ld_reply_audited_jw(r, &w, &b, 200, "permit:read", target);
}

/* What waits for the station (the dashboard's queues): online declarations
 * to verify, online permit applications to accept, each with how many are
 * past the period the station has for them (--accept-days working days,
 * a setting: no article sets one), and registrations whose holder the grid
 * found moved away, for the station to check and cancel. Counts only. */
void h_stats_queues(struct ld_req *r)
{
	ld_day today = ld_http_today();
	int days = r->srv->cfg.accept_days;
	char before[LD_DATE_STRLEN];
	ld_day_format(ld_permit_accept_overdue_before(&r->srv->calendar, today,
						      days),
		      before);
	ld_queue_counts q;
	ld_status rc = r->srv->ops->queue_counts(r->th->reader, &r->access,
						 before, &q);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "declarations");
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "pending", q.declarations);
	ld_jw_kint(&w, "overdue", q.declarations_overdue);
	ld_jw_obj_close(&w);
	ld_jw_key(&w, "applications");
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "pending", q.applications);
	ld_jw_kint(&w, "overdue", q.applications_overdue);
	ld_jw_obj_close(&w);
	ld_jw_kint(&w, "moved_away", q.moved_away);
	ld_jw_kint(&w, "accept_days", days);
	ld_jw_kstr(&w, "overdue_before", before);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}
