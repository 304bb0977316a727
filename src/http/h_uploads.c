/*
 * h_uploads.c — files of reports (docs/grid.md, "Uploads"): received in
 * one request (up to LD_MAX_REQUEST_BODY) or in numbered parts, checked on
 * the upload worker (never on an event loop), kept, within a quota, until
 * they are confirmed, discarded or expire; confirmed in the writer, which
 * checks every row again and writes them in one transaction.
 *
 *   POST   /api/v1/reports/uploads                  a file in one piece
 *   POST   /api/v1/reports/uploads/sessions         open an upload in parts
 *   PUT    /api/v1/reports/uploads/{id}/parts/{no}  one part
 *   GET    /api/v1/reports/uploads/{id}             where it stands
 *   POST   /api/v1/reports/uploads/{id}/complete    check the parts: preview
 *   POST   /api/v1/reports/uploads/{id}/confirm     write the rows
 *   DELETE /api/v1/reports/uploads/{id}             discard it
 *
 * Checking a file is upload.c's; the thread it runs on, upload_worker.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crypto/sm3.h"
#include "http/body.h"
#include "http/grid.h"
#include "http/handlers.h"
#include "http/reply.h"
#include "http/upload.h"
#include "http/upload_worker.h"
#include "store/audit.h"

/* Memory a check may take besides the file: the file again as UTF-8 when
 * it came in GBK (at most half as large again), and the rows. */
#define CHECK_ARENA_MAX ((size_t)LD_UPLOAD_MAX_FILE * 3)

/* ---- shared --------------------------------------------------------- */

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static int parts_of(int64_t size)
{
	return (int)((size + LD_UPLOAD_PART_SIZE - 1) / LD_UPLOAD_PART_SIZE);
}

/* The size part n of a file of `size` bytes must have. */
static int64_t part_len(int64_t size, int n)
{
	return n < parts_of(size) ? LD_UPLOAD_PART_SIZE
				  : size - (int64_t)(n - 1) * LD_UPLOAD_PART_SIZE;
}

static bool is_pending(const ld_upload *u)
{
	return strcmp(u->status, "receiving") == 0 ||
	       strcmp(u->status, "previewed") == 0;
}

/* Dropped, or pending past its expiry (the sweep may not have run yet). */
static bool is_gone(const ld_upload *u, int64_t now)
{
	return strcmp(u->status, "discarded") == 0 ||
	       strcmp(u->status, "expired") == 0 ||
	       (is_pending(u) && u->expires_at <= now);
}

/* "24小时", "30分钟", "5秒": how long an unconfirmed upload is kept. */
static void duration_text(int s, char out[24])
{
	if (s >= 3600 && s % 3600 == 0)
		snprintf(out, 24, "%d小时", s / 3600);
	else if (s >= 60 && s % 60 == 0)
		snprintf(out, 24, "%d分钟", s / 60);
	else
		snprintf(out, 24, "%d秒", s);
}

/* The 410 of an upload that is gone, saying why. */
static void reply_gone(struct ld_req *r, const ld_upload *u)
{
	char kept[24];
	duration_text(r->srv->cfg.upload_expiry_s, kept);
	char msg[192];
	if (strcmp(u->status, "discarded") == 0)
		snprintf(msg, sizeof msg, "该上传已放弃，文件已删除；请重新上传");
	else
		snprintf(msg, sizeof msg,
			 "该上传超过%s未确认导入，已过期，文件已删除；请重新上传",
			 kept);
	ld_reply_error(r, LD_HE_GONE, msg, NULL);
}

static void unix_text(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Whether one more pending upload of `bytes` fits the quotas at `now`:
 * the organisation's, and for staff the clerk's own (user != 0). LD_OK;
 * LD_EDENIED with a Chinese message in msg; else the store's failure.
 */
static ld_status quota_check(const struct ld_server_config *cfg,
			     const struct ld_store_ops *ops, ld_conn *c,
			     ld_id org, ld_id user, int64_t now, int64_t bytes,
			     char msg[192])
{
	char kept[24];
	duration_text(cfg->upload_expiry_s, kept);
	for (int by_user = 0; by_user <= (user ? 1 : 0); by_user++) {
		int count;
		int64_t held;
		ld_status rc = ops->uploads_pending(c, org, by_user ? user : 0,
						    now, &count, &held);
		if (rc != LD_OK)
			return rc;
		const char *who = by_user ? "您" : "该报告单位";
		if (count >= cfg->upload_pending) {
			snprintf(msg, 192,
				 "%s已有%d个上传未确认导入（最多%d个）：请先确认导入"
				 "或放弃，未确认的上传%s后自动删除",
				 who, count, cfg->upload_pending, kept);
			return LD_EDENIED;
		}
		if (held + bytes > LD_UPLOAD_PENDING_BYTES) {
			snprintf(msg, 192,
				 "%s未确认导入的上传共%.1f MB，加上本文件将超过%d "
				 "MB：请先确认导入或放弃已有的上传",
				 who, (double)held / (1 << 20),
				 (int)(LD_UPLOAD_PENDING_BYTES >> 20));
			return LD_EDENIED;
		}
	}
	return LD_OK;
}

/* On the loop, before any work: refuse at once when over quota (the
 * writer checks again when it stores). Replies and returns false. */
static bool quota_allows(struct ld_req *r, ld_id org, int64_t bytes)
{
	char msg[192];
	ld_status rc = quota_check(&r->srv->cfg, r->srv->ops, r->th->reader,
				   org, r->org ? 0 : r->user.id, now_s(), bytes,
				   msg);
	if (rc == LD_EDENIED)
		ld_reply_error(r, LD_HE_QUOTA, msg, NULL);
	else if (rc != LD_OK)
		ld_reply_status(r, rc, NULL);
	return rc == LD_OK;
}

/* Load upload {id} into *u (memory from ar) and check that the caller may
 * act on it: an organisation on its own, staff on one of an organisation
 * in their area. Replies (a refusal is audited) and returns false
 * otherwise. */
static bool upload_of_path(struct ld_req *r, ld_arena *ar, ld_upload *u,
			   char target[48])
{
	const struct ld_store_ops *ops = r->srv->ops;
	snprintf(target, 48, "upload:%lld", (long long)r->path_id);
	ld_status rc = ops->upload_get(r->th->reader, r->path_id, ar, u);
	ld_org o;
	if (rc == LD_OK)
		rc = ops->org_get(r->th->reader, u->org_id, &r->arena, &o);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return false;
	}
	bool mine = r->org ? u->org_id == r->org_id
			   : ld_grid_visible(r, o.grid, o.community);
	if (!mine) {
		ld_deny(r, r->org ? LD_HE_FORBIDDEN : LD_HE_OUT_OF_AREA, target);
		return false;
	}
	return true;
}

/* ---- views ---------------------------------------------------------- */

/* "upload": where it stands, with the numbers of the parts received. */
static void view_state(ld_jw *w, const ld_upload *u,
		       const ld_upload_part *parts, size_t n)
{
	char t[32];
	ld_jw_key(w, "upload");
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", u->id);
	ld_jw_kint(w, "organisation_id", u->org_id);
	ld_jw_kstr(w, "status", u->status);
	ld_jw_kstr(w, "name", u->name);
	ld_jw_kint(w, "size", u->size);
	ld_jw_kstr(w, "sm3", u->sm3);
	ld_jw_kint(w, "part_size", LD_UPLOAD_PART_SIZE);
	ld_jw_kint(w, "parts", parts_of(u->size));
	ld_jw_key(w, "received");
	ld_jw_arr_open(w);
	for (size_t i = 0; i < n; i++)
		ld_jw_int(w, parts[i].n);
	ld_jw_arr_close(w);
	if (strcmp(u->status, "receiving") != 0) {
		ld_jw_kstr(w, "encoding", u->encoding);
		ld_jw_kint(w, "rows", u->rows);
		ld_jw_kint(w, "good", u->rows - u->bad);
		ld_jw_kint(w, "bad", u->bad);
	}
	ld_jw_kstr(w, "created_at", u->created_at);
	if (is_pending(u)) {
		unix_text(u->expires_at, t);
		ld_jw_kstr(w, "expires_at", t);
	}
	if (u->confirmed_at)
		ld_jw_kstr(w, "confirmed_at", u->confirmed_at);
	if (u->dropped_at)
		ld_jw_kstr(w, "dropped_at", u->dropped_at);
	ld_jw_obj_close(w);
}

/* "upload" with what a check found, then "rows" (the first good ones) and
 * "errors" (the bad ones). To the organisation itself (t->for_reporter),
 * nothing of the tasks its rows would open: that is the registry's to
 * know. */
static void view_checked(ld_jw *w, const ld_upload *u,
			 const struct ld_upload_tally *t)
{
	ld_jw_key(w, "upload");
	ld_jw_obj_open(w);
	ld_jw_kint(w, "id", u->id);
	ld_jw_kint(w, "organisation_id", u->org_id);
	ld_jw_kstr(w, "status", u->status);
	ld_jw_kstr(w, "name", u->name);
	ld_jw_kint(w, "size", u->size);
	ld_jw_kstr(w, "encoding", u->encoding);
	ld_jw_kint(w, "rows", t->rows);
	ld_jw_kint(w, "good", t->rows - t->bad);
	ld_jw_kint(w, "bad", t->bad);
	ld_jw_key(w, "by_kind");
	ld_jw_obj_open(w);
	for (int k = 0; k < LD_RK__COUNT; k++)
		if (t->by_kind[k])
			ld_jw_kint(w, ld_report_kind_code((ld_report_kind)k),
				   t->by_kind[k]);
	ld_jw_obj_close(w);
	ld_jw_kint(w, "late", t->late);
	if (!t->for_reporter)
		ld_jw_kint(w, "tasks", t->tasks);
	if (is_pending(u)) {
		char e[32];
		unix_text(u->expires_at, e);
		ld_jw_kstr(w, "expires_at", e);
	}
	ld_jw_obj_close(w);
	ld_jw_key(w, "rows");
	ld_jw_raw(w, t->rows_json.data, t->rows_json.len);
	ld_jw_key(w, "errors");
	ld_jw_raw(w, t->errors_json.data, t->errors_json.len);
}

/* ---- the preview: a file checked on the worker ------------------------ */

/*
 * A preview: of a file sent in one piece (u.id 0: `data` is the body,
 * stored once it is checked), or of an upload whose parts are all in (the
 * worker reads them). Allocated apart from the request, which may go
 * before the check is done; freed by preview_free.
 */
struct preview {
	struct ld_upload_task task;
	struct ld_server *srv;
	ld_arena arena; /* the check's memory, and u's strings */
	struct ld_report_ctx x;
	ld_upload u;
	char *data; /* one piece: the body (malloc) */
	size_t len;
	char now[32];
	int64_t now_s;
	/* What the check found. */
	ld_status rc;
	ld_error err;
	struct ld_upload_tally t;
	/* What the writer found. */
	char refusal[192]; /* over quota */
	bool gone, changed;
};

static void preview_free(struct preview *pv)
{
	ld_report_ctx_close(&pv->x);
	ld_upload_tally_release(&pv->t);
	ld_arena_release(&pv->arena);
	free(pv->data);
	free(pv);
}

static struct preview *preview_new(struct ld_req *r, ld_id org)
{
	struct preview *pv = calloc(1, sizeof *pv);
	if (!pv)
		return NULL;
	pv->srv = r->srv;
	ld_arena_init(&pv->arena, CHECK_ARENA_MAX);
	ld_audit_now(pv->now);
	pv->now_s = now_s();
	/* The rows are checked on the worker's connection (set there). */
	ld_grid_report_ctx_init(r, &pv->x, r->srv->ops, NULL, &pv->arena,
				pv->now);
	ld_upload_tally_init(&pv->t);
	pv->t.for_reporter = r->org;
	pv->u.org_id = org;
	pv->u.user_id = r->org ? 0 : r->user.id;
	pv->u.created_at = pv->now;
	return pv;
}

/* On the worker: the upload's parts as one file in *file, checked to be
 * all there, of the declared size and (when declared) SM3 digest. */
static ld_status read_parts(struct preview *pv, ld_conn *c, ld_buf *file)
{
	const struct ld_store_ops *ops = pv->srv->ops;
	ld_upload now;
	ld_status rc = ops->upload_get(c, pv->u.id, &pv->arena, &now);
	if (rc != LD_OK)
		return rc;
	if (strcmp(now.status, "receiving") != 0)
		return ld_fail(&pv->err, LD_ECONFLICT, NULL,
			       "该上传已不在接收分片（%s）", now.status);
	rc = ld_buf_reserve(file, (size_t)now.size);
	if (rc == LD_OK)
		rc = ops->upload_file(c, now.id, file);
	if (rc == LD_ETOOBIG || (rc == LD_OK && (int64_t)file->len != now.size))
		return ld_fail(&pv->err, LD_EINVAL, "parts",
			       "收到的分片共%zu字节，与声明的文件大小%lld字节不符",
			       file->len, (long long)now.size);
	if (rc != LD_OK)
		return rc;
	if (now.sm3) {
		char got[LD_SM3_HEX_LEN + 1];
		rc = ld_sm3_hex(file->data, file->len, got);
		if (rc != LD_OK)
			return rc;
		if (strcasecmp(got, now.sm3) != 0)
			return ld_fail(&pv->err, LD_EINVAL, "sm3",
				       "收到的文件与声明的 SM3 杂凑值不一致"
				       "（收到的为 %s）",
				       got);
	}
	pv->u = now; /* its revision is what the preview is of */
	return LD_OK;
}

/* On the worker: check every row. */
static void preview_run(struct ld_upload_task *task, ld_conn *c,
			const atomic_bool *cancel)
{
	struct preview *pv = H2O_STRUCT_FROM_MEMBER(struct preview, task, task);
	ld_buf file;
	ld_buf_init(&file, (size_t)LD_UPLOAD_MAX_FILE);
	const char *data = pv->data;
	size_t len = pv->len;
	ld_status rc = LD_OK;
	if (pv->u.id) {
		rc = read_parts(pv, c, &file);
		data = file.data;
		len = file.len;
	}
	pv->x.c = c;
	if (rc == LD_OK)
		rc = ld_grid_org_load(&pv->x, pv->u.org_id);
	const char *encoding = "";
	if (rc == LD_OK)
		rc = ld_upload_check_file(
			&(struct ld_upload_check){.x = &pv->x,
						  .store = pv->srv->store,
						  .cancel = cancel},
			data, len, &pv->t, &encoding, &pv->err);
	pv->u.encoding = encoding;
	pv->u.rows = pv->t.rows;
	pv->u.bad = pv->t.bad;
	ld_report_ctx_close(&pv->x);
	ld_buf_release(&file);
	pv->rc = rc;
}

/* In the writer, a file in one piece: within the quota, the upload and its
 * file (as part 1) are stored. */
static ld_status store_one_piece_run(ld_write_job *job,
				     const struct ld_store_ops *ops, ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct preview *pv = p->data;
	pv->refusal[0] = '\0';
	ld_status rc = quota_check(&pv->srv->cfg, ops, c, pv->u.org_id,
				   pv->u.user_id, pv->now_s, (int64_t)pv->len,
				   pv->refusal);
	if (rc == LD_EDENIED) {
		job->audit[0].result = "denied";
		job->audit[0].detail = "quota";
		return rc;
	}
	if (rc != LD_OK)
		return rc;
	pv->u.status = "previewed";
	pv->u.size = (int64_t)pv->len;
	pv->u.expires_at = pv->now_s + pv->srv->cfg.upload_expiry_s;
	pv->u.data = pv->data;
	pv->u.len = pv->len;
	rc = ops->upload_insert(c, &pv->u);
	pv->u.data = NULL;
	if (rc == LD_OK)
		ld_pending_target(p, "upload", pv->u.id);
	return rc;
}

/* In the writer, an upload in parts: receiving -> previewed, provided no
 * part changed since it was checked and it is neither dropped nor past
 * its expiry. */
static ld_status record_preview_run(ld_write_job *job,
				    const struct ld_store_ops *ops, ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct preview *pv = p->data;
	pv->gone = pv->changed = false;
	ld_upload now;
	ld_status rc = ops->upload_get(c, pv->u.id, &p->arena, &now);
	if (rc != LD_OK)
		return rc;
	if (is_gone(&now, now_s())) {
		pv->gone = true;
		pv->u.status = now.status;
		return LD_ECONFLICT;
	}
	rc = ops->upload_previewed(c, &pv->u);
	if (rc == LD_ECONFLICT) {
		pv->changed = true;
		return ld_fail(&job->err, LD_ECONFLICT, "parts",
			       "检查期间分片有改动（或已检查过），请重新提交完成请求");
	}
	if (rc == LD_OK)
		pv->u.status = "previewed";
	return rc;
}

static void preview_finish(struct ld_req *r, struct ld_pending *p)
{
	struct preview *pv = p->data;
	ld_status st = p->job.status;
	if (st == LD_EDENIED && pv->refusal[0]) {
		ld_reply_error(r, LD_HE_QUOTA, pv->refusal, NULL);
	} else if (pv->gone) {
		reply_gone(r, &pv->u);
	} else if (st != LD_OK) {
		ld_reply_status(r, st, &p->job.err);
	} else {
		ld_buf b;
		ld_jw w;
		ld_reply_begin(r, &w, &b);
		ld_jw_obj_open(&w);
		view_checked(&w, &pv->u, &pv->t);
		ld_jw_obj_close(&w);
		ld_reply_end(r, &w, &b, 200);
	}
}

static void preview_release(struct ld_pending *p)
{
	preview_free(p->data);
}

/* Discard upload `id`, deleting its parts; LD_ECONFLICT (err set) when it
 * is no longer pending. */
static ld_status discard(ld_write_job *job, const struct ld_store_ops *ops,
			 ld_conn *c, ld_id id)
{
	char now[32];
	ld_audit_now(now);
	ld_status rc = ops->upload_drop(c, id, "discarded", now);
	if (rc == LD_ECONFLICT)
		return ld_fail(&job->err, LD_ECONFLICT, NULL,
			       "已确认导入的上传不能放弃");
	return rc;
}

static ld_status discard_refused_run(ld_write_job *job,
				     const struct ld_store_ops *ops, ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	return discard(job, ops, c, *(const ld_id *)p->data);
}

/* A file refused as a whole, sent in parts: the upload is discarded with
 * its parts (nothing of it is any use), in the background; the answer
 * says so. */

static void discard_refused(struct ld_req *r, struct preview *pv)
{
	struct ld_pending *p = ld_pending_new(r, sizeof(ld_id));
	if (p) {
		*(ld_id *)p->data = pv->u.id;
		p->job.run = discard_refused_run;
		char target[48];
		snprintf(target, sizeof target, "upload:%lld",
			 (long long)pv->u.id);
		ld_pending_audit(r, p, "upload:discard", target, NULL,
				 "{\"refused\":true}");
		ld_pending_detach_submit(r, p);
	}
	char msg[sizeof pv->err.message + 64];
	snprintf(msg, sizeof msg, "%s；本次上传已作废，请改正后重新上传",
		 pv->err.message);
	ld_reply_error(r, LD_HE_INVALID, msg,
		       pv->err.field ? pv->err.field : "file");
}

/* Back on the loop from the worker. */
static void preview_checked(struct ld_upload_task *task)
{
	struct preview *pv = H2O_STRUCT_FROM_MEMBER(struct preview, task, task);
	struct ld_req *r = task->r;
	if (!r || task->cancelled) {
		if (r)
			ld_reply_error(r, LD_HE_UNAVAILABLE,
				       "服务正在停止，请稍后重新提交", NULL);
		preview_free(pv);
		return;
	}
	if (pv->rc == LD_EINVAL && pv->u.id) {
		discard_refused(r, pv);
		preview_free(pv);
		return;
	}
	if (pv->rc != LD_OK) {
		ld_reply_status(r, pv->rc, &pv->err);
		preview_free(pv);
		return;
	}
	struct ld_pending *p = ld_pending_new(r, 0);
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		preview_free(pv);
		return;
	}
	p->data = pv;
	p->job.run = pv->u.id ? record_preview_run : store_one_piece_run;
	p->finish = preview_finish;
	p->release = preview_release;
	char target[48], detail[96];
	snprintf(target, sizeof target, "upload:%lld", (long long)pv->u.id);
	snprintf(detail, sizeof detail, "{\"rows\":%d,\"bad\":%d,\"bytes\":%lld}",
		 pv->t.rows, pv->t.bad, (long long)pv->u.size);
	ld_pending_audit(r, p, "upload:preview",
			 pv->u.id ? target : "upload:new", NULL, detail);
	ld_pending_submit(r, p);
}

/* Hand pv to the worker; replies when it cannot. */
static void preview_submit(struct ld_req *r, struct preview *pv)
{
	pv->task.run = preview_run;
	pv->task.done = preview_checked;
	if (!ld_upload_submit(r, &pv->task)) {
		preview_free(pv);
		ld_reply_error(r, LD_HE_UNAVAILABLE,
			       "正在检查的文件较多，请稍后再试", NULL);
	}
}

void h_upload_preview(struct ld_req *r)
{
	const char *named = ld_req_query(r, "organisation");
	ld_id org = ld_grid_reporting_org(r, named ? atoll(named) : 0);
	if (!org)
		return;
	h2o_iovec_t body = r->h2o->entity;
	if (!body.base || body.len == 0) {
		ld_reply_error(r, LD_HE_INVALID, "请上传 CSV 文件", "file");
		return;
	}
	if (!quota_allows(r, org, (int64_t)body.len))
		return;
	struct preview *pv = preview_new(r, org);
	char *copy = pv ? malloc(body.len) : NULL;
	if (!copy) {
		if (pv)
			preview_free(pv);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	memcpy(copy, body.base, body.len);
	pv->data = copy;
	pv->len = body.len;
	pv->u.size = (int64_t)body.len;
	preview_submit(r, pv);
}

void h_upload_complete(struct ld_req *r)
{
	ld_upload u;
	char target[48];
	if (!upload_of_path(r, &r->arena, &u, target))
		return;
	if (is_gone(&u, now_s())) {
		reply_gone(r, &u);
		return;
	}
	if (strcmp(u.status, "receiving") != 0) {
		ld_reply_error(r, LD_HE_CONFLICT,
			       strcmp(u.status, "previewed") == 0
				       ? "该上传已检查过，可直接确认导入"
				       : "该上传已确认导入",
			       NULL);
		return;
	}
	ld_upload_part *parts;
	size_t n;
	ld_status rc = r->srv->ops->upload_parts(r->th->reader, u.id,
						 &r->arena, &parts, &n);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	/* Every part, of its size: else say which are missing. */
	int want = parts_of(u.size), missing = 0;
	ld_buf list;
	ld_buf_init(&list, 4096);
	size_t k = 0;
	for (int i = 1; i <= want; i++) {
		while (k < n && parts[k].n < i)
			k++;
		if (k < n && parts[k].n == i && parts[k].len == part_len(u.size, i))
			continue;
		if (missing++ < 20)
			ld_buf_addf(&list, "%s%d", missing > 1 ? "、" : "", i);
	}
	if (missing) {
		ld_buf b;
		ld_jw w;
		char msg[192];
		snprintf(msg, sizeof msg, "还缺%d个分片：第%s%s个", missing,
			 list.data, missing > 20 ? "等" : "");
		ld_reply_error_begin(r, &w, &b, ld_http_errors[LD_HE_INVALID].code,
				     msg, "parts");
		ld_jw_key(&w, "missing");
		ld_jw_arr_open(&w);
		k = 0;
		for (int i = 1; i <= want; i++) {
			while (k < n && parts[k].n < i)
				k++;
			if (!(k < n && parts[k].n == i &&
			      parts[k].len == part_len(u.size, i)))
				ld_jw_int(&w, i);
		}
		ld_jw_arr_close(&w);
		ld_jw_obj_close(&w);
		ld_reply_end(r, &w, &b, ld_http_errors[LD_HE_INVALID].status);
		ld_buf_release(&list);
		return;
	}
	ld_buf_release(&list);
	struct preview *pv = preview_new(r, u.org_id);
	if (!pv) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	pv->u.id = u.id; /* the rest is read with the parts, on the worker */
	preview_submit(r, pv);
}

/* ---- opening an upload in parts ------------------------------------- */

struct opening {
	ld_upload u;
	int64_t now_s;
	const struct ld_server_config *cfg;
	char refusal[192];
	char now[32];
};

static ld_status open_run(ld_write_job *job, const struct ld_store_ops *ops,
			  ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct opening *o = p->data;
	o->refusal[0] = '\0';
	ld_status rc = quota_check(o->cfg, ops, c, o->u.org_id, o->u.user_id,
				   o->now_s, o->u.size, o->refusal);
	if (rc == LD_EDENIED) {
		job->audit[0].result = "denied";
		job->audit[0].detail = "quota";
		return rc;
	}
	if (rc == LD_OK)
		rc = ops->upload_insert(c, &o->u);
	if (rc == LD_OK)
		ld_pending_target(p, "upload", o->u.id);
	return rc;
}

static void open_finish(struct ld_req *r, struct ld_pending *p)
{
	struct opening *o = p->data;
	if (p->job.status == LD_EDENIED && o->refusal[0]) {
		ld_reply_error(r, LD_HE_QUOTA, o->refusal, NULL);
		return;
	}
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	view_state(&w, &o->u, NULL, 0);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 201);
}

static bool is_sm3_hex(const char *s)
{
	if (strlen(s) != LD_SM3_HEX_LEN)
		return false;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return false;
	return true;
}

void h_upload_open(struct ld_req *r)
{
	long long named = ld_json_int(r->body, "organisation", 0);
	if (r->org && named > 0 && named != r->org_id) {
		ld_reply_error(r, LD_HE_FORBIDDEN, "只能以本单位名义上传",
			       "organisation");
		return;
	}
	ld_id org = ld_grid_reporting_org(r, named);
	if (!org)
		return;
	long long size = ld_json_int(r->body, "size", 0);
	if (size < 1) {
		ld_reply_error(r, LD_HE_INVALID, "文件大小应为正整数（字节）",
			       "size");
		return;
	}
	if (size > LD_UPLOAD_MAX_FILE) {
		char msg[96];
		snprintf(msg, sizeof msg, "文件过大：最大%d MB",
			 (int)(LD_UPLOAD_MAX_FILE >> 20));
		ld_reply_error(r, LD_HE_TOO_LARGE, msg, "size");
		return;
	}
	const char *name = ld_json_str(r->body, "name");
	const char *sm3 = ld_json_str(r->body, "sm3");
	if (!name || !*name) {
		ld_reply_error(r, LD_HE_INVALID, "请填写文件名", "name");
		return;
	}
	if (sm3 && !is_sm3_hex(sm3)) {
		ld_reply_error(r, LD_HE_INVALID,
			       "SM3 杂凑值应为64位十六进制数字", "sm3");
		return;
	}
	if (!quota_allows(r, org, size))
		return;
	struct ld_pending *p = ld_pending_new(r, sizeof(struct opening));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct opening *o = p->data;
	ld_audit_now(o->now);
	o->now_s = now_s();
	o->cfg = &r->srv->cfg;
	char lower[LD_SM3_HEX_LEN + 1] = "";
	for (size_t i = 0; sm3 && i < LD_SM3_HEX_LEN; i++)
		lower[i] = (char)tolower((unsigned char)sm3[i]);
	o->u = (ld_upload){
		.org_id = org,
		.status = "receiving",
		.name = ld_arena_strdup(&p->arena, name),
		.size = size,
		.sm3 = sm3 ? ld_arena_strdup(&p->arena, lower) : NULL,
		.user_id = r->org ? 0 : r->user.id,
		.created_at = o->now,
		.expires_at = o->now_s + r->srv->cfg.upload_expiry_s,
	};
	p->job.run = open_run;
	p->finish = open_finish;
	char detail[64];
	snprintf(detail, sizeof detail, "{\"bytes\":%lld}", size);
	ld_pending_audit(r, p, "upload:open", "upload:new", NULL, detail);
	ld_pending_submit(r, p);
}

/* ---- parts ---------------------------------------------------------- */

struct part {
	ld_upload u;
	int n;
	const char *data;
	size_t len;
	bool gone;
	size_t received;
};

static ld_status part_run(ld_write_job *job, const struct ld_store_ops *ops,
			  ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct part *pt = p->data;
	pt->gone = false;
	ld_upload now;
	ld_status rc = ops->upload_get(c, pt->u.id, &p->arena, &now);
	if (rc != LD_OK)
		return rc;
	if (is_gone(&now, now_s())) {
		pt->gone = true;
		pt->u.status = now.status;
		return LD_ECONFLICT;
	}
	if (strcmp(now.status, "receiving") != 0)
		return ld_fail(&job->err, LD_ECONFLICT, "part",
			       "该上传已完成接收，不能再上传分片");
	rc = ops->upload_part_put(c, pt->u.id, pt->n, pt->data, pt->len);
	ld_upload_part *parts;
	if (rc == LD_OK)
		rc = ops->upload_parts(c, pt->u.id, &p->arena, &parts,
				       &pt->received);
	return rc;
}

static void part_finish(struct ld_req *r, struct ld_pending *p)
{
	struct part *pt = p->data;
	if (pt->gone) {
		reply_gone(r, &pt->u);
		return;
	}
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_key(&w, "part");
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "n", pt->n);
	ld_jw_kint(&w, "bytes", (int64_t)pt->len);
	ld_jw_obj_close(&w);
	ld_jw_key(&w, "upload");
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "id", pt->u.id);
	ld_jw_kint(&w, "parts", parts_of(pt->u.size));
	ld_jw_kint(&w, "received", (int64_t)pt->received);
	ld_jw_obj_close(&w);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

void h_upload_part(struct ld_req *r)
{
	struct ld_pending *p = ld_pending_new(r, sizeof(struct part));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct part *pt = p->data;
	char target[48];
	if (!upload_of_path(r, &p->arena, &pt->u, target))
		goto out_unused;
	if (is_gone(&pt->u, now_s())) {
		reply_gone(r, &pt->u);
		goto out_unused;
	}
	if (strcmp(pt->u.status, "receiving") != 0) {
		ld_reply_error(r, LD_HE_CONFLICT,
			       "该上传已完成接收，不能再上传分片", "part");
		goto out_unused;
	}
	int want = parts_of(pt->u.size);
	char *end;
	long n = strtol(r->path_no, &end, 10);
	if (*end || n < 1 || n > want) {
		char msg[96];
		snprintf(msg, sizeof msg, "分片序号应为1至%d", want);
		ld_reply_error(r, LD_HE_INVALID, msg, "part");
		goto out_unused;
	}
	h2o_iovec_t body = r->h2o->entity;
	int64_t expect = part_len(pt->u.size, (int)n);
	if ((int64_t)body.len != expect) {
		char msg[128];
		snprintf(msg, sizeof msg, "第%ld个分片应为%lld字节，收到%zu字节",
			 n, (long long)expect, body.len);
		ld_reply_error(r, LD_HE_INVALID, msg, "part");
		goto out_unused;
	}
	char *copy = ld_arena_alloc(&p->arena, body.len);
	if (!copy) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		goto out_unused;
	}
	memcpy(copy, body.base, body.len);
	pt->n = (int)n;
	pt->data = copy;
	pt->len = body.len;
	p->job.run = part_run;
	p->finish = part_finish;
	char detail[64];
	snprintf(detail, sizeof detail, "{\"part\":%d,\"bytes\":%zu}", pt->n,
		 pt->len);
	ld_pending_audit(r, p, "upload:part", target, NULL, detail);
	ld_pending_submit(r, p);
	return;
out_unused:
	ld_arena_release(&p->arena);
	free(p);
}

/* ---- where an upload stands ----------------------------------------- */

void h_upload_get(struct ld_req *r)
{
	ld_upload u;
	char target[48];
	if (!upload_of_path(r, &r->arena, &u, target))
		return;
	ld_upload_part *parts = NULL;
	size_t n = 0;
	ld_status rc = r->srv->ops->upload_parts(r->th->reader, u.id,
						 &r->arena, &parts, &n);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	/* Past its expiry it is as good as gone, swept or not. */
	if (is_pending(&u) && u.expires_at <= now_s()) {
		u.status = "expired";
		n = 0;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	view_state(&w, &u, parts, n);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

/* ---- discarding ----------------------------------------------------- */

struct dropping {
	ld_id id;
	ld_upload u;
	bool gone;
};

static ld_status drop_run(ld_write_job *job, const struct ld_store_ops *ops,
			  ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct dropping *d = p->data;
	d->gone = false;
	ld_status rc = ops->upload_get(c, d->id, &p->arena, &d->u);
	if (rc != LD_OK)
		return rc;
	/* Past its expiry but not yet swept: discarding it is what the
	 * sweep would do; either way the file goes. */
	if (!is_pending(&d->u)) {
		d->gone = strcmp(d->u.status, "confirmed") != 0;
		return ld_fail(&job->err, LD_ECONFLICT, NULL,
			       "已确认导入的上传不能放弃");
	}
	rc = discard(job, ops, c, d->id);
	if (rc == LD_OK)
		rc = ops->upload_get(c, d->id, &p->arena, &d->u);
	return rc;
}

static void drop_finish(struct ld_req *r, struct ld_pending *p)
{
	struct dropping *d = p->data;
	if (d->gone) {
		reply_gone(r, &d->u);
		return;
	}
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	view_state(&w, &d->u, NULL, 0);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

void h_upload_discard(struct ld_req *r)
{
	ld_upload u;
	char target[48];
	if (!upload_of_path(r, &r->arena, &u, target))
		return;
	struct ld_pending *p = ld_pending_new(r, sizeof(struct dropping));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct dropping *d = p->data;
	d->id = u.id;
	p->job.run = drop_run;
	p->finish = drop_finish;
	ld_pending_audit(r, p, "upload:discard", target, NULL, NULL);
	ld_pending_submit(r, p);
}

/* ---- confirming ------------------------------------------------------- */

struct confirming {
	struct ld_report_ctx x;
	ld_upload u;
	struct ld_upload_tally t;
	ld_store *store; /* for the check's helper connections */
	ld_arena arena;	 /* the check's memory */
	ld_buf file;
	char now[32];
	bool gone;
	bool for_reporter; /* the organisation itself asks (view_checked) */
};

static ld_status confirm_run(ld_write_job *job, const struct ld_store_ops *ops,
			     ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct confirming *j = p->data;
	/* A run can be repeated (the writer retries a batch carefully). */
	j->x.ops = ops;
	j->x.c = c;
	j->gone = false;
	ld_report_ctx_reset(&j->x);
	ld_upload_tally_release(&j->t);
	ld_upload_tally_init(&j->t);
	j->t.for_reporter = j->for_reporter;
	ld_buf_reset(&j->file);
	ld_arena_reset(&j->arena);
	ld_status rc = ops->upload_get(c, j->u.id, &j->arena, &j->u);
	if (rc != LD_OK)
		return rc;
	if (is_gone(&j->u, now_s())) {
		j->gone = true;
		return LD_ECONFLICT;
	}
	if (strcmp(j->u.status, "previewed") != 0)
		return ld_fail(&job->err, LD_ECONFLICT, "upload",
			       strcmp(j->u.status, "confirmed") == 0
				       ? "该批次已经确认导入，不能重复导入"
				       : "该上传尚未传完并检查，不能确认导入");
	/* The file, read here: no event loop holds it. */
	rc = ld_buf_reserve(&j->file, (size_t)j->u.size);
	if (rc == LD_OK)
		rc = ops->upload_file(c, j->u.id, &j->file);
	if (rc == LD_OK)
		rc = ld_grid_org_load(&j->x, j->u.org_id);
	ld_user u;
	if (rc == LD_OK && j->x.user_id > 0) /* the reports name the clerk */
		rc = ops->user_by_id(c, j->x.user_id, &j->arena, &u);
	if (rc != LD_OK)
		return rc;
	const char *encoding;
	rc = ld_upload_check_file(&(struct ld_upload_check){.x = &j->x,
							     .store = j->store,
							     .apply = true,
							     .upload_id = j->u.id},
				  j->file.data, j->file.len, &j->t, &encoding,
				  &job->err);
	if (rc != LD_OK)
		return rc;
	if (j->t.bad > 0)
		return ld_fail(&job->err, LD_EINVAL, "file",
			       "有%d行不符合要求，全部未导入；请修改后重新上传",
			       j->t.bad);
	rc = ld_report_flush(&j->x, &j->t.flagged);
	if (rc == LD_OK)
		rc = ops->upload_confirm(c, j->u.id, j->now);
	if (rc != LD_OK)
		return rc;
	j->u.status = "confirmed";
	job->audit[0].detail = ld_arena_printf(
		&p->arena, "{\"rows\":%d,\"tasks\":%d,\"houses_flagged\":%d}",
		j->t.rows, j->t.tasks, j->t.flagged);
	return LD_OK;
}

static void confirm_finish(struct ld_req *r, struct ld_pending *p)
{
	struct confirming *j = p->data;
	ld_status st = p->job.status;
	if (j->gone) {
		reply_gone(r, &j->u);
	} else if (st == LD_EINVAL && j->t.bad > 0) {
		/* Nothing was written: say which rows are wrong now. */
		ld_buf b;
		ld_jw w;
		ld_reply_error_begin(r, &w, &b, "upload_invalid",
				     p->job.err.message, "file");
		ld_jw_key(&w, "errors");
		ld_jw_raw(&w, j->t.errors_json.data, j->t.errors_json.len);
		ld_jw_obj_close(&w);
		ld_reply_end(r, &w, &b, 422);
	} else if (st != LD_OK) {
		ld_reply_status(r, st, &p->job.err);
	} else {
		ld_buf b;
		ld_jw w;
		ld_reply_begin(r, &w, &b);
		ld_jw_obj_open(&w);
		view_checked(&w, &j->u, &j->t);
		ld_jw_kint(&w, "written", j->t.rows);
		if (!j->for_reporter) {
			ld_jw_kint(&w, "tasks", j->t.tasks);
			ld_jw_kint(&w, "houses_flagged", j->t.flagged);
		}
		ld_jw_obj_close(&w);
		ld_reply_end(r, &w, &b, 200);
	}
}

static void confirm_release(struct ld_pending *p)
{
	struct confirming *j = p->data;
	ld_report_ctx_close(&j->x);
	ld_upload_tally_release(&j->t);
	ld_buf_release(&j->file);
	ld_arena_release(&j->arena);
}

void h_upload_confirm(struct ld_req *r)
{
	ld_upload u;
	char target[48];
	if (!upload_of_path(r, &r->arena, &u, target))
		return;
	/* Plain refusals at once; the writer decides on what it reads. */
	if (is_gone(&u, now_s())) {
		reply_gone(r, &u);
		return;
	}
	if (strcmp(u.status, "previewed") != 0) {
		ld_reply_error(r, LD_HE_CONFLICT,
			       strcmp(u.status, "confirmed") == 0
				       ? "该批次已经确认导入，不能重复导入"
				       : "该上传尚未传完并检查，不能确认导入",
			       "upload");
		return;
	}
	struct ld_pending *p = ld_pending_new(r, sizeof(struct confirming));
	if (!p) {
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct confirming *j = p->data;
	j->u.id = u.id;
	ld_audit_now(j->now);
	ld_arena_init(&j->arena, CHECK_ARENA_MAX);
	ld_buf_init(&j->file, (size_t)LD_UPLOAD_MAX_FILE);
	ld_grid_report_ctx_init(r, &j->x, NULL, NULL, &j->arena, j->now);
	ld_upload_tally_init(&j->t); /* filled in the writer */
	j->t.for_reporter = j->for_reporter = r->org;
	j->store = r->srv->store;
	p->job.run = confirm_run;
	/* Its rows are prepared on other connections too, which must see
	 * what the transaction sees: no other job may write in it before. */
	p->job.alone = true;
	/* It reads the organisation, the upload, the clerk and each house
	 * and grid its rows name; SQLite need not check every row again. */
	p->job.own_references = true;
	p->finish = confirm_finish;
	p->release = confirm_release;
	ld_pending_audit(r, p, "upload:confirm", target, NULL, NULL);
	ld_pending_submit(r, p);
}
