/*
 * h_resident.c — the residents' own pages: sign-in with the ID number, the
 * phone and a one-time code sent to it; their registrations, permit,
 * entitlements and electronic permit; online declaration, permit
 * application and endorsement. A resident reaches only their own record;
 * every action is audited under "resident:<masked ID number>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/entitlement.h"
#include "core/idnum.h"
#include "core/licence.h"
#include "crypto/random.h"
#include "crypto/sm3.h"
#include "http/auth.h"
#include "http/body.h"
#include "http/handlers.h"
#include "http/permits.h"
#include "http/reply.h"
#include "http/views.h"
#include "notify/notify.h"

#define CODE_SECONDS 300
#define CODE_RESEND_SECONDS 60
#define CODE_MAX_ATTEMPTS 5
#define RESIDENT_SESSION_SECONDS (2 * 3600)

static bool mobile_ok(const char *s)
{
	if (strlen(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
		return false;
	return strspn(s, "0123456789") == 11;
}

/* Check the id_number and phone of a body; replies on error. */
static bool who(struct ld_req *r, const char **idn, const char **phone)
{
	*idn = ld_json_str(r->body, "id_number");
	*phone = ld_json_str(r->body, "phone");
	ld_idnum id;
	ld_idnum_check(*idn, strlen(*idn), ld_http_today(), &id);
	if (!id.valid || id.legacy15) {
		ld_reply_error(r, LD_HE_INVALID,
			       id.legacy15 ? "请使用18位公民身份号码"
					   : ld_id_reason_message(id.reason),
			       "id_number");
		return false;
	}
	if (!mobile_ok(*phone)) {
		ld_reply_error(r, LD_HE_INVALID, "请填写11位手机号码", "phone");
		return false;
	}
	*idn = ld_arena_strdup(&r->arena, id.normalized);
	return *idn != NULL;
}

static void code_hash(const char *code, const char *idn, const char *phone,
		      char out[65])
{
	char text[64];
	int n = snprintf(text, sizeof text, "%s|%s|%s", code, idn, phone);
	ld_sm3_hex(text, (size_t)n, out);
}

/* ---- one-time code -------------------------------------------------- */

struct otp {
	char id_number[19], phone[12], code[7], hash[65];
	int64_t now;
	bool send; /* false: a person with another phone; stay silent */
	struct ld_slow_task task;
	ld_notifier *notifier;
};

static ld_status otp_run(ld_write_job *job, const struct ld_store_ops *ops,
			 ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct otp *o = p->data;
	if (!o->send)
		return LD_OK;
	return ops->resident_code_put(c, o->id_number, o->phone, o->hash, o->now,
				      o->now + CODE_SECONDS);
}

static void otp_send(void *arg) /* slow thread: the gateway may block */
{
	struct otp *o = arg;
	char text[160];
	ld_error err = {0};
	snprintf(text, sizeof text,
		 "【济南流动人口服务】您的验证码为 %s，%d分钟内有效。如非本人操作请忽略。",
		 o->code, CODE_SECONDS / 60);
	if (o->notifier->send(o->notifier, o->phone, text, &err) != LD_OK)
		fprintf(stderr, "liudong: 验证码短信发送失败: %s\n", err.message);
}

static void otp_finish(struct ld_req *r, struct ld_pending *p)
{
	struct otp *o = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	if (o->send) {
		/* The message goes out on the slow thread (the gateway may
		 * block); the task outlives this job, so it gets a copy, which
		 * it frees when done. */
		struct otp *copy = malloc(sizeof *copy);
		if (copy) {
			*copy = *o;
			memset(&copy->task, 0, sizeof copy->task);
			copy->task.fn = otp_send;
			copy->task.done = free;
			copy->task.arg = copy;
			ld_slow_submit(r, &copy->task);
		}
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	/* The same answer whether or not a code was sent: no enumeration. */
	ld_jw_kbool(&w, "sent", true);
	ld_jw_kint(&w, "expires_in", CODE_SECONDS);
	if (o->notifier->demo && o->send)
		ld_jw_kstr(&w, "demo_code", o->code); /* demo configuration only */
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

void h_resident_otp(struct ld_req *r)
{
	const char *idn, *phone;
	if (!who(r, &idn, &phone))
		return;
	const struct ld_store_ops *ops = r->srv->ops;
	int64_t now = (int64_t)time(NULL), created, expires;
	int attempts;
	char old[65];
	/* Against text-message flooding: at most 5 codes per phone and 20
	 * per client address in 15 minutes. */
	char key[32];
	snprintf(key, sizeof key, "otp:%s", phone);
	if (ld_throttle_wait(r->srv->throttle, key, ld_req_peer(r),
			     (time_t)now) > 0) {
		ld_reply_error(r, LD_HE_THROTTLED, "验证码请求过于频繁，请稍后再试",
			       NULL);
		return;
	}
	ld_throttle_failure(r->srv->throttle, key, ld_req_peer(r), (time_t)now);
	if (ops->resident_code_get(r->th->reader, idn, phone, old, &created,
				   &expires, &attempts) == LD_OK &&
	    now - created < CODE_RESEND_SECONDS) {
		ld_reply_error(r, LD_HE_THROTTLED, "验证码已发送，请60秒后再试",
			       NULL);
		return;
	}
	struct ld_pending *p = ld_pending_new(r, sizeof(struct otp));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct otp *o = p->data;
	snprintf(o->id_number, sizeof o->id_number, "%s", idn);
	snprintf(o->phone, sizeof o->phone, "%s", phone);
	o->now = now;
	o->notifier = r->srv->notifier;
	/* A person on record with another phone gets no code here. */
	ld_person person;
	o->send = !(ops->person_by_id_number(r->th->reader, idn, &r->arena,
					     &person) == LD_OK &&
		    person.phone && *person.phone &&
		    strcmp(person.phone, phone) != 0);
	unsigned char rnd[4];
	if (ld_random_bytes(rnd, sizeof rnd) != LD_OK) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	unsigned v = ((unsigned)rnd[0] << 24 | (unsigned)rnd[1] << 16 |
		      (unsigned)rnd[2] << 8 | rnd[3]) % 1000000u;
	snprintf(o->code, sizeof o->code, "%06u", v);
	code_hash(o->code, idn, phone, o->hash);
	p->job.run = otp_run;
	p->finish = otp_finish;
	char masked[19];
	ld_mask_id_number(idn, masked);
	char *target = ld_arena_printf(&r->arena, "resident:%s", masked);
	ld_pending_audit(r, p, "resident:otp", target, o->send ? "ok" : "denied",
			 NULL);
	ld_pending_submit(r, p);
}

/* ---- sign-in -------------------------------------------------------- */

struct rlogin {
	char id_number[19], phone[12];
	char token[LD_TOKEN_HEX + 1], hash[65];
	int64_t expires_at;
	bool ok;
};

static ld_status rlogin_run(ld_write_job *job, const struct ld_store_ops *ops,
			    ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct rlogin *l = p->data;
	if (!l->ok)
		return ops->resident_code_attempt(c, l->id_number, l->phone);
	ld_status rc = ops->resident_code_delete(c, l->id_number, l->phone);
	if (rc == LD_OK)
		rc = ops->resident_session_insert(c, l->hash, l->id_number,
						  l->phone, l->expires_at);
	return rc;
}

static void rlogin_finish(struct ld_req *r, struct ld_pending *p)
{
	struct rlogin *l = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	if (!l->ok) {
		ld_reply_error(r, LD_HE_UNAUTHENTICATED, "验证码错误或已过期",
			       "code");
		return;
	}
	char masked[19];
	ld_mask_id_number(l->id_number, masked);
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "token", l->token);
	ld_jw_kint(&w, "expires_at", l->expires_at);
	ld_jw_key(&w, "resident");
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "id_number_masked", masked);
	char phone[12];
	snprintf(phone, sizeof phone, "%.3s****%.4s", l->phone, l->phone + 7);
	ld_jw_kstr(&w, "phone_masked", phone);
	ld_jw_obj_close(&w);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

void h_resident_login(struct ld_req *r)
{
	const char *idn, *phone;
	if (!who(r, &idn, &phone))
		return;
	const char *code = ld_json_str(r->body, "code");
	int64_t now = (int64_t)time(NULL), created, expires;
	int attempts;
	char stored[65], given[65];
	ld_status rc = r->srv->ops->resident_code_get(r->th->reader, idn, phone,
						      stored, &created,
						      &expires, &attempts);
	struct ld_pending *p = ld_pending_new(r, sizeof(struct rlogin));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct rlogin *l = p->data;
	snprintf(l->id_number, sizeof l->id_number, "%s", idn);
	snprintf(l->phone, sizeof l->phone, "%s", phone);
	code_hash(code, idn, phone, given);
	l->ok = rc == LD_OK && expires > now && attempts < CODE_MAX_ATTEMPTS &&
		strcmp(stored, given) == 0;
	if (l->ok) {
		if (ld_random_hex(l->token, LD_TOKEN_HEX / 2) != LD_OK ||
		    ld_sm3_hex(l->token, LD_TOKEN_HEX, l->hash) != LD_OK) {
			ld_arena_release(&p->arena);
			free(p);
			ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
			return;
		}
		l->expires_at = now + RESIDENT_SESSION_SECONDS;
	}
	p->job.run = rlogin_run;
	p->finish = rlogin_finish;
	char masked[19];
	ld_mask_id_number(idn, masked);
	char *target = ld_arena_printf(&r->arena, "resident:%s", masked);
	ld_pending_audit(r, p, "resident:login", target, l->ok ? "ok" : "denied",
			 NULL);
	ld_pending_submit(r, p);
}

/* ---- the resident's own record -------------------------------------- */

/* The resident's person record, or NULL if they have none yet. */
static ld_person *own_person(struct ld_req *r)
{
	ld_person *p = ld_arena_alloc(&r->arena, sizeof *p);
	if (p && r->srv->ops->person_by_id_number(r->th->reader,
						  r->resident_id_number,
						  &r->arena, p) == LD_OK)
		return p;
	return NULL;
}

void h_resident_me(struct ld_req *r)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_person *person = own_person(r);
	ld_registration *regs = NULL;
	size_t nregs = 0;
	ld_permit pm;
	bool has_permit = false;
	struct ld_permit_state st;
	ld_permit_version *vers = NULL;
	size_t nv = 0;
	ld_day today = ld_http_today();
	if (person) {
		ops->registrations_of_person(r->th->reader, person->id, &r->arena,
					     &regs, &nregs);
		has_permit = ops->permit_active_of_person(r->th->reader,
							  person->id, &r->arena,
							  &pm) == LD_OK;
		if (has_permit) {
			ld_permit_state_on(r, &pm, today, &st);
			ops->versions_of(r->th->reader, pm.id, &r->arena, &vers,
					 &nv);
		}
	}
	ld_documents docs = {0};
	for (size_t i = 0; i < nregs; i++)
		if (strcmp(regs[i].status, "active") == 0)
			docs.certificate_active = true;
	if (has_permit && st.stage == LD_PSTAGE_ISSUED && st.has_endorse) {
		docs.has_permit = true;
		docs.permit_state = st.endorse.state;
	}
	const ld_entitlement *list[64];
	size_t k = ld_entitlements_for(&docs, list);

	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "person");
	if (person)
		ld_view_person(&w, r, person);
	else
		ld_jw_null(&w);
	ld_jw_key(&w, "registrations");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < nregs; i++)
		ld_view_registration(&w, r, &regs[i]);
	ld_jw_arr_close(&w);
	ld_jw_key(&w, "permit");
	if (has_permit)
		ld_view_permit(&w, r, &pm);
	else
		ld_jw_null(&w);
	if (has_permit) {
		ld_jw_key(&w, "permit_state");
		ld_jw_obj_open(&w);
		ld_view_permit_state(&w, &st);
		ld_jw_obj_close(&w);
	} else {
		ld_jw_knull(&w, "permit_state");
	}
	ld_view_entitlements(&w, (const void *const *)list, k);
	const ld_permit_version *cur = NULL;
	for (size_t i = nv; i-- > 0 && !cur;)
		if (!vers[i].invalidated_date)
			cur = &vers[i];
	if (cur) {
		ld_jw_key(&w, "electronic");
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "payload", cur->payload);
		ld_jw_kstr(&w, "licence_id", cur->licence_id);
		ld_jw_obj_close(&w);
	} else {
		ld_jw_knull(&w, "electronic");
	}
	ld_jw_obj_close(&w);
	char *target = ld_arena_printf(&r->arena, "%s", r->user.username);
	ld_reply_audited_jw(r, &w, &b, 200, "resident:read", target);
}

/* ---- online declaration, application, endorsement ------------------- */

void h_resident_declare(struct ld_req *r)
{
	/* The person is the one signed in: their ID number and phone. */
	json_t *person = ld_json_obj(r->body, "person");
	json_object_set_new(person, "id_number",
			    json_string(r->resident_id_number));
	json_object_set_new(person, "phone", json_string(r->resident_phone));
	json_object_del(r->body, "declared_date"); /* today, online */
	json_object_del(r->body, "override_reason");
	ld_registration_create(r, false);
}

void h_resident_apply(struct ld_req *r)
{
	ld_person *person = own_person(r);
	if (!person) {
		ld_reply_error(r, LD_HE_INVALID, "请先申报居住登记", NULL);
		return;
	}
	r->target_person = person;
	json_object_set_new(r->body, "channel", json_string("online"));
	json_object_del(r->body, "applied_date"); /* today, online */
	h_permit_apply(r);
}

void h_resident_endorse(struct ld_req *r)
{
	ld_person *person = own_person(r);
	ld_permit *pm = ld_arena_alloc(&r->arena, sizeof *pm);
	if (!person || !pm ||
	    r->srv->ops->permit_active_of_person(r->th->reader, person->id,
						 &r->arena, pm) != LD_OK) {
		ld_reply_error(r, LD_HE_INVALID, "没有可签注的居住证", NULL);
		return;
	}
	r->target_permit = pm;
	r->target_person_of_permit = person;
	json_object_del(r->body, "date"); /* today, online */
	h_permit_endorse(r);
}
