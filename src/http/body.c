/*
 * body.c — JSON body schema checks: known fields, required ones, types,
 * lengths, and no character in any string that could hide or reorder what
 * a reader sees (controls, bidirectional controls, invisible characters).
 */
#include "http/body.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/date.h"
#include "core/division.h"
#include "core/idnum.h"
#include "util/utf8.h"

static bool fail(ld_body_error *e, enum ld_http_error kind, const char *path,
		 const char *msg)
{
	e->kind = kind;
	snprintf(e->field, sizeof e->field, "%s", path);
	snprintf(e->message, sizeof e->message, "%s", msg);
	return false;
}

static void join(char *out, size_t cap, const char *prefix, const char *name)
{
	if (*prefix)
		snprintf(out, cap, "%.40s.%.40s", prefix, name);
	else
		snprintf(out, cap, "%.80s", name);
}

bool ld_body_text_ok(const char *s, size_t n, char *msg, size_t cap)
{
	uint32_t cp = 0;
	switch (ld_utf8_find_unsafe(s, n, &cp)) {
	case LD_UTF8_SAFE:
		return true;
	case LD_UTF8_CONTROL:
		snprintf(msg, cap, "不能含有控制字符");
		return false;
	case LD_UTF8_BIDI:
		snprintf(msg, cap,
			 "不能含有改变文字显示方向的控制字符（U+%04X）",
			 (unsigned)cp);
		return false;
	case LD_UTF8_INVISIBLE:
		snprintf(msg, cap, "不能含有不可见字符（U+%04X）", (unsigned)cp);
		return false;
	}
	return false;
}

/* Valid UTF-8 is guaranteed by jansson; count characters for limits. */
static bool check_string(const struct ld_field *f, const char *s, size_t n,
			 const char *path, ld_body_error *e)
{
	unsigned max = f->max_len ? f->max_len : 200;
	char msg[160];
	if (n > max) {
		snprintf(msg, sizeof msg, "内容过长（最多%u字节）", max);
		return fail(e, LD_HE_INVALID, path, msg);
	}
	if (!ld_body_text_ok(s, n, msg, sizeof msg))
		return fail(e, LD_HE_INVALID, path, msg);
	if (f->required && n == 0)
		return fail(e, LD_HE_INVALID, path, "不能为空");
	switch (f->type) {
	case LD_F_DATE: {
		ld_day d;
		ld_error err;
		if (ld_day_parse(s, (int)n, &d, f->name, &err) != LD_OK)
			return fail(e, LD_HE_INVALID, path, err.message);
		return true;
	}
	case LD_F_ID_NUMBER: {
		ld_idnum id;
		/* Birth dates in the future are caught by the handler,
		 * which knows today's date. */
		ld_idnum_check(s, n, ld_day_from_ymd(9999, 12, 31), &id);
		if (!id.valid)
			return fail(e, LD_HE_INVALID, path,
				    ld_id_reason_message(id.reason));
		return true;
	}
	case LD_F_DIVISION: {
		int32_t code;
		ld_error err;
		if (ld_division_parse(s, (int)n, &code, f->name, &err) != LD_OK)
			return fail(e, LD_HE_INVALID, path, err.message);
		if (!ld_division_is_county_level(code))
			return fail(e, LD_HE_INVALID, path,
				    "应为县级行政区划代码");
		return true;
	}
	case LD_F_CODE:
		if (!ld_code_find(f->codes, s)) {
			snprintf(msg, sizeof msg, "取值无效“%.60s”", s);
			return fail(e, LD_HE_INVALID, path, msg);
		}
		return true;
	default:
		return true;
	}
}

static bool check_object(const json_t *obj, const struct ld_field *schema,
			 const char *prefix, ld_body_error *e)
{
	char path[96];
	const char *key;
	json_t *v;
	if (!json_is_object(obj))
		return fail(e, LD_HE_BAD_REQUEST, prefix, "应为 JSON 对象");
	json_object_foreach((json_t *)obj, key, v)
	{
		const struct ld_field *f = schema;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		join(path, sizeof path, prefix, key);
		if (!f->name)
			return fail(e, LD_HE_UNKNOWN_FIELD, path,
				    "未定义的字段");
		if (json_is_null(v) && !f->required)
			continue;
		bool ok;
		switch (f->type) {
		case LD_F_INT:
			ok = json_is_integer(v);
			break;
		case LD_F_BOOL:
			ok = json_is_boolean(v);
			break;
		case LD_F_OBJECT:
			ok = json_is_object(v);
			break;
		case LD_F_ARRAY:
			ok = json_is_array(v);
			break;
		default:
			ok = json_is_string(v);
		}
		if (!ok)
			return fail(e, LD_HE_BAD_REQUEST, path, "字段类型不正确");
		if (f->type == LD_F_OBJECT) {
			if (!check_object(v, f->fields, path, e))
				return false;
		} else if (f->type == LD_F_ARRAY) {
			size_t max = f->max_len ? f->max_len : 100, i;
			json_t *item;
			if (json_array_size(v) > max) {
				char msg[64];
				snprintf(msg, sizeof msg, "最多%zu项", max);
				return fail(e, LD_HE_INVALID, path, msg);
			}
			json_array_foreach(v, i, item)
			{
				char ipath[128];
				snprintf(ipath, sizeof ipath, "%.90s[%zu]", path, i);
				if (!check_object(item, f->fields, ipath, e))
					return false;
			}
		} else if (json_is_string(v) &&
			   !check_string(f, json_string_value(v),
					 json_string_length(v), path, e)) {
			return false;
		}
	}
	for (const struct ld_field *f = schema; f->name; f++) {
		json_t *val = json_object_get(obj, f->name);
		if (f->required && (!val || json_is_null(val))) {
			join(path, sizeof path, prefix, f->name);
			return fail(e, LD_HE_INVALID, path, "必填项未填写");
		}
	}
	return true;
}

/*
 * jansson allocates every value separately. While a request body is
 * parsed, its allocations come from the request's arena instead (freed with
 * the request); at all other times, and on other threads, from malloc. A
 * header before each block says which, so free does the right thing.
 */
static __thread ld_arena *parse_arena;

struct block_header {
	max_align_t align;
};
#define FROM_ARENA ((size_t)1)
#define HDR sizeof(struct block_header)

static void *body_malloc(size_t n)
{
	char *p;
	if (n > SIZE_MAX - HDR)
		return NULL;
	if (parse_arena) {
		p = ld_arena_alloc(parse_arena, n + HDR);
		if (p)
			*(size_t *)p = FROM_ARENA;
	} else {
		p = malloc(n + HDR);
		if (p)
			*(size_t *)p = 0;
	}
	return p ? p + HDR : NULL;
}

static void body_free(void *q)
{
	if (!q)
		return;
	char *p = (char *)q - HDR;
	if (*(size_t *)p != FROM_ARENA)
		free(p);
}

void ld_body_init(void)
{
	json_set_alloc_funcs(body_malloc, body_free);
}

bool ld_body_parse_in(ld_arena *arena, const char *data, size_t len,
		      const struct ld_field *schema, json_t **out,
		      ld_body_error *e)
{
	parse_arena = arena;
	bool ok = ld_body_parse(data, len, schema, out, e);
	parse_arena = NULL;
	return ok;
}

bool ld_body_parse(const char *data, size_t len, const struct ld_field *schema,
		   json_t **out, ld_body_error *e)
{
	json_error_t jerr;
	*out = NULL;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		char msg[192];
		snprintf(msg, sizeof msg, "请求内容不是有效的 JSON：第%d行第%d列",
			 jerr.line, jerr.column);
		return fail(e, LD_HE_BAD_JSON, "", msg);
	}
	if (!check_object(root, schema, "", e)) {
		json_decref(root);
		return false;
	}
	*out = root;
	return true;
}

const char *ld_json_str(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *ld_json_obj(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_object(v) ? v : NULL;
}

bool ld_json_bool(const json_t *obj, const char *key, bool dflt)
{
	json_t *v = json_object_get(obj, key);
	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

long long ld_json_int(const json_t *obj, const char *key, long long dflt)
{
	json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? json_integer_value(v) : dflt;
}
