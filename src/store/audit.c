/*
 * audit.c — hashing, appending and verifying the audit chain.
 */
#include "store/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "crypto/sm3.h"
#include "store/datalock.h"
#include "util/json_out.h"

static void field(ld_sm3 *h, const char *s)
{
	char len[24];
	if (!s)
		s = "";
	size_t n = strlen(s);
	int k = snprintf(len, sizeof len, "%zu:", n);
	ld_sm3_update(h, len, (size_t)k);
	ld_sm3_update(h, s, n);
}

ld_status ld_audit_hash(const ld_audit_entry *e, char hash_out[65])
{
	ld_sm3 *h = ld_sm3_thread();
	if (!h)
		return LD_EINTERNAL;
	char num[32];
	field(h, e->prev_hash);
	snprintf(num, sizeof num, "%" PRId64, e->seq);
	field(h, num);
	field(h, e->at);
	snprintf(num, sizeof num, "%" PRId64, (int64_t)e->user_id);
	field(h, num);
	field(h, e->username);
	field(h, e->action);
	field(h, e->target);
	field(h, e->reason);
	field(h, e->result);
	field(h, e->detail);
	return ld_sm3_final_hex(h, hash_out);
}

void ld_audit_now(char out[32])
{
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%06uZ", (unsigned)tv.tv_usec % 1000000u);
}

ld_status ld_audit_append(const struct ld_store_ops *ops, ld_conn *c,
			  ld_audit_head *head, ld_audit_entry *entries, int n)
{
	char hash[65];
	ld_status rc;
	if (!head->loaded) {
		rc = ops->audit_head(c, &head->seq, head->hash);
		if (rc != LD_OK)
			return rc;
		ld_audit_now(head->now);
		head->loaded = true;
	}
	const char *now = head->now;
	for (int i = 0; i < n; i++) {
		ld_audit_entry e = entries[i];
		e.seq = head->seq + 1;
		if (!e.at)
			e.at = now;
		if (!e.result)
			e.result = "ok";
		e.prev_hash = head->hash;
		rc = ld_audit_hash(&e, hash);
		if (rc != LD_OK)
			return rc;
		e.hash = hash;
		rc = ops->audit_insert(c, &e);
		if (rc != LD_OK)
			return rc;
		head->seq = e.seq;
		memcpy(head->hash, hash, sizeof hash);
	}
	return LD_OK;
}

/* ---- verification ------------------------------------------------------ */

static const char zero_hash[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* An entry an anchor in force names. */
struct required {
	int64_t seq;
	const char *hash;
	const ld_anchor *rec;
};

struct verify_ctx {
	ld_audit_report *r;
	char prev[65];
	int64_t expect_seq;
	const struct required *req; /* sorted by seq */
	size_t n_req, next_req;
};

static void report_problem(ld_audit_report *r, int64_t seq, const char *en,
			   const char *zh)
{
	if (!r->intact)
		return; /* the first problem stands */
	r->intact = false;
	r->bad_seq = seq;
	snprintf(r->problem, sizeof r->problem, "%s", en);
	snprintf(r->problem_zh, sizeof r->problem_zh, "%s", zh);
}

static int verify_one(void *p, const ld_audit_entry *e)
{
	struct verify_ctx *v = p;
	ld_audit_report *r = v->r;
	char hash[65], en[240], zh[240];
	r->entries++;
	if (e->seq != v->expect_seq) {
		snprintf(en, sizeof en,
			 "entry %" PRId64 " is missing (next present is %" PRId64
			 ")",
			 v->expect_seq, e->seq);
		snprintf(zh, sizeof zh,
			 "第 %" PRId64 " 条缺失（其后现存的是第 %" PRId64 " 条）",
			 v->expect_seq, e->seq);
		report_problem(r, v->expect_seq, en, zh);
		return 1;
	}
	if (!e->prev_hash || strcmp(e->prev_hash, v->prev) != 0) {
		snprintf(en, sizeof en,
			 "entry %" PRId64 " does not link to the entry before it",
			 e->seq);
		snprintf(zh, sizeof zh, "第 %" PRId64 " 条与前一条不衔接",
			 e->seq);
		report_problem(r, e->seq, en, zh);
		return 1;
	}
	if (ld_audit_hash(e, hash) != LD_OK || !e->hash ||
	    strcmp(hash, e->hash) != 0) {
		snprintf(en, sizeof en,
			 "entry %" PRId64 " was altered (hash mismatch)", e->seq);
		snprintf(zh, sizeof zh, "第 %" PRId64 " 条被改动（哈希不符）",
			 e->seq);
		report_problem(r, e->seq, en, zh);
		return 1;
	}
	for (; v->next_req < v->n_req && v->req[v->next_req].seq == e->seq;
	     v->next_req++) {
		const struct required *q = &v->req[v->next_req];
		if (strcmp(q->hash, hash) == 0)
			continue;
		snprintf(en, sizeof en,
			 "entry %" PRId64 " is not the one anchor record %" PRId64
			 " (%s) names: the chain was rewritten at or before it",
			 e->seq, q->rec->n, q->rec->at);
		snprintf(zh, sizeof zh,
			 "第 %" PRId64 " 条与锚点记录第 %" PRId64
			 " 条（%s）所锚定的不同：审计日志在此条或之前被改写",
			 e->seq, q->rec->n, q->rec->at);
		report_problem(r, e->seq, en, zh);
		r->bad_anchor = q->rec->n;
		return 1;
	}
	memcpy(v->prev, hash, sizeof v->prev);
	memcpy(r->head_hash, hash, sizeof r->head_hash);
	r->head_seq = e->seq;
	v->expect_seq++;
	return 0;
}

static void report_init(ld_audit_report *r)
{
	memset(r, 0, sizeof *r);
	r->intact = true;
	memcpy(r->head_hash, zero_hash, sizeof r->head_hash);
}

static ld_status walk(const struct ld_store_ops *ops, ld_conn *c,
		      struct verify_ctx *v)
{
	memcpy(v->prev, zero_hash, sizeof v->prev);
	v->expect_seq = 1;
	return ops->audit_scan(c, 1, verify_one, v);
}

ld_status ld_audit_verify(const struct ld_store_ops *ops, ld_conn *c,
			  ld_audit_report *report)
{
	report_init(report);
	struct verify_ctx v = {.r = report};
	return walk(ops, c, &v);
}

static int by_seq(const void *a, const void *b)
{
	const struct required *x = a, *y = b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->rec->n < y->rec->n ? -1 : x->rec->n > y->rec->n;
}

ld_status ld_audit_verify_anchored(const struct ld_store_ops *ops,
				   ld_conn *c, const ld_anchor *rec, size_t n,
				   ld_audit_report *report)
{
	report_init(report);
	report->anchors = (int64_t)n;
	if (n)
		snprintf(report->last_anchor_at, sizeof report->last_anchor_at,
			 "%s", rec[n - 1].at);
	struct required *req = malloc((n ? n : 1) * sizeof *req);
	if (!req)
		return LD_ENOMEM;
	/* In force: no later restore went back before it. */
	size_t n_req = 0;
	int64_t restored_below = INT64_MAX;
	for (size_t k = n; k-- > 0;) {
		if (rec[k].seq <= restored_below && rec[k].seq > 0)
			req[n_req++] = (struct required){rec[k].seq, rec[k].hash,
							 &rec[k]};
		if (rec[k].kind == LD_ANCHOR_RESTORE &&
		    rec[k].seq < restored_below)
			restored_below = rec[k].seq;
	}
	qsort(req, n_req, sizeof *req, by_seq);
	struct verify_ctx v = {.r = report, .req = req, .n_req = n_req};
	ld_status rc = walk(ops, c, &v);
	if (rc == LD_OK && report->intact && v.next_req < n_req) {
		const struct required *q = &req[n_req - 1];
		char en[240], zh[240];
		snprintf(en, sizeof en,
			 "the chain ends at entry %" PRId64 " but anchor record %" PRId64
			 " (%s) names entry %" PRId64
			 ": entries after %" PRId64
			 " were removed, or the database was rolled back",
			 report->head_seq, q->rec->n, q->rec->at, q->seq,
			 report->head_seq);
		snprintf(zh, sizeof zh,
			 "审计日志止于第 %" PRId64 " 条，而锚点记录第 %" PRId64
			 " 条（%s）锚定了第 %" PRId64 " 条：第 %" PRId64
			 " 条之后的记录被删除，或数据库被回滚",
			 report->head_seq, q->rec->n, q->rec->at, q->seq,
			 report->head_seq);
		report_problem(report, report->head_seq + 1, en, zh);
		report->bad_anchor = q->rec->n;
	}
	/* Left closed (a clean stop, a restore): nothing may follow. */
	const ld_anchor *last = NULL;
	for (size_t k = n; k-- > 0 && !last;)
		if (rec[k].kind != LD_ANCHOR_BACKUP)
			last = &rec[k];
	if (rc == LD_OK && report->intact && last &&
	    ld_anchor_kind_closes(last->kind) && report->head_seq > last->seq) {
		char en[240], zh[240];
		snprintf(en, sizeof en,
			 "entries %" PRId64 "..%" PRId64
			 " follow the chain's close by anchor record %" PRId64
			 " (%s, %s) and no record anchors them: they were "
			 "appended while no server ran (forged)",
			 last->seq + 1, report->head_seq, last->n,
			 ld_anchor_kind_name(last->kind), last->at);
		snprintf(zh, sizeof zh,
			 "第 %" PRId64 " 至 %" PRId64 " 条写在锚点记录第 %" PRId64
			 " 条（%s，%s）封闭审计日志之后，且无锚点为证：系在无服务运行"
			 "时添加（伪造）",
			 last->seq + 1, report->head_seq, last->n,
			 last->kind == LD_ANCHOR_CLOSE ? "正常停止" : "恢复",
			 last->at);
		report_problem(report, last->seq + 1, en, zh);
		report->bad_anchor = last->n;
	}
	for (size_t i = 0; i < n_req; i++)
		if (req[i].seq <= report->head_seq &&
		    req[i].seq > report->anchored_seq)
			report->anchored_seq = req[i].seq;
	report->unanchored = report->head_seq - report->anchored_seq;
	free(req);
	return rc;
}

ld_status ld_audit_verify_all(const struct ld_store_ops *ops, ld_conn *c,
			      const char *anchor_dir, const char *public_key,
			      ld_anchor_list *list, ld_audit_report *report,
			      ld_error *err)
{
	char en[240], zh[240];
	/* The log first: every entry it anchors was committed before it was
	 * written, so the snapshot taken after holds it. */
	ld_status rc = ld_anchor_read_all(anchor_dir, public_key, list, err);
	bool no_log = rc == LD_ENOTFOUND;
	if (rc != LD_OK && !no_log)
		return rc;
	rc = ops->read_begin(c);
	if (rc != LD_OK)
		return ld_fail(err, rc, NULL, "无法读取审计日志");
	int64_t ref_n = 0;
	char ref_hash[65];
	rc = ops->audit_anchor_get(c, &ref_n, ref_hash);
	if (rc == LD_ENOTFOUND) {
		ref_n = 0;
		rc = LD_OK;
	}
	if (rc == LD_OK)
		rc = ld_audit_verify_anchored(ops, c, list->rec, list->n, report);
	ops->read_end(c);
	if (rc != LD_OK)
		return ld_fail(err, rc, NULL, "无法读取审计日志");
	report->ref_n = ref_n;

	/* The anchor log's own problems come first: they undermine the rest. */
	ld_audit_report chain = *report;
	report->intact = true;
	if (no_log) {
		snprintf(en, sizeof en,
			 "no anchor log in %s: entries removed from the end of "
			 "the chain, or the whole chain replaced, cannot be "
			 "detected",
			 anchor_dir);
		snprintf(zh, sizeof zh,
			 "锚点目录 %s 中没有锚点日志：无法发现从末尾删除的记录或被整体"
			 "替换的审计日志",
			 anchor_dir);
		report_problem(report, 0, en, zh);
	} else if (list->bad_n) {
		report_problem(report, 0, list->problem, list->problem_zh);
		report->bad_anchor = list->bad_n;
	}
	if (!chain.intact) {
		report_problem(report, chain.bad_seq, chain.problem,
			       chain.problem_zh);
		if (!report->bad_anchor)
			report->bad_anchor = chain.bad_anchor;
	}
	if (!report->intact || no_log || ref_n == 0)
		return LD_OK;

	/* The record the database names may have been written after the log
	 * was read: read it again before calling it missing. */
	bool found = (size_t)ref_n <= list->n &&
		     strcmp(list->rec[ref_n - 1].line_hash, ref_hash) == 0;
	if (!found && (size_t)ref_n > list->n) {
		ld_anchor_list again;
		if (ld_anchor_read_all(anchor_dir, public_key, &again, NULL) ==
		    LD_OK) {
			found = !again.bad_n && (size_t)ref_n <= again.n &&
				strcmp(again.rec[ref_n - 1].line_hash,
				       ref_hash) == 0;
			ld_anchor_list_release(&again);
		}
	}
	if (!found) {
		snprintf(en, sizeof en,
			 "the database has seen anchor record %" PRId64
			 ", which the anchor log (%zu records) does not hold: "
			 "records were removed from the anchor log, or it was "
			 "replaced",
			 ref_n, list->n);
		snprintf(zh, sizeof zh,
			 "数据库记有锚点记录第 %" PRId64
			 " 条，而锚点日志（共 %zu 条）中没有：锚点日志的记录被删除，或"
			 "锚点日志被替换",
			 ref_n, list->n);
		report_problem(report, 0, en, zh);
		report->bad_anchor = ref_n;
	}
	return LD_OK;
}

struct range_ctx {
	int64_t from_seq, expect;
	const char *from_hash;
	char prev[65];
	bool ok;
};

static int range_one(void *p, const ld_audit_entry *e)
{
	struct range_ctx *x = p;
	char hash[65];
	if (e->seq != x->expect || ld_audit_hash(e, hash) != LD_OK ||
	    !e->hash || strcmp(hash, e->hash) != 0) {
		x->ok = false;
		return 1;
	}
	bool first = e->seq == x->from_seq;
	if (first ? strcmp(hash, x->from_hash) != 0
		  : !e->prev_hash || strcmp(e->prev_hash, x->prev) != 0) {
		x->ok = false;
		return 1;
	}
	memcpy(x->prev, hash, sizeof x->prev);
	x->expect++;
	return 0;
}

ld_status ld_audit_check_range(const struct ld_store_ops *ops, ld_conn *c,
			       int64_t from_seq, const char *from_hash,
			       int64_t to_seq, const char *to_hash, bool *ok)
{
	struct range_ctx x = {.from_seq = from_seq,
			      .expect = from_seq > 0 ? from_seq : 1,
			      .from_hash = from_hash,
			      .ok = true};
	memcpy(x.prev, from_seq > 0 ? from_hash : zero_hash, sizeof x.prev);
	if (from_seq == 0 && strcmp(from_hash, zero_hash) != 0) {
		*ok = false;
		return LD_OK;
	}
	ld_status rc = ops->audit_scan(c, x.expect, range_one, &x);
	if (rc != LD_OK)
		return rc;
	/* The last entry read is x.expect - 1, with hash x.prev. */
	*ok = x.ok && x.expect - 1 == (to_seq > 0 ? to_seq : from_seq) &&
	      strcmp(to_seq > 0 ? x.prev : zero_hash, to_hash) == 0 &&
	      to_seq >= from_seq;
	return LD_OK;
}

/* ---- the report as JSON ------------------------------------------------ */

static void restore_json(ld_jw *w, const ld_anchor *a)
{
	char note[320], note_zh[320];
	ld_jw_obj_open(w);
	ld_jw_kint(w, "n", a->n);
	ld_jw_kstr(w, "at", a->at);
	ld_jw_kstr(w, "by", a->by);
	ld_jw_kstr(w, "backup_at", a->backup_at);
	ld_jw_kint(w, "restored_seq", a->seq);
	ld_jw_kstr(w, "restored_hash", a->hash);
	if (a->lost_to >= a->lost_from && a->lost_from > 0) {
		ld_jw_kint(w, "lost_from", a->lost_from);
		ld_jw_kint(w, "lost_to", a->lost_to);
		snprintf(note, sizeof note,
			 "restored on %s by %s from a backup made on %s; entries "
			 "%" PRId64 "..%" PRId64 " are lost",
			 a->at, a->by, a->backup_at, a->lost_from, a->lost_to);
		snprintf(note_zh, sizeof note_zh,
			 "%s 由 %s 从 %s 的备份恢复；第 %" PRId64 " 至 %" PRId64
			 " 条审计记录丢失",
			 a->at, a->by, a->backup_at, a->lost_from, a->lost_to);
	} else {
		ld_jw_knull(w, "lost_from");
		ld_jw_knull(w, "lost_to");
		snprintf(note, sizeof note,
			 "restored on %s by %s from a backup made on %s; no "
			 "anchored entry was lost",
			 a->at, a->by, a->backup_at);
		snprintf(note_zh, sizeof note_zh,
			 "%s 由 %s 从 %s 的备份恢复；没有已锚定的审计记录丢失", a->at,
			 a->by, a->backup_at);
	}
	ld_jw_kstr(w, "note", note);
	ld_jw_kstr(w, "note_zh", note_zh);
	ld_jw_obj_close(w);
}

void ld_audit_report_json(ld_jw *w, const ld_audit_report *r,
			  const ld_anchor_list *list, const char *anchor_dir,
			  const char *public_key)
{
	ld_jw_kbool(w, "intact", r->intact);
	ld_jw_kint(w, "entries", r->entries);
	ld_jw_kint(w, "head_seq", r->head_seq);
	if (!r->intact) {
		if (r->bad_seq)
			ld_jw_kint(w, "first_bad_seq", r->bad_seq);
		else
			ld_jw_knull(w, "first_bad_seq");
		if (r->bad_anchor)
			ld_jw_kint(w, "bad_anchor", r->bad_anchor);
		else
			ld_jw_knull(w, "bad_anchor");
		ld_jw_kstr(w, "problem", r->problem);
		ld_jw_kstr(w, "problem_zh", r->problem_zh);
	}
	ld_jw_key(w, "anchors");
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "dir", anchor_dir);
	ld_jw_kstr(w, "public_key", public_key);
	ld_jw_kint(w, "records", list ? (int64_t)list->n : 0);
	if (list && list->n) {
		const ld_anchor *last = &list->rec[list->n - 1];
		ld_jw_key(w, "last");
		ld_jw_obj_open(w);
		ld_jw_kint(w, "n", last->n);
		ld_jw_kstr(w, "kind", ld_anchor_kind_name(last->kind));
		ld_jw_kint(w, "seq", last->seq);
		ld_jw_kstr(w, "at", last->at);
		ld_jw_kstr(w, "key_id", last->key_id);
		ld_jw_obj_close(w);
	} else {
		ld_jw_knull(w, "last");
	}
	ld_jw_kbool(w, "torn_tail", list && list->torn);
	ld_jw_kint(w, "database_names", r->ref_n);
	ld_jw_obj_close(w);
	ld_jw_kint(w, "anchored_seq", r->anchored_seq);
	ld_jw_kint(w, "unanchored", r->unanchored);
	if (r->unanchored > 0) {
		char note[240];
		snprintf(note, sizeof note,
			 "the %" PRId64 " entries after entry %" PRId64
			 " are protected by the hash chain only, until the next "
			 "anchor: removing them from the end is not detectable",
			 r->unanchored, r->anchored_seq);
		ld_jw_kstr(w, "unanchored_note", note);
	}
	ld_jw_key(w, "restores");
	ld_jw_arr_open(w);
	for (size_t i = 0; list && i < list->n; i++)
		if (list->rec[i].kind == LD_ANCHOR_RESTORE)
			restore_json(w, &list->rec[i]);
	ld_jw_arr_close(w);
}

/* ---- commands that write beside the server ----------------------------- */

ld_status ld_audit_anchor_head(const struct ld_store_ops *ops, ld_conn *c,
			       const char *data_dir, const char *anchor_dir,
			       bool *anchored, ld_error *err)
{
	*anchored = false;
	ld_anchor_log *a;
	ld_status rc = ld_anchor_open(anchor_dir, false, &a, NULL, err);
	if (rc == LD_ENOTFOUND)
		return LD_OK;
	if (rc != LD_OK)
		return rc;
	/* With no server running, the chain is left closed at this head; with
	 * one, it goes on writing after it. */
	int lock = -1;
	bool server = ld_datalock_take(data_dir, &lock, NULL) == LD_ECONFLICT;
	/* Committed with a full sync: the head read now is on disk. */
	ld_anchor rec = {.kind = server ? LD_ANCHOR_CHECKPOINT : LD_ANCHOR_CLOSE};
	rc = ops->audit_head(c, &rec.seq, rec.hash);
	if (rc != LD_OK)
		rc = ld_fail(err, rc, NULL, "无法读取审计日志");
	if (rc == LD_OK)
		rc = ld_anchor_append(a, &rec, err);
	ld_anchor_close(a);
	if (rc == LD_OK) {
		*anchored = true;
		rc = ops->begin(c);
		if (rc == LD_OK)
			rc = ops->audit_anchor_put(c, rec.n, rec.line_hash, rec.at);
		if (rc == LD_OK)
			rc = ops->commit(c);
		else
			ops->rollback(c);
		if (rc != LD_OK)
			ld_fail(err, rc, NULL, "无法在数据库中记下锚点记录");
	}
	ld_datalock_release(lock);
	return rc;
}
