/*
 * json_out.h — writes JSON text into an ld_buf, in the order it is called.
 *
 * The writer tracks nesting and commas itself; errors (size limit, memory)
 * are sticky and reported once by ld_jw_finish, so callers need not check
 * each call. It does not validate that keys are unique.
 */
#ifndef LD_JSON_OUT_H
#define LD_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define LD_JW_MAX_DEPTH 32

typedef struct {
	ld_buf *out;
	ld_status status;
	int depth;
	bool need_comma[LD_JW_MAX_DEPTH];
	bool after_key;
} ld_jw;

void ld_jw_init(ld_jw *w, ld_buf *out);
/* The first error met, or LD_OK. */
ld_status ld_jw_finish(ld_jw *w);

void ld_jw_obj_open(ld_jw *w);
void ld_jw_obj_close(ld_jw *w);
void ld_jw_arr_open(ld_jw *w);
void ld_jw_arr_close(ld_jw *w);
void ld_jw_key(ld_jw *w, const char *key);

void ld_jw_str(ld_jw *w, const char *s);
void ld_jw_strn(ld_jw *w, const char *s, size_t n);
void ld_jw_int(ld_jw *w, int64_t v);
void ld_jw_bool(ld_jw *w, bool v);
void ld_jw_null(ld_jw *w);
/* A value already written as JSON by another ld_jw (not checked). */
void ld_jw_raw(ld_jw *w, const char *json, size_t n);

/* Key and value in one call. */
void ld_jw_kstr(ld_jw *w, const char *key, const char *s); /* NULL -> null */
void ld_jw_kint(ld_jw *w, const char *key, int64_t v);
void ld_jw_kbool(ld_jw *w, const char *key, bool v);
void ld_jw_knull(ld_jw *w, const char *key);

#endif
