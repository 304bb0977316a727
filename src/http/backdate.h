/*
 * backdate.h — the date of an act the office records: a declaration
 * received, a step of a permit, a paper report received (README,
 * "Back-dating"). It is today unless the clerk gives another; a date after
 * today is refused; a date before today is a back-dated entry (补录): it
 * needs a reason (the body's `date_reason`) and may lie at most
 * `--backdate-days` days back. The record and its audit entry keep the
 * date given, the day it was entered and the reason.
 *
 * Not for the dates of facts a person or a reporter states (arrival, move,
 * leaving, the event of a report): those are bounded by their own rules and
 * judged against the act's date.
 */
#ifndef LD_BACKDATE_H
#define LD_BACKDATE_H

#include <stdbool.h>

#include <jansson.h>

#include "core/date.h"
#include "http/http.h"
#include "util/arena.h"

/* The body field that carries the reason of a back-dated entry. */
#define LD_DATE_REASON_FIELD "date_reason"

struct ld_act_date {
	ld_day day;
	char date[LD_DATE_STRLEN];    /* the act's date */
	char entered[LD_DATE_STRLEN]; /* the day it is entered: today */
	const char *field;	      /* the body field it came from */
	const char *reason;	      /* NULL unless day is before today;
					 in the request's body */
};

/*
 * The act date in body field `field` of r (absent: today), `label` naming
 * it in messages ("申报日期"). Replies (422 naming the field) and returns
 * false when it is malformed, after today, before today without a
 * `date_reason`, or further back than the server allows.
 */
bool ld_act_date_read(struct ld_req *r, const char *field, const char *label,
		      struct ld_act_date *out);
/* The same for a date already parsed (`given`: the body named one). */
bool ld_act_date_check(struct ld_req *r, ld_day day, const char *field,
		       const char *label, struct ld_act_date *out);

/* The record of a back-dated entry as a JSON object for audit details,
 * {"field","date","entered_date","reason"}, in `a`; "null" when the date
 * is the day entered. */
const char *ld_act_date_json(ld_arena *a, const struct ld_act_date *d);

/* The compact JSON text of v in `a` (NULL when out of memory): jansson's
 * own json_dumps allocates through the server's allocator (body.c). */
const char *ld_json_text(ld_arena *a, const json_t *v);

#endif
