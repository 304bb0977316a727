/*
 * calendar_statutory.c — the holidays the law fixes for every year, for the
 * years whose State Council arrangement is not loaded.
 *
 * 《全国年节及纪念日放假办法》第二条 lists the holidays of all citizens; the
 * lunar ones and 清明 come from calendar_lunar.c. What the law does not fix
 * is not invented: the State Council's 调休 working weekends, and the day on
 * which a holiday that falls on a weekend is made up (第六条 says one is,
 * but the arrangement chooses it). A count over such a year is therefore
 * provisional, and re-decided once the year's arrangement is loaded.
 */
#include "calendar.h"
#include "calendar_lunar.h"

/* The revisions, by the first year they govern whole. The 1999 revision
 * came into force on 1999-09-18; years before 2000 are not covered. */
enum rules { R_NONE, R_1999, R_2007, R_2013, R_2024 };

static enum rules rules_of(int year)
{
	if (year < LD_STATUTORY_MIN_YEAR || year > LD_LUNAR_MAX_YEAR)
		return R_NONE;
	if (year < 2008)
		return R_1999;
	if (year < 2014)
		return R_2007;
	if (year < 2025)
		return R_2013;
	return R_2024;
}

ld_cite ld_statutory_basis(int year)
{
	switch (rules_of(year)) {
	case R_1999:
		return LD_CITE_HOLIDAYS_1999;
	case R_2007:
		return LD_CITE_HOLIDAYS_2007;
	case R_2013:
		return LD_CITE_HOLIDAYS_2013;
	case R_2024:
		return LD_CITE_HOLIDAYS_2024;
	default:
		return LD_CITE__COUNT;
	}
}

static void add(struct ld_statutory_year *y, ld_day d, const char *name)
{
	/* Only 中秋 can fall on a day that is already a holiday: 1 to 3
	 * October (2001, 2020, 2031, ...); the day is listed once. */
	for (int j = 0; j < y->n; j++)
		if (y->days[j].day == d) {
			y->days[j].name = "中秋节、国庆节";
			return;
		}
	if (y->n == LD_STATUTORY_MAX)
		return; /* cannot happen: at most 13 days */
	int i = y->n++;
	/* Keep date order (insertion sort over a dozen days). */
	while (i > 0 && y->days[i - 1].day > d) {
		y->days[i] = y->days[i - 1];
		i--;
	}
	y->days[i].day = d;
	y->days[i].name = name;
}

bool ld_statutory_holidays(int year, struct ld_statutory_year *out)
{
	enum rules r = rules_of(year);
	out->year = year;
	out->n = 0;
	out->basis = ld_statutory_basis(year);
	if (r == R_NONE)
		return false;

	/* (一) 新年 (元旦): 1 January. */
	add(out, ld_day_from_ymd(year, 1, 1), "元旦");

	/* (二) 春节: 1999 and 2013, 初一 to 初三; 2007, 除夕 to 初二;
	 * 2024, 除夕 to 初三. 除夕 is the last day of 腊月, the 29th when
	 * the month is short. */
	struct ld_lunar_festivals f;
	if (!ld_lunar_festivals(year, &f))
		return false;
	ld_day ny = f.new_year;
	bool eve = r == R_2007 || r == R_2024;
	int after = r == R_2007 ? 2 : 3;
	if (eve)
		add(out, ny - 1, "春节");
	for (int i = 0; i < after; i++)
		add(out, ny + i, "春节");

	/* (三) 清明节: the day of the 清明 solar term (the Sun at 15°). */
	if (r != R_1999)
		add(out, ld_solar_term_day(year, 15), "清明节");

	/* (四) 劳动节: 3 days in 1999, 1 in 2007 and 2013, 2 from 2025. */
	int may = r == R_1999 ? 3 : r == R_2024 ? 2 : 1;
	for (int i = 1; i <= may; i++)
		add(out, ld_day_from_ymd(year, 5, i), "劳动节");

	/* (五) 端午节, 五月初五, and (六) 中秋节, 八月十五: since 2008.
	 * Never in a leap month: the festival keeps its ordinary month. */
	if (r != R_1999) {
		add(out, f.duanwu, "端午节");
		add(out, f.zhongqiu, "中秋节");
	}

	/* (七) 国庆节: 1 to 3 October. */
	for (int i = 1; i <= 3; i++)
		add(out, ld_day_from_ymd(year, 10, i), "国庆节");
	return true;
}
