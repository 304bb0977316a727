/*
 * h_calendar.c — GET /api/v1/calendar: what the calendar holds and what it
 * lacks, for the console's dashboard. The years with a State Council
 * arrangement, the warnings when this year's is missing or, from
 * 1 December, next year's (the State Council publishes it around
 * November), and how many of the area's figures are provisional because
 * of a missing year (docs/calendar.md). No person's data: not audited.
 */
#include <stdio.h>

#include "core/division.h"
#include "http/handlers.h"
#include "http/reply.h"
#include "http/views.h"

int ld_calendar_notices(const ld_calendar *cal, ld_day today,
			char out[2][LD_CALENDAR_NOTICE_MAX])
{
	int y, m, d, n = 0;
	ld_day_to_ymd(today, &y, &m, &d);
	if (!ld_calendar_has_year(cal, y))
		snprintf(out[n++], LD_CALENDAR_NOTICE_MAX,
			 "未载入%d年国务院节假日安排：涉及该年的期限按《全国年节及纪念日"
			 "放假办法》规定的法定节假日和周末暂定，请尽快载入该年安排"
			 "（%d.tsv）",
			 y, y);
	if (m == 12 && !ld_calendar_has_year(cal, y + 1))
		snprintf(out[n++], LD_CALENDAR_NOTICE_MAX,
			 "尚未载入%d年国务院节假日安排：国务院发布后请及时载入（%d.tsv）；"
			 "在此之前，跨入%d年的期限按法定节假日和周末暂定",
			 y + 1, y + 1, y + 1);
	return n;
}

void h_calendar_status(struct ld_req *r)
{
	const ld_calendar *cal = &r->srv->calendar;
	ld_day today = ld_http_today();
	int y, m, d;
	ld_day_to_ymd(today, &y, &m, &d);
	int64_t prov_regs = 0, prov_late = 0;
	ld_status rc = r->srv->ops->provisional_counts(
		r->th->reader, &r->access, &prov_regs, &prov_late);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	char notes[2][LD_CALENDAR_NOTICE_MAX];
	int nn = ld_calendar_notices(cal, today, notes);
	char day[LD_DATE_STRLEN];
	ld_day_format(today, day);

	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "today", day);
	ld_jw_key(&w, "years");
	ld_jw_arr_open(&w);
	/* In order, oldest first. */
	int last = 0;
	for (;;) {
		int next = 0;
		for (int i = 0; i < cal->n_years; i++)
			if (cal->years[i].year > last &&
			    (!next || cal->years[i].year < next))
				next = cal->years[i].year;
		if (!next)
			break;
		ld_jw_int(&w, next);
		last = next;
	}
	ld_jw_arr_close(&w);
	ld_jw_kint(&w, "year", y);
	ld_jw_kbool(&w, "year_loaded", ld_calendar_has_year(cal, y));
	ld_jw_kint(&w, "next_year", y + 1);
	ld_jw_kbool(&w, "next_year_loaded", ld_calendar_has_year(cal, y + 1));
	ld_jw_key(&w, "warnings");
	ld_jw_arr_open(&w);
	for (int i = 0; i < nn; i++)
		ld_jw_str(&w, notes[i]);
	ld_jw_arr_close(&w);
	/* The area's active registrations whose deadline is provisional,
	 * and of those, the ones counted late: the dashboard's figures
	 * include them. */
	ld_jw_key(&w, "provisional");
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "registrations", prov_regs);
	ld_jw_kint(&w, "late", prov_late);
	ld_jw_obj_close(&w);
	ld_jw_kint(&w, "divisions_added", (int64_t)ld_division_added());
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}
