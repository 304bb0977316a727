/*
 * sqlite_resident.c — the SQLite side of the database's settings and of
 * residents' online declarations awaiting verification
 * (sql/sqlite/0010_resident_verification.sql). Functions are bound into
 * ld_store_sqlite by store_sqlite.c. Residents' codes and sessions stay in
 * store_sqlite.c beside the other sessions.
 *
 * Statements are prepared once per connection (c->resident_stmt).
 */
#include "store/sqlite_resident.h"

#include <stdio.h>

enum rq {
	R_SETTING_GET, R_SETTING_PUT, R_DECL_INSERT, R_DECL_GET, R_DECL_OF,
	R_DECL_DECIDE, R_DECL_SUPERSEDE,
	R_LIST_ALL, R_LIST_STATION, R_LIST_GRID,
	R_COUNT_ALL, R_COUNT_STATION, R_COUNT_GRID,
	R__COUNT
};
_Static_assert(R__COUNT <= LD_SQ_RESIDENT_STMTS,
	       "raise LD_SQ_RESIDENT_STMTS");

#define DECL_COLS                                                           \
	"d.id, d.id_number, d.phone, d.name, d.ethnicity, d.hukou_code, "     \
	"d.hukou_address, d.district, d.street, d.community, d.grid, d.road, " \
	"d.house_number, d.building, d.unit, d.room, d.arrival_date, "        \
	"d.reason, d.housing, d.employer, d.stay_days, d.lodging, "           \
	"d.submitted_date, d.submitted_at, d.deadline, d.late, d.status, "    \
	"d.decided_by, u.username, d.decided_at, d.verified_by, d.note, "     \
	"d.registration_id, g.certificate_no, d.reject_reason, "              \
	"d.provisional"
#define DECL_FROM                                                           \
	" FROM declarations d LEFT JOIN users u ON u.id = d.decided_by LEFT " \
	"JOIN registrations g ON g.id = d.registration_id"
/* ?1: a status or NULL for all; ?2: the station or grid. */
#define DECL_WHERE " WHERE (?1 IS NULL OR d.status = ?1)"
#define IN_STATION " AND d.community IN (SELECT code FROM areas WHERE station = ?2)"
#define IN_GRID " AND d.grid = ?2"
/* The queue first, oldest first; then what was decided, newest first. */
#define DECL_ORDER                                                          \
	" ORDER BY d.status <> 'pending', CASE WHEN d.status = 'pending' "    \
	"THEN d.id ELSE -d.id END LIMIT ?3 OFFSET ?4"

static const char *const rsql[R__COUNT] = {
	[R_SETTING_GET] = "SELECT value FROM settings WHERE key = ?",
	[R_SETTING_PUT] = "INSERT OR REPLACE INTO settings (key, value) VALUES "
			  "(?,?)",
	[R_DECL_INSERT] = "INSERT INTO declarations (id_number, phone, name, "
			  "ethnicity, hukou_code, hukou_address, district, "
			  "street, community, grid, road, house_number, "
			  "building, unit, room, arrival_date, reason, housing, "
			  "employer, stay_days, lodging, submitted_date, "
			  "submitted_at, deadline, late) VALUES "
			  "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[R_DECL_GET] = "SELECT " DECL_COLS DECL_FROM " WHERE d.id = ?",
	[R_DECL_OF] = "SELECT " DECL_COLS DECL_FROM " WHERE d.id_number = ? "
		      "AND d.phone = ? ORDER BY d.id DESC LIMIT 20",
	[R_DECL_DECIDE] = "UPDATE declarations SET status = ?2, decided_by = "
			  "?3, decided_at = ?4, verified_by = ?5, note = ?6, "
			  "registration_id = ?7, reject_reason = ?8 WHERE id = "
			  "?1 AND status = 'pending'",
	[R_DECL_SUPERSEDE] = "UPDATE declarations SET status = 'superseded', "
			     "decided_by = ?3, decided_at = ?4 WHERE id_number "
			     "= ?1 AND id <> ?2 AND status = 'pending'",
	[R_LIST_ALL] = "SELECT " DECL_COLS DECL_FROM DECL_WHERE DECL_ORDER,
	[R_LIST_STATION] = "SELECT " DECL_COLS DECL_FROM DECL_WHERE IN_STATION
			   DECL_ORDER,
	[R_LIST_GRID] = "SELECT " DECL_COLS DECL_FROM DECL_WHERE IN_GRID
			DECL_ORDER,
	[R_COUNT_ALL] = "SELECT count(*) FROM declarations d" DECL_WHERE,
	[R_COUNT_STATION] = "SELECT count(*) FROM declarations d" DECL_WHERE
			    IN_STATION,
	[R_COUNT_GRID] = "SELECT count(*) FROM declarations d" DECL_WHERE
			 IN_GRID,
};

static sqlite3_stmt *rprep(ld_conn *c, enum rq q)
{
	if (!c->resident_stmt[q]) {
		if (sqlite3_prepare_v3(c->db, rsql[q], -1,
				       SQLITE_PREPARE_PERSISTENT,
				       &c->resident_stmt[q], NULL) != SQLITE_OK) {
			fprintf(stderr, "liudong: sqlite prepare failed: %s: %s\n",
				sqlite3_errmsg(c->db), rsql[q]);
			return NULL;
		}
	} else {
		sqlite3_reset(c->resident_stmt[q]);
		sqlite3_clear_bindings(c->resident_stmt[q]);
	}
	return c->resident_stmt[q];
}

#define bind_text ld_sq_bind_text
#define col_text ld_sq_col_text

/* ---- settings ------------------------------------------------------- */

ld_status ld_sqr_setting_get(ld_conn *c, const char *key, ld_arena *ar,
			     const char **value)
{
	sqlite3_stmt *s = rprep(c, R_SETTING_GET);
	if (!s)
		return LD_EIO;
	bind_text(s, 1, key);
	ld_status rc = ld_sq_step_one(s);
	if (rc != LD_OK)
		return rc;
	*value = col_text(s, 0, ar);
	sqlite3_reset(s);
	return *value ? LD_OK : LD_ENOMEM;
}

ld_status ld_sqr_setting_put(ld_conn *c, const char *key, const char *value)
{
	sqlite3_stmt *s = rprep(c, R_SETTING_PUT);
	if (!s)
		return LD_EIO;
	bind_text(s, 1, key);
	bind_text(s, 2, value);
	return ld_sq_exec_done(s);
}

/* ---- declarations --------------------------------------------------- */

static void row_declaration(sqlite3_stmt *s, ld_arena *ar, ld_declaration *d)
{
	d->id = sqlite3_column_int64(s, 0);
	d->id_number = col_text(s, 1, ar);
	d->phone = col_text(s, 2, ar);
	d->name = col_text(s, 3, ar);
	d->ethnicity = col_text(s, 4, ar);
	d->hukou_code = col_text(s, 5, ar);
	d->hukou_address = col_text(s, 6, ar);
	d->addr.district = col_text(s, 7, ar);
	d->addr.street = col_text(s, 8, ar);
	d->addr.community = col_text(s, 9, ar);
	d->addr.grid = col_text(s, 10, ar);
	d->addr.road = col_text(s, 11, ar);
	d->addr.house_number = col_text(s, 12, ar);
	d->addr.building = col_text(s, 13, ar);
	d->addr.unit = col_text(s, 14, ar);
	d->addr.room = col_text(s, 15, ar);
	d->arrival_date = col_text(s, 16, ar);
	d->reason = col_text(s, 17, ar);
	d->housing = col_text(s, 18, ar);
	d->employer = col_text(s, 19, ar);
	d->stay_days = ld_sq_col_int_or(s, 20, -1);
	d->lodging = col_text(s, 21, ar);
	d->submitted_date = col_text(s, 22, ar);
	d->submitted_at = col_text(s, 23, ar);
	d->deadline = col_text(s, 24, ar);
	d->late = sqlite3_column_int(s, 25) != 0;
	d->status = col_text(s, 26, ar);
	d->decided_by = sqlite3_column_int64(s, 27);
	d->decided_by_name = col_text(s, 28, ar);
	d->decided_at = col_text(s, 29, ar);
	d->verified_by = col_text(s, 30, ar);
	d->note = col_text(s, 31, ar);
	d->registration_id = sqlite3_column_int64(s, 32);
	d->certificate_no = col_text(s, 33, ar);
	d->reject_reason = col_text(s, 34, ar);
	d->provisional = sqlite3_column_int(s, 35) != 0;
}

ld_status ld_sqr_declaration_insert(ld_conn *c, ld_declaration *d)
{
	sqlite3_stmt *s = rprep(c, R_DECL_INSERT);
	if (!s)
		return LD_EIO;
	const char *text[] = {
		d->id_number,	     d->phone,		 d->name,
		d->ethnicity,	     d->hukou_code,	 d->hukou_address,
		d->addr.district,    d->addr.street,	 d->addr.community,
		d->addr.grid,	     d->addr.road,	 d->addr.house_number,
		d->addr.building,    d->addr.unit,	 d->addr.room,
		d->arrival_date,     d->reason,		 d->housing,
		d->employer,
	};
	int i = 0;
	for (; i < (int)(sizeof text / sizeof *text); i++)
		bind_text(s, i + 1, text[i]);
	ld_sq_bind_int_or_null(s, ++i, d->stay_days);
	bind_text(s, ++i, d->lodging);
	bind_text(s, ++i, d->submitted_date);
	bind_text(s, ++i, d->submitted_at);
	bind_text(s, ++i, d->deadline);
	sqlite3_bind_int(s, ++i, d->late ? 1 : 0);
	return ld_sq_insert_id(c, s, &d->id);
}

ld_status ld_sqr_declaration_get(ld_conn *c, ld_id id, ld_arena *ar,
				 ld_declaration *out)
{
	sqlite3_stmt *s = rprep(c, R_DECL_GET);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_declaration(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

ld_status ld_sqr_declarations_list(ld_conn *c, const ld_access *acc,
				   const char *status, ld_page page,
				   ld_arena *ar, ld_declaration **out,
				   size_t *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	enum rq list, count;
	switch (acc->kind) {
	case LD_ACCESS_ALL:
		list = R_LIST_ALL, count = R_COUNT_ALL;
		break;
	case LD_ACCESS_STATION:
		list = R_LIST_STATION, count = R_COUNT_STATION;
		break;
	case LD_ACCESS_GRID:
		list = R_LIST_GRID, count = R_COUNT_GRID;
		break;
	default:
		return LD_OK; /* sees none */
	}
	sqlite3_stmt *s = rprep(c, count);
	if (!s)
		return LD_EIO;
	bind_text(s, 1, status);
	if (acc->kind != LD_ACCESS_ALL)
		bind_text(s, 2, acc->code);
	ld_status rc = ld_sq_step_one(s);
	if (rc != LD_OK)
		return rc;
	*total = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (!(s = rprep(c, list)))
		return LD_EIO;
	bind_text(s, 1, status);
	if (acc->kind != LD_ACCESS_ALL)
		bind_text(s, 2, acc->code);
	sqlite3_bind_int(s, 3, page.limit);
	sqlite3_bind_int(s, 4, page.offset);
	COLLECT(s, ar, ld_declaration, out, n, row_declaration);
	return LD_OK;
}

ld_status ld_sqr_declarations_of(ld_conn *c, const char *id_number,
				 const char *phone, ld_arena *ar,
				 ld_declaration **out, size_t *n)
{
	sqlite3_stmt *s = rprep(c, R_DECL_OF);
	if (!s)
		return LD_EIO;
	bind_text(s, 1, id_number);
	bind_text(s, 2, phone);
	COLLECT(s, ar, ld_declaration, out, n, row_declaration);
	return LD_OK;
}

ld_status ld_sqr_declaration_decide(ld_conn *c, ld_id id,
				    const ld_declaration_decision *dd)
{
	sqlite3_stmt *s = rprep(c, R_DECL_DECIDE);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, dd->status);
	ld_sq_bind_id(s, 3, dd->user_id);
	bind_text(s, 4, dd->at);
	bind_text(s, 5, dd->verified_by);
	bind_text(s, 6, dd->note);
	ld_sq_bind_id(s, 7, dd->registration_id);
	bind_text(s, 8, dd->reject_reason);
	ld_status rc = ld_sq_exec_done(s);
	if (rc == LD_OK && sqlite3_changes(c->db) == 0)
		return LD_ECONFLICT; /* decided already */
	return rc;
}

ld_status ld_sqr_declarations_supersede(ld_conn *c, const char *id_number,
					ld_id except, ld_id user_id,
					const char *at, int *n)
{
	sqlite3_stmt *s = rprep(c, R_DECL_SUPERSEDE);
	if (!s)
		return LD_EIO;
	bind_text(s, 1, id_number);
	sqlite3_bind_int64(s, 2, except);
	ld_sq_bind_id(s, 3, user_id);
	bind_text(s, 4, at);
	ld_status rc = ld_sq_exec_done(s);
	*n = rc == LD_OK ? sqlite3_changes(c->db) : 0;
	return rc;
}
