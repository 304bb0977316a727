/*
 * division.h — administrative division codes (GB/T 2260) and Jinan's units.
 *
 * The table holds every county-level and higher code published from 1980-12
 * to 2019-04 with the first and last revision each (code, name) pair was
 * listed in; a code may have been reused for another name. It is compiled
 * into the binary from data/gb2260-history.tsv.
 *
 * ID numbers keep the code they were issued under, so validation accepts any
 * code in the history. A hukou place recorded under a former Jinan code is
 * read as its successor (370181 章丘市 -> 370114 章丘区, ...).
 */
#ifndef LD_DIVISION_H
#define LD_DIVISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct ld_division_rec {
	int32_t code;
	const char *name;
	int32_t first_seen; /* YYYYMM of the first revision listing it */
	int32_t last_seen;  /* YYYYMM of the last one, 0 while current */
};

/* Generated table, sorted by code then first_seen. */
extern const struct ld_division_rec ld_division_table[];
extern const size_t ld_division_count;

enum ld_jinan_kind {
	LD_JINAN_NONE = 0,     /* not one of Jinan's twelve current units */
	LD_JINAN_DISTRICT = 1, /* one of the ten districts (区) */
	LD_JINAN_COUNTY = 2,   /* 平阴县 or 商河县 */
};

#define LD_JINAN_UNIT_COUNT 12
/* Jinan's twelve current county-level codes, districts first. */
extern const int32_t ld_jinan_units[LD_JINAN_UNIT_COUNT];

/* Parse exactly six digits. */
ld_status ld_division_parse(const char *s, int len, int32_t *out,
			    const char *field, ld_error *err);

/* The most recent record for `code`, or NULL when the code never existed.
 * Points into the static table. */
const struct ld_division_rec *ld_division_latest(int32_t code);

bool ld_division_is_current(int32_t code);
/* Known, and below city level (the last two digits are not 00). */
bool ld_division_is_county_level(int32_t code);

/* The current code a former Jinan code now belongs to; other codes are
 * returned unchanged. */
int32_t ld_division_successor(int32_t code);

enum ld_jinan_kind ld_jinan_kind_of(int32_t current_code);

/*
 * Full name from the most recent name at each level: province (XX0000),
 * city (XXXX00, when listed) and the code itself, e.g. 370102 ->
 * "山东省济南市历下区". Writes at most cap bytes including the NUL; returns
 * false for an unknown code.
 */
bool ld_division_full_name(int32_t code, char *buf, size_t cap);

#endif
