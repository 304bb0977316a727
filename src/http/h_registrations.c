/*
 * h_registrations.c — residence registration (居住登记): check, declare,
 * read, change of address within the county/district, and cancellation.
 *
 * The rules engine decides scope, deadline and lateness
 * (办法 第三条、第八条; 通知 一). A person who need not register is told so
 * with the citations and nothing is stored, unless the clerk records the
 * registration anyway with a reason (override_reason). Hong Kong, Macao and
 * Taiwan residents and foreigners are registered with their own documents
 * (core/document.h); national rules apply to them (办法 第二条第二款), so
 * they are such a case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/certificate.h"
#include "core/deadline.h"
#include "core/division.h"
#include "core/document.h"
#include "core/idnum.h"
#include "core/phone.h"
#include "core/scope.h"
#include "http/backdate.h"
#include "http/body.h"
#include "http/handlers.h"
#include "http/permits.h"
#include "http/reply.h"
#include "http/views.h"
#include "store/audit.h"

/* ---- validation shared by check and declare ------------------------- */

struct declaration {
	/* person */
	const char *document_type;
	const char *id_number, *name, *sex, *ethnicity, *birth;
	const char *hukou_code, *hukou_address, *phone;
	/* place */
	ld_area community;
	ld_address addr;
	/* registration */
	ld_day arrival, declared;
	const char *reason, *housing, *employer, *override_reason;
	ld_scope_decision scope;
	ld_deadline deadline;
	bool late;
	/* The declared date as an act: when it was entered and why it is an
	 * earlier day (backdate.h). */
	struct ld_act_date act;
};

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* Resolve a grid code into the full address, checking the user's area.
 * Replies and returns false on any problem. */
bool ld_resolve_grid(struct ld_req *r, const json_t *address, const char *path,
		     ld_area *community, ld_address *out)
{
	const struct ld_store_ops *ops = r->srv->ops;
	const char *grid = ld_json_str(address, "grid");
	char field[48];
	snprintf(field, sizeof field, "%s.grid", path);
	ld_area g;
	if (strlen(grid) != 15 ||
	    ops->area_get(r->th->reader, grid, &r->arena, &g) != LD_OK ||
	    g.level != LD_LEVEL_GRID) {
		ld_reply_error(r, LD_HE_INVALID, "网格不存在", field);
		return false;
	}
	if (ops->area_get(r->th->reader, g.parent, &r->arena, community) !=
	    LD_OK) {
		ld_reply_error(r, LD_HE_INVALID, "网格所属社区不存在", field);
		return false;
	}
	memset(out, 0, sizeof *out);
	out->grid = g.code;
	out->community = community->code;
	out->street = ld_arena_strndup(&r->arena, g.code, 9);
	out->district = ld_arena_strndup(&r->arena, g.code, 6);
	out->road = ld_json_str(address, "road");
	out->house_number = ld_json_str(address, "house_number");
	out->building = ld_json_str(address, "building");
	out->unit = ld_json_str(address, "unit");
	out->room = ld_json_str(address, "room");
	if (!out->street || !out->district) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return false;
	}
	return true;
}

static bool parse_date_field(struct ld_req *r, const char *value,
			     const char *field, ld_day *out)
{
	if (ld_day_parse(value, (int)strlen(value), out, field, NULL) != LD_OK) {
		ld_reply_error(r, LD_HE_INVALID, "日期无效", field);
		return false;
	}
	return true;
}

/* The person's document, number, birth date, sex, ethnicity and hukou,
 * each checked as the document type requires. Replies and returns false on
 * bad input. */
static bool person_parse(struct ld_req *r, const json_t *person, ld_day today,
			 struct declaration *d, ld_nationality *nationality,
			 ld_day *birth)
{
	ld_doc_type type = LD_DOC_RESIDENT_ID;
	const char *dt = ld_json_str(person, "document_type");
	if (dt)
		ld_doc_type_from_code(dt, &type); /* checked by the schema */
	d->document_type = ld_doc_type_code(type);
	d->id_number = ld_json_str(person, "id_number");
	ld_document doc;
	ld_document_check(type, d->id_number, strlen(d->id_number), today, &doc);
	if (!doc.valid) {
		ld_reply_error(r, LD_HE_INVALID,
			       ld_document_message(type, doc.reason),
			       "person.id_number");
		return false;
	}
	if (doc.legacy15) {
		ld_reply_error(r, LD_HE_INVALID,
			       "15位旧身份号码请换领18位居民身份证后办理",
			       "person.id_number");
		return false;
	}
	d->id_number = ld_arena_strdup(&r->arena, doc.normalized);
	*nationality = doc.nationality;

	/* Birth date and sex: from the number where it carries them, and
	 * then a given value must agree; otherwise the clerk enters them. */
	const char *given_birth = ld_json_str(person, "birth");
	ld_day b = 0;
	if (given_birth && ld_day_parse(given_birth, (int)strlen(given_birth),
					&b, "birth", NULL) != LD_OK) {
		ld_reply_error(r, LD_HE_INVALID, "日期无效", "person.birth");
		return false;
	}
	if (doc.has_birth) {
		if (given_birth && b != doc.birth) {
			ld_reply_error(r, LD_HE_INVALID,
				       "出生日期与证件号码不一致", "person.birth");
			return false;
		}
		b = doc.birth;
	} else if (!given_birth) {
		ld_reply_error(r, LD_HE_INVALID,
			       "该证件号码不含出生日期，请填写出生日期",
			       "person.birth");
		return false;
	} else if (b > today) {
		ld_reply_error(r, LD_HE_INVALID, "出生日期不能晚于今天",
			       "person.birth");
		return false;
	}
	*birth = b;
	char day[LD_DATE_STRLEN];
	ld_day_format(b, day);
	d->birth = ld_arena_strdup(&r->arena, day);
	const char *sex = ld_json_str(person, "sex");
	if (sex && strcmp(sex, "male") != 0 && strcmp(sex, "female") != 0) {
		ld_reply_error(r, LD_HE_INVALID, "性别应为 male 或 female",
			       "person.sex");
		return false;
	}
	if (doc.sex != LD_SEX_UNKNOWN) {
		d->sex = doc.sex == LD_SEX_MALE ? "male" : "female";
		if (sex && strcmp(sex, d->sex) != 0) {
			ld_reply_error(r, LD_HE_INVALID,
				       type == LD_DOC_RESIDENT_ID
					       ? "性别与公民身份号码不一致"
					       : "性别与证件号码不一致",
				       "person.sex");
			return false;
		}
	} else if (!sex) {
		ld_reply_error(r, LD_HE_INVALID, "该证件号码不含性别，请填写性别",
			       "person.sex");
		return false;
	} else {
		d->sex = strcmp(sex, "male") == 0 ? "male" : "female";
	}

	d->name = ld_json_str(person, "name");
	if (blank(d->name)) {
		ld_reply_error(r, LD_HE_INVALID, "姓名不能为空", "person.name");
		return false;
	}
	/* 民族 is a mainland citizen's: required with the resident ID card. */
	const struct ld_code *eth =
		ld_code_find(&ld_ethnicities, ld_json_str(person, "ethnicity")
						      ? ld_json_str(person,
								    "ethnicity")
						      : "");
	if (!eth && type == LD_DOC_RESIDENT_ID) {
		ld_reply_error(r, LD_HE_INVALID, "必填项未填写", "person.ethnicity");
		return false;
	}
	d->ethnicity = eth ? eth->code : "";

	/* The hukou: a mainland county-level code with the resident ID card;
	 * the region's code for Hong Kong, Macao and Taiwan residents; none
	 * for a foreigner. */
	d->hukou_code = ld_json_str(person, "hukou_code");
	if (d->hukou_code && !*d->hukou_code)
		d->hukou_code = NULL;
	if (type == LD_DOC_RESIDENT_ID) {
		int32_t code;
		ld_error e = {0};
		if (!d->hukou_code) {
			ld_reply_error(r, LD_HE_INVALID, "必填项未填写",
				       "person.hukou_code");
			return false;
		}
		if (ld_division_parse(d->hukou_code, (int)strlen(d->hukou_code),
				      &code, "hukou_code", &e) != LD_OK) {
			ld_reply_error(r, LD_HE_INVALID, e.message,
				       "person.hukou_code");
			return false;
		}
		if (ld_region_nationality(code) != LD_NAT_CN) {
			ld_reply_error(r, LD_HE_INVALID,
				       "港澳台居民请选择其证件类型（港澳台居民居住证、"
				       "港澳居民来往内地通行证或台湾居民来往大陆通行证）",
				       "person.document_type");
			return false;
		}
		if (!ld_division_is_county_level(code)) {
			ld_reply_error(r, LD_HE_INVALID, "应为县级行政区划代码",
				       "person.hukou_code");
			return false;
		}
	} else if (doc.nationality == LD_NAT_FOREIGN) {
		if (d->hukou_code) {
			ld_reply_error(r, LD_HE_INVALID,
				       "外国人没有常住户口，不填户口所在地",
				       "person.hukou_code");
			return false;
		}
		d->hukou_code = "";
	} else {
		char region[8];
		snprintf(region, sizeof region, "%06d", (int)doc.region);
		if (d->hukou_code && strcmp(d->hukou_code, region) != 0) {
			ld_reply_error(r, LD_HE_INVALID,
				       "应与证件所属地区一致（香港810000、澳门820000、台湾830000）",
				       "person.hukou_code");
			return false;
		}
		d->hukou_code = ld_arena_strdup(&r->arena, region);
	}
	if (!d->id_number || !d->birth || !d->hukou_code) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return false;
	}
	return true;
}

/* Validate a declaration body and apply the rules. Replies and returns
 * false on bad input. check_area: the address must lie in the user's area.
 * system_dated: the declared date is the day the system recorded (an
 * online declaration's, confirmed now), not one the clerk gives, and this
 * says why it differs from the day entered; NULL: the clerk's, checked as
 * an act date (backdate.h). */
static bool declaration_parse(struct ld_req *r, struct declaration *d,
			      bool check_area, const char *system_dated)
{
	const json_t *person = ld_json_obj(r->body, "person");
	const json_t *address = ld_json_obj(r->body, "address");
	ld_day today = ld_http_today(), birth;
	ld_nationality nationality;
	memset(d, 0, sizeof *d);

	if (!person_parse(r, person, today, d, &nationality, &birth))
		return false;
	d->hukou_address = ld_json_str(person, "hukou_address");
	d->phone = ld_json_str(person, "phone");
	if (d->phone && !ld_phone_valid(d->phone)) {
		ld_reply_error(r, LD_HE_INVALID, "联系电话格式不正确",
			       "person.phone");
		return false;
	}

	if (!ld_resolve_grid(r, address, "address", &d->community, &d->addr))
		return false;
	if (check_area && !ld_access_allows(&r->access, &d->community,
					    d->addr.grid)) {
		ld_reply_error(r, LD_HE_OUT_OF_AREA,
			       "该地址不在您的辖区内，不能为其办理登记",
			       "address.grid");
		return false;
	}

	if (!parse_date_field(r, ld_json_str(r->body, "arrival_date"),
			      "arrival_date", &d->arrival))
		return false;
	d->declared = today;
	const char *declared = ld_json_str(r->body, "declared_date");
	if (declared &&
	    !parse_date_field(r, declared, "declared_date", &d->declared))
		return false;
	if (system_dated) {
		d->act = (struct ld_act_date){
			.day = d->declared,
			.field = "declared_date",
			.reason = d->declared < today ? system_dated : NULL,
		};
		ld_day_format(d->declared, d->act.date);
		ld_day_format(today, d->act.entered);
	} else if (!ld_act_date_check(r, d->declared, "declared_date",
				      "申报日期", &d->act)) {
		return false;
	}
	if (d->arrival > d->declared) {
		ld_reply_error(r, LD_HE_INVALID, "到达日期不能晚于申报日期",
			       "arrival_date");
		return false;
	}
	if (d->arrival < birth) {
		ld_reply_error(r, LD_HE_INVALID, "到达日期早于出生日期",
			       "arrival_date");
		return false;
	}
	d->reason = ld_code_find(&ld_stay_reasons,
				 ld_json_str(r->body, "reason"))->code;
	d->housing = ld_code_find(&ld_housing_kinds,
				  ld_json_str(r->body, "housing"))->code;
	d->employer = ld_json_str(r->body, "employer");
	d->override_reason = ld_json_str(r->body, "override_reason");
	if (d->override_reason && blank(d->override_reason))
		d->override_reason = NULL;

	ld_scope_input in = {
		.hukou = atoi(d->hukou_code),
		.residence = atoi(d->addr.district),
		.stay_days = (int)ld_json_int(r->body, "stay_days", -1),
		.lodging = LD_LODGING_NONE,
		.nationality = nationality,
		.on = d->arrival,
	};
	if (in.stay_days < -1 || ld_json_int(r->body, "stay_days", 0) > 36500) {
		ld_reply_error(r, LD_HE_INVALID, "居住天数无效", "stay_days");
		return false;
	}
	const char *lodging = ld_json_str(r->body, "lodging");
	if (lodging && !ld_lodging_from_code(lodging, &in.lodging)) {
		ld_reply_error(r, LD_HE_INVALID, "住宿类型无效", "lodging");
		return false;
	}
	ld_error err = {0};
	if (ld_scope_decide(&in, &r->srv->settings, &d->scope, &err) !=
	    LD_OK) {
		char field[32];
		snprintf(field, sizeof field, "%s",
			 strcmp(err.field, "hukou") == 0 ? "person.hukou_code"
			 : strcmp(err.field, "residence") == 0 ? "address.grid"
							       : err.field);
		ld_reply_error(r, LD_HE_INVALID, err.message, field);
		return false;
	}
	ld_deadline_compute(&r->srv->calendar, LD_EV_ARRIVAL, d->arrival,
			    LD_MINUTE_UNKNOWN, &d->deadline);
	/* Someone who need not register has no deadline to miss. */
	d->late = d->scope.registration_required &&
		  d->declared > d->deadline.deadline;
	return true;
}

/* "deadline": the duty's deadline and whether it was met, or null when the
 * rules say no registration is needed (out of scope, or exempt lodging):
 * there is then no duty, so no deadline and no lateness. */
static void write_deadline(ld_jw *w, const struct ld_req *r,
			   const struct declaration *d)
{
	char s[LD_DATE_STRLEN];
	ld_jw_key(w, "deadline");
	if (!d->scope.registration_required) {
		ld_jw_null(w);
		return;
	}
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "event", ld_event_code(LD_EV_ARRIVAL));
	ld_day_format(d->deadline.deadline, s);
	ld_jw_kstr(w, "deadline", s);
	ld_jw_kint(w, "working_days", d->deadline.working_days);
	ld_jw_kbool(w, "calendar_complete", d->deadline.calendar_complete);
	ld_jw_kbool(w, "late", d->late);
	ld_view_provisional(w, &d->deadline);
	/* How late, in the working days the deadline is counted in. */
	bool complete;
	ld_jw_kint(w, "working_days_late",
		   ld_deadline_working_days_late(&r->srv->calendar,
					d->deadline.deadline, d->declared,
					&complete));
	ld_view_basis(w, &d->deadline.basis);
	ld_jw_obj_close(w);
}

static bool stored_anyway(const struct declaration *d)
{
	return d->scope.registration_required || d->override_reason;
}

void h_registration_check(struct ld_req *r)
{
	struct declaration d;
	if (!declaration_parse(r, &d, false, NULL))
		return;
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "scope");
	ld_view_scope(&w, &d.scope);
	write_deadline(&w, r, &d);
	ld_jw_kbool(&w, "would_store", stored_anyway(&d));
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

/* ---- declare -------------------------------------------------------- */

struct declare_job {
	ld_person person;
	ld_registration reg;
	ld_reg_event event;
	int year;
	char cert[LD_CERT_NO_LEN + 1];
	char now[32];
	struct declaration d; /* for the reply */
	const char *backdated; /* ld_act_date_json of the declared date */
	const char *conflict;
	/* The caller's step, and its own copy of the step's context. */
	struct ld_registration_step step;
	void *step_ctx;
};

static ld_status declare_run(ld_write_job *job, const struct ld_store_ops *ops,
			     ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct declare_job *j = p->data;
	ld_person existing;
	ld_registration active;
	ld_status rc = ops->person_by_id_number(c, j->person.id_number,
						&p->arena, &existing);
	if (rc == LD_OK && existing.document_type &&
	    strcmp(existing.document_type, j->person.document_type) != 0)
		return ld_fail(&job->err, LD_ECONFLICT, "person.document_type",
			       "该证件号码已作为另一类证件登记在册，请核对证件类型");
	if (rc == LD_OK) {
		if (ops->registration_active_of_person(c, existing.id, &p->arena,
						       &active) == LD_OK) {
			j->conflict = active.certificate_no;
			return ld_fail(&job->err, LD_ECONFLICT, "person.id_number",
				       "该人员已有有效居住登记（%s），请办理变更或注销后再登记",
				       active.certificate_no);
		}
		j->person.id = existing.id;
		j->person.created_at = existing.created_at;
		rc = ops->person_update(c, &j->person);
	} else if (rc == LD_ENOTFOUND) {
		rc = ops->person_insert(c, &j->person);
	}
	if (rc != LD_OK)
		return rc;

	long serial;
	rc = ops->certificate_next(c, j->reg.addr.district, j->year, &serial);
	if (rc != LD_OK)
		return rc;
	if (!ld_certificate_format(atoi(j->reg.addr.district), j->year, serial,
				   j->cert))
		return ld_fail(&job->err, LD_EINTERNAL, NULL, "凭证编号已用尽");
	j->reg.person_id = j->person.id;
	j->reg.certificate_no = j->cert;
	rc = ops->registration_insert(c, &j->reg);
	if (rc != LD_OK)
		return rc;
	j->event.registration_id = j->reg.id;
	rc = ops->event_insert(c, &j->event);
	if (rc != LD_OK)
		return rc;
	/* Counted over a year with no arrangement: decided again once it is
	 * loaded (docs/calendar.md). */
	if (!j->reg.calendar_complete &&
	    (rc = ops->provisional_mark(c, LD_PROV_REGISTRATION, j->reg.id,
					NULL, 0)) != LD_OK)
		return rc;
	j->event.provisional = !j->reg.calendar_complete;
	/* The grid's follow-up of this person is done (docs/grid.md). */
	int closed;
	rc = ops->tasks_close_registered(c, j->person.id_number, j->now,
					 j->reg.created_by, &closed);
	if (rc != LD_OK)
		return rc;
	if (j->step.run &&
	    (rc = j->step.run(j->step_ctx, ops, c, job, &j->person, &j->reg)) !=
		    LD_OK)
		return rc;
	/* Online declarations still waiting for this ID number to be checked
	 * are answered by this registration. */
	int superseded;
	rc = ops->declarations_supersede(c, j->person.id_number, 0,
					 j->reg.created_by, j->now, &superseded);
	if (rc != LD_OK)
		return rc;
	job->audit[0].target =
		ld_arena_printf(&p->arena, "person:%lld", (long long)j->person.id);
	job->audit[0].detail = ld_arena_printf(
		&p->arena,
		"{\"registration\":%lld,\"certificate_no\":\"%s\","
		"\"backdated\":%s}",
		(long long)j->reg.id, j->cert, j->backdated);
	return LD_OK;
}

static void declare_finish(struct ld_req *r, struct ld_pending *p)
{
	struct declare_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "person");
	ld_view_person(&w, r, &j->person);
	ld_jw_key(&w, "registration");
	ld_view_registration(&w, r, &j->reg);
	ld_jw_key(&w, "scope");
	ld_view_scope(&w, &j->d.scope);
	write_deadline(&w, r, &j->d);
	ld_jw_key(&w, "event");
	ld_view_event(&w, &j->event);
	if (j->step.write)
		j->step.write(j->step_ctx, &w);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 201);
}

static const char *adup(ld_arena *a, const char *s)
{
	return s ? ld_arena_strdup(a, s) : NULL;
}

void h_registration_create(struct ld_req *r)
{
	ld_registration_create(r, true);
}

/* The rules say no: tell why (422 not_required), store nothing. */
static void reply_not_required(struct ld_req *r, const struct declaration *d)
{
	ld_buf b;
	ld_jw w;
	const char *msg;
	if (d->scope.reason == LD_SCOPE_NATIONAL_RULES_APPLY)
		msg = r->resident
			      ? "港澳台居民和外国人的居住登记按照国家有关规定执行，请到居住地派出所办理"
			      : "港澳台居民和外国人的居住登记按照国家有关规定执行（《山东省流动人口服务管理暂行办法》第二条第二款）；如仍需在此登记，请填写登记事由";
	else if (r->resident)
		msg = d->scope.in_scope
			      ? "您的住宿已在旅馆、医院、学校或救助机构登记，按规定可以不办理居住登记；如有疑问请到居住地派出所咨询"
			      : "您不属于本市流动人口服务管理范围，无需申报居住登记；如有疑问请到居住地派出所咨询";
	else
		msg = d->scope.in_scope
			      ? "该人员住宿已在旅馆、医院、学校或救助机构登记，按规定可以不办理居住登记；如仍需登记，请填写登记事由"
			      : "该人员不属于本市流动人口服务管理范围，无需申报居住登记；如仍需登记，请填写登记事由";
	ld_reply_error_begin(r, &w, &b, "not_required", msg, "override_reason");
	ld_jw_key(&w, "scope");
	ld_view_scope(&w, &d->scope);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 422);
}

bool ld_registration_validate(struct ld_req *r, bool check_area,
			      ld_declared *out)
{
	struct declaration d;
	if (!declaration_parse(r, &d, check_area, NULL))
		return false;
	if (!stored_anyway(&d)) {
		reply_not_required(r, &d);
		return false;
	}
	char date[LD_DATE_STRLEN];
	ld_arena *a = &r->arena;
	memset(out, 0, sizeof *out);
	out->person = (ld_person){
		.id_number = d.id_number,
		.name = d.name,
		.sex = d.sex,
		.ethnicity = d.ethnicity,
		.birth = d.birth,
		.hukou_code = d.hukou_code,
		.document_type = d.document_type,
		.hukou_address = d.hukou_address,
		.phone = d.phone,
	};
	out->addr = d.addr;
	ld_day_format(d.arrival, date);
	out->arrival_date = adup(a, date);
	ld_day_format(d.declared, date);
	out->declared_date = adup(a, date);
	ld_day_format(d.deadline.deadline, date);
	out->deadline = adup(a, date);
	out->late = d.late;
	out->counted = d.deadline;
	out->reason = d.reason;
	out->housing = d.housing;
	out->employer = d.employer;
	out->stay_days = (int)ld_json_int(r->body, "stay_days", -1);
	out->lodging = ld_json_str(r->body, "lodging");
	if (!out->arrival_date || !out->declared_date || !out->deadline) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return false;
	}
	return true;
}

void ld_registration_create(struct ld_req *r, bool check_area)
{
	ld_registration_create_with(r, check_area, NULL);
}

void ld_registration_create_with(struct ld_req *r, bool check_area,
				 const struct ld_registration_step *step)
{
	struct declaration d;
	if (!declaration_parse(r, &d, check_area,
			       step ? step->system_dated : NULL))
		return;
	if (!stored_anyway(&d)) {
		reply_not_required(r, &d);
		return;
	}

	struct ld_pending *p = ld_pending_new(r, sizeof(struct declare_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct declare_job *j = p->data;
	ld_arena *a = &p->arena;
	ld_audit_now(j->now);
	char date[LD_DATE_STRLEN];

	j->d = d;
	j->person = (ld_person){
		.id_number = adup(a, d.id_number),
		.name = adup(a, d.name),
		.sex = d.sex,
		.ethnicity = d.ethnicity,
		.birth = adup(a, d.birth),
		.hukou_code = adup(a, d.hukou_code),
		.document_type = d.document_type,
		.hukou_address = adup(a, d.hukou_address),
		.phone = adup(a, d.phone),
		.created_at = j->now,
		.updated_at = j->now,
	};
	ld_registration *reg = &j->reg;
	reg->status = "active";
	reg->addr = (ld_address){
		adup(a, d.addr.district), adup(a, d.addr.street),
		adup(a, d.addr.community), adup(a, d.addr.grid),
		adup(a, d.addr.road), adup(a, d.addr.house_number),
		adup(a, d.addr.building), adup(a, d.addr.unit),
		adup(a, d.addr.room)};
	ld_day_format(d.arrival, date);
	reg->arrival_date = adup(a, date);
	ld_day_format(d.declared, date);
	reg->declared_date = adup(a, date);
	ld_day_format(d.deadline.deadline, date);
	reg->deadline = adup(a, date);
	reg->late = d.late;
	reg->calendar_complete = d.deadline.calendar_complete;
	reg->reason = d.reason;
	reg->housing = d.housing;
	reg->employer = adup(a, d.employer);
	reg->in_scope = d.scope.in_scope;
	reg->scope_reason = ld_scope_reason_code(d.scope.reason);
	reg->exemption = d.scope.exemption == LD_LODGING_NONE
				 ? NULL
				 : ld_lodging_code(d.scope.exemption);
	reg->override_reason =
		d.scope.registration_required ? NULL : adup(a, d.override_reason);
	reg->created_by = r->user.id;
	reg->created_at = j->now;
	j->year = ld_day_year(d.declared);
	j->event = (ld_reg_event){
		.kind = "declared",
		.date = reg->declared_date,
		/* No duty, no deadline (registered anyway, with a reason). */
		.deadline = d.scope.registration_required ? reg->deadline : NULL,
		.late = d.scope.registration_required ? d.late : -1,
		.detail = "{}",
		.user_id = r->user.id,
		.at = j->now,
		.entered_date = adup(a, d.act.entered),
		.date_reason = adup(a, d.act.reason),
	};
	j->backdated = ld_act_date_json(a, &d.act);
	if (!j->person.id_number || !reg->addr.grid || !reg->deadline) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		ld_arena_release(&p->arena);
		free(p);
		return;
	}
	if (step) {
		j->step = *step;
		j->step_ctx = ld_arena_alloc(a, step->ctx_size ? step->ctx_size
								 : 1);
		if (!j->step_ctx) {
			ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
			ld_arena_release(&p->arena);
			free(p);
			return;
		}
		if (step->ctx_size)
			memcpy(j->step_ctx, step->ctx, step->ctx_size);
	}
	p->job.run = declare_run;
	p->finish = declare_finish;
	ld_pending_audit(r, p, "registration:create", "person:new", NULL, NULL);
	if (reg->override_reason)
		p->job.audit[0].reason = reg->override_reason;
	if (step && step->action)
		ld_pending_audit(r, p, step->action, step->target, NULL, NULL);
	ld_pending_submit(r, p);
}

/* ---- read ----------------------------------------------------------- */

void h_registration_get(struct ld_req *r)
{
	ld_registration reg;
	ld_status rc = r->srv->ops->registration_get(r->th->reader, r->path_id,
						     &r->arena, &reg);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	/* A station keeps reading the registrations it recorded; when the
	 * person lies elsewhere now, the answer is that registration alone,
	 * as recorded, and says so. */
	bool person_in_area = r->access.kind == LD_ACCESS_ALL;
	if (!person_in_area)
		rc = r->srv->ops->person_visible(r->th->reader, &r->access,
						 reg.person_id, &person_in_area);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "registration");
	ld_view_registration(&w, r, &reg);
	ld_jw_kbool(&w, "person_in_area", person_in_area);
	ld_jw_obj_close(&w);
	char target[48];
	snprintf(target, sizeof target, "person:%lld", (long long)reg.person_id);
	ld_reply_audited_jw(r, &w, &b, 200, "registration:read", target);
}

/* ---- change of address and cancellation ----------------------------- */

struct change_job {
	ld_id id;
	ld_id person_id;
	bool cancel;
	ld_address addr;      /* address change */
	const char *reason;   /* cancellation */
	const char *reporter; /* cancellation */
	ld_reg_event event;
	char now[32];
	ld_registration after;
	bool permit_cancelled;
	ld_deadline deadline; /* address change: as counted, for the answer */
};

/* The refusal of a leaving date before the permit's latest step: the
 * permit is cancelled with the registration, on that date, and no step may
 * be dated before the one it follows. */
static ld_status permit_step_conflict(ld_error *err, ld_day left,
				      const char *step, ld_day last)
{
	char l[LD_DATE_STRLEN], d[LD_DATE_STRLEN];
	ld_day_format(left, l);
	ld_day_format(last, d);
	return ld_fail(err, LD_EINVAL, "left_date",
		       "离开日期（%s）早于该人员居住证%s的日期（%s）；注销居住登记时居住证随之注销，"
		       "不能早于此日期，请核实离开日期",
		       l, step, d);
}

static ld_status change_run(ld_write_job *job, const struct ld_store_ops *ops,
			    ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct change_job *j = p->data;
	ld_status rc = j->cancel ? ops->registration_cancel(c, j->id,
							    j->event.date,
							    j->reason,
							    j->reporter)
				 : ops->registration_set_address(c, j->id,
								 &j->addr);
	if (rc == LD_ENOTFOUND)
		return ld_fail(&job->err, LD_ECONFLICT, NULL,
			       "该居住登记已注销，不能再办理");
	if (rc != LD_OK)
		return rc;
	j->event.registration_id = j->id;
	rc = ops->event_insert(c, &j->event);
	if (rc != LD_OK)
		return rc;
	if (j->event.provisional &&
	    (rc = ops->provisional_mark(c, LD_PROV_ADDRESS_CHANGE, j->event.id,
					NULL, 0)) != LD_OK)
		return rc;
	if (j->cancel) {
		/* Leaving ends the permit too: it is handed back (docs/rules.md §5). */
		ld_permit pm;
		rc = ops->permit_active_of_person(c, j->person_id, &p->arena, &pm);
		if (rc == LD_OK) {
			/* Checked again here: a step may have been recorded
			 * since the handler looked. */
			ld_day last, left;
			const char *step;
			ld_status r2 = ld_permit_last_step(ops, c, &p->arena, &pm,
							   &last, &step);
			if (r2 != LD_OK)
				return r2;
			ld_day_parse(j->event.date, 10, &left, "left_date",
				     NULL);
			if (step && left < last)
				return permit_step_conflict(&job->err, left,
							    step, last);
			pm.status = "cancelled";
			pm.cancelled_date = j->event.date;
			pm.cancel_reason = "居住登记注销，居住证收回";
			ld_permit_event ev = {.permit_id = pm.id,
					      .kind = "cancelled",
					      .date = j->event.date,
					      .detail = "{\"by\":\"registration\"}",
					      .user_id = j->event.user_id,
					      .at = j->now,
					      .entered_date =
						      j->event.entered_date};
			if ((rc = ops->permit_update(c, &pm)) != LD_OK ||
			    (rc = ops->versions_invalidate(c, pm.id,
							   j->event.date)) !=
				    LD_OK ||
			    (rc = ops->permit_event_insert(c, &ev)) != LD_OK)
				return rc;
			j->permit_cancelled = true;
		} else if (rc != LD_ENOTFOUND) {
			return rc;
		}
	}
	return ops->registration_get(c, j->id, &p->arena, &j->after);
}

static void change_finish(struct ld_req *r, struct ld_pending *p)
{
	struct change_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "registration");
	ld_view_registration(&w, r, &j->after);
	ld_jw_key(&w, "event");
	ld_view_event(&w, &j->event);
	if (j->cancel)
		ld_jw_kbool(&w, "permit_cancelled", j->permit_cancelled);
	else
		ld_view_provisional(&w, &j->deadline);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

/* The registration of the route's {id}; replies and returns false when it
 * cannot be changed. */
static bool current_registration(struct ld_req *r, ld_registration *reg)
{
	ld_status rc = r->srv->ops->registration_get(r->th->reader, r->path_id,
						     &r->arena, reg);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return false;
	}
	if (strcmp(reg->status, "active") != 0) {
		ld_reply_error(r, LD_HE_CONFLICT, "该居住登记已注销，不能再办理",
			       NULL);
		return false;
	}
	return true;
}

static struct ld_pending *change_job_new(struct ld_req *r,
					 const ld_registration *reg,
					 struct change_job **out)
{
	struct ld_pending *p = ld_pending_new(r, sizeof(struct change_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return NULL;
	}
	struct change_job *j = p->data;
	j->id = reg->id;
	j->person_id = reg->person_id;
	ld_audit_now(j->now);
	j->event.user_id = r->user.id;
	j->event.at = j->now;
	char today[LD_DATE_STRLEN];
	ld_day_format(ld_http_today(), today);
	j->event.entered_date = ld_arena_strdup(&p->arena, today);
	p->job.run = change_run;
	p->finish = change_finish;
	*out = j;
	return p;
}

void h_registration_address_change(struct ld_req *r)
{
	ld_registration reg;
	if (!current_registration(r, &reg))
		return;
	ld_area community;
	ld_address addr;
	if (!ld_resolve_grid(r, ld_json_obj(r->body, "address"), "address",
			     &community, &addr))
		return;
	/* 办法: a move within the same county/district is a change; a move to
	 * another one is a cancellation here and a new registration there. */
	if (strcmp(addr.district, reg.addr.district) != 0) {
		ld_reply_error(r, LD_HE_INVALID,
			       "跨区县迁居应注销原登记，并在新居住地重新申报居住登记",
			       "address.grid");
		return;
	}
	if (!ld_access_allows(&r->access, &community, addr.grid)) {
		ld_reply_error(r, LD_HE_OUT_OF_AREA,
			       "新地址不在您的辖区内，不能办理变更",
			       "address.grid");
		return;
	}
	ld_day moved, arrival;
	struct ld_act_date act;
	if (!parse_date_field(r, ld_json_str(r->body, "moved_date"),
			      "moved_date", &moved) ||
	    !ld_act_date_read(r, "declared_date", "申报日期", &act))
		return;
	ld_day declared = act.day;
	ld_day_parse(reg.arrival_date, 10, &arrival, "arrival_date", NULL);
	if (moved > declared || moved < arrival) {
		ld_reply_error(r, LD_HE_INVALID,
			       "迁居日期应在原登记到达日期与申报日期之间",
			       "moved_date");
		return;
	}
	ld_deadline dl;
	ld_deadline_compute(&r->srv->calendar, LD_EV_ADDRESS_CHANGE, moved,
			    LD_MINUTE_UNKNOWN, &dl);
	struct change_job *j;
	struct ld_pending *p = change_job_new(r, &reg, &j);
	if (!p)
		return;
	ld_arena *a = &p->arena;
	j->addr = (ld_address){
		adup(a, addr.district),	   adup(a, addr.street),
		adup(a, addr.community),	   adup(a, addr.grid),
		adup(a, addr.road),	   adup(a, addr.house_number),
		adup(a, addr.building),	   adup(a, addr.unit),
		adup(a, addr.room)};
	char date[LD_DATE_STRLEN], ddl[LD_DATE_STRLEN];
	ld_day_format(declared, date);
	ld_day_format(dl.deadline, ddl);
	char moved_s[LD_DATE_STRLEN];
	ld_day_format(moved, moved_s);
	j->event.kind = "address_changed";
	j->event.date = adup(a, date);
	j->event.deadline = adup(a, ddl);
	j->event.late = declared > dl.deadline;
	j->event.provisional = !dl.calendar_complete;
	j->deadline = dl;
	j->event.entered_date = adup(a, act.entered);
	j->event.date_reason = adup(a, act.reason);
	j->event.detail = ld_arena_printf(
		a, "{\"moved_date\":\"%s\",\"from_grid\":\"%s\",\"to_grid\":\"%s\"}",
		moved_s, reg.addr.grid, addr.grid);
	char target[48];
	snprintf(target, sizeof target, "person:%lld", (long long)reg.person_id);
	ld_pending_audit(r, p, "registration:address_change", target, NULL,
			 ld_arena_printf(a,
					 "{\"moved_date\":\"%s\",\"from_grid\":"
					 "\"%s\",\"to_grid\":\"%s\","
					 "\"backdated\":%s}",
					 moved_s, reg.addr.grid, addr.grid,
					 ld_act_date_json(a, &act)));
	ld_pending_submit(r, p);
}

void h_registration_cancel(struct ld_req *r)
{
	ld_registration reg;
	if (!current_registration(r, &reg))
		return;
	ld_day left, arrival;
	if (!parse_date_field(r, ld_json_str(r->body, "left_date"), "left_date",
			      &left))
		return;
	ld_day_parse(reg.arrival_date, 10, &arrival, "arrival_date", NULL);
	if (left < arrival || left > ld_http_today()) {
		ld_reply_error(r, LD_HE_INVALID,
			       "离开日期应在到达日期之后且不晚于今天",
			       "left_date");
		return;
	}
	/* The permit is cancelled on the leaving date with the registration:
	 * that may not come before its latest step (an issue, say). */
	ld_permit pm;
	ld_status rc = r->srv->ops->permit_active_of_person(
		r->th->reader, reg.person_id, &r->arena, &pm);
	if (rc == LD_OK) {
		ld_day last;
		const char *step;
		ld_error err = {0};
		rc = ld_permit_last_step(r->srv->ops, r->th->reader, &r->arena,
					 &pm, &last, &step);
		if (rc == LD_OK && step && left < last)
			rc = permit_step_conflict(&err, left, step, last);
		if (rc != LD_OK) {
			ld_reply_status(r, rc, rc == LD_EINVAL ? &err : NULL);
			return;
		}
	} else if (rc != LD_ENOTFOUND) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	struct change_job *j;
	struct ld_pending *p = change_job_new(r, &reg, &j);
	if (!p)
		return;
	ld_arena *a = &p->arena;
	const struct ld_code *rep =
		ld_code_find(&ld_reporters, ld_json_str(r->body, "reporter"));
	char date[LD_DATE_STRLEN];
	ld_day_format(left, date);
	j->cancel = true;
	p->changes_permit = true; /* may cancel the person's permit */
	j->reason = adup(a, ld_json_str(r->body, "reason"));
	j->reporter = rep->code;
	j->event.kind = "cancelled";
	j->event.date = adup(a, date);
	j->event.late = -1;
	const char *dest = ld_json_str(r->body, "destination");
	json_t *detail = json_pack("{s:s, s:s, s:s}", "reporter", rep->code,
				   "reason", j->reason ? j->reason : "",
				   "destination", dest ? dest : "");
	char text[1024];
	size_t n = detail ? json_dumpb(detail, text, sizeof text, JSON_COMPACT)
			  : 0;
	j->event.detail = n > 0 && n < sizeof text
				  ? ld_arena_strndup(a, text, n)
				  : "{}";
	json_decref(detail);
	char target[48];
	snprintf(target, sizeof target, "person:%lld", (long long)reg.person_id);
	ld_pending_audit(r, p, "registration:cancel", target, NULL,
			 j->event.detail);
	ld_pending_submit(r, p);
}
