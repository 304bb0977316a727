/*
 * body.h — checking a JSON request body against its route's schema, once,
 * before the handler runs: only known fields, required ones present, each of
 * the right type, strings within length, dates real, codes known. Errors
 * name the field by its path ("person.id_number").
 */
#ifndef LD_BODY_H
#define LD_BODY_H

#include "http/http.h"
#include "http/reply.h"

typedef struct {
	enum ld_http_error kind;
	char field[96];
	char message[192];
} ld_body_error;

/* Make jansson's allocations go through this module (call once, before
 * any thread parses). */
void ld_body_init(void);
/* As ld_body_parse, with jansson's allocations taken from `arena`, which
 * must outlive the returned value. */
bool ld_body_parse_in(ld_arena *arena, const char *data, size_t len,
		      const struct ld_field *schema, json_t **out,
		      ld_body_error *e);

/* Parse and check. On success *out holds a new reference. */
bool ld_body_parse(const char *data, size_t len, const struct ld_field *schema,
		   json_t **out, ld_body_error *err);

/* Whether the n bytes at s (valid UTF-8) may be kept as free text: no
 * control, bidirectional-control or invisible character (utf8.h). If not,
 * writes a Chinese message naming the character to msg. Every string of
 * every body passes this check; so does every query value. */
bool ld_body_text_ok(const char *s, size_t n, char *msg, size_t cap);

/* Typed getters on a checked body; NULL / false / dflt when absent. */
const char *ld_json_str(const json_t *obj, const char *key);
json_t *ld_json_obj(const json_t *obj, const char *key);
bool ld_json_bool(const json_t *obj, const char *key, bool dflt);
long long ld_json_int(const json_t *obj, const char *key, long long dflt);

#endif
