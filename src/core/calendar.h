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
 * falls back to the law: weekends and the holidays of all citizens of
 * 《全国年节及纪念日放假办法》 in the revision in force that year
 * (calendar_statutory.c; no 调休 working weekend is invented and a holiday
 * on a weekend is not moved), and reports itself incomplete (provisional).
 * This module parses text it is given; reading files is calendar_load.c's job.
 */
#ifndef LD_CALENDAR_H
#define LD_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "citation.h"
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
 * arrangement loaded (the answer is then by the statutory holidays and
 * weekends, ld_statutory_holidays). */
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
 * The warning for a result counted over `missing_year`, which has no
 * arrangement loaded (Chinese, for the answer's "warning"): it names the
 * year and says how the days were counted. Writes at most cap bytes.
 */
void ld_calendar_warning(int missing_year, char *buf, size_t cap);

/* ---- the statutory holidays (calendar_statutory.c) ------------------- */

#define LD_STATUTORY_MIN_YEAR 2000
#define LD_STATUTORY_MAX 16

/* The holidays of all citizens (全体公民放假的节日) of one year. */
struct ld_statutory_year {
	int year;
	ld_cite basis; /* the revision of 第二条 in force that year */
	int n;
	struct {
		ld_day day;
		const char *name; /* "春节", ...: static */
	} days[LD_STATUTORY_MAX];
};

/*
 * The holidays of 《全国年节及纪念日放假办法》第二条 in `year`, by the
 * revision in force then: 1999 (元旦 1, 春节 初一至初三, 劳动节 5-1..3,
 * 国庆 10-1..3), 2007 (in force 2008: 春节 除夕至初二, 劳动节 1 day, and
 * 清明, 端午, 中秋 1 day each), 2013 (in force 2014: 春节 初一至初三) and
 * 2024 (in force 2025: 春节 除夕至初三, 劳动节 5-1..2). Days in date
 * order, each once (a 中秋 on 1 to 3 October is named "中秋节、国庆节").
 * False before
 * LD_STATUTORY_MIN_YEAR and past LD_LUNAR_MAX_YEAR (weekends alone then).
 */
bool ld_statutory_holidays(int year, struct ld_statutory_year *out);

/* The citation of the revision in force in `year`, or LD_CITE__COUNT. */
ld_cite ld_statutory_basis(int year);

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
