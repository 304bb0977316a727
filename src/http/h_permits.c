/*
 * h_permits.c — the residence permit (居住证) from application to
 * cancellation (条例 第二、九、十、十一条; 办法 第九条):
 *
 *   apply    eligibility (half a year since registration, a basis, a
 *            guardian for under-16s) and every missing material at once
 *            (一次性告知); one person, one permit
 *   accept   materials complete; starts the 10-working-day issue clock
 *   issue    permit number, card version 1, the signed electronic permit
 *   endorse  the annual endorsement (签注); a late one restarts the clock
 *   replace  damaged or lost card: same number, new version, old invalid
 *   change   recorded details changed (name): new version
 *   cancel   the person left
 *
 * Fees: none of these steps charges one (办法 第六条第一款; 条例 第二十一条);
 * there is no fee field anywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/certificate.h"
#include "core/division.h"
#include "core/deadline.h"
#include "core/endorsement.h"
#include "core/entitlement.h"
#include "core/idnum.h"
#include "core/permit.h"
#include "http/authority.h"
#include "http/backdate.h"
#include "http/body.h"
#include "http/handlers.h"
#include "http/permits.h"
#include "http/reply.h"
#include "http/views.h"
#include "store/audit.h"

/* ---- helpers -------------------------------------------------------- */

static const char *adup(ld_arena *a, const char *s)
{
	return s ? ld_arena_strdup(a, s) : NULL;
}

static const char *fmt_day(ld_arena *a, ld_day d)
{
	char s[LD_DATE_STRLEN];
	ld_day_format(d, s);
	return ld_arena_strdup(a, s);
}

static bool parse_day(const char *s, ld_day *out)
{
	return s && ld_day_parse(s, (int)strlen(s), out, "date", NULL) == LD_OK;
}

/* The date of a step, body field `field` (default today): an act date,
 * which may be an earlier day only with a reason and within the server's
 * limit (backdate.h). Replies and returns false otherwise. */
static bool body_date(struct ld_req *r, const char *field, const char *label,
		      struct ld_act_date *out)
{
	return ld_act_date_read(r, field, label, out);
}

static unsigned materials_of(const char *list)
{
	unsigned bits = 0;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", list ? list : "");
	for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ","))
		bits |= ld_material_bit(tok);
	return bits;
}

static const char *materials_text(ld_arena *a, unsigned bits)
{
	char buf[256] = "";
	size_t n = 0;
	for (size_t i = 0; i < ld_material_count; i++)
		if (bits & ld_materials[i].bit)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s",
					      n ? "," : "",
					      ld_materials[i].code);
	return ld_arena_strdup(a, buf);
}

/* Bits of a body's "materials" object: {"id_card": true, ...}. */
static unsigned body_materials(const json_t *body)
{
	unsigned bits = 0;
	const json_t *m = ld_json_obj(body, "materials");
	for (size_t i = 0; m && i < ld_material_count; i++)
		if (ld_json_bool(m, ld_materials[i].code, false))
			bits |= ld_materials[i].bit;
	return bits;
}

/* The material "photo" (本人近期相片, 条例 第九条) counts as handed in
 * once a photo of the person is stored: its bit then, else 0. */
static unsigned stored_photo(struct ld_req *r, ld_id person_id)
{
	ld_photo ph;
	return r->srv->ops->photo_current(r->th->reader, person_id, false,
					  &r->arena, &ph) == LD_OK
		       ? ld_material_bit("photo")
		       : 0;
}

static ld_permit_basis basis_of(const char *code)
{
	ld_permit_basis b = LD_PBASIS_NONE;
	if (code)
		ld_permit_basis_from_code(code, &b);
	return b;
}

static void view_missing(ld_jw *w, unsigned required, unsigned have,
			 ld_permit_basis basis)
{
	ld_jw_key(w, "missing_materials");
	ld_jw_arr_open(w);
	for (size_t i = 0; i < ld_material_count; i++) {
		unsigned bit = ld_materials[i].bit;
		if (!(required & bit) || (have & bit))
			continue;
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "code", ld_materials[i].code);
		ld_jw_kstr(w, "name", ld_material_label(bit, basis));
		ld_jw_obj_close(w);
	}
	ld_jw_arr_close(w);
}

/* ---- the permit's state on a day ------------------------------------ */

ld_status ld_permit_state_on(struct ld_req *r, const ld_permit *p, ld_day on,
			     struct ld_permit_state *st)
{
	const struct ld_store_ops *ops = r->srv->ops;
	memset(st, 0, sizeof *st);
	ld_day issued, cancelled, registered;
	bool is_cancelled = p->cancelled_date &&
			    parse_day(p->cancelled_date, &cancelled) &&
			    on >= cancelled;
	if (is_cancelled) {
		st->stage = p->returned ? LD_PSTAGE_RETURNED
					: LD_PSTAGE_CANCELLED;
		return LD_OK;
	}
	if (!p->issued_date || !parse_day(p->issued_date, &issued) ||
	    on < issued) {
		st->stage = strcmp(p->status, "applied") == 0 ||
					    !p->accepted_date
				    ? LD_PSTAGE_APPLIED
				    : LD_PSTAGE_ACCEPTED;
		return LD_OK;
	}
	st->stage = LD_PSTAGE_ISSUED;
	ld_endorsement *list;
	size_t n;
	ld_status rc = ops->endorsements_of(r->th->reader, p->id, &r->arena,
					    &list, &n);
	if (rc != LD_OK)
		return rc;
	ld_day *dates = ld_arena_alloc(&r->arena, (n ? n : 1) * sizeof *dates);
	if (!dates)
		return LD_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n && k < LD_ENDORSE_MAX; i++) {
		ld_day d;
		if (parse_day(list[i].date, &d) && d <= on)
			dates[k++] = d;
	}
	ld_endorse_input in = {.issued = issued, .endorsed = dates,
			       .n_endorsed = k, .on = on};
	ld_registration reg;
	if (p->registration_id &&
	    ops->registration_get(r->th->reader, p->registration_id, &r->arena,
				  &reg) == LD_OK &&
	    parse_day(reg.declared_date, &registered) && registered <= issued) {
		in.has_registered = true;
		in.registered = registered;
	}
	ld_error err = {0};
	rc = ld_endorsement_evaluate(&in, &r->srv->settings, &st->endorse, &err);
	st->has_endorse = rc == LD_OK;
	return rc == LD_EINVAL ? LD_OK : rc;
}

const char *ld_permit_state_name(const struct ld_permit_state *st)
{
	if (st->stage != LD_PSTAGE_ISSUED)
		return ld_permit_stage_code(st->stage);
	return st->has_endorse ? ld_permit_state_code(st->endorse.state)
			       : "valid";
}

void ld_view_permit_state(ld_jw *w, const struct ld_permit_state *st)
{
	char d[LD_DATE_STRLEN];
	ld_jw_key(w, "state");
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "code", ld_permit_state_name(st));
	if (st->stage == LD_PSTAGE_ISSUED && st->has_endorse) {
		const ld_endorse_result *e = &st->endorse;
		ld_day_format(e->next_anniversary, d);
		ld_jw_kstr(w, "next_anniversary", d);
		ld_day_format(e->window_opens, d);
		ld_jw_kstr(w, "window_opens", d);
		if (e->continuous) {
			ld_day_format(e->continuous_since, d);
			ld_jw_kstr(w, "continuous_since", d);
		} else {
			ld_jw_knull(w, "continuous_since");
		}
		ld_jw_kint(w, "residence_years", e->residence_years);
		/* The residence-years ledger: since when, interrupted when,
		 * and why. */
		ld_jw_key(w, "ledger");
		ld_jw_arr_open(w);
		for (int i = 0; i < e->n_ledger; i++) {
			ld_jw_obj_open(w);
			ld_day_format(e->ledger[i].date, d);
			ld_jw_kstr(w, "date", d);
			ld_jw_kstr(w, "event",
				   ld_ledger_kind_code(e->ledger[i].kind));
			if (e->ledger[i].anniversary) {
				ld_day_format(e->ledger[i].anniversary, d);
				ld_jw_kstr(w, "anniversary", d);
			}
			ld_jw_obj_close(w);
		}
		ld_jw_arr_close(w);
		ld_view_basis(w, &e->basis);
	}
	ld_jw_obj_close(w);
}

/* "holder": whose permit it is, with what 条例 第四条 puts on the card
 * about the person (name, sex, ethnicity, birth date, ID number as the
 * reader's policy shows it, hukou address); null when it cannot be read. */
static void view_holder(ld_jw *w, struct ld_req *r, const ld_person *h)
{
	ld_jw_key(w, "holder");
	if (!h) {
		ld_jw_null(w);
		return;
	}
	const struct ld_code *eth = h->ethnicity
					    ? ld_code_find(&ld_ethnicities,
							   h->ethnicity)
					    : NULL;
	char hukou[LD_ADDRESS_TEXT_MAX];
	ld_hukou_address_text(h, hukou, sizeof hukou);
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", h->id);
	ld_jw_kstr(w, "name", h->name);
	ld_view_id_number(w, r, "id_number", h->id_number);
	ld_jw_kstr(w, "sex", h->sex);
	ld_jw_kstr(w, "ethnicity", h->ethnicity);
	ld_jw_kstr(w, "ethnicity_name", eth ? eth->label : NULL);
	ld_jw_kstr(w, "birth", h->birth);
	ld_jw_kstr(w, "hukou_address_text", hukou);
	ld_jw_obj_close(w);
}

const char *ld_permit_step_name(const char *kind)
{
	static const struct ld_code names[] = {
		{"applied", "申请"},
		{"accepted", "受理"},
		{"issued", "发证"},
		{"endorsed", "签注"},
		{"endorsed_late", "签注"},
		{"replaced_lost", "补领"},
		{"replaced_damaged", "换领"},
		{"changed", "变更"},
		{"cancelled", "注销"},
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(names[i].code, kind) == 0)
			return names[i].label;
	return "办理";
}

ld_status ld_permit_last_step(const struct ld_store_ops *ops, ld_conn *c,
			      ld_arena *ar, const ld_permit *p, ld_day *date,
			      const char **step)
{
	/* The permit's own dates, then every event recorded on it. */
	const struct {
		const char *date, *kind;
	} own[] = {
		{p->applied_date, "applied"},
		{p->accepted_date, "accepted"},
		{p->issued_date, "issued"},
		{p->cancelled_date, "cancelled"},
	};
	*date = 0;
	*step = NULL;
	ld_day d;
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (parse_day(own[i].date, &d) && (!*step || d >= *date)) {
			*date = d;
			*step = ld_permit_step_name(own[i].kind);
		}
	ld_permit_event *ev;
	size_t n;
	ld_status rc = ops->permit_events_of(c, p->id, ar, &ev, &n);
	if (rc != LD_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (parse_day(ev[i].date, &d) && (!*step || d > *date)) {
			*date = d;
			*step = ld_permit_step_name(ev[i].kind);
		}
	return LD_OK;
}

/* Replies 422 naming `field` and returns false when `date` lies before the
 * permit's latest step: no step is dated before the one it follows. */
static bool after_last_step(struct ld_req *r, const ld_permit *p, ld_day date,
			    const char *what, const char *field)
{
	ld_day last;
	const char *step;
	ld_status rc = ld_permit_last_step(r->srv->ops, r->th->reader,
					   &r->arena, p, &last, &step);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return false;
	}
	if (!step || date >= last)
		return true;
	char d[LD_DATE_STRLEN], l[LD_DATE_STRLEN], msg[192];
	ld_day_format(date, d);
	ld_day_format(last, l);
	snprintf(msg, sizeof msg,
		 "%s日期（%s）早于该居住证上一步%s的日期（%s），请核实日期",
		 what, d, step, l);
	ld_reply_error(r, LD_HE_INVALID, msg, field);
	return false;
}

bool ld_permit_issue_deadline(struct ld_req *r, const ld_permit *p,
			      ld_deadline *out)
{
	ld_day accepted;
	if (!parse_day(p->accepted_date, &accepted))
		return false;
	ld_deadline_compute(&r->srv->calendar, LD_EV_PERMIT_ACCEPTANCE,
			    accepted, LD_MINUTE_UNKNOWN, out);
	return true;
}

/* "issue_deadline" (by the rules, from the acceptance date) and
 * "issue_deadline_rule": both limits, which one decided, the basis. */
static void view_issue_deadline(ld_jw *w, struct ld_req *r, const ld_permit *p)
{
	ld_deadline dl;
	char d[LD_DATE_STRLEN];
	if (!ld_permit_issue_deadline(r, p, &dl)) {
		ld_jw_kstr(w, "issue_deadline", p->issue_deadline);
		ld_jw_kbool(w, "issue_deadline_provisional",
			    p->issue_deadline_provisional);
		return;
	}
	ld_day_format(dl.deadline, d);
	ld_jw_kstr(w, "issue_deadline", d);
	/* Counted over a year with no holiday arrangement (calendar.md). */
	ld_jw_kbool(w, "issue_deadline_provisional", !dl.calendar_complete);
	ld_jw_key(w, "issue_deadline_rule");
	ld_jw_obj_open(w);
	ld_jw_kint(w, "working_days", dl.working_days);
	ld_jw_kint(w, "cap_days", dl.cap_days);
	ld_day_format(dl.by_working_days, d);
	ld_jw_kstr(w, "deadline_by_working_days", d);
	ld_day_format(dl.by_cap, d);
	ld_jw_kstr(w, "deadline_by_cap", d);
	ld_jw_kstr(w, "decided_by", ld_cite_text(dl.decided_by));
	ld_jw_kbool(w, "calendar_complete", dl.calendar_complete);
	ld_view_basis(w, &dl.basis);
	ld_jw_obj_close(w);
}

void ld_view_permit(ld_jw *w, struct ld_req *r, const ld_permit *p)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_person holder;
	ld_registration reg;
	ld_photo photo;
	char district[64] = "", residence[LD_ADDRESS_TEXT_MAX] = "";
	/* What the card carries besides the permit's own fields, read here
	 * so that every answer showing a permit names its holder (in the
	 * request's snapshot; after a write, from what was committed). */
	bool have_holder = ops->person_get(r->th->reader, p->person_id,
					   &r->arena, &holder) == LD_OK;
	if (p->registration_id &&
	    ops->registration_get(r->th->reader, p->registration_id, &r->arena,
				  &reg) == LD_OK)
		ld_address_full_text(&reg.addr, residence, sizeof residence);
	bool have_photo = ld_permit_photo(r, p, false, &photo) == LD_OK;
	const struct ld_division_rec *d =
		p->district ? ld_division_latest(atoi(p->district)) : NULL;
	if (d)
		snprintf(district, sizeof district, "%s", d->name);

	ld_req_carries(r, "persons", p->person_id);
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", p->id);
	ld_jw_kint(w, "person_id", p->person_id);
	ld_jw_kint(w, "registration_id", p->registration_id);
	/* A returned application is stored as a cancelled one (0017). */
	ld_jw_kstr(w, "status", p->returned ? "returned" : p->status);
	ld_jw_kbool(w, "returned", p->returned);
	ld_jw_kstr(w, "permit_no", p->permit_no);
	ld_jw_kint(w, "version", p->version);
	ld_jw_kstr(w, "basis", p->basis);
	ld_jw_kstr(w, "channel", p->channel);
	ld_jw_kstr(w, "applicant", p->applicant);
	if (p->guardian_name) {
		ld_jw_key(w, "guardian");
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "name", p->guardian_name);
		ld_view_id_number(w, r, "id_number", p->guardian_id_number);
		ld_jw_kstr(w, "relation", p->guardian_relation);
		ld_jw_obj_close(w);
	}
	ld_jw_kstr(w, "district", p->district);
	ld_jw_kstr(w, "applied_date", p->applied_date);
	/* An online application waiting for acceptance: by when the station
	 * should accept or return it (a setting, no article: permit.h). */
	ld_day applied;
	if (strcmp(p->status, "applied") == 0 &&
	    strcmp(p->channel, "online") == 0 &&
	    parse_day(p->applied_date, &applied)) {
		bool complete;
		ld_jw_kstr(w, "accept_by",
			   fmt_day(&r->arena,
				   ld_permit_accept_by(&r->srv->calendar,
						       applied,
						       r->srv->cfg.accept_days,
						       &complete)));
	} else {
		ld_jw_knull(w, "accept_by");
	}
	ld_jw_kstr(w, "accepted_date", p->accepted_date);
	view_issue_deadline(w, r, p);
	ld_jw_kstr(w, "issued_date", p->issued_date);
	ld_jw_kstr(w, "issuing_authority", p->issuing_authority);
	ld_jw_kstr(w, "cancelled_date", p->cancelled_date);
	ld_jw_kstr(w, "cancel_reason", p->cancel_reason);
	ld_jw_kint(w, "fee", 0); /* 办法 第六条第一款; 条例 第二十一条 */
	view_holder(w, r, have_holder ? &holder : NULL);
	ld_jw_kstr(w, "district_name", district);
	ld_jw_kstr(w, "residence_address", residence);
	/* Who signs it (条例 第十条): the authority of its district now;
	 * issuing_authority is the one it was signed by. */
	ld_jw_kstr(w, "district_authority",
		   ld_authority_of(r->srv->authorities, p->district));
	ld_view_photo(w, "photo", have_photo ? &photo : NULL);
	ld_jw_obj_close(w);
}

void ld_view_permit_missing(ld_jw *w, const ld_permit *p)
{
	ld_permit_basis basis = basis_of(p->basis);
	view_missing(w,
		     ld_permit_required_materials(
			     basis, strcmp(p->applicant, "guardian") == 0),
		     materials_of(p->materials), basis);
}

void ld_view_permit_event(ld_jw *w, const ld_permit_event *e)
{
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "kind", e->kind);
	ld_jw_kstr(w, "date", e->date);
	ld_jw_kstr(w, "at", e->at);
	ld_view_entry(w, e->entered_date, e->date_reason);
	ld_jw_key(w, "detail");
	/* detail is a JSON object written by this program. */
	if (w->status == LD_OK) {
		w->status = ld_buf_adds(w->out, e->detail && *e->detail
							? e->detail
							: "{}");
		w->after_key = false;
		w->need_comma[w->depth] = true;
	}
	ld_jw_obj_close(w);
}

/* ---- the write job shared by every transition ----------------------- */

struct permit_job {
	ld_permit permit;   /* inserted (id 0) or updated */
	bool insert;
	ld_endorsement endorsement; /* inserted when date is set */
	ld_permit_version version;  /* inserted when licence_id is set */
	const char *invalidate_from; /* earlier versions invalid from */
	ld_person person_update;     /* applied when id is set */
	ld_permit_event event;
	const char *backdated; /* ld_act_date_json of the event's date */
	char now[32];
	/* Done inside the transaction: a unique number, then the signature
	 * over content that includes it. */
	bool assign_number;
	bool sign;
	const char *sign_reason;
	ld_day sign_date;
	const char *holder_name, *holder_id_number;
	struct ld_server *srv;
	/* For the reply. */
	unsigned required, have;
	int status;
	/* Acceptance: the issue deadline as counted (flagged when it is
	 * provisional, and its warning answered). */
	bool accepting;
	ld_deadline issue;
};

static ld_status permit_run(ld_write_job *job, const struct ld_store_ops *ops,
			    ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct permit_job *j = p->data;
	ld_status rc;
	if (j->assign_number) {
		rc = ld_permit_number_in_txn(ops, c, &p->arena, &j->permit,
					     j->sign_date, &job->err);
		if (rc != LD_OK)
			return rc;
	}
	if (j->sign) {
		/* The card carries the holder's photo (条例 第四条): the one
		 * stored now is printed on this version. */
		ld_photo ph;
		rc = ops->photo_current(c, j->permit.person_id, false,
					&p->arena, &ph);
		if (rc == LD_ENOTFOUND)
			return ld_fail(&job->err, LD_EINVAL, "photo",
				       "居住证须载有本人相片（《居住证暂行条例》第四条），"
				       "请先采集本人相片再制证");
		if (rc != LD_OK)
			return rc;
		rc = ld_permit_sign_in_txn(j->srv, &p->arena, j->holder_name,
					   j->holder_id_number, &j->permit,
					   j->sign_date, j->sign_reason,
					   &j->version, &job->err);
		if (rc != LD_OK)
			return rc;
		j->version.photo_id = ph.id;
	}
	if (j->insert) {
		ld_permit existing;
		if (ops->permit_active_of_person(c, j->permit.person_id,
						 &p->arena, &existing) == LD_OK)
			return ld_fail(&job->err, LD_ECONFLICT, NULL,
				       "该人员已有居住证或正在办理的申请（一人一证）");
		rc = ops->permit_insert(c, &j->permit);
	} else {
		rc = ops->permit_update(c, &j->permit);
	}
	if (rc == LD_ECONFLICT)
		return ld_fail(&job->err, rc, NULL, "与现有居住证冲突（一人一证）");
	if (rc != LD_OK)
		return rc;
	if (j->accepting && !j->issue.calendar_complete &&
	    (rc = ops->provisional_mark(c, LD_PROV_PERMIT, j->permit.id, NULL,
					0)) != LD_OK)
		return rc;
	if (j->person_update.id) {
		rc = ops->person_update(c, &j->person_update);
		if (rc != LD_OK)
			return rc;
	}
	if (j->endorsement.date) {
		j->endorsement.permit_id = j->permit.id;
		rc = ops->endorsement_insert(c, &j->endorsement);
		if (rc != LD_OK)
			return rc;
	}
	if (j->invalidate_from) {
		rc = ops->versions_invalidate(c, j->permit.id, j->invalidate_from);
		if (rc != LD_OK)
			return rc;
	}
	if (j->version.licence_id) {
		j->version.permit_id = j->permit.id;
		rc = ops->version_insert(c, &j->version);
		if (rc != LD_OK)
			return rc;
	}
	j->event.permit_id = j->permit.id;
	rc = ops->permit_event_insert(c, &j->event);
	if (rc != LD_OK)
		return rc;
	ld_pending_target(p, "person", j->permit.person_id);
	job->audit[0].detail = ld_arena_printf(
		&p->arena, "{\"permit\":%lld,\"date\":\"%s\",\"backdated\":%s}",
		(long long)j->permit.id, j->event.date, j->backdated);
	return LD_OK;
}

static void permit_finish(struct ld_req *r, struct ld_pending *p)
{
	struct permit_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "permit");
	ld_view_permit(&w, r, &j->permit);
	view_missing(&w, j->required, j->have, basis_of(j->permit.basis));
	if (j->accepting)
		ld_view_provisional(&w, &j->issue);
	ld_jw_key(&w, "event");
	ld_view_permit_event(&w, &j->event);
	if (j->endorsement.date) {
		ld_jw_key(&w, "endorsement");
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "date", j->endorsement.date);
		ld_jw_kstr(&w, "anniversary", j->endorsement.anniversary);
		ld_jw_kbool(&w, "late", j->endorsement.late);
		ld_jw_obj_close(&w);
	}
	if (j->version.licence_id) {
		ld_jw_key(&w, "electronic");
		ld_jw_obj_open(&w);
		ld_jw_kint(&w, "version", j->version.version);
		ld_jw_kstr(&w, "licence_id", j->version.licence_id);
		ld_jw_kstr(&w, "payload", j->version.payload);
		ld_jw_kstr(&w, "key_id", j->version.key_id);
		ld_jw_obj_close(&w);
	}
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, j->status ? j->status : 200);
}

/* A job for a change to the permit the dispatcher loaded. */
static struct ld_pending *permit_job_new(struct ld_req *r, const char *action,
					 const char *kind,
					 const struct ld_act_date *date,
					 struct permit_job **out)
{
	struct ld_pending *p = ld_pending_new(r, sizeof(struct permit_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return NULL;
	}
	struct permit_job *j = p->data;
	ld_arena *a = &p->arena;
	ld_audit_now(j->now);
	if (r->target_permit) {
		const ld_permit *src = r->target_permit;
		j->permit = *src;
		/* Strings must live in the job's arena. */
		const char **f[] = {
			&j->permit.status,	   &j->permit.basis,
			&j->permit.channel,	   &j->permit.applicant,
			&j->permit.guardian_name, &j->permit.guardian_id_number,
			&j->permit.guardian_relation, &j->permit.materials,
			&j->permit.district,	   &j->permit.applied_date,
			&j->permit.accepted_date,  &j->permit.issue_deadline,
			&j->permit.issued_date,	   &j->permit.issuing_authority,
			&j->permit.permit_no,	   &j->permit.cancelled_date,
			&j->permit.cancel_reason,  &j->permit.created_at,
		};
		for (size_t i = 0; i < sizeof f / sizeof *f; i++)
			*f[i] = adup(a, *f[i]);
	}
	j->event.kind = kind;
	j->event.date = adup(a, date->date);
	j->event.user_id = r->user.id;
	j->event.at = j->now;
	j->event.detail = "{}";
	j->event.entered_date = adup(a, date->entered);
	j->event.date_reason = adup(a, date->reason);
	j->backdated = ld_act_date_json(a, date);
	p->job.run = permit_run;
	p->finish = permit_finish;
	p->changes_permit = true;
	ld_pending_audit(r, p, action, "person:?", NULL, NULL);
	*out = j;
	return p;
}

static void drop(struct ld_pending *p)
{
	ld_arena_release(&p->arena);
	free(p);
}

/* Ask for a signed card version of j->permit for `holder`, dated `date`;
 * replies 503 and returns false when no signing key is configured. */
static bool want_signature(struct ld_req *r, struct ld_pending *p,
			   struct permit_job *j, const ld_person *holder,
			   ld_day date, const char *reason)
{
	if (!r->srv->signer) {
		ld_reply_error(r, LD_HE_UNAVAILABLE,
			       "未配置电子证照签名密钥，请先运行 liudong keys generate",
			       NULL);
		return false;
	}
	j->sign = true;
	j->sign_reason = reason;
	j->sign_date = date;
	j->holder_name = adup(&p->arena, holder->name);
	j->holder_id_number = adup(&p->arena, holder->id_number);
	j->srv = r->srv;
	return j->holder_name && j->holder_id_number;
}

/* ---- apply ---------------------------------------------------------- */

void h_permit_apply(struct ld_req *r)
{
	const struct ld_store_ops *ops = r->srv->ops;
	const ld_person *person = r->target_person;
	ld_registration reg;
	if (person->document_type &&
	    strcmp(person->document_type, "resident_id_card") != 0) {
		ld_reply_error(r, LD_HE_INVALID,
			       "港澳台居民和外国人按照国家有关规定办理居住证件，不适用本居住证"
			       "（《山东省流动人口服务管理暂行办法》第二条第二款）",
			       NULL);
		return;
	}
	if (ops->registration_active_of_person(r->th->reader, person->id,
					       &r->arena, &reg) != LD_OK) {
		ld_reply_error(r, LD_HE_INVALID,
			       "该人员没有有效的居住登记，须先申报居住登记", NULL);
		return;
	}
	ld_day applied, registered, birth;
	struct ld_act_date act;
	if (!body_date(r, "applied_date", "申请日期", &act))
		return;
	applied = act.day;
	parse_day(reg.declared_date, &registered);
	parse_day(person->birth, &birth);
	ld_permit_basis basis = basis_of(ld_json_str(r->body, "basis"));
	ld_permit_input in = {.registered = registered, .on = applied,
			      .basis = basis, .has_birth = true, .birth = birth};
	ld_permit_decision d;
	ld_error err = {0};
	if (ld_permit_decide(&in, &d, &err) != LD_OK) {
		ld_reply_error(r, LD_HE_INVALID, err.message, "applied_date");
		return;
	}
	if (!d.eligible) {
		ld_buf b;
		ld_jw w;
		char day[LD_DATE_STRLEN];
		ld_day_format(d.eligible_from, day);
		char msg[192];
		snprintf(msg, sizeof msg,
			 d.reason == LD_PERMIT_NO_BASIS
				 ? "申领居住证须有合法稳定就业、合法稳定住所或连续就读条件之一"
				 : "居住登记满半年方可申领居住证，可于%s起申请",
			 day);
		ld_reply_error_begin(r, &w, &b, "not_eligible", msg,
				     d.reason == LD_PERMIT_NO_BASIS
					     ? "basis"
					     : "applied_date");
		ld_jw_key(&w, "decision");
		ld_jw_obj_open(&w);
		ld_jw_kbool(&w, "eligible", false);
		ld_jw_kstr(&w, "eligible_from", day);
		ld_jw_kstr(&w, "reason", ld_permit_reason_code(d.reason));
		ld_view_basis(&w, &d.basis);
		ld_jw_obj_close(&w);
		ld_jw_obj_close(&w);
		ld_reply_end(r, &w, &b, 422);
		return;
	}
	const json_t *g = ld_json_obj(r->body, "guardian");
	if (d.guardian && !g) {
		ld_reply_error(r, LD_HE_INVALID,
			       "申请人未满16周岁，须由监护人或近亲属代为申领（条例第九条第三款）",
			       "guardian");
		return;
	}
	if (g) {
		const char *gid = ld_json_str(g, "id_number");
		ld_idnum id;
		ld_idnum_check(gid, strlen(gid), ld_http_today(), &id);
		if (!id.valid || id.legacy15) {
			ld_reply_error(r, LD_HE_INVALID,
				       ld_id_reason_message(id.reason),
				       "guardian.id_number");
			return;
		}
	}
	struct permit_job *j;
	struct ld_pending *p = permit_job_new(r, "permit:apply", "applied",
					      &act, &j);
	if (!p)
		return;
	ld_arena *a = &p->arena;
	j->insert = true;
	j->status = 201;
	j->required = ld_permit_required_materials(basis, d.guardian);
	j->have = (body_materials(r->body) | stored_photo(r, person->id)) &
		  j->required;
	j->permit = (ld_permit){
		.person_id = person->id,
		.registration_id = reg.id,
		.status = "applied",
		.basis = ld_permit_basis_code(basis),
		.channel = adup(a, ld_json_str(r->body, "channel")
					   ? ld_json_str(r->body, "channel")
					   : "counter"),
		.applicant = d.guardian ? "guardian" : "self",
		.guardian_name = g ? adup(a, ld_json_str(g, "name")) : NULL,
		.guardian_id_number =
			g ? adup(a, ld_json_str(g, "id_number")) : NULL,
		.guardian_relation =
			g ? adup(a, ld_json_str(g, "relation")) : NULL,
		.materials = materials_text(a, j->have),
		.district = adup(a, reg.addr.district),
		.applied_date = fmt_day(a, applied),
		.created_by = r->user.id,
		.created_at = j->now,
	};
	ld_pending_submit(r, p);
}

/* ---- accept, issue -------------------------------------------------- */

static bool stage_is(struct ld_req *r, const char *status, const char *msg)
{
	if (strcmp(r->target_permit->status, status) != 0) {
		ld_reply_error(r, LD_HE_CONFLICT, msg, NULL);
		return false;
	}
	return true;
}

void h_permit_accept(struct ld_req *r)
{
	const ld_permit *cur = r->target_permit;
	ld_day date, applied;
	struct ld_act_date act;
	if (!stage_is(r, "applied", "只有待受理的申请可以受理") ||
	    !body_date(r, "accepted_date", "受理日期", &act))
		return;
	date = act.day;
	parse_day(cur->applied_date, &applied);
	if (date < applied) {
		ld_reply_error(r, LD_HE_INVALID, "受理日期早于申请日期",
			       "accepted_date");
		return;
	}
	if (!after_last_step(r, cur, date, "受理", "accepted_date"))
		return;
	ld_person *person = r->target_person_of_permit;
	ld_day birth;
	parse_day(person->birth, &birth);
	ld_permit_basis basis = basis_of(cur->basis);
	unsigned required = ld_permit_required_materials(
		basis, strcmp(cur->applicant, "guardian") == 0);
	unsigned have = (materials_of(cur->materials) |
			 body_materials(r->body) |
			 stored_photo(r, cur->person_id)) &
			required;
	if (have != required) {
		/* Every missing material at once (一次性告知). */
		ld_buf b;
		ld_jw w;
		ld_reply_error_begin(r, &w, &b, "missing_materials",
				     "申请材料不齐全，请一次性补齐以下材料后受理",
				     "materials");
		view_missing(&w, required, have, basis);
		ld_jw_obj_close(&w);
		ld_reply_end(r, &w, &b, 422);
		return;
	}
	ld_deadline dl;
	ld_deadline_compute(&r->srv->calendar, LD_EV_PERMIT_ACCEPTANCE, date,
			    LD_MINUTE_UNKNOWN, &dl);
	struct permit_job *j;
	struct ld_pending *p = permit_job_new(r, "permit:accept", "accepted",
					      &act, &j);
	if (!p)
		return;
	j->required = required;
	j->have = have;
	j->permit.status = "accepted";
	j->permit.materials = materials_text(&p->arena, have);
	j->permit.accepted_date = j->event.date;
	j->permit.issue_deadline = fmt_day(&p->arena, dl.deadline);
	j->permit.issue_deadline_provisional = !dl.calendar_complete;
	j->accepting = true;
	j->issue = dl;
	ld_pending_submit(r, p);
}

void h_permit_issue(struct ld_req *r)
{
	const ld_permit *cur = r->target_permit;
	ld_day date, accepted, deadline;
	struct ld_act_date act;
	if (!stage_is(r, "accepted", "只有已受理的申请可以发证") ||
	    !body_date(r, "issued_date", "发证日期", &act))
		return;
	date = act.day;
	parse_day(cur->accepted_date, &accepted);
	parse_day(cur->issue_deadline, &deadline);
	ld_deadline dl;
	if (ld_permit_issue_deadline(r, cur, &dl))
		deadline = dl.deadline;
	if (date < accepted) {
		ld_reply_error(r, LD_HE_INVALID, "发证日期早于受理日期",
			       "issued_date");
		return;
	}
	if (!after_last_step(r, cur, date, "发证", "issued_date"))
		return;
	struct permit_job *j;
	struct ld_pending *p = permit_job_new(r, "permit:issue", "issued", &act,
					      &j);
	if (!p)
		return;
	ld_arena *a = &p->arena;
	j->permit.status = "issued";
	j->permit.issued_date = j->event.date;
	/* Signed by the county-level police of its district (条例 第十条). */
	j->permit.issuing_authority = adup(
		a, ld_authority_of(r->srv->authorities, cur->district));
	j->permit.version = 1;
	j->event.detail = ld_arena_printf(a, "{\"late\":%s}",
					  date > deadline ? "true" : "false");
	j->assign_number = true;
	if (!want_signature(r, p, j, r->target_person_of_permit, date,
			    "issue")) {
		drop(p);
		return;
	}
	ld_pending_submit(r, p);
}

/* ---- endorse, replace, change, cancel ------------------------------- */

void h_permit_endorse(struct ld_req *r)
{
	const ld_permit *cur = r->target_permit;
	ld_day date;
	struct ld_act_date act;
	if (!stage_is(r, "issued", "只有已发放的居住证可以签注") ||
	    !body_date(r, "date", "签注日期", &act) ||
	    !after_last_step(r, cur, act.day, "签注", "date"))
		return;
	date = act.day;
	/* Replay the rules with this endorsement added (条例 第十条). */
	struct ld_permit_state before;
	ld_status rc = ld_permit_state_on(r, cur, date, &before);
	if (rc != LD_OK || before.stage != LD_PSTAGE_ISSUED ||
	    !before.has_endorse) {
		ld_reply_error(r, LD_HE_INVALID, "签注日期早于发证日期", "date");
		return;
	}
	ld_day a = before.endorse.next_anniversary;
	ld_day opens = before.endorse.window_opens;
	if (date < opens) {
		char s[LD_DATE_STRLEN], msg[160];
		ld_day_format(opens, s);
		snprintf(msg, sizeof msg, "尚未到签注期，签注期自%s起", s);
		ld_reply_error(r, LD_HE_INVALID, msg, "date");
		return;
	}
	bool late = date > a || (date == a && !r->srv->settings.anniversary_in_window);
	struct permit_job *j;
	struct ld_pending *p = permit_job_new(r, "permit:endorse", "endorsed",
					      &act, &j);
	if (!p)
		return;
	j->endorsement = (ld_endorsement){
		.date = j->event.date,
		.anniversary = fmt_day(&p->arena, a),
		.late = late,
		.user_id = r->user.id,
		.at = j->now,
	};
	j->event.kind = late ? "endorsed_late" : "endorsed";
	ld_pending_submit(r, p);
}

static const struct ld_code replace_items[] = {
	{"damaged", "损坏换领"},
	{"lost", "遗失补领"},
};
const struct ld_code_list ld_replace_reasons = {"reason", replace_items, 2};

void h_permit_replace(struct ld_req *r)
{
	ld_day date;
	struct ld_act_date act;
	if (!stage_is(r, "issued", "只有已发放的居住证可以换领或补领") ||
	    !body_date(r, "date", "办理日期", &act) ||
	    !after_last_step(r, r->target_permit, act.day, "换领、补领",
			     "date"))
		return;
	date = act.day;
	const char *why = ld_json_str(r->body, "reason");
	struct permit_job *j;
	struct ld_pending *p = permit_job_new(
		r, "permit:replace",
		strcmp(why, "lost") == 0 ? "replaced_lost" : "replaced_damaged",
		&act, &j);
	if (!p)
		return;
	j->permit.version = r->target_permit->version + 1;
	j->invalidate_from = j->event.date;
	if (!want_signature(r, p, j, r->target_person_of_permit, date,
			    strcmp(why, "lost") == 0 ? "replace_lost"
						     : "replace_damaged")) {
		drop(p);
		return;
	}
	ld_pending_submit(r, p);
}

void h_permit_change(struct ld_req *r)
{
	ld_day date;
	struct ld_act_date act;
	if (!stage_is(r, "issued", "只有已发放的居住证可以办理变更") ||
	    !body_date(r, "date", "办理日期", &act) ||
	    !after_last_step(r, r->target_permit, act.day, "变更", "date"))
		return;
	date = act.day;
	const char *name = ld_json_str(r->body, "name");
	ld_person changed = *r->target_person_of_permit;
	changed.name = name;
	struct permit_job *j;
	struct ld_pending *p = permit_job_new(r, "permit:change", "changed",
					      &act, &j);
	if (!p)
		return;
	ld_arena *a = &p->arena;
	j->person_update = (ld_person){
		.id = changed.id,
		.name = adup(a, name),
		.ethnicity = adup(a, changed.ethnicity),
		.hukou_code = adup(a, changed.hukou_code),
		.hukou_address = adup(a, changed.hukou_address),
		.phone = adup(a, changed.phone),
		.updated_at = j->now,
	};
	j->permit.version = r->target_permit->version + 1;
	j->invalidate_from = j->event.date;
	json_t *detail = json_pack("{s:s, s:s}", "name_before",
				   r->target_person_of_permit->name,
				   "name_after", name);
	char text[512];
	size_t n = detail ? json_dumpb(detail, text, sizeof text, JSON_COMPACT)
			  : 0;
	j->event.detail = n > 0 && n < sizeof text
				  ? ld_arena_strndup(a, text, n)
				  : "{}";
	json_decref(detail);
	if (!want_signature(r, p, j, &changed, date, "change")) {
		drop(p);
		return;
	}
	ld_pending_submit(r, p);
}

void h_permit_cancel(struct ld_req *r)
{
	struct ld_act_date act;
	if (strcmp(r->target_permit->status, "cancelled") == 0) {
		ld_reply_error(r, LD_HE_CONFLICT,
			       r->target_permit->returned
				       ? "该申请已退回"
				       : "该居住证已注销",
			       NULL);
		return;
	}
	if (!body_date(r, "date", "注销日期", &act) ||
	    !after_last_step(r, r->target_permit, act.day, "注销", "date"))
		return;
	struct permit_job *j;
	struct ld_pending *p = permit_job_new(r, "permit:cancel", "cancelled",
					      &act, &j);
	if (!p)
		return;
	j->permit.status = "cancelled";
	j->permit.cancelled_date = j->event.date;
	j->permit.cancel_reason = adup(&p->arena, ld_json_str(r->body, "reason"));
	j->invalidate_from = j->event.date;
	ld_pending_submit(r, p);
}

/* Return (退回) an application the station will not accept, saying why:
 * the applicant reads the reason (on the phone pages for an online one)
 * and may apply again. Only before acceptance; dated today. */
void h_permit_return(struct ld_req *r)
{
	const char *why = ld_json_str(r->body, "reason");
	if (strspn(why, " \t\r\n") == strlen(why)) {
		ld_reply_error(r, LD_HE_INVALID, "请填写退回原因（申请人可见）",
			       "reason");
		return;
	}
	if (!stage_is(r, "applied", "只有待受理的申请可以退回"))
		return;
	struct ld_act_date act;
	if (!ld_act_date_check(r, ld_http_today(), "date", "退回日期", &act))
		return;
	struct permit_job *j;
	struct ld_pending *p = permit_job_new(r, "permit:return", "returned",
					      &act, &j);
	if (!p)
		return;
	ld_arena *a = &p->arena;
	const ld_permit *cur = r->target_permit;
	j->required = ld_permit_required_materials(
		basis_of(cur->basis), strcmp(cur->applicant, "guardian") == 0);
	j->have = materials_of(cur->materials) & j->required;
	j->permit.status = "cancelled";
	j->permit.returned = true;
	j->permit.cancelled_date = j->event.date;
	j->permit.cancel_reason = adup(a, why);
	json_t *detail = json_pack("{s:s}", "reason", why);
	const char *text = detail ? ld_json_text(a, detail) : NULL;
	j->event.detail = text ? text : "{}";
	json_decref(detail);
	ld_pending_submit(r, p);
}

/* ---- reads ---------------------------------------------------------- */

/* The ?on= date (default today); replies and returns false if malformed. */
static bool query_on(struct ld_req *r, ld_day *on)
{
	const char *v = ld_req_query(r, "on");
	*on = ld_http_today();
	if (v && !parse_day(v, on)) {
		ld_reply_error(r, LD_HE_INVALID, "日期无效", "on");
		return false;
	}
	return true;
}

void h_permit_get(struct ld_req *r)
{
	const struct ld_store_ops *ops = r->srv->ops;
	const ld_permit *pm = r->target_permit;
	ld_day on;
	if (!query_on(r, &on))
		return;
	struct ld_permit_state st;
	ld_endorsement *ends;
	ld_permit_version *vers;
	ld_permit_event *evs;
	size_t ne, nv, nev;
	ld_status rc = ld_permit_state_on(r, pm, on, &st);
	if (rc == LD_OK)
		rc = ops->endorsements_of(r->th->reader, pm->id, &r->arena,
					  &ends, &ne);
	if (rc == LD_OK)
		rc = ops->versions_of(r->th->reader, pm->id, &r->arena, &vers,
				      &nv);
	if (rc == LD_OK)
		rc = ops->permit_events_of(r->th->reader, pm->id, &r->arena,
					   &evs, &nev);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	char day[LD_DATE_STRLEN];
	ld_day_format(on, day);
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "permit");
	ld_view_permit(&w, r, pm);
	ld_jw_kstr(&w, "on", day);
	ld_view_permit_state(&w, &st);
	ld_permit_basis basis = basis_of(pm->basis);
	unsigned required = ld_permit_required_materials(
		basis, strcmp(pm->applicant, "guardian") == 0);
	view_missing(&w, required,
		     materials_of(pm->materials) |
			     stored_photo(r, pm->person_id),
		     basis);
	ld_jw_key(&w, "endorsements");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < ne; i++) {
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "date", ends[i].date);
		ld_jw_kstr(&w, "anniversary", ends[i].anniversary);
		ld_jw_kbool(&w, "late", ends[i].late);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_key(&w, "versions");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < nv; i++) {
		ld_jw_obj_open(&w);
		ld_jw_kint(&w, "version", vers[i].version);
		ld_jw_kstr(&w, "licence_id", vers[i].licence_id);
		ld_jw_kstr(&w, "issued_date", vers[i].issued_date);
		ld_jw_kstr(&w, "reason", vers[i].reason);
		ld_jw_kstr(&w, "invalidated_date", vers[i].invalidated_date);
		ld_jw_kstr(&w, "payload", vers[i].payload);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_key(&w, "events");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < nev; i++)
		ld_view_permit_event(&w, &evs[i]);
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	char target[48];
	snprintf(target, sizeof target, "person:%lld", (long long)pm->person_id);
	ld_reply_audited_jw(r, &w, &b, 200, "permit:read", target);
}

/* Whether the person's residence registration certificate was in force on
 * `on`: declared on or before it, and not cancelled by then. */
static bool certificate_active_on(struct ld_req *r, ld_id person_id, ld_day on)
{
	ld_registration *regs;
	size_t n;
	if (r->srv->ops->registrations_of_person(r->th->reader, person_id,
						 &r->arena, &regs,
						 &n) != LD_OK)
		return false;
	for (size_t i = 0; i < n; i++) {
		ld_day declared, cancelled;
		if (!parse_day(regs[i].declared_date, &declared) ||
		    declared > on)
			continue;
		if (regs[i].cancelled_date &&
		    parse_day(regs[i].cancelled_date, &cancelled) &&
		    cancelled <= on)
			continue;
		return true;
	}
	return false;
}

void h_person_entitlements(struct ld_req *r)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_day on;
	if (!query_on(r, &on))
		return;
	ld_documents docs = {
		.certificate_active =
			certificate_active_on(r, r->target_person->id, on),
	};
	ld_permit *permits;
	size_t n;
	struct ld_permit_state st = {.stage = LD_PSTAGE_APPLIED};
	const ld_permit *pm = NULL;
	if (ops->permits_of_person(r->th->reader, r->target_person->id,
				   &r->arena, &permits, &n) != LD_OK) {
		ld_reply_error(r, LD_HE_UNAVAILABLE, NULL, NULL);
		return;
	}
	/* The permit issued on or before `on` and not cancelled by then. */
	for (size_t i = 0; i < n && !pm; i++) {
		struct ld_permit_state s;
		if (ld_permit_state_on(r, &permits[i], on, &s) == LD_OK &&
		    s.stage == LD_PSTAGE_ISSUED) {
			pm = &permits[i];
			st = s;
		}
	}
	if (pm && st.has_endorse) {
		docs.has_permit = true;
		docs.permit_state = st.endorse.state;
	}
	ld_grant list[64];
	size_t k = ld_entitlements_for(&docs, on, &r->srv->settings, list);
	ld_buf b;
	ld_jw w;
	char day[LD_DATE_STRLEN];
	ld_day_format(on, day);
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "person_id", r->target_person->id);
	ld_jw_kstr(&w, "on", day);
	ld_jw_kbool(&w, "certificate_active", docs.certificate_active);
	ld_jw_kstr(&w, "permit", pm ? ld_permit_state_name(&st) : "none");
	ld_view_entitlements(&w, list, k);
	ld_jw_obj_close(&w);
	char target[48];
	snprintf(target, sizeof target, "person:%lld",
		 (long long)r->target_person->id);
	ld_reply_audited_jw(r, &w, &b, 200, "person:entitlements", target);
}

/* "name" and "id_number" (as the reader's policy shows it) of the holder
 * of a work-list item: a clerk sees whose permit it is. */
static void work_holder(ld_jw *w, struct ld_req *r, ld_id person_id)
{
	ld_person h;
	bool ok = r->srv->ops->person_get(r->th->reader, person_id, &r->arena,
					  &h) == LD_OK;
	ld_jw_kstr(w, "name", ok ? h.name : NULL);
	ld_view_id_number(w, r, "id_number", ok ? h.id_number : NULL);
}

/* The station's permit work list on a day: applications past their issue
 * deadline, endorsements due (window open), suspended permits. */
bool ld_write_permit_worklist(struct ld_req *r, ld_jw *w, ld_day on)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_permit *accepted, *issued;
	size_t na, ni;
	if (ops->permits_in_area(r->th->reader, &r->access, "accepted", 10000,
				 &r->arena, &accepted, &na) != LD_OK ||
	    ops->permits_in_area(r->th->reader, &r->access, "issued", 10000,
				 &r->arena, &issued, &ni) != LD_OK)
		return false;
	ld_jw_arr_open(w);
	for (size_t i = 0; i < na; i++) {
		/* The deadline by the rules (the earlier of 10 working days
		 * and 15 days), not as stored by an older version. */
		ld_deadline dl;
		if (!ld_permit_issue_deadline(r, &accepted[i], &dl) ||
		    dl.deadline >= on)
			continue;
		char d[LD_DATE_STRLEN];
		ld_day_format(dl.deadline, d);
		ld_req_carries(r, "persons", accepted[i].person_id);
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "kind", "issue_overdue");
		ld_jw_kint(w, "permit_id", accepted[i].id);
		ld_jw_kint(w, "person_id", accepted[i].person_id);
		work_holder(w, r, accepted[i].person_id);
		ld_jw_kstr(w, "date", d);
		ld_jw_kstr(w, "decided_by", ld_cite_text(dl.decided_by));
		/* Counted over a year with no holiday arrangement. */
		ld_jw_kbool(w, "provisional", !dl.calendar_complete);
		ld_jw_obj_close(w);
	}
	for (size_t i = 0; i < ni; i++) {
		struct ld_permit_state st;
		if (ld_permit_state_on(r, &issued[i], on, &st) != LD_OK ||
		    !st.has_endorse || st.endorse.state == LD_PSTATE_VALID)
			continue;
		char d[LD_DATE_STRLEN];
		ld_day_format(st.endorse.next_anniversary, d);
		ld_req_carries(r, "persons", issued[i].person_id);
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "kind", st.endorse.state == LD_PSTATE_SUSPENDED
					      ? "suspended"
					      : "endorsement_due");
		ld_jw_kint(w, "permit_id", issued[i].id);
		ld_jw_kint(w, "person_id", issued[i].person_id);
		work_holder(w, r, issued[i].person_id);
		ld_jw_kstr(w, "permit_no", issued[i].permit_no);
		ld_jw_kstr(w, "date", d);
		ld_jw_obj_close(w);
	}
	ld_jw_arr_close(w);
	return true;
}

void h_worklist_permits(struct ld_req *r)
{
	ld_day on;
	if (!query_on(r, &on))
		return;
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "items");
	if (!ld_write_permit_worklist(r, &w, on)) {
		ld_buf_release(&b);
		ld_reply_error(r, LD_HE_UNAVAILABLE, NULL, NULL);
		return;
	}
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

/* ---- the queue of applications waiting for acceptance (待受理) ------- */

/* Why the acceptance deadline is what it is: no article sets one. */
static const char accept_basis[] =
	"受理期限为本平台的办理时限设置（--accept-days）；《居住证暂行条例》《山东省流动人口"
	"服务管理暂行办法》未规定受理期限，条例第九条规定的是受理后的发证期限";

void h_worklist_applications(struct ld_req *r)
{
	const char *channel = ld_req_query(r, "channel");
	const char *overdue = ld_req_query(r, "overdue");
	ld_page page;
	int page_no;
	if (!ld_req_page(r, &page, &page_no))
		return;
	ld_day today = ld_http_today();
	int days = r->srv->cfg.accept_days;
	const char *before =
		overdue && strcmp(overdue, "1") == 0
			? fmt_day(&r->arena,
				  ld_permit_accept_overdue_before(
					  &r->srv->calendar, today, days))
			: NULL;
	ld_application_row *items;
	size_t n;
	int64_t total;
	ld_status rc = r->srv->ops->applications_list(
		r->th->reader, &r->access, channel ? channel : "online", before,
		page, &r->arena, &items, &n, &total);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_page_begin(r, &w, &b, total, page_no, page.limit);
	for (size_t i = 0; i < n; i++) {
		const ld_permit *pm = &items[i].permit;
		ld_permit_basis basis = basis_of(pm->basis);
		unsigned required = ld_permit_required_materials(
			basis, strcmp(pm->applicant, "guardian") == 0);
		ld_day applied, by = today;
		bool complete = true;
		if (parse_day(pm->applied_date, &applied))
			by = ld_permit_accept_by(&r->srv->calendar, applied,
						 days, &complete);
		ld_req_carries(r, "persons", pm->person_id);
		ld_jw_obj_open(&w);
		ld_jw_kint(&w, "id", pm->id);
		ld_jw_kint(&w, "person_id", pm->person_id);
		ld_jw_kstr(&w, "name", items[i].person_name);
		ld_view_id_number(&w, r, "id_number", items[i].id_number);
		ld_jw_kstr(&w, "channel", pm->channel);
		ld_jw_kstr(&w, "basis", pm->basis);
		ld_jw_kstr(&w, "applicant", pm->applicant);
		ld_jw_kstr(&w, "guardian_name", pm->guardian_name);
		ld_jw_kstr(&w, "applied_date", pm->applied_date);
		view_missing(&w, required, materials_of(pm->materials), basis);
		ld_jw_kstr(&w, "accept_by", fmt_day(&r->arena, by));
		ld_jw_kbool(&w, "accept_by_provisional", !complete);
		ld_jw_kbool(&w, "overdue", by < today);
		bool c2;
		ld_jw_kint(&w, "working_days_overdue",
			   ld_deadline_working_days_late(&r->srv->calendar, by,
							 today, &c2));
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_kint(&w, "accept_days", days);
	ld_jw_kstr(&w, "accept_basis", accept_basis);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200); /* audited: the route's purpose */
}
