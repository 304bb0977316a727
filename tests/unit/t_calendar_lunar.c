/*
 * t_calendar_lunar.c — the computed lunar calendar and solar terms
 * (calendar_lunar.c) and the statutory holidays built on them
 * (calendar_statutory.c).
 *
 * The table below, 2000 to 2100, was checked against two independent
 * computations when it was written: lunar-javascript 1.7.7 (6tail, after
 * the 寿星万年历 algorithms) gives the same 春节, 清明, 端午, 中秋 and leap
 * month for every year, and PyEphem 4.1.4 (libastro's VSOP87 and lunar
 * theory, Debian's python3-ephem) puts every new moon and all 24 solar
 * terms of 1990 to 2150 on the same Beijing day as this code. The dates the
 * State Council's arrangements name (春节 2024-02-10, 2025-01-29,
 * 2026-02-17; 清明 2025-04-04; 端午 2025-05-31; 中秋 2025-10-06 ...) are
 * among them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/calendar.h"
#include "core/calendar_lunar.h"

static ld_day D(int y, int m, int d)
{
	return ld_day_from_ymd(y, m, d);
}

static ld_day P(const char *s)
{
	ld_day d;
	assert_int_equal(ld_day_parse(s, 10, &d, "d", NULL), LD_OK);
	return d;
}

static const struct {
	int year;
	const char *new_year, *qingming, *duanwu, *zhongqiu;
	int leap_month; /* 0: none */
} years[] = {
	{2000, "2000-02-05", "2000-04-04", "2000-06-06", "2000-09-12", 0},
	{2001, "2001-01-24", "2001-04-05", "2001-06-25", "2001-10-01", 4},
	{2002, "2002-02-12", "2002-04-05", "2002-06-15", "2002-09-21", 0},
	{2003, "2003-02-01", "2003-04-05", "2003-06-04", "2003-09-11", 0},
	{2004, "2004-01-22", "2004-04-04", "2004-06-22", "2004-09-28", 2},
	{2005, "2005-02-09", "2005-04-05", "2005-06-11", "2005-09-18", 0},
	{2006, "2006-01-29", "2006-04-05", "2006-05-31", "2006-10-06", 7},
	{2007, "2007-02-18", "2007-04-05", "2007-06-19", "2007-09-25", 0},
	{2008, "2008-02-07", "2008-04-04", "2008-06-08", "2008-09-14", 0},
	{2009, "2009-01-26", "2009-04-04", "2009-05-28", "2009-10-03", 5},
	{2010, "2010-02-14", "2010-04-05", "2010-06-16", "2010-09-22", 0},
	{2011, "2011-02-03", "2011-04-05", "2011-06-06", "2011-09-12", 0},
	{2012, "2012-01-23", "2012-04-04", "2012-06-23", "2012-09-30", 4},
	{2013, "2013-02-10", "2013-04-04", "2013-06-12", "2013-09-19", 0},
	{2014, "2014-01-31", "2014-04-05", "2014-06-02", "2014-09-08", 9},
	{2015, "2015-02-19", "2015-04-05", "2015-06-20", "2015-09-27", 0},
	{2016, "2016-02-08", "2016-04-04", "2016-06-09", "2016-09-15", 0},
	{2017, "2017-01-28", "2017-04-04", "2017-05-30", "2017-10-04", 6},
	{2018, "2018-02-16", "2018-04-05", "2018-06-18", "2018-09-24", 0},
	{2019, "2019-02-05", "2019-04-05", "2019-06-07", "2019-09-13", 0},
	{2020, "2020-01-25", "2020-04-04", "2020-06-25", "2020-10-01", 4},
	{2021, "2021-02-12", "2021-04-04", "2021-06-14", "2021-09-21", 0},
	{2022, "2022-02-01", "2022-04-05", "2022-06-03", "2022-09-10", 0},
	{2023, "2023-01-22", "2023-04-05", "2023-06-22", "2023-09-29", 2},
	{2024, "2024-02-10", "2024-04-04", "2024-06-10", "2024-09-17", 0},
	{2025, "2025-01-29", "2025-04-04", "2025-05-31", "2025-10-06", 6},
	{2026, "2026-02-17", "2026-04-05", "2026-06-19", "2026-09-25", 0},
	{2027, "2027-02-06", "2027-04-05", "2027-06-09", "2027-09-15", 0},
	{2028, "2028-01-26", "2028-04-04", "2028-05-28", "2028-10-03", 5},
	{2029, "2029-02-13", "2029-04-04", "2029-06-16", "2029-09-22", 0},
	{2030, "2030-02-03", "2030-04-05", "2030-06-05", "2030-09-12", 0},
	{2031, "2031-01-23", "2031-04-05", "2031-06-24", "2031-10-01", 3},
	{2032, "2032-02-11", "2032-04-04", "2032-06-12", "2032-09-19", 0},
	{2033, "2033-01-31", "2033-04-04", "2033-06-01", "2033-09-08", 11},
	{2034, "2034-02-19", "2034-04-05", "2034-06-20", "2034-09-27", 0},
	{2035, "2035-02-08", "2035-04-05", "2035-06-10", "2035-09-16", 0},
	{2036, "2036-01-28", "2036-04-04", "2036-05-30", "2036-10-04", 6},
	{2037, "2037-02-15", "2037-04-04", "2037-06-18", "2037-09-24", 0},
	{2038, "2038-02-04", "2038-04-05", "2038-06-07", "2038-09-13", 0},
	{2039, "2039-01-24", "2039-04-05", "2039-05-27", "2039-10-02", 5},
	{2040, "2040-02-12", "2040-04-04", "2040-06-14", "2040-09-20", 0},
	{2041, "2041-02-01", "2041-04-04", "2041-06-03", "2041-09-10", 0},
	{2042, "2042-01-22", "2042-04-04", "2042-06-22", "2042-09-28", 2},
	{2043, "2043-02-10", "2043-04-05", "2043-06-11", "2043-09-17", 0},
	{2044, "2044-01-30", "2044-04-04", "2044-05-31", "2044-10-05", 7},
	{2045, "2045-02-17", "2045-04-04", "2045-06-19", "2045-09-25", 0},
	{2046, "2046-02-06", "2046-04-04", "2046-06-08", "2046-09-15", 0},
	{2047, "2047-01-26", "2047-04-05", "2047-05-29", "2047-10-04", 5},
	{2048, "2048-02-14", "2048-04-04", "2048-06-15", "2048-09-22", 0},
	{2049, "2049-02-02", "2049-04-04", "2049-06-04", "2049-09-11", 0},
	{2050, "2050-01-23", "2050-04-04", "2050-06-23", "2050-09-30", 3},
	{2051, "2051-02-11", "2051-04-05", "2051-06-13", "2051-09-19", 0},
	{2052, "2052-02-01", "2052-04-04", "2052-06-01", "2052-09-07", 8},
	{2053, "2053-02-19", "2053-04-04", "2053-06-20", "2053-09-26", 0},
	{2054, "2054-02-08", "2054-04-04", "2054-06-10", "2054-09-16", 0},
	{2055, "2055-01-28", "2055-04-05", "2055-05-30", "2055-10-05", 6},
	{2056, "2056-02-15", "2056-04-04", "2056-06-17", "2056-09-24", 0},
	{2057, "2057-02-04", "2057-04-04", "2057-06-06", "2057-09-13", 0},
	{2058, "2058-01-24", "2058-04-04", "2058-06-25", "2058-10-02", 4},
	{2059, "2059-02-12", "2059-04-05", "2059-06-14", "2059-09-21", 0},
	{2060, "2060-02-02", "2060-04-04", "2060-06-03", "2060-09-09", 0},
	{2061, "2061-01-21", "2061-04-04", "2061-06-22", "2061-09-28", 3},
	{2062, "2062-02-09", "2062-04-04", "2062-06-11", "2062-09-17", 0},
	{2063, "2063-01-29", "2063-04-05", "2063-06-01", "2063-10-06", 7},
	{2064, "2064-02-17", "2064-04-04", "2064-06-19", "2064-09-25", 0},
	{2065, "2065-02-05", "2065-04-04", "2065-06-08", "2065-09-15", 0},
	{2066, "2066-01-26", "2066-04-04", "2066-05-28", "2066-10-03", 5},
	{2067, "2067-02-14", "2067-04-05", "2067-06-16", "2067-09-23", 0},
	{2068, "2068-02-03", "2068-04-04", "2068-06-04", "2068-09-11", 0},
	{2069, "2069-01-23", "2069-04-04", "2069-06-23", "2069-09-29", 4},
	{2070, "2070-02-11", "2070-04-04", "2070-06-13", "2070-09-19", 0},
	{2071, "2071-01-31", "2071-04-05", "2071-06-02", "2071-09-08", 8},
	{2072, "2072-02-19", "2072-04-04", "2072-06-20", "2072-09-26", 0},
	{2073, "2073-02-07", "2073-04-04", "2073-06-10", "2073-09-16", 0},
	{2074, "2074-01-27", "2074-04-04", "2074-05-30", "2074-10-05", 6},
	{2075, "2075-02-15", "2075-04-04", "2075-06-17", "2075-09-24", 0},
	{2076, "2076-02-05", "2076-04-04", "2076-06-06", "2076-09-12", 0},
	{2077, "2077-01-24", "2077-04-04", "2077-06-24", "2077-10-01", 4},
	{2078, "2078-02-12", "2078-04-04", "2078-06-14", "2078-09-20", 0},
	{2079, "2079-02-02", "2079-04-04", "2079-06-04", "2079-09-10", 0},
	{2080, "2080-01-22", "2080-04-04", "2080-06-22", "2080-09-28", 3},
	{2081, "2081-02-09", "2081-04-04", "2081-06-11", "2081-09-17", 0},
	{2082, "2082-01-29", "2082-04-04", "2082-06-01", "2082-10-06", 7},
	{2083, "2083-02-17", "2083-04-04", "2083-06-19", "2083-09-26", 0},
	{2084, "2084-02-06", "2084-04-04", "2084-06-07", "2084-09-14", 0},
	{2085, "2085-01-26", "2085-04-04", "2085-05-27", "2085-10-03", 5},
	{2086, "2086-02-14", "2086-04-04", "2086-06-15", "2086-09-22", 0},
	{2087, "2087-02-03", "2087-04-04", "2087-06-05", "2087-09-11", 0},
	{2088, "2088-01-24", "2088-04-04", "2088-06-23", "2088-09-29", 4},
	{2089, "2089-02-10", "2089-04-04", "2089-06-13", "2089-09-18", 0},
	{2090, "2090-01-30", "2090-04-04", "2090-06-02", "2090-09-08", 8},
	{2091, "2091-02-18", "2091-04-04", "2091-06-21", "2091-09-27", 0},
	{2092, "2092-02-07", "2092-04-04", "2092-06-09", "2092-09-16", 0},
	{2093, "2093-01-27", "2093-04-04", "2093-05-29", "2093-10-05", 6},
	{2094, "2094-02-15", "2094-04-04", "2094-06-17", "2094-09-24", 0},
	{2095, "2095-02-05", "2095-04-04", "2095-06-06", "2095-09-13", 0},
	{2096, "2096-01-25", "2096-04-04", "2096-06-24", "2096-09-30", 4},
	{2097, "2097-02-12", "2097-04-04", "2097-06-14", "2097-09-20", 0},
	{2098, "2098-02-01", "2098-04-04", "2098-06-04", "2098-09-09", 0},
	{2099, "2099-01-21", "2099-04-04", "2099-06-23", "2099-09-29", 2},
	{2100, "2100-02-09", "2100-04-05", "2100-06-12", "2100-09-18", 0},
};

/* Every year of the table: 正月初一, 清明, 五月初五, 八月十五, the leap
 * month; and 除夕 is the day before 正月初一, the last of 腊月. */
static void table_2000_2100(void **state)
{
	for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
		int y = years[i].year;
		ld_day ny = ld_lunar_new_year(y);
		assert_int_equal(ny, P(years[i].new_year));
		assert_int_equal(ld_solar_term_day(y, 15),
				 P(years[i].qingming));
		struct ld_lunar_festivals f;
		assert_true(ld_lunar_festivals(y, &f));
		assert_int_equal(f.new_year, ny);
		assert_int_equal(f.duanwu, P(years[i].duanwu));
		assert_int_equal(f.zhongqiu, P(years[i].zhongqiu));
		ld_day d;
		assert_true(ld_lunar_to_day(y, 5, false, 5, &d));
		assert_int_equal(d, f.duanwu);
		assert_true(ld_lunar_to_day(y, 8, false, 15, &d));
		assert_int_equal(d, f.zhongqiu);
		int leap = 0;
		for (int m = 1; m <= 12; m++)
			if (ld_lunar_to_day(y, m, true, 1, &d)) {
				assert_int_equal(leap, 0); /* at most one */
				leap = m;
			}
		assert_int_equal(leap, years[i].leap_month);
		ld_lunar_date eve;
		assert_true(ld_lunar_from_day(ny - 1, &eve));
		assert_int_equal(eve.year, y - 1);
		assert_int_equal(eve.month, 12);
		assert_int_equal(eve.day, eve.month_days);
	}
}

/* The dates the issue names, written out. */
static void known_dates(void **state)
{
	assert_int_equal(ld_lunar_new_year(2024), D(2024, 2, 10));
	assert_int_equal(ld_lunar_new_year(2025), D(2025, 1, 29));
	assert_int_equal(ld_lunar_new_year(2026), D(2026, 2, 17));
	assert_int_equal(ld_lunar_new_year(2027), D(2027, 2, 6));
	assert_int_equal(ld_lunar_new_year(2028), D(2028, 1, 26));
	assert_int_equal(ld_solar_term_day(2025, 15), D(2025, 4, 4));
	assert_int_equal(ld_solar_term_day(2027, 15), D(2027, 4, 5));
	assert_int_equal(ld_solar_term_day(2028, 15), D(2028, 4, 4));
	/* 2025's 腊月 is short: 除夕 is 腊月廿九, 2025-01-28. */
	ld_lunar_date l;
	assert_true(ld_lunar_from_day(D(2025, 1, 28), &l));
	assert_int_equal(l.year, 2024);
	assert_int_equal(l.month, 12);
	assert_false(l.leap);
	assert_int_equal(l.day, 29);
	assert_int_equal(l.month_days, 29);
	/* 2024's is long: 除夕 2024-02-09 is 腊月三十. */
	assert_true(ld_lunar_from_day(D(2024, 2, 9), &l));
	assert_int_equal(l.day, 30);
	assert_int_equal(l.month_days, 30);
	/* 2025 has a leap sixth month, so 中秋 is late: 2025-10-06. */
	ld_day d;
	assert_true(ld_lunar_to_day(2025, 6, true, 1, &d));
	assert_int_equal(d, D(2025, 7, 25));
	assert_true(ld_lunar_from_day(D(2025, 10, 6), &l));
	assert_int_equal(l.month, 8);
	assert_int_equal(l.day, 15);
	/* The solstices and equinoxes of 2025. */
	assert_int_equal(ld_solar_term_day(2025, 0), D(2025, 3, 20));
	assert_int_equal(ld_solar_term_day(2025, 90), D(2025, 6, 21));
	assert_int_equal(ld_solar_term_day(2025, 180), D(2025, 9, 23));
	assert_int_equal(ld_solar_term_day(2025, 270), D(2025, 12, 21));
	/* Terms before the March equinox fall in that year's January. */
	assert_int_equal(ld_solar_term_day(2025, 285), D(2025, 1, 5));
	assert_int_equal(ld_solar_term_day(2025, 300), D(2025, 1, 20));
}

/* Instants within a minute of Beijing midnight: the 2021 winter solstice
 * (23:59), the 2057-09-28 new moon (23:59:49 by PyEphem) and the
 * 2018-11-08 one (00:02). */
static void near_midnight(void **state)
{
	assert_int_equal(ld_solar_term_day(2021, 270), D(2021, 12, 21));
	assert_int_equal(ld_new_moon_day(D(2057, 9, 28)), D(2057, 9, 28));
	assert_int_equal(ld_new_moon_day(D(2018, 11, 8)), D(2018, 11, 8));
	/* The 2033 leap eleventh month (the "2033 problem" of the old
	 * rules): 2034's 春节 is 02-19. */
	ld_day d;
	assert_true(ld_lunar_to_day(2033, 11, true, 1, &d));
	assert_int_equal(d, D(2033, 12, 22));
	assert_int_equal(ld_lunar_new_year(2034), D(2034, 2, 19));
}

/* Every first of a month from 2000 to 2100 converts to a lunar date and
 * back; days out of a month, missing leap months and years out of range
 * are refused. */
static void round_trip_and_refusals(void **state)
{
	for (int y = 2000; y <= 2100; y++)
		for (int m = 1; m <= 12; m++) {
			ld_lunar_date l;
			ld_day d = D(y, m, 1), back;
			assert_true(ld_lunar_from_day(d, &l));
			assert_true(l.day >= 1 && l.day <= l.month_days);
			assert_true(l.month_days == 29 || l.month_days == 30);
			assert_true(ld_lunar_to_day(l.year, l.month, l.leap,
						    l.day, &back));
			assert_int_equal(back, d);
		}
	ld_day d;
	/* 腊月 of lunar 2024 has 29 days. */
	assert_false(ld_lunar_to_day(2024, 12, false, 30, &d));
	assert_true(ld_lunar_to_day(2024, 12, false, 29, &d));
	assert_int_equal(d, D(2025, 1, 28));
	assert_false(ld_lunar_to_day(2026, 6, true, 1, &d));
	assert_false(ld_lunar_to_day(2026, 13, false, 1, &d));
	assert_false(ld_lunar_to_day(2026, 1, false, 0, &d));
	assert_false(ld_lunar_to_day(LD_LUNAR_MAX_YEAR + 1, 1, false, 1, &d));
	ld_lunar_date l;
	assert_false(ld_lunar_from_day(D(1800, 1, 1), &l));
	struct ld_lunar_festivals f;
	assert_false(ld_lunar_festivals(1800, &f));
}

static bool has_day(const struct ld_statutory_year *y, ld_day d,
		    const char *name)
{
	for (int i = 0; i < y->n; i++)
		if (y->days[i].day == d)
			return strcmp(y->days[i].name, name) == 0;
	return false;
}

/* 《全国年节及纪念日放假办法》第二条, by the revision in force. */
static void statutory_revisions(void **state)
{
	struct ld_statutory_year y;
	/* 2024 revision: 13 days in 2027. */
	assert_true(ld_statutory_holidays(2027, &y));
	assert_int_equal(y.basis, LD_CITE_HOLIDAYS_2024);
	assert_int_equal(y.n, 13);
	assert_true(has_day(&y, D(2027, 1, 1), "元旦"));
	assert_true(has_day(&y, D(2027, 2, 5), "春节")); /* 除夕 */
	assert_true(has_day(&y, D(2027, 2, 8), "春节")); /* 初三 */
	assert_false(has_day(&y, D(2027, 2, 9), "春节"));
	assert_true(has_day(&y, D(2027, 4, 5), "清明节"));
	assert_true(has_day(&y, D(2027, 5, 2), "劳动节"));
	assert_false(has_day(&y, D(2027, 5, 3), "劳动节"));
	assert_true(has_day(&y, D(2027, 6, 9), "端午节"));
	assert_true(has_day(&y, D(2027, 9, 15), "中秋节"));
	assert_true(has_day(&y, D(2027, 10, 3), "国庆节"));
	for (int i = 1; i < y.n; i++)
		assert_true(y.days[i - 1].day < y.days[i].day);

	/* 2013 revision (2014-2024): 春节 初一 to 初三, 劳动节 1 day; in
	 * 2020 中秋 is 10-01 and the day is listed once. */
	assert_true(ld_statutory_holidays(2020, &y));
	assert_int_equal(y.basis, LD_CITE_HOLIDAYS_2013);
	assert_int_equal(y.n, 10);
	assert_true(has_day(&y, D(2020, 1, 25), "春节"));
	assert_false(has_day(&y, D(2020, 1, 24), "春节"));
	assert_true(has_day(&y, D(2020, 10, 1), "中秋节、国庆节"));
	assert_false(has_day(&y, D(2020, 5, 2), "劳动节"));

	/* 2007 revision (2008-2013): 春节 除夕 to 初二. */
	assert_true(ld_statutory_holidays(2008, &y));
	assert_int_equal(y.basis, LD_CITE_HOLIDAYS_2007);
	assert_true(has_day(&y, D(2008, 2, 6), "春节"));
	assert_true(has_day(&y, D(2008, 2, 8), "春节"));
	assert_false(has_day(&y, D(2008, 2, 9), "春节"));
	assert_true(has_day(&y, D(2008, 4, 4), "清明节"));

	/* 1999 revision (2000-2007): no 清明, 端午, 中秋; 劳动节 3 days. */
	assert_true(ld_statutory_holidays(2000, &y));
	assert_int_equal(y.basis, LD_CITE_HOLIDAYS_1999);
	assert_int_equal(y.n, 10);
	assert_true(has_day(&y, D(2000, 2, 5), "春节"));
	assert_true(has_day(&y, D(2000, 5, 3), "劳动节"));

	/* Outside the covered years: nothing, no citation. */
	assert_false(ld_statutory_holidays(1999, &y));
	assert_int_equal(y.n, 0);
	assert_int_equal(y.basis, LD_CITE__COUNT);
	assert_false(ld_statutory_holidays(LD_LUNAR_MAX_YEAR + 1, &y));
}

/* A calendar without the year counts by the statutory days; the warning
 * names the year. */
static void calendar_fallback(void **state)
{
	ld_calendar cal;
	ld_calendar_init(&cal);
	bool known = true;
	/* 除夕 2027 (Friday) is a rest day by the 2024 revision. */
	assert_false(ld_calendar_is_working_day(&cal, D(2027, 2, 5), &known));
	assert_false(known);
	assert_true(ld_calendar_is_working_day(&cal, D(2027, 2, 9), &known));
	/* No 调休: a Saturday is never a working day. */
	assert_false(ld_calendar_is_working_day(&cal, D(2027, 2, 20), &known));
	bool complete;
	int missing;
	assert_int_equal(ld_calendar_add_working_days(&cal, D(2027, 2, 4), 3,
						      &complete, &missing),
			 D(2027, 2, 11));
	assert_false(complete);
	assert_int_equal(missing, 2027);
	/* 民法典 第二百零三条 over a statutory holiday: a period ending on
	 * 元旦 2027 ends on Monday 01-04. */
	assert_int_equal(ld_calendar_add_days_rolled(&cal, D(2026, 12, 2), 30,
						     &complete, &missing),
			 D(2027, 1, 4));
	assert_false(complete);

	char buf[256];
	ld_calendar_warning(2027, buf, sizeof buf);
	assert_non_null(strstr(buf, "2027年"));
	assert_non_null(strstr(buf, "《全国年节及纪念日放假办法》"));
	assert_non_null(strstr(buf, "暂定"));
	ld_calendar_warning(1998, buf, sizeof buf);
	assert_non_null(strstr(buf, "1998年"));
	assert_non_null(strstr(buf, "仅按周末"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_2000_2100),
		cmocka_unit_test(known_dates),
		cmocka_unit_test(near_midnight),
		cmocka_unit_test(round_trip_and_refusals),
		cmocka_unit_test(statutory_revisions),
		cmocka_unit_test(calendar_fallback),
	};
	return cmocka_run_group_tests_name("calendar_lunar", tests, NULL,
					   NULL);
}
