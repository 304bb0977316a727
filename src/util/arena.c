/*
 * arena.c — chunked bump allocator.
 */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ld_arena_chunk {
	struct ld_arena_chunk *next;
	size_t cap, used;
	max_align_t data[];
};

#define CHUNK 8192

void ld_arena_init(ld_arena *a, size_t max)
{
	ld_arena_init_sized(a, max, CHUNK);
}

void ld_arena_init_sized(ld_arena *a, size_t max, size_t first_chunk)
{
	a->head = NULL;
	a->used_total = 0;
	a->max = max ? max : ((size_t)64 << 20);
	a->next_chunk = first_chunk ? first_chunk : CHUNK;
}

static void free_chunks(struct ld_arena_chunk *c)
{
	while (c) {
		struct ld_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

void ld_arena_release(ld_arena *a)
{
	free_chunks(a->head);
	a->head = NULL;
	a->used_total = 0;
}

void ld_arena_reset(ld_arena *a)
{
	struct ld_arena_chunk *keep = a->head;
	if (!keep)
		return;
	free_chunks(keep->next);
	keep->next = NULL;
	keep->used = 0;
	a->used_total = 0;
}

void *ld_arena_alloc(ld_arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	/* Refuse before rounding: rounding a huge n up would wrap to 0. */
	if (n > a->max - a->used_total)
		return NULL;
	n = (n + align - 1) / align * align;
	if (n == 0)
		n = align;
	if (n > a->max - a->used_total)
		return NULL;
	struct ld_arena_chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t want = a->next_chunk ? a->next_chunk : CHUNK;
		size_t cap = n > want ? n : want;
		if (a->next_chunk < CHUNK)
			a->next_chunk *= 2;
		c = malloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	a->used_total += n;
	return p;
}

void *ld_arena_calloc(ld_arena *a, size_t n)
{
	void *p = ld_arena_alloc(a, n);
	if (p)
		memset(p, 0, n);
	return p;
}

char *ld_arena_strndup(ld_arena *a, const char *s, size_t n)
{
	char *p = ld_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ld_arena_strdup(ld_arena *a, const char *s)
{
	return ld_arena_strndup(a, s, strlen(s));
}

char *ld_arena_printf(ld_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = ld_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
