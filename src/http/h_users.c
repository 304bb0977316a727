/*
 * h_users.c — staff accounts, for admins: the list, resetting a password
 * (a generated one, shown once, to be changed at the next sign-in), and
 * disabling or enabling an account. Each change ends the account's
 * sessions where it should and is audited; creating accounts stays with
 * `liudong user add`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/password.h"
#include "http/auth.h"
#include "http/handlers.h"
#include "http/hasher.h"
#include "http/reply.h"
#include "http/views.h"
#include "store/audit.h"

/* Length of a generated password (from an alphabet of 56: about 70 bits). */
#define GENERATED_LEN 12

static void view_user(ld_jw *w, const ld_user *u)
{
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", u->id);
	ld_jw_kstr(w, "username", u->username);
	ld_jw_kstr(w, "display_name", u->display_name);
	ld_jw_kstr(w, "role", ld_role_code(u->role));
	ld_jw_kstr(w, "area", u->area);
	ld_jw_kbool(w, "disabled", u->disabled);
	ld_jw_kbool(w, "must_change_password", u->must_change_password);
	ld_jw_kstr(w, "created_at", u->created_at);
	ld_jw_kstr(w, "password_changed_at", u->password_changed_at);
	ld_jw_kstr(w, "last_login_at", u->last_login_at);
	ld_jw_obj_close(w);
}

void h_users_list(struct ld_req *r)
{
	ld_user *list;
	size_t n;
	ld_status rc = r->srv->ops->users_list(r->th->reader, &r->arena, &list,
					       &n);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "total", (int64_t)n);
	ld_jw_key(&w, "items");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		view_user(&w, &list[i]);
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	ld_reply_audited_jw(r, &w, &b, 200, "user:list", "users");
}

/* The account named by the path, or an answer (404, or 409 when it is the
 * caller's own and `self_refusal` says why that is not done here). */
static bool target_user(struct ld_req *r, ld_user *u, const char *self_refusal)
{
	ld_status rc = r->srv->ops->user_by_id(r->th->reader, r->path_id,
					       &r->arena, u);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return false;
	}
	if (self_refusal && u->id == r->user.id) {
		ld_reply_error(r, LD_HE_CONFLICT, self_refusal, NULL);
		return false;
	}
	return true;
}

/* ---- reset ---------------------------------------------------------- */

struct reset {
	struct ld_hash_task task;
	ld_id user_id;
	char username[65];
	char password[GENERATED_LEN + 1];
	char hash[LD_PASSWORD_HASH_MAX];
	bool hashed;
};

struct reset_job {
	ld_id user_id;
	char username[65];
	char password[GENERATED_LEN + 1];
	char hash[LD_PASSWORD_HASH_MAX];
	char now[32];
};

static void reset_free(struct reset *s)
{
	explicit_bzero(s, sizeof *s);
	free(s);
}

static void reset_hash(void *arg) /* hashing thread */
{
	struct reset *s = arg;
	s->hashed = ld_password_hash(s->password, s->hash) == LD_OK;
}

static ld_status reset_run(ld_write_job *job, const struct ld_store_ops *ops,
			   ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct reset_job *j = p->data;
	ld_status rc = ops->user_set_password(c, j->user_id, j->hash, true,
					      j->now);
	if (rc == LD_OK)
		rc = ops->sessions_revoke(c, j->user_id, NULL);
	return rc;
}

static void reset_finish(struct ld_req *r, struct ld_pending *p)
{
	struct reset_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
	} else {
		atomic_fetch_add(&r->srv->session_generation, 1);
		ld_buf b;
		ld_jw w;
		ld_reply_begin(r, &w, &b);
		ld_jw_obj_open(&w);
		ld_jw_kint(&w, "id", j->user_id);
		ld_jw_kstr(&w, "username", j->username);
		/* Shown this once; only its hash is kept. */
		ld_jw_kstr(&w, "password", j->password);
		ld_jw_kbool(&w, "must_change_password", true);
		ld_jw_obj_close(&w);
		ld_reply_end(r, &w, &b, 200);
	}
	explicit_bzero(j->password, sizeof j->password);
}

static void reset_done(struct ld_req *r, struct ld_hash_task *t) /* loop */
{
	struct reset *s = t->arg;
	if (!r || t->dropped) {
		if (r)
			ld_reply_error(r, LD_HE_UNAVAILABLE, NULL, NULL);
		reset_free(s);
		return;
	}
	struct ld_pending *p = s->hashed ? ld_pending_new(r, sizeof(struct reset_job))
					 : NULL;
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		reset_free(s);
		return;
	}
	struct reset_job *j = p->data;
	j->user_id = s->user_id;
	memcpy(j->username, s->username, sizeof j->username);
	memcpy(j->password, s->password, sizeof j->password);
	memcpy(j->hash, s->hash, sizeof j->hash);
	ld_audit_now(j->now);
	p->job.run = reset_run;
	p->finish = reset_finish;
	char *target = ld_arena_printf(&r->arena, "user:%s", s->username);
	ld_pending_audit(r, p, "user:reset-password", target, NULL,
			 "sessions ended; must change at next sign-in");
	ld_pending_submit(r, p);
	reset_free(s);
}

void h_user_reset_password(struct ld_req *r)
{
	ld_user u;
	if (!target_user(r, &u, "不能在此重置自己的密码，请使用“修改密码”"))
		return;
	struct reset *s = calloc(1, sizeof *s);
	if (!s) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	s->user_id = u.id;
	snprintf(s->username, sizeof s->username, "%s", u.username);
	if (ld_password_generate(s->password, GENERATED_LEN) != LD_OK) {
		reset_free(s);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	s->task.fn = reset_hash;
	s->task.done = reset_done;
	s->task.arg = s;
	if (!ld_hash_submit(r, &s->task)) {
		reset_free(s);
		ld_hash_busy(r);
	}
}

/* ---- disable and enable --------------------------------------------- */

struct state_job {
	ld_id user_id;
	char username[65];
	bool disabled;
};

static ld_status state_run(ld_write_job *job, const struct ld_store_ops *ops,
			   ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct state_job *j = p->data;
	ld_status rc = ops->user_set_disabled(c, j->user_id, j->disabled);
	/* A disabled account's sessions end at once. */
	if (rc == LD_OK && j->disabled)
		rc = ops->sessions_revoke(c, j->user_id, NULL);
	return rc;
}

static void state_finish(struct ld_req *r, struct ld_pending *p)
{
	struct state_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	/* Every loop thread's session cache forgets, so no cached session
	 * of the account outlives this answer. */
	atomic_fetch_add(&r->srv->session_generation, 1);
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "id", j->user_id);
	ld_jw_kstr(&w, "username", j->username);
	ld_jw_kbool(&w, "disabled", j->disabled);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

static void set_disabled(struct ld_req *r, bool disabled)
{
	ld_user u;
	if (!target_user(r, &u, disabled ? "不能停用自己的账号" : NULL))
		return;
	struct ld_pending *p = ld_pending_new(r, sizeof(struct state_job));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct state_job *j = p->data;
	j->user_id = u.id;
	snprintf(j->username, sizeof j->username, "%s", u.username);
	j->disabled = disabled;
	p->job.run = state_run;
	p->finish = state_finish;
	char *target = ld_arena_printf(&r->arena, "user:%s", u.username);
	ld_pending_audit(r, p, disabled ? "user:disable" : "user:enable",
			 target, NULL, disabled ? "sessions ended" : NULL);
	ld_pending_submit(r, p);
}

void h_user_disable(struct ld_req *r)
{
	set_disabled(r, true);
}

void h_user_enable(struct ld_req *r)
{
	set_disabled(r, false);
}
