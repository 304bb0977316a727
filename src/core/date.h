/*
 * date.h — civil dates as day numbers, and the period arithmetic of the
 * Civil Code (民法典 第二百零一条至第二百零三条).
 *
 * A date is an ld_day: the number of days since 1970-01-01 in the proleptic
 * Gregorian calendar. Plain integers make "the day after" and comparisons
 * trivial. Nothing here knows today's date: callers pass it in.
 * Working days live in calendar.h, because they need the holiday data.
 */
#ifndef LD_DATE_H
#define LD_DATE_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

typedef int32_t ld_day;

#define LD_DATE_MIN_YEAR 1000
#define LD_DATE_MAX_YEAR 9999

/* Length of "YYYY-MM-DD" plus the terminating NUL. */
#define LD_DATE_STRLEN 11

bool ld_year_is_leap(int year);
int ld_days_in_month(int year, int month);
/* True when year/month/day names a real date within the supported years. */
bool ld_date_is_valid(int year, int month, int day);

/* Day number of a valid date; behaviour is undefined for invalid dates. */
ld_day ld_day_from_ymd(int year, int month, int day);
void ld_day_to_ymd(ld_day d, int *year, int *month, int *day);
int ld_day_year(ld_day d);
/* ISO weekday: 1 = Monday ... 7 = Sunday. */
int ld_day_weekday(ld_day d);

/* Parse exactly "YYYY-MM-DD" (len bytes, no NUL needed). On failure returns
 * LD_EINVAL with `field` and a Chinese message in err. */
ld_status ld_day_parse(const char *s, int len, ld_day *out, const char *field,
		       ld_error *err);
/* Write "YYYY-MM-DD" and a NUL into out. */
void ld_day_format(ld_day d, char out[LD_DATE_STRLEN]);

/*
 * Period arithmetic by months and years (民法典 第二百零二条): the period ends
 * on the corresponding day of the last month; where that month has no such
 * day, on its last day. `months` and `years` may be negative (used for "one
 * month before the anniversary").
 */
ld_day ld_day_add_months(ld_day d, int months);
ld_day ld_day_add_years(ld_day d, int years);

/* Whole years from `from` to `to` by corresponding days: the largest n with
 * add_years(from, n) <= to. Returns 0 when to < from. */
int ld_years_between(ld_day from, ld_day to);

/* Time of day as minutes since midnight, parsed from exactly "HH:MM"
 * (00:00 to 23:59). */
ld_status ld_minute_parse(const char *s, int len, int *out, const char *field,
			  ld_error *err);

#endif
