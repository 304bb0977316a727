/*
 * h_grid.c — rental housing (出租房屋), reporting organisations and their
 * keys, reports one at a time (by upload: h_uploads.c), the grid's tasks
 * and visits, its work list and figures (docs/grid.md; docs/rules.md §2, §5).
 *
 * Every change runs in the writer; a report is checked again there, inside
 * the transaction that records it, so what is checked is what is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/idnum.h"
#include "core/licence.h"
#include "core/report.h"
#include "http/auth.h"
#include "http/backdate.h"
#include "http/body.h"
#include "http/handlers.h"
#include "http/reply.h"
#include "http/grid.h"
#include "http/reporting.h"
#include "http/views.h"
#include "store/audit.h"


/* ---- shared --------------------------------------------------------- */

static const char *sdup(ld_arena *a, const char *s)
{
	return s ? ld_arena_strdup(a, s) : NULL;
}

bool ld_grid_visible(struct ld_req *r, const char *grid,
		     const char *community)
{
	if (r->access.kind == LD_ACCESS_ALL)
		return true;
	ld_area c;
	if (r->srv->ops->area_get(r->th->reader, community, &r->arena, &c) !=
	    LD_OK)
		return false;
	return ld_access_allows(&r->access, &c, grid);
}

/* Find `grid` and its community and check it lies in the user's area;
 * replies (naming `field`; `outside` is the message for another area) and
 * returns false otherwise. */
static bool grid_in_area(struct ld_req *r, const char *grid, const char *field,
			 const char *outside, ld_area *community)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_area g;
	if (strlen(grid) != 15 ||
	    ops->area_get(r->th->reader, grid, &r->arena, &g) != LD_OK ||
	    g.level != LD_LEVEL_GRID ||
	    ops->area_get(r->th->reader, g.parent, &r->arena, community) !=
		    LD_OK) {
		ld_reply_error(r, LD_HE_INVALID, "网格不存在", field);
		return false;
	}
	if (!ld_access_allows(&r->access, community, grid)) {
		ld_reply_error(r, LD_HE_OUT_OF_AREA, outside, field);
		return false;
	}
	return true;
}

static ld_group_rental_settings gr_settings(const struct ld_server *s)
{
	return (ld_group_rental_settings){s->cfg.group_rental_per_room,
					  s->cfg.group_rental_min_area};
}

void ld_grid_report_ctx_init(struct ld_req *r, struct ld_report_ctx *x,
			     const struct ld_store_ops *ops, ld_conn *c,
			     ld_arena *ar, const char *now)
{
	memset(x, 0, sizeof *x);
	x->ops = ops;
	x->c = c;
	x->cal = &r->srv->calendar;
	x->group_rental = gr_settings(r->srv);
	x->rules = r->srv->settings;
	x->task_days = r->srv->cfg.task_days;
	x->today = ld_http_today();
	x->now = now;
	x->user_id = r->org ? 0 : r->user.id;
	x->may_backdate = !r->org;
	x->ar = ar;
	ld_report_ctx_open(x);
}

ld_status ld_grid_org_load(struct ld_report_ctx *x, ld_id org_id)
{
	ld_status rc = x->ops->org_get(x->c, org_id, x->ar, &x->org);
	if (rc == LD_OK && !ld_org_kind_from(x->org.kind, &x->org_kind))
		rc = LD_EINTERNAL;
	return rc;
}

ld_id ld_grid_reporting_org(struct ld_req *r, long long named)
{
	if (r->org)
		return r->org_id;
	if (named <= 0) {
		ld_reply_error(r, LD_HE_INVALID, "请选择报告单位",
			       "organisation");
		return 0;
	}
	ld_org o;
	ld_status rc = r->srv->ops->org_get(r->th->reader, named, &r->arena, &o);
	if (rc == LD_ENOTFOUND) {
		ld_reply_error(r, LD_HE_INVALID, "报告单位不存在",
			       "organisation");
		return 0;
	}
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return 0;
	}
	if (!ld_grid_visible(r, o.grid, o.community)) {
		char t[48];
		snprintf(t, sizeof t, "organisation:%lld", named);
		ld_deny(r, LD_HE_OUT_OF_AREA, t);
		return 0;
	}
	return o.id;
}

/* ---- views ---------------------------------------------------------- */

static void view_org(ld_jw *w, struct ld_req *r, const ld_org *o,
		     const ld_api_key *keys, size_t nk)
{
	ld_req_carries(r, "organisations", o->id);
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", o->id);
	ld_jw_kstr(w, "kind", o->kind);
	ld_jw_kstr(w, "name", o->name);
	ld_jw_kstr(w, "credit_code", o->credit_code);
	ld_view_id_number(w, r, "id_number", o->id_number);
	ld_view_phone(w, r, "phone", o->phone);
	ld_jw_kstr(w, "grid", o->grid);
	ld_jw_kstr(w, "community", o->community);
	ld_jw_kstr(w, "address", o->address);
	ld_jw_kstr(w, "created_at", o->created_at);
	ld_jw_key(w, "keys");
	ld_jw_arr_open(w);
	for (size_t i = 0; i < nk; i++) {
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "prefix", keys[i].prefix);
		ld_jw_kstr(w, "created_at", keys[i].created_at);
		ld_jw_kstr(w, "revoked_at", keys[i].revoked_at);
		ld_jw_obj_close(w);
	}
	ld_jw_arr_close(w);
	ld_jw_obj_close(w);
}

static void view_org_ref(ld_jw *w, struct ld_req *r, const char *key,
			 ld_id id, const char *name, const char *kind)
{
	ld_jw_key(w, key);
	if (id <= 0) {
		ld_jw_null(w);
		return;
	}
	ld_req_carries(r, "organisations", id);
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", id);
	ld_jw_kstr(w, "name", name);
	ld_jw_kstr(w, "kind", kind);
	ld_jw_obj_close(w);
}

static void view_house(ld_jw *w, struct ld_req *r, const ld_house *h)
{
	const struct ld_server *srv = r->srv;
	const ld_address *a = &h->addr;
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", h->id);
	ld_jw_key(w, "address");
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "district", a->district);
	ld_jw_kstr(w, "street", a->street);
	ld_jw_kstr(w, "community", a->community);
	ld_jw_kstr(w, "grid", a->grid);
	ld_jw_kstr(w, "road", a->road);
	ld_jw_kstr(w, "house_number", a->house_number);
	ld_jw_kstr(w, "building", a->building);
	ld_jw_kstr(w, "unit", a->unit);
	ld_jw_kstr(w, "room", a->room);
	ld_jw_obj_close(w);
	char text[LD_ADDRESS_TEXT_MAX];
	ld_address_text(a, text, sizeof text);
	ld_jw_kstr(w, "address_text", text);
	view_org_ref(w, r, "landlord", h->landlord_org, h->landlord_name,
		     h->landlord_kind);
	view_org_ref(w, r, "agent", h->agent_org, h->agent_name,
		     h->agent_kind);
	ld_jw_kstr(w, "filing_no", h->filing_no);
	ld_jw_kint(w, "rooms", h->rooms);
	ld_jw_kint(w, "capacity", h->capacity);
	if (h->area_m2 > 0)
		ld_jw_kint(w, "area_m2", h->area_m2);
	else
		ld_jw_knull(w, "area_m2");
	ld_jw_kint(w, "occupants", h->occupants);
	/* The flag as the rule says now (the stored one serves the filter). */
	ld_group_rental g;
	ld_group_rental_settings s = gr_settings(srv);
	ld_jw_key(w, "flag");
	ld_jw_obj_open(w);
	if (ld_group_rental_check(h->occupants, h->rooms, h->capacity,
				  h->area_m2, &s, ld_http_today(),
				  &srv->settings, &g, NULL) != LD_OK)
		memset(&g, 0, sizeof g);
	ld_jw_kbool(w, "flagged", g.flagged);
	ld_jw_key(w, "reasons");
	ld_jw_arr_open(w);
	for (unsigned bit = 1; bit <= LD_GR_UNDER_AREA; bit <<= 1) {
		if (!(g.reasons & bit))
			continue;
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "code", ld_group_rental_code(bit));
		ld_jw_kstr(w, "message", ld_group_rental_message(bit));
		ld_jw_obj_close(w);
	}
	ld_jw_arr_close(w);
	ld_view_basis(w, &g.basis);
	ld_jw_obj_close(w);
	ld_jw_kstr(w, "created_at", h->created_at);
	ld_jw_obj_close(w);
}

/* A report. To the organisation that made it, only what its duty needs:
 * what it reported, received when, on time or late against which deadline
 * and why; never what the registry knows of the person (whether they are
 * registered or in scope, a task opened). */
static void view_report(ld_jw *w, struct ld_req *r, const ld_report *rp,
			bool hukou_presumed)
{
	const struct ld_server *srv = r->srv;
	ld_req_carries(r, "reports", rp->id);
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", rp->id);
	ld_jw_kstr(w, "kind", rp->kind);
	view_org_ref(w, r, "organisation", rp->org_id, rp->org_name,
		     rp->org_kind);
	ld_view_id_number(w, r, "id_number", rp->id_number);
	ld_jw_kstr(w, "name", rp->name);
	ld_view_phone(w, r, "phone", rp->phone);
	ld_jw_kstr(w, "hukou_code", rp->hukou_code);
	ld_jw_kbool(w, "hukou_presumed", hukou_presumed);
	ld_jw_kstr(w, "event_date", rp->event_date);
	if (rp->event_minute >= 0) {
		char t[8];
		snprintf(t, sizeof t, "%02d:%02d", rp->event_minute / 60 % 24,
			 rp->event_minute % 60);
		ld_jw_kstr(w, "event_time", t);
	} else {
		ld_jw_knull(w, "event_time");
	}
	ld_jw_kstr(w, "reported_date", rp->reported_date);
	ld_view_entry(w, rp->entered_date, rp->date_reason);
	ld_jw_kstr(w, "deadline", rp->deadline);
	ld_jw_kbool(w, "late", rp->late);
	ld_jw_kbool(w, "provisional", rp->provisional);
	/* The report's deadline is its working-day duty's (the reporter's
	 * report to the station); how late in those working days. */
	ld_day due, got;
	bool complete;
	ld_jw_kint(w, "working_days_late",
		   rp->late && ld_report_parse_day(rp->deadline, &due) &&
				   ld_report_parse_day(rp->reported_date, &got)
			   ? ld_deadline_working_days_late(&srv->calendar, due,
							   got, &complete)
			   : 0);
	/* The checks, counted again by the rules (pure and cheap). */
	ld_report_kind k;
	ld_day ev, rep;
	ld_report_check chk;
	int missing_year = 0;
	ld_jw_key(w, "checks");
	ld_jw_arr_open(w);
	if (ld_report_kind_from(rp->kind, &k) &&
	    ld_report_parse_day(rp->event_date, &ev) &&
	    ld_report_parse_day(rp->reported_date, &rep) &&
	    ld_report_check_deadlines(&srv->calendar, k, ev,
				      rp->event_minute < 0 ? LD_MINUTE_UNKNOWN
							   : rp->event_minute,
				      rep, LD_MINUTE_UNKNOWN, &chk,
				      NULL) == LD_OK) {
		for (int i = 0; i < chk.n; i++) {
			const ld_deadline *dl = &chk.duties[i].deadline;
			char d[LD_DATE_STRLEN];
			ld_day_format(dl->deadline, d);
			ld_jw_obj_open(w);
			ld_jw_kstr(w, "event", ld_event_code(dl->event));
			ld_jw_kstr(w, "duty", ld_event_duty(dl->event));
			ld_jw_kstr(w, "deadline", d);
			if (dl->hours > 0)
				ld_jw_kint(w, "hours", dl->hours);
			ld_jw_kbool(w, "late", chk.duties[i].late);
			ld_jw_kbool(w, "calendar_complete",
				    dl->calendar_complete);
			if (!dl->calendar_complete && !missing_year)
				missing_year = dl->missing_year;
			ld_view_basis(w, &dl->basis);
			ld_jw_obj_close(w);
		}
	}
	ld_jw_arr_close(w);
	if (rp->provisional && missing_year) {
		/* The command line's warning, naming the year. */
		char warn[256];
		ld_calendar_warning(missing_year, warn, sizeof warn);
		ld_jw_kstr(w, "warning", warn);
	}
	if (rp->house_id > 0)
		ld_jw_kint(w, "house_id", rp->house_id);
	else
		ld_jw_knull(w, "house_id");
	ld_jw_kstr(w, "grid", rp->grid);
	ld_jw_kstr(w, "community", rp->community);
	ld_jw_kstr(w, "address", rp->address);
	if (!r->org) {
		ld_jw_kbool(w, "in_scope", rp->in_scope);
		ld_jw_kbool(w, "registered", rp->registered);
	}
	if (rp->upload_id > 0)
		ld_jw_kint(w, "upload_id", rp->upload_id);
	else
		ld_jw_knull(w, "upload_id");
	ld_jw_kstr(w, "created_at", rp->created_at);
	ld_jw_obj_close(w);
}

static void view_task(ld_jw *w, struct ld_req *r, const ld_task *t,
		      const char *today)
{
	ld_req_carries(r, "tasks", t->id);
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", t->id);
	ld_jw_kstr(w, "kind", t->kind);
	ld_jw_kstr(w, "grid", t->grid);
	ld_jw_kstr(w, "community", t->community);
	ld_view_id_number(w, r, "id_number", t->id_number);
	ld_jw_kstr(w, "name", t->name);
#define OPT_ID(key, v)                        \
	do {                                  \
		if ((v) > 0)                  \
			ld_jw_kint(w, key, v); \
		else                          \
			ld_jw_knull(w, key);  \
	} while (0)
	OPT_ID("house_id", t->house_id);
	OPT_ID("report_id", t->report_id);
	OPT_ID("visit_id", t->visit_id);
#undef OPT_ID
	ld_jw_kstr(w, "detail", t->detail);
	ld_jw_kstr(w, "due_date", t->due_date);
	/* Counted over a year with no holiday arrangement (calendar.md). */
	ld_jw_kbool(w, "due_date_provisional", t->provisional);
	ld_jw_kbool(w, "overdue", strcmp(t->status, "open") == 0 &&
					  strcmp(t->due_date, today) < 0);
	ld_jw_kstr(w, "status", t->status);
	ld_jw_kstr(w, "outcome", t->outcome);
	ld_jw_kstr(w, "note", t->note);
	ld_jw_kstr(w, "assignee", t->assignee_name);
	ld_jw_kstr(w, "closed_at", t->closed_at);
	ld_jw_kstr(w, "created_at", t->created_at);
	ld_jw_obj_close(w);
}

static void today_str(char out[LD_DATE_STRLEN])
{
	ld_day_format(ld_http_today(), out);
}

/* ---- organisations -------------------------------------------------- */

struct org_job {
	ld_org org;
	char now[32];
	char key[45], hash[65], prefix[9];
};

static ld_status org_create_run(ld_write_job *job,
				const struct ld_store_ops *ops, ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct org_job *j = p->data;
	ld_status rc = ops->org_insert(c, &j->org);
	if (rc == LD_OK)
		ld_pending_target(p, "organisation", j->org.id);
	return rc;
}

static void org_create_finish(struct ld_req *r, struct ld_pending *p)
{
	struct org_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "organisation");
	view_org(&w, r, &j->org, NULL, 0);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 201);
}

static bool credit_code_ok(const char *s)
{
	/* 统一社会信用代码 (GB 32100): 18 characters of 0-9 and A-Z
	 * without I, O, S, V, Z. */
	if (strlen(s) != 18)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') ||
		      (*p >= 'A' && *p <= 'Z' && !strchr("IOSVZ", *p))))
			return false;
	return true;
}

void h_orgs_create(struct ld_req *r)
{
	const char *grid = ld_json_str(r->body, "grid");
	ld_area community;
	if (!grid_in_area(r, grid, "grid", "该网格不在您的辖区内", &community))
		return;
	const char *credit = ld_json_str(r->body, "credit_code");
	const char *idn = ld_json_str(r->body, "id_number");
	if (credit && *credit && !credit_code_ok(credit)) {
		ld_reply_error(r, LD_HE_INVALID,
			       "统一社会信用代码应为18位数字或大写字母",
			       "credit_code");
		return;
	}
	char normalized[19] = "";
	if (idn && *idn) {
		ld_idnum id;
		ld_idnum_check(idn, strlen(idn), ld_http_today(), &id);
		if (!id.valid || id.legacy15) {
			ld_reply_error(r, LD_HE_INVALID,
				       id.valid ? "应为18位公民身份号码"
						: ld_id_reason_message(id.reason),
				       "id_number");
			return;
		}
		snprintf(normalized, sizeof normalized, "%s", id.normalized);
	}
	if (!(credit && *credit) && !normalized[0]) {
		ld_reply_error(r, LD_HE_INVALID,
			       "单位请填写统一社会信用代码，个人请填写公民身份号码",
			       "credit_code");
		return;
	}
	const char *name = ld_json_str(r->body, "name");
	if (!*name) {
		ld_reply_error(r, LD_HE_INVALID, "名称不能为空", "name");
		return;
	}
	struct ld_pending *p = ld_pending_new(r, sizeof(struct org_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct org_job *j = p->data;
	ld_arena *a = &p->arena;
	ld_audit_now(j->now);
	/* Absent is empty, as the list shows it. */
	const char *phone = ld_json_str(r->body, "phone");
	const char *address = ld_json_str(r->body, "address");
	j->org = (ld_org){
		.kind = sdup(a, ld_json_str(r->body, "kind")),
		.name = sdup(a, name),
		.credit_code = credit && *credit ? sdup(a, credit) : NULL,
		.id_number = normalized[0] ? sdup(a, normalized) : NULL,
		.phone = sdup(a, phone ? phone : ""),
		.grid = sdup(a, grid),
		.community = sdup(a, community.code),
		.address = sdup(a, address ? address : ""),
		.created_by = r->user.id,
		.created_at = j->now,
	};
	p->job.run = org_create_run;
	p->finish = org_create_finish;
	ld_pending_audit(r, p, "organisation:create", "organisation:new", NULL,
			 NULL);
	ld_pending_submit(r, p);
}

void h_orgs_list(struct ld_req *r)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_page page;
	int page_no;
	if (!ld_req_page(r, &page, &page_no))
		return;
	const char *kind = ld_req_query(r, "kind");
	ld_org_kind k;
	if (kind && !ld_org_kind_from(kind, &k)) {
		ld_reply_error(r, LD_HE_INVALID, "单位类型无效", "kind");
		return;
	}
	ld_org *items;
	size_t n;
	int64_t total;
	ld_status rc = ops->orgs_list(r->th->reader, &r->access,
				      kind ? ld_org_kind_code(k) : NULL, page,
				      &r->arena, &items, &n, &total);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_page_begin(r, &w, &b, total, page_no, page.limit);
	for (size_t i = 0; i < n; i++) {
		ld_api_key *keys = NULL;
		size_t nk = 0;
		ops->api_keys_of(r->th->reader, items[i].id, &r->arena, &keys,
				 &nk);
		view_org(&w, r, &items[i], keys, nk);
	}
	ld_reply_page_close(&w);
	ld_reply_end(r, &w, &b, 200); /* audited: the route's purpose */
}

static ld_status org_key_run(ld_write_job *job, const struct ld_store_ops *ops,
			     ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct org_job *j = p->data;
	return ops->api_key_replace(c, j->org.id, j->hash, j->prefix, j->now);
}

static void org_key_finish(struct ld_req *r, struct ld_pending *p)
{
	struct org_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "key", j->key);
	ld_jw_kstr(&w, "prefix", j->prefix);
	ld_jw_kint(&w, "organisation_id", j->org.id);
	ld_jw_kstr(&w, "notice", "密钥只显示这一次，请妥善保管；重新生成后旧密钥立即失效");
	ld_jw_obj_close(&w);
	memset(j->key, 0, sizeof j->key);
	ld_reply_end(r, &w, &b, 201);
}

void h_org_key(struct ld_req *r)
{
	ld_org o;
	ld_status rc =
		r->srv->ops->org_get(r->th->reader, r->path_id, &r->arena, &o);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	if (!ld_grid_visible(r, o.grid, o.community)) {
		char t[48];
		snprintf(t, sizeof t, "organisation:%lld", (long long)o.id);
		ld_deny(r, LD_HE_OUT_OF_AREA, t);
		return;
	}
	struct ld_pending *p = ld_pending_new(r, sizeof(struct org_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct org_job *j = p->data;
	ld_audit_now(j->now);
	j->org.id = o.id;
	if (!ld_org_key_new(j->key, j->hash, j->prefix)) {
		ld_arena_release(&p->arena);
		free(p);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	p->job.run = org_key_run;
	p->finish = org_key_finish;
	char target[48], detail[48];
	snprintf(target, sizeof target, "organisation:%lld", (long long)o.id);
	snprintf(detail, sizeof detail, "{\"prefix\":\"%s\"}", j->prefix);
	ld_pending_audit(r, p, "organisation:key", target, NULL, detail);
	ld_pending_submit(r, p);
}

/* ---- houses --------------------------------------------------------- */

struct house_job {
	ld_house house;
	char now[32];
};

static ld_status house_create_run(ld_write_job *job,
				  const struct ld_store_ops *ops, ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct house_job *j = p->data;
	ld_status rc = ops->house_insert(c, &j->house);
	if (rc == LD_ECONFLICT)
		return ld_fail(&job->err, LD_ECONFLICT, "address",
			       "该地址已登记为出租房屋");
	if (rc == LD_OK) {
		ld_pending_target(p, "house", j->house.id);
		rc = ops->house_get(c, j->house.id, &p->arena, &j->house);
	}
	return rc;
}

static void house_create_finish(struct ld_req *r, struct ld_pending *p)
{
	struct house_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "house");
	view_house(&w, r, &j->house);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 201);
}

static bool int_in(struct ld_req *r, const char *key, long long lo,
		   long long hi, bool required, int *out)
{
	long long v = ld_json_int(r->body, key, -1);
	if (v == -1 && !required) {
		*out = 0;
		return true;
	}
	if (v < lo || v > hi) {
		char msg[64];
		snprintf(msg, sizeof msg, "应为%lld至%lld之间的整数", lo, hi);
		ld_reply_error(r, LD_HE_INVALID, msg, key);
		return false;
	}
	*out = (int)v;
	return true;
}

void h_houses_create(struct ld_req *r)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_area community;
	ld_address addr;
	if (!ld_resolve_grid(r, ld_json_obj(r->body, "address"), "address",
			     &community, &addr))
		return;
	if (!ld_access_allows(&r->access, &community, addr.grid)) {
		ld_reply_error(r, LD_HE_OUT_OF_AREA, "该地址不在您的辖区内",
			       "address.grid");
		return;
	}
	int rooms, capacity, area;
	if (!int_in(r, "rooms", 1, 200, true, &rooms) ||
	    !int_in(r, "capacity", 1, 1000, true, &capacity) ||
	    !int_in(r, "area_m2", 1, 100000, false, &area))
		return;
	ld_org landlord, agent;
	long long lid = ld_json_int(r->body, "landlord", 0);
	long long aid = ld_json_int(r->body, "agent", 0);
	if (ops->org_get(r->th->reader, lid, &r->arena, &landlord) != LD_OK ||
	    strcmp(landlord.kind, "landlord") != 0) {
		ld_reply_error(r, LD_HE_INVALID,
			       "出租人应为已登记的“房屋出租人”", "landlord");
		return;
	}
	if (aid && (ops->org_get(r->th->reader, aid, &r->arena, &agent) !=
			    LD_OK ||
		    strcmp(agent.kind, "rental_agency") != 0)) {
		ld_reply_error(r, LD_HE_INVALID,
			       "代理人应为已登记的“房屋租赁中介机构”", "agent");
		return;
	}
	struct ld_pending *p = ld_pending_new(r, sizeof(struct house_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct house_job *j = p->data;
	ld_arena *a = &p->arena;
	ld_audit_now(j->now);
	j->house = (ld_house){
		.addr = {sdup(a, addr.district), sdup(a, addr.street),
			 sdup(a, addr.community), sdup(a, addr.grid),
			 sdup(a, addr.road), sdup(a, addr.house_number),
			 sdup(a, addr.building), sdup(a, addr.unit),
			 sdup(a, addr.room)},
		.landlord_org = lid,
		.agent_org = aid,
		.filing_no = sdup(a, ld_json_str(r->body, "filing_no")),
		.rooms = rooms,
		.capacity = capacity,
		.area_m2 = area,
		.created_by = r->user.id,
		.created_at = j->now,
	};
	p->job.run = house_create_run;
	p->finish = house_create_finish;
	ld_pending_audit(r, p, "house:create", "house:new", NULL, NULL);
	ld_pending_submit(r, p);
}

void h_houses_list(struct ld_req *r)
{
	ld_page page;
	int page_no;
	if (!ld_req_page(r, &page, &page_no))
		return;
	const char *flagged = ld_req_query(r, "flagged");
	ld_house *items;
	size_t n;
	int64_t total;
	ld_status rc = r->srv->ops->houses_list(
		r->th->reader, &r->access, ld_req_query(r, "grid"),
		flagged && strcmp(flagged, "1") == 0, page, &r->arena, &items,
		&n, &total);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_page_begin(r, &w, &b, total, page_no, page.limit);
	for (size_t i = 0; i < n; i++)
		view_house(&w, r, &items[i]);
	ld_reply_page_close(&w);
	ld_reply_end(r, &w, &b, 200); /* audited: the route's purpose */
}

void h_house_get(struct ld_req *r)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_house h;
	ld_status rc = ops->house_get(r->th->reader, r->path_id, &r->arena, &h);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	char target[48];
	snprintf(target, sizeof target, "house:%lld", (long long)h.id);
	if (!ld_grid_visible(r, h.addr.grid, h.addr.community)) {
		ld_deny(r, LD_HE_OUT_OF_AREA, target);
		return;
	}
	ld_tenancy *ts;
	size_t n;
	rc = ops->tenancies_of_house(r->th->reader, h.id, false, &r->arena,
				     &ts, &n);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "house");
	view_house(&w, r, &h);
	ld_jw_key(&w, "tenants");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < n; i++) {
		ld_req_carries(r, "tenancies", ts[i].id);
		ld_jw_obj_open(&w);
		ld_jw_kint(&w, "id", ts[i].id);
		ld_view_id_number(&w, r, "id_number", ts[i].id_number);
		ld_jw_kstr(&w, "name", ts[i].name);
		ld_jw_kstr(&w, "move_in", ts[i].move_in);
		ld_jw_kstr(&w, "move_out", ts[i].move_out);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	ld_reply_audited_jw(r, &w, &b, 200, "house:read", target);
}

/* ---- one report ----------------------------------------------------- */

struct report_job {
	struct ld_report_ctx x;
	struct ld_report_in in;
	struct ld_report_out out;
	ld_id org_id;
	ld_id task_id;
	ld_task task;
	ld_house house;
	bool have_task, have_house;
	char now[32];
	/* The request that made it, for the context. */
	struct ld_req req_copy;
};

/* JSON path of a report column, for errors of the single-report API. */
static const char *json_field(const char *code)
{
	static const struct {
		const char *code, *path;
	} map[] = {
		{"id_number", "person.id_number"},
		{"name", "person.name"},
		{"phone", "person.phone"},
		{"hukou_code", "person.hukou_code"},
		{"grid", "address.grid"},
		{"address", "address.road"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (code && strcmp(code, map[i].code) == 0)
			return map[i].path;
	return code;
}

static ld_status report_run(ld_write_job *job, const struct ld_store_ops *ops,
			    ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct report_job *j = p->data;
	/* A run can be repeated (the writer retries a batch carefully):
	 * start from nothing each time. */
	j->x.ops = ops;
	j->x.c = c;
	ld_report_ctx_reset(&j->x);
	j->have_task = j->have_house = false;
	ld_status rc = ld_grid_org_load(&j->x, j->org_id);
	if (rc != LD_OK)
		return rc;
	rc = ld_report_prepare(&j->x, &j->in, &j->out, &job->err);
	if (rc == LD_EINVAL) {
		job->err.field = json_field(job->err.field);
		return rc;
	}
	if (rc != LD_OK)
		return rc;
	int flagged;
	const struct ld_report_task *task = NULL;
	rc = ld_report_settle(&j->x, &j->out);
	if (rc == LD_OK)
		rc = ld_report_apply(&j->x, &j->out, 0, &task);
	if (rc == LD_OK)
		rc = ld_report_flush(&j->x, &flagged);
	if (rc != LD_OK)
		return rc;
	j->task_id = task ? task->task.id : 0;
	ld_pending_target(p, "report", j->out.rec.id);
	if (j->task_id > 0 &&
	    ops->task_get(c, j->task_id, &p->arena, &j->task) == LD_OK)
		j->have_task = true;
	if (j->out.house_id > 0 &&
	    ops->house_get(c, j->out.house_id, &p->arena, &j->house) == LD_OK)
		j->have_house = true;
	return LD_OK;
}

static void report_finish(struct ld_req *r, struct ld_pending *p)
{
	struct report_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_report_ctx_close(&j->x);
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	char today[LD_DATE_STRLEN];
	today_str(today);
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "report");
	view_report(&w, r, &j->out.rec, j->out.hukou_presumed);
	/* What the report set off is the registry's, not the reporter's. */
	if (!r->org) {
		ld_jw_key(&w, "task");
		if (j->have_task)
			view_task(&w, r, &j->task, today);
		else
			ld_jw_null(&w);
		ld_jw_key(&w, "house");
		if (j->have_house)
			view_house(&w, r, &j->house);
		else
			ld_jw_null(&w);
	}
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 201);
	/* Last: the report's strings are in the batch's memory. */
	ld_report_ctx_close(&j->x);
}

void h_reports_create(struct ld_req *r)
{
	ld_id org = ld_grid_reporting_org(
		r, ld_json_int(r->body, "organisation", 0));
	if (!org)
		return;
	if (r->org && ld_json_int(r->body, "organisation", 0) > 0 &&
	    ld_json_int(r->body, "organisation", 0) != r->org_id) {
		ld_reply_error(r, LD_HE_FORBIDDEN, "只能以本单位名义报告",
			       "organisation");
		return;
	}
	/* A paper report entered by staff: the day it was received is an
	 * act date, so an earlier day needs a reason (http/backdate.h). An
	 * organisation cannot give one at all (reporting.c). */
	struct ld_act_date act = {0};
	if (!r->org && ld_json_str(r->body, "reported_date") &&
	    !ld_act_date_read(r, "reported_date", "报告日期", &act))
		return;
	struct ld_pending *p = ld_pending_new(r, sizeof(struct report_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct report_job *j = p->data;
	ld_arena *a = &p->arena;
	ld_audit_now(j->now);
	ld_grid_report_ctx_init(r, &j->x, NULL, NULL, a, j->now);
	j->org_id = org;
	const json_t *person = ld_json_obj(r->body, "person");
	const json_t *addr = ld_json_obj(r->body, "address");
	long long house = ld_json_int(r->body, "house", 0);
	j->in = (struct ld_report_in){
		.kind = sdup(a, ld_json_str(r->body, "kind")),
		.id_number = sdup(a, ld_json_str(person, "id_number")),
		.name = sdup(a, ld_json_str(person, "name")),
		.phone = sdup(a, ld_json_str(person, "phone")),
		.hukou_code = sdup(a, ld_json_str(person, "hukou_code")),
		.event_date = sdup(a, ld_json_str(r->body, "event_date")),
		.event_time = sdup(a, ld_json_str(r->body, "event_time")),
		.reported_date = sdup(a, ld_json_str(r->body, "reported_date")),
		.date_reason = sdup(a, act.reason),
		.house = house ? ld_arena_printf(a, "%lld", house) : NULL,
		.grid = addr ? sdup(a, ld_json_str(addr, "grid")) : NULL,
		.address =
			addr ? ld_arena_printf(
				       a, "%s%s%s%s",
				       ld_json_str(addr, "road")
					       ? ld_json_str(addr, "road")
					       : "",
				       ld_json_str(addr, "house_number")
					       ? ld_json_str(addr,
							     "house_number")
					       : "",
				       ld_json_str(addr, "building")
					       ? ld_json_str(addr, "building")
					       : "",
				       ld_json_str(addr, "room")
					       ? ld_json_str(addr, "room")
					       : "")
			     : NULL,
		.arrival_date = sdup(a, ld_json_str(r->body, "arrival_date")),
	};
	p->job.run = report_run;
	p->finish = report_finish;
	ld_pending_audit(r, p, "report:create", "report:new", NULL,
			 act.reason ? ld_arena_printf(a, "{\"backdated\":%s}",
						      ld_act_date_json(a, &act))
				    : NULL);
	ld_pending_submit(r, p);
}

static bool report_readable(struct ld_req *r, const ld_report *rp)
{
	if (r->org)
		return rp->org_id == r->org_id;
	return ld_grid_visible(r, rp->grid, rp->community);
}

void h_reports_list(struct ld_req *r)
{
	ld_page page;
	int page_no;
	if (!ld_req_page(r, &page, &page_no))
		return;
	ld_report_query q = {0};
	const char *kind = ld_req_query(r, "kind");
	ld_report_kind k;
	if (kind) {
		if (!ld_report_kind_from(kind, &k)) {
			ld_reply_error(r, LD_HE_INVALID, "报告类型无效", "kind");
			return;
		}
		q.kind = ld_report_kind_code(k);
	}
	const char *late = ld_req_query(r, "late");
	q.late_only = late && strcmp(late, "1") == 0;
	const char *org = ld_req_query(r, "organisation");
	if (r->org) {
		q.org_id = r->org_id;
	} else if (org) {
		q.org_id = ld_grid_reporting_org(r, atoll(org));
		if (!q.org_id)
			return;
	}
	ld_report *items;
	size_t n;
	int64_t total;
	ld_status rc = r->srv->ops->reports_list(r->th->reader, &r->access, &q,
						 page, &r->arena, &items, &n,
						 &total);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_page_begin(r, &w, &b, total, page_no, page.limit);
	for (size_t i = 0; i < n; i++)
		view_report(&w, r, &items[i], false);
	ld_reply_page_close(&w);
	r->answer_action = "report:list";
	ld_reply_end(r, &w, &b, 200); /* audited: the route's purpose */
}

void h_report_get(struct ld_req *r)
{
	ld_report rp;
	ld_status rc = r->srv->ops->report_get(r->th->reader, r->path_id,
					       &r->arena, &rp);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	char target[48];
	snprintf(target, sizeof target, "report:%lld", (long long)rp.id);
	if (!report_readable(r, &rp)) {
		ld_deny(r, r->org ? LD_HE_FORBIDDEN : LD_HE_OUT_OF_AREA,
			target);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "report");
	view_report(&w, r, &rp, false);
	ld_jw_obj_close(&w);
	ld_reply_audited_jw(r, &w, &b, 200, "report:read", target);
}

/* ---- tasks ---------------------------------------------------------- */

void h_tasks_list(struct ld_req *r)
{
	ld_page page;
	int page_no;
	if (!ld_req_page(r, &page, &page_no))
		return;
	char today[LD_DATE_STRLEN];
	today_str(today);
	ld_task_query q = {
		.status = ld_req_query(r, "status"),
		.kind = ld_req_query(r, "kind"),
		.area = ld_req_query(r, "grid"),
	};
	if (q.status && strcmp(q.status, "open") != 0 &&
	    strcmp(q.status, "done") != 0) {
		ld_reply_error(r, LD_HE_INVALID, "状态应为 open 或 done",
			       "status");
		return;
	}
	const char *overdue = ld_req_query(r, "overdue");
	if (overdue && strcmp(overdue, "1") == 0)
		q.overdue_before = today;
	ld_task *items;
	size_t n;
	int64_t total;
	ld_status rc = r->srv->ops->tasks_list(r->th->reader, &r->access, &q,
					       page, &r->arena, &items, &n,
					       &total);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_page_begin(r, &w, &b, total, page_no, page.limit);
	for (size_t i = 0; i < n; i++)
		view_task(&w, r, &items[i], today);
	ld_reply_page_close(&w);
	ld_reply_end(r, &w, &b, 200); /* audited: the route's purpose */
}

struct task_job {
	ld_task task;
	char now[32];
	char today[LD_DATE_STRLEN]; /* the close date */
	bool close;
	const char *outcome, *note, *grid, *community;
	ld_id assignee;
	ld_group_rental_settings gr;
	ld_rules_settings rules;
	/* A person's task closed as moved_away: what followed, as JSON (in
	 * the job's arena), or NULL. */
	const char *moved_away;
};

/* ---- a person found moved away -------------------------------------- */

/*
 * When the grid closes a person's task (`absent`: on record but not found;
 * or `unregistered`) as moved_away, what follows from it is done in the
 * same transaction (docs/grid.md):
 *   - the person's open tenancy of the task's house ends, dated the close
 *     date; the house's occupancy and group-rental flag are counted again,
 *     and its open group_rental task is closed when the flag clears;
 *   - the person's other open tasks of that grid are closed as moved away
 *     (and their houses treated the same way);
 *   - the person's active registration, when it lies in that grid (or a
 *     house whose tenancy ended), is marked as found moved away, and stays
 *     active: a finding of the grid is not the cancellation the person, a
 *     relative, the landlord or the employer declares (办法), so the
 *     station checks it and cancels it through the ordinary path; its list
 *     is GET /api/v1/registrations?moved_away=1.
 */
struct moved {
	struct ld_pending *p;
	struct task_job *j;
	const struct ld_store_ops *ops;
	ld_conn *c;
	json_t *houses, *tasks, *group_rental, *grids;
	json_t *registration; /* the one marked, or NULL */
};

static ld_status close_as_moved(struct moved *m, ld_task *t, const char *note)
{
	t->status = "done";
	t->outcome = "moved_away";
	t->note = note;
	t->closed_by = m->p->job.audit[0].user_id;
	t->closed_at = m->j->now;
	return m->ops->task_update(m->c, t);
}

/* End the person's open tenancy of house `house_id` (if any) and count the
 * house again. */
static ld_status leave_house(struct moved *m, ld_id house_id,
			     const char *id_number, ld_id by_task)
{
	ld_id tenancy;
	ld_status rc = m->ops->tenancy_open_of(m->c, house_id, id_number,
					       &tenancy);
	if (rc == LD_ENOTFOUND)
		return LD_OK;
	ld_house h;
	int occupants;
	ld_group_rental g;
	if (rc != LD_OK ||
	    (rc = m->ops->tenancy_close(m->c, tenancy, m->j->today, 0)) !=
		    LD_OK ||
	    (rc = m->ops->house_get(m->c, house_id, &m->p->arena, &h)) !=
		    LD_OK ||
	    (rc = m->ops->tenancies_open_count(m->c, house_id, &occupants)) !=
		    LD_OK)
		return rc;
	ld_day on;
	if (!ld_report_parse_day(m->j->today, &on) ||
	    ld_group_rental_check(occupants, h.rooms, h.capacity, h.area_m2,
				  &m->j->gr, on, &m->j->rules, &g,
				  NULL) != LD_OK)
		return LD_EINTERNAL; /* the schema keeps rooms, capacity >= 1 */
	rc = m->ops->house_set_occupancy(m->c, house_id, occupants, g.flagged);
	if (rc != LD_OK)
		return rc;
	json_array_append_new(m->houses,
			      json_pack("{s:I, s:i, s:b, s:b}", "id",
					(json_int_t)house_id, "occupants",
					occupants, "flagged", g.flagged,
					"was_flagged", h.flagged));
	json_array_append_new(m->grids, json_string(h.addr.grid));
	if (!h.flagged || g.flagged)
		return LD_OK;
	/* The flag cleared: its task has nothing left to check. */
	ld_task *open;
	size_t n;
	rc = m->ops->tasks_open_of(m->c, NULL, house_id, &m->p->arena, &open,
				   &n);
	for (size_t i = 0; rc == LD_OK && i < n; i++) {
		rc = close_as_moved(
			m, &open[i],
			ld_arena_printf(&m->p->arena,
					"承租人搬离后不再符合疑似群租标准（随任务%lld办结）",
					(long long)by_task));
		json_array_append_new(m->group_rental,
				      json_integer(open[i].id));
	}
	return rc;
}

static bool in_grids(json_t *grids, const char *grid)
{
	size_t i;
	json_t *v;
	json_array_foreach(grids, i, v)
	{
		if (strcmp(json_string_value(v), grid) == 0)
			return true;
	}
	return false;
}

static ld_status moved_away_follow(struct moved *m)
{
	const ld_task *t = &m->j->task;
	const struct ld_store_ops *ops = m->ops;
	json_array_append_new(m->grids, json_string(t->grid));
	ld_status rc = LD_OK;
	if (t->house_id > 0)
		rc = leave_house(m, t->house_id, t->id_number, t->id);
	ld_task *open;
	size_t n = 0;
	if (rc == LD_OK)
		rc = ops->tasks_open_of(m->c, t->id_number, 0, &m->p->arena,
					&open, &n);
	for (size_t i = 0; rc == LD_OK && i < n; i++) {
		if (open[i].id == t->id || strcmp(open[i].grid, t->grid) != 0)
			continue;
		rc = close_as_moved(
			m, &open[i],
			ld_arena_printf(&m->p->arena,
					"同一网格内已核实搬离（随任务%lld办结）",
					(long long)t->id));
		json_array_append_new(m->tasks, json_integer(open[i].id));
		if (rc == LD_OK && open[i].house_id > 0)
			rc = leave_house(m, open[i].house_id, t->id_number,
					 t->id);
	}
	if (rc != LD_OK)
		return rc;
	ld_person person;
	ld_registration reg;
	rc = ops->person_by_id_number(m->c, t->id_number, &m->p->arena,
				      &person);
	if (rc == LD_OK)
		rc = ops->registration_active_of_person(m->c, person.id,
							&m->p->arena, &reg);
	if (rc == LD_ENOTFOUND || (rc == LD_OK && !in_grids(m->grids,
							    reg.addr.grid)))
		return LD_OK; /* none, or it lies elsewhere already */
	if (rc == LD_OK)
		rc = ops->registration_moved_away(m->c, reg.id, m->j->today,
						  t->id);
	if (rc != LD_OK)
		return rc;
	m->registration = json_pack("{s:I, s:s, s:s, s:s}", "id",
				    (json_int_t)reg.id, "certificate_no",
				    reg.certificate_no, "status", "active",
				    "moved_away_date", m->j->today);
	return LD_OK;
}

/* Do what follows from closing j->task as moved_away, and describe it in
 * j->moved_away (JSON in p's arena). */
static ld_status moved_away_run(struct ld_pending *p, struct task_job *j,
				const struct ld_store_ops *ops, ld_conn *c)
{
	struct moved m = {
		.p = p, .j = j, .ops = ops, .c = c,
		.houses = json_array(), .tasks = json_array(),
		.group_rental = json_array(), .grids = json_array(),
	};
	ld_status rc = m.houses && m.tasks && m.group_rental && m.grids
			       ? moved_away_follow(&m)
			       : LD_ENOMEM;
	json_t *out = NULL;
	if (rc == LD_OK) {
		out = json_pack("{s:O, s:O, s:O, s:O}", "houses", m.houses,
				"tasks_closed", m.tasks,
				"group_rental_tasks_closed", m.group_rental,
				"registration",
				m.registration ? m.registration : json_null());
		j->moved_away = out ? ld_json_text(&p->arena, out) : NULL;
		if (!j->moved_away)
			rc = LD_ENOMEM;
	}
	json_decref(out);
	json_decref(m.houses);
	json_decref(m.tasks);
	json_decref(m.group_rental);
	json_decref(m.grids);
	json_decref(m.registration);
	if (rc == LD_OK)
		p->job.audit[0].detail = j->moved_away;
	return rc;
}

static ld_status task_change_run(ld_write_job *job,
				 const struct ld_store_ops *ops, ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct task_job *j = p->data;
	j->moved_away = NULL; /* a run can be repeated */
	ld_status rc = ops->task_get(c, j->task.id, &p->arena, &j->task);
	if (rc != LD_OK)
		return rc;
	if (strcmp(j->task.status, "open") != 0)
		return ld_fail(&job->err, LD_ECONFLICT, "task",
			       "该任务已经办结");
	if (j->close) {
		j->task.status = "done";
		j->task.outcome = j->outcome;
		j->task.note = j->note ? j->note : "";
		j->task.closed_by = job->audit[0].user_id;
		j->task.closed_at = j->now;
	} else {
		j->task.grid = j->grid;
		j->task.community = j->community;
		j->task.assignee = j->assignee;
	}
	rc = ops->task_update(c, &j->task);
	if (rc == LD_OK && j->close && strcmp(j->outcome, "moved_away") == 0 &&
	    j->task.id_number)
		rc = moved_away_run(p, j, ops, c);
	if (rc == LD_OK)
		rc = ops->task_get(c, j->task.id, &p->arena, &j->task);
	return rc;
}

static void task_change_finish(struct ld_req *r, struct ld_pending *p)
{
	struct task_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	char today[LD_DATE_STRLEN];
	today_str(today);
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "task");
	view_task(&w, r, &j->task, today);
	/* What closing it as moved away did (null otherwise): tenancies
	 * ended, houses counted again, tasks closed, the registration
	 * marked. JSON written by this program. */
	ld_jw_key(&w, "moved_away");
	if (w.status == LD_OK) {
		w.status = ld_buf_adds(w.out, j->moved_away ? j->moved_away
							      : "null");
		w.after_key = false;
		w.need_comma[w.depth] = true;
	}
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

/* Load the task of the path and check the area; replies on failure. */
static bool task_of_path(struct ld_req *r, ld_task *t, char target[48])
{
	ld_status rc =
		r->srv->ops->task_get(r->th->reader, r->path_id, &r->arena, t);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return false;
	}
	snprintf(target, 48, "task:%lld", (long long)t->id);
	if (!ld_grid_visible(r, t->grid, t->community)) {
		ld_deny(r, LD_HE_OUT_OF_AREA, target);
		return false;
	}
	return true;
}

void h_task_close(struct ld_req *r)
{
	ld_task t;
	char target[48];
	if (!task_of_path(r, &t, target))
		return;
	struct ld_pending *p = ld_pending_new(r, sizeof(struct task_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct task_job *j = p->data;
	ld_audit_now(j->now);
	ld_day_format(ld_http_today(), j->today);
	j->gr = gr_settings(r->srv);
	j->rules = r->srv->settings;
	j->task.id = t.id;
	j->close = true;
	j->outcome = sdup(&p->arena, ld_json_str(r->body, "outcome"));
	j->note = sdup(&p->arena, ld_json_str(r->body, "note"));
	p->job.run = task_change_run;
	p->finish = task_change_finish;
	ld_pending_audit(r, p, "task:close", target, NULL, NULL);
	ld_pending_submit(r, p);
}

void h_task_reassign(struct ld_req *r)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_task t;
	char target[48];
	if (!task_of_path(r, &t, target))
		return;
	const char *grid = ld_json_str(r->body, "grid");
	ld_area community;
	if (!grid_in_area(r, grid, "grid", "只能转派到本所辖区内的网格",
			  &community))
		return;
	ld_id assignee = 0;
	const char *who = ld_json_str(r->body, "assignee");
	if (who && *who) {
		ld_user u;
		if (ops->user_by_name(r->th->reader, who, &r->arena, &u) !=
			    LD_OK ||
		    u.role != LD_ROLE_GRID || !u.area ||
		    strcmp(u.area, grid) != 0 || u.disabled) {
			ld_reply_error(r, LD_HE_INVALID,
				       "应为该网格的网格员账号", "assignee");
			return;
		}
		assignee = u.id;
	}
	struct ld_pending *p = ld_pending_new(r, sizeof(struct task_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct task_job *j = p->data;
	ld_audit_now(j->now);
	j->task.id = t.id;
	j->grid = sdup(&p->arena, grid);
	j->community = sdup(&p->arena, community.code);
	j->assignee = assignee;
	p->job.run = task_change_run;
	p->finish = task_change_finish;
	char detail[96];
	snprintf(detail, sizeof detail, "{\"from\":\"%s\",\"to\":\"%s\"}",
		 t.grid, grid);
	ld_pending_audit(r, p, "task:reassign", target, NULL, detail);
	ld_pending_submit(r, p);
}

/* ---- visits --------------------------------------------------------- */

#define VISIT_MAX 50

struct occupant {
	const char *id_number, *name, *hukou;
	const char *status; /* registered | unregistered | not_in_scope */
	ld_id task_id;
};

struct visit_job {
	ld_visit visit;
	ld_house house;
	bool have_house;
	char now[32];
	const char *community;
	ld_day date;
	struct occupant occ[VISIT_MAX];
	int nocc;
	ld_tenancy *absent;
	size_t nabsent;
	ld_id absent_task[VISIT_MAX];
	ld_id task_ids[2 * VISIT_MAX + 500];
	size_t ntasks;
	ld_task *tasks; /* read back for the answer */
	const ld_calendar *cal;
	int task_days;
};

static ld_status visit_task(const struct ld_store_ops *ops, ld_conn *c,
			    struct visit_job *j, const char *kind,
			    const char *idn, const char *name,
			    const char *detail, ld_id *id)
{
	bool open;
	*id = 0;
	ld_status rc = ops->task_open_exists(c, kind, idn, 0, &open);
	if (rc != LD_OK || open)
		return rc;
	bool complete;
	int missing;
	char due[LD_DATE_STRLEN];
	ld_day_format(ld_calendar_add_working_days(j->cal, j->date,
						   j->task_days, &complete,
						   &missing),
		      due);
	ld_task t = {
		.kind = kind,
		.grid = j->visit.grid,
		.community = j->community,
		.id_number = idn,
		.name = name,
		.house_id = j->visit.house_id,
		.visit_id = j->visit.id,
		.detail = detail,
		.due_date = due,
		.created_at = j->now,
	};
	rc = ops->task_insert(c, &t);
	if (rc == LD_OK && !complete) {
		/* Counted over a year with no arrangement: kept with its
		 * count, decided again once it is loaded. */
		char from[LD_DATE_STRLEN];
		ld_day_format(j->date, from);
		rc = ops->provisional_mark(c, LD_PROV_TASK, t.id, from,
					   j->task_days);
	}
	if (rc == LD_OK && j->ntasks < sizeof j->task_ids / sizeof j->task_ids[0])
		j->task_ids[j->ntasks++] = t.id;
	*id = t.id;
	return rc;
}

static ld_status visit_run(ld_write_job *job, const struct ld_store_ops *ops,
			   ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct visit_job *j = p->data;
	/* A run can be repeated (the writer retries a batch carefully). */
	j->ntasks = 0;
	j->nabsent = 0;
	for (int i = 0; i < j->nocc; i++)
		j->occ[i].task_id = 0;
	ld_status rc = ops->visit_insert(c, &j->visit);
	if (rc != LD_OK)
		return rc;
	ld_pending_target(p, "visit", j->visit.id);
	for (int i = 0; i < j->nocc; i++) {
		struct occupant *o = &j->occ[i];
		bool registered;
		rc = ops->person_registered(c, o->id_number, &registered);
		if (rc != LD_OK)
			return rc;
		if (registered) {
			o->status = "registered";
			continue;
		}
		ld_scope_decision d;
		bool presumed;
		bool in_scope = ld_person_scope(o->id_number, o->hukou,
						j->visit.grid, &d, &presumed,
						NULL) != LD_OK ||
				(d.in_scope && d.registration_required);
		o->status = in_scope ? "unregistered" : "not_in_scope";
		if (!in_scope)
			continue;
		rc = visit_task(ops, c, j, "unregistered", o->id_number,
				o->name, "入户走访发现，未申报居住登记",
				&o->task_id);
		if (rc != LD_OK)
			return rc;
	}
	if (!j->have_house)
		return LD_OK;
	/* Tenants on record who were not found. */
	ld_tenancy *ts;
	size_t n;
	rc = ops->tenancies_of_house(c, j->visit.house_id, true, &p->arena,
				     &ts, &n);
	if (rc != LD_OK)
		return rc;
	j->absent = ld_arena_calloc(&p->arena, (n ? n : 1) * sizeof *ts);
	if (!j->absent)
		return LD_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		bool found = false;
		for (int i = 0; i < j->nocc && !found; i++)
			found = strcmp(ts[k].id_number, j->occ[i].id_number) == 0;
		if (found)
			continue;
		j->absent[j->nabsent++] = ts[k];
		ld_id tid;
		rc = visit_task(ops, c, j, "absent", ts[k].id_number,
				ts[k].name, "入户走访未见，核实是否已搬离",
				&tid);
		if (rc != LD_OK)
			return rc;
	}
	j->tasks = ld_arena_calloc(&p->arena,
				   (j->ntasks ? j->ntasks : 1) * sizeof *j->tasks);
	if (!j->tasks)
		return LD_ENOMEM;
	return LD_OK;
}

static void visit_finish(struct ld_req *r, struct ld_pending *p)
{
	struct visit_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	char today[LD_DATE_STRLEN];
	today_str(today);
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "visit");
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "id", j->visit.id);
	if (j->have_house)
		ld_jw_kint(&w, "house_id", j->visit.house_id);
	else
		ld_jw_knull(&w, "house_id");
	ld_jw_kstr(&w, "grid", j->visit.grid);
	ld_jw_kstr(&w, "date", j->visit.date);
	ld_jw_obj_close(&w);
	ld_jw_key(&w, "found");
	ld_jw_arr_open(&w);
	for (int i = 0; i < j->nocc; i++) {
		ld_jw_obj_open(&w);
		ld_view_id_number(&w, r, "id_number", j->occ[i].id_number);
		ld_jw_kstr(&w, "name", j->occ[i].name);
		ld_jw_kstr(&w, "status", j->occ[i].status);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_key(&w, "absent");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < j->nabsent; i++) {
		ld_jw_obj_open(&w);
		ld_view_id_number(&w, r, "id_number", j->absent[i].id_number);
		ld_jw_kstr(&w, "name", j->absent[i].name);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_key(&w, "tasks");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < j->ntasks; i++) {
		ld_task t;
		if (r->srv->ops->task_get(r->th->reader, j->task_ids[i],
					  &r->arena, &t) == LD_OK)
			view_task(&w, r, &t, today);
	}
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 201);
}

void h_visits_create(struct ld_req *r)
{
	const struct ld_store_ops *ops = r->srv->ops;
	struct ld_pending *p = ld_pending_new(r, sizeof(struct visit_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct visit_job *j = p->data;
	ld_arena *a = &p->arena;
	ld_audit_now(j->now);
	j->cal = &r->srv->calendar;
	j->task_days = r->srv->cfg.task_days;
	long long house = ld_json_int(r->body, "house", 0);
	const json_t *addr = ld_json_obj(r->body, "address");
	const char *fail_field = NULL, *fail_msg = NULL;
	enum ld_http_error fail_kind = LD_HE_INVALID;
	if (house > 0) {
		if (ops->house_get(r->th->reader, house, a, &j->house) !=
		    LD_OK) {
			fail_field = "house", fail_msg = "房屋编号不存在";
		} else if (!ld_grid_visible(r, j->house.addr.grid,
				    j->house.addr.community)) {
			fail_field = "house", fail_kind = LD_HE_OUT_OF_AREA,
			fail_msg = "该房屋不在您的辖区内";
		} else {
			j->have_house = true;
			j->visit.house_id = j->house.id;
			j->visit.grid = j->house.addr.grid;
			j->community = j->house.addr.community;
		}
	} else if (addr) {
		ld_area community;
		ld_address ad;
		if (!ld_resolve_grid(r, addr, "address", &community, &ad)) {
			ld_arena_release(a);
			free(p);
			return;
		}
		if (!ld_access_allows(&r->access, &community, ad.grid)) {
			fail_field = "address.grid", fail_kind = LD_HE_OUT_OF_AREA,
			fail_msg = "该地址不在您的辖区内";
		} else {
			j->visit.grid = sdup(a, ad.grid);
			j->community = sdup(a, community.code);
			j->visit.address = ld_arena_printf(
				a, "%s%s%s%s", ad.road ? ad.road : "",
				ad.house_number ? ad.house_number : "",
				ad.building ? ad.building : "",
				ad.room ? ad.room : "");
		}
	} else {
		fail_field = "house", fail_msg = "请选择房屋或填写地址";
	}
	ld_day today = ld_http_today();
	j->date = today;
	const char *date = ld_json_str(r->body, "date");
	if (!fail_msg && date &&
	    (!ld_report_parse_day(date, &j->date) || j->date > today))
		fail_field = "date", fail_msg = "走访日期无效或晚于今天";
	json_t *occ = json_object_get(r->body, "occupants");
	size_t i;
	json_t *item;
	if (!fail_msg && json_array_size(occ) > VISIT_MAX)
		fail_field = "occupants", fail_msg = "一次最多登记50人";
	if (!fail_msg)
		json_array_foreach(occ, i, item)
		{
			static char field[48];
			const char *idn = ld_json_str(item, "id_number");
			ld_idnum id;
			ld_idnum_check_person(idn, strlen(idn), today, &id);
			if (!id.valid || id.legacy15) {
				snprintf(field, sizeof field,
					 "occupants[%zu].id_number", i);
				fail_field = field;
				fail_msg = id.valid ? "应为18位公民身份号码"
						    : ld_id_reason_message(
							      id.reason);
				break;
			}
			const char *hk = ld_json_str(item, "hukou_code");
			int32_t code;
			if (hk && (ld_division_parse(hk, (int)strlen(hk), &code,
						     "hukou_code", NULL) !=
					   LD_OK ||
				   !ld_division_is_county_level(code))) {
				snprintf(field, sizeof field,
					 "occupants[%zu].hukou_code", i);
				fail_field = field;
				fail_msg = "应为县级行政区划代码";
				break;
			}
			struct occupant *o = &j->occ[j->nocc++];
			o->id_number = sdup(a, id.normalized);
			o->name = sdup(a, ld_json_str(item, "name"));
			o->hukou = sdup(a, hk);
		}
	if (fail_msg) {
		ld_arena_release(a);
		free(p);
		ld_reply_error(r, fail_kind, fail_msg, fail_field);
		return;
	}
	char d[LD_DATE_STRLEN];
	ld_day_format(j->date, d);
	j->visit.date = sdup(a, d);
	j->visit.note = sdup(a, ld_json_str(r->body, "note"));
	j->visit.user_id = r->user.id;
	j->visit.created_at = j->now;
	/* The visit as recorded, for the register's history. */
	ld_buf ob;
	ld_jw ow;
	ld_buf_init(&ob, 1 << 20);
	ld_jw_init(&ow, &ob);
	ld_jw_arr_open(&ow);
	for (int k = 0; k < j->nocc; k++) {
		ld_jw_obj_open(&ow);
		ld_jw_kstr(&ow, "id_number", j->occ[k].id_number);
		ld_jw_kstr(&ow, "name", j->occ[k].name);
		ld_jw_obj_close(&ow);
	}
	ld_jw_arr_close(&ow);
	if (ld_jw_finish(&ow) == LD_OK)
		j->visit.occupants = ld_arena_strndup(a, ob.data, ob.len);
	ld_buf_release(&ob);
	if (!j->visit.occupants) {
		ld_arena_release(a);
		free(p);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	p->job.run = visit_run;
	p->finish = visit_finish;
	ld_pending_audit(r, p, "visit:create", "visit:new", NULL, NULL);
	ld_pending_submit(r, p);
}

/* ---- the grid's work list and figures ------------------------------- */

void h_grid_worklist(struct ld_req *r)
{
	const struct ld_store_ops *ops = r->srv->ops;
	const char *area = ld_req_query(r, "area");
	if (area && *area) {
		/* Narrow to one grid the user may see. */
		ld_area community;
		if (!grid_in_area(r, area, "area", "该网格不在您的辖区内",
				  &community))
			return;
		r->access = (ld_access){LD_ACCESS_GRID, area};
	}
	char today[LD_DATE_STRLEN];
	today_str(today);
	ld_page page = {0, 100};
	ld_task *tasks;
	ld_house *houses;
	ld_late_item *late;
	ld_report *reports;
	size_t nt, nh, nl, nr;
	int64_t total;
	ld_task_query tq = {.status = "open"};
	ld_report_query rq = {.late_only = true};
	if (ops->tasks_list(r->th->reader, &r->access, &tq, page, &r->arena,
			    &tasks, &nt, &total) != LD_OK ||
	    ops->houses_list(r->th->reader, &r->access, NULL, true, page,
			     &r->arena, &houses, &nh, &total) != LD_OK ||
	    ops->worklist_late(r->th->reader, &r->access, NULL, NULL, page,
			       &r->arena, &late, &nl, &total) != LD_OK ||
	    ops->reports_list(r->th->reader, &r->access, &rq, page, &r->arena,
			      &reports, &nr, &total) != LD_OK) {
		ld_reply_error(r, LD_HE_UNAVAILABLE, NULL, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "area", area);
	ld_jw_key(&w, "tasks");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < nt; i++)
		view_task(&w, r, &tasks[i], today);
	ld_jw_arr_close(&w);
	ld_jw_key(&w, "flagged_houses");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < nh; i++)
		view_house(&w, r, &houses[i]);
	ld_jw_arr_close(&w);
	ld_jw_key(&w, "late_registrations");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < nl; i++)
		ld_view_late_item(&w, r, &late[i]);
	ld_jw_arr_close(&w);
	ld_jw_key(&w, "late_reports");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < nr; i++)
		view_report(&w, r, &reports[i], false);
	ld_jw_arr_close(&w);
	ld_jw_key(&w, "permits_due");
	if (!ld_write_permit_worklist(r, &w, ld_http_today())) {
		ld_buf_release(&b);
		ld_reply_error(r, LD_HE_UNAVAILABLE, NULL, NULL);
		return;
	}
	ld_jw_obj_close(&w);
	r->answer_action = "grid:worklist";
	ld_reply_end(r, &w, &b, 200); /* audited: the route's purpose */
}

void h_stats_grid(struct ld_req *r)
{
	const char *parent = ld_req_query(r, "parent");
	if (parent) {
		size_t n = strlen(parent);
		bool digits = n == 6 || n == 9 || n == 12;
		for (size_t i = 0; digits && i < n; i++)
			digits = parent[i] >= '0' && parent[i] <= '9';
		if (!digits) {
			ld_reply_error(r, LD_HE_INVALID,
				       "应为区县、街道或社区代码", "parent");
			return;
		}
	}
	char today[LD_DATE_STRLEN];
	today_str(today);
	ld_grid_stat *items;
	size_t n;
	ld_status rc = r->srv->ops->grid_stats(r->th->reader, &r->access,
					       parent, today, &r->arena, &items,
					       &n);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "parent", parent);
	ld_jw_key(&w, "items");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < n; i++) {
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "code", items[i].code);
		ld_jw_kstr(&w, "name", items[i].name);
		ld_jw_kint(&w, "actual_population", items[i].actual);
		ld_jw_kint(&w, "floating_population", items[i].floating);
		ld_jw_kint(&w, "rental_houses", items[i].houses);
		ld_jw_kint(&w, "tasks_open", items[i].tasks_open);
		ld_jw_kint(&w, "tasks_overdue", items[i].tasks_overdue);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}
