/*
 * fuzz_holidays.c — holiday arrangement files, which operators drop into
 * data/holidays/ for a new year: any file gives a calendar or an error.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ld_calendar cal;
	ld_error err;
	ld_calendar_init(&cal);
	if (ld_calendar_add_tsv(&cal, (const char *)data, size, 0, &err) ==
	    LD_OK) {
		bool complete;
		int missing;
		ld_calendar_add_working_days(&cal, ld_day_from_ymd(2025, 9, 26),
					     10, &complete, &missing);
	}
	return 0;
}
