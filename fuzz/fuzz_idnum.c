/*
 * fuzz_idnum.c — the small parsers every request and command uses on its
 * input: ID numbers, dates, times, division codes, licence identifiers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/date.h"
#include "core/division.h"
#include "core/idnum.h"
#include "core/licence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int len = size > 64 ? 64 : (int)size;
	ld_idnum id;
	ld_idnum_check(s, size, ld_day_from_ymd(2026, 11, 24), &id);
	ld_day d;
	ld_day_parse(s, len, &d, "date", NULL);
	int m;
	ld_minute_parse(s, len, &m, "time", NULL);
	int32_t code;
	if (ld_division_parse(s, len, &code, "code", NULL) == LD_OK) {
		char name[256];
		ld_division_full_name(code, name, sizeof name);
		ld_division_successor(code);
	}
	char text[160];
	size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
	memcpy(text, data, n);
	text[n] = '\0';
	int version;
	ld_licence_is_valid(text, &version);
	char masked[19];
	ld_mask_id_number(text, masked);
	return 0;
}
