/*
 * views.c — JSON views of records.
 */
#include "http/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/catalog.h"
#include "core/deadline.h"
#include "core/division.h"
#include "core/entitlement.h"
#include "core/licence.h"
#include "http/handlers.h"
#include "http/reply.h"

ld_day ld_http_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return ld_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static const char *label(const struct ld_code_list *l, const char *code)
{
	const struct ld_code *c = code ? ld_code_find(l, code) : NULL;
	return c ? c->label : NULL;
}

void ld_address_text(const ld_address *a, char *out, size_t size)
{
	snprintf(out, size, "%s%s%s%s%s%s%s%s", a->road, a->house_number,
		 a->building, *a->building ? "号楼" : "", a->unit,
		 *a->unit ? "单元" : "", a->room, *a->room ? "室" : "");
}

struct ld_view_policy ld_view_policy_of(const struct ld_req *r)
{
	struct ld_view_policy all = {true, true}, masked = {false, true};
	if (r->resident)
		return all; /* resident routes show the resident's own record */
	if (r->org || !r->authed)
		return masked;
	/* The desk identifies people by their number; a grid worker visits
	 * and calls them, and needs the phone but not the whole number. */
	return r->user.role == LD_ROLE_ADMIN || r->user.role == LD_ROLE_CLERK
		       ? all
		       : masked;
}

void ld_view_id_number(ld_jw *w, const struct ld_req *r, const char *key,
		       const char *id)
{
	if (!id || ld_view_policy_of(r).full_id_numbers) {
		ld_jw_kstr(w, key, id);
		return;
	}
	char masked[19];
	ld_mask_id_number(id, masked);
	ld_jw_kstr(w, key, masked);
}

void ld_view_phone(ld_jw *w, const struct ld_req *r, const char *key,
		   const char *phone)
{
	ld_jw_kstr(w, key,
		   !phone || ld_view_policy_of(r).phones ? phone : "");
}

void ld_view_person(ld_jw *w, struct ld_req *r, const ld_person *p)
{
	char name[160] = "";
	ld_req_carries(r, "persons", p->id);
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", p->id);
	ld_view_id_number(w, r, "id_number", p->id_number);
	ld_jw_kstr(w, "name", p->name);
	ld_jw_kstr(w, "sex", p->sex);
	ld_jw_kstr(w, "ethnicity", p->ethnicity);
	ld_jw_kstr(w, "ethnicity_name", label(&ld_ethnicities, p->ethnicity));
	ld_jw_kstr(w, "birth", p->birth);
	ld_jw_kstr(w, "hukou_code", p->hukou_code);
	if (p->hukou_code)
		ld_division_full_name(atoi(p->hukou_code), name, sizeof name);
	ld_jw_kstr(w, "hukou_place", name);
	ld_jw_kstr(w, "hukou_address", p->hukou_address);
	ld_view_phone(w, r, "phone", p->phone);
	ld_jw_kstr(w, "created_at", p->created_at);
	ld_jw_kstr(w, "updated_at", p->updated_at);
	ld_jw_obj_close(w);
}

void ld_view_registration(ld_jw *w, struct ld_req *req,
			  const ld_registration *r)
{
	char district[64] = "";
	ld_req_carries(req, "persons", r->person_id);
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", r->id);
	ld_jw_kint(w, "person_id", r->person_id);
	ld_jw_kstr(w, "status", r->status);
	ld_jw_kstr(w, "certificate_no", r->certificate_no);
	ld_jw_key(w, "address");
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "district", r->addr.district);
	if (r->addr.district) {
		const struct ld_division_rec *d =
			ld_division_latest(atoi(r->addr.district));
		if (d)
			snprintf(district, sizeof district, "%s", d->name);
	}
	ld_jw_kstr(w, "district_name", district);
	ld_jw_kstr(w, "street", r->addr.street);
	ld_jw_kstr(w, "community", r->addr.community);
	ld_jw_kstr(w, "grid", r->addr.grid);
	ld_jw_kstr(w, "road", r->addr.road);
	ld_jw_kstr(w, "house_number", r->addr.house_number);
	ld_jw_kstr(w, "building", r->addr.building);
	ld_jw_kstr(w, "unit", r->addr.unit);
	ld_jw_kstr(w, "room", r->addr.room);
	ld_jw_obj_close(w);
	ld_jw_kstr(w, "arrival_date", r->arrival_date);
	ld_jw_kstr(w, "declared_date", r->declared_date);
	/* Recorded although not required (override_reason): no duty, so no
	 * deadline and never late. */
	ld_jw_kstr(w, "deadline", r->override_reason ? NULL : r->deadline);
	ld_jw_kbool(w, "late", r->late && !r->override_reason);
	ld_jw_kbool(w, "calendar_complete", r->calendar_complete);
	ld_jw_kstr(w, "reason", r->reason);
	ld_jw_kstr(w, "reason_name", label(&ld_stay_reasons, r->reason));
	ld_jw_kstr(w, "housing", r->housing);
	ld_jw_kstr(w, "housing_name", label(&ld_housing_kinds, r->housing));
	ld_jw_kstr(w, "employer", r->employer);
	ld_jw_kbool(w, "in_scope", r->in_scope);
	ld_jw_kstr(w, "scope_reason", r->scope_reason);
	ld_jw_kstr(w, "exemption", r->exemption);
	ld_jw_kstr(w, "override_reason", r->override_reason);
	ld_jw_kstr(w, "cancelled_date", r->cancelled_date);
	ld_jw_kstr(w, "cancel_reason", r->cancel_reason);
	ld_jw_kstr(w, "cancel_reporter", r->cancel_reporter);
	ld_jw_kstr(w, "created_at", r->created_at);
	/* The grid found the holder moved away: the station is to check and
	 * cancel (docs/grid.md). */
	ld_jw_key(w, "moved_away");
	if (r->moved_away_date && strcmp(r->status, "active") == 0) {
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "date", r->moved_away_date);
		ld_jw_kint(w, "task_id", r->moved_away_task);
		ld_jw_obj_close(w);
	} else {
		ld_jw_null(w);
	}
	ld_jw_obj_close(w);
}

void ld_view_event(ld_jw *w, const ld_reg_event *e)
{
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", e->id);
	ld_jw_kint(w, "registration_id", e->registration_id);
	ld_jw_kstr(w, "kind", e->kind);
	ld_jw_kstr(w, "date", e->date);
	ld_jw_kstr(w, "deadline", e->deadline);
	if (e->late < 0)
		ld_jw_knull(w, "late");
	else
		ld_jw_kbool(w, "late", e->late);
	ld_jw_key(w, "detail");
	/* detail is a JSON object written by this program. */
	ld_buf *b = w->out;
	if (w->status == LD_OK) {
		const char *d = e->detail && *e->detail ? e->detail : "{}";
		w->status = ld_buf_adds(b, d);
		w->after_key = false;
		w->need_comma[w->depth] = true;
	}
	ld_jw_kstr(w, "at", e->at);
	ld_view_entry(w, e->entered_date, e->date_reason);
	ld_jw_obj_close(w);
}

void ld_view_entry(ld_jw *w, const char *entered_date, const char *reason)
{
	ld_jw_kstr(w, "entered_date", entered_date);
	ld_jw_kbool(w, "backdated", reason != NULL);
	ld_jw_kstr(w, "date_reason", reason);
}

void ld_view_basis(ld_jw *w, const ld_basis *b)
{
	ld_jw_key(w, "basis");
	ld_jw_arr_open(w);
	for (int i = 0; i < b->n; i++)
		ld_jw_str(w, ld_cite_text(b->items[i]));
	ld_jw_arr_close(w);
}

void ld_view_scope(ld_jw *w, const ld_scope_decision *d)
{
	char code[8];
	ld_jw_obj_open(w);
	ld_jw_kbool(w, "in_scope", d->in_scope);
	ld_jw_kbool(w, "registration_required", d->registration_required);
	ld_jw_kstr(w, "reason", ld_scope_reason_code(d->reason));
	ld_jw_kstr(w, "reason_text", ld_scope_reason_message(d->reason));
	snprintf(code, sizeof code, "%06d", (int)d->hukou);
	ld_jw_kstr(w, "hukou", code);
	ld_jw_kstr(w, "exemption", d->exemption == LD_LODGING_NONE
					   ? NULL
					   : ld_lodging_code(d->exemption));
	ld_view_basis(w, &d->basis);
	ld_jw_obj_close(w);
}

void ld_view_late_item(ld_jw *w, struct ld_req *r, const ld_late_item *it)
{
	ld_req_carries(r, "persons", it->person_id);
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "kind", strcmp(it->kind, "declared") == 0
				      ? "late_declaration"
				      : "late_address_change");
	ld_jw_kint(w, "registration_id", it->registration_id);
	ld_jw_kint(w, "person_id", it->person_id);
	ld_jw_kstr(w, "name", it->person_name);
	ld_jw_kstr(w, "date", it->date);
	ld_jw_kstr(w, "deadline", it->deadline);
	ld_day deadline, done;
	bool complete = true;
	int late_by = 0;
	if (it->deadline && it->date &&
	    ld_day_parse(it->deadline, (int)strlen(it->deadline), &deadline,
			 "deadline", NULL) == LD_OK &&
	    ld_day_parse(it->date, (int)strlen(it->date), &done, "date",
			 NULL) == LD_OK)
		late_by = ld_deadline_working_days_late(&r->srv->calendar,
							deadline, done,
							&complete);
	ld_jw_kint(w, "working_days_late", late_by);
	ld_jw_kstr(w, "grid", it->grid);
	ld_jw_kstr(w, "community", it->community);
	ld_jw_kstr(w, "certificate_no", it->certificate_no);
	ld_jw_obj_close(w);
}

bool ld_access_allows(const ld_access *acc, const ld_area *community,
		      const char *grid)
{
	switch (acc->kind) {
	case LD_ACCESS_ALL:
		return true;
	case LD_ACCESS_STATION:
		return community->station &&
		       strcmp(community->station, acc->code) == 0;
	case LD_ACCESS_GRID:
		return strcmp(grid, acc->code) == 0;
	case LD_ACCESS_NONE:
		break;
	}
	return false;
}

static bool uint_param(const char *s, int max, int *out)
{
	int v = 0;
	if (!*s)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > max)
			return false;
		v = v * 10 + (*p - '0');
	}
	if (v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

bool ld_req_page(struct ld_req *r, ld_page *page, int *page_no)
{
	const char *p = ld_req_query(r, "page");
	const char *pp = ld_req_query(r, "per_page");
	int n = 1, per = 20;
	if ((p && !uint_param(p, 1000000, &n)) ||
	    (pp && !uint_param(pp, 100, &per))) {
		ld_reply_error(r, LD_HE_INVALID, "分页参数无效", "page");
		return false;
	}
	page->limit = per;
	page->offset = (n - 1) * per;
	*page_no = n;
	return true;
}

bool ld_query_date(struct ld_req *r, const char *name, const char **out)
{
	const char *v = ld_req_query(r, name);
	*out = NULL;
	if (!v)
		return true;
	ld_day d;
	if (ld_day_parse(v, (int)strlen(v), &d, name, NULL) != LD_OK)
		return false;
	*out = v;
	return true;
}

void ld_view_entitlements(ld_jw *w, const void *const *items, size_t n)
{
	const ld_entitlement *const *list = (const ld_entitlement *const *)items;
	ld_jw_key(w, "entitlements");
	ld_jw_arr_open(w);
	for (size_t i = 0; i < n; i++) {
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "code", list[i]->code);
		ld_jw_kstr(w, "title", list[i]->title);
		ld_jw_kbool(w, "conditional", list[i]->conditional);
		ld_jw_key(w, "basis");
		ld_jw_arr_open(w);
		for (int c = 0; c < list[i]->n_basis; c++)
			ld_jw_str(w, ld_cite_text(list[i]->basis[c]));
		ld_jw_arr_close(w);
		ld_jw_obj_close(w);
	}
	ld_jw_arr_close(w);
}

void ld_reply_audited_jw(struct ld_req *r, ld_jw *w, ld_buf *b, int status,
			 const char *action, const char *target)
{
	if (ld_jw_finish(w) != LD_OK) {
		ld_buf_release(b);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	ld_reply_audited(r, b, status, action, target);
}
