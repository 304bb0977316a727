/*
 * sqlite_calendar.c — deadlines counted over a year with no holiday
 * arrangement: flagging them when they are stored, finding them again, and
 * writing the decision made once the year's arrangement is loaded
 * (sql/sqlite/0014_provisional_deadlines.sql, docs/calendar.md).
 *
 * These run seldom (a provisional row now and then; the re-decision at
 * start), so their statements are prepared per call.
 */
#include "store/sqlite_calendar.h"

#include <stdio.h>

/* Prepare, bind up to three values, step once, finalize. */
static ld_status exec3(ld_conn *c, const char *sql, ld_id id, const char *a,
		       int b)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_bind_parameter_count(s) >= 2)
		ld_sq_bind_text(s, 2, a);
	if (sqlite3_bind_parameter_count(s) >= 3)
		sqlite3_bind_int(s, 3, b);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? LD_OK : ld_sq_map_rc(rc);
}

ld_status ld_sqc_provisional_mark(ld_conn *c, ld_prov_kind kind, ld_id id,
				  const char *from, int days)
{
	static const char *const mark[LD_PROV__COUNT] = {
		[LD_PROV_REGISTRATION] =
			"UPDATE registration_events SET provisional = 1 WHERE "
			"registration_id = ?1 AND kind = 'declared'",
		[LD_PROV_ADDRESS_CHANGE] = "UPDATE registration_events SET "
					   "provisional = 1 WHERE id = ?1",
		[LD_PROV_REPORT] =
			"UPDATE reports SET provisional = 1 WHERE id = ?1",
		[LD_PROV_TASK] = "UPDATE tasks SET provisional = 1, due_from = "
				 "?2, due_days = ?3 WHERE id = ?1",
		[LD_PROV_PERMIT] = "UPDATE permits SET "
				   "issue_deadline_provisional = 1 WHERE id = ?1",
		[LD_PROV_DECLARATION] =
			"UPDATE declarations SET provisional = 1 WHERE id = ?1",
	};
	if ((unsigned)kind >= LD_PROV__COUNT)
		return LD_EINVAL;
	return exec3(c, mark[kind], id, from, days);
}

static void row_provisional(sqlite3_stmt *s, ld_arena *ar, ld_provisional *p)
{
	p->kind = (ld_prov_kind)sqlite3_column_int(s, 0);
	p->id = sqlite3_column_int64(s, 1);
	p->sub = ld_sq_col_text(s, 2, ar);
	p->from = ld_sq_col_text(s, 3, ar);
	p->from_minute = ld_sq_col_int_or(s, 4, -1);
	p->done = ld_sq_col_text(s, 5, ar);
	p->days = ld_sq_col_int_or(s, 6, 0);
	p->deadline = ld_sq_col_text(s, 7, ar);
	p->late = sqlite3_column_int(s, 8) != 0;
}

ld_status ld_sqc_provisional_list(ld_conn *c, ld_arena *ar,
				  ld_provisional **out, size_t *n)
{
	char text[2048];
	/* One row per decision: kind, id, sub, from, from_minute, done,
	 * days, deadline, late. A task without its count (stored before
	 * 0014) cannot be counted again and is left out. */
	snprintf(text, sizeof text,
		 "SELECT %d, id, NULL, arrival_date, NULL, declared_date, 0, "
		 "deadline, late FROM registrations WHERE calendar_complete = 0 "
		 "UNION ALL "
		 "SELECT %d, id, NULL, json_extract(detail, '$.moved_date'), "
		 "NULL, date, 0, deadline, late FROM registration_events "
		 "WHERE provisional = 1 AND kind = 'address_changed' "
		 "UNION ALL "
		 "SELECT %d, id, kind, event_date, event_minute, reported_date, "
		 "0, deadline, late FROM reports WHERE provisional = 1 "
		 "UNION ALL "
		 "SELECT %d, id, NULL, due_from, NULL, NULL, due_days, "
		 "due_date, 0 FROM tasks WHERE provisional = 1 AND due_from "
		 "IS NOT NULL AND due_days IS NOT NULL "
		 "UNION ALL "
		 "SELECT %d, id, NULL, accepted_date, NULL, NULL, 0, "
		 "issue_deadline, 0 FROM permits WHERE "
		 "issue_deadline_provisional = 1 AND accepted_date IS NOT NULL "
		 "UNION ALL "
		 "SELECT %d, id, NULL, arrival_date, NULL, submitted_date, 0, "
		 "deadline, late FROM declarations WHERE provisional = 1",
		 LD_PROV_REGISTRATION, LD_PROV_ADDRESS_CHANGE, LD_PROV_REPORT,
		 LD_PROV_TASK, LD_PROV_PERMIT, LD_PROV_DECLARATION);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(c->db, text, -1, &s, NULL) != SQLITE_OK)
		return LD_EIO;
	ld_status rc;
	*out = NULL;
	*n = 0;
	COLLECT_ROWS(s, ar, ld_provisional, out, n, row_provisional, rc);
	sqlite3_finalize(s);
	return rc;
}

ld_status ld_sqc_provisional_set(ld_conn *c, const ld_provisional *p,
				 bool provisional)
{
	/* ?1 id, ?2 deadline, ?3 late, ?4 provisional */
	static const char *const set[LD_PROV__COUNT][2] = {
		[LD_PROV_REGISTRATION] =
			{"UPDATE registrations SET deadline = ?2, late = ?3, "
			 "calendar_complete = 1 - ?4 WHERE id = ?1",
			 /* the declaration's copy: the late list reads it */
			 "UPDATE registration_events SET deadline = ?2, late = "
			 "?3, provisional = ?4 WHERE registration_id = ?1 AND "
			 "kind = 'declared'"},
		[LD_PROV_ADDRESS_CHANGE] = {"UPDATE registration_events SET "
					    "deadline = ?2, late = ?3, "
					    "provisional = ?4 WHERE id = ?1",
					    NULL},
		[LD_PROV_REPORT] = {"UPDATE reports SET deadline = ?2, late = "
				    "?3, provisional = ?4 WHERE id = ?1",
				    NULL},
		[LD_PROV_TASK] = {"UPDATE tasks SET due_date = ?2, provisional "
				  "= ?4 WHERE id = ?1 AND ?3 IS NOT NULL",
				  NULL},
		[LD_PROV_PERMIT] = {"UPDATE permits SET issue_deadline = ?2, "
				    "issue_deadline_provisional = ?4 WHERE id "
				    "= ?1 AND ?3 IS NOT NULL",
				    NULL},
		[LD_PROV_DECLARATION] = {"UPDATE declarations SET deadline = "
					 "?2, late = ?3, provisional = ?4 "
					 "WHERE id = ?1",
					 NULL},
	};
	if ((unsigned)p->kind >= LD_PROV__COUNT)
		return LD_EINVAL;
	for (int i = 0; i < 2 && set[p->kind][i]; i++) {
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(c->db, set[p->kind][i], -1, &s, NULL) !=
		    SQLITE_OK)
			return LD_EIO;
		sqlite3_bind_int64(s, 1, p->id);
		ld_sq_bind_text(s, 2, p->deadline);
		sqlite3_bind_int(s, 3, p->late);
		sqlite3_bind_int(s, 4, provisional);
		int rc = sqlite3_step(s);
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE)
			return ld_sq_map_rc(rc);
	}
	return LD_OK;
}

ld_status ld_sqc_provisional_counts(ld_conn *c, const ld_access *acc,
				    int64_t *registrations, int64_t *late)
{
	*registrations = *late = 0;
	if (acc->kind == LD_ACCESS_NONE)
		return LD_OK;
	const char *arg;
	char fbuf[LD_SQ_AREA_MAX], text[800];
	const char *filter = ld_sq_area(acc, LD_SQ_PLACE, "r.", "?1", fbuf,
					sizeof fbuf, &arg);
	snprintf(text, sizeof text,
		 "SELECT count(*), coalesce(sum(r.late), 0) FROM registrations "
		 "r WHERE r.status = 'active' AND r.calendar_complete = 0 AND "
		 "%s",
		 filter);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(c->db, text, -1, &s, NULL) != SQLITE_OK)
		return LD_EIO;
	if (arg)
		ld_sq_bind_text(s, 1, arg);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*registrations = sqlite3_column_int64(s, 0);
		*late = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? LD_OK : ld_sq_map_rc(rc);
}
