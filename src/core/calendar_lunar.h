/*
 * calendar_lunar.h — the Chinese lunisolar calendar (农历) and the solar
 * terms (节气), computed, for the statutory holidays of a year whose State
 * Council arrangement is missing (calendar_statutory.c).
 *
 * Computed, not tabulated: new moons after Meeus, "Astronomical Algorithms"
 * (2nd ed., 1998), ch. 49 (true phases, with the planetary arguments), and
 * the Sun's apparent longitude from the truncated VSOP87 series of its
 * Appendix III with nutation (ch. 22, main terms), aberration and the FK5
 * correction (ch. 25); Terrestrial Time is turned into Universal Time with
 * the ΔT polynomials of Espenak and Meeus (NASA, 2006), and days are days
 * of Beijing time (UTC+8). Months follow GB/T 33661-2017 《农历的编算和
 * 颁行》: a month begins on the day of a new moon; the month that holds the
 * winter solstice (冬至) is the eleventh; when thirteen months lie between
 * two eleventh months, the first of them holding no principal term (中气)
 * is a leap month and takes the number of the month before it.
 *
 * The new moons are good to about half a minute and the solar terms to
 * about one, so a date can only be wrong when the instant lies within a
 * minute or two of Beijing midnight; tests/unit/t_calendar.c checks every
 * year from 2000 to 2100 against published dates and an independent
 * computation. Valid for LD_LUNAR_MIN_YEAR..LD_LUNAR_MAX_YEAR.
 *
 * Pure functions: no I/O, no state.
 */
#ifndef LD_CALENDAR_LUNAR_H
#define LD_CALENDAR_LUNAR_H

#include <stdbool.h>

#include "date.h"

#define LD_LUNAR_MIN_YEAR 1901
#define LD_LUNAR_MAX_YEAR 2199

/*
 * The Beijing day on which the Sun's apparent longitude reaches `degrees`
 * (0 = 春分, 15 = 清明, 90 = 夏至, 270 = 冬至, ...; any multiple of 15 from
 * 0 to 345) in Gregorian year `year` (the terms of 285 to 345 degrees fall
 * in January to March, before that year's 春分).
 */
ld_day ld_solar_term_day(int year, int degrees);

/* The Beijing day of the new moon nearest to `near` (within 15 days). */
ld_day ld_new_moon_day(ld_day near);

/* A day of the lunar calendar. `year` is the Gregorian year in which that
 * lunar year's first month (正月) begins. */
typedef struct {
	int year;
	int month; /* 1..12 */
	bool leap; /* a leap month (闰月), numbered as the month before it */
	int day;   /* 1..30 */
	int month_days; /* 29 or 30: the length of this month */
} ld_lunar_date;

/* The lunar date of day d; false outside the supported years. */
bool ld_lunar_from_day(ld_day d, ld_lunar_date *out);

/*
 * The day of lunar month `month` (leap: its leap month), day `day`, of the
 * lunar year that begins in Gregorian year `year`; day 30 of a 29-day
 * month, or a leap month that year does not have, is refused (false).
 */
bool ld_lunar_to_day(int year, int month, bool leap, int day, ld_day *out);

/* 正月初一 (春节) of the lunar year beginning in `year`. */
ld_day ld_lunar_new_year(int year);

/* The days of the lunar year beginning in `year` that the holidays need,
 * computed at once: 正月初一 (除夕 is the day before), 五月初五 (端午) and
 * 八月十五 (中秋), never in a leap month. False outside the years. */
struct ld_lunar_festivals {
	ld_day new_year, duanwu, zhongqiu;
};
bool ld_lunar_festivals(int year, struct ld_lunar_festivals *out);

#endif
