/*
 * arena.h — a bump allocator for memory that lives as long as one request,
 * one command or one write batch. Everything is freed at once by
 * ld_arena_release; nothing is freed individually.
 *
 * Each arena has a ceiling (`max`) so input can never make it grow without
 * bound; an allocation past it returns NULL.
 */
#ifndef LD_ARENA_H
#define LD_ARENA_H

#include <stddef.h>

struct ld_arena_chunk;

typedef struct {
	struct ld_arena_chunk *head;
	size_t used_total;
	size_t max;
	size_t next_chunk; /* size of the next chunk to allocate */
} ld_arena;

void ld_arena_init(ld_arena *a, size_t max);
/* As ld_arena_init, with a smaller first chunk for short-lived arenas;
 * chunks double from there up to 8 KiB. */
void ld_arena_init_sized(ld_arena *a, size_t max, size_t first_chunk);
void ld_arena_release(ld_arena *a);
/* Empty the arena for reuse, keeping its newest chunk (no malloc for the
 * next allocations that fit): for a loop that needs memory per item. */
void ld_arena_reset(ld_arena *a);

/* Aligned memory for n bytes, or NULL past the ceiling or out of memory. */
void *ld_arena_alloc(ld_arena *a, size_t n);
/* Zeroed memory. */
void *ld_arena_calloc(ld_arena *a, size_t n);
/* Copy of s (n bytes) with a NUL; NULL if out of memory. */
char *ld_arena_strndup(ld_arena *a, const char *s, size_t n);
char *ld_arena_strdup(ld_arena *a, const char *s);
char *ld_arena_printf(ld_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
