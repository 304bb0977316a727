/*
 * dispatch.c — the one place where every request is checked before its
 * handler runs (Redis checks arity for all commands in one place):
 * the request's framing, route match, body size, session, role, the reading
 * reason, every query parameter against the route's list, the body's
 * content type and schema, and whether the target person or registration
 * lies in the user's area. Denied attempts are audited here too, and so is
 * every answer of a route with a purpose (a list, a print page), with the
 * purpose as its reason and the records it carried as its detail
 * (ld_req_carries, and ld_reply_audited in reply.c). Also: the access log,
 * per route metrics, and the plumbing that brings results of other threads
 * back to the loop thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <time.h>

#include "http/auth.h"
#include "http/body.h"
#include "http/framing.h"
#include "http/handlers.h"
#include "http/http.h"
#include "http/reply.h"
#include "core/catalog.h"
#include "core/date.h"
#include "util/json_out.h"
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
	if (r->on_gone)
		r->on_gone(r->on_gone_arg);
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

/* X-Forwarded-For, every line of it joined with commas, in the arena;
 * NULL when absent or longer than any honest chain of proxies writes. */
static const char *forwarded_for(struct ld_req *r, size_t *len)
{
	enum { MAX = 1024 };
	const h2o_headers_t *hs = &r->h2o->headers;
	char *out = NULL;
	size_t n = 0;
	for (ssize_t i = -1; (i = h2o_find_header(hs, H2O_TOKEN_X_FORWARDED_FOR,
						   i)) >= 0;) {
		h2o_iovec_t v = hs->entries[i].value;
		if (n + v.len + 1 > MAX)
			return NULL;
		char *grown = ld_arena_alloc(&r->arena, n + v.len + 2);
		if (!grown)
			return NULL;
		if (n)
			memcpy(grown, out, n), grown[n++] = ',';
		memcpy(grown + n, v.base, v.len);
		n += v.len;
		grown[n] = '\0';
		out = grown;
	}
	*len = n;
	return out;
}

const char *ld_req_peer(struct ld_req *r)
{
	static const char unknown[] = "";
	if (r->peer)
		return r->peer;
	if (!r->h2o)
		return unknown;
	struct sockaddr_storage ss;
	socklen_t len = r->h2o->conn->callbacks->get_peername(
		r->h2o->conn, (struct sockaddr *)&ss);
	char buf[LD_NETADDR_TEXT] = "";
	ld_netaddr peer = {0};
	if (len > 0 && ss.ss_family == AF_INET) {
		peer.family = 4;
		memcpy(peer.b, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else if (len > 0 && ss.ss_family == AF_INET6) {
		char text[LD_NETADDR_TEXT];
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
			  text, sizeof text);
		ld_netaddr_parse(text, strlen(text), &peer); /* maps ::ffff: */
	}
	if (peer.family) {
		const struct ld_server_config *cfg = &r->srv->cfg;
		size_t xlen;
		const char *xff;
		ld_netaddr client;
		if (cfg->n_trusted_proxies > 0 &&
		    ld_netaddr_in(&peer, cfg->trusted_proxies,
				  cfg->n_trusted_proxies) &&
		    (xff = forwarded_for(r, &xlen)) != NULL &&
		    ld_forwarded_client(xff, xlen, cfg->trusted_proxies,
					cfg->n_trusted_proxies, &client))
			peer = client;
		ld_netaddr_format(&peer, buf);
	}
	r->peer = ld_arena_strdup(&r->arena, buf);
	return r->peer ? r->peer : unknown;
}

/* ---- what an answer carries ---------------------------------------- */

void ld_req_carries(struct ld_req *r, const char *kind, ld_id id)
{
	if (id <= 0)
		return;
	if (r->ncarried == r->carried_cap) {
		size_t cap = r->carried_cap ? 2 * r->carried_cap : 32;
		struct ld_carried *bigger =
			ld_arena_alloc(&r->arena, cap * sizeof *bigger);
		if (!bigger)
			return; /* the arena's limit: the detail says less */
		if (r->ncarried)
			memcpy(bigger, r->carried,
			       r->ncarried * sizeof *bigger);
		r->carried = bigger;
		r->carried_cap = cap;
	}
	r->carried[r->ncarried++] = (struct ld_carried){kind, id};
}

static int by_kind_then_id(const void *a, const void *b)
{
	const struct ld_carried *x = a, *y = b;
	int k = strcmp(x->kind, y->kind);
	if (k)
		return k;
	return (x->id > y->id) - (x->id < y->id);
}

const char *ld_req_carried_detail(struct ld_req *r)
{
	if (r->ncarried == 0)
		return NULL;
	qsort(r->carried, r->ncarried, sizeof *r->carried, by_kind_then_id);
	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, (size_t)4 << 20);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	for (size_t i = 0; i < r->ncarried; i++) {
		const struct ld_carried *c = &r->carried[i];
		bool first_of_kind =
			i == 0 || strcmp(c->kind, r->carried[i - 1].kind) != 0;
		if (!first_of_kind && c->id == r->carried[i - 1].id)
			continue;
		if (first_of_kind) {
			if (i)
				ld_jw_arr_close(&w);
			ld_jw_key(&w, c->kind);
			ld_jw_arr_open(&w);
		}
		ld_jw_int(&w, c->id);
	}
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	const char *detail = ld_jw_finish(&w) == LD_OK
				     ? ld_arena_strndup(&r->arena, b.data, b.len)
				     : NULL;
	ld_buf_release(&b);
	return detail;
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

/* ---- query parameters (http.h: enum ld_ptype) ----------------------- */

static bool int_in(const char *v, long long min, long long max)
{
	const char *digits = *v == '-' ? v + 1 : v;
	if (!*digits || strspn(digits, "0123456789") != strlen(digits) ||
	    strlen(digits) > 18)
		return false;
	long long n = strtoll(v, NULL, 10);
	return n >= min && n <= max;
}

static bool month_ok(const char *v)
{
	return strlen(v) == 7 && strspn(v, "0123456789") == 4 && v[4] == '-' &&
	       strspn(v + 5, "0123456789") == 2 &&
	       ((v[5] == '0' && v[6] >= '1') || (v[5] == '1' && v[6] <= '2'));
}

static bool area_ok(const char *v)
{
	size_t n = strlen(v);
	return (n == 6 || n == 9 || n == 12 || n == 15) &&
	       strspn(v, "0123456789") == n;
}

/* Check one value against its declaration; false with a Chinese message. */
static bool param_ok(const struct ld_param *p, const char *v, char *msg,
		     size_t cap)
{
	switch (p->type) {
	case LD_P_TEXT: {
		size_t max = p->max > 0 ? (size_t)p->max : 200;
		if (strlen(v) > max) {
			snprintf(msg, cap, "内容过长（最多%zu字节）", max);
			return false;
		}
		return ld_body_text_ok(v, strlen(v), msg, cap);
	}
	case LD_P_INT:
		if (int_in(v, p->min, p->max))
			return true;
		snprintf(msg, cap, "应为%lld至%lld的整数", p->min, p->max);
		return false;
	case LD_P_DATE: {
		ld_day d;
		if (ld_day_parse(v, (int)strlen(v), &d, p->name, NULL) == LD_OK)
			return true;
		snprintf(msg, cap, "日期无效，格式应为 YYYY-MM-DD");
		return false;
	}
	case LD_P_MONTH:
		if (month_ok(v))
			return true;
		snprintf(msg, cap, "月份无效，格式应为 YYYY-MM");
		return false;
	case LD_P_ENUM: {
		const struct ld_code_list *l = p->codes;
		for (size_t i = 0; i < l->n; i++)
			if (strcmp(v, l->items[i].code) == 0)
				return true;
		int w = snprintf(msg, cap, "取值无效，应为");
		for (size_t i = 0; i < l->n && w > 0 && (size_t)w < cap; i++)
			w += snprintf(msg + w, cap - (size_t)w, "%s%s",
				      i ? "、" : "", l->items[i].code);
		return false;
	}
	case LD_P_FLAG:
		if (strcmp(v, "1") == 0 || strcmp(v, "0") == 0)
			return true;
		snprintf(msg, cap, "应为 1 或 0");
		return false;
	case LD_P_AREA:
		if (area_ok(v))
			return true;
		snprintf(msg, cap, "区划代码无效（应为6、9、12或15位数字）");
		return false;
	}
	return false;
}

/* The reading reason, which every LD_R_READ_REASON route takes. */
static const struct ld_param reason_param = {
	"reason", true, "查阅事由", LD_P_TEXT, NULL, 0, 200};

static const struct ld_param *find_param(const struct ld_route *rt,
					 const char *name)
{
	for (const struct ld_param *p = rt->query; p && p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	/* A reading reason: required of a route that reads a person, and
	 * optional on a route with a purpose (it replaces the purpose). */
	if ((rt->flags & LD_R_READ_REASON || rt->purpose) &&
	    strcmp(name, "reason") == 0)
		return &reason_param;
	return NULL;
}

/* Check every query parameter against the route's declarations; drop empty
 * values (an empty value is an absent one). Replies and returns false on
 * the first that is wrong. */
static bool check_query(struct ld_req *r)
{
	const struct ld_route *rt = r->route;
	char msg[192];
	/* Names first: each known, none twice. */
	for (int i = 0; i < r->nquery; i++) {
		const char *name = r->query[i].name;
		bool printable = strlen(name) <= 40 &&
				 ld_utf8_find_unsafe(name, strlen(name), NULL) ==
					 LD_UTF8_SAFE;
		if (!find_param(rt, name)) {
			snprintf(msg, sizeof msg, "未定义的查询参数“%s”",
				 printable ? name : "?");
			ld_reply_error(r, LD_HE_UNKNOWN_PARAM, msg,
				       printable ? name : NULL);
			return false;
		}
		for (int k = 0; k < i; k++)
			if (strcmp(r->query[k].name, name) == 0) {
				snprintf(msg, sizeof msg, "查询参数“%s”重复出现",
					 name);
				ld_reply_error(r, LD_HE_BAD_REQUEST, msg, name);
				return false;
			}
	}
	/* Then values, keeping the ones that are not empty. */
	int kept = 0;
	for (int i = 0; i < r->nquery; i++) {
		const char *name = r->query[i].name, *value = r->query[i].value;
		if (!*value)
			continue;
		if (!param_ok(find_param(rt, name), value, msg, sizeof msg)) {
			ld_reply_error(r, LD_HE_INVALID, msg, name);
			return false;
		}
		r->query[kept++] = r->query[i];
	}
	r->nquery = kept;
	for (const struct ld_param *p = rt->query; p && p->name; p++)
		if (p->required && !ld_req_query(r, p->name)) {
			ld_reply_error(r, LD_HE_INVALID, "必填项未填写", p->name);
			return false;
		}
	return true;
}

/* ---- the body's content type ---------------------------------------- */

static const char *skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static bool starts_with_ci(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - p) >= n && strncasecmp(p, lit, n) == 0;
}

/* Whether the request declares a JSON body: one Content-Type header,
 * "application/json", with at most the parameter charset=utf-8 (JSON is
 * UTF-8, RFC 8259 §8.1; the media type defines no other parameter). */
static bool content_type_is_json(h2o_req_t *req)
{
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
	if (i < 0 ||
	    h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, i) >= 0)
		return false;
	const char *p = req->headers.entries[i].value.base;
	const char *end = p + req->headers.entries[i].value.len;
	p = skip_ows(p, end);
	if (!starts_with_ci(p, end, "application/json"))
		return false;
	p = skip_ows(p + strlen("application/json"), end);
	if (p < end && *p == ';') {
		p = skip_ows(p + 1, end);
		if (starts_with_ci(p, end, "charset=utf-8"))
			p += strlen("charset=utf-8");
		else if (starts_with_ci(p, end, "charset=\"utf-8\""))
			p += strlen("charset=\"utf-8\"");
		else
			return false;
		p = skip_ows(p, end);
	}
	return p == end;
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
	if (p->settled)
		p->settled(p);
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

/* Refuse a caller the route itself (not a record): audited with the
 * route as target. */
static void deny_route(struct ld_req *r, enum ld_http_error kind)
{
	char target[160];
	snprintf(target, sizeof target, "route:%s %s", r->route->method,
		 r->route->path);
	ld_deny(r, kind, target);
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

/* An unverified resident's session (ID number not on record) reaches only
 * the routes that say so; replies and returns false otherwise. */
static bool resident_may(struct ld_req *r)
{
	if (r->resident_person || (r->route->flags & LD_R_UNVERIFIED_OK))
		return true;
	ld_reply_error(r, LD_HE_FORBIDDEN,
		       "您的身份尚待派出所核验，核验前只能网上申报居住登记和查看申报结果",
		       NULL);
	return false;
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

	const char *framing = ld_framing_refusal(req);
	if (framing) {
		ld_reply_error(r, LD_HE_BAD_REQUEST, framing, NULL);
		return 0;
	}
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
		if (!resident_may(r))
			return 0;
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
				deny_route(r, LD_HE_FORBIDDEN);
				return 0;
			}
		} else if (!(rt->flags & LD_R_RESIDENT_OK) ||
			   !ld_resident_resolve(r)) {
			ld_reply_error(r, LD_HE_UNAUTHENTICATED, NULL, NULL);
			return 0;
		} else if (!resident_may(r)) {
			return 0;
		}
	}
	/* A generated password (a new account, an admin's reset) must be
	 * replaced before the session may do anything else. */
	if ((rt->flags & LD_R_AUTH) && !r->resident && !r->org &&
	    r->user.must_change_password && !(rt->flags & LD_R_PW_PENDING_OK)) {
		deny_route(r, LD_HE_PASSWORD_CHANGE);
		return 0;
	}
	if (rt->flags & LD_R_READ_REASON || rt->purpose) {
		/* A read of one person needs a reason; a list or print page
		 * records its purpose unless the client states one. */
		const char *reason = ld_req_query(r, "reason");
		bool given = reason && *reason;
		if (!given && (rt->flags & LD_R_READ_REASON)) {
			ld_reply_error(r, LD_HE_REASON_REQUIRED, NULL, "reason");
			return 0;
		}
		if (given && strlen(reason) > 200) {
			ld_reply_error(r, LD_HE_INVALID, "事由过长（最多200字节）",
				       "reason");
			return 0;
		}
		r->reason = given ? reason : rt->purpose;
	}
	if ((rt->flags & LD_R_AUTH) && !r->resident && !r->org &&
	    !(rt->roles & (1u << r->user.role))) {
		deny_route(r, LD_HE_FORBIDDEN);
		return 0;
	}
	if (!check_query(r))
		return 0;
	if (rt->flags & LD_R_BODY) {
		if (!content_type_is_json(req)) {
			ld_reply_error(r, LD_HE_UNSUPPORTED_MEDIA, NULL,
				       "Content-Type");
			return 0;
		}
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
