/*
 * deadline.c — the duties table of docs/rules.md §2 and their counting.
 */
#include "deadline.h"

#include <string.h>

static const struct {
	const char *code;
	const char *duty;
	int working_days;
	int hours;
	ld_cite rule;
	ld_cite extra; /* a second source, or LD_CITE__COUNT */
	int cap_days;  /* a cap in calendar days set by `extra`, or 0 */
	bool agency;   /* an agency's own time limit (行政许可法 第八十二条) */
} duties[LD_EV__COUNT] = {
	[LD_EV_ARRIVAL] = {"arrival", "流动人口向居住地公安派出所申报居住登记",
			   3, 0, LD_CITE_BANFA_8_2, LD_CITE__COUNT, 0, false},
	[LD_EV_ADDRESS_CHANGE] = {"address_change",
				  "在同一区县内变更居住地址，申报变更登记", 3,
				  0, LD_CITE_BANFA_ADDRESS_CHANGE,
				  LD_CITE__COUNT, 0, false},
	[LD_EV_TENANT_MOVE_IN] = {"tenant_move_in",
				  "房屋出租人（或代理人）登记承租人身份信息",
				  0, 24, LD_CITE_BANFA_TENANT_IDENTITY,
				  LD_CITE__COUNT, 0, false},
	[LD_EV_TENANT_REPORT] = {"tenant_report",
				 "房屋出租人向公安派出所报告承租人信息", 3, 0,
				 LD_CITE_BANFA_TENANT_REPORT, LD_CITE__COUNT, 0, false},
	[LD_EV_TENANT_DEPARTURE] = {"tenant_departure",
				    "房屋出租人报告承租人退租离开", 3, 0,
				    LD_CITE_BANFA_TENANT_DEPARTURE,
				    LD_CITE__COUNT, 0, false},
	[LD_EV_HIRE] = {"hire", "用人单位组织招用的流动人口申报居住登记", 3,
			0, LD_CITE_BANFA_EMPLOYER_HIRE, LD_CITE__COUNT, 0, false},
	[LD_EV_SEPARATION] = {"separation", "用人单位报告与流动人口终止劳动关系",
			      3, 0, LD_CITE_BANFA_EMPLOYER_SEPARATION,
			      LD_CITE__COUNT, 0, false},
	[LD_EV_PLACEMENT] = {"placement",
			     "房屋租赁中介机构、职业介绍机构报告成交或介绍成功",
			     3, 0, LD_CITE_BANFA_AGENCY_PLACEMENT,
			     LD_CITE__COUNT, 0, false},
	/* 10 working days (办法), at most 15 days (条例 第九条). */
	[LD_EV_PERMIT_ACCEPTANCE] = {"permit_acceptance",
				     "公安机关自受理之日起制作发放居住证", 10,
				     0, LD_CITE_BANFA_PERMIT_ISSUE,
				     LD_CITE_TIAOLI_9, 15, true},
};

const char *ld_event_code(ld_event e)
{
	return duties[e].code;
}

const char *ld_event_duty(ld_event e)
{
	return duties[e].duty;
}

ld_cite ld_event_rule(ld_event e)
{
	return duties[e].rule;
}

bool ld_event_from_code(const char *s, ld_event *out)
{
	for (int i = 0; i < LD_EV__COUNT; i++)
		if (strcmp(s, duties[i].code) == 0) {
			*out = (ld_event)i;
			return true;
		}
	return false;
}

void ld_deadline_compute(const ld_calendar *cal, ld_event event, ld_day date,
			 int minute, ld_deadline *out)
{
	memset(out, 0, sizeof *out);
	out->event = event;
	out->working_days = duties[event].working_days;
	out->hours = duties[event].hours;
	out->cap_days = duties[event].cap_days;
	out->decided_by = duties[event].rule;
	ld_basis_add(&out->basis, duties[event].rule);
	if (duties[event].extra != LD_CITE__COUNT)
		ld_basis_add(&out->basis, duties[event].extra);

	if (out->hours > 0) {
		/* Hours run from the event and never move (民法典 第二百零一条
		 * 第二款); no calendar is consulted. */
		out->time_known = minute != LD_MINUTE_UNKNOWN;
		int m = (out->time_known ? minute : LD_MINUTE_ASSUMED) +
			out->hours * 60;
		out->deadline = date + m / (24 * 60);
		out->deadline_minute = m % (24 * 60);
		out->calendar_complete = true;
		ld_basis_add(&out->basis, LD_CITE_CIVIL_201_2);
		return;
	}
	out->deadline = ld_calendar_add_working_days(
		cal, date, out->working_days, &out->calendar_complete,
		&out->missing_year);
	out->by_working_days = out->deadline;
	ld_basis_add(&out->basis, LD_CITE_CIVIL_201_1);
	if (duties[event].agency)
		ld_basis_add(&out->basis, LD_CITE_LICENSING_82);
	if (out->cap_days > 0) {
		/* The cap counts calendar days; a last day that is a rest day
		 * moves to the next working day (民法典 第二百零三条). */
		bool complete;
		int missing;
		out->by_cap = ld_calendar_add_days_rolled(
			cal, date, out->cap_days, &complete, &missing);
		if (out->by_cap < out->deadline) {
			out->deadline = out->by_cap;
			out->decided_by = duties[event].extra;
			if (out->by_cap != date + out->cap_days)
				ld_basis_add(&out->basis, LD_CITE_CIVIL_203);
		}
		/* Which limit is earlier is certain when both counts were
		 * made over loaded arrangements, or when the cap's last day
		 * before any move (it only moves later) is not before a
		 * complete working-day count. */
		if (!complete && out->calendar_complete &&
		    date + out->cap_days < out->by_working_days) {
			out->calendar_complete = false;
			out->missing_year = missing;
		}
	}
	ld_deadline_cite_statutory(cal, out);
}

void ld_deadline_cite_statutory(const ld_calendar *cal, ld_deadline *dl)
{
	if (dl->calendar_complete)
		return;
	/* The days of a year with no arrangement were counted by the law's
	 * holidays: cite the revision in force in each such year touched
	 * (the first, and the deadline's when it is another one). */
	ld_cite c = ld_statutory_basis(dl->missing_year);
	if (c != LD_CITE__COUNT)
		ld_basis_add(&dl->basis, c);
	int last = ld_day_year(dl->deadline);
	if (last != dl->missing_year && !ld_calendar_has_year(cal, last)) {
		c = ld_statutory_basis(last);
		if (c != LD_CITE__COUNT)
			ld_basis_add(&dl->basis, c);
	}
}

ld_status ld_deadline_check_late(const ld_deadline *dl, ld_day event_date,
				 ld_day done, int done_minute, bool *late,
				 ld_error *err)
{
	if (done < event_date)
		return ld_fail(err, LD_EINVAL, "done", "办理日期早于事件发生日期");
	if (dl->hours > 0 && done_minute != LD_MINUTE_UNKNOWN &&
	    done == dl->deadline) {
		*late = done_minute > dl->deadline_minute;
		return LD_OK;
	}
	*late = done > dl->deadline;
	return LD_OK;
}

int ld_deadline_working_days_late(const ld_calendar *cal, ld_day deadline,
				  ld_day done, bool *complete)
{
	*complete = true;
	if (done <= deadline)
		return 0;
	/* Counted as the period was (民法典 第二百零一条): the working days
	 * after the deadline up to the act, and the act's own day when it is
	 * a rest day, since the period could only have ended on the next
	 * working day. */
	int n = 0;
	bool known, work = false;
	for (ld_day d = deadline + 1; d <= done; d++) {
		work = ld_calendar_is_working_day(cal, d, &known);
		if (!known)
			*complete = false;
		n += work;
	}
	return work ? n : n + 1;
}
