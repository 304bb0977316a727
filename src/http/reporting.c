/*
 * reporting.c — one report, checked and recorded (docs/grid.md; docs/rules.md §2,
 * §5). The rules themselves are in src/core (report.c, scope.c,
 * deadline.c); this file looks up what they need and writes what follows.
 */
#include "http/reporting.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/idnum.h"
#include "core/phone.h"
#include "http/views.h"

static const struct {
	const char *code, *label;
} columns[] = {
	{"kind", "报告类型"},	      {"id_number", "公民身份号码"},
	{"name", "姓名"},	      {"event_date", "发生日期"},
	{"event_time", "发生时间"},     {"hukou_code", "户籍地区划代码"},
	{"phone", "联系电话"},	      {"house", "房屋编号"},
	{"grid", "网格代码"},	      {"address", "详细地址"},
	{"arrival_date", "到达日期"},   {"reported_date", "报告日期"},
};

const char *ld_report_column_label(const char *code)
{
	for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
		if (strcmp(code, columns[i].code) == 0)
			return columns[i].label;
	return code;
}

const char *ld_report_column_code(const char *header)
{
	for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
		if (strcmp(header, columns[i].code) == 0 ||
		    strcmp(header, columns[i].label) == 0)
			return columns[i].code;
	return NULL;
}

static bool given(const char *s)
{
	return s && *s;
}

bool ld_report_parse_day(const char *s, ld_day *out)
{
	if (!given(s))
		return false;
	if (!strchr(s, '/'))
		return ld_day_parse(s, (int)strlen(s), out, "date", NULL) ==
		       LD_OK;
	/* Excel's short date: 2025/9/26. */
	int y, m, d, used = 0;
	if (sscanf(s, "%4d/%2d/%2d%n", &y, &m, &d, &used) != 3 ||
	    s[used] != '\0' || !ld_date_is_valid(y, m, d))
		return false;
	*out = ld_day_from_ymd(y, m, d);
	return true;
}

static ld_status bad(ld_error *err, const char *field, const char *msg)
{
	return ld_fail(err, LD_EINVAL, field, "%s", msg);
}

void ld_report_ctx_open(struct ld_report_ctx *x)
{
	ld_arena_init(&x->batch, LD_REPORT_BATCH_MAX);
	x->asked = x->planned = (struct ld_report_set){0};
	x->houses = x->grids = x->tenancies = (struct ld_report_set){0};
	x->first_moved = NULL;
	x->last_moved = &x->first_moved;
	x->first_task = NULL;
	x->last_task = &x->first_task;
}

void ld_report_ctx_close(struct ld_report_ctx *x)
{
	ld_arena_release(&x->batch);
	ld_report_ctx_open(x); /* empty, and safe to close again */
}

void ld_report_ctx_reset(struct ld_report_ctx *x)
{
	ld_report_ctx_close(x);
}

/* ---- the batch's sets ------------------------------------------------ */

/* The slot holding key, or the empty slot where it would go. */
static void **set_slot(const struct ld_report_set *s, uint64_t hash,
		       bool (*same)(const void *entry, const void *key),
		       const void *key)
{
	for (size_t i = hash & (s->cap - 1);; i = (i + 1) & (s->cap - 1))
		if (!s->slot[i] || same(s->slot[i], key))
			return &s->slot[i];
}

/* Room for one more entry (kept at most half full). */
static bool set_reserve(struct ld_report_set *s, ld_arena *ar,
			uint64_t (*hash)(const void *entry))
{
	if ((s->n + 1) * 2 <= s->cap)
		return true;
	size_t cap = s->cap ? s->cap * 2 : 256;
	void **slot = ld_arena_calloc(ar, cap * sizeof *slot);
	if (!slot)
		return false;
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->slot[i])
			continue;
		size_t k = hash(s->slot[i]) & (cap - 1);
		while (slot[k])
			k = (k + 1) & (cap - 1);
		slot[k] = s->slot[i];
	}
	s->slot = slot;
	s->cap = cap;
	return true;
}

static uint64_t text_hash(const void *entry)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (const unsigned char *p = entry; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	return h;
}

static bool text_same(const void *entry, const void *key)
{
	return strcmp(entry, key) == 0;
}

static uint64_t id_hash(ld_id id)
{
	return (uint64_t)id * 0x9e3779b97f4a7c15u; /* Fibonacci hashing */
}

static uint64_t house_hash(const void *entry)
{
	const struct ld_report_house *h = entry;
	return id_hash(h->house.id);
}

static bool house_same(const void *entry, const void *key)
{
	const struct ld_report_house *h = entry;
	return h->house.id == *(const ld_id *)key;
}

static uint64_t grid_hash(const void *entry)
{
	const struct ld_report_grid *g = entry;
	return text_hash(g->grid.code);
}

static bool grid_same(const void *entry, const void *key)
{
	const struct ld_report_grid *g = entry;
	return strcmp(g->grid.code, key) == 0;
}

/* Add id_number to a set of ID numbers; *added says whether it was new. */
static ld_status id_set_add(struct ld_report_ctx *x, struct ld_report_set *s,
			    const char *id_number, bool *added)
{
	*added = false;
	if (!set_reserve(s, &x->batch, text_hash))
		return LD_ENOMEM;
	void **slot = set_slot(s, text_hash(id_number), text_same, id_number);
	if (*slot)
		return LD_OK;
	if (!(*slot = ld_arena_strdup(&x->batch, id_number)))
		return LD_ENOMEM;
	s->n++;
	*added = true;
	return LD_OK;
}

/* Whether the person needs an `unregistered` task, as far as this context
 * knows: none is open, and this is the first row it prepares about them
 * (a later row leaves the task to that one). */
static ld_status task_needed(struct ld_report_ctx *x, const char *id_number,
			     bool *needed)
{
	bool first;
	*needed = false;
	ld_status rc = id_set_add(x, &x->asked, id_number, &first);
	if (rc != LD_OK || !first)
		return rc;
	bool open;
	rc = x->ops->task_open_exists(x->c, "unregistered", id_number, 0,
				      &open);
	*needed = rc == LD_OK && !open;
	return rc;
}

ld_status ld_report_settle(struct ld_report_ctx *x, struct ld_report_out *out)
{
	if (!out->task_needed)
		return LD_OK;
	return id_set_add(x, &x->planned, out->rec.id_number, &out->task_needed);
}

/* The house by number, read once a batch, with its address as text. */
static ld_status house_lookup(struct ld_report_ctx *x, ld_id id,
			      struct ld_report_house **out)
{
	if (!set_reserve(&x->houses, &x->batch, house_hash))
		return LD_ENOMEM;
	void **slot = set_slot(&x->houses, id_hash(id), house_same, &id);
	if (!*slot) {
		struct ld_report_house *h =
			ld_arena_calloc(&x->batch, sizeof *h);
		if (!h)
			return LD_ENOMEM;
		ld_status rc = x->ops->house_get(x->c, id, &x->batch,
						 &h->house);
		if (rc != LD_OK)
			return rc;
		char text[LD_ADDRESS_TEXT_MAX];
		ld_address_text(&h->house.addr, text, sizeof text);
		if (!(h->text = ld_arena_strdup(&x->batch, text)))
			return LD_ENOMEM;
		*slot = h;
		x->houses.n++;
	}
	*out = *slot;
	return LD_OK;
}

/* The grid by code, with its community, read once a batch. */
static ld_status grid_lookup(struct ld_report_ctx *x, const char *code,
			     const struct ld_report_grid **out)
{
	if (!set_reserve(&x->grids, &x->batch, grid_hash))
		return LD_ENOMEM;
	void **slot = set_slot(&x->grids, text_hash(code), grid_same, code);
	if (!*slot) {
		struct ld_report_grid *g =
			ld_arena_calloc(&x->batch, sizeof *g);
		if (!g)
			return LD_ENOMEM;
		ld_status rc = x->ops->area_get(x->c, code, &x->batch,
						&g->grid);
		if (rc != LD_OK)
			return rc;
		if (g->grid.level != LD_LEVEL_GRID)
			return LD_ENOTFOUND;
		rc = x->ops->area_get(x->c, g->grid.parent, &x->batch,
				      &g->community);
		if (rc != LD_OK)
			return rc;
		*slot = g;
		x->grids.n++;
	}
	*out = *slot;
	return LD_OK;
}

static bool house_of_org(const struct ld_report_ctx *x, const ld_house *h)
{
	if (h->landlord_org == x->org.id || h->agent_org == x->org.id)
		return true;
	/* A property manager reports for the houses of its community. */
	return x->org_kind == LD_ORG_PROPERTY &&
	       strcmp(h->addr.community, x->org.community) == 0;
}

static ld_status locate(struct ld_report_ctx *x, const struct ld_report_in *in,
			struct ld_report_out *out, ld_error *err)
{
	ld_report *rec = &out->rec;
	if (given(in->house)) {
		char *end;
		long long id = strtoll(in->house, &end, 10);
		if (*end || id <= 0)
			return bad(err, "house", "房屋编号应为正整数");
		struct ld_report_house *h;
		ld_status rc = house_lookup(x, id, &h);
		if (rc == LD_ENOTFOUND)
			return bad(err, "house", "房屋编号不存在");
		if (rc != LD_OK)
			return rc;
		if (!house_of_org(x, &h->house))
			return bad(err, "house",
				   "该房屋不是本单位出租、代理或管理的房屋");
		/* The batch's memory lasts as long as the report. */
		out->house_id = h->house.id;
		rec->grid = h->house.addr.grid;
		rec->community = h->house.addr.community;
		rec->address = h->text;
		return LD_OK;
	}
	if (ld_report_kind_tenancy(out->kind))
		return bad(err, "house", "承租人入住、退租报告须填写房屋编号");
	if (given(in->grid)) {
		const struct ld_report_grid *g = NULL;
		ld_status rc = strlen(in->grid) == 15
				       ? grid_lookup(x, in->grid, &g)
				       : LD_ENOTFOUND;
		if (rc == LD_ENOTFOUND)
			return bad(err, "grid", "网格不存在");
		if (rc != LD_OK)
			return rc;
		rec->grid = g->grid.code;
		rec->community = g->community.code;
	} else {
		/* No address: the organisation's own grid. */
		rec->grid = x->org.grid;
		rec->community = x->org.community;
	}
	rec->address = given(in->address) ? in->address : "";
	if (strlen(rec->address) > 200)
		return bad(err, "address", "详细地址过长（最多200字节）");
	return LD_OK;
}

ld_status ld_person_scope(const char *id_number, const char *hukou_code,
			  const char *grid, ld_scope_decision *out,
			  bool *presumed, ld_error *err)
{
	char code[7], district[7];
	int32_t hukou;
	*presumed = !given(hukou_code);
	if (!*presumed) {
		ld_error e = {0};
		if (ld_division_parse(hukou_code, (int)strlen(hukou_code),
				      &hukou, "hukou_code", &e) != LD_OK)
			return bad(err, "hukou_code", e.message);
		if (!ld_division_is_county_level(hukou))
			return bad(err, "hukou_code", "应为县级行政区划代码");
	} else {
		/* Presumed from the ID number: where it was first issued. */
		memcpy(code, id_number, 6);
		code[6] = '\0';
		hukou = atoi(code);
	}
	memcpy(district, grid, 6);
	district[6] = '\0';
	ld_scope_input si = {
		.hukou = hukou,
		.residence = atoi(district),
		.stay_days = -1,
		.lodging = LD_LODGING_NONE,
		.nationality = LD_NAT_CN,
	};
	ld_error e = {0};
	/* Only whether the person is in scope is used (to open a task); no
	 * setting changes that, and the citations are not shown. */
	if (ld_scope_decide(&si, &LD_RULES_DEFAULTS, out, &e) != LD_OK) {
		if (!*presumed)
			return bad(err, "hukou_code", e.message);
		/* An ID number's region that is no county any more: follow
		 * the person up rather than miss them. */
		memset(out, 0, sizeof *out);
		out->in_scope = true;
		out->registration_required = true;
	}
	return LD_OK;
}

static ld_status decide_scope(struct ld_report_ctx *x,
			      const struct ld_report_in *in,
			      struct ld_report_out *out, ld_error *err)
{
	ld_report *rec = &out->rec;
	ld_status rc = ld_person_scope(rec->id_number, in->hukou_code, rec->grid,
				       &out->scope, &out->hukou_presumed, err);
	if (rc != LD_OK)
		return rc;
	rec->hukou_code = out->hukou_presumed
				  ? ld_arena_strndup(x->ar, rec->id_number, 6)
				  : in->hukou_code;
	rec->in_scope = out->scope.in_scope;
	return rec->hukou_code ? LD_OK : LD_ENOMEM;
}

ld_status ld_report_prepare(struct ld_report_ctx *x,
			    const struct ld_report_in *in,
			    struct ld_report_out *out, ld_error *err)
{
	memset(out, 0, sizeof *out);
	ld_report *rec = &out->rec;
	rec->event_minute = -1;

	if (!given(in->kind))
		return bad(err, "kind", "必填项未填写");
	if (!ld_report_kind_from(in->kind, &out->kind))
		return bad(err, "kind",
			   "报告类型无效：应为入住、退租、招用、解除劳动关系或中介成功");
	ld_basis basis = {0};
	if (!ld_report_allowed(x->org_kind, out->kind, &basis))
		return ld_fail(err, LD_EINVAL, "kind", "%s不能报告“%s”",
			       ld_org_kind_label(x->org_kind),
			       ld_report_kind_label(out->kind));
	rec->kind = ld_report_kind_code(out->kind);

	if (!given(in->id_number))
		return bad(err, "id_number", "必填项未填写");
	ld_idnum id;
	/* A resident ID card's number, or a 港澳台居民居住证's (national rules
	 * apply to its holder: in scope of no task). */
	ld_idnum_check_person(in->id_number, strlen(in->id_number), x->today,
			      &id);
	if (!id.valid)
		return bad(err, "id_number", ld_id_reason_message(id.reason));
	if (id.legacy15)
		return bad(err, "id_number", "应为18位公民身份号码");
	rec->id_number = ld_arena_strdup(x->ar, id.normalized);

	if (!given(in->name))
		return bad(err, "name", "必填项未填写");
	if (strlen(in->name) > 60)
		return bad(err, "name", "姓名过长（最多60字节）");
	rec->name = in->name;
	rec->phone = given(in->phone) ? in->phone : "";
	if (given(in->phone) && !ld_phone_valid(in->phone))
		return bad(err, "phone", "联系电话格式不正确");

	ld_day event, reported = x->today, arrival;
	/* Reports are dated by the day: a 24-hour duty is missed only on a
	 * later day than its deadline (see ld_deadline_check_late). */
	int reported_minute = LD_MINUTE_UNKNOWN;
	if (!given(in->event_date))
		return bad(err, "event_date", "必填项未填写");
	if (!ld_report_parse_day(in->event_date, &event))
		return bad(err, "event_date", "日期无效，应为 YYYY-MM-DD");
	if (event > x->today)
		return bad(err, "event_date", "发生日期不能晚于今天");
	if (given(in->event_time) &&
	    ld_minute_parse(in->event_time, (int)strlen(in->event_time),
			    &rec->event_minute, "event_time", NULL) != LD_OK)
		return bad(err, "event_time", "时间无效，应为 HH:MM");
	if (given(in->reported_date)) {
		if (!x->may_backdate)
			return bad(err, "reported_date",
				   "报告日期由系统记录，单位不能填写");
		if (!ld_report_parse_day(in->reported_date, &reported))
			return bad(err, "reported_date",
				   "日期无效，应为 YYYY-MM-DD");
		if (reported > x->today)
			return bad(err, "reported_date", "报告日期不能晚于今天");
	}
	arrival = event;
	if (given(in->arrival_date)) {
		if (!ld_report_parse_day(in->arrival_date, &arrival))
			return bad(err, "arrival_date",
				   "日期无效，应为 YYYY-MM-DD");
		if (arrival > x->today)
			return bad(err, "arrival_date", "到达日期不能晚于今天");
	}
	if (arrival < id.birth || event < id.birth)
		return bad(err, "event_date", "日期早于出生日期");

	ld_error e = {0};
	if (ld_report_check_deadlines(x->cal, out->kind, event,
				      rec->event_minute, reported,
				      reported_minute, &out->check,
				      &e) != LD_OK)
		return bad(err, "event_date", "发生时间晚于报告时间");
	char day[LD_DATE_STRLEN];
	ld_day_format(event, day);
	rec->event_date = ld_arena_strdup(x->ar, day);
	ld_day_format(reported, day);
	rec->reported_date = ld_arena_strdup(x->ar, day);
	ld_day_format(x->today, day);
	rec->entered_date = ld_arena_strdup(x->ar, day);
	rec->date_reason = reported < x->today && given(in->date_reason)
				   ? in->date_reason
				   : NULL;
	const ld_deadline *dl = &out->check.duties[out->check.n - 1].deadline;
	ld_day_format(dl->deadline, day);
	rec->deadline = ld_arena_strdup(x->ar, day);
	rec->late = out->check.late;

	ld_status rc = locate(x, in, out, err);
	if (rc != LD_OK)
		return rc;
	rec->house_id = out->house_id;
	if (ld_report_kind_tenancy(out->kind)) {
		rc = x->ops->tenancy_open_of(x->c, out->house_id,
					     rec->id_number, &out->tenancy_id);
		if (rc == LD_ENOTFOUND)
			rc = LD_OK;
		if (rc != LD_OK)
			return rc;
	}
	rc = decide_scope(x, in, out, err);
	if (rc != LD_OK)
		return rc;
	rc = x->ops->person_registered(x->c, rec->id_number, &rec->registered);
	if (rc != LD_OK)
		return rc;
	if (ld_report_kind_arrival(out->kind) && out->scope.in_scope &&
	    out->scope.registration_required && !rec->registered) {
		rc = task_needed(x, rec->id_number, &out->task_needed);
		if (rc != LD_OK)
			return rc;
		ld_deadline own;
		ld_deadline_compute(x->cal, LD_EV_ARRIVAL, arrival,
				    LD_MINUTE_UNKNOWN, &own);
		out->task_due = own.deadline;
		out->task_from = arrival;
		out->task_days = own.working_days;
		out->task_due_provisional = !own.calendar_complete;
	}
	rec->org_id = x->org.id;
	rec->org_name = x->org.name;
	rec->org_kind = x->org.kind;
	rec->user_id = x->user_id;
	rec->created_at = x->now;
	return LD_OK;
}

static ld_day add_working_days(const struct ld_report_ctx *x, ld_day from,
			       int n, bool *complete)
{
	int missing;
	return ld_calendar_add_working_days(x->cal, from, n, complete,
					    &missing);
}

static uint64_t tenancy_hash_of(ld_id house, const char *id_number)
{
	return text_hash(id_number) ^ id_hash(house);
}

static uint64_t tenancy_hash(const void *entry)
{
	const struct ld_report_tenancy *t = entry;
	return tenancy_hash_of(t->house, t->id_number);
}

static bool tenancy_same(const void *entry, const void *key)
{
	const struct ld_report_tenancy *t = entry, *k = key;
	return t->house == k->house && strcmp(t->id_number, k->id_number) == 0;
}

/* The person's tenancy of the house as the batch has left it so far: as
 * prepare read it, unless a row of the batch moved them since. */
static ld_status tenancy_now(struct ld_report_ctx *x,
			     const struct ld_report_out *out,
			     struct ld_report_tenancy **now)
{
	if (!set_reserve(&x->tenancies, &x->batch, tenancy_hash))
		return LD_ENOMEM;
	const struct ld_report_tenancy key = {out->house_id,
					      out->rec.id_number, 0};
	void **slot = set_slot(&x->tenancies,
			       tenancy_hash_of(key.house, key.id_number),
			       tenancy_same, &key);
	if (!*slot) {
		struct ld_report_tenancy *t =
			ld_arena_alloc(&x->batch, sizeof *t);
		if (!t || !(t->id_number = ld_arena_strdup(&x->batch,
							   key.id_number)))
			return LD_ENOMEM;
		t->house = key.house;
		t->open = out->tenancy_id;
		*slot = t;
		x->tenancies.n++;
	}
	*now = *slot;
	return LD_OK;
}

/* The batch's record of a house whose tenants it moves: the occupancy
 * is counted from the register the first time. */
static ld_status house_touch(struct ld_report_ctx *x,
			     struct ld_report_house *h)
{
	if (h->moved)
		return LD_OK;
	ld_status rc = x->ops->tenancies_open_count(x->c, h->house.id,
						    &h->occupants);
	if (rc != LD_OK)
		return rc;
	h->moved = true;
	*x->last_moved = h;
	x->last_moved = &h->next;
	return LD_OK;
}

/* Store a house's new occupancy and flag; open a `group_rental` task when
 * it turns flagged and none is open. */
static ld_status house_write(struct ld_report_ctx *x,
			     const struct ld_report_house *rh, bool *flagged)
{
	const ld_house *h = &rh->house;
	ld_group_rental g;
	*flagged = false;
	if (ld_group_rental_check(rh->occupants, h->rooms, h->capacity,
				  h->area_m2, &x->group_rental, x->today,
				  &x->rules, &g, NULL) != LD_OK)
		return LD_EINTERNAL; /* the schema keeps rooms, capacity >= 1 */
	if (rh->occupants == h->occupants && g.flagged == h->flagged)
		return LD_OK;
	ld_status rc = x->ops->house_set_occupancy(x->c, h->id, rh->occupants,
						   g.flagged);
	if (rc != LD_OK || !g.flagged || h->flagged)
		return rc;
	bool open;
	rc = x->ops->task_open_exists(x->c, "group_rental", NULL, h->id, &open);
	if (rc != LD_OK || open)
		return rc;
	char due[LD_DATE_STRLEN], from[LD_DATE_STRLEN];
	bool complete;
	ld_day_format(add_working_days(x, x->today, x->task_days, &complete),
		      due);
	ld_day_format(x->today, from);
	char detail[160] = "";
	size_t len = 0;
	for (unsigned bit = 1; bit <= LD_GR_UNDER_AREA; bit <<= 1)
		if (g.reasons & bit)
			len += (size_t)snprintf(detail + len,
						sizeof detail - len, "%s%s",
						len ? "；" : "",
						ld_group_rental_message(bit));
	ld_task t = {
		.kind = "group_rental",
		.grid = h->addr.grid,
		.community = h->addr.community,
		.name = rh->text,
		.house_id = h->id,
		.detail = detail,
		.due_date = due,
		.created_at = x->now,
	};
	rc = x->ops->task_insert(x->c, &t);
	if (rc == LD_OK && !complete)
		rc = x->ops->provisional_mark(x->c, LD_PROV_TASK, t.id, from,
					      x->task_days);
	*flagged = rc == LD_OK;
	return rc;
}

ld_status ld_report_flush(struct ld_report_ctx *x, int *flagged)
{
	*flagged = 0;
	for (struct ld_report_task *t = x->first_task; t; t = t->next) {
		ld_status rc = x->ops->task_insert(x->c, &t->task);
		if (rc == LD_OK && t->task.provisional)
			rc = x->ops->provisional_mark(x->c, LD_PROV_TASK,
						      t->task.id, t->due_from,
						      t->due_days);
		if (rc != LD_OK)
			return rc;
	}
	x->first_task = NULL; /* written: a second flush writes none again */
	x->last_task = &x->first_task;
	for (struct ld_report_house *h = x->first_moved; h; h = h->next) {
		bool f;
		ld_status rc = house_write(x, h, &f);
		if (rc != LD_OK)
			return rc;
		*flagged += f;
	}
	return LD_OK;
}

ld_status ld_report_apply(struct ld_report_ctx *x, struct ld_report_out *out,
			  ld_id upload_id, const struct ld_report_task **task)
{
	ld_report *rec = &out->rec;
	*task = NULL;
	rec->upload_id = upload_id;
	/* What the rows refer to is read here, in the writing transaction,
	 * once a batch: the house, and the grid of a task (see
	 * own_references in writer.h). */
	struct ld_report_house *h = NULL;
	ld_status rc = LD_OK;
	if (out->house_id > 0)
		rc = house_lookup(x, out->house_id, &h);
	const struct ld_report_grid *g;
	if (rc == LD_OK && out->task_needed)
		rc = grid_lookup(x, rec->grid, &g);
	if (rc == LD_OK)
		rc = x->ops->report_insert(x->c, rec);
	/* Counted over a year with no arrangement: decided again once it
	 * is loaded (docs/calendar.md). */
	rec->provisional = !out->check.calendar_complete;
	if (rc == LD_OK && rec->provisional)
		rc = x->ops->provisional_mark(x->c, LD_PROV_REPORT, rec->id,
					      NULL, 0);
	if (rc != LD_OK)
		return rc;
	if (ld_report_kind_tenancy(out->kind)) {
		struct ld_report_tenancy *now;
		rc = house_touch(x, h); /* a tenant report names a house */
		if (rc == LD_OK)
			rc = tenancy_now(x, out, &now);
		if (rc != LD_OK)
			return rc;
		bool open = now->open > 0;
		if (out->kind == LD_RK_TENANT_MOVE_IN && !open) {
			ld_tenancy t = {
				.house_id = out->house_id,
				.id_number = rec->id_number,
				.name = rec->name,
				.move_in = rec->event_date,
				.report_in = rec->id,
			};
			rc = x->ops->tenancy_insert(x->c, &t);
			now->open = t.id;
			h->occupants++;
		} else if (out->kind == LD_RK_TENANT_MOVE_OUT && open) {
			rc = x->ops->tenancy_close(x->c, now->open,
						   rec->event_date, rec->id);
			now->open = 0;
			h->occupants--;
		}
		if (rc != LD_OK)
			return rc;
	}
	if (!out->task_needed)
		return LD_OK;
	/* The batch's memory: the row's, and the memory of the context that
	 * prepared it, are gone before the flush. */
	ld_arena *b = &x->batch;
	struct ld_report_task *q = ld_arena_calloc(b, sizeof *q);
	char due[LD_DATE_STRLEN];
	ld_day_format(out->task_due, due);
	if (!q)
		return LD_ENOMEM;
	q->task = (ld_task){
		.kind = "unregistered",
		.grid = ld_arena_strdup(b, rec->grid),
		.community = ld_arena_strdup(b, rec->community),
		.id_number = ld_arena_strdup(b, rec->id_number),
		.name = ld_arena_strdup(b, rec->name),
		.house_id = out->house_id,
		.report_id = rec->id,
		.detail = ld_arena_printf(b, "%s报告%s（%s），未申报居住登记",
					  x->org.name,
					  ld_report_kind_label(out->kind),
					  rec->event_date),
		.due_date = ld_arena_strdup(b, due),
		.created_at = x->now,
		.provisional = out->task_due_provisional,
	};
	char from[LD_DATE_STRLEN];
	ld_day_format(out->task_from, from);
	q->due_from = ld_arena_strdup(b, from);
	q->due_days = out->task_days;
	if (!q->task.grid || !q->task.community || !q->task.id_number ||
	    !q->task.name || !q->task.detail || !q->task.due_date ||
	    !q->due_from)
		return LD_ENOMEM;
	*x->last_task = q;
	x->last_task = &q->next;
	*task = q;
	return LD_OK;
}
