/*
 * buf.h — the one growable byte buffer (git's strbuf, curl's dynbuf).
 *
 * Invariants: `data` is NUL-terminated whenever len > 0 or after any append;
 * `len` never exceeds `max`. An append that would pass `max` or fails to
 * allocate leaves the buffer unchanged and returns an error, so a caller can
 * bound anything built from client input.
 */
#ifndef LD_BUF_H
#define LD_BUF_H

#include <stdarg.h>
#include <stddef.h>

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

ld_status ld_buf_add(ld_buf *b, const void *data, size_t len);
ld_status ld_buf_adds(ld_buf *b, const char *s);
ld_status ld_buf_addc(ld_buf *b, char c);
ld_status ld_buf_addf(ld_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
