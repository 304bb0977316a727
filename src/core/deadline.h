/*
 * deadline.h — the deadline of every duty in docs/rules.md §2, counted by
 * the Civil Code (民法典 第二百零一条) over working days or hours.
 *
 * The issue of a residence permit has two limits: 10 working days after
 * acceptance (办法) and at most 15 days (条例 第九条, calendar days, the
 * last one moved off a rest day by 民法典 第二百零三条). The deadline is
 * the earlier of the two, both are cited, and `decided_by` names the one
 * that set it. 行政许可法 第八十二条 (an agency's time limits in working
 * days) is cited for that agency duty only, never for the duties of
 * residents, landlords, employers or agencies reporting.
 */
#ifndef LD_DEADLINE_H
#define LD_DEADLINE_H

#include <stdbool.h>

#include "calendar.h"
#include "citation.h"
#include "date.h"
#include "status.h"

typedef enum {
	LD_EV_ARRIVAL = 0,
	LD_EV_ADDRESS_CHANGE,
	LD_EV_TENANT_MOVE_IN,
	LD_EV_TENANT_REPORT,
	LD_EV_TENANT_DEPARTURE,
	LD_EV_HIRE,
	LD_EV_SEPARATION,
	LD_EV_PLACEMENT,
	LD_EV_PERMIT_ACCEPTANCE,
	LD_EV__COUNT
} ld_event;

/* The time of an event, in minutes after midnight, when it is not known.
 * A 24-hour duty then counts from 23:59 of the event day: nobody is called
 * late unless they certainly are. */
#define LD_MINUTE_UNKNOWN (-1)
#define LD_MINUTE_ASSUMED (23 * 60 + 59)

typedef struct {
	ld_event event;
	ld_day deadline;     /* last day on which the act is on time */
	int working_days;    /* the period in working days, 0 for hour periods */
	int hours;           /* the period in hours, 0 for day periods */
	/* A cap in calendar days (15 for the permit's issue, 0 for none), and
	 * the last day by each limit when there is one. */
	int cap_days;
	ld_day by_working_days, by_cap;
	ld_cite decided_by;  /* the citation whose limit set `deadline` */
	int deadline_minute; /* for hour periods: time of day of the deadline */
	bool time_known;     /* for hour periods: the event time was given */
	bool calendar_complete;
	int missing_year;    /* first year with no arrangement, when incomplete */
	ld_basis basis;
} ld_deadline;

/* Stable code of an event ("arrival", ...) and its reverse. */
const char *ld_event_code(ld_event e);
bool ld_event_from_code(const char *s, ld_event *out);
/* The duty in Chinese, e.g. "流动人口申报居住登记". */
const char *ld_event_duty(ld_event e);
/* The citation that sets the duty (who bears it and by when). */
ld_cite ld_event_rule(ld_event e);

/*
 * Compute the deadline of `event` that happened on `date` at `minute`
 * (LD_MINUTE_UNKNOWN if not known; only hour periods use it). Never fails
 * for valid arguments.
 */
void ld_deadline_compute(const ld_calendar *cal, ld_event event, ld_day date,
			 int minute, ld_deadline *out);

/*
 * When dl was counted over a year with no arrangement in cal, add the
 * citation of the statutory holidays that counted it: the revision in
 * force in dl->missing_year, and in the deadline's year when that is
 * another year without an arrangement. Called by ld_deadline_compute.
 */
void ld_deadline_cite_statutory(const ld_calendar *cal, ld_deadline *dl);

/*
 * Whether an act done on `done` (at `done_minute`, or LD_MINUTE_UNKNOWN) was
 * late. With an unknown time, only a later day is late. An act before the
 * event is bad input: LD_EINVAL with field "done".
 */
ld_status ld_deadline_check_late(const ld_deadline *dl, ld_day event_date,
				 ld_day done, int done_minute, bool *late,
				 ld_error *err);

/*
 * How late an act done on `done` was against a deadline counted in working
 * days, in working days: the fewest working days by which the period would
 * have had to be longer for `done` to be on time — 0 when it was on time;
 * the next working day after the deadline, and any rest day before it,
 * count 1. So a person who declares on the Monday after a Friday deadline
 * is one working day late, not three calendar days. *complete is false when
 * a day examined lay in a year with no arrangement (weekends alone were
 * used for it).
 */
int ld_deadline_working_days_late(const ld_calendar *cal, ld_day deadline,
				  ld_day done, bool *complete);

#endif
