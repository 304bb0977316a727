/*
 * t_calendar.c — the holiday arrangement parser, working days over it
 * (民法典 第二百零一条), periods ending on a rest day (民法典 第二百零三条)
 * and loading a directory of arrangements.
 *
 * Runs from the project root, so the real arrangements are read from
 * data/holidays/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/calendar.h"

static ld_day D(int y, int m, int d)
{
	return ld_day_from_ymd(y, m, d);
}

/* Whole file into a malloc'd buffer; the caller frees it. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(64 * 1024);
	assert_non_null(buf);
	*len = fread(buf, 1, 64 * 1024, f);
	assert_false(ferror(f));
	fclose(f);
	return buf;
}

static void load_year(ld_calendar *cal, int year)
{
	char path[64];
	snprintf(path, sizeof path, "data/holidays/%d.tsv", year);
	size_t len;
	char *text = slurp(path, &len);
	ld_error err = {0};
	assert_int_equal(ld_calendar_add_tsv(cal, text, len, year, &err),
			 LD_OK);
	free(text);
	assert_true(ld_calendar_has_year(cal, year));
}

static ld_status add_str(ld_calendar *cal, const char *text, int expect_year,
			 ld_error *err)
{
	return ld_calendar_add_tsv(cal, text, strlen(text), expect_year, err);
}

static void parse_header_comments_crlf(void **state)
{
	ld_calendar cal;
	ld_calendar_init(&cal);
	ld_error err = {0};
	const char *text = "date\tkind\tname\r\n"
			   "# a comment\r\n"
			   "\r\n"
			   "   \t\r\n"
			   "2027-01-01\toff\t元旦\r\n"
			   "2027-02-06\tworkday\r\n" /* Saturday, no name */
			   "2027-02-07\tworkday\t\r\n" /* Sunday, empty name */
			   "2027-02-08\toff"; /* last line, no newline */
	assert_int_equal(add_str(&cal, text, 2027, &err), LD_OK);
	assert_int_equal(cal.n_years, 1);
	assert_true(ld_calendar_has_year(&cal, 2027));
	assert_false(ld_calendar_has_year(&cal, 2026));

	bool known = false;
	assert_false(ld_calendar_is_working_day(&cal, D(2027, 1, 1), &known));
	assert_true(known);
	assert_true(ld_calendar_is_working_day(&cal, D(2027, 2, 6), &known));
	assert_true(ld_calendar_is_working_day(&cal, D(2027, 2, 7), &known));
	assert_false(ld_calendar_is_working_day(&cal, D(2027, 2, 8), &known));
	assert_true(ld_calendar_is_working_day(&cal, D(2027, 2, 9), &known));
	assert_int_equal(cal.years[0].kind[0], LD_CAL_OFF);
	assert_int_equal(cal.years[0].kind[D(2027, 2, 6) - D(2027, 1, 1)],
			 LD_CAL_WORKDAY);
	assert_int_equal(cal.years[0].kind[1], LD_CAL_DEFAULT);

	/* expect_year 0 takes the year from the rows. */
	assert_int_equal(add_str(&cal, "2028-01-03\toff\tx\n", 0, &err), LD_OK);
	assert_true(ld_calendar_has_year(&cal, 2028));
	assert_int_equal(cal.n_years, 2);
}

static void parse_replaces_year(void **state)
{
	ld_calendar cal;
	ld_calendar_init(&cal);
	ld_error err = {0};
	bool known;
	assert_int_equal(add_str(&cal, "2027-01-01\toff\n", 2027, &err), LD_OK);
	assert_false(ld_calendar_is_working_day(&cal, D(2027, 1, 1), &known));
	assert_int_equal(add_str(&cal, "2027-01-04\toff\n", 2027, &err), LD_OK);
	assert_int_equal(cal.n_years, 1);
	assert_true(ld_calendar_is_working_day(&cal, D(2027, 1, 1), &known));
	assert_false(ld_calendar_is_working_day(&cal, D(2027, 1, 4), &known));
}

static void parse_too_many_years(void **state)
{
	ld_calendar cal;
	ld_calendar_init(&cal);
	ld_error err = {0};
	char row[32];
	for (int i = 0; i < LD_CALENDAR_MAX_YEARS; i++) {
		snprintf(row, sizeof row, "%d-01-01\toff\tx\n", 2000 + i);
		assert_int_equal(add_str(&cal, row, 0, &err), LD_OK);
	}
	assert_int_equal(cal.n_years, LD_CALENDAR_MAX_YEARS);
	/* Replacing a present year still works; a new one does not fit. */
	assert_int_equal(add_str(&cal, "2000-01-03\toff\tx\n", 2000, &err),
			 LD_OK);
	snprintf(row, sizeof row, "%d-01-01\toff\tx\n",
		 2000 + LD_CALENDAR_MAX_YEARS);
	assert_int_equal(add_str(&cal, row, 0, &err), LD_ETOOBIG);
	assert_int_equal(cal.n_years, LD_CALENDAR_MAX_YEARS);
	assert_false(ld_calendar_has_year(&cal, 2000 + LD_CALENDAR_MAX_YEARS));
}

/* Each bad text is LD_EINVAL, names a field, and changes nothing: not even a
 * year already loaded is touched. */
static void parse_errors_add_nothing(void **state)
{
	static const struct {
		const char *text;
		int expect_year;
		const char *field;
	} bad[] = {
		{"2027-02-30\toff\tx\n", 2027, "date"},   /* bad date */
		{"2027-1-01\toff\tx\n", 2027, "date"},    /* bad date */
		{"2027-01-01\n", 2027, "date"},           /* no kind */
		{"2027-01-01 off x\n", 2027, "date"},     /* no tab */
		{"2025-01-01\toff\tx\n", 2027, "date"},   /* wrong year */
		{"2027-01-01\toff\tx\n2028-01-03\toff\tx\n", 0, "date"},
		{"2027-01-01\toff\tx\n2028-01-03\toff\tx\n", 2027, "date"},
		{"2027-01-04\tworkday\tx\n", 2027, "kind"}, /* a Monday */
		{"2027-01-08\tworkday\tx\n", 2027, "kind"}, /* a Friday */
		{"2027-01-01\toff\tx\n2027-01-01\toff\ty\n", 2027, "date"},
		{"2027-01-02\tworkday\tx\n2027-01-02\toff\ty\n", 2027, "date"},
		{"2027-01-01\tholiday\tx\n", 2027, "kind"}, /* unknown kind */
		{"2027-01-01\tOFF\tx\n", 2027, "kind"},
		{"2027-01-01\toffx\tx\n", 2027, "kind"},
		{"", 2027, "date"},                         /* empty */
		{"", 0, "date"},
		{"date\tkind\tname\n# only a comment\n\r\n", 2027, "date"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ld_calendar cal;
		ld_calendar_init(&cal);
		ld_error err = {0};
		assert_int_equal(add_str(&cal, "2027-01-01\toff\tx\n", 2027,
					 &err),
				 LD_OK);
		unsigned char before[366];
		memcpy(before, cal.years[0].kind, sizeof before);

		err.field = NULL;
		ld_status rc = add_str(&cal, bad[i].text, bad[i].expect_year,
				       &err);
		if (rc != LD_EINVAL)
			fail_msg("case %zu: status %d", i, (int)rc);
		assert_int_equal(err.code, LD_EINVAL);
		assert_non_null(err.field);
		assert_string_equal(err.field, bad[i].field);
		assert_true(err.message[0] != '\0');
		assert_int_equal(cal.n_years, 1);
		assert_false(ld_calendar_has_year(&cal, 2028));
		assert_int_equal(cal.years[0].year, 2027);
		assert_memory_equal(cal.years[0].kind, before, sizeof before);
	}
}

/* The error names the line, counting the header and comments. */
static void parse_error_names_line(void **state)
{
	ld_calendar cal;
	ld_calendar_init(&cal);
	ld_error err = {0};
	assert_int_equal(add_str(&cal,
				 "date\tkind\tname\r\n# c\r\n"
				 "2027-01-01\toff\tx\r\n2027-01-07\tbad\tx\r\n",
				 2027, &err),
			 LD_EINVAL);
	assert_non_null(strstr(err.message, "第4行"));
	assert_int_equal(cal.n_years, 0);
	/* NULL err is allowed. */
	assert_int_equal(add_str(&cal, "nonsense\n", 0, NULL), LD_EINVAL);
}

static void working_day(void **state)
{
	ld_calendar cal;
	ld_calendar_init(&cal);
	load_year(&cal, 2025);
	bool known = false;
	/* Friday */
	assert_true(ld_calendar_is_working_day(&cal, D(2025, 9, 26), &known));
	assert_true(known);
	/* Saturday */
	known = false;
	assert_false(ld_calendar_is_working_day(&cal, D(2025, 9, 27), &known));
	assert_true(known);
	/* Sunday declared a working day (调休上班) */
	assert_true(ld_calendar_is_working_day(&cal, D(2025, 9, 28), &known));
	/* Wednesday inside the National Day holiday */
	assert_false(ld_calendar_is_working_day(&cal, D(2025, 10, 1), &known));
	assert_false(ld_calendar_is_working_day(&cal, D(2025, 10, 8), &known));
	assert_true(ld_calendar_is_working_day(&cal, D(2025, 10, 9), &known));
	/* Saturday declared a working day */
	assert_true(ld_calendar_is_working_day(&cal, D(2025, 10, 11), &known));
	/* First and last days of the year */
	assert_false(ld_calendar_is_working_day(&cal, D(2025, 1, 1), &known));
	assert_true(ld_calendar_is_working_day(&cal, D(2025, 12, 31), &known));
	assert_true(known);

	/* 2026 not loaded: weekends and the statutory holidays (元旦 is one
	 * whatever the arrangement), and known is false. */
	known = true;
	assert_false(ld_calendar_is_working_day(&cal, D(2026, 1, 1), &known));
	assert_false(known);
	known = true;
	assert_true(ld_calendar_is_working_day(&cal, D(2026, 1, 5), &known));
	assert_false(known);
	known = true;
	assert_false(ld_calendar_is_working_day(&cal, D(2026, 1, 4), &known));
	assert_false(known);

	load_year(&cal, 2026);
	assert_false(ld_calendar_is_working_day(&cal, D(2026, 1, 1), &known));
	assert_true(known);
	assert_true(ld_calendar_is_working_day(&cal, D(2026, 1, 4), &known));
	/* 2026 is not a leap year; its last day is still in range. */
	assert_true(ld_calendar_is_working_day(&cal, D(2026, 12, 31), &known));
	assert_true(known);
}

/* Leap-year day 366 is stored and read back. */
static void working_day_leap_year_end(void **state)
{
	ld_calendar cal;
	ld_calendar_init(&cal);
	ld_error err = {0};
	assert_int_equal(add_str(&cal, "2032-12-31\toff\tx\n", 2032, &err),
			 LD_OK);
	bool known;
	assert_false(ld_calendar_is_working_day(&cal, D(2032, 12, 31), &known));
	assert_true(known);
	assert_true(ld_calendar_is_working_day(&cal, D(2032, 12, 30), &known));
}

/* The spec's example: Friday 2025-09-26 plus 3 working days is Tuesday
 * 2025-09-30, counting the 调休 Sunday 2025-09-28 (民法典 第二百零一条:
 * the start day is not counted). */
static void add_working_days_spec_example(void **state)
{
	ld_calendar cal;
	ld_calendar_init(&cal);
	load_year(&cal, 2025);
	bool complete = false;
	int missing = -1;
	assert_int_equal(ld_calendar_add_working_days(&cal, D(2025, 9, 26), 3,
						      &complete, &missing),
			 D(2025, 9, 30));
	assert_true(complete);
	assert_int_equal(missing, 0);

	/* Over the National Day holiday: 10-01..10-08 are off. */
	assert_int_equal(ld_calendar_add_working_days(&cal, D(2025, 9, 30), 1,
						      &complete, &missing),
			 D(2025, 10, 9));
	assert_true(complete);
	/* n = 0 is the start day itself. */
	assert_int_equal(ld_calendar_add_working_days(&cal, D(2025, 10, 4), 0,
						      &complete, &missing),
			 D(2025, 10, 4));
	assert_true(complete);
}

static void add_working_days_unloaded_year(void **state)
{
	ld_calendar cal;
	ld_calendar_init(&cal);
	load_year(&cal, 2025);
	bool complete = true;
	int missing = 0;
	/* 12-31 (1); 2026 unknown, by weekdays less the statutory 元旦:
	 * 01-02 (2), 01-05 (3), 01-06 (4), 01-07 (5). */
	assert_int_equal(ld_calendar_add_working_days(&cal, D(2025, 12, 30), 5,
						      &complete, &missing),
			 D(2026, 1, 7));
	assert_false(complete);
	assert_int_equal(missing, 2026);

	/* With 2026 loaded: 01-01..01-03 off, 01-04 a working Sunday. */
	load_year(&cal, 2026);
	assert_int_equal(ld_calendar_add_working_days(&cal, D(2025, 12, 30), 5,
						      &complete, &missing),
			 D(2026, 1, 7));
	assert_true(complete);
	assert_int_equal(missing, 0);

	/* The first missing year is reported, not a later one; 2025-01-01
	 * is a statutory holiday: 12-31, 01-02, 01-03, 01-06..10, 01-13, 14. */
	ld_calendar empty;
	ld_calendar_init(&empty);
	assert_int_equal(ld_calendar_add_working_days(&empty, D(2024, 12, 30),
						      10, &complete, &missing),
			 D(2025, 1, 14));
	assert_false(complete);
	assert_int_equal(missing, 2024);
}

/* 民法典 第二百零三条: a period whose last day is a statutory holiday ends on
 * the day after the holiday. */
static void add_days_rolled(void **state)
{
	ld_calendar cal;
	ld_calendar_init(&cal);
	load_year(&cal, 2025);
	bool complete = false;
	int missing = -1;
	/* 2025-09-23 + 10 = 2025-10-03 (off) -> 2025-10-09. */
	assert_int_equal(ld_calendar_add_days_rolled(&cal, D(2025, 9, 23), 10,
						     &complete, &missing),
			 D(2025, 10, 9));
	assert_true(complete);
	assert_int_equal(missing, 0);
	/* Ending on a working day: no change. */
	assert_int_equal(ld_calendar_add_days_rolled(&cal, D(2025, 9, 23), 2,
						     &complete, &missing),
			 D(2025, 9, 25));
	/* Ending on Saturday 09-27 -> the working Sunday 09-28. */
	assert_int_equal(ld_calendar_add_days_rolled(&cal, D(2025, 9, 23), 4,
						     &complete, &missing),
			 D(2025, 9, 28));
	/* Ending on an ordinary Saturday -> Monday. */
	assert_int_equal(ld_calendar_add_days_rolled(&cal, D(2025, 11, 14), 1,
						     &complete, &missing),
			 D(2025, 11, 17));
	assert_true(complete);

	/* Into 2026 without its arrangement: 2026-01-04 looks like a Sunday. */
	assert_int_equal(ld_calendar_add_days_rolled(&cal, D(2025, 12, 25), 10,
						     &complete, &missing),
			 D(2026, 1, 5));
	assert_false(complete);
	assert_int_equal(missing, 2026);
	/* With it, 2026-01-04 is a working day. */
	load_year(&cal, 2026);
	assert_int_equal(ld_calendar_add_days_rolled(&cal, D(2025, 12, 25), 10,
						     &complete, &missing),
			 D(2026, 1, 4));
	assert_true(complete);
	assert_int_equal(missing, 0);
	/* Ending on 2026-01-01 (元旦, off to 01-03) -> the working 01-04. */
	assert_int_equal(ld_calendar_add_days_rolled(&cal, D(2025, 12, 31), 1,
						     &complete, &missing),
			 D(2026, 1, 4));
	assert_true(complete);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

/* Two temporary directories, removed by the teardown even when an
 * assertion fails part way. */
struct tmpdirs {
	char dir[32];
	char bad[32];
};

static const char *const tmp_names[] = {"2027.tsv", "README", "notes.tsv",
					"2027.tsv.bak", "2028.tsv",
					"2029.tsv"};

static int make_dirs(void **state)
{
	static struct tmpdirs t;
	strcpy(t.dir, "/tmp/ld_t_calendar_XXXXXX");
	strcpy(t.bad, "/tmp/ld_t_calendar_XXXXXX");
	if (!mkdtemp(t.dir))
		return -1;
	if (!mkdtemp(t.bad)) {
		rmdir(t.dir);
		return -1;
	}
	*state = &t;
	return 0;
}

static int remove_dirs(void **state)
{
	struct tmpdirs *t = *state;
	const char *dirs[] = {t->dir, t->bad};
	char path[256];
	for (size_t d = 0; d < 2; d++) {
		for (size_t i = 0; i < sizeof tmp_names / sizeof *tmp_names;
		     i++) {
			snprintf(path, sizeof path, "%s/%s", dirs[d],
				 tmp_names[i]);
			unlink(path); /* most are absent */
		}
		if (rmdir(dirs[d]) != 0)
			return -1;
	}
	return 0;
}

static void load_dir(void **state)
{
	struct tmpdirs *t = *state;
	const char *dir = t->dir, *bad = t->bad;
	write_file(dir, "2027.tsv",
		   "date\tkind\tname\n2027-01-01\toff\t元旦\n"
		   "2027-02-06\tworkday\tx\n");
	write_file(dir, "README", "not an arrangement\n");
	write_file(dir, "notes.tsv", "not an arrangement\n");
	write_file(dir, "2027.tsv.bak", "not an arrangement\n");

	ld_calendar cal;
	ld_calendar_init(&cal);
	ld_error err = {0};
	assert_int_equal(ld_calendar_load_dir(&cal, dir, false, &err), LD_OK);
	assert_int_equal(cal.n_years, 1);
	assert_true(ld_calendar_has_year(&cal, 2027));
	bool known;
	assert_false(ld_calendar_is_working_day(&cal, D(2027, 1, 1), &known));
	assert_true(known);
	assert_true(ld_calendar_is_working_day(&cal, D(2027, 2, 6), &known));

	/* A file whose rows are not of the year in its name. */
	write_file(bad, "2028.tsv", "2027-03-01\toff\tx\n");
	ld_calendar cal2;
	ld_calendar_init(&cal2);
	assert_int_equal(ld_calendar_load_dir(&cal2, bad, true, &err),
			 LD_EINVAL);
	assert_false(ld_calendar_has_year(&cal2, 2028));
	assert_false(ld_calendar_has_year(&cal2, 2027));
	assert_non_null(strstr(err.message, "2028.tsv"));
	char path[64];
	snprintf(path, sizeof path, "%s/2028.tsv", bad);
	assert_int_equal(unlink(path), 0);

	/* Malformed rows. */
	write_file(bad, "2029.tsv", "2029-01-01\tnope\tx\n");
	assert_int_equal(ld_calendar_load_dir(&cal2, bad, false, &err),
			 LD_EINVAL);
	assert_string_equal(err.field, "kind");
	assert_false(ld_calendar_has_year(&cal2, 2029));

	/* A directory that does not exist. */
	char missing[64];
	snprintf(missing, sizeof missing, "%s/no-such-dir", dir);
	ld_calendar_init(&cal2);
	assert_int_equal(ld_calendar_load_dir(&cal2, missing, true, &err),
			 LD_OK);
	assert_int_equal(cal2.n_years, 0);
	err.code = LD_OK;
	assert_int_equal(ld_calendar_load_dir(&cal2, missing, false, &err),
			 LD_EIO);
	assert_int_equal(err.code, LD_EIO);
	assert_int_equal(cal2.n_years, 0);
}

/* The shipped arrangements load and each names its own year. */
static void load_dir_real_data(void **state)
{
	ld_calendar cal;
	ld_calendar_init(&cal);
	ld_error err = {0};
	assert_int_equal(ld_calendar_load_dir(&cal, "data/holidays", false,
					      &err),
			 LD_OK);
	assert_true(ld_calendar_has_year(&cal, 2025));
	assert_true(ld_calendar_has_year(&cal, 2026));
	bool known;
	assert_false(ld_calendar_is_working_day(&cal, D(2026, 2, 17), &known));
	assert_true(known);
	assert_true(ld_calendar_is_working_day(&cal, D(2026, 2, 28), &known));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_header_comments_crlf),
		cmocka_unit_test(parse_replaces_year),
		cmocka_unit_test(parse_too_many_years),
		cmocka_unit_test(parse_errors_add_nothing),
		cmocka_unit_test(parse_error_names_line),
		cmocka_unit_test(working_day),
		cmocka_unit_test(working_day_leap_year_end),
		cmocka_unit_test(add_working_days_spec_example),
		cmocka_unit_test(add_working_days_unloaded_year),
		cmocka_unit_test(add_days_rolled),
		cmocka_unit_test_setup_teardown(load_dir, make_dirs,
						remove_dirs),
		cmocka_unit_test(load_dir_real_data),
	};
	return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}
