/*
 * h_meta.c — what is not about people: liveness (/healthz), readiness
 * (/readyz), Prometheus metrics, the OpenAPI document (generated from the
 * route table, so the two cannot drift), code lists, areas and stations.
 */
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core/catalog.h"
#include "core/document.h"
#include "http/handlers.h"
#include "http/hasher.h"
#include "http/throttle.h"
#include "http/reply.h"
#include "http/views.h"

void h_meta_healthz(struct ld_req *r)
{
	const struct ld_writer_stats *ws = ld_writer_stats(r->srv->writer);
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "status", "ok");
	ld_jw_kint(&w, "schema_version",
		   r->srv->ops->schema_version(r->th->reader));
	ld_jw_kint(&w, "writer_queue", (int64_t)atomic_load(&ws->queued));
	ld_jw_kint(&w, "uptime_seconds",
		   (int64_t)(time(NULL) - r->srv->started_at));
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

/* ---- /readyz -------------------------------------------------------- */

/* The writer counts as stuck once it has spent this long on one
 * transaction or one flush; the longest job, an upload's confirmation,
 * takes seconds (docs/grid.md). */
#define READY_STUCK_US (30ull * 1000000u)
/* A probe that committed this recently stands for the next ones, so
 * readiness writes at most once a second however often it is asked. */
#define READY_PROBE_EVERY_US (1000000ull)
/* Less free space than this where the database lives is a disk about to
 * refuse writes: a commit of a large upload alone can take megabytes. */
#define READY_MIN_FREE ((uint64_t)16 << 20)

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Answer ready (reason NULL: 200) or not (503, the error object with
 * "status": "not_ready" and a reason code). */
static void ready_reply(struct ld_req *r, const char *reason,
			const char *message)
{
	ld_buf b;
	ld_jw w;
	if (!reason) {
		ld_reply_begin(r, &w, &b);
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "status", "ready");
		ld_jw_kint(&w, "writer_queue",
			   (int64_t)atomic_load(
				   &ld_writer_stats(r->srv->writer)->queued));
		ld_jw_obj_close(&w);
		ld_reply_end(r, &w, &b, 200);
		return;
	}
	ld_reply_error_begin(r, &w, &b, ld_http_errors[LD_HE_UNAVAILABLE].code,
			     message, NULL);
	ld_jw_kstr(&w, "status", "not_ready");
	ld_jw_kstr(&w, "reason", reason);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 503);
}

static const char failed_message[] =
	"数据库无法写入：最近一次写入未能提交（如磁盘已满、只读或出错），"
	"暂不接收请求";

static ld_status probe_run(ld_write_job *job, const struct ld_store_ops *ops,
			   ld_conn *c)
{
	(void)job;
	return ops->probe_write(c);
}

static void probe_settled(struct ld_pending *p)
{
	atomic_store(&p->srv->ready_ok_at_us,
		     p->job.status == LD_OK ? mono_us() : 0);
	atomic_store(&p->srv->ready_probing, false);
}

static void probe_finish(struct ld_req *r, struct ld_pending *p)
{
	if (p->job.status == LD_OK)
		ready_reply(r, NULL, NULL);
	else
		ready_reply(r, "commit_failed", failed_message);
}

/*
 * Ready when the store can be written now: the writer is not stuck, the
 * data directory is on a file system that is neither read-only nor full,
 * and a write that
 * changes nothing (store.h: probe_write) commits through the writer like
 * any change. /healthz stays the liveness answer: it does not write.
 */
void h_meta_readyz(struct ld_req *r)
{
	struct ld_server *srv = r->srv;
	if (ld_writer_busy_us(srv->writer) > READY_STUCK_US) {
		ready_reply(r, "writer_stuck",
			    "写入线程已超过30秒未完成当前的提交或落盘");
		return;
	}
	struct statvfs fs;
	if (statvfs(srv->cfg.data_dir, &fs) == 0) {
		/* root may fill the blocks reserved for it too */
		uint64_t blocks = geteuid() == 0 ? fs.f_bfree : fs.f_bavail;
		if (fs.f_flag & ST_RDONLY) {
			ready_reply(r, "store_read_only",
				    "数据目录所在的文件系统为只读");
			return;
		}
		if (blocks * fs.f_frsize < READY_MIN_FREE) {
			ready_reply(r, "disk_full",
				    "数据目录所在磁盘的可用空间不足16 MiB");
			return;
		}
	}
	bool failing = ld_writer_failing(srv->writer);
	uint64_t ok_at = atomic_load(&srv->ready_ok_at_us);
	if (!failing && ok_at && mono_us() - ok_at < READY_PROBE_EVERY_US) {
		ready_reply(r, NULL, NULL);
		return;
	}
	/* One probe at a time; meanwhile the writer's last commit answers. */
	struct ld_pending *p = NULL;
	if (!atomic_exchange(&srv->ready_probing, true)) {
		p = ld_pending_new(r, 0);
		if (!p)
			atomic_store(&srv->ready_probing, false);
	}
	if (!p) {
		if (failing)
			ready_reply(r, "commit_failed", failed_message);
		else
			ready_reply(r, NULL, NULL);
		return;
	}
	p->job.run = probe_run;
	p->settled = probe_settled;
	p->finish = probe_finish;
	ld_pending_submit(r, p);
}

/* ---- /metrics (Prometheus text format) ------------------------------ */

/* Whether the connection's peer may read the metrics (--metrics-allow).
 * The socket's own peer address, never a forwarded header. */
static bool metrics_allowed(struct ld_req *r)
{
	struct sockaddr_storage ss;
	if (!r->h2o)
		return false;
	socklen_t len = r->h2o->conn->callbacks->get_peername(
		r->h2o->conn, (struct sockaddr *)&ss);
	return len > 0 && ld_cidr_match(r->srv->cfg.metrics_allow,
					r->srv->cfg.n_metrics_allow,
					(struct sockaddr *)&ss);
}

static uint64_t sum_route(struct ld_server *srv, size_t route,
			  size_t offset_in_struct, size_t index)
{
	uint64_t total = 0;
	for (int t = 0; t < srv->nthreads; t++) {
		const char *m = (const char *)&srv->threads[t].metrics[route];
		const atomic_uint_fast64_t *a =
			(const atomic_uint_fast64_t *)(m + offset_in_struct) +
			index;
		total += atomic_load_explicit(a, memory_order_relaxed);
	}
	return total;
}

static void route_label(ld_buf *b, size_t i)
{
	if (i == ld_route_count)
		ld_buf_adds(b, "method=\"\",route=\"unmatched\"");
	else
		ld_buf_addf(b, "method=\"%s\",route=\"%s\"", ld_routes[i].method,
			    ld_routes[i].path);
}

void h_meta_metrics(struct ld_req *r)
{
	struct ld_server *srv = r->srv;
	if (!metrics_allowed(r)) {
		ld_reply_error(r, LD_HE_FORBIDDEN,
			       "监控指标只对 --metrics-allow 所列的地址开放",
			       NULL);
		return;
	}
	ld_buf b;
	ld_buf_init(&b, (size_t)8 << 20);
	ld_buf_adds(&b, "# HELP liudong_http_requests_total HTTP requests by "
			"route and status class.\n"
			"# TYPE liudong_http_requests_total counter\n");
	for (size_t i = 0; i <= ld_route_count; i++)
		for (size_t c = 1; c <= 5; c++) {
			uint64_t v = sum_route(
				srv, i, offsetof(struct ld_route_metrics, by_class),
				c);
			if (!v)
				continue;
			ld_buf_adds(&b, "liudong_http_requests_total{");
			route_label(&b, i);
			ld_buf_addf(&b, ",status=\"%zuxx\"} %llu\n", c,
				    (unsigned long long)v);
		}
	ld_buf_adds(&b, "# HELP liudong_http_request_duration_seconds Time to "
			"answer, by route.\n"
			"# TYPE liudong_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= ld_route_count; i++) {
		uint64_t cum = 0, count = 0;
		for (size_t k = 0; k <= LD_LAT_BUCKETS; k++)
			count += sum_route(
				srv, i, offsetof(struct ld_route_metrics, lat), k);
		if (!count)
			continue;
		for (size_t k = 0; k <= LD_LAT_BUCKETS; k++) {
			cum += sum_route(srv, i,
					 offsetof(struct ld_route_metrics, lat),
					 k);
			ld_buf_adds(&b,
				    "liudong_http_request_duration_seconds_bucket{");
			route_label(&b, i);
			if (k < LD_LAT_BUCKETS)
				ld_buf_addf(&b, ",le=\"%g\"} %llu\n",
					    ld_latency_bounds_ms[k] / 1000.0,
					    (unsigned long long)cum);
			else
				ld_buf_addf(&b, ",le=\"+Inf\"} %llu\n",
					    (unsigned long long)cum);
		}
		ld_buf_adds(&b, "liudong_http_request_duration_seconds_sum{");
		route_label(&b, i);
		ld_buf_addf(&b, "} %.6f\n",
			    (double)sum_route(srv, i,
					      offsetof(struct ld_route_metrics,
						       lat_sum_us),
					      0) /
				    1e6);
		ld_buf_adds(&b, "liudong_http_request_duration_seconds_count{");
		route_label(&b, i);
		ld_buf_addf(&b, "} %llu\n", (unsigned long long)count);
	}

	const struct ld_writer_stats *ws = ld_writer_stats(srv->writer);
	ld_buf_addf(&b,
		    "# HELP liudong_writer_queue_jobs Write jobs waiting now.\n"
		    "# TYPE liudong_writer_queue_jobs gauge\n"
		    "liudong_writer_queue_jobs %lld\n"
		    "# HELP liudong_writer_batches_total Transactions committed "
		    "by the writer.\n"
		    "# TYPE liudong_writer_batches_total counter\n"
		    "liudong_writer_batches_total %llu\n"
		    "# HELP liudong_writer_jobs_total Write jobs done.\n"
		    "# TYPE liudong_writer_jobs_total counter\n"
		    "liudong_writer_jobs_total %llu\n"
		    "# TYPE liudong_writer_failed_commits_total counter\n"
		    "liudong_writer_failed_commits_total %llu\n",
		    (long long)atomic_load(&ws->queued),
		    (unsigned long long)atomic_load(&ws->batches),
		    (unsigned long long)atomic_load(&ws->jobs),
		    (unsigned long long)atomic_load(&ws->failed_commits));
	ld_buf_adds(&b, "# HELP liudong_writer_batch_size Jobs per commit.\n"
			"# TYPE liudong_writer_batch_size histogram\n");
	uint64_t cum = 0;
	for (int k = 0; k < LD_WRITER_HIST; k++) {
		cum += atomic_load(&ws->batch_size[k]);
		if (k < LD_WRITER_HIST - 1)
			ld_buf_addf(&b, "liudong_writer_batch_size_bucket{le=\"%d\"} %llu\n",
				    1 << k, (unsigned long long)cum);
	}
	ld_buf_addf(&b,
		    "liudong_writer_batch_size_bucket{le=\"+Inf\"} %llu\n"
		    "liudong_writer_batch_size_count %llu\n",
		    (unsigned long long)cum, (unsigned long long)cum);
	ld_buf_adds(&b, "# HELP liudong_writer_commit_seconds Time per "
			"transaction.\n"
			"# TYPE liudong_writer_commit_seconds histogram\n");
	cum = 0;
	for (int k = 0; k < LD_WRITER_HIST; k++) {
		cum += atomic_load(&ws->commit_us[k]);
		if (k < LD_WRITER_HIST - 1)
			ld_buf_addf(&b,
				    "liudong_writer_commit_seconds_bucket{le=\"%g\"} %llu\n",
				    (double)(100u << k) / 1e6,
				    (unsigned long long)cum);
	}
	ld_buf_addf(&b,
		    "liudong_writer_commit_seconds_bucket{le=\"+Inf\"} %llu\n"
		    "liudong_writer_commit_seconds_sum %.6f\n"
		    "liudong_writer_commit_seconds_count %llu\n",
		    (unsigned long long)cum,
		    (double)atomic_load(&ws->commit_us_sum) / 1e6,
		    (unsigned long long)cum);
	const struct ld_hasher_stats *hs = ld_hasher_stats(srv->hasher);
	ld_buf_addf(&b,
		    "# HELP liudong_password_hashes_total Passwords hashed or "
		    "checked (sign-in, password change, reset).\n"
		    "# TYPE liudong_password_hashes_total counter\n"
		    "liudong_password_hashes_total %llu\n"
		    "# HELP liudong_password_busy_total Refused at once with "
		    "503: the hashing queue was full.\n"
		    "# TYPE liudong_password_busy_total counter\n"
		    "liudong_password_busy_total %llu\n"
		    "# HELP liudong_password_dropped_total Not hashed: the "
		    "client had gone before its turn.\n"
		    "# TYPE liudong_password_dropped_total counter\n"
		    "liudong_password_dropped_total %llu\n"
		    "# HELP liudong_password_queue Waiting for the hashing "
		    "thread now.\n"
		    "# TYPE liudong_password_queue gauge\n"
		    "liudong_password_queue %lld\n"
		    "# HELP liudong_password_queue_peak Most ever waiting at "
		    "once (at most %d).\n"
		    "# TYPE liudong_password_queue_peak gauge\n"
		    "liudong_password_queue_peak %lld\n",
		    (unsigned long long)atomic_load(&hs->hashed),
		    (unsigned long long)atomic_load(&hs->busy),
		    (unsigned long long)atomic_load(&hs->dropped),
		    (long long)atomic_load(&hs->queued), LD_HASH_QUEUE_MAX,
		    (long long)atomic_load(&hs->peak));
	const struct {
		const char *name;
		struct ld_throttle *t;
	} throttles[] = {{"login", srv->throttle}, {"otp", srv->otp_throttle}};
	ld_buf_adds(&b, "# HELP liudong_throttle_refused_total Attempts refused "
			"as locked (429).\n"
			"# TYPE liudong_throttle_refused_total counter\n");
	struct ld_throttle_stats ts[2];
	for (int i = 0; i < 2; i++) {
		ld_throttle_stats(throttles[i].t, &ts[i]);
		ld_buf_addf(&b, "liudong_throttle_refused_total{throttle=\"%s\"} "
				"%llu\n",
			    throttles[i].name,
			    (unsigned long long)ts[i].refused);
	}
	ld_buf_adds(&b, "# HELP liudong_throttle_addresses_uncounted_total "
			"Attempts whose address was not counted: the address "
			"table was full.\n"
			"# TYPE liudong_throttle_addresses_uncounted_total "
			"counter\n");
	for (int i = 0; i < 2; i++)
		ld_buf_addf(&b,
			    "liudong_throttle_addresses_uncounted_total{throttle="
			    "\"%s\"} %llu\n",
			    throttles[i].name,
			    (unsigned long long)ts[i].addresses_uncounted);
	ld_buf_adds(&b, "# HELP liudong_throttle_keys_overflowed_total Attempts "
			"of unknown keys counted in shared counters: the key "
			"table was full.\n"
			"# TYPE liudong_throttle_keys_overflowed_total counter\n");
	for (int i = 0; i < 2; i++)
		ld_buf_addf(&b,
			    "liudong_throttle_keys_overflowed_total{throttle="
			    "\"%s\"} %llu\n",
			    throttles[i].name,
			    (unsigned long long)ts[i].keys_overflowed);
	ld_buf_adds(&b, "# HELP liudong_throttle_entries Counters held now.\n"
			"# TYPE liudong_throttle_entries gauge\n");
	for (int i = 0; i < 2; i++)
		ld_buf_addf(&b,
			    "liudong_throttle_entries{throttle=\"%s\",kind="
			    "\"key\"} %llu\n"
			    "liudong_throttle_entries{throttle=\"%s\",kind="
			    "\"address\"} %llu\n",
			    throttles[i].name, (unsigned long long)ts[i].keys,
			    throttles[i].name,
			    (unsigned long long)ts[i].addresses);
	int64_t persons = 0, active = 0, audit = 0;
	if (srv->ops->counts(r->th->reader, &persons, &active, &audit) == LD_OK)
		ld_buf_addf(&b,
			    "# TYPE liudong_store_persons gauge\n"
			    "liudong_store_persons %lld\n"
			    "# TYPE liudong_store_active_registrations gauge\n"
			    "liudong_store_active_registrations %lld\n"
			    "# TYPE liudong_store_audit_entries gauge\n"
			    "liudong_store_audit_entries %lld\n",
			    (long long)persons, (long long)active,
			    (long long)audit);

	if (r->replied || !r->h2o) {
		ld_buf_release(&b);
		return;
	}
	r->replied = true;
	h2o_req_t *req = r->h2o;
	req->res.status = 200;
	req->res.reason = "OK";
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
		       NULL, H2O_STRLIT("text/plain; version=0.0.4"));
	char *copy = h2o_mem_alloc_pool(&req->pool, b.len + 1);
	memcpy(copy, b.data ? b.data : "", b.len);
	void ld_req_replied(struct ld_req *, int, size_t);
	ld_req_replied(r, 200, b.len);
	req->res.content_length = b.len;
	h2o_send_inline(req, copy, b.len);
	ld_buf_release(&b);
}

/* ---- OpenAPI -------------------------------------------------------- */

static void schema_of(ld_jw *w, const struct ld_field *fields);

static void field_schema(ld_jw *w, const struct ld_field *f)
{
	if (f->type == LD_F_OBJECT) {
		schema_of(w, f->fields);
		return;
	}
	if (f->type == LD_F_ARRAY) {
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "type", "array");
		ld_jw_kint(w, "maxItems", f->max_len ? f->max_len : 100);
		ld_jw_key(w, "items");
		schema_of(w, f->fields);
		if (f->desc)
			ld_jw_kstr(w, "description", f->desc);
		ld_jw_obj_close(w);
		return;
	}
	ld_jw_obj_open(w);
	switch (f->type) {
	case LD_F_INT:
		ld_jw_kstr(w, "type", "integer");
		break;
	case LD_F_BOOL:
		ld_jw_kstr(w, "type", "boolean");
		break;
	case LD_F_DATE:
		ld_jw_kstr(w, "type", "string");
		ld_jw_kstr(w, "format", "date");
		break;
	case LD_F_ID_NUMBER:
		ld_jw_kstr(w, "type", "string");
		ld_jw_kstr(w, "pattern", "^[0-9]{17}[0-9Xx]$");
		break;
	case LD_F_DIVISION:
		ld_jw_kstr(w, "type", "string");
		ld_jw_kstr(w, "pattern", "^[0-9]{6}$");
		break;
	case LD_F_CODE:
		ld_jw_kstr(w, "type", "string");
		ld_jw_key(w, "enum");
		ld_jw_arr_open(w);
		for (size_t i = 0; i < f->codes->n; i++)
			ld_jw_str(w, f->codes->items[i].code);
		ld_jw_arr_close(w);
		break;
	default:
		ld_jw_kstr(w, "type", "string");
		ld_jw_kint(w, "maxLength", f->max_len ? f->max_len : 200);
	}
	if (f->desc)
		ld_jw_kstr(w, "description", f->desc);
	ld_jw_obj_close(w);
}

static void schema_of(ld_jw *w, const struct ld_field *fields)
{
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "type", "object");
	ld_jw_kbool(w, "additionalProperties", false);
	ld_jw_key(w, "required");
	ld_jw_arr_open(w);
	for (const struct ld_field *f = fields; f->name; f++)
		if (f->required)
			ld_jw_str(w, f->name);
	ld_jw_arr_close(w);
	ld_jw_key(w, "properties");
	ld_jw_obj_open(w);
	for (const struct ld_field *f = fields; f->name; f++) {
		ld_jw_key(w, f->name);
		field_schema(w, f);
	}
	ld_jw_obj_close(w);
	ld_jw_obj_close(w);
}

/* A query parameter with the schema of its type (http.h: ld_ptype). */
static void query_param(ld_jw *w, const struct ld_param *q)
{
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "name", q->name);
	ld_jw_kstr(w, "in", "query");
	ld_jw_kbool(w, "required", q->required);
	ld_jw_kstr(w, "description", q->desc);
	ld_jw_key(w, "schema");
	ld_jw_obj_open(w);
	switch (q->type) {
	case LD_P_TEXT:
		ld_jw_kstr(w, "type", "string");
		ld_jw_kint(w, "maxLength", q->max > 0 ? q->max : 200);
		break;
	case LD_P_INT:
		ld_jw_kstr(w, "type", "integer");
		ld_jw_kint(w, "minimum", q->min);
		ld_jw_kint(w, "maximum", q->max);
		break;
	case LD_P_DATE:
		ld_jw_kstr(w, "type", "string");
		ld_jw_kstr(w, "format", "date");
		break;
	case LD_P_MONTH:
		ld_jw_kstr(w, "type", "string");
		ld_jw_kstr(w, "pattern", "^[0-9]{4}-(0[1-9]|1[0-2])$");
		break;
	case LD_P_ENUM:
		ld_jw_kstr(w, "type", "string");
		ld_jw_key(w, "enum");
		ld_jw_arr_open(w);
		for (size_t i = 0; i < q->codes->n; i++)
			ld_jw_str(w, q->codes->items[i].code);
		ld_jw_arr_close(w);
		break;
	case LD_P_FLAG:
		ld_jw_kstr(w, "type", "string");
		ld_jw_key(w, "enum");
		ld_jw_arr_open(w);
		ld_jw_str(w, "0");
		ld_jw_str(w, "1");
		ld_jw_arr_close(w);
		break;
	case LD_P_AREA:
		ld_jw_kstr(w, "type", "string");
		ld_jw_kstr(w, "pattern",
			   "^([0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15})$");
		break;
	}
	ld_jw_obj_close(w);
	ld_jw_obj_close(w);
}

static void operation(ld_jw *w, const struct ld_route *rt)
{
	char lower[8];
	size_t k = 0;
	for (; rt->method[k] && k < sizeof lower - 1; k++)
		lower[k] = (char)(rt->method[k] - 'A' + 'a');
	lower[k] = '\0';
	ld_jw_key(w, lower);
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "summary", rt->summary);
	ld_jw_kstr(w, "operationId", rt->perm);
	ld_jw_key(w, "tags");
	ld_jw_arr_open(w);
	ld_jw_str(w, rt->tag);
	ld_jw_arr_close(w);
	ld_jw_key(w, "x-permission");
	ld_jw_str(w, rt->perm);
	ld_jw_key(w, "x-roles");
	ld_jw_arr_open(w);
	for (int role = 0; role < LD_ROLE__COUNT; role++)
		if (rt->roles & (1u << role))
			ld_jw_str(w, ld_role_code((enum ld_role)role));
	ld_jw_arr_close(w);
	if (rt->purpose)
		ld_jw_kstr(w, "x-purpose", rt->purpose);
	if (rt->flags & LD_R_PW_PENDING_OK)
		ld_jw_kbool(w, "x-open-before-password-change", true);
	if (rt->flags & LD_R_AUTH) {
		ld_jw_key(w, "security");
		ld_jw_arr_open(w);
		ld_jw_obj_open(w);
		ld_jw_key(w, "bearer");
		ld_jw_arr_open(w);
		ld_jw_arr_close(w);
		ld_jw_obj_close(w);
		if (rt->flags & LD_R_ORG_OK) {
			ld_jw_obj_open(w);
			ld_jw_key(w, "apiKey");
			ld_jw_arr_open(w);
			ld_jw_arr_close(w);
			ld_jw_obj_close(w);
		}
		ld_jw_arr_close(w);
	}
	ld_jw_key(w, "parameters");
	ld_jw_arr_open(w);
	if (strstr(rt->path, "{id}")) {
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "name", "id");
		ld_jw_kstr(w, "in", "path");
		ld_jw_kbool(w, "required", true);
		ld_jw_key(w, "schema");
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "type", "integer");
		ld_jw_obj_close(w);
		ld_jw_obj_close(w);
	}
	if (strstr(rt->path, "{no}")) {
		bool part = strstr(rt->path, "/parts/") != NULL;
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "name", "no");
		ld_jw_kstr(w, "in", "path");
		ld_jw_kbool(w, "required", true);
		ld_jw_kstr(w, "description",
			   part ? "分片序号，从1起" : "居住证编号");
		ld_jw_key(w, "schema");
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "type", "string");
		ld_jw_kstr(w, "pattern",
			   part ? "^[1-9][0-9]{0,3}$" : "^[0-9A-Z]{1,32}$");
		ld_jw_obj_close(w);
		ld_jw_obj_close(w);
	}
	if (rt->flags & LD_R_READ_REASON || rt->purpose) {
		/* Required where a person is read; on a route with a purpose
		 * (a list, a print page) the purpose is recorded unless a
		 * reason is given. */
		static const struct ld_param required = {
			"reason", true, "查阅事由，记入审计日志", LD_P_TEXT,
			NULL, 0, 200};
		static const struct ld_param optional = {
			"reason", false,
			"查阅事由，记入审计日志；缺省记为本接口的用途（x-purpose）",
			LD_P_TEXT, NULL, 0, 200};
		query_param(w, rt->flags & LD_R_READ_REASON ? &required
							     : &optional);
	}
	for (const struct ld_param *q = rt->query; q && q->name; q++)
		query_param(w, q);
	ld_jw_arr_close(w);
	if (rt->flags & LD_R_FILE) {
		/* The file as it is, within the route's limit (http.h). */
		ld_jw_key(w, "requestBody");
		ld_jw_obj_open(w);
		ld_jw_kbool(w, "required", true);
		ld_jw_kstr(w, "description",
			   "文件内容，原样发送（不超过1 MiB）");
		ld_jw_key(w, "content");
		ld_jw_obj_open(w);
		static const char *const csv[] = {
			"text/csv", "application/octet-stream", NULL};
		const char *const *types = rt->file_types ? rt->file_types : csv;
		for (size_t t = 0; types[t]; t++) {
			ld_jw_key(w, types[t]);
			ld_jw_obj_open(w);
			ld_jw_key(w, "schema");
			ld_jw_obj_open(w);
			ld_jw_kstr(w, "type", "string");
			ld_jw_kstr(w, "format", "binary");
			ld_jw_kint(w, "maxLength", (int64_t)rt->max_body);
			ld_jw_obj_close(w);
			ld_jw_obj_close(w);
		}
		ld_jw_obj_close(w);
		ld_jw_obj_close(w);
	}
	if (rt->flags & LD_R_BODY) {
		ld_jw_key(w, "requestBody");
		ld_jw_obj_open(w);
		ld_jw_kbool(w, "required", true);
		ld_jw_key(w, "content");
		ld_jw_obj_open(w);
		ld_jw_key(w, "application/json");
		ld_jw_obj_open(w);
		ld_jw_key(w, "schema");
		schema_of(w, rt->body);
		ld_jw_obj_close(w);
		ld_jw_obj_close(w);
		ld_jw_obj_close(w);
	}
	ld_jw_key(w, "responses");
	ld_jw_obj_open(w);
	ld_jw_key(w, (rt->flags & LD_R_WRITE) && strcmp(rt->method, "POST") == 0 &&
			     strstr(rt->path, "/registrations") &&
			     !strstr(rt->path, "{id}") && !strstr(rt->path, "check")
		     ? "201"
		     : "200");
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "description", "成功");
	ld_jw_obj_close(w);
	ld_jw_key(w, "default");
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "$ref", "#/components/responses/Error");
	ld_jw_obj_close(w);
	ld_jw_obj_close(w);
	ld_jw_obj_close(w);
}

void h_meta_openapi(struct ld_req *r)
{
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "openapi", "3.0.3");
	ld_jw_key(&w, "info");
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "title", "liudong 济南市流动人口服务管理平台 API");
	ld_jw_kstr(&w, "version", "1");
	ld_jw_kstr(&w, "description",
		   "查询参数按各操作的说明检查：未定义或重复的参数以400拒绝"
		   "（unknown_parameter、bad_request），取值不符以422拒绝"
		   "（invalid，field 为参数名），空值视为未提供。请求体须为 "
		   "Content-Type: application/json（可带 charset=utf-8），否则"
		   "以415拒绝（unsupported_media_type）。文字中不得含有控制字符、"
		   "改变显示方向的控制字符（如 U+202E）和不可见字符（422）。");
	ld_jw_obj_close(&w);
	ld_jw_key(&w, "paths");
	ld_jw_obj_open(&w);
	/* Routes sharing a path are grouped under it. */
	for (size_t i = 0; i < ld_route_count; i++) {
		bool first = true;
		for (size_t k = 0; k < i; k++)
			if (strcmp(ld_routes[k].path, ld_routes[i].path) == 0)
				first = false;
		if (!first)
			continue;
		ld_jw_key(&w, ld_routes[i].path);
		ld_jw_obj_open(&w);
		for (size_t k = i; k < ld_route_count; k++)
			if (strcmp(ld_routes[k].path, ld_routes[i].path) == 0)
				operation(&w, &ld_routes[k]);
		ld_jw_obj_close(&w);
	}
	ld_jw_obj_close(&w);
	ld_jw_key(&w, "components");
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "securitySchemes");
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "bearer");
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "type", "http");
	ld_jw_kstr(&w, "scheme", "bearer");
	ld_jw_obj_close(&w);
	ld_jw_key(&w, "apiKey");
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "type", "apiKey");
	ld_jw_kstr(&w, "in", "header");
	ld_jw_kstr(&w, "name", "Authorization");
	ld_jw_kstr(&w, "description",
		   "报告单位的接入密钥：Authorization: ApiKey <密钥>");
	ld_jw_obj_close(&w);
	ld_jw_obj_close(&w);
	ld_jw_key(&w, "responses");
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "Error");
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "description",
		   "错误：{\"error\":{\"code\",\"message\",\"field\"}}");
	ld_jw_key(&w, "x-codes");
	ld_jw_obj_open(&w);
	for (int k = 0; k < LD_HE__COUNT; k++)
		ld_jw_kint(&w, ld_http_errors[k].code, ld_http_errors[k].status);
	ld_jw_obj_close(&w);
	ld_jw_obj_close(&w);
	ld_jw_obj_close(&w);
	ld_jw_obj_close(&w);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

/* ---- code lists, areas, stations ------------------------------------ */

static void code_list(ld_jw *w, const struct ld_code_list *l)
{
	ld_jw_key(w, l->name);
	ld_jw_arr_open(w);
	for (size_t i = 0; i < l->n; i++) {
		ld_jw_obj_open(w);
		ld_jw_kstr(w, "code", l->items[i].code);
		ld_jw_kstr(w, "label", l->items[i].label);
		ld_jw_obj_close(w);
	}
	ld_jw_arr_close(w);
}

void h_meta_codes(struct ld_req *r)
{
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	code_list(&w, &ld_ethnicities);
	code_list(&w, &ld_stay_reasons);
	code_list(&w, &ld_housing_kinds);
	code_list(&w, &ld_reporters);
	code_list(&w, &ld_document_types);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

void h_areas_list(struct ld_req *r)
{
	const char *parent = ld_req_query(r, "parent");
	ld_area *list;
	size_t n;
	ld_status rc = r->srv->ops->area_children(r->th->reader, parent,
						  &r->arena, &list, &n);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "items");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < n; i++) {
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "code", list[i].code);
		ld_jw_kstr(&w, "parent", list[i].parent);
		ld_jw_kint(&w, "level", list[i].level);
		ld_jw_kstr(&w, "name", list[i].name);
		ld_jw_kstr(&w, "station", list[i].station);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

void h_stations_list(struct ld_req *r)
{
	ld_station *list;
	size_t n;
	ld_status rc = r->srv->ops->stations_list(r->th->reader, &r->arena,
						  &list, &n);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "items");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < n; i++) {
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "code", list[i].code);
		ld_jw_kstr(&w, "name", list[i].name);
		ld_jw_kstr(&w, "district", list[i].district);
		ld_jw_kstr(&w, "address", list[i].address);
		ld_jw_kstr(&w, "phone", list[i].phone);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}
