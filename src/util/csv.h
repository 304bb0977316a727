/*
 * csv.h — reading the CSV files organisations upload: RFC 4180 fields
 * (quotes, doubled quotes, line breaks inside quotes; CRLF or LF), after
 * turning the file into UTF-8. Excel in China saves CSV as GBK (code page
 * 936); anything that is not valid UTF-8 is read as GB 18030, its superset.
 */
#ifndef LD_CSV_H
#define LD_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "util/arena.h"

#define LD_CSV_MAX_FIELDS 32

/*
 * The file as UTF-8 without a byte-order mark: the input itself when it is
 * UTF-8 (*encoding = "utf-8"), else its GB 18030 conversion allocated from
 * `ar` (*encoding = "gbk"). LD_EINVAL when it is neither.
 */
ld_status ld_csv_to_utf8(const char *data, size_t len, ld_arena *ar,
			 const char **out, size_t *out_len,
			 const char **encoding, ld_error *err);

typedef struct {
	const char *p, *end;
	int line; /* line number of the record just read (1-based) */
	int next_line;
} ld_csv;

void ld_csv_init(ld_csv *r, const char *data, size_t len);

/*
 * Read the next record into fields (NUL-terminated copies in `ar`, spaces
 * around unquoted fields trimmed). Returns the number of fields, 0 at the
 * end, or -1 for a malformed record (an unclosed quote, text after a
 * closing quote, more than LD_CSV_MAX_FIELDS fields) with err set. Blank
 * lines are skipped.
 */
int ld_csv_next(ld_csv *r, ld_arena *ar, const char *fields[LD_CSV_MAX_FIELDS],
		ld_error *err);

#endif
