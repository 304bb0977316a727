/*
 * t_date.c — day numbers, parsing and corresponding-day arithmetic
 * (民法典 第二百零二条).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"

static ld_day D(int y, int m, int d)
{
	return ld_day_from_ymd(y, m, d);
}

static void roundtrip_every_day(void **state)
{
	int y, m, d;
	for (ld_day x = D(1900, 1, 1); x <= D(2100, 12, 31); x++) {
		ld_day_to_ymd(x, &y, &m, &d);
		assert_true(ld_date_is_valid(y, m, d));
		assert_int_equal(D(y, m, d), x);
	}
	assert_int_equal(D(1970, 1, 1), 0);
}

static void weekdays(void **state)
{
	assert_int_equal(ld_day_weekday(D(2025, 9, 26)), 5); /* Friday */
	assert_int_equal(ld_day_weekday(D(2025, 9, 28)), 7); /* Sunday */
	assert_int_equal(ld_day_weekday(D(2026, 11, 24)), 2);
	assert_int_equal(ld_day_weekday(D(1969, 12, 29)), 1);
}

static void parse_strict(void **state)
{
	ld_day d;
	ld_error err = {0};
	assert_int_equal(ld_day_parse("2024-02-29", 10, &d, "date", &err), LD_OK);
	assert_int_equal(d, D(2024, 2, 29));
	const char *bad[] = {"2025-02-29", "2025-2-03", "2025/02/03", "25-02-03",
			     "2025-13-01", "2025-00-10", "2025-01-00", "abcd-ef-gh",
			     "2025-01-011", "0999-01-01", " 2025-01-01"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err.field = NULL;
		assert_int_equal(ld_day_parse(bad[i], (int)strlen(bad[i]), &d,
					      "date", &err),
				 LD_EINVAL);
		assert_string_equal(err.field, "date");
	}
	char s[LD_DATE_STRLEN];
	ld_day_format(D(2026, 2, 28), s);
	assert_string_equal(s, "2026-02-28");
}

/* 民法典 第二百零二条: no corresponding day -> the month's last day. */
static void month_arithmetic(void **state)
{
	assert_int_equal(ld_day_add_months(D(2025, 8, 31), 6), D(2026, 2, 28));
	assert_int_equal(ld_day_add_months(D(2023, 8, 31), 6), D(2024, 2, 29));
	assert_int_equal(ld_day_add_months(D(2025, 3, 31), -1), D(2025, 2, 28));
	assert_int_equal(ld_day_add_months(D(2025, 1, 15), -1), D(2024, 12, 15));
	assert_int_equal(ld_day_add_years(D(2024, 2, 29), 1), D(2025, 2, 28));
	assert_int_equal(ld_day_add_years(D(2024, 2, 29), 4), D(2028, 2, 29));
	assert_int_equal(ld_years_between(D(2020, 5, 10), D(2025, 5, 9)), 4);
	assert_int_equal(ld_years_between(D(2020, 5, 10), D(2025, 5, 10)), 5);
	assert_int_equal(ld_years_between(D(2020, 5, 10), D(2019, 5, 10)), 0);
	assert_int_equal(ld_years_between(D(2024, 2, 29), D(2025, 2, 28)), 1);
}

static void minutes(void **state)
{
	int m;
	assert_int_equal(ld_minute_parse("23:59", 5, &m, "time", NULL), LD_OK);
	assert_int_equal(m, 23 * 60 + 59);
	assert_int_equal(ld_minute_parse("24:00", 5, &m, "time", NULL),
			 LD_EINVAL);
	assert_int_equal(ld_minute_parse("9:05", 4, &m, "time", NULL),
			 LD_EINVAL);
	assert_int_equal(ld_minute_parse("12:60", 5, &m, "time", NULL),
			 LD_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip_every_day),
		cmocka_unit_test(weekdays),
		cmocka_unit_test(parse_strict),
		cmocka_unit_test(month_arithmetic),
		cmocka_unit_test(minutes),
	};
	return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
