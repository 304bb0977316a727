/*
 * date.c — day numbers, parsing and corresponding-day arithmetic.
 *
 * The conversion between civil dates and day numbers follows the well-known
 * era-based algorithm (400-year cycles of 146097 days), valid for every year
 * this platform accepts.
 */
#include "date.h"

#include <stdio.h>

bool ld_year_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int ld_days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31};
	if (m == 2 && ld_year_is_leap(y))
		return 29;
	return days[m - 1];
}

bool ld_date_is_valid(int y, int m, int d)
{
	if (y < LD_DATE_MIN_YEAR || y > LD_DATE_MAX_YEAR)
		return false;
	if (m < 1 || m > 12)
		return false;
	return d >= 1 && d <= ld_days_in_month(y, m);
}

ld_day ld_day_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void ld_day_to_ymd(ld_day z, int *year, int *month, int *day)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int y = yoe + era * 400;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int d = doy - (153 * mp + 2) / 5 + 1;
	int m = mp < 10 ? mp + 3 : mp - 9;
	*year = y + (m <= 2);
	*month = m;
	*day = d;
}

int ld_day_year(ld_day d)
{
	int y, m, dd;
	ld_day_to_ymd(d, &y, &m, &dd);
	return y;
}

int ld_day_weekday(ld_day d)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((d % 7 + 7 + 3) % 7);
	return w + 1;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

ld_status ld_day_parse(const char *s, int len, ld_day *out, const char *field,
		       ld_error *err)
{
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return ld_fail(err, LD_EINVAL, field,
			       "日期格式应为 YYYY-MM-DD");
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0)
		return ld_fail(err, LD_EINVAL, field,
			       "日期格式应为 YYYY-MM-DD");
	if (!ld_date_is_valid(y, m, d))
		return ld_fail(err, LD_EINVAL, field, "日期不存在：%.10s", s);
	*out = ld_day_from_ymd(y, m, d);
	return LD_OK;
}

void ld_day_format(ld_day d, char out[LD_DATE_STRLEN])
{
	int y, m, dd;
	ld_day_to_ymd(d, &y, &m, &dd);
	unsigned v[3] = {(unsigned)y % 10000, (unsigned)m, (unsigned)dd};
	out[0] = (char)('0' + v[0] / 1000);
	out[1] = (char)('0' + v[0] / 100 % 10);
	out[2] = (char)('0' + v[0] / 10 % 10);
	out[3] = (char)('0' + v[0] % 10);
	out[4] = out[7] = '-';
	out[5] = (char)('0' + v[1] / 10);
	out[6] = (char)('0' + v[1] % 10);
	out[8] = (char)('0' + v[2] / 10);
	out[9] = (char)('0' + v[2] % 10);
	out[10] = '\0';
}

ld_day ld_day_add_months(ld_day d, int months)
{
	int y, m, dd;
	ld_day_to_ymd(d, &y, &m, &dd);
	int total = y * 12 + (m - 1) + months;
	int ny = total / 12, nm = total % 12 + 1;
	int last = ld_days_in_month(ny, nm);
	return ld_day_from_ymd(ny, nm, dd > last ? last : dd);
}

ld_day ld_day_add_years(ld_day d, int years)
{
	return ld_day_add_months(d, years * 12);
}

int ld_years_between(ld_day from, ld_day to)
{
	if (to < from)
		return 0;
	int fy = ld_day_year(from), ty = ld_day_year(to);
	int n = ty - fy;
	while (n > 0 && ld_day_add_years(from, n) > to)
		n--;
	return n;
}

ld_status ld_minute_parse(const char *s, int len, int *out, const char *field,
			  ld_error *err)
{
	int h = len == 5 && s[2] == ':' ? digits(s, 2) : -1;
	int m = h >= 0 ? digits(s + 3, 2) : -1;
	if (h < 0 || m < 0 || h > 23 || m > 59)
		return ld_fail(err, LD_EINVAL, field,
			       "时间格式应为 HH:MM（00:00 至 23:59）");
	*out = h * 60 + m;
	return LD_OK;
}
