/*
 * sqlite_area.c — who sees what, written once: the condition that a record
 * or a person lies in a user's area, as SQL for the SQLite backend. Every
 * query of store_sqlite.c and sqlite_grid.c that reads by area takes its
 * condition from here (README, "Who sees what").
 *
 * A record with a place of its own (a registration, a house, an
 * organisation, a report, a task) lies in a station's area when its
 * community is one the station serves, and in a grid's area when it lies in
 * that grid. A person lies where the registration that places them lies:
 * their active registration, or, when they have none, their most recent
 * one. So a person who moved away lies with the station of their new
 * registration, and a person who left Jinan stays with the last station
 * that registered them.
 *
 * Not here: what an answer may show of a person (src/http/views.c).
 */
#include <stdio.h>

#include "store/sqlite_int.h"

const char *ld_sq_area(const ld_access *acc, enum ld_sq_subject subject,
		       const char *t, const char *param, char *buf, size_t cap,
		       const char **bind)
{
	*bind = NULL;
	if (acc->kind == LD_ACCESS_ALL)
		return "1";
	if ((acc->kind != LD_ACCESS_STATION && acc->kind != LD_ACCESS_GRID) ||
	    !acc->code)
		return "0";
	bool station = acc->kind == LD_ACCESS_STATION;
	int n = -1;
	switch (subject) {
	case LD_SQ_PLACE:
		n = station ? snprintf(buf, cap,
				       "%scommunity IN (SELECT code FROM areas "
				       "WHERE station = %s)",
				       t, param)
			    : snprintf(buf, cap, "%sgrid = %s", t, param);
		break;
	case LD_SQ_PLACE_BY_GRID:
		n = station ? snprintf(buf, cap,
				       "%sgrid IN (SELECT g.code FROM areas g "
				       "JOIN areas cm ON cm.code = g.parent "
				       "WHERE cm.station = %s)",
				       t, param)
			    : snprintf(buf, cap, "%sgrid = %s", t, param);
		break;
	case LD_SQ_PERSON:
		/* The placing registration: the active one (there is at most
		 * one), else the one recorded last. */
		n = snprintf(buf, cap,
			     "(SELECT pr.%s FROM registrations pr WHERE "
			     "pr.person_id = %s ORDER BY pr.status = 'active' "
			     "DESC, pr.id DESC LIMIT 1) %s%s%s",
			     station ? "community" : "grid", t,
			     station ? "IN (SELECT code FROM areas WHERE "
				       "station = "
				     : "= ",
			     param, station ? ")" : "");
		break;
	}
	if (n < 0 || (size_t)n >= cap)
		return "0"; /* a programming error: never more than asked */
	*bind = acc->code;
	return buf;
}
