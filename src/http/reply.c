/*
 * reply.c — responses and the one table of API errors.
 */
#include "http/reply.h"

#include <stdlib.h>
#include <string.h>

void ld_req_replied(struct ld_req *r, int status, size_t bytes);

const struct ld_http_error_info ld_http_errors[LD_HE__COUNT] = {
	[LD_HE_BAD_REQUEST] = {400, "bad_request", "请求格式不正确"},
	[LD_HE_BAD_JSON] = {400, "bad_json", "请求内容不是有效的 JSON（UTF-8）"},
	[LD_HE_UNKNOWN_FIELD] = {400, "unknown_field", "请求中含有未定义的字段"},
	[LD_HE_UNAUTHENTICATED] = {401, "unauthenticated", "请先登录"},
	[LD_HE_FORBIDDEN] = {403, "forbidden", "当前角色无权执行此操作"},
	[LD_HE_OUT_OF_AREA] = {403, "out_of_area", "该人员不在您的辖区内，无权访问"},
	[LD_HE_NOT_FOUND] = {404, "not_found", "未找到"},
	[LD_HE_METHOD] = {405, "method_not_allowed", "不支持该请求方法"},
	[LD_HE_CONFLICT] = {409, "conflict", "与现有记录冲突"},
	[LD_HE_TOO_LARGE] = {413, "too_large", "请求内容过大"},
	[LD_HE_INVALID] = {422, "invalid", "填写的内容有误"},
	[LD_HE_NOT_REQUIRED] = {422, "not_required",
				"按规定该人员无需申报居住登记"},
	[LD_HE_REASON_REQUIRED] = {400, "reason_required",
				   "查阅人员信息须说明事由"},
	[LD_HE_THROTTLED] = {429, "throttled", "登录失败次数过多，请稍后再试"},
	[LD_HE_INTERNAL] = {500, "internal", "服务器内部错误"},
	[LD_HE_UNAVAILABLE] = {503, "unavailable", "服务暂时不可用，请稍后重试"},
	[LD_HE_UNSUPPORTED_MEDIA] = {415, "unsupported_media_type",
				     "请求内容应为 JSON（Content-Type: "
				     "application/json）"},
	[LD_HE_UNKNOWN_PARAM] = {400, "unknown_parameter",
				 "请求中含有未定义的查询参数"},
	[LD_HE_GONE] = {410, "gone", "已过期或已放弃，相关文件已删除"},
	[LD_HE_QUOTA] = {429, "quota_exceeded", "未确认的上传过多，请先处理已有的上传"},
	[LD_HE_PASSWORD_CHANGE] = {403, "password_change_required",
				   "请先修改密码（首次登录或密码被重置后须修改密码）"},
};

enum ld_http_error ld_http_error_of(ld_status s)
{
	switch (s) {
	case LD_EINVAL:
		return LD_HE_INVALID;
	case LD_ENOTFOUND:
		return LD_HE_NOT_FOUND;
	case LD_ETOOBIG:
		return LD_HE_TOO_LARGE;
	case LD_ECONFLICT:
		return LD_HE_CONFLICT;
	case LD_EDENIED:
		return LD_HE_FORBIDDEN;
	case LD_EIO:
		return LD_HE_UNAVAILABLE;
	default:
		return LD_HE_INTERNAL;
	}
}

static const char *reason_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

#define JSON_TYPE "application/json; charset=utf-8"

void ld_reply_raw(struct ld_req *r, int status, const char *body, size_t len)
{
	ld_reply_raw_typed(r, status, JSON_TYPE, body, len);
}

void ld_reply_raw_typed(struct ld_req *r, int status, const char *type,
			const char *body, size_t len)
{
	if (r->replied)
		return;
	r->replied = true;
	h2o_req_t *req = r->h2o;
	if (!req)
		return;
	req->res.status = status;
	req->res.reason = reason_phrase(status);
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
		       NULL, type, strlen(type));
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL,
		       NULL, H2O_STRLIT("no-store"));
	h2o_add_header_by_str(&req->pool, &req->res.headers,
			      H2O_STRLIT("x-content-type-options"), 0, NULL,
			      H2O_STRLIT("nosniff"));
	char *copy = h2o_mem_alloc_pool(&req->pool, len + 1);
	memcpy(copy, body, len);
	ld_req_replied(r, status, len);
	/* Without a length h2o closes the connection after any answer but
	 * 200; with it, keep-alive holds for 201 and errors too. */
	req->res.content_length = len;
	h2o_send_inline(req, copy, len);
}

void ld_reply_begin(struct ld_req *r, ld_jw *w, ld_buf *b)
{
	ld_buf_init(b, (size_t)32 << 20);
	ld_jw_init(w, b);
}

void ld_reply_page_begin(struct ld_req *r, ld_jw *w, ld_buf *b, int64_t total,
			 int page_no, int per_page)
{
	ld_reply_begin(r, w, b);
	ld_jw_obj_open(w);
	ld_jw_kint(w, "total", total);
	ld_jw_kint(w, "page", page_no);
	ld_jw_kint(w, "per_page", per_page);
	ld_jw_key(w, "items");
	ld_jw_arr_open(w);
}

void ld_reply_page_close(ld_jw *w)
{
	ld_jw_arr_close(w);
	ld_jw_obj_close(w);
}

void ld_reply_end(struct ld_req *r, ld_jw *w, ld_buf *b, int status)
{
	if (ld_jw_finish(w) != LD_OK) {
		ld_buf_release(b);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	/* A route declaring a purpose carries people's data in its answer:
	 * the answer leaves only with its audit entry. */
	if (status < 300 && r->route && r->route->purpose) {
		ld_reply_audited(r, b, status, NULL, NULL);
		return;
	}
	ld_reply_raw(r, status, b->data, b->len);
	ld_buf_release(b);
}

/* ---- answers that leave only with their audit entry ----------------- */

struct audited_reply {
	ld_buf body;
	int status;
	const char *type;
};

static void audited_finish(struct ld_req *r, struct ld_pending *p)
{
	struct audited_reply *a = p->data;
	if (p->job.status != LD_OK)
		ld_reply_status(r, p->job.status, &p->job.err);
	else
		ld_reply_raw_typed(r, a->status, a->type, a->body.data,
				   a->body.len);
	ld_buf_release(&a->body);
}

void ld_reply_audited_typed(struct ld_req *r, ld_buf *body, int status,
			    const char *type, const char *action,
			    const char *target)
{
	struct ld_pending *p = ld_pending_new(r, sizeof(struct audited_reply));
	if (!p) {
		ld_buf_release(body);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	struct audited_reply *a = p->data;
	p->finish = audited_finish;
	if (!action)
		action = r->answer_action ? r->answer_action : r->route->perm;
	const char *route_target =
		target ? NULL
		       : ld_arena_printf(&r->arena, "route:%s %s",
					 r->route->method, r->route->path);
	ld_pending_audit(r, p, action, target ? target : route_target, NULL,
			 ld_req_carried_detail(r));
	if (r->srv->cfg.read_audit_durable) {
		a->body = *body; /* ownership moves to the job */
		a->status = status;
		a->type = type;
		ld_pending_submit(r, p);
		return;
	}
	/* Queued: the entry is in the writer's queue and commits with the
	 * next group commit; the answer does not wait for the disk. If the
	 * writer cannot commit, reads are refused until it can again. */
	if (ld_writer_failing(r->srv->writer)) {
		ld_buf_release(body);
		ld_arena_release(&p->arena);
		free(p);
		ld_reply_error(r, LD_HE_UNAVAILABLE, "审计记录暂时无法写入，暂停查阅",
			       NULL);
		return;
	}
	ld_pending_detach_submit(r, p);
	ld_reply_raw_typed(r, status, type, body->data, body->len);
	ld_buf_release(body);
}

void ld_reply_audited(struct ld_req *r, ld_buf *body, int status,
		      const char *action, const char *target)
{
	ld_reply_audited_typed(r, body, status, JSON_TYPE, action, target);
}

void ld_reply_error_begin(struct ld_req *r, ld_jw *w, ld_buf *b,
			  const char *code, const char *message,
			  const char *field)
{
	ld_reply_begin(r, w, b);
	ld_jw_obj_open(w);
	ld_jw_key(w, "error");
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "code", code);
	ld_jw_kstr(w, "message", message);
	ld_jw_kstr(w, "field", field);
	ld_jw_obj_close(w);
}

void ld_reply_error(struct ld_req *r, enum ld_http_error kind,
		    const char *message, const char *field)
{
	const struct ld_http_error_info *e = &ld_http_errors[kind];
	ld_buf b;
	ld_jw w;
	ld_reply_error_begin(r, &w, &b, e->code,
			     message && *message ? message : e->message, field);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, e->status);
}

void ld_reply_status(struct ld_req *r, ld_status s, const ld_error *err)
{
	ld_reply_error(r, ld_http_error_of(s), err ? err->message : NULL,
		       err ? err->field : NULL);
}
