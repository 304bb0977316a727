/*
 * json_out.c — JSON writer. Strings are copied byte for byte apart from the
 * escapes JSON requires; callers pass valid UTF-8.
 */
#include "json_out.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void ld_jw_init(ld_jw *w, ld_buf *out)
{
	memset(w, 0, sizeof *w);
	w->out = out;
}

ld_status ld_jw_finish(ld_jw *w)
{
	if (w->status == LD_OK && w->depth != 0)
		w->status = LD_EINTERNAL;
	return w->status;
}

static void put(ld_jw *w, const char *s, size_t n)
{
	if (w->status == LD_OK)
		w->status = ld_buf_add(w->out, s, n);
}

/* Emit the separator owed before a value at the current depth. */
static void before_value(ld_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth])
			put(w, ",", 1);
		w->need_comma[w->depth] = true;
	}
}

static void open(ld_jw *w, char c)
{
	before_value(w);
	put(w, &c, 1);
	if (w->depth + 1 >= LD_JW_MAX_DEPTH) {
		w->status = LD_EINTERNAL;
		return;
	}
	w->depth++;
	w->need_comma[w->depth] = false;
}

static void close_(ld_jw *w, char c)
{
	if (w->depth == 0) {
		w->status = LD_EINTERNAL;
		return;
	}
	put(w, &c, 1);
	w->depth--;
}

void ld_jw_obj_open(ld_jw *w) { open(w, '{'); }
void ld_jw_obj_close(ld_jw *w) { close_(w, '}'); }
void ld_jw_arr_open(ld_jw *w) { open(w, '['); }
void ld_jw_arr_close(ld_jw *w) { close_(w, ']'); }

/* Most strings need no escaping: measure first, reserve exactly, then copy
 * (in one go when nothing needs escaping). */
static void put_string(ld_jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	if (w->status != LD_OK)
		return;
	size_t extra = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20)
			extra += c == '\n' || c == '\r' || c == '\t' ? 1 : 5;
		else if (c == '"' || c == '\\')
			extra += 1;
	}
	if ((w->status = ld_buf_reserve(w->out, n + extra + 2)) != LD_OK)
		return;
	char *o = w->out->data + w->out->len;
	*o++ = '"';
	if (extra == 0) {
		memcpy(o, s, n);
		o += n;
	} else {
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c >= 0x20 && c != '"' && c != '\\') {
				*o++ = (char)c;
				continue;
			}
			*o++ = '\\';
			switch (c) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '\n': *o++ = 'n'; break;
			case '\r': *o++ = 'r'; break;
			case '\t': *o++ = 't'; break;
			default:
				*o++ = 'u';
				*o++ = '0';
				*o++ = '0';
				*o++ = hex[c >> 4];
				*o++ = hex[c & 15];
			}
		}
	}
	*o++ = '"';
	*o = '\0';
	w->out->len = (size_t)(o - w->out->data);
}

void ld_jw_key(ld_jw *w, const char *key)
{
	before_value(w);
	put_string(w, key, strlen(key));
	put(w, ":", 1);
	w->after_key = true;
}

void ld_jw_strn(ld_jw *w, const char *s, size_t n)
{
	before_value(w);
	put_string(w, s, n);
}

void ld_jw_str(ld_jw *w, const char *s)
{
	if (!s) {
		ld_jw_null(w);
		return;
	}
	ld_jw_strn(w, s, strlen(s));
}

void ld_jw_int(ld_jw *w, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%" PRId64, v);
	before_value(w);
	put(w, tmp, (size_t)n);
}

void ld_jw_bool(ld_jw *w, bool v)
{
	before_value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void ld_jw_null(ld_jw *w)
{
	before_value(w);
	put(w, "null", 4);
}

void ld_jw_raw(ld_jw *w, const char *json, size_t n)
{
	before_value(w);
	put(w, json, n);
}

void ld_jw_kstr(ld_jw *w, const char *key, const char *s)
{
	ld_jw_key(w, key);
	ld_jw_str(w, s);
}

void ld_jw_kint(ld_jw *w, const char *key, int64_t v)
{
	ld_jw_key(w, key);
	ld_jw_int(w, v);
}

void ld_jw_kbool(ld_jw *w, const char *key, bool v)
{
	ld_jw_key(w, key);
	ld_jw_bool(w, v);
}

void ld_jw_knull(ld_jw *w, const char *key)
{
	ld_jw_key(w, key);
	ld_jw_null(w);
}
