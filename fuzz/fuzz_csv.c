/*
 * fuzz_csv.c — an uploaded report file as the server first reads it
 * (src/util/csv.c, src/http/upload.c): decoding (UTF-8 with or without a
 * byte-order mark, else GB 18030), then RFC 4180 records, then the cells
 * an upload's row is made of (column names, dates, phone numbers).
 *
 * Checks, besides "no crash": the decoded text is valid UTF-8 without NUL,
 * every field is a NUL-terminated string of valid UTF-8, and the line
 * numbers never go back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/phone.h"
#include "http/reporting.h"
#include "util/arena.h"
#include "util/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
static int utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
				       : (c >> 3) == 30	    ? 4
							    : 0;
		if (!len || i + len > n)
			return 0;
		unsigned cp = len == 1 ? c : c & (0x7f >> len);
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
		if (cp < min[len] || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_arena ar;
	ld_arena_init(&ar, (size_t)64 << 20);
	const char *text, *encoding;
	size_t len;
	ld_error err = {0};
	if (ld_csv_to_utf8((const char *)data, size, &ar, &text, &len,
			   &encoding, &err) == LD_OK) {
		if (!utf8_valid((const unsigned char *)text, len) ||
		    memchr(text, '\0', len))
			abort();
		ld_csv r;
		ld_csv_init(&r, text, len);
		int line = 0;
		for (int records = 0; records < 10000; records++) {
			const char *f[LD_CSV_MAX_FIELDS];
			int n = ld_csv_next(&r, &ar, f, &err);
			if (n == 0)
				break;
			if (r.line < line)
				abort();
			line = r.line;
			for (int i = 0; i < n; i++) {
				if (!utf8_valid((const unsigned char *)f[i],
						strlen(f[i])))
					abort();
				ld_report_column_code(f[i]);
				ld_day d;
				ld_report_parse_day(f[i], &d);
				ld_phone_valid(f[i]);
			}
		}
	}
	ld_arena_release(&ar);
	return 0;
}
