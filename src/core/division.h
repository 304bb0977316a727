/*
 * division.h — administrative division codes (GB/T 2260) and Jinan's units.
 *
 * The table holds every county-level and higher code published from 1980-12
 * to the end of 2024 with the first and last revision each (code, name)
 * pair was listed in; a code may have been reused for another name. It is
 * compiled into the binary from data/gb2260-history.tsv. Revisions up to
 * 2019-04 are monthly (YYYYMM); later changes are recorded by year: a code
 * that appeared during year Y has first_seen Y12, one withdrawn during Y
 * has last_seen (Y-1)12 (201904 for 2019). A code renamed in place may keep
 * its old name "current" beside the new one: the newest name wins.
 *
 * An operator adds codes created since (or corrects one) without a rebuild:
 * files in the same format, merged over the compiled-in table at start
 * (ld_division_load_default). The merged table is process-wide, installed
 * once before any thread reads it; every look-up below reads it.
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

/* Generated table, sorted by code then first_seen: the compiled-in data
 * alone. Look-ups use the table in force (ld_division_records). */
extern const struct ld_division_rec ld_division_table[];
extern const size_t ld_division_count;

/* The table in force: the compiled-in one, with the operator's files merged
 * over it when they were loaded; sorted by code then first_seen. Static
 * storage, valid until the next ld_division_load_default. */
const struct ld_division_rec *ld_division_records(size_t *n);
/* How many records the operator's files added or changed. */
size_t ld_division_added(void);

/*
 * Parse division records from TSV text: an optional header line
 * "code\tname\tfirst_seen\tlast_seen", '#' comments, blank lines, and
 * rows of four tab-separated fields: a six-digit code, a name (UTF-8, 1 to
 * 60 bytes, no control or invisible character), first_seen YYYYMM and
 * last_seen YYYYMM (not before first_seen) or "current". A (code, name)
 * pair may appear once. `file` names the text in messages. On success
 * *out (malloc'd, names included: free with ld_division_free_records)
 * holds *n records; on failure nothing, and err names the file and line.
 */
ld_status ld_division_parse_tsv(const char *text, size_t len,
				const char *file,
				struct ld_division_rec **out, size_t *n,
				ld_error *err);
void ld_division_free_records(struct ld_division_rec *recs, size_t n);

/*
 * Install the compiled-in table merged with every *.tsv file (in name
 * order) of `dir`, or of $LIUDONG_DIVISIONS when dir is NULL, or else of
 * data/divisions (or share/liudong/divisions) beside the executable when
 * that exists; then of `more` (may be NULL; skipped when absent: the
 * server's DATA/divisions). A row whose (code, name) is in the table
 * replaces its first_seen and last_seen (to record a withdrawal); others
 * are added. On any bad file the table in force is left as it was. Not
 * thread-safe: call before threads read the table. The only file I/O here.
 */
ld_status ld_division_load_default(const char *dir, const char *more,
				   ld_error *err);

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
