/*
 * calendar.c — holiday arrangement parsing and working-day counting.
 */
#include "calendar.h"

#include <stdio.h>
#include <string.h>

void ld_calendar_init(ld_calendar *cal)
{
	cal->n_years = 0;
}

static struct ld_calendar_year *find_year(ld_calendar *cal, int year)
{
	for (int i = 0; i < cal->n_years; i++)
		if (cal->years[i].year == year)
			return &cal->years[i];
	return NULL;
}

static const struct ld_calendar_year *find_year_c(const ld_calendar *cal,
						  int year)
{
	return find_year((ld_calendar *)cal, year);
}

bool ld_calendar_has_year(const ld_calendar *cal, int year)
{
	return find_year_c(cal, year) != NULL;
}

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

ld_status ld_calendar_add_tsv(ld_calendar *cal, const char *text, size_t len,
			      int expect_year, ld_error *err)
{
	struct ld_calendar_year y = {.year = expect_year};
	size_t pos = 0;
	int line = 0, rows = 0;

	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + (nl != NULL);
		line++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n == 0 || s[0] == '#' || is_blank(s, n))
			continue;
		if (n >= 9 && memcmp(s, "date\tkind", 9) == 0)
			continue;

		ld_day d;
		if (n < 12 || s[10] != '\t' ||
		    ld_day_parse(s, 10, &d, "date", NULL) != LD_OK)
			return ld_fail(err, LD_EINVAL, "date",
				       "节假日安排第%d行：日期无效", line);
		int year = ld_day_year(d);
		if (y.year == 0)
			y.year = year;
		if (year != y.year)
			return ld_fail(err, LD_EINVAL, "date",
				       "节假日安排第%d行：日期不属于%d年", line,
				       y.year);
		const char *k = s + 11;
		size_t kn = n - 11;
		const char *tab = memchr(k, '\t', kn);
		if (tab)
			kn = (size_t)(tab - k);
		int kind;
		if (kn == 3 && memcmp(k, "off", 3) == 0)
			kind = LD_CAL_OFF;
		else if (kn == 7 && memcmp(k, "workday", 7) == 0)
			kind = LD_CAL_WORKDAY;
		else
			return ld_fail(err, LD_EINVAL, "kind",
				       "节假日安排第%d行：类别应为 off 或 workday",
				       line);
		if (kind == LD_CAL_WORKDAY && ld_day_weekday(d) < 6)
			return ld_fail(err, LD_EINVAL, "kind",
				       "节假日安排第%d行：调休上班日应为周末",
				       line);
		int doy = (int)(d - ld_day_from_ymd(year, 1, 1));
		if (y.kind[doy] != LD_CAL_DEFAULT)
			return ld_fail(err, LD_EINVAL, "date",
				       "节假日安排第%d行：日期重复", line);
		y.kind[doy] = (unsigned char)kind;
		rows++;
	}
	if (rows == 0 || y.year == 0)
		return ld_fail(err, LD_EINVAL, "date", "节假日安排没有任何日期");

	struct ld_calendar_year *slot = find_year(cal, y.year);
	if (!slot) {
		if (cal->n_years == LD_CALENDAR_MAX_YEARS)
			return ld_fail(err, LD_ETOOBIG, "date",
				       "节假日安排年份过多");
		slot = &cal->years[cal->n_years++];
	}
	*slot = y;
	return LD_OK;
}

/* The statutory holidays of the one year without an arrangement that a
 * count is in, computed when the count first reaches it (a count spans
 * days, so one year at a time is enough). */
struct fallback {
	int year; /* 0: nothing computed yet */
	bool have;
	struct ld_statutory_year days;
};

static bool working_day(const ld_calendar *cal, ld_day d, bool *known,
			struct fallback *fb)
{
	int year = ld_day_year(d);
	const struct ld_calendar_year *y = find_year_c(cal, year);
	bool weekend = ld_day_weekday(d) >= 6;
	if (!y) {
		*known = false;
		if (weekend)
			return false;
		if (fb->year != year) {
			fb->year = year;
			fb->have = ld_statutory_holidays(year, &fb->days);
		}
		for (int i = 0; fb->have && i < fb->days.n; i++)
			if (fb->days.days[i].day == d)
				return false;
		return true;
	}
	*known = true;
	switch (y->kind[d - ld_day_from_ymd(year, 1, 1)]) {
	case LD_CAL_OFF:
		return false;
	case LD_CAL_WORKDAY:
		return true;
	default:
		return !weekend;
	}
}

bool ld_calendar_is_working_day(const ld_calendar *cal, ld_day d, bool *known)
{
	struct fallback fb = {0};
	return working_day(cal, d, known, &fb);
}

static void note_unknown(bool known, ld_day d, bool *complete,
			 int *missing_year)
{
	if (!known && *complete) {
		*complete = false;
		*missing_year = ld_day_year(d);
	}
}

ld_day ld_calendar_add_working_days(const ld_calendar *cal, ld_day start, int n,
				    bool *complete, int *missing_year)
{
	ld_day d = start;
	bool known;
	struct fallback fb = {0};
	*complete = true;
	*missing_year = 0;
	while (n > 0) {
		d++;
		bool work = working_day(cal, d, &known, &fb);
		note_unknown(known, d, complete, missing_year);
		if (work)
			n--;
	}
	return d;
}

ld_day ld_calendar_add_days_rolled(const ld_calendar *cal, ld_day start, int n,
				   bool *complete, int *missing_year)
{
	ld_day d = start + n;
	bool known;
	struct fallback fb = {0};
	*complete = true;
	*missing_year = 0;
	for (;;) {
		bool work = working_day(cal, d, &known, &fb);
		note_unknown(known, d, complete, missing_year);
		if (work)
			return d;
		d++;
	}
}

void ld_calendar_warning(int missing_year, char *buf, size_t cap)
{
	if (ld_statutory_basis(missing_year) != LD_CITE__COUNT)
		snprintf(buf, cap,
			 "未载入%d年国务院节假日安排，已按《全国年节及纪念日放假办法》"
			 "规定的法定节假日和周末推算，结果为暂定，待该年安排载入后重新判定",
			 missing_year);
	else
		snprintf(buf, cap,
			 "未载入%d年节假日安排，期限仅按周末推算，结果为暂定，"
			 "待该年安排载入后重新判定",
			 missing_year);
}
