/*
 * auth.c — staff sign-in, sessions, logout and changing one's own
 * password; residents' sessions; organisations' API keys. Counting failed
 * attempts is throttle.c's; hashing passwords is hasher.c's.
 */
#include "http/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/licence.h"
#include "core/password_rules.h"
#include "crypto/password.h"
#include "crypto/random.h"
#include "crypto/sm3.h"
#include "http/body.h"
#include "http/hasher.h"
#include "http/reply.h"
#include "http/throttle.h"
#include "store/audit.h"

/* ---- per-thread session cache --------------------------------------- */

#define CACHE_SLOTS 1024
/* A cached session is checked against the store again after this long, so
 * what another process changed (`liudong user passwd`) takes effect
 * without a restart. Changes made through the API take effect at once
 * (session_generation). */
#define CACHE_REVALIDATE_SECONDS 30

struct cached {
	/* The token itself: this cache is only in this process's memory,
	 * where the token is anyway while a request is handled; the store
	 * keeps only its digest. A hit costs no hashing. */
	char token[LD_TOKEN_HEX + 1];
	uint64_t generation;
	int64_t expires_at;
	int64_t checked_at;
	ld_id id;
	enum ld_role role;
	bool has_area;
	bool must_change;
	char username[65];
	char display_name[96];
	char area[32];
};

struct ld_session_cache {
	struct cached slot[CACHE_SLOTS];
};

struct ld_session_cache *ld_session_cache_new(void)
{
	return calloc(1, sizeof(struct ld_session_cache));
}

void ld_session_cache_free(struct ld_session_cache *c)
{
	free(c);
}

static unsigned slot_of(const char *hash)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 4 | (unsigned)(hash[i] <= '9' ? hash[i] - '0'
						       : hash[i] - 'a' + 10);
	return v % CACHE_SLOTS;
}

static bool token_ok_len(const char *t, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
			return false;
	return true;
}

static bool token_ok(const char *t, size_t len)
{
	return len == LD_TOKEN_HEX && token_ok_len(t, len);
}

static bool token_hash(const char *token, size_t len,
		       char out[LD_SM3_HEX_LEN + 1])
{
	if (!token_ok(token, len))
		return false;
	return ld_sm3_hex(token, len, out) == LD_OK;
}

static void fill_user(struct ld_req *r, const struct cached *c)
{
	r->user.id = c->id;
	r->user.role = c->role;
	r->user.username = ld_arena_strdup(&r->arena, c->username);
	r->user.display_name = ld_arena_strdup(&r->arena, c->display_name);
	r->user.area = c->has_area ? ld_arena_strdup(&r->arena, c->area) : NULL;
	r->user.must_change_password = c->must_change;
	r->authed = r->user.username != NULL;
}

/* The digest of the request's bearer token (checked valid by the
 * dispatcher for an authenticated route). */
static bool request_token_hash(struct ld_req *r, char out[LD_SM3_HEX_LEN + 1])
{
	ssize_t i = h2o_find_header(&r->h2o->headers, H2O_TOKEN_AUTHORIZATION,
				    -1);
	if (i < 0)
		return false;
	h2o_iovec_t v = r->h2o->headers.entries[i].value;
	return v.len > 7 && token_hash(v.base + 7, v.len - 7, out);
}


bool ld_auth_resolve(struct ld_req *r)
{
	h2o_req_t *req = r->h2o;
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_AUTHORIZATION, -1);
	if (i < 0)
		return false;
	h2o_iovec_t v = req->headers.entries[i].value;
	if (v.len < 7 || strncasecmp(v.base, "Bearer ", 7) != 0)
		return false;
	const char *token = v.base + 7;
	if (!token_ok(token, v.len - 7))
		return false;

	int64_t now = (int64_t)time(NULL);
	uint64_t gen = atomic_load(&r->srv->session_generation);
	struct cached *c = &r->th->sessions->slot[slot_of(token)];
	if (c->generation == gen && c->expires_at > now &&
	    now - c->checked_at < CACHE_REVALIDATE_SECONDS &&
	    memcmp(c->token, token, LD_TOKEN_HEX) == 0) {
		fill_user(r, c);
		return r->authed;
	}

	char hash[LD_SM3_HEX_LEN + 1];
	if (!token_hash(token, LD_TOKEN_HEX, hash))
		return false;
	const struct ld_store_ops *ops = r->srv->ops;
	ld_id uid;
	int64_t expires;
	ld_user u;
	if (ops->session_get(r->th->reader, hash, now, &uid, &expires) != LD_OK ||
	    ops->user_by_id(r->th->reader, uid, &r->arena, &u) != LD_OK ||
	    u.disabled)
		return false;
	memset(c, 0, sizeof *c);
	memcpy(c->token, token, LD_TOKEN_HEX);
	c->generation = gen;
	c->expires_at = expires;
	c->checked_at = now;
	c->id = u.id;
	c->must_change = u.must_change_password;
	c->role = u.role;
	snprintf(c->username, sizeof c->username, "%s", u.username);
	snprintf(c->display_name, sizeof c->display_name, "%s",
		 u.display_name ? u.display_name : "");
	c->has_area = u.area != NULL;
	snprintf(c->area, sizeof c->area, "%s", u.area ? u.area : "");
	fill_user(r, c);
	return r->authed;
}

/* ---- login ---------------------------------------------------------- */

struct login {
	struct ld_hash_task task;
	struct ld_server *srv;
	ld_throttle_ticket ticket;
	char username[65];
	char password[256];
	char stored_hash[LD_PASSWORD_HASH_MAX];
	bool user_exists;
	bool ok;
	ld_id user_id;
	enum ld_role role;
	char display_name[96];
	char area[32];
	bool has_area;
	bool must_change;
	char peer[LD_NETADDR_TEXT];
};

/* A hash to verify against when the account does not exist, so the answer
 * takes as long either way. Made once per process. */
static char dummy_hash[LD_PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	char pw[17];
	if (ld_password_generate(pw, 16) != LD_OK ||
	    ld_password_hash(pw, dummy_hash) != LD_OK)
		dummy_hash[0] = '\0';
}

static void login_verify(void *arg) /* hashing thread */
{
	struct login *l = arg;
	pthread_once(&dummy_once, make_dummy);
	bool ok = ld_password_verify(l->password, l->user_exists
							   ? l->stored_hash
							   : dummy_hash);
	l->ok = ok && l->user_exists;
}

struct session_job {
	char token[LD_TOKEN_HEX + 1];
	char hash[LD_SM3_HEX_LEN + 1];
	ld_id user_id;
	int64_t expires_at;
	char now[32];
	char peer[LD_NETADDR_TEXT];
	bool ok;
	enum ld_role role;
	char username[65];
	char display_name[96];
	char area[32];
	bool has_area;
	bool must_change;
};

static ld_status session_run(ld_write_job *job, const struct ld_store_ops *ops,
			     ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct session_job *s = p->data;
	if (!s->ok)
		return LD_OK; /* only the audit entry */
	ld_status rc = ops->session_insert(c, s->hash, s->user_id,
					   s->expires_at, s->peer);
	if (rc == LD_OK)
		rc = ops->user_logged_in(c, s->user_id, s->now);
	return rc;
}

static void write_user(ld_jw *w, ld_id id, const char *username,
		       const char *display, enum ld_role role, const char *area,
		       bool must_change)
{
	ld_jw_key(w, "user");
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", id);
	ld_jw_kstr(w, "username", username);
	ld_jw_kstr(w, "display_name", display);
	ld_jw_kstr(w, "role", ld_role_code(role));
	ld_jw_kstr(w, "area", area);
	ld_jw_kbool(w, "must_change_password", must_change);
	ld_jw_key(w, "permissions");
	ld_jw_arr_open(w);
	/* Each permission string once, in route order. */
	for (size_t i = 0; i < ld_route_count; i++) {
		const struct ld_route *rt = &ld_routes[i];
		if (!(rt->flags & LD_R_AUTH) || !(rt->roles & (1u << role)))
			continue;
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = (ld_routes[k].flags & LD_R_AUTH) &&
			       (ld_routes[k].roles & (1u << role)) &&
			       strcmp(ld_routes[k].perm, rt->perm) == 0;
		if (!seen)
			ld_jw_str(w, rt->perm);
	}
	ld_jw_arr_close(w);
	ld_jw_obj_close(w);
}

static void session_finish(struct ld_req *r, struct ld_pending *p)
{
	struct session_job *s = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	if (!s->ok) {
		ld_reply_error(r, LD_HE_UNAUTHENTICATED, "用户名或密码错误", NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "token", s->token);
	ld_jw_kint(&w, "expires_at", s->expires_at);
	ld_jw_kbool(&w, "must_change_password", s->must_change);
	write_user(&w, s->user_id, s->username, s->display_name, s->role,
		   s->has_area ? s->area : NULL, s->must_change);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

/* Answer 429 with how long to wait. */
static void refuse_throttled(struct ld_req *r, int wait)
{
	char msg[128];
	snprintf(msg, sizeof msg, "登录失败次数过多，请%d分钟后再试",
		 (wait + 59) / 60);
	if (r->h2o) {
		char *ra = ld_arena_printf(&r->arena, "%d", wait);
		if (ra)
			h2o_add_header(&r->h2o->pool, &r->h2o->res.headers,
				       H2O_TOKEN_RETRY_AFTER, NULL, ra,
				       strlen(ra));
	}
	ld_reply_error(r, LD_HE_THROTTLED, msg, NULL);
}

static void login_free(struct login *l)
{
	explicit_bzero(l, sizeof *l);
	free(l);
}

static void login_done(struct ld_req *r, struct ld_hash_task *t) /* loop */
{
	struct login *l = t->arg;
	time_t now = time(NULL);
	if (t->dropped) {
		/* Never checked: the client had gone (or we are stopping). */
		ld_throttle_settle(l->srv->throttle, &l->ticket,
				   LD_ATTEMPT_UNCHECKED, now);
		if (r)
			ld_reply_error(r, LD_HE_UNAVAILABLE, NULL, NULL);
		login_free(l);
		return;
	}
	ld_throttle_settle(l->srv->throttle, &l->ticket,
			   l->ok ? LD_ATTEMPT_SUCCEEDED : LD_ATTEMPT_FAILED, now);
	if (!r) {
		login_free(l);
		return;
	}
	struct ld_pending *p = ld_pending_new(r, sizeof(struct session_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		login_free(l);
		return;
	}
	struct session_job *s = p->data;
	s->ok = l->ok;
	snprintf(s->peer, sizeof s->peer, "%s", l->peer);
	char target[96];
	snprintf(target, sizeof target, "user:%s", l->username);
	if (l->ok) {
		if (ld_random_hex(s->token, LD_TOKEN_HEX / 2) != LD_OK ||
		    ld_sm3_hex(s->token, LD_TOKEN_HEX, s->hash) != LD_OK) {
			ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
			ld_arena_release(&p->arena);
			free(p);
			login_free(l);
			return;
		}
		s->user_id = l->user_id;
		s->expires_at = (int64_t)now + r->srv->cfg.session_minutes * 60;
		ld_audit_now(s->now);
		s->role = l->role;
		snprintf(s->username, sizeof s->username, "%s", l->username);
		snprintf(s->display_name, sizeof s->display_name, "%s",
			 l->display_name);
		snprintf(s->area, sizeof s->area, "%s", l->area);
		s->has_area = l->has_area;
		s->must_change = l->must_change;
		/* The audit entry names the user who logged in. */
		r->authed = true;
		r->user.id = l->user_id;
		r->user.username = ld_arena_strdup(&r->arena, l->username);
	}
	p->job.run = session_run;
	p->finish = session_finish;
	ld_pending_audit(r, p, "auth:login", target, l->ok ? "ok" : "denied",
			 NULL);
	ld_pending_submit(r, p);
	login_free(l);
}

/*
 * Sign-in. In order: the account is looked up (a disabled one is treated
 * as unknown); an attempt is reserved against the account and the address
 * (429 when either is locked or its attempts in flight fill the limit);
 * the check waits for the hashing thread (503 at once when its queue is
 * full). Unknown names are checked against a dummy hash, so the answer and
 * its timing are the same as for a wrong password.
 */
void h_auth_login(struct ld_req *r)
{
	const char *username = ld_json_str(r->body, "username");
	const char *password = ld_json_str(r->body, "password");
	const char *peer = ld_req_peer(r);
	time_t now = time(NULL);
	ld_user u;
	bool found = r->srv->ops->user_by_name(r->th->reader, username,
					       &r->arena, &u) == LD_OK;
	ld_throttle_ticket ticket;
	int wait = ld_throttle_reserve(r->srv->throttle, username, found, peer,
				       now, &ticket);
	if (wait > 0) {
		refuse_throttled(r, wait);
		return;
	}
	struct login *l = calloc(1, sizeof *l);
	if (!l) {
		ld_throttle_settle(r->srv->throttle, &ticket,
				   LD_ATTEMPT_UNCHECKED, now);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	l->srv = r->srv;
	l->ticket = ticket;
	snprintf(l->username, sizeof l->username, "%s", username);
	snprintf(l->password, sizeof l->password, "%s", password);
	snprintf(l->peer, sizeof l->peer, "%s", peer);
	if (found && !u.disabled) {
		l->user_exists = true;
		snprintf(l->stored_hash, sizeof l->stored_hash, "%s",
			 u.password_hash);
		l->user_id = u.id;
		l->role = u.role;
		snprintf(l->display_name, sizeof l->display_name, "%s",
			 u.display_name ? u.display_name : "");
		l->has_area = u.area != NULL;
		snprintf(l->area, sizeof l->area, "%s", u.area ? u.area : "");
		l->must_change = u.must_change_password;
	}
	l->task.fn = login_verify;
	l->task.done = login_done;
	l->task.arg = l;
	if (!ld_hash_submit(r, &l->task)) {
		ld_throttle_settle(r->srv->throttle, &l->ticket,
				   LD_ATTEMPT_UNCHECKED, now);
		login_free(l);
		ld_hash_busy(r);
	}
}

/* ---- changing one's own password ------------------------------------ */

struct pwchange {
	struct ld_hash_task task;
	struct ld_server *srv;
	ld_throttle_ticket ticket;
	char current[256];
	char fresh[256];
	char stored_hash[LD_PASSWORD_HASH_MAX];
	char new_hash[LD_PASSWORD_HASH_MAX];
	char token_hash[LD_SM3_HEX_LEN + 1];
	bool ok, hashed;
};

struct pwchange_job {
	ld_id user_id;
	char new_hash[LD_PASSWORD_HASH_MAX];
	char token_hash[LD_SM3_HEX_LEN + 1];
	char now[32];
	bool ok;
};

static void pwchange_hash(void *arg) /* hashing thread */
{
	struct pwchange *c = arg;
	c->ok = ld_password_verify(c->current, c->stored_hash);
	c->hashed = c->ok && ld_password_hash(c->fresh, c->new_hash) == LD_OK;
}

static ld_status pwchange_run(ld_write_job *job,
			      const struct ld_store_ops *ops, ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct pwchange_job *j = p->data;
	if (!j->ok)
		return LD_OK; /* only the audit entry */
	ld_status rc = ops->user_set_password(c, j->user_id, j->new_hash, false,
					      j->now);
	if (rc == LD_OK)
		rc = ops->sessions_revoke(c, j->user_id, j->token_hash);
	return rc;
}

static void pwchange_finish(struct ld_req *r, struct ld_pending *p)
{
	struct pwchange_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	if (!j->ok) {
		ld_reply_error(r, LD_HE_INVALID, "当前密码不正确",
			       "current_password");
		return;
	}
	/* Every thread's cache forgets this session's old state (and the
	 * sessions just ended). */
	atomic_fetch_add(&r->srv->session_generation, 1);
	static const char ok[] = "{\"ok\":true,\"must_change_password\":false}";
	ld_reply_raw(r, 200, ok, sizeof ok - 1);
}

static void pwchange_free(struct pwchange *c)
{
	explicit_bzero(c, sizeof *c);
	free(c);
}

static void pwchange_done(struct ld_req *r, struct ld_hash_task *t) /* loop */
{
	struct pwchange *c = t->arg;
	time_t now = time(NULL);
	if (t->dropped) {
		ld_throttle_settle(c->srv->throttle, &c->ticket,
				   LD_ATTEMPT_UNCHECKED, now);
		if (r)
			ld_reply_error(r, LD_HE_UNAVAILABLE, NULL, NULL);
		pwchange_free(c);
		return;
	}
	ld_throttle_settle(c->srv->throttle, &c->ticket,
			   c->ok ? LD_ATTEMPT_SUCCEEDED : LD_ATTEMPT_FAILED, now);
	if (!r) {
		pwchange_free(c);
		return;
	}
	if (c->ok && !c->hashed) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		pwchange_free(c);
		return;
	}
	struct ld_pending *p = ld_pending_new(r, sizeof(struct pwchange_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		pwchange_free(c);
		return;
	}
	struct pwchange_job *j = p->data;
	j->ok = c->ok;
	j->user_id = r->user.id;
	memcpy(j->new_hash, c->new_hash, sizeof j->new_hash);
	memcpy(j->token_hash, c->token_hash, sizeof j->token_hash);
	ld_audit_now(j->now);
	p->job.run = pwchange_run;
	p->finish = pwchange_finish;
	char *target = ld_arena_printf(&r->arena, "user:%s", r->user.username);
	ld_pending_audit(r, p, "auth:password", target,
			 c->ok ? "ok" : "denied",
			 c->ok ? "other sessions ended" : "wrong current password");
	ld_pending_submit(r, p);
	pwchange_free(c);
}

/*
 * A member of staff changes their own password. The new one must meet the
 * policy (password_rules.h) and differ from the current one; the current
 * one is checked like a login (the account's and the address's counters,
 * the bounded hashing queue). On success every other session of the user
 * ends; this one stays, and may do everything again.
 */
void h_auth_password(struct ld_req *r)
{
	const char *current = ld_json_str(r->body, "current_password");
	const char *fresh = ld_json_str(r->body, "new_password");
	const char *why;
	if (!ld_password_acceptable(fresh, r->user.username, &why)) {
		ld_reply_error(r, LD_HE_INVALID, why, "new_password");
		return;
	}
	if (strcmp(current, fresh) == 0) {
		ld_reply_error(r, LD_HE_INVALID, "新密码不能与当前密码相同",
			       "new_password");
		return;
	}
	char token_hash[LD_SM3_HEX_LEN + 1];
	if (!request_token_hash(r, token_hash)) {
		ld_reply_error(r, LD_HE_UNAUTHENTICATED, NULL, NULL);
		return;
	}
	ld_user u;
	ld_status rc = r->srv->ops->user_by_id(r->th->reader, r->user.id,
					       &r->arena, &u);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	time_t now = time(NULL);
	ld_throttle_ticket ticket;
	int wait = ld_throttle_reserve(r->srv->throttle, r->user.username, true,
				       ld_req_peer(r), now, &ticket);
	if (wait > 0) {
		refuse_throttled(r, wait);
		return;
	}
	struct pwchange *c = calloc(1, sizeof *c);
	if (!c) {
		ld_throttle_settle(r->srv->throttle, &ticket,
				   LD_ATTEMPT_UNCHECKED, now);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	c->srv = r->srv;
	c->ticket = ticket;
	snprintf(c->current, sizeof c->current, "%s", current);
	snprintf(c->fresh, sizeof c->fresh, "%s", fresh);
	snprintf(c->stored_hash, sizeof c->stored_hash, "%s", u.password_hash);
	memcpy(c->token_hash, token_hash, sizeof c->token_hash);
	c->task.fn = pwchange_hash;
	c->task.done = pwchange_done;
	c->task.arg = c;
	if (!ld_hash_submit(r, &c->task)) {
		ld_throttle_settle(r->srv->throttle, &c->ticket,
				   LD_ATTEMPT_UNCHECKED, now);
		pwchange_free(c);
		ld_hash_busy(r);
	}
}

/* ---- logout and me -------------------------------------------------- */

struct logout_job {
	char hash[LD_SM3_HEX_LEN + 1];
};

static ld_status logout_run(ld_write_job *job, const struct ld_store_ops *ops,
			    ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct logout_job *l = p->data;
	return ops->session_delete(c, l->hash);
}

static void logout_finish(struct ld_req *r, struct ld_pending *p)
{
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	atomic_fetch_add(&r->srv->session_generation, 1);
	ld_reply_raw(r, 200, "{\"ok\":true}", 11);
}

void h_auth_logout(struct ld_req *r)
{
	struct ld_pending *p = ld_pending_new(r, sizeof(struct logout_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct logout_job *l = p->data;
	request_token_hash(r, l->hash);
	p->job.run = logout_run;
	p->finish = logout_finish;
	char target[96];
	snprintf(target, sizeof target, "user:%s", r->user.username);
	ld_pending_audit(r, p, "auth:logout", target, NULL, NULL);
	ld_pending_submit(r, p);
}

void h_auth_me(struct ld_req *r)
{
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	write_user(&w, r->user.id, r->user.username, r->user.display_name,
		   r->user.role, r->user.area, r->user.must_change_password);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

bool ld_resident_resolve(struct ld_req *r)
{
	h2o_req_t *req = r->h2o;
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_AUTHORIZATION, -1);
	if (i < 0)
		return false;
	h2o_iovec_t v = req->headers.entries[i].value;
	if (v.len < 7 || strncasecmp(v.base, "Bearer ", 7) != 0 ||
	    !token_ok(v.base + 7, v.len - 7))
		return false;
	char hash[LD_SM3_HEX_LEN + 1];
	if (!token_hash(v.base + 7, LD_TOKEN_HEX, hash))
		return false;
	const struct ld_store_ops *ops = r->srv->ops;
	const char *idn, *phone;
	if (ops->resident_session_get(r->th->reader, hash, (int64_t)time(NULL),
				      &r->arena, &idn, &phone) != LD_OK)
		return false;
	/* The session stays bound to the record: it was opened with the
	 * phone on record, or for an ID number not on record (unverified).
	 * Once the record has another phone, or none, it is over; once an
	 * unverified ID number is on record, it goes on only if the phone
	 * recorded is the session's. */
	ld_person *p = ld_arena_alloc(&r->arena, sizeof *p);
	if (!p)
		return false;
	ld_status rc = ops->person_by_id_number(r->th->reader, idn, &r->arena, p);
	if (rc == LD_OK && (!p->phone || strcmp(p->phone, phone) != 0))
		return false;
	if (rc != LD_OK && rc != LD_ENOTFOUND)
		return false;
	char masked[19];
	ld_mask_id_number(idn, masked);
	r->resident = true;
	r->resident_id_number = idn;
	r->resident_phone = phone;
	r->resident_person = rc == LD_OK ? p : NULL;
	r->authed = true;
	r->user.id = 0;
	r->user.role = LD_ROLE_AUDITOR; /* no staff rights whatever the route */
	r->user.username = ld_arena_printf(&r->arena, "resident:%s", masked);
	r->access = (ld_access){LD_ACCESS_NONE, NULL};
	return r->user.username != NULL;
}

/* ---- organisations' API keys ---------------------------------------- */

#define KEY_PREFIX "ldk_"
#define KEY_HEX 40

static bool api_key_of(struct ld_req *r, const char **key)
{
	ssize_t i = h2o_find_header(&r->h2o->headers, H2O_TOKEN_AUTHORIZATION,
				    -1);
	if (i < 0)
		return false;
	h2o_iovec_t v = r->h2o->headers.entries[i].value;
	if (v.len < 7 || strncasecmp(v.base, "ApiKey ", 7) != 0)
		return false;
	if (key) {
		*key = ld_arena_strndup(&r->arena, v.base + 7, v.len - 7);
		if (!*key)
			return false;
	}
	return true;
}

bool ld_org_key_given(struct ld_req *r)
{
	return api_key_of(r, NULL);
}

bool ld_org_resolve(struct ld_req *r)
{
	const char *key;
	if (!api_key_of(r, &key))
		return false;
	size_t len = strlen(key);
	if (len != strlen(KEY_PREFIX) + KEY_HEX ||
	    strncmp(key, KEY_PREFIX, strlen(KEY_PREFIX)) != 0 ||
	    !token_ok_len(key + strlen(KEY_PREFIX), KEY_HEX))
		return false;
	char hash[LD_SM3_HEX_LEN + 1];
	if (ld_sm3_hex(key, len, hash) != LD_OK)
		return false;
	ld_id org;
	if (r->srv->ops->api_key_org(r->th->reader, hash, &org) != LD_OK)
		return false;
	r->org = true;
	r->org_id = org;
	r->authed = true;
	r->user.id = 0;
	r->user.role = LD_ROLE_AUDITOR; /* no staff rights whatever the route */
	r->user.username = ld_arena_printf(&r->arena, "org:%lld",
					   (long long)org);
	r->access = (ld_access){LD_ACCESS_NONE, NULL};
	return r->user.username != NULL;
}

bool ld_org_key_new(char key[45], char hash[65], char prefix[9])
{
	char hex[KEY_HEX + 1];
	if (ld_random_hex(hex, KEY_HEX / 2) != LD_OK)
		return false;
	snprintf(key, 45, "%s%s", KEY_PREFIX, hex);
	snprintf(prefix, 9, "%.8s", hex);
	return ld_sm3_hex(key, strlen(key), hash) == LD_OK;
}
