/*
 * h_resident.c — the residents' own pages: sign-in with the ID number, the
 * phone and a one-time code sent to it; their registrations, permit,
 * entitlements and electronic permit; online declaration, permit
 * application and endorsement. A resident reaches only their own record;
 * every action is audited under "resident:<masked ID number>".
 *
 * A code only ever goes to the phone on record (docs/security/resident.md).
 * Someone whose ID number is not on record gets an unverified session: it
 * can declare online, and that declaration waits for the station to check
 * who they are (h_declarations.c); it reaches no record.
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
#include "store/audit.h"

#define CODE_SECONDS 300
#define CODE_RESEND_SECONDS 60
#define CODE_MAX_ATTEMPTS 5
#define RESIDENT_SESSION_SECONDS (2 * 3600)

/* Stored instead of a digest when no code was sent: no digest equals it,
 * and the row still makes a second request within a minute answer as a
 * sent one would. */
#define NO_CODE "-"

/* The same words whatever the ID number: they must not tell whether it is
 * on record, nor with which phone. */
static const char otp_notice[] =
	"如果您的身份号码已登记但没有留存手机号码，或留存的是其他手机号码，您将收不到验证码，"
	"请携带本人居民身份证到居住地派出所登记手机号码。";

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

/* The stored form of a code: HMAC-SM3 under the server's secret
 * (DATA/keys/otp.secret), so the database alone does not reveal it. */
static bool code_hash(const struct ld_server *srv, const char *code,
		      const char *idn, const char *phone, char out[65])
{
	char text[64];
	int n = snprintf(text, sizeof text, "%s|%s|%s", code, idn, phone);
	return n > 0 && (size_t)n < sizeof text &&
	       ld_hmac_sm3_hex(srv->otp_key, sizeof srv->otp_key, text,
			       (size_t)n, out) == LD_OK;
}

/* Compare two digests in time independent of where they differ. */
static bool digest_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n != strlen(b))
		return false;
	unsigned char diff = 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

static const char *resident_target(struct ld_req *r, const char *idn)
{
	char masked[19];
	ld_mask_id_number(idn, masked);
	return ld_arena_printf(&r->arena, "resident:%s", masked);
}

/* ---- one-time code -------------------------------------------------- */

struct otp {
	char id_number[19], phone[12], code[7], hash[65];
	int64_t now;
	bool send; /* false: the record has no phone, or another one */
	struct ld_slow_task task;
	ld_notifier *notifier;
};

static ld_status otp_run(ld_write_job *job, const struct ld_store_ops *ops,
			 ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct otp *o = p->data;
	return ops->resident_code_put(c, o->id_number, o->phone,
				      o->send ? o->hash : NO_CODE, o->now,
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
	explicit_bzero(o->code, sizeof o->code);
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
	ld_jw_kstr(&w, "notice", otp_notice);
	/* Only in demo mode, which only a demo database allows. */
	if (o->notifier->demo && o->send)
		ld_jw_kstr(&w, "demo_code", o->code);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
	explicit_bzero(o->code, sizeof o->code);
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
	if (ld_throttle_wait(r->srv->otp_throttle, key, ld_req_peer(r),
			     (time_t)now) > 0) {
		ld_reply_error(r, LD_HE_THROTTLED, "验证码请求过于频繁，请稍后再试",
			       NULL);
		return;
	}
	ld_throttle_failure(r->srv->otp_throttle, key, ld_req_peer(r), (time_t)now);
	/* A row is stored whether or not a code is sent, so this answers
	 * alike in every case. */
	if (ops->resident_code_get(r->th->reader, idn, phone, old, &created,
				   &expires, &attempts) == LD_OK &&
	    now - created < CODE_RESEND_SECONDS) {
		ld_reply_error(r, LD_HE_THROTTLED, "验证码已发送，请60秒后再试",
			       NULL);
		return;
	}
	/* A code goes only to the phone on record; for an ID number not on
	 * record, to the phone given, for an unverified session. */
	ld_person person;
	ld_status rc = ops->person_by_id_number(r->th->reader, idn, &r->arena,
						&person);
	if (rc != LD_OK && rc != LD_ENOTFOUND) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	const char *why = rc == LD_ENOTFOUND ? "not_on_record"
			  : !person.phone || !*person.phone ? "no_phone_on_record"
			  : strcmp(person.phone, phone) != 0 ? "other_phone_on_record"
							     : "phone_on_record";
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
	o->send = rc == LD_ENOTFOUND || strcmp(why, "phone_on_record") == 0;
	unsigned char rnd[4];
	if (ld_random_bytes(rnd, sizeof rnd) != LD_OK) {
		ld_arena_release(&p->arena);
		free(p);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	unsigned v = ((unsigned)rnd[0] << 24 | (unsigned)rnd[1] << 16 |
		      (unsigned)rnd[2] << 8 | rnd[3]) % 1000000u;
	snprintf(o->code, sizeof o->code, "%06u", v);
	if (!code_hash(r->srv, o->code, idn, phone, o->hash)) {
		ld_arena_release(&p->arena);
		free(p);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	p->job.run = otp_run;
	p->finish = otp_finish;
	char *detail = ld_arena_printf(&r->arena, "{\"sent\":%s,\"why\":\"%s\"}",
				       o->send ? "true" : "false", why);
	ld_pending_audit(r, p, "resident:otp", resident_target(r, idn),
			 o->send ? "ok" : "denied", detail);
	ld_pending_submit(r, p);
}

/* ---- sign-in -------------------------------------------------------- */

struct rlogin {
	char id_number[19], phone[12];
	char given[65]; /* the digest of the code given */
	char token[LD_TOKEN_HEX + 1], hash[65];
	int64_t now, expires_at;
	bool ok;
};

/* In the one writer, so concurrent guesses are counted one after the
 * other: count the attempt, then compare; a code that has had its five
 * attempts is not compared at all. On success the code goes and the
 * session comes in the same job. */
static ld_status rlogin_run(ld_write_job *job, const struct ld_store_ops *ops,
			    ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct rlogin *l = p->data;
	char stored[65];
	int64_t expires;
	int attempts;
	ld_status rc = ops->resident_code_attempt(c, l->id_number, l->phone,
						  CODE_MAX_ATTEMPTS, stored,
						  &expires, &attempts);
	job->audit[0].result = "denied";
	if (rc == LD_ENOTFOUND) {
		job->audit[0].detail = "{\"checked\":false}";
		return LD_OK;
	}
	if (rc != LD_OK)
		return rc;
	job->audit[0].detail = ld_arena_printf(
		&p->arena, "{\"checked\":true,\"attempt\":%d}", attempts);
	if (expires <= l->now || !digest_equal(stored, l->given))
		return LD_OK;
	/* The record may have changed since the code was sent: a session is
	 * opened only for an ID number not on record, or for the phone on
	 * record. */
	ld_person person;
	rc = ops->person_by_id_number(c, l->id_number, &p->arena, &person);
	if (rc == LD_OK &&
	    (!person.phone || strcmp(person.phone, l->phone) != 0))
		return ops->resident_code_delete(c, l->id_number, l->phone);
	if (rc != LD_OK && rc != LD_ENOTFOUND)
		return rc;
	rc = ops->resident_code_delete(c, l->id_number, l->phone);
	if (rc == LD_OK)
		rc = ops->resident_session_insert(c, l->hash, l->id_number,
						  l->phone, l->expires_at);
	if (rc == LD_OK) {
		l->ok = true;
		job->audit[0].result = "ok";
	}
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
	struct ld_pending *p = ld_pending_new(r, sizeof(struct rlogin));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct rlogin *l = p->data;
	snprintf(l->id_number, sizeof l->id_number, "%s", idn);
	snprintf(l->phone, sizeof l->phone, "%s", phone);
	l->now = (int64_t)time(NULL);
	l->expires_at = l->now + RESIDENT_SESSION_SECONDS;
	if (!code_hash(r->srv, code, idn, phone, l->given) ||
	    ld_random_hex(l->token, LD_TOKEN_HEX / 2) != LD_OK ||
	    ld_sm3_hex(l->token, LD_TOKEN_HEX, l->hash) != LD_OK) {
		ld_arena_release(&p->arena);
		free(p);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	p->job.run = rlogin_run;
	p->finish = rlogin_finish;
	ld_pending_audit(r, p, "resident:login", resident_target(r, idn), NULL,
			 NULL);
	ld_pending_submit(r, p);
}

/* ---- sign-out ------------------------------------------------------- */

struct rlogout {
	char hash[65];
};

static ld_status rlogout_run(ld_write_job *job, const struct ld_store_ops *ops,
			     ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct rlogout *l = p->data;
	return ops->resident_session_delete(c, l->hash);
}

static void rlogout_finish(struct ld_req *r, struct ld_pending *p)
{
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_reply_raw(r, 200, "{\"ok\":true}", 11);
}

void h_resident_logout(struct ld_req *r)
{
	/* The token was checked by ld_resident_resolve. */
	ssize_t i = h2o_find_header(&r->h2o->headers, H2O_TOKEN_AUTHORIZATION,
				    -1);
	h2o_iovec_t v = r->h2o->headers.entries[i].value;
	struct ld_pending *p = ld_pending_new(r, sizeof(struct rlogout));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct rlogout *l = p->data;
	if (ld_sm3_hex(v.base + 7, v.len - 7, l->hash) != LD_OK) {
		ld_arena_release(&p->arena);
		free(p);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	p->job.run = rlogout_run;
	p->finish = rlogout_finish;
	ld_pending_audit(r, p, "resident:logout", r->user.username, NULL, NULL);
	ld_pending_submit(r, p);
}

/* ---- the resident's own record -------------------------------------- */

/* The resident's person record (its phone is the session's), or NULL for
 * an unverified session. */
static ld_person *own_person(struct ld_req *r)
{
	return r->resident_person;
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
	/* The last application the station returned (退回), when nothing was
	 * applied for since: the resident reads why. */
	ld_permit *returned = NULL;
	if (person) {
		ops->registrations_of_person(r->th->reader, person->id, &r->arena,
					     &regs, &nregs);
		has_permit = ops->permit_active_of_person(r->th->reader,
							  person->id, &r->arena,
							  &pm) == LD_OK;
		ld_permit *all;
		size_t nall;
		if (!has_permit &&
		    ops->permits_of_person(r->th->reader, person->id, &r->arena,
					   &all, &nall) == LD_OK &&
		    nall > 0 && all[0].returned)
			returned = &all[0]; /* newest first */
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
	ld_grant list[64];
	size_t k = ld_entitlements_for(&docs, today, &r->srv->settings, list);
	/* Their online declarations: made with this ID number and this
	 * phone (not another claimant's). */
	ld_declaration *decls = NULL;
	size_t ndecls = 0;
	ld_status rc = ops->declarations_of(r->th->reader, r->resident_id_number,
					    r->resident_phone, &r->arena,
					    &decls, &ndecls);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}

	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kbool(&w, "verified", person != NULL);
	ld_jw_key(&w, "person");
	if (person)
		ld_view_person(&w, r, person);
	else
		ld_jw_null(&w);
	/* Their current photo, for an application (its file: GET
	 * /resident/photos/{id}); the one on the card is permit.photo. */
	ld_photo photo;
	bool have_photo = person && ops->photo_current(r->th->reader,
						       person->id, false,
						       &r->arena,
						       &photo) == LD_OK;
	ld_view_photo(&w, "photo", have_photo ? &photo : NULL);
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
		/* What the application still lacks, told at once. */
		ld_view_permit_missing(&w, &pm);
	} else {
		ld_jw_knull(&w, "permit_state");
		ld_jw_key(&w, "missing_materials");
		ld_jw_arr_open(&w);
		ld_jw_arr_close(&w);
	}
	ld_jw_key(&w, "returned_application");
	if (returned) {
		ld_jw_obj_open(&w);
		ld_jw_kint(&w, "id", returned->id);
		ld_jw_kstr(&w, "channel", returned->channel);
		ld_jw_kstr(&w, "applied_date", returned->applied_date);
		ld_jw_kstr(&w, "returned_date", returned->cancelled_date);
		ld_jw_kstr(&w, "reason", returned->cancel_reason);
		ld_jw_obj_close(&w);
	} else {
		ld_jw_null(&w);
	}
	ld_view_entitlements(&w, list, k);
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
	ld_jw_key(&w, "declarations");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < ndecls; i++)
		ld_view_declaration(&w, r, &decls[i], false);
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	char *target = ld_arena_printf(&r->arena, "%s", r->user.username);
	ld_reply_audited_jw(r, &w, &b, 200, "resident:read", target);
}

/* ---- online declaration, application, endorsement ------------------- */

struct pending_job {
	ld_declaration d;
	ld_deadline counted; /* for the flag and the answer's warning */
};

static ld_status pending_run(ld_write_job *job, const struct ld_store_ops *ops,
			     ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct pending_job *j = p->data;
	ld_person person;
	ld_status rc = ops->person_by_id_number(c, j->d.id_number, &p->arena,
						&person);
	if (rc == LD_OK)
		return ld_fail(&job->err, LD_ECONFLICT, NULL,
			       "您的身份号码已有登记记录，请重新登录后办理");
	if (rc != LD_ENOTFOUND)
		return rc;
	ld_declaration *mine;
	size_t n;
	rc = ops->declarations_of(c, j->d.id_number, j->d.phone, &p->arena,
				  &mine, &n);
	if (rc != LD_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (strcmp(mine[i].status, "pending") == 0)
			return ld_fail(&job->err, LD_ECONFLICT, NULL,
				       "您已提交网上申报，正在等待派出所核验；如需修改，"
				       "请携带居民身份证到居住地派出所办理");
	rc = ops->declaration_insert(c, &j->d);
	if (rc == LD_OK && j->d.provisional)
		rc = ops->provisional_mark(c, LD_PROV_DECLARATION, j->d.id,
					   NULL, 0);
	if (rc == LD_OK)
		ld_pending_target(p, "declaration", j->d.id);
	return rc;
}

static void pending_finish(struct ld_req *r, struct ld_pending *p)
{
	struct pending_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "declaration");
	ld_view_declaration(&w, r, &j->d, false);
	ld_view_provisional(&w, &j->counted);
	ld_jw_kstr(&w, "notice",
		   "请携带本人居民身份证到居住地派出所核验身份，或等待网格员上门核验；"
		   "核验通过后居住登记生效并发放居住登记凭证。");
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 202);
}

static const char *dup_or_empty(ld_arena *a, const char *s)
{
	return ld_arena_strdup(a, s ? s : "");
}

/* An unverified session's declaration: checked by the rules like any
 * other, then stored as pending; no person, no registration, no phone
 * bound until the station has checked who this is. */
static void declare_pending(struct ld_req *r)
{
	ld_declared dd;
	if (!ld_registration_validate(r, false, &dd))
		return;
	struct ld_pending *p = ld_pending_new(r, sizeof(struct pending_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct pending_job *j = p->data;
	ld_arena *a = &p->arena;
	char now[32];
	ld_audit_now(now);
	ld_declaration *d = &j->d;
	*d = (ld_declaration){
		.id_number = dup_or_empty(a, r->resident_id_number),
		.phone = dup_or_empty(a, r->resident_phone),
		.name = dup_or_empty(a, dd.person.name),
		.ethnicity = dup_or_empty(a, dd.person.ethnicity),
		.hukou_code = dup_or_empty(a, dd.person.hukou_code),
		.hukou_address = dd.person.hukou_address
					 ? ld_arena_strdup(a, dd.person.hukou_address)
					 : NULL,
		.addr = {dup_or_empty(a, dd.addr.district),
			 dup_or_empty(a, dd.addr.street),
			 dup_or_empty(a, dd.addr.community),
			 dup_or_empty(a, dd.addr.grid),
			 dup_or_empty(a, dd.addr.road),
			 dup_or_empty(a, dd.addr.house_number),
			 dup_or_empty(a, dd.addr.building),
			 dup_or_empty(a, dd.addr.unit),
			 dup_or_empty(a, dd.addr.room)},
		.arrival_date = dup_or_empty(a, dd.arrival_date),
		.reason = dup_or_empty(a, dd.reason),
		.housing = dup_or_empty(a, dd.housing),
		.employer = dd.employer ? ld_arena_strdup(a, dd.employer) : NULL,
		.stay_days = dd.stay_days,
		.lodging = dd.lodging ? ld_arena_strdup(a, dd.lodging) : NULL,
		.submitted_date = dup_or_empty(a, dd.declared_date),
		.submitted_at = dup_or_empty(a, now),
		.deadline = dup_or_empty(a, dd.deadline),
		.late = dd.late,
		.status = "pending",
		.provisional = !dd.counted.calendar_complete,
	};
	j->counted = dd.counted;
	if (!d->submitted_at || !d->deadline || !d->addr.room) {
		ld_arena_release(&p->arena);
		free(p);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	p->job.run = pending_run;
	p->finish = pending_finish;
	ld_pending_audit(r, p, "declaration:submit", "declaration:new", NULL,
			 NULL);
	ld_pending_submit(r, p);
}

void h_resident_declare(struct ld_req *r)
{
	/* The person is the one signed in: their ID number and phone. */
	json_t *person = ld_json_obj(r->body, "person");
	json_object_set_new(person, "id_number",
			    json_string(r->resident_id_number));
	json_object_set_new(person, "phone", json_string(r->resident_phone));
	json_object_del(r->body, "declared_date"); /* today, online */
	json_object_del(r->body, "override_reason");
	if (r->resident_person)
		ld_registration_create(r, false); /* on record: at once */
	else
		declare_pending(r);
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
