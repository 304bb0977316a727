/*
 * dispatch.c — the one place where every request is checked before its
 * handler runs (Redis checks arity for all commands in one place):
 * route match, body size, session, role, the reading reason, the body
 * schema, and whether the target person or registration lies in the user's
 * area. Denied attempts are audited here too. Also: the access log, per
 * route metrics, and the plumbing that brings results of other threads back
 * to the loop thread.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <time.h>

#include "http/auth.h"
#include "http/body.h"
#include "http/handlers.h"
#include "http/http.h"
#include "http/reply.h"
#include "util/utf8.h"

const double ld_latency_bounds_ms[LD_LAT_BUCKETS] = {
	0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000};

#define DEFAULT_MAX_BODY (64 * 1024)

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

unsigned ld_role_bits(const enum ld_role *roles, size_t n)
{
	unsigned bits = 0;
	for (size_t i = 0; i < n; i++)
		bits |= 1u << roles[i];
	return bits;
}

/* ---- access log and metrics ----------------------------------------- */

void ld_access_log_flush(struct ld_thread *th)
{
	if (th->log.len == 0 || th->srv->log_fd < 0) {
		ld_buf_reset(&th->log);
		return;
	}
	const char *p = th->log.data;
	size_t n = th->log.len;
	while (n > 0) {
		ssize_t w = write(th->srv->log_fd, p, n);
		if (w <= 0)
			break;
		p += w;
		n -= (size_t)w;
	}
	ld_buf_reset(&th->log);
}

static void record(struct ld_req *r, int status, size_t bytes)
{
	uint64_t us = now_us() - r->t0_us;
	struct ld_route_metrics *m = &r->th->metrics[r->route_index];
	int cls = status / 100;
	atomic_fetch_add_explicit(&m->by_class[cls >= 1 && cls <= 5 ? cls : 0],
				  1, memory_order_relaxed);
	int b = 0;
	while (b < LD_LAT_BUCKETS && (double)us / 1000.0 > ld_latency_bounds_ms[b])
		b++;
	atomic_fetch_add_explicit(&m->lat[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->lat_sum_us, us, memory_order_relaxed);

	if (r->th->srv->log_fd < 0 || !r->h2o)
		return;
	/* One JSON line per request. The query string is never logged: it
	 * may hold ID numbers, names and reasons. */
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	h2o_req_t *req = r->h2o;
	size_t plen = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
	ld_buf *log = &r->th->log;
	ld_buf_addf(log, "{\"ts\":\"%s\",\"method\":\"%.*s\",\"path\":\"", ts,
		    (int)req->method.len, req->method.base);
	for (size_t i = 0; i < plen && i < 512; i++) {
		unsigned char c = (unsigned char)req->path.base[i];
		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f)
			ld_buf_addf(log, "\\u%04x", c);
		else
			ld_buf_addc(log, (char)c);
	}
	ld_buf_addf(log,
		    "\",\"route\":\"%s\",\"status\":%d,\"bytes\":%zu,\"us\":%llu,"
		    "\"user\":\"%s\",\"remote\":\"%s\"}\n",
		    r->route ? r->route->path : "", status, bytes,
		    (unsigned long long)us, r->authed ? r->user.username : "",
		    ld_req_peer(r));
	if (log->len > 32 * 1024)
		ld_access_log_flush(r->th);
}

/* ---- the request object --------------------------------------------- */

static void dispose_req(void *p)
{
	struct ld_req *r = p;
	if (r->watch)
		*r->watch = NULL;
	json_decref(r->body);
	ld_arena_release(&r->arena);
}

const char *ld_req_query(const struct ld_req *r, const char *name)
{
	for (int i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].name, name) == 0)
			return r->query[i].value;
	return NULL;
}

const char *ld_req_peer(struct ld_req *r)
{
	static const char unknown[] = "";
	if (!r->h2o)
		return unknown;
	struct sockaddr_storage ss;
	socklen_t len = r->h2o->conn->callbacks->get_peername(
		r->h2o->conn, (struct sockaddr *)&ss);
	char buf[INET6_ADDRSTRLEN] = "";
	if (len > 0 && ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, buf,
			  sizeof buf);
	else if (len > 0 && ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
			  buf, sizeof buf);
	char *s = ld_arena_strdup(&r->arena, buf);
	return s ? s : unknown;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX and '+' into a NUL-terminated arena copy; NULL if malformed. */
static char *url_decode(ld_arena *ar, const char *s, size_t n)
{
	char *out = ld_arena_alloc(ar, n + 1);
	if (!out)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return NULL;
			int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			out[k++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[k++] = s[i] == '+' ? ' ' : s[i];
		}
	}
	out[k] = '\0';
	if (memchr(out, '\0', k) || !ld_utf8_valid(out, k))
		return NULL;
	return out;
}

static bool parse_query(struct ld_req *r)
{
	h2o_req_t *req = r->h2o;
	if (req->query_at == SIZE_MAX)
		return true;
	const char *p = req->path.base + req->query_at + 1;
	const char *end = req->path.base + req->path.len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		if (stop > p) {
			if (r->nquery == LD_MAX_QUERY)
				return false;
			const char *ve = eq ? eq : stop;
			char *name = url_decode(&r->arena, p, (size_t)(ve - p));
			char *value = eq ? url_decode(&r->arena, eq + 1,
						      (size_t)(stop - eq - 1))
					 : ld_arena_strdup(&r->arena, "");
			if (!name || !value)
				return false;
			r->query[r->nquery].name = name;
			r->query[r->nquery].value = value;
			r->nquery++;
		}
		p = stop + 1;
	}
	return true;
}

/* ---- routing -------------------------------------------------------- */

/* Match path against pattern. {id} captures a positive integer, {no} 1-32
 * digits or capital letters (a permit number) into no[33]. */
static bool match(const char *pattern, const char *path, size_t len,
		  int64_t *id, char *no)
{
	const char *p = pattern, *s = path, *end = path + len;
	while (*p && s < end) {
		if (*p == '{' && strncmp(p, "{id}", 4) == 0) {
			int64_t v = 0;
			const char *start = s;
			while (s < end && *s >= '0' && *s <= '9' &&
			       s - start < 15)
				v = v * 10 + (*s++ - '0');
			if (s == start || v == 0 || (s < end && *s != '/'))
				return false;
			*id = v;
			p += 4;
			continue;
		}
		if (*p == '{' && strncmp(p, "{no}", 4) == 0) {
			size_t k = 0;
			while (s < end && k < 32 &&
			       ((*s >= '0' && *s <= '9') ||
				(*s >= 'A' && *s <= 'Z')))
				no[k++] = *s++;
			no[k] = '\0';
			if (k == 0 || (s < end && *s != '/'))
				return false;
			p += 4;
			continue;
		}
		if (*p != *s)
			return false;
		p++, s++;
	}
	return *p == '\0' && s == end;
}

static int find_route(h2o_req_t *req, int64_t *id, char *no, bool *path_known)
{
	size_t len = req->path_normalized.len;
	*path_known = false;
	for (size_t i = 0; i < ld_route_count; i++) {
		const struct ld_route *rt = &ld_routes[i];
		if (!match(rt->path, req->path_normalized.base, len, id, no))
			continue;
		*path_known = true;
		if (h2o_memis(req->method.base, req->method.len, rt->method,
			      strlen(rt->method)) ||
		    (strcmp(rt->method, "GET") == 0 &&
		     h2o_memis(req->method.base, req->method.len,
			       H2O_STRLIT("HEAD"))))
			return (int)i;
	}
	return -1;
}

/* ---- pending jobs and messages from other threads ------------------- */

void ld_receiver_cb(h2o_multithread_receiver_t *receiver,
		    h2o_linklist_t *messages)
{
	while (!h2o_linklist_is_empty(messages)) {
		struct ld_msg *m = H2O_STRUCT_FROM_MEMBER(
			struct ld_msg, super.link, messages->next);
		h2o_linklist_unlink(&m->super.link);
		m->fn(m);
	}
}

static void pending_finished(struct ld_msg *m)
{
	struct ld_pending *p = H2O_STRUCT_FROM_MEMBER(struct ld_pending, msg, m);
	struct ld_req *r = p->r;
	/* The change is durable now: answers cached before it are stale. */
	if (p->changes_permit)
		atomic_fetch_add(&p->srv->permit_generation, 1);
	if (r) {
		r->watch = NULL;
		p->finish(r, p);
	}
	if (p->release)
		p->release(p);
	ld_arena_release(&p->arena);
	free(p);
}

/* Writer thread: hand the job back to its loop thread. */
static void pending_done(ld_write_job *job)
{
	struct ld_pending *p = H2O_STRUCT_FROM_MEMBER(struct ld_pending, job,
						      job);
	p->msg.fn = pending_finished;
	h2o_multithread_send_message(&p->th->receiver, &p->msg.super);
}

struct ld_pending *ld_pending_new(struct ld_req *r, size_t data_size)
{
	struct ld_pending *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	ld_arena_init_sized(&p->arena, 0, 1024);
	p->th = r->th;
	p->srv = r->srv;
	p->r = r;
	p->job.done = pending_done;
	p->job.ctx = p;
	if (data_size) {
		p->data = ld_arena_calloc(&p->arena, data_size);
		if (!p->data) {
			free(p);
			return NULL;
		}
	}
	return p;
}

void ld_pending_audit(struct ld_req *r, struct ld_pending *p,
		      const char *action, const char *target,
		      const char *result, const char *detail)
{
	if (p->job.n_audit == LD_JOB_MAX_AUDIT)
		return;
	ld_audit_entry *e = &p->job.audit[p->job.n_audit++];
	memset(e, 0, sizeof *e);
	e->user_id = r->authed ? r->user.id : 0;
	e->username = ld_arena_strdup(&p->arena,
				      r->authed ? r->user.username : "");
	e->action = action;
	e->target = ld_arena_strdup(&p->arena, target ? target : "");
	e->reason = r->reason ? ld_arena_strdup(&p->arena, r->reason) : "";
	e->result = result;
	e->detail = detail ? ld_arena_strdup(&p->arena, detail) : "";
}

void ld_pending_target(struct ld_pending *p, const char *kind, ld_id id)
{
	p->job.audit[0].target =
		ld_arena_printf(&p->arena, "%s:%lld", kind, (long long)id);
}

void ld_pending_submit(struct ld_req *r, struct ld_pending *p)
{
	p->r = r;
	r->watch = &p->r;
	ld_writer_submit(r->srv->writer, &p->job);
}

void ld_pending_detach_submit(struct ld_req *r, struct ld_pending *p)
{
	p->r = NULL; /* nobody waits for it */
	p->job.lazy = true;
	ld_writer_submit(r->srv->writer, &p->job);
}

static void slow_finished(struct ld_msg *m)
{
	struct ld_slow_task *t = H2O_STRUCT_FROM_MEMBER(struct ld_slow_task,
							msg, m);
	if (t->r)
		t->r->watch = NULL;
	t->done(t->arg);
}

void ld_slow_submit(struct ld_req *r, struct ld_slow_task *t)
{
	struct ld_server *srv = r->srv;
	t->th = r->th;
	t->r = r;
	r->watch = &t->r;
	t->msg.fn = slow_finished;
	t->next = NULL;
	pthread_mutex_lock(&srv->slow_lock);
	if (srv->slow_tail)
		srv->slow_tail->next = t;
	else
		srv->slow_head = t;
	srv->slow_tail = t;
	pthread_cond_signal(&srv->slow_cond);
	pthread_mutex_unlock(&srv->slow_lock);
}

/* ---- denial --------------------------------------------------------- */

struct denial {
	enum ld_http_error kind;
};

static void denial_finish(struct ld_req *r, struct ld_pending *p)
{
	struct denial *d = p->data;
	ld_reply_error(r, d->kind, NULL, NULL);
}

/* Refuse, recording the attempt in the audit trail first. */
void ld_deny(struct ld_req *r, enum ld_http_error kind, const char *target)
{
	struct ld_pending *p = ld_pending_new(r, sizeof(struct denial));
	if (!p) {
		ld_reply_error(r, kind, NULL, NULL);
		return;
	}
	((struct denial *)p->data)->kind = kind;
	p->finish = denial_finish;
	ld_pending_audit(r, p, r->route->perm, target, "denied",
			 ld_http_errors[kind].code);
	ld_pending_submit(r, p);
}

/* ---- the dispatcher ------------------------------------------------- */

/* Session look-up in a read transaction of its own (a cache hit reads
 * nothing). */
static bool ld_auth_resolve_txn(struct ld_req *r)
{
	return ld_auth_resolve(r);
}

static ld_access access_of(const ld_user *u)
{
	ld_access a = {LD_ACCESS_NONE, NULL};
	switch (u->role) {
	case LD_ROLE_ADMIN:
		a.kind = LD_ACCESS_ALL;
		break;
	case LD_ROLE_CLERK:
		a.kind = u->area ? LD_ACCESS_STATION : LD_ACCESS_NONE;
		a.code = u->area;
		break;
	case LD_ROLE_GRID:
		a.kind = u->area ? LD_ACCESS_GRID : LD_ACCESS_NONE;
		a.code = u->area;
		break;
	default:
		break;
	}
	return a;
}

static bool check_target(struct ld_req *r)
{
	const struct ld_store_ops *ops = r->srv->ops;
	bool visible = false;
	ld_status rc;
	const char *kind;
	if (r->route->target == LD_T_PERSON) {
		ld_person *p = ld_arena_alloc(&r->arena, sizeof *p);
		rc = p ? ops->person_get(r->th->reader, r->path_id, &r->arena, p)
		       : LD_ENOMEM;
		r->target_person = rc == LD_OK ? p : NULL;
		if (rc == LD_OK && r->access.kind == LD_ACCESS_ALL)
			visible = true; /* it exists: that is all "all" needs */
		else if (rc == LD_OK)
			rc = ops->person_visible(r->th->reader, &r->access,
						 r->path_id, &visible);
		kind = "person";
	} else if (r->route->target == LD_T_PERMIT) {
		ld_permit *pm = ld_arena_alloc(&r->arena, sizeof *pm);
		ld_person *holder = ld_arena_alloc(&r->arena, sizeof *holder);
		rc = pm && holder ? ops->permit_get(r->th->reader, r->path_id,
						    &r->arena, pm)
				  : LD_ENOMEM;
		if (rc == LD_OK)
			rc = ops->person_get(r->th->reader, pm->person_id,
					     &r->arena, holder);
		if (rc == LD_OK) {
			r->target_permit = pm;
			r->target_person_of_permit = holder;
			if (r->access.kind == LD_ACCESS_ALL)
				visible = true;
			else
				rc = ops->person_visible(r->th->reader,
							 &r->access,
							 pm->person_id, &visible);
		}
		kind = "permit";
	} else {
		ld_registration reg;
		rc = ops->registration_get(r->th->reader, r->path_id,
					   &r->arena, &reg);
		if (rc == LD_OK)
			rc = ops->registration_visible(r->th->reader,
						       &r->access, r->path_id,
						       &visible);
		kind = "registration";
	}
	if (rc == LD_ENOTFOUND) {
		ld_reply_error(r, LD_HE_NOT_FOUND, NULL, NULL);
		return false;
	}
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return false;
	}
	if (!visible) {
		char target[48];
		snprintf(target, sizeof target, "%s:%lld", kind,
			 (long long)r->path_id);
		ld_deny(r, LD_HE_OUT_OF_AREA, target);
		return false;
	}
	return true;
}

int ld_dispatch(h2o_handler_t *self, h2o_req_t *req)
{
	struct ld_thread *th =
		H2O_STRUCT_FROM_MEMBER(struct ld_thread, ctx, req->conn->ctx);
	struct ld_req *r = h2o_mem_alloc_shared(&req->pool, sizeof *r,
						dispose_req);
	memset(r, 0, sizeof *r);
	r->h2o = req;
	r->th = th;
	r->srv = th->srv;
	r->t0_us = now_us();
	r->route_index = (int)ld_route_count; /* "unmatched" until found */
	ld_arena_init_sized(&r->arena, (size_t)16 << 20, 2048);

	bool path_known;
	int idx = find_route(req, &r->path_id, r->path_no, &path_known);
	if (idx < 0) {
		ld_reply_error(r, path_known ? LD_HE_METHOD : LD_HE_NOT_FOUND,
			       NULL, NULL);
		return 0;
	}
	r->route = &ld_routes[idx];
	r->route_index = idx;
	const struct ld_route *rt = r->route;

	size_t max_body = rt->max_body ? rt->max_body : DEFAULT_MAX_BODY;
	if (req->entity.len > max_body) {
		ld_reply_error(r, LD_HE_TOO_LARGE, NULL, NULL);
		return 0;
	}
	if (!parse_query(r)) {
		ld_reply_error(r, LD_HE_BAD_REQUEST, "查询参数格式不正确", NULL);
		return 0;
	}
	if (rt->flags & LD_R_RESIDENT) {
		if (!ld_resident_resolve(r)) {
			ld_reply_error(r, LD_HE_UNAUTHENTICATED,
				       "请先用身份号码和手机验证码登录", NULL);
			return 0;
		}
	} else if (rt->flags & LD_R_AUTH) {
		if (ld_auth_resolve_txn(r)) {
			r->access = access_of(&r->user);
		} else if (ld_org_key_given(r)) {
			if (!ld_org_resolve(r)) {
				ld_reply_error(r, LD_HE_UNAUTHENTICATED,
					       "接入密钥无效或已停用", NULL);
				return 0;
			}
			if (!(rt->flags & LD_R_ORG_OK)) {
				char target[48];
				snprintf(target, sizeof target, "route:%s %s",
					 rt->method, rt->path);
				ld_deny(r, LD_HE_FORBIDDEN, target);
				return 0;
			}
		} else if (!(rt->flags & LD_R_RESIDENT_OK) ||
			   !ld_resident_resolve(r)) {
			ld_reply_error(r, LD_HE_UNAUTHENTICATED, NULL, NULL);
			return 0;
		}
	}
	if (rt->flags & LD_R_READ_REASON) {
		const char *reason = ld_req_query(r, "reason");
		if (!reason || !*reason) {
			ld_reply_error(r, LD_HE_REASON_REQUIRED, NULL, "reason");
			return 0;
		}
		if (strlen(reason) > 200) {
			ld_reply_error(r, LD_HE_INVALID, "事由过长（最多200字节）",
				       "reason");
			return 0;
		}
		r->reason = reason;
	}
	if ((rt->flags & LD_R_AUTH) && !r->resident && !r->org &&
	    !(rt->roles & (1u << r->user.role))) {
		char target[48];
		snprintf(target, sizeof target, "route:%s %s", rt->method,
			 rt->path);
		ld_deny(r, LD_HE_FORBIDDEN, target);
		return 0;
	}
	if (rt->flags & LD_R_BODY) {
		ld_body_error e;
		if (!ld_body_parse_in(&r->arena,
				      req->entity.base ? req->entity.base : "",
				      req->entity.len, rt->body, &r->body, &e)) {
			ld_reply_error(r, e.kind, e.message,
				       e.field[0] ? e.field : NULL);
			return 0;
		}
	}
	/* Everything a request reads comes from one snapshot. */
	const struct ld_store_ops *ops = r->srv->ops;
	ops->read_begin(th->reader);
	if (rt->target == LD_T_NONE || check_target(r))
		rt->handler(r);
	ops->read_end(th->reader);
	return 0;
}

/* Called by ld_reply_raw once a response has been handed to h2o. */
void ld_req_replied(struct ld_req *r, int status, size_t bytes);
void ld_req_replied(struct ld_req *r, int status, size_t bytes)
{
	record(r, status, bytes);
}
