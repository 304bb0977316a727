/*
 * redecide.h — deciding again the stored deadlines that were provisional
 * (counted over a year with no holiday arrangement), once that year's
 * arrangement is loaded (docs/calendar.md).
 *
 * Every provisional decision in the store is counted again with the
 * calendar given: registrations (deadline and lateness, and the copy the
 * late list reads), address changes, reports, tasks' due dates, permits'
 * issue deadlines, online declarations. Those that come out differently, or
 * are no longer provisional, are written, in one job of the writer, and
 * that job's one audit entry ("calendar:redecide", by the system) gives the
 * counts and the records changed. Nothing is written, and nothing audited,
 * when nothing changes.
 *
 * The server runs it at start, after loading its arrangements. A screen
 * that loads an arrangement while the server runs (a later issue) installs
 * the new calendar first and then calls ld_redecide_submit with it.
 */
#ifndef LD_REDECIDE_H
#define LD_REDECIDE_H

#include "core/calendar.h"
#include "http/http.h"

struct ld_redecide_result {
	ld_status status;
	ld_error err;
	int checked;  /* provisional decisions found */
	int changed;  /* written again */
	int remaining; /* still provisional after the run */
	int late_cleared, late_set; /* of the changed: lateness turned */
};

/*
 * Queue the re-decision with calendar `cal` (which must stay valid and
 * unchanged until `done` is called) on srv's writer; `done(arg, result)`
 * is called on the writer's thread once it is committed or has failed.
 * user_id/username: who asked (0 and "system" at start).
 */
ld_status ld_redecide_submit(struct ld_server *srv, const ld_calendar *cal,
			     ld_id user_id, const char *username,
			     void (*done)(void *arg,
					  const struct ld_redecide_result *res),
			     void *arg);

/* The same, waiting for it (the server's start: no loop thread runs). */
ld_status ld_redecide_run(struct ld_server *srv, const ld_calendar *cal,
			  struct ld_redecide_result *out);

#endif
