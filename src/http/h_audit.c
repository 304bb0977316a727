/*
 * h_audit.c — the audit trail for auditors: entries newest first, filtered
 * by target, and a verification of the whole hash chain against its
 * anchors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "http/reply.h"
#include "http/views.h"
#include "store/audit.h"

static void view_entry(ld_jw *w, const ld_audit_entry *e)
{
	ld_jw_obj_open(w);
	ld_jw_kint(w, "seq", e->seq);
	ld_jw_kstr(w, "at", e->at);
	ld_jw_kint(w, "user_id", e->user_id);
	ld_jw_kstr(w, "username", e->username);
	ld_jw_kstr(w, "action", e->action);
	ld_jw_kstr(w, "target", e->target);
	ld_jw_kstr(w, "reason", e->reason);
	ld_jw_kstr(w, "result", e->result);
	ld_jw_kstr(w, "detail", e->detail);
	ld_jw_kstr(w, "hash", e->hash);
	ld_jw_obj_close(w);
}

void h_audit_list(struct ld_req *r)
{
	ld_page page;
	int page_no;
	if (!ld_req_page(r, &page, &page_no))
		return;
	const char *target = ld_req_query(r, "target");
	const char *before = ld_req_query(r, "before");
	long long before_seq = 0;
	if (before) {
		char *end;
		before_seq = strtoll(before, &end, 10);
		if (*end || before_seq < 1) {
			ld_reply_error(r, LD_HE_INVALID, "序号无效", "before");
			return;
		}
	}
	ld_audit_entry *list;
	size_t n;
	ld_status rc = r->srv->ops->audit_list(r->th->reader, target,
					       before_seq, page, &r->arena,
					       &list, &n);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "page", page_no);
	ld_jw_key(&w, "items");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		view_entry(&w, &list[i]);
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}

/* The chain against the anchors, as `liudong audit verify` checks it,
 * with this server's anchor directory and its own key. */
void h_audit_verify(struct ld_req *r)
{
	ld_audit_report rep;
	ld_anchor_list list;
	ld_error err = {0};
	const char *dir = r->srv->cfg.anchor_dir;
	ld_status rc = ld_audit_verify_all(r->srv->ops, r->th->reader, dir, NULL,
					   &list, &rep, &err);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	/* The writer knows what it wrote: an entry appended behind its back
	 * lies in the unanchored window for a check from outside, not for it. */
	if (rep.intact && ld_writer_halted(r->srv->writer)) {
		rep.intact = false;
		snprintf(rep.problem, sizeof rep.problem,
			 "this server stopped writing: the audit chain was changed "
			 "outside it (see its log)");
		snprintf(rep.problem_zh, sizeof rep.problem_zh,
			 "本服务已停止写入：审计日志在本服务之外被改动（见服务日志）");
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_audit_report_json(&w, &rep, &list, dir, NULL);
	ld_jw_obj_close(&w);
	ld_anchor_list_release(&list);
	ld_reply_end(r, &w, &b, 200);
}
