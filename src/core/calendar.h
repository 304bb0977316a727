/*
 * calendar.h — working days over the official holiday arrangement.
 *
 * The State Council publishes each year's arrangement (国务院办公厅关于部分
 * 节假日安排的通知): rest days inside holiday ranges ("off") and weekend days
 * declared working days (调休上班, "workday"). A working day is a Monday to
 * Friday that is not "off", or a weekend day that is "workday".
 *
 * Each year is one TSV text (data/holidays/YYYY.tsv), added at run time, so a
 * new year needs no rebuild. A count that touches a year with no arrangement
 * falls back to weekends only and reports itself incomplete (provisional).
 * This module parses text it is given; reading files is calendar_load.c's job.
 */
#ifndef LD_CALENDAR_H
#define LD_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "status.h"

#define LD_CALENDAR_MAX_YEARS 64

enum { LD_CAL_DEFAULT = 0, LD_CAL_OFF = 1, LD_CAL_WORKDAY = 2 };

struct ld_calendar_year {
	int year;
	unsigned char kind[366]; /* by day of year, LD_CAL_* */
};

/* Caller-owned; ld_calendar_init before use. Holds no pointers, so copying
 * and discarding it are free. */
typedef struct {
	int n_years;
	struct ld_calendar_year years[LD_CALENDAR_MAX_YEARS];
} ld_calendar;

void ld_calendar_init(ld_calendar *cal);

/*
 * Add (or replace) one year's arrangement from TSV text: an optional header
 * "date\tkind\tname", '#' comment lines, and rows "YYYY-MM-DD\toff|workday\t
 * name". Every row must fall in one year, equal to `expect_year` unless that
 * is 0; a "workday" must be a Saturday or Sunday; a date may appear once.
 * On error nothing is added and err names the line.
 */
ld_status ld_calendar_add_tsv(ld_calendar *cal, const char *text, size_t len,
			      int expect_year, ld_error *err);

bool ld_calendar_has_year(const ld_calendar *cal, int year);

/* Whether `d` is a working day; *known is set false when d's year has no
 * arrangement loaded (the answer is then by weekends only). */
bool ld_calendar_is_working_day(const ld_calendar *cal, ld_day d, bool *known);

/*
 * The n-th working day after `start` (the start day itself is not counted,
 * 民法典 第二百零一条). *complete is false when any day examined lay in a
 * year with no arrangement; *missing_year then names the first such year.
 */
ld_day ld_calendar_add_working_days(const ld_calendar *cal, ld_day start, int n,
				    bool *complete, int *missing_year);

/*
 * End of a period of n calendar days after `start` (the start day not
 * counted); if that day is a rest day, the next working day
 * (民法典 第二百零三条). Same *complete contract as above.
 */
ld_day ld_calendar_add_days_rolled(const ld_calendar *cal, ld_day start, int n,
				   bool *complete, int *missing_year);

/*
 * Load every file named YYYY.tsv in directory `dir` into cal (replacing
 * years already present). A missing directory is not an error when
 * `optional` is true. The only file I/O in the rules engine.
 */
ld_status ld_calendar_load_dir(ld_calendar *cal, const char *dir,
			       bool optional, ld_error *err);

/*
 * The years compiled into the binary, then the files of `dir` (or of
 * $LIUDONG_HOLIDAYS, or of data/holidays beside the executable, if present),
 * which add years or replace compiled-in ones. Initialises cal.
 */
ld_status ld_calendar_load_default(ld_calendar *cal, const char *dir,
				   ld_error *err);

#endif
