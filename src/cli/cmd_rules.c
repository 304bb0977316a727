/*
 * cmd_rules.c — `liudong rules <scope|deadline|permit|endorsement|
 * entitlements|report|group-rental|holidays>`: the rules engine from the
 * command line, one JSON object per call. The global --notice-effective
 * (ctx->rules) decides which version of the Jinan notice is cited on the
 * day a rule is asked about. The contract (field names and exit codes) is
 * relied on by
 * scripts and tests; see README.md.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/deadline.h"
#include "core/division.h"
#include "core/endorsement.h"
#include "core/entitlement.h"
#include "core/permit.h"
#include "core/report.h"
#include "core/scope.h"
#include "util/json_out.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int emit(struct cli_ctx *ctx, ld_buf *b, ld_jw *w)
{
	int rc = LD_CLI_OK;
	if (ld_jw_finish(w) != LD_OK) {
		fputs("liudong: 输出失败 (output failed)\n", ctx->err);
		rc = LD_CLI_FAIL;
	} else {
		fwrite(b->data, 1, b->len, ctx->out);
		fputc('\n', ctx->out);
	}
	ld_buf_release(b);
	return rc;
}

static void write_basis(ld_jw *w, const ld_basis *basis)
{
	ld_jw_key(w, "basis");
	ld_jw_arr_open(w);
	for (int i = 0; i < basis->n; i++)
		ld_jw_str(w, ld_cite_text(basis->items[i]));
	ld_jw_arr_close(w);
}

static void write_date(ld_jw *w, const char *key, ld_day d)
{
	char s[LD_DATE_STRLEN];
	ld_day_format(d, s);
	ld_jw_kstr(w, key, s);
}

static void code_str(int32_t code, char out[7])
{
	snprintf(out, 7, "%06d", (int)code);
}

/* ---- scope ---------------------------------------------------------- */

static const char *const lodging_choices[] = {"none",	  "hotel", "hospital",
					      "school", "relief", NULL};
static const char *const nationality_choices[] = {"CN", "HK", "MO",
						  "TW", "foreign", NULL};

static const struct cli_opt scope_opts[] = {
	{"hukou", OPT_CODE, false, false, NULL,
	 "常住户口所在地县级行政区划代码（可为旧代码）；港澳台居民为 810000、820000、"
	 "830000；内地居民必填",
	 "county-level code of the hukou place (former codes accepted); "
	 "810000, 820000, 830000 for Hong Kong, Macao, Taiwan residents; "
	 "required for mainland citizens"},
	{"residence", OPT_CODE, true, false, NULL, "居住地：济南市现行12个区县代码之一",
	 "place of residence: one of Jinan's 12 current codes"},
	{"stay-days", OPT_UINT, false, false, NULL, "已居住或拟居住天数（缺省视为3日以上）",
	 "days stayed or intended (default: 3 or more)"},
	{"lodging", OPT_ENUM, false, false, lodging_choices,
	 "住宿类型：旅馆、住院、寄宿就读、救助机构（免于居住登记）",
	 "lodging registered elsewhere that exempts from registration"},
	{"nationality", OPT_ENUM, false, false, nationality_choices,
	 "身份：内地居民CN、港澳台居民、外国人", "mainland CN, HK, MO, TW or foreign"},
	{"on", OPT_DATE, false, false, NULL,
	 "到达日期，按当日施行的通知引用（缺省为今天）",
	 "day of the arrival: the notice in force then is cited (default today)"},
};

static const struct cli_spec scope_spec = {
	"rules scope [--hukou CODE] --residence CODE [--stay-days N] "
	"[--lodging KIND] [--nationality KIND] [--on DATE]",
	"判断是否纳入济南市流动人口服务管理、是否须申报居住登记",
	"decide whether a person is in scope and must register",
	scope_opts, N(scope_opts), 0, NULL,
};

static int rules_scope(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[N(scope_opts)];
	int rc = cli_parse(ctx, &scope_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	ld_scope_input in = {
		.hukou = v[0].set ? v[0].code : 0,
		.residence = v[1].code,
		.stay_days = v[2].set ? v[2].num : -1,
		.lodging = v[3].set ? (ld_lodging)v[3].num : LD_LODGING_NONE,
		.nationality = v[4].set ? (ld_nationality)v[4].num : LD_NAT_CN,
		.on = v[5].set ? v[5].day : cli_today(),
	};
	if (!v[0].set && in.nationality == LD_NAT_CN) {
		rc = cli_usage_error(ctx, "--hukou",
				     "内地居民须给出户口所在地代码 (required "
				     "unless --nationality is not CN)");
		goto out;
	}
	ld_scope_decision d;
	ld_error err = {0};
	if (ld_scope_decide(&in, &ctx->rules, &d, &err) != LD_OK) {
		rc = cli_bad_input(ctx, &err);
		goto out;
	}
	ld_buf b;
	ld_jw w;
	char code[7];
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kbool(&w, "in_scope", d.in_scope);
	ld_jw_kbool(&w, "registration_required", d.registration_required);
	ld_jw_kstr(&w, "reason", ld_scope_reason_code(d.reason));
	ld_jw_kstr(&w, "reason_text", ld_scope_reason_message(d.reason));
	code_str(d.hukou, code);
	ld_jw_kstr(&w, "hukou", d.hukou ? code : NULL);
	ld_jw_kstr(&w, "nationality", ld_nationality_code(d.nationality));
	ld_jw_kstr(&w, "exemption", d.exemption == LD_LODGING_NONE
					    ? NULL
					    : ld_lodging_code(d.exemption));
	write_basis(&w, &d.basis);
	ld_jw_obj_close(&w);
	rc = emit(ctx, &b, &w);
out:
	cli_vals_release(&scope_spec, v);
	return rc < 0 ? 0 : rc;
}

/* ---- deadline ------------------------------------------------------- */

static const char *const event_choices[] = {
	"arrival",   "address_change", "tenant_move_in", "tenant_report",
	"tenant_departure", "hire",   "separation",	"placement",
	"permit_acceptance", NULL};

static const struct cli_opt deadline_opts[] = {
	{"event", OPT_ENUM, true, false, event_choices, "触发期限的事件",
	 "the event that starts the period"},
	{"date", OPT_DATE, true, false, NULL, "事件发生日期", "date of the event"},
	{"time", OPT_TIME, false, false, NULL,
	 "事件发生时间（24小时时限用；缺省按当日23:59计）",
	 "time of the event, for 24-hour duties (default 23:59)"},
	{"done", OPT_DATE, false, false, NULL, "实际办理日期，用于判断是否逾期",
	 "date the duty was done, to tell whether it was late"},
	{"done-time", OPT_TIME, false, false, NULL, "实际办理时间（24小时时限用）",
	 "time the duty was done, for 24-hour duties"},
};

static const struct cli_spec deadline_spec = {
	"rules deadline --event EVENT --date DATE [--time HH:MM] "
	"[--done DATE] [--done-time HH:MM]",
	"计算申报、报告、发证等义务的期限（工作日按国家节假日安排计算）",
	"compute the deadline of a duty (working days per the holiday "
	"arrangement)",
	deadline_opts, N(deadline_opts), 0, NULL,
};

static int rules_deadline(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[N(deadline_opts)];
	int rc = cli_parse(ctx, &deadline_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	ld_event ev = (ld_event)v[0].num;
	ld_day date = v[1].day;
	ld_deadline dl;
	ld_deadline_compute(ctx->cal, ev, date,
			    v[2].set ? v[2].num : LD_MINUTE_UNKNOWN, &dl);
	bool late = false;
	if (v[3].set) {
		ld_error err = {0};
		if (ld_deadline_check_late(&dl, date, v[3].day,
					   v[4].set ? v[4].num
						    : LD_MINUTE_UNKNOWN,
					   &late, &err) != LD_OK) {
			rc = cli_bad_input(ctx, &err);
			goto out;
		}
	} else if (v[4].set) {
		rc = cli_usage_error(ctx, "--done-time",
				     "须与 --done 同时使用 (needs --done)");
		goto out;
	}

	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "event", ld_event_code(ev));
	ld_jw_kstr(&w, "duty", ld_event_duty(ev));
	write_date(&w, "deadline", dl.deadline);
	if (dl.hours > 0) {
		char at[40], day[LD_DATE_STRLEN];
		ld_day_format(dl.deadline, day);
		snprintf(at, sizeof at, "%sT%02d:%02d", day,
			 dl.deadline_minute / 60, dl.deadline_minute % 60);
		ld_jw_kstr(&w, "deadline_at", at);
		ld_jw_kint(&w, "hours", dl.hours);
		ld_jw_kbool(&w, "event_time_known", dl.time_known);
		ld_jw_knull(&w, "working_days");
	} else {
		ld_jw_kint(&w, "working_days", dl.working_days);
	}
	if (dl.cap_days > 0) {
		/* Two limits: say what each gives and which one decided. */
		ld_jw_kint(&w, "cap_days", dl.cap_days);
		write_date(&w, "deadline_by_working_days", dl.by_working_days);
		write_date(&w, "deadline_by_cap", dl.by_cap);
		ld_jw_kstr(&w, "decided_by", ld_cite_text(dl.decided_by));
	}
	ld_jw_kbool(&w, "calendar_complete", dl.calendar_complete);
	if (!dl.calendar_complete) {
		char warn[256];
		ld_calendar_warning(dl.missing_year, warn, sizeof warn);
		ld_jw_kstr(&w, "warning", warn);
	}
	if (v[3].set) {
		ld_jw_kbool(&w, "late", late);
		/* How late, in the working days the period is counted in (an
		 * hour period has none). */
		bool complete;
		if (dl.hours > 0)
			ld_jw_knull(&w, "working_days_late");
		else
			ld_jw_kint(&w, "working_days_late",
				   ld_deadline_working_days_late(
					   ctx->cal, dl.deadline, v[3].day,
					   &complete));
	}
	write_basis(&w, &dl.basis);
	ld_jw_obj_close(&w);
	rc = emit(ctx, &b, &w);
out:
	cli_vals_release(&deadline_spec, v);
	return rc < 0 ? 0 : rc;
}

/* ---- permit --------------------------------------------------------- */

static const char *const basis_choices[] = {"none", "employment", "housing",
					    "study", NULL};

static const struct cli_opt permit_opts[] = {
	{"registered", OPT_DATE, true, false, NULL, "居住登记日期",
	 "date of the residence registration"},
	{"on", OPT_DATE, true, false, NULL, "申请日期", "date of the application"},
	{"basis", OPT_ENUM, true, false, basis_choices,
	 "申领条件：合法稳定就业、合法稳定住所、连续就读或无",
	 "employment, housing, study or none"},
	{"birth", OPT_DATE, false, false, NULL, "出生日期（判断是否未满16周岁）",
	 "birth date (under 16: a guardian applies)"},
};

static const struct cli_spec permit_spec = {
	"rules permit --registered DATE --on DATE --basis BASIS [--birth DATE]",
	"判断能否申领居住证", "decide eligibility for a residence permit",
	permit_opts, N(permit_opts), 0, NULL,
};

static int rules_permit(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[N(permit_opts)];
	int rc = cli_parse(ctx, &permit_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	ld_permit_input in = {
		.registered = v[0].day,
		.on = v[1].day,
		.basis = (ld_permit_basis)v[2].num,
		.has_birth = v[3].set,
		.birth = v[3].day,
	};
	ld_permit_decision d;
	ld_error err = {0};
	if (ld_permit_decide(&in, &d, &err) != LD_OK) {
		rc = cli_bad_input(ctx, &err);
		goto out;
	}
	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kbool(&w, "eligible", d.eligible);
	write_date(&w, "eligible_from", d.eligible_from);
	ld_jw_kstr(&w, "reason", ld_permit_reason_code(d.reason));
	ld_jw_kstr(&w, "applicant", d.guardian ? "guardian" : "self");
	write_basis(&w, &d.basis);
	ld_jw_kint(&w, "fee", 0);
	ld_jw_key(&w, "fee_basis");
	ld_jw_arr_open(&w);
	for (int i = 0; i < d.fee_basis.n; i++)
		ld_jw_str(&w, ld_cite_text(d.fee_basis.items[i]));
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	rc = emit(ctx, &b, &w);
out:
	cli_vals_release(&permit_spec, v);
	return rc < 0 ? 0 : rc;
}

/* ---- endorsement ---------------------------------------------------- */

static const struct cli_opt endorsement_opts[] = {
	{"issued", OPT_DATE, true, false, NULL, "居住证签发日期",
	 "issue date of the permit"},
	{"registered", OPT_DATE, false, false, NULL, "居住登记日期（居住年限起算）",
	 "residence registration date (start of residence years)"},
	{"endorsed", OPT_DATE, false, true, NULL, "签注日期，可多次给出",
	 "date of an endorsement; give once per endorsement"},
	{"on", OPT_DATE, true, false, NULL, "查询日期", "the day to evaluate"},
	{"anniversary-in-window", OPT_FLAG, false, false, NULL,
	 "设置：周年日当日仍可签注（默认否）",
	 "setting: the anniversary day itself is in the window (default no)"},
};

static const struct cli_spec endorsement_spec = {
	"rules endorsement --issued DATE [--registered DATE] "
	"[--endorsed DATE]... --on DATE [--anniversary-in-window]",
	"居住证签注状态、下次签注期与连续居住年限",
	"endorsement state, next window and continuous residence years",
	endorsement_opts, N(endorsement_opts), 0, NULL,
};

static int rules_endorsement(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[N(endorsement_opts)];
	int rc = cli_parse(ctx, &endorsement_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	ld_endorse_input in = {
		.issued = v[0].day,
		.has_registered = v[1].set,
		.registered = v[1].day,
		.endorsed = v[2].days,
		.n_endorsed = (size_t)v[2].n_days,
		.on = v[3].day,
	};
	ld_rules_settings settings = ctx->rules;
	settings.anniversary_in_window = v[4].set;
	ld_endorse_result *r = malloc(sizeof *r);
	ld_error err = {0};
	if (!r) {
		rc = cli_usage_error(ctx, "memory", "内存不足");
		goto out;
	}
	if (ld_endorsement_evaluate(&in, &settings, r, &err) != LD_OK) {
		rc = cli_bad_input(ctx, &err);
		goto out_free;
	}
	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "state", ld_permit_state_code(r->state));
	write_date(&w, "next_anniversary", r->next_anniversary);
	write_date(&w, "window_opens", r->window_opens);
	if (r->continuous)
		write_date(&w, "continuous_since", r->continuous_since);
	else
		ld_jw_knull(&w, "continuous_since");
	ld_jw_kint(&w, "residence_years", r->residence_years);
	ld_jw_key(&w, "ledger");
	ld_jw_arr_open(&w);
	for (int i = 0; i < r->n_ledger; i++) {
		ld_jw_obj_open(&w);
		write_date(&w, "date", r->ledger[i].date);
		ld_jw_kstr(&w, "event", ld_ledger_kind_code(r->ledger[i].kind));
		if (r->ledger[i].anniversary)
			write_date(&w, "anniversary", r->ledger[i].anniversary);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	write_basis(&w, &r->basis);
	ld_jw_obj_close(&w);
	rc = emit(ctx, &b, &w);
out_free:
	free(r);
out:
	cli_vals_release(&endorsement_spec, v);
	return rc < 0 ? 0 : rc;
}

/* ---- entitlements --------------------------------------------------- */

static const char *const certificate_choices[] = {"active", "none", NULL};
static const char *const permit_choices[] = {"valid", "window_open",
					     "suspended", "none", NULL};

static const struct cli_opt entitlements_opts[] = {
	{"certificate", OPT_ENUM, true, false, certificate_choices,
	 "居住登记凭证：有效或无", "residence registration certificate"},
	{"permit", OPT_ENUM, true, false, permit_choices,
	 "居住证状态：有效、签注期内、中止或无", "residence permit state"},
	{"on", OPT_DATE, false, false, NULL,
	 "查询日期，按当日施行的通知引用（缺省为今天）",
	 "the day asked: the notice in force then is cited (default today)"},
};

static const struct cli_spec entitlements_spec = {
	"rules entitlements --certificate active|none --permit STATE "
	"[--on DATE]",
	"持证人可享有的公共服务和便利及其依据",
	"public services and conveniences held, with their legal basis",
	entitlements_opts, N(entitlements_opts), 0, NULL,
};

static int rules_entitlements(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[N(entitlements_opts)];
	int rc = cli_parse(ctx, &entitlements_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	ld_documents docs = {.certificate_active = v[0].num == 0};
	ld_permit_state st;
	docs.has_permit = ld_permit_state_from_code(permit_choices[v[1].num],
						    &st);
	docs.permit_state = st;
	ld_grant list[64];
	size_t n = ld_entitlements_for(&docs, v[2].set ? v[2].day : cli_today(),
				       &ctx->rules, list);

	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "entitlements");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < n; i++) {
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "code", list[i].e->code);
		ld_jw_kstr(&w, "title", list[i].e->title);
		ld_jw_kbool(&w, "conditional", list[i].e->conditional);
		write_basis(&w, &list[i].basis);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	rc = emit(ctx, &b, &w);
out:
	cli_vals_release(&entitlements_spec, v);
	return rc < 0 ? 0 : rc;
}

/* ---- report --------------------------------------------------------- */

static const char *const report_kind_choices[] = {
	"tenant_move_in", "tenant_move_out", "hire", "separation", "placement",
	NULL};
static const char *const org_kind_choices[] = {
	"landlord", "property", "rental_agency", "employer", "job_agency", NULL};

static const struct cli_opt report_opts[] = {
	{"kind", OPT_ENUM, true, false, report_kind_choices, "报告类型",
	 "what is reported"},
	{"org", OPT_ENUM, true, false, org_kind_choices, "报告单位类型",
	 "kind of the reporting organisation"},
	{"event", OPT_DATE, true, false, NULL, "入住、招用等事件的日期",
	 "date of the move-in, hire, ..."},
	{"event-time", OPT_TIME, false, false, NULL, "事件时间（缺省按当日23:59计）",
	 "time of the event (default 23:59)"},
	{"reported", OPT_DATE, true, false, NULL, "报告日期", "date of the report"},
	{"reported-time", OPT_TIME, false, false, NULL, "报告时间",
	 "time of the report"},
};

static const struct cli_spec report_spec = {
	"rules report --kind KIND --org ORG --event DATE [--event-time HH:MM] "
	"--reported DATE [--reported-time HH:MM]",
	"判断报告单位可否报告此事项，以及报告是否逾期",
	"whether the organisation may make this report, and whether it is late",
	report_opts, N(report_opts), 0, NULL,
};

static void write_at(ld_jw *w, const char *key, ld_day d, int minute)
{
	char day[LD_DATE_STRLEN], at[40];
	ld_day_format(d, day);
	snprintf(at, sizeof at, "%sT%02d:%02d", day, minute / 60, minute % 60);
	ld_jw_kstr(w, key, at);
}

static int rules_report(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[N(report_opts)];
	int rc = cli_parse(ctx, &report_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	ld_report_kind kind = (ld_report_kind)v[0].num;
	ld_org_kind org = (ld_org_kind)v[1].num;
	ld_basis allowed_basis = {0};
	bool allowed = ld_report_allowed(org, kind, &allowed_basis);
	ld_report_check chk;
	ld_error err = {0};
	if (ld_report_check_deadlines(
		    ctx->cal, kind, v[2].day,
		    v[3].set ? v[3].num : LD_MINUTE_UNKNOWN, v[4].day,
		    v[5].set ? v[5].num : LD_MINUTE_UNKNOWN, &chk,
		    &err) != LD_OK) {
		err.field = "reported";
		rc = cli_bad_input(ctx, &err);
		goto out;
	}
	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "kind", ld_report_kind_code(kind));
	ld_jw_kstr(&w, "org", ld_org_kind_code(org));
	ld_jw_kbool(&w, "allowed", allowed);
	ld_jw_key(&w, "allowed_basis");
	ld_jw_arr_open(&w);
	for (int i = 0; i < allowed_basis.n; i++)
		ld_jw_str(&w, ld_cite_text(allowed_basis.items[i]));
	ld_jw_arr_close(&w);
	ld_jw_kbool(&w, "late", chk.late);
	ld_jw_kbool(&w, "calendar_complete", chk.calendar_complete);
	for (int i = 0; i < chk.n && !chk.calendar_complete; i++) {
		const ld_deadline *dl = &chk.duties[i].deadline;
		if (!dl->calendar_complete) {
			char warn[256];
			ld_calendar_warning(dl->missing_year, warn, sizeof warn);
			ld_jw_kstr(&w, "warning", warn);
			break;
		}
	}
	ld_jw_key(&w, "checks");
	ld_jw_arr_open(&w);
	for (int i = 0; i < chk.n; i++) {
		const ld_deadline *dl = &chk.duties[i].deadline;
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "event", ld_event_code(dl->event));
		ld_jw_kstr(&w, "duty", ld_event_duty(dl->event));
		write_date(&w, "deadline", dl->deadline);
		if (dl->hours > 0)
			write_at(&w, "deadline_at", dl->deadline,
				 dl->deadline_minute);
		ld_jw_kbool(&w, "late", chk.duties[i].late);
		write_basis(&w, &dl->basis);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	rc = emit(ctx, &b, &w);
out:
	cli_vals_release(&report_spec, v);
	return rc < 0 ? 0 : rc;
}

/* ---- group rental --------------------------------------------------- */

static const struct cli_opt group_rental_opts[] = {
	{"occupants", OPT_UINT, true, false, NULL, "登记居住人数",
	 "registered occupants"},
	{"rooms", OPT_UINT, true, false, NULL, "房间数", "rooms"},
	{"capacity", OPT_UINT, true, false, NULL, "核定居住人数",
	 "declared capacity"},
	{"area", OPT_UINT, false, false, NULL, "建筑面积（平方米）",
	 "floor area in m2"},
	{"per-room", OPT_UINT, false, false, NULL, "每个房间最多居住人数（缺省2）",
	 "most occupants per room (default 2)"},
	{"min-area", OPT_UINT, false, false, NULL,
	 "人均最小居住面积（平方米，缺省5）",
	 "least floor area per occupant in m2 (default 5)"},
	{"on", OPT_DATE, false, false, NULL,
	 "核查日期，按当日施行的规定引用（缺省为今天）",
	 "the day of the check: the rules in force then are cited (default "
	 "today)"},
};

static const struct cli_spec group_rental_spec = {
	"rules group-rental --occupants N --rooms N --capacity N [--area M2] "
	"[--per-room N] [--min-area M2] [--on DATE]",
	"判断出租房屋是否疑似群租",
	"whether a rental house is a suspected group rental",
	group_rental_opts, N(group_rental_opts), 0, NULL,
};

static int rules_group_rental(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[N(group_rental_opts)];
	int rc = cli_parse(ctx, &group_rental_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	ld_group_rental_settings s = LD_GROUP_RENTAL_DEFAULTS;
	if (v[4].set)
		s.per_room = v[4].num;
	if (v[5].set)
		s.min_area = v[5].num;
	ld_group_rental g;
	ld_error err = {0};
	if (ld_group_rental_check(v[0].num, v[1].num, v[2].num,
				  v[3].set ? v[3].num : 0, &s,
				  v[6].set ? v[6].day : cli_today(),
				  &ctx->rules, &g, &err) != LD_OK) {
		rc = cli_bad_input(ctx, &err);
		goto out;
	}
	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kbool(&w, "flagged", g.flagged);
	ld_jw_key(&w, "reasons");
	ld_jw_arr_open(&w);
	for (unsigned bit = 1; bit <= LD_GR_UNDER_AREA; bit <<= 1)
		if (g.reasons & bit)
			ld_jw_str(&w, ld_group_rental_code(bit));
	ld_jw_arr_close(&w);
	write_basis(&w, &g.basis);
	ld_jw_obj_close(&w);
	rc = emit(ctx, &b, &w);
out:
	cli_vals_release(&group_rental_spec, v);
	return rc < 0 ? 0 : rc;
}

/* ---- holidays ------------------------------------------------------- */

static const struct cli_opt holidays_opts[] = {
	{"year", OPT_UINT, true, false, NULL, "年份", "the year"},
};

static const struct cli_spec holidays_spec = {
	"rules holidays --year YYYY",
	"某年的休息日：已载入国务院节假日安排的按安排；未载入的按《全国年节及纪念日放假办法》"
	"规定的法定节假日（暂定）",
	"a year's rest days: the State Council arrangement when loaded, "
	"otherwise the statutory holidays (provisional)",
	holidays_opts, N(holidays_opts), 0, NULL,
};

static int rules_holidays(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[N(holidays_opts)];
	int rc = cli_parse(ctx, &holidays_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	int year = v[0].num;
	if (year < LD_DATE_MIN_YEAR || year > LD_DATE_MAX_YEAR) {
		rc = cli_usage_error(ctx, "--year", "年份无效 (invalid year)");
		goto out;
	}
	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "year", year);
	bool loaded = ld_calendar_has_year(ctx->cal, year);
	ld_jw_kbool(&w, "calendar_complete", loaded);
	ld_jw_key(&w, "days");
	ld_jw_arr_open(&w);
	ld_basis basis = {0};
	if (loaded) {
		/* The arrangement's rest days and working weekends. */
		ld_day d = ld_day_from_ymd(year, 1, 1);
		ld_day end = ld_day_from_ymd(year + 1, 1, 1);
		for (; d < end; d++) {
			bool known, work = ld_calendar_is_working_day(ctx->cal,
								      d, &known);
			bool weekend = ld_day_weekday(d) >= 6;
			if (work == !weekend)
				continue;
			ld_jw_obj_open(&w);
			write_date(&w, "date", d);
			ld_jw_kstr(&w, "kind", work ? "workday" : "off");
			ld_jw_obj_close(&w);
		}
	} else {
		struct ld_statutory_year sy;
		if (ld_statutory_holidays(year, &sy)) {
			ld_basis_add(&basis, sy.basis);
			for (int i = 0; i < sy.n; i++) {
				ld_jw_obj_open(&w);
				write_date(&w, "date", sy.days[i].day);
				ld_jw_kstr(&w, "kind", "off");
				ld_jw_kstr(&w, "name", sy.days[i].name);
				ld_jw_obj_close(&w);
			}
		}
	}
	ld_jw_arr_close(&w);
	if (!loaded) {
		char warn[256];
		ld_calendar_warning(year, warn, sizeof warn);
		ld_jw_kstr(&w, "warning", warn);
	}
	write_basis(&w, &basis);
	ld_jw_obj_close(&w);
	rc = emit(ctx, &b, &w);
out:
	cli_vals_release(&holidays_spec, v);
	return rc < 0 ? 0 : rc;
}

/* ---- dispatch ------------------------------------------------------- */

static const struct {
	const char *name;
	int (*fn)(struct cli_ctx *, int, char **);
	const struct cli_spec *spec;
} rules[] = {
	{"scope", rules_scope, &scope_spec},
	{"deadline", rules_deadline, &deadline_spec},
	{"permit", rules_permit, &permit_spec},
	{"endorsement", rules_endorsement, &endorsement_spec},
	{"entitlements", rules_entitlements, &entitlements_spec},
	{"report", rules_report, &report_spec},
	{"group-rental", rules_group_rental, &group_rental_spec},
	{"holidays", rules_holidays, &holidays_spec},
};

static void rules_help(FILE *f)
{
	fputs("用法 usage: liudong rules <命令 command> [选项 options]\n"
	      "  运行规则引擎，每次输出一个 JSON 对象；输入有误时退出码为2。\n"
	      "  Run the rules engine; prints one JSON object, exits 2 on bad "
	      "input.\n\n",
	      f);
	for (int i = 0; i < N(rules); i++) {
		cli_print_help(f, rules[i].spec);
		fputc('\n', f);
	}
	fputs("事件 events: ", f);
	for (int i = 0; event_choices[i]; i++)
		fprintf(f, "%s%s", i ? ", " : "", event_choices[i]);
	fputc('\n', f);
}

int cmd_rules(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 1 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "-h") == 0) {
		rules_help(argc < 1 ? ctx->err : ctx->out);
		return argc < 1 ? LD_CLI_USAGE : LD_CLI_OK;
	}
	for (int i = 0; i < N(rules); i++)
		if (strcmp(argv[0], rules[i].name) == 0)
			return rules[i].fn(ctx, argc - 1, argv + 1);
	return cli_usage_error(ctx, argv[0],
			       "未知的规则命令 (unknown rules command); "
			       "see liudong rules --help");
}
