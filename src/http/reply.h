/*
 * reply.h — sending responses. Every error is JSON:
 *   {"error": {"code": "...", "message": "<中文>", "field": "..."}}
 * and its HTTP status comes from one table (reply.c), which the web UI's
 * messages also follow.
 */
#ifndef LD_REPLY_H
#define LD_REPLY_H

#include "http/http.h"
#include "util/json_out.h"

/* Error kinds of the API; each has one HTTP status and one code string. */
enum ld_http_error {
	LD_HE_BAD_REQUEST = 0, /* 400 malformed request */
	LD_HE_BAD_JSON,	       /* 400 body is not valid JSON / UTF-8 */
	LD_HE_UNKNOWN_FIELD,   /* 400 */
	LD_HE_UNAUTHENTICATED, /* 401 */
	LD_HE_FORBIDDEN,       /* 403 role */
	LD_HE_OUT_OF_AREA,     /* 403 area */
	LD_HE_NOT_FOUND,       /* 404 */
	LD_HE_METHOD,	       /* 405 */
	LD_HE_CONFLICT,	       /* 409 */
	LD_HE_TOO_LARGE,       /* 413 */
	LD_HE_INVALID,	       /* 422 a value is wrong */
	LD_HE_NOT_REQUIRED,    /* 422 the rules say the person need not register */
	LD_HE_REASON_REQUIRED, /* 400 reading a person needs a reason */
	LD_HE_THROTTLED,       /* 429 */
	LD_HE_INTERNAL,	       /* 500 */
	LD_HE_UNAVAILABLE,     /* 503 */
	LD_HE_UNSUPPORTED_MEDIA, /* 415 the body is not application/json */
	LD_HE_UNKNOWN_PARAM,   /* 400 a query parameter the route does not take */
	LD_HE_GONE,	       /* 410 kept for a while, now deleted */
	LD_HE_QUOTA,	       /* 429 too much pending (uploads) */
	LD_HE_PASSWORD_CHANGE, /* 403 the session must change its password */
	LD_HE__COUNT
};

struct ld_http_error_info {
	int status;
	const char *code;
	const char *message; /* default Chinese message */
};

extern const struct ld_http_error_info ld_http_errors[LD_HE__COUNT];

/* Map a program status to an API error kind. */
enum ld_http_error ld_http_error_of(ld_status s);

/* Send `body` (JSON text) with `status`. Copies into the request pool. */
void ld_reply_raw(struct ld_req *r, int status, const char *body, size_t len);
/* The same with another content type ("text/html; charset=utf-8"). */
void ld_reply_raw_typed(struct ld_req *r, int status, const char *type,
			const char *body, size_t len);
/*
 * Send `body` (taken over) with `status` only once the answer's audit
 * entry is handed to the writer (group commit; with --read-audit durable,
 * once it is on disk): no person data leaves unaudited. The entry records
 * the user, `action` (NULL: r->answer_action or the route's permission),
 * `target` (NULL: "route:METHOD PATH"), the request's reason (given, or
 * the route's purpose) and, as detail, what the answer carries
 * (ld_req_carried_detail).
 */
void ld_reply_audited(struct ld_req *r, ld_buf *body, int status,
		      const char *action, const char *target);
void ld_reply_audited_typed(struct ld_req *r, ld_buf *body, int status,
			    const char *type, const char *action,
			    const char *target);
/* Start a JSON object writer on a buffer owned by the request. */
void ld_reply_begin(struct ld_req *r, ld_jw *w, ld_buf *b);
/* Finish the writer and send it with `status`; a 2xx answer of a route
 * with a purpose goes through ld_reply_audited. */
void ld_reply_end(struct ld_req *r, ld_jw *w, ld_buf *b, int status);
/* A page of a list, {"total":…,"page":…,"per_page":…,"items":[…]}: start
 * the answer up to the open items array; write the items, then
 * ld_reply_page_close and send it (ld_reply_end, or audited). */
void ld_reply_page_begin(struct ld_req *r, ld_jw *w, ld_buf *b, int64_t total,
			 int page_no, int per_page);
void ld_reply_page_close(ld_jw *w);
/* Start an error answer, {"error":{"code","message","field"}, leaving the
 * outer object open for more keys (what is missing, why not); close it
 * and send with ld_reply_end. */
void ld_reply_error_begin(struct ld_req *r, ld_jw *w, ld_buf *b,
			  const char *code, const char *message,
			  const char *field);
/* Send an error. `message` NULL uses the kind's default; `field` may be
 * NULL. */
void ld_reply_error(struct ld_req *r, enum ld_http_error kind,
		    const char *message, const char *field);
/* Send the error that fits a failed status and its detail. */
void ld_reply_status(struct ld_req *r, ld_status s, const ld_error *err);

#endif
