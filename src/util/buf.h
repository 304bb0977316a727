/*
 * buf.h — the one growable byte buffer (git's strbuf, curl's dynbuf).
 *
 * Invariants: `data` is NUL-terminated whenever len > 0 or after any append;
 * `len` never exceeds `max`; `cap` never exceeds `max` + 1, so an append
 * that fits the capacity also fits the limit. An append that would pass `max` or fails to
 * allocate leaves the buffer unchanged and returns an error, so a caller can
 * bound anything built from client input.
 */
#ifndef LD_BUF_H
#define LD_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "core/status.h"

typedef struct {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
} ld_buf;

#define LD_BUF_DEFAULT_MAX ((size_t)64 << 20)

/* Caller-owned; no allocation until the first append. */
void ld_buf_init(ld_buf *b, size_t max);
/* Frees the storage; the buffer may be reused after ld_buf_init. */
void ld_buf_release(ld_buf *b);
void ld_buf_reset(ld_buf *b);

/* Grow the buffer so `extra` more bytes (and the NUL) fit. */
ld_status ld_buf_reserve(ld_buf *b, size_t extra);
ld_status ld_buf_add_slow(ld_buf *b, const void *data, size_t len);

/* Append len bytes. The common case (room left) is inline. */
static inline ld_status ld_buf_add(ld_buf *b, const void *data, size_t len)
{
	if (b->data && len < b->cap - b->len) {
		memcpy(b->data + b->len, data, len);
		b->len += len;
		b->data[b->len] = '\0';
		return LD_OK;
	}
	return ld_buf_add_slow(b, data, len);
}
ld_status ld_buf_adds(ld_buf *b, const char *s);
ld_status ld_buf_addc(ld_buf *b, char c);
ld_status ld_buf_addf(ld_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
