/*
 * framing.c — the second reading of an HTTP/1 request head (framing.h).
 * It does not parse the head in full: h2o has done so and accepted it; this
 * only counts the headers that decide where the body ends.
 */
#include "http/framing.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* The line starting at *p (before end): its length without the line end;
 * *p moves past the line end. false if the line does not end before end. */
static bool next_line(const char **p, const char *end, size_t *len)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	if (!nl)
		return false;
	const char *stop = nl > *p && nl[-1] == '\r' ? nl - 1 : nl;
	*len = (size_t)(stop - *p);
	*p = nl + 1;
	return true;
}

static bool is_header(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);
	return len > n && line[n] == ':' && strncasecmp(line, name, n) == 0;
}

enum ld_framing ld_framing_check(const char *buf, size_t n,
				 const char *method, size_t method_len,
				 const char *target, size_t target_len)
{
	const char *p = buf, *end = buf + n;
	size_t len;
	/* h2o's parser skips one empty line before the request line (some
	 * clients send CRLF after a body). */
	if (p < end && *p == '\r')
		p++;
	if (p < end && *p == '\n')
		p++;
	else if (p > buf)
		return LD_FRAMING_UNKNOWN;
	const char *line = p;
	if (!next_line(&p, end, &len) || len < method_len + target_len + 2 ||
	    memcmp(line, method, method_len) != 0 || line[method_len] != ' ' ||
	    memcmp(line + method_len + 1, target, target_len) != 0 ||
	    line[method_len + 1 + target_len] != ' ')
		return LD_FRAMING_UNKNOWN;
	const char *version = line + method_len + target_len + 2;
	bool http10 = (size_t)(line + len - version) == 8 &&
		      memcmp(version, "HTTP/1.0", 8) == 0;
	int lengths = 0, encodings = 0;
	for (;;) {
		line = p;
		if (!next_line(&p, end, &len))
			return LD_FRAMING_UNKNOWN;
		if (len == 0)
			break; /* the end of the head */
		if (is_header(line, len, "content-length"))
			lengths++;
		else if (is_header(line, len, "transfer-encoding"))
			encodings++;
	}
	if (lengths > 1)
		return LD_FRAMING_DUP_LENGTH;
	if (encodings > 1)
		return LD_FRAMING_DUP_ENCODING;
	if (lengths && encodings)
		return LD_FRAMING_LENGTH_AND_ENCODING;
	if (encodings && http10)
		return LD_FRAMING_ENCODING_HTTP10;
	return LD_FRAMING_OK;
}

const char *ld_framing_refusal(h2o_req_t *req)
{
	if (req->version >= 0x200 || !req->conn->callbacks->get_socket)
		return NULL;
	h2o_socket_t *sock = req->conn->callbacks->get_socket(req->conn);
	if (!sock || !sock->input)
		return NULL;
	const char *msg = NULL;
	switch (ld_framing_check(sock->input->bytes, sock->input->size,
				 req->input.method.base, req->input.method.len,
				 req->input.path.base, req->input.path.len)) {
	case LD_FRAMING_OK:
		return NULL;
	case LD_FRAMING_DUP_LENGTH:
		msg = "请求头 Content-Length 出现多次，无法确定请求内容的长度";
		break;
	case LD_FRAMING_DUP_ENCODING:
		msg = "请求头 Transfer-Encoding 出现多次，无法确定请求内容的长度";
		break;
	case LD_FRAMING_LENGTH_AND_ENCODING:
		msg = "请求头 Content-Length 与 Transfer-Encoding "
		      "不能同时出现，无法确定请求内容的长度";
		break;
	case LD_FRAMING_ENCODING_HTTP10:
		msg = "HTTP/1.0 请求不能使用 Transfer-Encoding";
		break;
	case LD_FRAMING_UNKNOWN:
		msg = "无法核对请求头";
		break;
	}
	req->http1_is_persistent = 0;
	return msg;
}
