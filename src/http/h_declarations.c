/*
 * h_declarations.c — online declarations awaiting verification (待核验):
 * made by someone whose ID number was not on record when they signed in
 * (h_resident.c), they wait until the station checks the person's identity
 * at the counter, or the grid worker on a visit. Confirming one makes the
 * person (binding the phone the code went to), the active registration and
 * its certificate through the ordinary registration path, with the
 * lateness judged on the day of the online declaration; rejecting one says
 * why. The list is the station's work list of them.
 *
 * Who: a clerk of the station whose area holds the declaration's grid, the
 * grid worker of that grid, or an admin. Everything is audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/division.h"
#include "core/licence.h"
#include "core/permit.h"
#include "http/body.h"
#include "http/handlers.h"
#include "http/reply.h"
#include "http/views.h"
#include "store/audit.h"

/* The list's purpose in the audit trail when the caller gives none. */
#define LIST_PURPOSE "核验网上申报"

static const char *const statuses[] = {"pending", "confirmed", "rejected",
				       "superseded"};

static const char *label(const struct ld_code_list *l, const char *code)
{
	const struct ld_code *c = code ? ld_code_find(l, code) : NULL;
	return c ? c->label : NULL;
}

void ld_view_declaration(ld_jw *w, const struct ld_req *r,
			 const ld_declaration *d, bool mask)
{
	char masked_id[19], masked_phone[16], text[LD_ADDRESS_TEXT_MAX];
	char district[64] = "", hukou_place[160] = "";
	if (mask) {
		ld_mask_id_number(d->id_number, masked_id);
		snprintf(masked_phone, sizeof masked_phone, "%.3s****%s",
			 d->phone, strlen(d->phone) > 7 ? d->phone + 7 : "");
	}
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", d->id);
	ld_jw_kstr(w, "id_number", mask ? masked_id : d->id_number);
	ld_jw_kstr(w, "phone", mask ? masked_phone : d->phone);
	ld_jw_key(w, "person");
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "name", d->name);
	ld_jw_kstr(w, "ethnicity", d->ethnicity);
	ld_jw_kstr(w, "ethnicity_name", label(&ld_ethnicities, d->ethnicity));
	ld_jw_kstr(w, "hukou_code", d->hukou_code);
	if (d->hukou_code)
		ld_division_full_name(atoi(d->hukou_code), hukou_place,
				      sizeof hukou_place);
	ld_jw_kstr(w, "hukou_place", hukou_place);
	ld_jw_kstr(w, "hukou_address", d->hukou_address);
	ld_jw_obj_close(w);
	ld_jw_key(w, "address");
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "district", d->addr.district);
	const struct ld_division_rec *dr =
		d->addr.district ? ld_division_latest(atoi(d->addr.district))
				 : NULL;
	if (dr)
		snprintf(district, sizeof district, "%s", dr->name);
	ld_jw_kstr(w, "district_name", district);
	ld_jw_kstr(w, "street", d->addr.street);
	ld_jw_kstr(w, "community", d->addr.community);
	ld_jw_kstr(w, "grid", d->addr.grid);
	ld_jw_kstr(w, "road", d->addr.road);
	ld_jw_kstr(w, "house_number", d->addr.house_number);
	ld_jw_kstr(w, "building", d->addr.building);
	ld_jw_kstr(w, "unit", d->addr.unit);
	ld_jw_kstr(w, "room", d->addr.room);
	ld_address_text(&d->addr, text, sizeof text);
	ld_jw_kstr(w, "text", text);
	ld_jw_obj_close(w);
	ld_jw_kstr(w, "arrival_date", d->arrival_date);
	ld_jw_kstr(w, "reason", d->reason);
	ld_jw_kstr(w, "reason_name", label(&ld_stay_reasons, d->reason));
	ld_jw_kstr(w, "housing", d->housing);
	ld_jw_kstr(w, "housing_name", label(&ld_housing_kinds, d->housing));
	ld_jw_kstr(w, "employer", d->employer);
	if (d->stay_days >= 0)
		ld_jw_kint(w, "stay_days", d->stay_days);
	else
		ld_jw_knull(w, "stay_days");
	ld_jw_kstr(w, "lodging", d->lodging);
	ld_jw_kstr(w, "submitted_date", d->submitted_date);
	ld_jw_kstr(w, "submitted_at", d->submitted_at);
	ld_jw_kstr(w, "deadline", d->deadline);
	ld_jw_kbool(w, "late", d->late);
	ld_jw_kbool(w, "provisional", d->provisional);
	ld_jw_kstr(w, "status", d->status);
	/* While it waits: by when the station (or the grid, on a visit)
	 * should have verified or rejected it (--accept-days, a setting). */
	ld_day submitted;
	if (strcmp(d->status, "pending") == 0 && d->submitted_date &&
	    ld_day_parse(d->submitted_date, (int)strlen(d->submitted_date),
			 &submitted, "submitted_date", NULL) == LD_OK) {
		bool complete;
		char by[LD_DATE_STRLEN];
		ld_day verify_by = ld_permit_accept_by(&r->srv->calendar,
						       submitted,
						       r->srv->cfg.accept_days,
						       &complete);
		ld_day_format(verify_by, by);
		ld_jw_kstr(w, "verify_by", by);
		ld_jw_kbool(w, "overdue", verify_by < ld_http_today());
	} else {
		ld_jw_knull(w, "verify_by");
		ld_jw_kbool(w, "overdue", false);
	}
	ld_jw_kstr(w, "decided_by", d->decided_by_name);
	ld_jw_kstr(w, "decided_at", d->decided_at);
	ld_jw_kstr(w, "verified_by", d->verified_by);
	ld_jw_kstr(w, "note", d->note);
	if (d->registration_id)
		ld_jw_kint(w, "registration_id", d->registration_id);
	else
		ld_jw_knull(w, "registration_id");
	ld_jw_kstr(w, "certificate_no", d->certificate_no);
	ld_jw_kstr(w, "reject_reason", d->reject_reason);
	ld_jw_obj_close(w);
}

/* ---- the work list -------------------------------------------------- */

void h_declarations_list(struct ld_req *r)
{
	const char *status = ld_req_query(r, "status");
	if (status) {
		bool known = false;
		for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
			known |= strcmp(status, statuses[i]) == 0;
		if (!known) {
			ld_reply_error(r, LD_HE_INVALID,
				       "状态应为 pending、confirmed、rejected 或 "
				       "superseded",
				       "status");
			return;
		}
	}
	/* The list carries names and ID numbers: audited with its purpose,
	 * the route's own unless the caller states one. */
	const char *reason = ld_req_query(r, "reason");
	if (reason && strlen(reason) > 200) {
		ld_reply_error(r, LD_HE_INVALID, "事由过长（最多200字节）",
			       "reason");
		return;
	}
	r->reason = reason && *reason ? reason : LIST_PURPOSE;
	ld_page page;
	int page_no;
	if (!ld_req_page(r, &page, &page_no))
		return;
	ld_declaration *items;
	size_t n;
	int64_t total;
	ld_status rc = r->srv->ops->declarations_list(r->th->reader, &r->access,
						      status, page, &r->arena,
						      &items, &n, &total);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	/* Grid workers see ID numbers and phones masked (they check the
	 * card itself on the visit). */
	bool mask = r->user.role == LD_ROLE_GRID;
	ld_buf b;
	ld_jw w;
	ld_reply_page_begin(r, &w, &b, total, page_no, page.limit);
	for (size_t i = 0; i < n; i++)
		ld_view_declaration(&w, r, &items[i], mask);
	ld_reply_page_close(&w);
	char *target = ld_arena_printf(&r->arena, "declarations:%s",
				       status ? status : "all");
	ld_reply_audited_jw(r, &w, &b, 200, "declaration:list", target);
}

/* ---- one declaration ------------------------------------------------ */

/* The route's declaration, pending and in the user's area; replies (and
 * audits a refusal out of area) and returns false otherwise. */
static bool pending_declaration(struct ld_req *r, ld_declaration *d)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_status rc = ops->declaration_get(r->th->reader, r->path_id,
					    &r->arena, d);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return false;
	}
	ld_area community;
	rc = ops->area_get(r->th->reader, d->addr.community, &r->arena,
			   &community);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return false;
	}
	if (!ld_access_allows(&r->access, &community, d->addr.grid)) {
		char target[48];
		snprintf(target, sizeof target, "declaration:%lld",
			 (long long)d->id);
		ld_deny(r, LD_HE_OUT_OF_AREA, target);
		return false;
	}
	if (strcmp(d->status, "pending") != 0) {
		ld_reply_error(r, LD_HE_CONFLICT,
			       "该网上申报已处理，不能再确认或退回", NULL);
		return false;
	}
	return true;
}

/* ---- confirm -------------------------------------------------------- */

struct confirm {
	ld_id id, user_id;
	char id_number[19];
	char verified_by[8];
	char note[501];
	char now[32];
	int superseded;
};

static ld_status confirm_step(void *ctx, const struct ld_store_ops *ops,
			      ld_conn *c, ld_write_job *job,
			      const ld_person *person,
			      const ld_registration *reg)
{
	(void)person;
	struct confirm *k = ctx;
	ld_declaration_decision dd = {
		.status = "confirmed",
		.user_id = k->user_id,
		.at = k->now,
		.verified_by = k->verified_by,
		.note = k->note[0] ? k->note : NULL,
		.registration_id = reg->id,
	};
	ld_status rc = ops->declaration_decide(c, k->id, &dd);
	if (rc == LD_ECONFLICT)
		return ld_fail(&job->err, LD_ECONFLICT, NULL,
			       "该网上申报已处理，不能再确认");
	if (rc != LD_OK)
		return rc;
	/* Whoever else claimed this ID number online is answered by this. */
	return ops->declarations_supersede(c, k->id_number, k->id, k->user_id,
					   k->now, &k->superseded);
}

static void confirm_write(void *ctx, ld_jw *w)
{
	struct confirm *k = ctx;
	ld_jw_key(w, "declaration");
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", k->id);
	ld_jw_kstr(w, "status", "confirmed");
	ld_jw_kstr(w, "verified_by", k->verified_by);
	ld_jw_kint(w, "superseded", k->superseded);
	ld_jw_obj_close(w);
}

static void set_str(json_t *obj, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(obj, key, json_string(v));
}

/* The registration body of a declaration, for ld_registration_create. */
static json_t *registration_body(const ld_declaration *d)
{
	json_t *person = json_object(), *address = json_object(),
	       *body = json_object();
	if (!person || !address || !body) {
		json_decref(person);
		json_decref(address);
		json_decref(body);
		return NULL;
	}
	set_str(person, "id_number", d->id_number);
	set_str(person, "name", d->name);
	set_str(person, "ethnicity", d->ethnicity);
	set_str(person, "hukou_code", d->hukou_code);
	set_str(person, "hukou_address", d->hukou_address);
	set_str(person, "phone", d->phone); /* the phone is bound now */
	set_str(address, "grid", d->addr.grid);
	set_str(address, "road", d->addr.road);
	set_str(address, "house_number", d->addr.house_number);
	set_str(address, "building", d->addr.building);
	set_str(address, "unit", d->addr.unit);
	set_str(address, "room", d->addr.room);
	json_object_set_new(body, "person", person);
	json_object_set_new(body, "address", address);
	set_str(body, "arrival_date", d->arrival_date);
	/* Lateness is judged on the day the resident declared online. */
	set_str(body, "declared_date", d->submitted_date);
	set_str(body, "reason", d->reason);
	set_str(body, "housing", d->housing);
	set_str(body, "employer", d->employer);
	set_str(body, "lodging", d->lodging);
	if (d->stay_days >= 0)
		json_object_set_new(body, "stay_days",
				    json_integer(d->stay_days));
	return body;
}

void h_declaration_confirm(struct ld_req *r)
{
	ld_declaration d;
	if (!pending_declaration(r, &d))
		return;
	const char *how = ld_json_str(r->body, "verified_by");
	const char *note = ld_json_str(r->body, "note");
	/* A grid worker checks identity on a visit; the counter is the
	 * station's. */
	if (r->user.role == LD_ROLE_GRID && strcmp(how, "visit") != 0) {
		ld_reply_error(r, LD_HE_INVALID,
			       "网格员应在入户核验身份后确认（verified_by 为 visit）",
			       "verified_by");
		return;
	}
	struct confirm k = {.id = d.id, .user_id = r->user.id};
	snprintf(k.id_number, sizeof k.id_number, "%s", d.id_number);
	snprintf(k.verified_by, sizeof k.verified_by, "%s", how);
	snprintf(k.note, sizeof k.note, "%s", note ? note : "");
	ld_audit_now(k.now);
	json_t *body = registration_body(&d);
	if (!body) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	json_decref(r->body);
	r->body = body; /* released with the request */
	char *target = ld_arena_printf(&r->arena, "declaration:%lld",
				       (long long)d.id);
	struct ld_registration_step step = {
		.run = confirm_step,
		.write = confirm_write,
		.ctx = &k,
		.ctx_size = sizeof k,
		.action = "declaration:confirm",
		.target = target,
		.system_dated = "网上申报日期（身份核验后登记）",
	};
	ld_registration_create_with(r, true, &step);
}

/* ---- reject --------------------------------------------------------- */

struct reject {
	ld_id id;
	ld_declaration_decision dd;
	ld_declaration after;
};

static ld_status reject_run(ld_write_job *job, const struct ld_store_ops *ops,
			    ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct reject *j = p->data;
	ld_status rc = ops->declaration_decide(c, j->id, &j->dd);
	if (rc == LD_ECONFLICT)
		return ld_fail(&job->err, LD_ECONFLICT, NULL,
			       "该网上申报已处理，不能再退回");
	if (rc != LD_OK)
		return rc;
	return ops->declaration_get(c, j->id, &p->arena, &j->after);
}

static void reject_finish(struct ld_req *r, struct ld_pending *p)
{
	struct reject *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "declaration");
	ld_view_declaration(&w, r, &j->after, r->user.role == LD_ROLE_GRID);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

void h_declaration_reject(struct ld_req *r)
{
	const char *reason = ld_json_str(r->body, "reason");
	if (strspn(reason, " \t") == strlen(reason)) {
		ld_reply_error(r, LD_HE_INVALID, "请填写退回原因", "reason");
		return;
	}
	ld_declaration d;
	if (!pending_declaration(r, &d))
		return;
	struct ld_pending *p = ld_pending_new(r, sizeof(struct reject));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct reject *j = p->data;
	char *now = ld_arena_alloc(&p->arena, 32);
	char *why = ld_arena_strdup(&p->arena, reason);
	if (!now || !why) {
		ld_arena_release(&p->arena);
		free(p);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	ld_audit_now(now);
	j->id = d.id;
	j->dd = (ld_declaration_decision){
		.status = "rejected",
		.user_id = r->user.id,
		.at = now,
		.reject_reason = why,
	};
	p->job.run = reject_run;
	p->finish = reject_finish;
	r->reason = reason; /* the audit entry's reason: why it was sent back */
	char target[48];
	snprintf(target, sizeof target, "declaration:%lld", (long long)d.id);
	ld_pending_audit(r, p, "declaration:reject", target, NULL, NULL);
	ld_pending_submit(r, p);
}
