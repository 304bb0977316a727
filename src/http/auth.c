/*
 * auth.c — login, logout, sessions and login throttling.
 */
#include "http/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/password.h"
#include "crypto/random.h"
#include "crypto/sm3.h"
#include "http/body.h"
#include "http/reply.h"
#include "core/licence.h"

/* ---- per-thread session cache --------------------------------------- */

#define CACHE_SLOTS 1024

struct cached {
	/* The token itself: this cache is only in this process's memory,
	 * where the token is anyway while a request is handled; the store
	 * keeps only its digest. A hit costs no hashing. */
	char token[LD_TOKEN_HEX + 1];
	uint64_t generation;
	int64_t expires_at;
	ld_id id;
	enum ld_role role;
	bool has_area;
	char username[64];
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
	r->authed = r->user.username != NULL;
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
	c->id = u.id;
	c->role = u.role;
	snprintf(c->username, sizeof c->username, "%s", u.username);
	snprintf(c->display_name, sizeof c->display_name, "%s",
		 u.display_name ? u.display_name : "");
	c->has_area = u.area != NULL;
	snprintf(c->area, sizeof c->area, "%s", u.area ? u.area : "");
	fill_user(r, c);
	return r->authed;
}

/* ---- throttle ------------------------------------------------------- */

#define THROTTLE_SLOTS 4096
#define WINDOW 900	   /* seconds over which failures are counted */
#define LOCK_SECONDS 900
#define ACCOUNT_LIMIT 5
#define ADDRESS_LIMIT 20

struct throttle_entry {
	char key[80];
	int failures;
	time_t window_start;
	time_t locked_until;
};

struct ld_throttle {
	pthread_mutex_t lock;
	struct throttle_entry e[THROTTLE_SLOTS];
};

struct ld_throttle *ld_throttle_new(void)
{
	struct ld_throttle *t = calloc(1, sizeof *t);
	if (t)
		pthread_mutex_init(&t->lock, NULL);
	return t;
}

void ld_throttle_free(struct ld_throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static struct throttle_entry *entry(struct ld_throttle *t, const char *kind,
				    const char *name, bool create)
{
	char key[80];
	snprintf(key, sizeof key, "%s:%.70s", kind, name);
	unsigned h = 2166136261u;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	struct throttle_entry *e = &t->e[h % THROTTLE_SLOTS];
	if (strcmp(e->key, key) == 0)
		return e;
	if (!create)
		return NULL;
	/* A colliding key takes over the slot: the table stays bounded, at
	 * the price of occasionally forgetting a counter. */
	memset(e, 0, sizeof *e);
	memcpy(e->key, key, sizeof key);
	return e;
}

static int wait_of(struct throttle_entry *e, time_t now)
{
	return e && e->locked_until > now ? (int)(e->locked_until - now) : 0;
}

int ld_throttle_wait(struct ld_throttle *t, const char *username,
		     const char *address, time_t now)
{
	pthread_mutex_lock(&t->lock);
	int a = wait_of(entry(t, "user", username, false), now);
	int b = wait_of(entry(t, "addr", address, false), now);
	pthread_mutex_unlock(&t->lock);
	return a > b ? a : b;
}

static void count(struct throttle_entry *e, int limit, time_t now)
{
	if (now - e->window_start > WINDOW) {
		e->window_start = now;
		e->failures = 0;
	}
	if (++e->failures >= limit) {
		e->locked_until = now + LOCK_SECONDS;
		e->failures = 0;
		e->window_start = now;
	}
}

void ld_throttle_failure(struct ld_throttle *t, const char *username,
			 const char *address, time_t now)
{
	pthread_mutex_lock(&t->lock);
	count(entry(t, "user", username, true), ACCOUNT_LIMIT, now);
	count(entry(t, "addr", address, true), ADDRESS_LIMIT, now);
	pthread_mutex_unlock(&t->lock);
}

void ld_throttle_success(struct ld_throttle *t, const char *username)
{
	pthread_mutex_lock(&t->lock);
	struct throttle_entry *e = entry(t, "user", username, false);
	if (e)
		memset(e, 0, sizeof *e);
	pthread_mutex_unlock(&t->lock);
}

/* ---- login ---------------------------------------------------------- */

struct login {
	struct ld_slow_task task;
	struct ld_req *r;
	char username[64];
	char password[256];
	char stored_hash[LD_PASSWORD_HASH_MAX];
	bool user_exists;
	bool ok;
	ld_id user_id;
	enum ld_role role;
	char display_name[96];
	char area[32];
	bool has_area;
	char peer[64];
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

static void login_verify(void *arg) /* slow thread */
{
	struct login *l = arg;
	pthread_once(&dummy_once, make_dummy);
	bool ok = ld_password_verify(l->password, l->user_exists
							   ? l->stored_hash
							   : dummy_hash);
	l->ok = ok && l->user_exists;
	explicit_bzero(l->password, sizeof l->password);
}

struct session_job {
	char token[LD_TOKEN_HEX + 1];
	char hash[LD_SM3_HEX_LEN + 1];
	ld_id user_id;
	int64_t expires_at;
	char peer[64];
	bool ok;
	enum ld_role role;
	char username[64];
	char display_name[96];
	char area[32];
	bool has_area;
};

static ld_status session_run(ld_write_job *job, const struct ld_store_ops *ops,
			     ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct session_job *s = p->data;
	if (!s->ok)
		return LD_OK; /* only the audit entry */
	return ops->session_insert(c, s->hash, s->user_id, s->expires_at,
				   s->peer);
}

static void write_user(ld_jw *w, ld_id id, const char *username,
		       const char *display, enum ld_role role, const char *area)
{
	ld_jw_key(w, "user");
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", id);
	ld_jw_kstr(w, "username", username);
	ld_jw_kstr(w, "display_name", display);
	ld_jw_kstr(w, "role", ld_role_code(role));
	ld_jw_kstr(w, "area", area);
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
	write_user(&w, s->user_id, s->username, s->display_name, s->role,
		   s->has_area ? s->area : NULL);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

static void login_done(void *arg) /* loop thread */
{
	struct login *l = arg;
	struct ld_req *r = l->task.r;
	if (!r)
		goto out;
	time_t now = time(NULL);
	struct ld_pending *p = ld_pending_new(r, sizeof(struct session_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		goto out;
	}
	struct session_job *s = p->data;
	s->ok = l->ok;
	snprintf(s->peer, sizeof s->peer, "%s", l->peer);
	char target[96];
	snprintf(target, sizeof target, "user:%s", l->username);
	if (l->ok) {
		ld_throttle_success(r->srv->throttle, l->username);
		if (ld_random_hex(s->token, LD_TOKEN_HEX / 2) != LD_OK ||
		    ld_sm3_hex(s->token, LD_TOKEN_HEX, s->hash) != LD_OK) {
			ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
			ld_arena_release(&p->arena);
			free(p);
			goto out;
		}
		s->user_id = l->user_id;
		s->expires_at = (int64_t)now + r->srv->cfg.session_minutes * 60;
		s->role = l->role;
		snprintf(s->username, sizeof s->username, "%s", l->username);
		snprintf(s->display_name, sizeof s->display_name, "%s",
			 l->display_name);
		snprintf(s->area, sizeof s->area, "%s", l->area);
		s->has_area = l->has_area;
		/* The audit entry names the user who logged in. */
		r->authed = true;
		r->user.id = l->user_id;
		r->user.username = ld_arena_strdup(&r->arena, l->username);
	} else {
		ld_throttle_failure(r->srv->throttle, l->username, l->peer, now);
	}
	p->job.run = session_run;
	p->finish = session_finish;
	ld_pending_audit(r, p, "auth:login", target, l->ok ? "ok" : "denied",
			 NULL);
	ld_pending_submit(r, p);
out:
	free(l);
}

void h_auth_login(struct ld_req *r)
{
	const char *username = ld_json_str(r->body, "username");
	const char *password = ld_json_str(r->body, "password");
	const char *peer = ld_req_peer(r);
	int wait = ld_throttle_wait(r->srv->throttle, username, peer, time(NULL));
	if (wait > 0) {
		char msg[128];
		snprintf(msg, sizeof msg, "登录失败次数过多，请%d分钟后再试",
			 (wait + 59) / 60);
		if (r->h2o) {
			char *ra = ld_arena_printf(&r->arena, "%d", wait);
			h2o_add_header(&r->h2o->pool, &r->h2o->res.headers,
				       H2O_TOKEN_RETRY_AFTER, NULL, ra,
				       strlen(ra));
		}
		ld_reply_error(r, LD_HE_THROTTLED, msg, NULL);
		return;
	}
	struct login *l = calloc(1, sizeof *l);
	if (!l) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	snprintf(l->username, sizeof l->username, "%s", username);
	snprintf(l->password, sizeof l->password, "%s", password);
	snprintf(l->peer, sizeof l->peer, "%s", peer);
	ld_user u;
	if (r->srv->ops->user_by_name(r->th->reader, username, &r->arena, &u) ==
		    LD_OK &&
	    !u.disabled) {
		l->user_exists = true;
		snprintf(l->stored_hash, sizeof l->stored_hash, "%s",
			 u.password_hash);
		l->user_id = u.id;
		l->role = u.role;
		snprintf(l->display_name, sizeof l->display_name, "%s",
			 u.display_name ? u.display_name : "");
		l->has_area = u.area != NULL;
		snprintf(l->area, sizeof l->area, "%s", u.area ? u.area : "");
	}
	l->task.fn = login_verify;
	l->task.done = login_done;
	l->task.arg = l;
	ld_slow_submit(r, &l->task);
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
	ssize_t i = h2o_find_header(&r->h2o->headers, H2O_TOKEN_AUTHORIZATION,
				    -1);
	h2o_iovec_t v = r->h2o->headers.entries[i].value; /* checked by auth */
	struct ld_pending *p = ld_pending_new(r, sizeof(struct logout_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct logout_job *l = p->data;
	token_hash(v.base + 7, v.len - 7, l->hash);
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
		   r->user.role, r->user.area);
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
