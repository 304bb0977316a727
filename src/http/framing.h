/*
 * framing.h — refusing HTTP/1 requests whose length is ambiguous.
 *
 * h2o 2.2.5 frames a request by the first Content-Length header and ignores
 * any later one, and lets Transfer-Encoding override Content-Length; neither
 * reaches the handler. A proxy in front that frames the same bytes by
 * another rule sees a different request boundary, and what it took for a
 * body is read here as a second request (request smuggling; RFC 9112 §6.3,
 * §11.2). So every request's head is read again from the connection's
 * input, where it still lies when the handler runs, and a request with an
 * ambiguous length is refused and its connection closed.
 */
#ifndef LD_FRAMING_H
#define LD_FRAMING_H

#include <stddef.h>

#include <h2o.h>

enum ld_framing {
	LD_FRAMING_OK = 0,
	LD_FRAMING_DUP_LENGTH,	    /* Content-Length more than once */
	LD_FRAMING_DUP_ENCODING,    /* Transfer-Encoding more than once */
	LD_FRAMING_LENGTH_AND_ENCODING, /* both */
	LD_FRAMING_ENCODING_HTTP10, /* Transfer-Encoding in HTTP/1.0 */
	LD_FRAMING_UNKNOWN,	    /* the head is not where it was expected */
};

/*
 * Judge the framing headers of the request head at the start of the n bytes
 * at buf (which may go on with its body). The head must be the one of the
 * request with this method and target (its first line is checked against
 * them); LD_FRAMING_UNKNOWN if it is not, or if the head does not end within
 * the n bytes. Header names are matched without regard to case.
 */
enum ld_framing ld_framing_check(const char *buf, size_t n,
				 const char *method, size_t method_len,
				 const char *target, size_t target_len);

/*
 * For a request being handled: NULL if its framing is sound (or it did not
 * come over HTTP/1, whose framing is h2o's), else a Chinese message saying
 * what is wrong. The connection is then marked to close after the answer.
 */
const char *ld_framing_refusal(h2o_req_t *req);

#endif
