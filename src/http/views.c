/*
 * views.c — JSON views of records.
 */
#include "http/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include "core/catalog.h"
#include "core/deadline.h"
#include "core/division.h"
#include "core/document.h"
#include "core/entitlement.h"
#include "core/licence.h"
#include "http/handlers.h"
#include "http/reply.h"

/* The day LIUDONG_TEST_TODAY names, read once; 0 when it is not set. */
static ld_day test_today;
static pthread_once_t test_today_once = PTHREAD_ONCE_INIT;

static void read_test_today(void)
{
	const char *v = getenv("LIUDONG_TEST_TODAY");
	ld_day d;
	if (v && strlen(v) == 10 &&
	    ld_day_parse(v, 10, &d, "LIUDONG_TEST_TODAY", NULL) == LD_OK)
		test_today = d;
}

ld_day ld_http_today_override(void)
{
	pthread_once(&test_today_once, read_test_today);
	return test_today;
}

ld_day ld_http_today(void)
{
	ld_day fixed = ld_http_today_override();
	if (fixed)
		return fixed;
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return ld_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void ld_view_provisional(ld_jw *w, const ld_deadline *dl)
{
	ld_jw_kbool(w, "provisional", !dl->calendar_complete);
	if (!dl->calendar_complete) {
		char warn[256];
		ld_calendar_warning(dl->missing_year, warn, sizeof warn);
		ld_jw_kstr(w, "warning", warn);
	}
}

static const char *label(const struct ld_code_list *l, const char *code)
{
	const struct ld_code *c = code ? ld_code_find(l, code) : NULL;
	return c ? c->label : NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* A part of an address with its unit word (号楼, 单元, 室) unless it already
 * ends with that word or another one of its kind ("3栋", "302房"). */
static const char *unit_word(const char *part, const char *word,
			     const char *const *others)
{
	if (!*part || ends_with(part, word))
		return "";
	for (; others && *others; others++)
		if (ends_with(part, *others))
			return "";
	return word;
}

/* The one formatter of addresses: the district's name (when asked), the
 * road, the number, building, unit and room, each part with its word. */
static void address_text(const ld_address *a, bool with_district, char *out,
			 size_t size)
{
	static const char *const buildings[] = {"楼", "栋", "幢", "座", NULL};
	static const char *const rooms[] = {"房", "户", NULL};
	const char *district = "";
	if (with_district && a->district) {
		const struct ld_division_rec *d =
			ld_division_latest(atoi(a->district));
		if (d)
			district = d->name;
	}
	const char *road = a->road ? a->road : "";
	const char *number = a->house_number ? a->house_number : "";
	const char *building = a->building ? a->building : "";
	const char *unit = a->unit ? a->unit : "";
	const char *room = a->room ? a->room : "";
	snprintf(out, size, "%s%s%s%s%s%s%s%s%s", district, road, number,
		 building, unit_word(building, "号楼", buildings), unit,
		 unit_word(unit, "单元", NULL), room,
		 unit_word(room, "室", rooms));
}

void ld_address_text(const ld_address *a, char *out, size_t size)
{
	address_text(a, false, out, size);
}

void ld_address_full_text(const ld_address *a, char *out, size_t size)
{
	address_text(a, true, out, size);
}

void ld_hukou_address_text(const ld_person *p, char *out, size_t size)
{
	const char *given = p->hukou_address ? p->hukou_address : "";
	while (*given == ' ')
		given++;
	int32_t code = p->hukou_code ? atoi(p->hukou_code) : 0;
	const struct ld_division_rec *county = ld_division_latest(code);
	if (!county) {
		snprintf(out, size, "%s", given);
		return;
	}
	const struct ld_division_rec *prov = NULL, *city = NULL;
	if (code % 10000 != 0)
		prov = ld_division_latest(code / 10000 * 10000);
	if (code % 100 != 0)
		city = ld_division_latest(code / 100 * 100);
	/* The levels the address does not name itself are written before
	 * it: a full address as given, "朝阳区…" after its province and
	 * city, "某街道…" after the whole place. */
	const char *levels[3] = {prov ? prov->name : "",
				 city ? city->name : "", county->name};
	int from = 3;
	for (int i = 0; i < 3; i++)
		if (*levels[i] && strncmp(given, levels[i],
					  strlen(levels[i])) == 0) {
			from = i;
			break;
		}
	out[0] = '\0';
	size_t n = 0;
	for (int i = 0; i < from && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s", levels[i]);
	if (n < size)
		snprintf(out + n, size - n, "%s", given);
}

void ld_view_photo(ld_jw *w, const char *key, const ld_photo *ph)
{
	ld_jw_key(w, key);
	if (!ph) {
		ld_jw_null(w);
		return;
	}
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", ph->id);
	ld_jw_kstr(w, "content_type", ph->content_type);
	ld_jw_kint(w, "width", ph->width);
	ld_jw_kint(w, "height", ph->height);
	ld_jw_kint(w, "bytes", ph->bytes);
	ld_jw_kstr(w, "sm3", ph->sm3);
	ld_jw_kstr(w, "channel", ph->channel);
	ld_jw_kstr(w, "created_at", ph->created_at);
	ld_jw_obj_close(w);
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
	ld_doc_type doc = LD_DOC_RESIDENT_ID;
	if (p->document_type)
		ld_doc_type_from_code(p->document_type, &doc);
	ld_jw_kstr(w, "document_type", ld_doc_type_code(doc));
	ld_jw_kstr(w, "document_type_name", ld_doc_type_label(doc));
	ld_jw_kstr(w, "hukou_code", p->hukou_code);
	if (p->hukou_code)
		ld_region_full_name(atoi(p->hukou_code), name, sizeof name);
	ld_jw_kstr(w, "hukou_place", name);
	ld_jw_kstr(w, "hukou_address", p->hukou_address);
	char hukou[LD_ADDRESS_TEXT_MAX];
	ld_hukou_address_text(p, hukou, sizeof hukou);
	ld_jw_kstr(w, "hukou_address_text", hukou);
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
	/* The deadline and the lateness were counted over a year with no
	 * holiday arrangement; decided again once it is loaded. */
	ld_jw_kbool(w, "provisional", !r->calendar_complete);
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
	ld_jw_kbool(w, "provisional", e->provisional);
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
	ld_jw_kstr(w, "hukou", d->hukou ? code : NULL);
	ld_jw_kstr(w, "nationality", ld_nationality_code(d->nationality));
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
	ld_jw_kbool(w, "provisional", it->provisional);
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

void ld_view_entitlements(ld_jw *w, const void *items, size_t n)
{
	const ld_grant *list = items;
	ld_jw_key(w, "entitlements");
	ld_jw_arr_open(w);
	for (size_t i = 0; i < n; i++) {
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "code", list[i].e->code);
		ld_jw_kstr(w, "title", list[i].e->title);
		ld_jw_kbool(w, "conditional", list[i].e->conditional);
		ld_view_basis(w, &list[i].basis);
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
