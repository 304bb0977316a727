/*
 * buf.c — growable buffer.
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ld_buf_init(ld_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max ? max : LD_BUF_DEFAULT_MAX;
}

void ld_buf_release(ld_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void ld_buf_reset(ld_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

ld_status ld_buf_reserve(ld_buf *b, size_t extra)
{
	if (extra > b->max - b->len)
		return LD_ETOOBIG;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return LD_OK;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < need)
		cap *= 2;
	/* Never more than max + 1: the inline append relies on it. */
	if (cap > b->max + 1)
		cap = b->max + 1;
	char *p = realloc(b->data, cap);
	if (!p)
		return LD_ENOMEM;
	b->data = p;
	b->cap = cap;
	return LD_OK;
}

ld_status ld_buf_add_slow(ld_buf *b, const void *data, size_t len)
{
	ld_status rc = ld_buf_reserve(b, len);
	if (rc != LD_OK)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return LD_OK;
}

ld_status ld_buf_adds(ld_buf *b, const char *s)
{
	return ld_buf_add(b, s, strlen(s));
}

ld_status ld_buf_addc(ld_buf *b, char c)
{
	return ld_buf_add(b, &c, 1);
}

ld_status ld_buf_addf(ld_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return LD_EINTERNAL;
	if ((size_t)n < sizeof small)
		return ld_buf_add(b, small, (size_t)n);
	ld_status rc = ld_buf_reserve(b, (size_t)n);
	if (rc != LD_OK)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return LD_OK;
}
