/*
 * store_sqlite.c — the SQLite backend of the storage interface.
 *
 * One database file (DIR/liudong.db) in WAL mode with synchronous=FULL, so a
 * committed transaction survives kill -9 and power loss. Migrations from
 * sql/sqlite/ are compiled in and applied at open; PRAGMA user_version records
 * the applied version. Every query is a prepared statement with bound
 * parameters, cached per connection. Query text lives only in this file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/sqlite_calendar.h"
#include "store/sqlite_grid.h"
#include "store/sqlite_int.h"
#include "store/sqlite_paperwork.h"
#include "store/sqlite_resident.h"
#include "store/store.h"
#include "util/embed.h"

extern const struct ld_embedded_file ld_embedded_sqlite_migrations[];

/* The database's file in the store's directory. */
#define DB_FILE "liudong.db"

struct ld_store {
	char path[4096];
	pthread_mutex_t wal_lock;
	int wal_fd; /* the WAL file, opened on first log_sync */
};

enum q {
	Q_BEGIN, Q_BEGIN_READ, Q_COMMIT, Q_ROLLBACK, Q_SAVEPOINT, Q_RELEASE, Q_ROLLBACK_TO,
	Q_STATION_PUT, Q_AREA_PUT, Q_AREA_GET, Q_AREA_CHILDREN, Q_AREA_ROOTS,
	Q_STATION_GET, Q_STATIONS,
	Q_USER_INSERT, Q_USER_BY_NAME, Q_USER_BY_ID,
	Q_SESSION_INSERT, Q_SESSION_GET, Q_SESSION_DELETE,
	Q_USERS_LIST, Q_USER_SET_PASSWORD, Q_USER_SET_DISABLED, Q_USER_LOGGED_IN,
	Q_SESSIONS_REVOKE, Q_SESSIONS_REVOKE_ALL,
	Q_PERSON_INSERT, Q_PERSON_UPDATE, Q_PERSON_GET, Q_PERSON_BY_IDN,
	Q_PERSON_VISIBLE_ALL, Q_PERSON_VISIBLE_STATION, Q_PERSON_VISIBLE_GRID,
	Q_REG_INSERT, Q_REG_GET, Q_REG_OF_PERSON, Q_REG_ACTIVE, Q_REG_SET_ADDR,
	Q_REG_CANCEL, Q_REG_MOVED_AWAY, Q_REG_VISIBLE_STATION, Q_REG_VISIBLE_GRID, Q_REG_EXISTS,
	Q_EVENT_INSERT, Q_EVENTS_OF_PERSON,
	Q_CERT_GET, Q_CERT_PUT,
	Q_AUDIT_HEAD, Q_AUDIT_INSERT, Q_AUDIT_LIST, Q_AUDIT_LIST_TARGET,
	Q_AUDIT_SCAN, Q_ANCHOR_GET, Q_ANCHOR_PUT,
	Q_COUNTS,
	Q_PERMIT_INSERT, Q_PERMIT_UPDATE, Q_PERMIT_GET, Q_PERMIT_ACTIVE,
	Q_PERMIT_BY_NO, Q_PERMITS_OF_PERSON, Q_PERMITS_ALL, Q_PERMITS_STATION,
	Q_PERMITS_GRID, Q_ENDORSE_INSERT, Q_ENDORSEMENTS, Q_VERSION_INSERT,
	Q_VERSIONS_INVALIDATE, Q_VERSION_BY_LICENCE, Q_VERSIONS_OF,
	Q_PEVENT_INSERT, Q_PEVENTS_OF,
	Q_RCODE_PUT, Q_RCODE_GET, Q_RCODE_ATTEMPT, Q_RCODE_DELETE,
	Q_RSESSION_INSERT, Q_RSESSION_GET, Q_RSESSION_DELETE,
	Q__COUNT
};
_Static_assert(Q__COUNT <= LD_SQ_MAIN_STMTS, "raise LD_SQ_MAIN_STMTS");

#define USER_COLS                                                           \
	"id, username, display_name, role, area, password_hash, disabled, "   \
	"created_at, must_change_password, password_changed_at, "            \
	"last_login_at"
#define PERMIT_COLS                                                         \
	"p.id, p.person_id, p.registration_id, p.status, p.basis, p.channel, " \
	"p.applicant, p.guardian_name, p.guardian_id_number, "                 \
	"p.guardian_relation, p.materials, p.district, p.applied_date, "       \
	"p.accepted_date, p.issue_deadline, p.issued_date, "                   \
	"p.issuing_authority, p.permit_no, p.version, p.cancelled_date, "      \
	"p.cancel_reason, p.created_by, p.created_at, "                       \
	"p.issue_deadline_provisional, p.returned"
#define PERMIT_NCOLS 25 /* how many PERMIT_COLS names */
#define VERSION_COLS                                                        \
	"id, permit_id, version, licence_id, issued_date, reason, payload, "  \
	"key_id, invalidated_date, photo_id"

#define PERSON_COLS                                                         \
	"p.id, p.id_number, p.name, p.sex, p.ethnicity, p.birth, p.hukou_code, " \
	"p.hukou_address, p.phone, p.created_at, p.updated_at, "            \
	"p.document_type"
#define REG_COLS                                                            \
	"id, person_id, status, district, street, community, grid, road, "  \
	"house_number, building, unit, room, arrival_date, declared_date, "  \
	"deadline, late, calendar_complete, reason, housing, employer, "     \
	"in_scope, scope_reason, exemption, override_reason, certificate_no, " \
	"cancelled_date, cancel_reason, cancel_reporter, created_by, "        \
	"created_at, moved_away_date, moved_away_task"
#define AUDIT_COLS                                                          \
	"seq, at, user_id, username, action, target, reason, result, detail, " \
	"prev_hash, hash"

static const char *const sql[Q__COUNT] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_BEGIN_READ] = "BEGIN",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_SAVEPOINT] = "SAVEPOINT job",
	[Q_RELEASE] = "RELEASE job",
	[Q_ROLLBACK_TO] = "ROLLBACK TO job",
	[Q_STATION_PUT] = "INSERT OR REPLACE INTO stations (code, name, "
			  "district, address, phone) VALUES (?,?,?,?,?)",
	[Q_AREA_PUT] = "INSERT OR REPLACE INTO areas (code, parent, level, "
		       "name, station) VALUES (?,?,?,?,?)",
	[Q_AREA_GET] = "SELECT code, parent, level, name, station FROM areas "
		       "WHERE code = ?",
	[Q_AREA_CHILDREN] = "SELECT code, parent, level, name, station FROM "
			    "areas WHERE parent = ? ORDER BY code",
	[Q_AREA_ROOTS] = "SELECT code, parent, level, name, station FROM "
			 "areas WHERE parent IS NULL ORDER BY code",
	[Q_STATION_GET] = "SELECT code, name, district, address, phone FROM "
			  "stations WHERE code = ?",
	[Q_STATIONS] = "SELECT code, name, district, address, phone FROM "
		       "stations ORDER BY code",
	[Q_USER_INSERT] = "INSERT INTO users (username, display_name, role, "
			  "area, password_hash, disabled, created_at, "
			  "must_change_password) VALUES (?,?,?,?,?,?,?,?)",
	[Q_USER_BY_NAME] = "SELECT " USER_COLS " FROM users WHERE username = ?",
	[Q_USER_BY_ID] = "SELECT " USER_COLS " FROM users WHERE id = ?",
	[Q_USERS_LIST] = "SELECT " USER_COLS " FROM users ORDER BY username",
	[Q_USER_SET_PASSWORD] = "UPDATE users SET password_hash = ?, "
				"must_change_password = ?, "
				"password_changed_at = ? WHERE id = ?",
	[Q_USER_SET_DISABLED] = "UPDATE users SET disabled = ? WHERE id = ?",
	[Q_USER_LOGGED_IN] = "UPDATE users SET last_login_at = ? WHERE id = ?",
	[Q_SESSIONS_REVOKE] = "DELETE FROM sessions WHERE user_id = ? AND "
			      "token_hash != ?",
	[Q_SESSIONS_REVOKE_ALL] = "DELETE FROM sessions WHERE user_id = ?",
	[Q_SESSION_INSERT] = "INSERT INTO sessions (token_hash, user_id, "
			     "created_at, expires_at, address) VALUES "
			     "(?,?,strftime('%Y-%m-%dT%H:%M:%SZ','now'),?,?)",
	[Q_SESSION_GET] = "SELECT user_id, expires_at FROM sessions WHERE "
			  "token_hash = ? AND expires_at > ?",
	[Q_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?",
	[Q_PERSON_INSERT] = "INSERT INTO persons (id_number, name, sex, "
			    "ethnicity, birth, hukou_code, hukou_address, "
			    "phone, created_at, updated_at, document_type) "
			    "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
	[Q_PERSON_UPDATE] = "UPDATE persons SET name = ?, ethnicity = ?, "
			    "hukou_code = ?, hukou_address = ?, phone = ?, "
			    "updated_at = ? WHERE id = ?",
	[Q_PERSON_GET] = "SELECT " PERSON_COLS " FROM persons p WHERE p.id = ?",
	[Q_PERSON_BY_IDN] = "SELECT " PERSON_COLS
			    " FROM persons p WHERE p.id_number = ?",
	[Q_PERSON_VISIBLE_ALL] = "SELECT 1 FROM persons WHERE id = ?",
	/* Q_PERSON_VISIBLE_STATION, _GRID: composed (area_statement). */
	[Q_REG_INSERT] = "INSERT INTO registrations (person_id, status, "
			 "district, street, community, grid, road, "
			 "house_number, building, unit, room, arrival_date, "
			 "declared_date, deadline, late, calendar_complete, "
			 "reason, housing, employer, in_scope, scope_reason, "
			 "exemption, override_reason, certificate_no, "
			 "created_by, created_at) VALUES "
			 "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[Q_REG_GET] = "SELECT " REG_COLS " FROM registrations WHERE id = ?",
	[Q_REG_OF_PERSON] = "SELECT " REG_COLS " FROM registrations WHERE "
			    "person_id = ? ORDER BY id DESC",
	[Q_REG_ACTIVE] = "SELECT " REG_COLS " FROM registrations WHERE "
			 "person_id = ? AND status = 'active'",
	[Q_REG_SET_ADDR] = "UPDATE registrations SET district = ?, street = "
			   "?, community = ?, grid = ?, road = ?, house_number "
			   "= ?, building = ?, unit = ?, room = ? WHERE id = ? "
			   "AND status = 'active'",
	[Q_REG_MOVED_AWAY] = "UPDATE registrations SET moved_away_date = ?, "
			     "moved_away_task = ? WHERE id = ? AND status = "
			     "'active'",
	[Q_REG_CANCEL] = "UPDATE registrations SET status = 'cancelled', "
			 "cancelled_date = ?, cancel_reason = ?, "
			 "cancel_reporter = ? WHERE id = ? AND status = "
			 "'active'",
	/* Q_REG_VISIBLE_STATION, _GRID: composed (area_statement). */
	[Q_REG_EXISTS] = "SELECT 1 FROM registrations WHERE id = ?",
	[Q_EVENT_INSERT] = "INSERT INTO registration_events (registration_id, "
			   "kind, date, deadline, late, detail, user_id, at, "
			   "entered_date, date_reason) VALUES "
			   "(?,?,?,?,?,?,?,?,?,?)",
	[Q_EVENTS_OF_PERSON] = "SELECT e.id, e.registration_id, e.kind, "
			       "e.date, e.deadline, e.late, e.detail, "
			       "e.user_id, e.at, e.provisional, "
			       "e.entered_date, e.date_reason FROM "
			       "registration_events e "
			       "JOIN registrations r ON r.id = "
			       "e.registration_id WHERE r.person_id = ? "
			       "ORDER BY e.id",
	[Q_CERT_GET] = "SELECT next FROM certificate_serials WHERE district = "
		       "? AND year = ?",
	[Q_CERT_PUT] = "INSERT OR REPLACE INTO certificate_serials (district, "
		       "year, next) VALUES (?,?,?)",
	[Q_AUDIT_HEAD] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
	[Q_AUDIT_INSERT] = "INSERT INTO audit (" AUDIT_COLS
			   ") VALUES (?,?,?,?,?,?,?,?,?,?,?)",
	[Q_AUDIT_LIST] = "SELECT " AUDIT_COLS " FROM audit WHERE seq < ? "
			 "ORDER BY seq DESC LIMIT ? OFFSET ?",
	[Q_AUDIT_LIST_TARGET] = "SELECT " AUDIT_COLS " FROM audit WHERE seq < "
				"? AND target = ? ORDER BY seq DESC LIMIT ? "
				"OFFSET ?",
	[Q_AUDIT_SCAN] = "SELECT " AUDIT_COLS " FROM audit WHERE seq >= ? "
			 "ORDER BY seq",
	[Q_ANCHOR_GET] = "SELECT n, hash FROM audit_anchor WHERE id = 1",
	[Q_ANCHOR_PUT] = "INSERT OR REPLACE INTO audit_anchor (id, n, hash, at) "
			 "VALUES (1,?,?,?)",
	[Q_PERMIT_INSERT] = "INSERT INTO permits (person_id, registration_id, "
			    "status, basis, channel, applicant, guardian_name, "
			    "guardian_id_number, guardian_relation, materials, "
			    "district, applied_date, accepted_date, "
			    "issue_deadline, issued_date, issuing_authority, "
			    "permit_no, version, cancelled_date, cancel_reason, "
			    "created_by, created_at, returned) VALUES "
			    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[Q_PERMIT_UPDATE] = "UPDATE permits SET status = ?, materials = ?, "
			    "accepted_date = ?, issue_deadline = ?, "
			    "issued_date = ?, issuing_authority = ?, "
			    "permit_no = ?, version = ?, cancelled_date = ?, "
			    "cancel_reason = ?, returned = ? WHERE id = ?",
	[Q_PERMIT_GET] = "SELECT " PERMIT_COLS " FROM permits p WHERE p.id = ?",
	[Q_PERMIT_ACTIVE] = "SELECT " PERMIT_COLS " FROM permits p WHERE "
			    "p.person_id = ? AND p.status IN "
			    "('applied','accepted','issued')",
	[Q_PERMIT_BY_NO] = "SELECT " PERMIT_COLS
			   " FROM permits p WHERE p.permit_no = ?",
	[Q_PERMITS_OF_PERSON] = "SELECT " PERMIT_COLS " FROM permits p WHERE "
				"p.person_id = ? ORDER BY p.id DESC",
	[Q_PERMITS_ALL] = "SELECT " PERMIT_COLS " FROM permits p WHERE "
			  "p.status = ?1 ORDER BY p.id LIMIT ?2",
	/* Q_PERMITS_STATION, _GRID: composed (area_statement). */
	[Q_ENDORSE_INSERT] = "INSERT INTO permit_endorsements (permit_id, "
			     "date, anniversary, late, user_id, at) VALUES "
			     "(?,?,?,?,?,?)",
	[Q_ENDORSEMENTS] = "SELECT id, permit_id, date, anniversary, late, "
			   "user_id, at FROM permit_endorsements WHERE "
			   "permit_id = ? ORDER BY date, id",
	[Q_VERSION_INSERT] = "INSERT INTO permit_versions (permit_id, version, "
			     "licence_id, issued_date, reason, payload, key_id, "
			     "invalidated_date, photo_id) VALUES "
			     "(?,?,?,?,?,?,?,NULL,?)",
	[Q_VERSIONS_INVALIDATE] = "UPDATE permit_versions SET "
				  "invalidated_date = ? WHERE permit_id = ? "
				  "AND invalidated_date IS NULL",
	[Q_VERSION_BY_LICENCE] = "SELECT " VERSION_COLS
				 " FROM permit_versions WHERE licence_id = ?",
	[Q_VERSIONS_OF] = "SELECT " VERSION_COLS " FROM permit_versions WHERE "
			  "permit_id = ? ORDER BY version",
	[Q_PEVENT_INSERT] = "INSERT INTO permit_events (permit_id, kind, date, "
			    "detail, user_id, at, entered_date, date_reason) "
			    "VALUES (?,?,?,?,?,?,?,?)",
	[Q_PEVENTS_OF] = "SELECT id, permit_id, kind, date, detail, user_id, "
			 "at, entered_date, date_reason FROM permit_events "
			 "WHERE permit_id = ? ORDER BY id",
	[Q_RCODE_PUT] = "INSERT OR REPLACE INTO resident_codes (id_number, phone, "
			"code_hash, created_at, expires_at, attempts) VALUES "
			"(?,?,?,?,?,0)",
	[Q_RCODE_GET] = "SELECT code_hash, created_at, expires_at, attempts FROM "
			"resident_codes WHERE id_number = ? AND phone = ?",
	/* Counted before the code is compared, in the one writer: however
	 * many guesses arrive at once, each sees the count of all before it. */
	[Q_RCODE_ATTEMPT] = "UPDATE resident_codes SET attempts = attempts + 1 "
			    "WHERE id_number = ? AND phone = ? AND attempts < ? "
			    "RETURNING code_hash, expires_at, attempts",
	[Q_RCODE_DELETE] = "DELETE FROM resident_codes WHERE id_number = ? AND "
			   "phone = ?",
	[Q_RSESSION_INSERT] = "INSERT INTO resident_sessions (token_hash, "
			      "id_number, phone, expires_at) VALUES (?,?,?,?)",
	[Q_RSESSION_GET] = "SELECT id_number, phone FROM resident_sessions WHERE "
			   "token_hash = ? AND expires_at > ?",
	[Q_RSESSION_DELETE] = "DELETE FROM resident_sessions WHERE token_hash = ?",
	[Q_COUNTS] = "SELECT (SELECT count(*) FROM persons), (SELECT count(*) "
		     "FROM registrations WHERE status = 'active'), (SELECT "
		     "count(*) FROM audit)",
};

/* ---- helpers -------------------------------------------------------- */

/* Connections use extended result codes: only a uniqueness violation is a
 * conflict; other constraint failures (NOT NULL, CHECK, foreign keys) mean
 * the program passed something it should not have. */
ld_status ld_sq_map_rc(int rc)
{
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return LD_ECONFLICT;
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return LD_OK;
	case SQLITE_CONSTRAINT:
		return LD_EINTERNAL;
	case SQLITE_NOMEM:
		return LD_ENOMEM;
	case SQLITE_TOOBIG:
		return LD_ETOOBIG;
	default:
		return LD_EIO;
	}
}

/* The text of a statement that reads by area: the area rule
 * (sqlite_area.c) with the area code as its last parameter. */
static const char *area_statement(enum q q, char *buf, size_t cap)
{
	static const ld_access station = {LD_ACCESS_STATION, ""},
			       grid = {LD_ACCESS_GRID, ""};
	char rule[LD_SQ_AREA_MAX];
	const char *bind;
	switch (q) {
	case Q_PERSON_VISIBLE_STATION:
	case Q_PERSON_VISIBLE_GRID:
		snprintf(buf, cap, "SELECT 1 WHERE %s",
			 ld_sq_area(q == Q_PERSON_VISIBLE_STATION ? &station
								   : &grid,
				    LD_SQ_PERSON, "?1", "?2", rule, sizeof rule,
				    &bind));
		return buf;
	case Q_REG_VISIBLE_STATION:
	case Q_REG_VISIBLE_GRID: {
		/* Where it was recorded, or where its person lies now. */
		const ld_access *acc =
			q == Q_REG_VISIBLE_STATION ? &station : &grid;
		char person[LD_SQ_AREA_MAX];
		snprintf(buf, cap,
			 "SELECT 1 FROM registrations r WHERE r.id = ?1 AND (%s "
			 "OR %s)",
			 ld_sq_area(acc, LD_SQ_PLACE, "r.", "?2", rule,
				    sizeof rule, &bind),
			 ld_sq_area(acc, LD_SQ_PERSON, "r.person_id", "?2",
				    person, sizeof person, &bind));
		return buf;
	}
	case Q_PERMITS_STATION:
	case Q_PERMITS_GRID:
		snprintf(buf, cap,
			 "SELECT " PERMIT_COLS " FROM permits p WHERE p.status "
			 "= ?1 AND %s ORDER BY p.id LIMIT ?2",
			 ld_sq_area(q == Q_PERMITS_STATION ? &station : &grid,
				    LD_SQ_PERSON, "p.person_id", "?3", rule,
				    sizeof rule, &bind));
		return buf;
	default:
		return NULL;
	}
}

static sqlite3_stmt *prep(ld_conn *c, enum q q)
{
	if (!c->stmt[q]) {
		char composed[1024];
		const char *text =
			sql[q] ? sql[q]
			       : area_statement(q, composed, sizeof composed);
		if (!text ||
		    sqlite3_prepare_v3(c->db, text, -1,
				       SQLITE_PREPARE_PERSISTENT, &c->stmt[q],
				       NULL) != SQLITE_OK) {
			fprintf(stderr, "liudong: sqlite prepare failed: %s: %s\n",
				sqlite3_errmsg(c->db), text ? text : "?");
			return NULL;
		}
	} else {
		sqlite3_reset(c->stmt[q]);
		sqlite3_clear_bindings(c->stmt[q]);
	}
	return c->stmt[q];
}

void ld_sq_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

void ld_sq_bind_id(sqlite3_stmt *s, int i, ld_id v)
{
	if (v > 0)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

void ld_sq_bind_int_or_null(sqlite3_stmt *s, int i, int v)
{
	if (v >= 0)
		sqlite3_bind_int(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

int ld_sq_col_int_or(sqlite3_stmt *s, int i, int unknown)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL
		       ? unknown
		       : sqlite3_column_int(s, i);
}

const char *ld_sq_col_text(sqlite3_stmt *s, int i, ld_arena *ar)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	if (!t)
		return NULL;
	return ld_arena_strndup(ar, (const char *)t,
				(size_t)sqlite3_column_bytes(s, i));
}

/* Step a statement that returns no rows. */
ld_status ld_sq_exec_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	ld_status st = rc == SQLITE_DONE ? LD_OK : ld_sq_map_rc(rc);
	sqlite3_reset(s);
	return st;
}

ld_status ld_sq_insert_id(ld_conn *c, sqlite3_stmt *s, ld_id *id)
{
	ld_status rc = ld_sq_exec_done(s);
	if (rc == LD_OK)
		*id = sqlite3_last_insert_rowid(c->db);
	return rc;
}

static ld_status run(ld_conn *c, enum q q)
{
	sqlite3_stmt *s = prep(c, q);
	return s ? ld_sq_exec_done(s) : LD_EIO;
}

/* ---- migrations, open, connect --------------------------------------- */

static ld_status exec_sql(sqlite3 *db, const char *text, ld_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK) {
		ld_fail(err, LD_EIO, "database", "数据库操作失败：%s",
			msg ? msg : "?");
		sqlite3_free(msg);
		return LD_EIO;
	}
	return LD_OK;
}

static int user_version(sqlite3 *db)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	return v;
}

/* Foreign keys a migration left dangling (it runs with them off). */
static ld_status foreign_keys_hold(sqlite3 *db, ld_error *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &s, NULL) !=
	    SQLITE_OK)
		return ld_fail(err, LD_EIO, "database", "数据库操作失败：%s",
			       sqlite3_errmsg(db));
	int step = sqlite3_step(s);
	ld_status rc = LD_OK;
	if (step == SQLITE_ROW)
		rc = ld_fail(err, LD_EIO, "database",
			     "数据库升级后表 %s 的外键不成立",
			     (const char *)sqlite3_column_text(s, 0));
	else if (step != SQLITE_DONE)
		rc = ld_fail(err, LD_EIO, "database", "数据库操作失败：%s",
			     sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return rc;
}

/* One migration in one transaction. Foreign keys are off while it runs,
 * so a table can be rebuilt (copied, dropped, renamed), and are checked
 * in full before it commits. */
static ld_status migrate_one(sqlite3 *db, const struct ld_embedded_file *f,
			     int version, ld_error *err)
{
	char *text = malloc(f->len + 16);
	if (!text)
		return ld_fail(err, LD_ENOMEM, "database", "内存不足");
	snprintf(text, f->len + 16, "BEGIN;\n%.*s\n", (int)f->len, f->data);
	ld_status rc = exec_sql(db, "PRAGMA foreign_keys=OFF", err);
	if (rc == LD_OK)
		rc = exec_sql(db, text, err);
	free(text);
	if (rc == LD_OK)
		rc = foreign_keys_hold(db, err);
	if (rc == LD_OK) {
		char end[64];
		snprintf(end, sizeof end, "PRAGMA user_version=%d; COMMIT;",
			 version);
		rc = exec_sql(db, end, err);
	}
	if (rc != LD_OK && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	ld_status on = exec_sql(db, "PRAGMA foreign_keys=ON",
				rc == LD_OK ? err : NULL);
	return rc != LD_OK ? rc : on;
}

static ld_status migrate(sqlite3 *db, ld_error *err)
{
	int have = user_version(db);
	int latest = 0;
	for (const struct ld_embedded_file *f = ld_embedded_sqlite_migrations;
	     f->name; f++)
		latest = atoi(f->name);
	if (have > latest)
		return ld_fail(err, LD_EIO, "database",
			       "数据库版本 %d 高于程序支持的版本 %d，请升级程序",
			       have, latest);
	for (const struct ld_embedded_file *f = ld_embedded_sqlite_migrations;
	     f->name; f++) {
		int v = atoi(f->name);
		if (v <= have)
			continue;
		ld_status rc = migrate_one(db, f, v, err);
		if (rc != LD_OK)
			return rc;
	}
	return LD_OK;
}

/* Before SQLite starts: no allocation statistics (they take one global
 * mutex on every allocation, which threads reading at once queue on). */
static void sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static ld_status open_db(const char *path, bool create, sqlite3 **out,
			 ld_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_configure);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
		    (create ? SQLITE_OPEN_CREATE : 0);
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		ld_fail(err, LD_EIO, "data", "无法打开数据库 %s：%s", path,
			db ? sqlite3_errmsg(db) : "?");
		sqlite3_close(db);
		return LD_EIO;
	}
	sqlite3_busy_timeout(db, 10000);
	sqlite3_extended_result_codes(db, 1);

	ld_status rc = exec_sql(db,
				"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
				" PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
				err);
	if (rc != LD_OK) {
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return LD_OK;
}

static ld_status s_open(const char *dir, ld_store **out, ld_error *err)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return ld_fail(err, LD_EIO, "data", "无法创建数据目录 %s", dir);
	ld_store *s = calloc(1, sizeof *s);
	if (!s)
		return ld_fail(err, LD_ENOMEM, "data", "内存不足");
	s->wal_fd = -1;
	pthread_mutex_init(&s->wal_lock, NULL);
	if ((size_t)snprintf(s->path, sizeof s->path, "%s/" DB_FILE, dir) >=
	    sizeof s->path) {
		free(s);
		return ld_fail(err, LD_EINVAL, "data", "数据目录路径过长");
	}
	sqlite3 *db;
	ld_status rc = open_db(s->path, true, &db, err);
	if (rc == LD_OK) {
		rc = migrate(db, err);
		sqlite3_close(db);
	}
	if (rc != LD_OK) {
		free(s);
		return rc;
	}
	*out = s;
	return LD_OK;
}

static void s_close(ld_store *s)
{
	if (!s)
		return;
	if (s->wal_fd >= 0)
		close(s->wal_fd);
	pthread_mutex_destroy(&s->wal_lock);
	free(s);
}

/*
 * VACUUM INTO writes a consistent snapshot of the database to a new file
 * inside one read transaction: in WAL mode writers go on meanwhile, and
 * the copy holds exactly what was committed when it began. Its own
 * connection, so any thread may call it. The copy is flushed to disk
 * before this returns.
 */
static ld_status s_backup(ld_store *s, const char *path, ld_error *err)
{
	struct stat st;
	if (stat(path, &st) == 0 || errno != ENOENT)
		return ld_fail(err, LD_ECONFLICT, "to", "备份文件 %s 已存在", path);
	sqlite3 *db;
	ld_status rc = open_db(s->path, false, &db, err);
	if (rc != LD_OK)
		return rc;
	sqlite3_stmt *v = NULL;
	int step = sqlite3_prepare_v2(db, "VACUUM INTO ?", -1, &v, NULL);
	if (step == SQLITE_OK) {
		sqlite3_bind_text(v, 1, path, -1, SQLITE_STATIC);
		step = sqlite3_step(v);
	}
	if (step != SQLITE_DONE)
		rc = ld_fail(err, LD_EIO, "to", "数据库备份失败：%s",
			     sqlite3_errmsg(db));
	sqlite3_finalize(v);
	sqlite3_close(db);
	if (rc == LD_OK) {
		/* It holds everything the database does: owner only. */
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fchmod(fd, 0600) != 0 || fsync(fd) != 0)
			rc = ld_fail(err, LD_EIO, "to", "无法写入备份文件 %s：%s",
				     path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return rc;
}

/*
 * fdatasync flushes a file's data whichever descriptor wrote it, so the
 * WAL that SQLite writes through its own descriptor is made durable through
 * ours. The WAL file keeps its inode while the store is open (checkpoints
 * restart it in place).
 */
static ld_status s_log_sync(ld_store *s)
{
	ld_status rc = LD_OK;
	pthread_mutex_lock(&s->wal_lock);
	if (s->wal_fd < 0) {
		char path[4200];
		snprintf(path, sizeof path, "%s-wal", s->path);
		s->wal_fd = open(path, O_RDWR | O_CLOEXEC);
	}
	int fd = s->wal_fd;
	pthread_mutex_unlock(&s->wal_lock);
	if (fd < 0 || fdatasync(fd) != 0)
		rc = LD_EIO;
	return rc;
}

static ld_status s_connect(ld_store *s, bool writer, ld_conn **out,
			   ld_error *err)
{
	ld_conn *c = calloc(1, sizeof *c);
	if (!c)
		return ld_fail(err, LD_ENOMEM, "data", "内存不足");
	ld_status rc = open_db(s->path, false, &c->db, err);
	if (rc != LD_OK) {
		free(c);
		return rc;
	}
	c->writer = writer;
	if (!writer)
		/* 16 MiB of pages (SQLite's default is 2): the indexes a
		 * request or an upload's check looks up stay in memory rather
		 * than being read from the file again. */
		exec_sql(c->db, "PRAGMA query_only=1; PRAGMA cache_size=-16384;",
			 NULL);
	else
		/* The writer keeps a large cache, so a batch's pages are never
		 * spilled mid-transaction, and leaves checkpoints to maintain(). */
		exec_sql(c->db,
			 "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=0;",
			 NULL);
	*out = c;
	return LD_OK;
}

static void s_disconnect(ld_conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(c->stmt[i]);
	for (int i = 0; i < LD_SQ_GRID_STMTS; i++)
		sqlite3_finalize(c->grid_stmt[i]);
	for (int i = 0; i < LD_SQ_RESIDENT_STMTS; i++)
		sqlite3_finalize(c->resident_stmt[i]);
	for (int i = 0; i < LD_SQ_PAPER_STMTS; i++)
		sqlite3_finalize(c->paper_stmt[i]);
	sqlite3_close(c->db);
	free(c->serials.e);
	free(c);
}

static int s_schema_version(ld_conn *c)
{
	return user_version(c->db);
}

/* Readiness: a write that changes nothing, the schema version written over
 * with itself. It dirties the database's first page, so the commit it is
 * part of writes to the log as any change would. */
static ld_status s_probe_write(ld_conn *c)
{
	int v = user_version(c->db);
	if (v < 0)
		return LD_EIO;
	char text[48];
	snprintf(text, sizeof text, "PRAGMA user_version=%d", v);
	return exec_sql(c->db, text, NULL);
}

static ld_status s_read_begin(ld_conn *c)
{
	if (!sqlite3_get_autocommit(c->db))
		return LD_OK;
	return run(c, Q_BEGIN_READ);
}

static ld_status s_foreign_keys(ld_conn *c, bool on)
{
	/* SQLite ignores the pragma inside a transaction: refuse instead. */
	if (!sqlite3_get_autocommit(c->db))
		return LD_EINTERNAL;
	return exec_sql(c->db,
			on ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF",
			NULL);
}

static ld_status s_read_end(ld_conn *c)
{
	if (sqlite3_get_autocommit(c->db))
		return LD_OK;
	return run(c, Q_COMMIT);
}

static ld_status flush_serials(ld_conn *c);

static ld_status s_begin(ld_conn *c)
{
	c->serials.n = 0;
	return run(c, Q_BEGIN);
}

static ld_status s_commit(ld_conn *c)
{
	ld_status rc = flush_serials(c);
	c->serials.n = 0;
	return rc == LD_OK ? run(c, Q_COMMIT) : rc;
}

static ld_status s_rollback(ld_conn *c)
{
	c->serials.n = 0;
	return run(c, Q_ROLLBACK);
}
static ld_status s_savepoint(ld_conn *c) { return run(c, Q_SAVEPOINT); }
static ld_status s_release(ld_conn *c) { return run(c, Q_RELEASE); }
static ld_status s_rollback_to(ld_conn *c) { return run(c, Q_ROLLBACK_TO); }

static ld_status s_check(ld_conn *c, bool *ok, ld_buf *report)
{
	sqlite3_stmt *s;
	*ok = false;
	if (sqlite3_prepare_v2(c->db, "PRAGMA integrity_check", -1, &s,
			       NULL) != SQLITE_OK)
		return LD_EIO;
	int rows = 0;
	bool good = false;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);
		rows++;
		if (rows == 1 && t && strcmp(t, "ok") == 0)
			good = true;
		else if (t)
			ld_buf_addf(report, "%s\n", t);
	}
	sqlite3_finalize(s);
	*ok = good && rows == 1;
	return LD_OK;
}

/* In WAL mode NORMAL writes the log at commit without flushing it; SQLite
 * still syncs the log before each checkpoint and when it starts reusing
 * the log file. */
static ld_status s_set_sync(ld_conn *c, int mode)
{
	static const char *const pragma[] = {
		[LD_SYNC_FULL] = "PRAGMA synchronous=FULL",
		[LD_SYNC_DEFERRED] = "PRAGMA synchronous=NORMAL",
		[LD_SYNC_OFF] = "PRAGMA synchronous=OFF",
	};
	if (mode < LD_SYNC_FULL || mode > LD_SYNC_OFF)
		return LD_EINVAL;
	return exec_sql(c->db, pragma[mode], NULL);
}

/*
 * Passive checkpoints never block the writer, but under continuous writes
 * they never catch up either, and the WAL would grow without end. Past
 * 16384 frames (64 MiB) a restarting checkpoint waits (busy timeout) for a
 * moment between two of the writer's transactions, copies the rest and lets
 * the next transaction write the WAL from its start again.
 */
#define WAL_RESTART_FRAMES 16384

static ld_status s_maintain(ld_conn *c)
{
	int log = 0, done = 0;
	int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
					   &log, &done);
	if (rc == SQLITE_OK && log > WAL_RESTART_FRAMES)
		rc = sqlite3_wal_checkpoint_v2(c->db, NULL,
					       SQLITE_CHECKPOINT_RESTART, NULL,
					       NULL);
	return rc == SQLITE_OK || rc == SQLITE_BUSY ? LD_OK : ld_sq_map_rc(rc);
}

/* ---- areas ---------------------------------------------------------- */

static ld_status s_station_put(ld_conn *c, const ld_station *st)
{
	sqlite3_stmt *s = prep(c, Q_STATION_PUT);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, st->code);
	ld_sq_bind_text(s, 2, st->name);
	ld_sq_bind_text(s, 3, st->district);
	ld_sq_bind_text(s, 4, st->address ? st->address : "");
	ld_sq_bind_text(s, 5, st->phone ? st->phone : "");
	return ld_sq_exec_done(s);
}

static ld_status s_area_put(ld_conn *c, const ld_area *a)
{
	sqlite3_stmt *s = prep(c, Q_AREA_PUT);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, a->code);
	ld_sq_bind_text(s, 2, a->parent);
	sqlite3_bind_int(s, 3, a->level);
	ld_sq_bind_text(s, 4, a->name);
	ld_sq_bind_text(s, 5, a->station);
	return ld_sq_exec_done(s);
}

static void row_area(sqlite3_stmt *s, ld_arena *ar, ld_area *a)
{
	a->code = ld_sq_col_text(s, 0, ar);
	a->parent = ld_sq_col_text(s, 1, ar);
	a->level = sqlite3_column_int(s, 2);
	a->name = ld_sq_col_text(s, 3, ar);
	a->station = ld_sq_col_text(s, 4, ar);
}

static void row_station(sqlite3_stmt *s, ld_arena *ar, ld_station *st)
{
	st->code = ld_sq_col_text(s, 0, ar);
	st->name = ld_sq_col_text(s, 1, ar);
	st->district = ld_sq_col_text(s, 2, ar);
	st->address = ld_sq_col_text(s, 3, ar);
	st->phone = ld_sq_col_text(s, 4, ar);
}

/* Run a one-row query: LD_OK with the row current, LD_ENOTFOUND, or LD_EIO.
 * The caller reads the row and resets the statement. */
ld_status ld_sq_step_one(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return LD_OK;
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? LD_ENOTFOUND : ld_sq_map_rc(rc);
}

static ld_status s_area_get(ld_conn *c, const char *code, ld_arena *ar,
			    ld_area *out)
{
	sqlite3_stmt *s = prep(c, Q_AREA_GET);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, code);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_area(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}


static ld_status s_area_children(ld_conn *c, const char *parent, ld_arena *ar,
				 ld_area **out, size_t *n)
{
	sqlite3_stmt *s = prep(c, parent ? Q_AREA_CHILDREN : Q_AREA_ROOTS);
	if (!s)
		return LD_EIO;
	if (parent)
		ld_sq_bind_text(s, 1, parent);
	COLLECT(s, ar, ld_area, out, n, row_area);
	return LD_OK;
}

static ld_status s_station_get(ld_conn *c, const char *code, ld_arena *ar,
			       ld_station *out)
{
	sqlite3_stmt *s = prep(c, Q_STATION_GET);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, code);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_station(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

static ld_status s_stations_list(ld_conn *c, ld_arena *ar, ld_station **out,
				 size_t *n)
{
	sqlite3_stmt *s = prep(c, Q_STATIONS);
	if (!s)
		return LD_EIO;
	COLLECT(s, ar, ld_station, out, n, row_station);
	return LD_OK;
}

/* ---- users and sessions --------------------------------------------- */

static ld_status s_user_insert(ld_conn *c, ld_user *u)
{
	sqlite3_stmt *s = prep(c, Q_USER_INSERT);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, u->username);
	ld_sq_bind_text(s, 2, u->display_name ? u->display_name : "");
	ld_sq_bind_text(s, 3, ld_role_code(u->role));
	ld_sq_bind_text(s, 4, u->area);
	ld_sq_bind_text(s, 5, u->password_hash);
	sqlite3_bind_int(s, 6, u->disabled);
	ld_sq_bind_text(s, 7, u->created_at);
	sqlite3_bind_int(s, 8, u->must_change_password);
	return ld_sq_insert_id(c, s, &u->id);
}

static void row_user(sqlite3_stmt *s, ld_arena *ar, ld_user *u)
{
	u->id = sqlite3_column_int64(s, 0);
	u->username = ld_sq_col_text(s, 1, ar);
	u->display_name = ld_sq_col_text(s, 2, ar);
	const char *role = (const char *)sqlite3_column_text(s, 3);
	if (!role || !ld_role_from_code(role, &u->role))
		u->role = LD_ROLE_AUDITOR;
	u->area = ld_sq_col_text(s, 4, ar);
	u->password_hash = ld_sq_col_text(s, 5, ar);
	u->disabled = sqlite3_column_int(s, 6) != 0;
	u->created_at = ld_sq_col_text(s, 7, ar);
	u->must_change_password = sqlite3_column_int(s, 8) != 0;
	u->password_changed_at = ld_sq_col_text(s, 9, ar);
	u->last_login_at = ld_sq_col_text(s, 10, ar);
}

static ld_status s_user_by_name(ld_conn *c, const char *username,
				ld_arena *ar, ld_user *out)
{
	sqlite3_stmt *s = prep(c, Q_USER_BY_NAME);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, username);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_user(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

static ld_status s_user_by_id(ld_conn *c, ld_id id, ld_arena *ar, ld_user *out)
{
	sqlite3_stmt *s = prep(c, Q_USER_BY_ID);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_user(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

static ld_status s_users_list(ld_conn *c, ld_arena *ar, ld_user **out,
			      size_t *n)
{
	sqlite3_stmt *s = prep(c, Q_USERS_LIST);
	if (!s)
		return LD_EIO;
	COLLECT(s, ar, ld_user, out, n, row_user);
	return LD_OK;
}

/* Step an UPDATE of one user: LD_ENOTFOUND when no row matched. */
static ld_status one_user_changed(ld_conn *c, sqlite3_stmt *s)
{
	ld_status rc = ld_sq_exec_done(s);
	if (rc == LD_OK && sqlite3_changes(c->db) == 0)
		rc = LD_ENOTFOUND;
	return rc;
}

static ld_status s_user_set_password(ld_conn *c, ld_id id, const char *hash,
				     bool must_change, const char *now)
{
	sqlite3_stmt *s = prep(c, Q_USER_SET_PASSWORD);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, hash);
	sqlite3_bind_int(s, 2, must_change);
	ld_sq_bind_text(s, 3, now);
	sqlite3_bind_int64(s, 4, id);
	return one_user_changed(c, s);
}

static ld_status s_user_set_disabled(ld_conn *c, ld_id id, bool disabled)
{
	sqlite3_stmt *s = prep(c, Q_USER_SET_DISABLED);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int(s, 1, disabled);
	sqlite3_bind_int64(s, 2, id);
	return one_user_changed(c, s);
}

static ld_status s_user_logged_in(ld_conn *c, ld_id id, const char *now)
{
	sqlite3_stmt *s = prep(c, Q_USER_LOGGED_IN);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, now);
	sqlite3_bind_int64(s, 2, id);
	return one_user_changed(c, s);
}

static ld_status s_sessions_revoke(ld_conn *c, ld_id user_id,
				   const char *except_hash)
{
	sqlite3_stmt *s = prep(c, except_hash ? Q_SESSIONS_REVOKE
					      : Q_SESSIONS_REVOKE_ALL);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, user_id);
	if (except_hash)
		ld_sq_bind_text(s, 2, except_hash);
	return ld_sq_exec_done(s);
}

static ld_status s_session_insert(ld_conn *c, const char *token_hash,
				  ld_id user_id, int64_t expires_at,
				  const char *address)
{
	sqlite3_stmt *s = prep(c, Q_SESSION_INSERT);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, token_hash);
	sqlite3_bind_int64(s, 2, user_id);
	sqlite3_bind_int64(s, 3, expires_at);
	ld_sq_bind_text(s, 4, address ? address : "");
	return ld_sq_exec_done(s);
}

static ld_status s_session_get(ld_conn *c, const char *token_hash, int64_t now,
			       ld_id *user_id, int64_t *expires_at)
{
	sqlite3_stmt *s = prep(c, Q_SESSION_GET);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, token_hash);
	sqlite3_bind_int64(s, 2, now);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		*user_id = sqlite3_column_int64(s, 0);
		*expires_at = sqlite3_column_int64(s, 1);
		sqlite3_reset(s);
	}
	return rc;
}

static ld_status s_session_delete(ld_conn *c, const char *token_hash)
{
	sqlite3_stmt *s = prep(c, Q_SESSION_DELETE);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, token_hash);
	return ld_sq_exec_done(s);
}

/* ---- persons -------------------------------------------------------- */

static ld_status s_person_insert(ld_conn *c, ld_person *p)
{
	sqlite3_stmt *s = prep(c, Q_PERSON_INSERT);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, p->id_number);
	ld_sq_bind_text(s, 2, p->name);
	ld_sq_bind_text(s, 3, p->sex);
	ld_sq_bind_text(s, 4, p->ethnicity);
	ld_sq_bind_text(s, 5, p->birth);
	ld_sq_bind_text(s, 6, p->hukou_code);
	ld_sq_bind_text(s, 7, p->hukou_address ? p->hukou_address : "");
	ld_sq_bind_text(s, 8, p->phone ? p->phone : "");
	ld_sq_bind_text(s, 9, p->created_at);
	ld_sq_bind_text(s, 10, p->updated_at ? p->updated_at : p->created_at);
	ld_sq_bind_text(s, 11, p->document_type ? p->document_type
						: "resident_id_card");
	return ld_sq_insert_id(c, s, &p->id);
}

static ld_status s_person_update(ld_conn *c, const ld_person *p)
{
	sqlite3_stmt *s = prep(c, Q_PERSON_UPDATE);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, p->name);
	ld_sq_bind_text(s, 2, p->ethnicity);
	ld_sq_bind_text(s, 3, p->hukou_code);
	ld_sq_bind_text(s, 4, p->hukou_address ? p->hukou_address : "");
	ld_sq_bind_text(s, 5, p->phone ? p->phone : "");
	ld_sq_bind_text(s, 6, p->updated_at);
	sqlite3_bind_int64(s, 7, p->id);
	ld_status rc = ld_sq_exec_done(s);
	if (rc == LD_OK && sqlite3_changes(c->db) == 0)
		return LD_ENOTFOUND;
	return rc;
}

static void row_person(sqlite3_stmt *s, ld_arena *ar, ld_person *p)
{
	p->id = sqlite3_column_int64(s, 0);
	p->id_number = ld_sq_col_text(s, 1, ar);
	p->name = ld_sq_col_text(s, 2, ar);
	p->sex = ld_sq_col_text(s, 3, ar);
	p->ethnicity = ld_sq_col_text(s, 4, ar);
	p->birth = ld_sq_col_text(s, 5, ar);
	p->hukou_code = ld_sq_col_text(s, 6, ar);
	p->hukou_address = ld_sq_col_text(s, 7, ar);
	p->phone = ld_sq_col_text(s, 8, ar);
	p->created_at = ld_sq_col_text(s, 9, ar);
	p->updated_at = ld_sq_col_text(s, 10, ar);
	p->document_type = ld_sq_col_text(s, 11, ar);
}

static ld_status s_person_get(ld_conn *c, ld_id id, ld_arena *ar,
			      ld_person *out)
{
	sqlite3_stmt *s = prep(c, Q_PERSON_GET);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_person(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

static ld_status s_person_by_id_number(ld_conn *c, const char *idn,
				       ld_arena *ar, ld_person *out)
{
	sqlite3_stmt *s = prep(c, Q_PERSON_BY_IDN);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, idn);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_person(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

/* Escape LIKE wildcards so user input matches literally (ESCAPE '\'). */
static char *like_escape(ld_arena *ar, const char *v, bool prefix_only)
{
	size_t n = strlen(v);
	char *out = ld_arena_alloc(ar, 2 * n + 3);
	if (!out)
		return NULL;
	size_t k = 0;
	if (!prefix_only)
		out[k++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '%' || v[i] == '_' || v[i] == '\\')
			out[k++] = '\\';
		out[k++] = v[i];
	}
	out[k++] = '%';
	out[k] = '\0';
	return out;
}

/*
 * The search query is assembled from fixed fragments only; every value is a
 * bound parameter. It is prepared per call, since the shape varies.
 */
static ld_status s_person_search(ld_conn *c, const ld_access *acc,
				 const ld_person_query *q, ld_page page,
				 ld_arena *ar, ld_person **out, size_t *n,
				 int64_t *total)
{
	if (acc->kind == LD_ACCESS_NONE) {
		*out = NULL;
		*n = 0;
		*total = 0;
		return LD_OK;
	}
	char where[1024] = "1";
	const char *args[8];
	int nargs = 0;
	size_t w = 1;
#define ADD(frag, val)                                                     \
	do {                                                               \
		w += (size_t)snprintf(where + w, sizeof where - w, " AND %s", \
				      frag);                               \
		args[nargs++] = (val);                                     \
	} while (0)
	if (q->id_number)
		ADD("p.id_number = ?", q->id_number);
	if (q->name)
		ADD("p.name LIKE ? ESCAPE '\\'", like_escape(ar, q->name, true));
	if (q->phone)
		ADD("p.phone = ?", q->phone);
	if (q->address)
		ADD("p.id IN (SELECT person_id FROM registrations WHERE "
		    "(road || house_number || building || '号楼' || unit || "
		    "'单元' || room) LIKE ? ESCAPE '\\')",
		    like_escape(ar, q->address, false));
	char rule[LD_SQ_AREA_MAX];
	const char *bind;
	const char *in_area = ld_sq_area(acc, LD_SQ_PERSON, "p.id", "?", rule,
					 sizeof rule, &bind);
	if (bind)
		ADD(in_area, bind);
#undef ADD
	for (int i = 0; i < nargs; i++)
		if (!args[i])
			return LD_ENOMEM;

	char text[1400];
	sqlite3_stmt *s;
	snprintf(text, sizeof text,
		 "SELECT count(*) FROM persons p WHERE %s", where);
	if (sqlite3_prepare_v2(c->db, text, -1, &s, NULL) != SQLITE_OK)
		return LD_EIO;
	for (int i = 0; i < nargs; i++)
		ld_sq_bind_text(s, i + 1, args[i]);
	int step = sqlite3_step(s);
	*total = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	if (step != SQLITE_ROW)
		return step == SQLITE_DONE ? LD_EIO : ld_sq_rows_end(step);

	snprintf(text, sizeof text,
		 "SELECT " PERSON_COLS " FROM persons p WHERE %s ORDER BY p.id "
		 "LIMIT ? OFFSET ?",
		 where);
	if (sqlite3_prepare_v2(c->db, text, -1, &s, NULL) != SQLITE_OK)
		return LD_EIO;
	for (int i = 0; i < nargs; i++)
		ld_sq_bind_text(s, i + 1, args[i]);
	sqlite3_bind_int(s, nargs + 1, page.limit);
	sqlite3_bind_int(s, nargs + 2, page.offset);
	ld_status rc = LD_OK;
	size_t cap = (size_t)(page.limit > 0 ? page.limit : 1), cnt = 0;
	ld_person *arr = ld_arena_alloc(ar, cap * sizeof *arr);
	if (!arr)
		rc = LD_ENOMEM;
	step = SQLITE_DONE;
	while (rc == LD_OK && cnt < cap &&
	       (step = sqlite3_step(s)) == SQLITE_ROW)
		row_person(s, ar, &arr[cnt++]);
	sqlite3_finalize(s);
	if (rc == LD_OK)
		rc = ld_sq_rows_end(step);
	*out = arr;
	*n = rc == LD_OK ? cnt : 0;
	return rc;
}

static ld_status visible_query(ld_conn *c, enum q q, ld_id id,
			       const char *code, bool *visible)
{
	sqlite3_stmt *s = prep(c, q);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	if (code)
		ld_sq_bind_text(s, 2, code);
	ld_status rc = ld_sq_step_one(s);
	*visible = rc == LD_OK;
	if (rc == LD_OK)
		sqlite3_reset(s);
	return rc == LD_ENOTFOUND ? LD_OK : rc;
}

static ld_status s_person_visible(ld_conn *c, const ld_access *acc,
				  ld_id person_id, bool *visible)
{
	switch (acc->kind) {
	case LD_ACCESS_ALL:
		return visible_query(c, Q_PERSON_VISIBLE_ALL, person_id, NULL,
				     visible);
	case LD_ACCESS_STATION:
		return visible_query(c, Q_PERSON_VISIBLE_STATION, person_id,
				     acc->code, visible);
	case LD_ACCESS_GRID:
		return visible_query(c, Q_PERSON_VISIBLE_GRID, person_id,
				     acc->code, visible);
	case LD_ACCESS_NONE:
		break;
	}
	*visible = false;
	return LD_OK;
}

/* ---- registrations -------------------------------------------------- */

static ld_status s_registration_insert(ld_conn *c, ld_registration *r)
{
	sqlite3_stmt *s = prep(c, Q_REG_INSERT);
	if (!s)
		return LD_EIO;
	int i = 1;
	sqlite3_bind_int64(s, i++, r->person_id);
	ld_sq_bind_text(s, i++, r->status);
	ld_sq_bind_text(s, i++, r->addr.district);
	ld_sq_bind_text(s, i++, r->addr.street);
	ld_sq_bind_text(s, i++, r->addr.community);
	ld_sq_bind_text(s, i++, r->addr.grid);
	ld_sq_bind_text(s, i++, r->addr.road ? r->addr.road : "");
	ld_sq_bind_text(s, i++, r->addr.house_number ? r->addr.house_number : "");
	ld_sq_bind_text(s, i++, r->addr.building ? r->addr.building : "");
	ld_sq_bind_text(s, i++, r->addr.unit ? r->addr.unit : "");
	ld_sq_bind_text(s, i++, r->addr.room ? r->addr.room : "");
	ld_sq_bind_text(s, i++, r->arrival_date);
	ld_sq_bind_text(s, i++, r->declared_date);
	ld_sq_bind_text(s, i++, r->deadline);
	sqlite3_bind_int(s, i++, r->late);
	sqlite3_bind_int(s, i++, r->calendar_complete);
	ld_sq_bind_text(s, i++, r->reason);
	ld_sq_bind_text(s, i++, r->housing);
	ld_sq_bind_text(s, i++, r->employer ? r->employer : "");
	sqlite3_bind_int(s, i++, r->in_scope);
	ld_sq_bind_text(s, i++, r->scope_reason);
	ld_sq_bind_text(s, i++, r->exemption);
	ld_sq_bind_text(s, i++, r->override_reason);
	ld_sq_bind_text(s, i++, r->certificate_no);
	ld_sq_bind_id(s, i++, r->created_by);
	ld_sq_bind_text(s, i++, r->created_at);
	return ld_sq_insert_id(c, s, &r->id);
}

static void row_registration(sqlite3_stmt *s, ld_arena *ar, ld_registration *r)
{
	int i = 0;
	r->id = sqlite3_column_int64(s, i++);
	r->person_id = sqlite3_column_int64(s, i++);
	r->status = ld_sq_col_text(s, i++, ar);
	r->addr.district = ld_sq_col_text(s, i++, ar);
	r->addr.street = ld_sq_col_text(s, i++, ar);
	r->addr.community = ld_sq_col_text(s, i++, ar);
	r->addr.grid = ld_sq_col_text(s, i++, ar);
	r->addr.road = ld_sq_col_text(s, i++, ar);
	r->addr.house_number = ld_sq_col_text(s, i++, ar);
	r->addr.building = ld_sq_col_text(s, i++, ar);
	r->addr.unit = ld_sq_col_text(s, i++, ar);
	r->addr.room = ld_sq_col_text(s, i++, ar);
	r->arrival_date = ld_sq_col_text(s, i++, ar);
	r->declared_date = ld_sq_col_text(s, i++, ar);
	r->deadline = ld_sq_col_text(s, i++, ar);
	r->late = sqlite3_column_int(s, i++) != 0;
	r->calendar_complete = sqlite3_column_int(s, i++) != 0;
	r->reason = ld_sq_col_text(s, i++, ar);
	r->housing = ld_sq_col_text(s, i++, ar);
	r->employer = ld_sq_col_text(s, i++, ar);
	r->in_scope = sqlite3_column_int(s, i++) != 0;
	r->scope_reason = ld_sq_col_text(s, i++, ar);
	r->exemption = ld_sq_col_text(s, i++, ar);
	r->override_reason = ld_sq_col_text(s, i++, ar);
	r->certificate_no = ld_sq_col_text(s, i++, ar);
	r->cancelled_date = ld_sq_col_text(s, i++, ar);
	r->cancel_reason = ld_sq_col_text(s, i++, ar);
	r->cancel_reporter = ld_sq_col_text(s, i++, ar);
	r->created_by = sqlite3_column_int64(s, i++);
	r->created_at = ld_sq_col_text(s, i++, ar);
	r->moved_away_date = ld_sq_col_text(s, i++, ar);
	r->moved_away_task = sqlite3_column_int64(s, i++);
}

static ld_status one_registration(ld_conn *c, enum q q, ld_id id, ld_arena *ar,
				  ld_registration *out)
{
	sqlite3_stmt *s = prep(c, q);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_registration(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

static ld_status s_registration_get(ld_conn *c, ld_id id, ld_arena *ar,
				    ld_registration *out)
{
	return one_registration(c, Q_REG_GET, id, ar, out);
}

static ld_status s_registration_active_of_person(ld_conn *c, ld_id pid,
						 ld_arena *ar,
						 ld_registration *out)
{
	return one_registration(c, Q_REG_ACTIVE, pid, ar, out);
}

static ld_status s_registrations_of_person(ld_conn *c, ld_id pid, ld_arena *ar,
					   ld_registration **out, size_t *n)
{
	sqlite3_stmt *s = prep(c, Q_REG_OF_PERSON);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, pid);
	COLLECT(s, ar, ld_registration, out, n, row_registration);
	return LD_OK;
}

static ld_status s_registration_set_address(ld_conn *c, ld_id id,
					    const ld_address *a)
{
	sqlite3_stmt *s = prep(c, Q_REG_SET_ADDR);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, a->district);
	ld_sq_bind_text(s, 2, a->street);
	ld_sq_bind_text(s, 3, a->community);
	ld_sq_bind_text(s, 4, a->grid);
	ld_sq_bind_text(s, 5, a->road ? a->road : "");
	ld_sq_bind_text(s, 6, a->house_number ? a->house_number : "");
	ld_sq_bind_text(s, 7, a->building ? a->building : "");
	ld_sq_bind_text(s, 8, a->unit ? a->unit : "");
	ld_sq_bind_text(s, 9, a->room ? a->room : "");
	sqlite3_bind_int64(s, 10, id);
	ld_status rc = ld_sq_exec_done(s);
	if (rc == LD_OK && sqlite3_changes(c->db) == 0)
		return LD_ENOTFOUND;
	return rc;
}

static ld_status s_registration_cancel(ld_conn *c, ld_id id, const char *date,
				       const char *reason, const char *reporter)
{
	sqlite3_stmt *s = prep(c, Q_REG_CANCEL);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, date);
	ld_sq_bind_text(s, 2, reason);
	ld_sq_bind_text(s, 3, reporter);
	sqlite3_bind_int64(s, 4, id);
	ld_status rc = ld_sq_exec_done(s);
	if (rc == LD_OK && sqlite3_changes(c->db) == 0)
		return LD_ENOTFOUND;
	return rc;
}

static ld_status s_registration_moved_away(ld_conn *c, ld_id id,
					  const char *date, ld_id task_id)
{
	sqlite3_stmt *s = prep(c, Q_REG_MOVED_AWAY);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, date);
	ld_sq_bind_id(s, 2, task_id);
	sqlite3_bind_int64(s, 3, id);
	ld_status rc = ld_sq_exec_done(s);
	if (rc == LD_OK && sqlite3_changes(c->db) == 0)
		return LD_ENOTFOUND;
	return rc;
}

static ld_status s_registration_visible(ld_conn *c, const ld_access *acc,
					ld_id id, bool *visible)
{
	switch (acc->kind) {
	case LD_ACCESS_ALL:
		return visible_query(c, Q_REG_EXISTS, id, NULL, visible);
	case LD_ACCESS_STATION:
		return visible_query(c, Q_REG_VISIBLE_STATION, id, acc->code,
				     visible);
	case LD_ACCESS_GRID:
		return visible_query(c, Q_REG_VISIBLE_GRID, id, acc->code,
				     visible);
	case LD_ACCESS_NONE:
		break;
	}
	*visible = false;
	return LD_OK;
}

static ld_status s_event_insert(ld_conn *c, ld_reg_event *e)
{
	sqlite3_stmt *s = prep(c, Q_EVENT_INSERT);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, e->registration_id);
	ld_sq_bind_text(s, 2, e->kind);
	ld_sq_bind_text(s, 3, e->date);
	ld_sq_bind_text(s, 4, e->deadline);
	ld_sq_bind_int_or_null(s, 5, e->late);
	ld_sq_bind_text(s, 6, e->detail ? e->detail : "{}");
	ld_sq_bind_id(s, 7, e->user_id);
	ld_sq_bind_text(s, 8, e->at);
	ld_sq_bind_text(s, 9, e->entered_date);
	ld_sq_bind_text(s, 10, e->date_reason);
	return ld_sq_insert_id(c, s, &e->id);
}

static void row_event(sqlite3_stmt *s, ld_arena *ar, ld_reg_event *e)
{
	e->id = sqlite3_column_int64(s, 0);
	e->registration_id = sqlite3_column_int64(s, 1);
	e->kind = ld_sq_col_text(s, 2, ar);
	e->date = ld_sq_col_text(s, 3, ar);
	e->deadline = ld_sq_col_text(s, 4, ar);
	e->late = ld_sq_col_int_or(s, 5, -1);
	e->detail = ld_sq_col_text(s, 6, ar);
	e->user_id = sqlite3_column_int64(s, 7);
	e->at = ld_sq_col_text(s, 8, ar);
	e->provisional = sqlite3_column_int(s, 9) != 0;
	e->entered_date = ld_sq_col_text(s, 10, ar);
	e->date_reason = ld_sq_col_text(s, 11, ar);
}

static ld_status s_events_of_person(ld_conn *c, ld_id pid, ld_arena *ar,
				    ld_reg_event **out, size_t *n)
{
	sqlite3_stmt *s = prep(c, Q_EVENTS_OF_PERSON);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, pid);
	COLLECT(s, ar, ld_reg_event, out, n, row_event);
	return LD_OK;
}

static ld_status flush_serials(ld_conn *c)
{
	for (int i = 0; i < c->serials.n; i++) {
		if (!c->serials.e[i].dirty)
			continue;
		sqlite3_stmt *s = prep(c, Q_CERT_PUT);
		if (!s)
			return LD_EIO;
		ld_sq_bind_text(s, 1, c->serials.e[i].district);
		sqlite3_bind_int(s, 2, c->serials.e[i].year);
		sqlite3_bind_int64(s, 3, c->serials.e[i].next);
		ld_status rc = ld_sq_exec_done(s);
		if (rc != LD_OK)
			return rc;
		c->serials.e[i].dirty = false;
	}
	return LD_OK;
}

/*
 * Inside a transaction (the writer's batches) serials come from the cache,
 * loaded on first use and written back at commit; a savepoint rollback
 * leaves a gap in the numbers, never a duplicate. Outside one (the command
 * line), each call reads and writes the table.
 */
static ld_status s_certificate_next(ld_conn *c, const char *district, int year,
				    long *serial)
{
	bool in_txn = !sqlite3_get_autocommit(c->db);
	struct serial_cache *sc = &c->serials;
	int i = 0;
	if (in_txn)
		for (; i < sc->n; i++)
			if (sc->e[i].year == year &&
			    strcmp(sc->e[i].district, district) == 0)
				break;
	if (!in_txn || i == sc->n) {
		sqlite3_stmt *s = prep(c, Q_CERT_GET);
		if (!s)
			return LD_EIO;
		ld_sq_bind_text(s, 1, district);
		sqlite3_bind_int(s, 2, year);
		long next = 1;
		ld_status rc = ld_sq_step_one(s);
		if (rc == LD_OK) {
			next = (long)sqlite3_column_int64(s, 0);
			sqlite3_reset(s);
		} else if (rc != LD_ENOTFOUND) {
			return rc;
		}
		if (!in_txn) {
			s = prep(c, Q_CERT_PUT);
			if (!s)
				return LD_EIO;
			ld_sq_bind_text(s, 1, district);
			sqlite3_bind_int(s, 2, year);
			sqlite3_bind_int64(s, 3, next + 1);
			rc = ld_sq_exec_done(s);
			if (rc == LD_OK)
				*serial = next;
			return rc;
		}
		if (strlen(district) >= sizeof sc->e[0].district)
			return LD_EINVAL;
		if (sc->n == sc->cap) {
			int cap = sc->cap ? 2 * sc->cap : 16;
			struct serial_entry *e =
				realloc(sc->e, (size_t)cap * sizeof *e);
			if (!e)
				return LD_ENOMEM;
			sc->e = e;
			sc->cap = cap;
		}
		i = sc->n++;
		snprintf(sc->e[i].district, sizeof sc->e[i].district, "%s",
			 district);
		sc->e[i].year = year;
		sc->e[i].next = next;
		sc->e[i].dirty = false;
	}
	*serial = sc->e[i].next++;
	sc->e[i].dirty = true;
	return LD_OK;
}

static void row_late(sqlite3_stmt *s, ld_arena *ar, ld_late_item *it)
{
	it->registration_id = sqlite3_column_int64(s, 0);
	it->person_id = sqlite3_column_int64(s, 1);
	it->person_name = ld_sq_col_text(s, 2, ar);
	it->kind = ld_sq_col_text(s, 3, ar);
	it->date = ld_sq_col_text(s, 4, ar);
	it->deadline = ld_sq_col_text(s, 5, ar);
	it->grid = ld_sq_col_text(s, 6, ar);
	it->community = ld_sq_col_text(s, 7, ar);
	it->certificate_no = ld_sq_col_text(s, 8, ar);
	it->provisional = sqlite3_column_int(s, 9) != 0;
}

static ld_status s_worklist_late(ld_conn *c, const ld_access *acc,
				 const char *from, const char *to, ld_page page,
				 ld_arena *ar, ld_late_item **out, size_t *n,
				 int64_t *total)
{
	*n = 0;
	*out = NULL;
	*total = 0;
	if (acc->kind == LD_ACCESS_NONE)
		return LD_OK;
	char rule[LD_SQ_AREA_MAX];
	const char *bind;
	const char *area = ld_sq_area(acc, LD_SQ_PLACE, "r.", "?3", rule,
				      sizeof rule, &bind);
	char text[1200];
	const char *base =
		" FROM registration_events e JOIN registrations r ON r.id = "
		"e.registration_id JOIN persons p ON p.id = r.person_id WHERE "
		"e.late = 1 AND (?1 IS NULL OR e.date >= ?1) AND (?2 IS NULL OR "
		"e.date <= ?2)";
	sqlite3_stmt *s;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			snprintf(text, sizeof text, "SELECT count(*)%s AND %s",
				 base, area);
		else
			snprintf(text, sizeof text,
				 "SELECT r.id, p.id, p.name, e.kind, e.date, "
				 "e.deadline, r.grid, r.community, "
				 "r.certificate_no, e.provisional%s AND %s ORDER "
				 "BY e.date DESC, e.id "
				 "DESC LIMIT ?4 OFFSET ?5",
				 base, area);
		if (sqlite3_prepare_v2(c->db, text, -1, &s, NULL) != SQLITE_OK)
			return LD_EIO;
		ld_sq_bind_text(s, 1, from);
		ld_sq_bind_text(s, 2, to);
		if (bind)
			ld_sq_bind_text(s, 3, bind);
		if (pass == 0) {
			int step = sqlite3_step(s);
			if (step == SQLITE_ROW)
				*total = sqlite3_column_int64(s, 0);
			sqlite3_finalize(s);
			if (step != SQLITE_ROW)
				return step == SQLITE_DONE ? LD_EIO
							   : ld_sq_rows_end(step);
			continue;
		}
		sqlite3_bind_int(s, 4, page.limit);
		sqlite3_bind_int(s, 5, page.offset);
		size_t cap = (size_t)(page.limit > 0 ? page.limit : 1);
		ld_late_item *arr = ld_arena_calloc(ar, cap * sizeof *arr);
		if (!arr) {
			sqlite3_finalize(s);
			return LD_ENOMEM;
		}
		int step = SQLITE_DONE;
		while (*n < cap && (step = sqlite3_step(s)) == SQLITE_ROW)
			row_late(s, ar, &arr[(*n)++]);
		sqlite3_finalize(s);
		ld_status rc = ld_sq_rows_end(step);
		if (rc != LD_OK) {
			*n = 0;
			return rc;
		}
		*out = arr;
	}
	return LD_OK;
}

/* ---- audit ---------------------------------------------------------- */

static ld_status s_audit_head(ld_conn *c, int64_t *seq, char hash[65])
{
	sqlite3_stmt *s = prep(c, Q_AUDIT_HEAD);
	if (!s)
		return LD_EIO;
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_ENOTFOUND) {
		*seq = 0;
		memset(hash, '0', 64);
		hash[64] = '\0';
		return LD_OK;
	}
	if (rc != LD_OK)
		return rc;
	*seq = sqlite3_column_int64(s, 0);
	const char *h = (const char *)sqlite3_column_text(s, 1);
	snprintf(hash, 65, "%s", h ? h : "");
	sqlite3_reset(s);
	return LD_OK;
}

static ld_status s_audit_insert(ld_conn *c, const ld_audit_entry *e)
{
	sqlite3_stmt *s = prep(c, Q_AUDIT_INSERT);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, e->seq);
	ld_sq_bind_text(s, 2, e->at);
	ld_sq_bind_id(s, 3, e->user_id);
	ld_sq_bind_text(s, 4, e->username);
	ld_sq_bind_text(s, 5, e->action);
	ld_sq_bind_text(s, 6, e->target);
	ld_sq_bind_text(s, 7, e->reason ? e->reason : "");
	ld_sq_bind_text(s, 8, e->result);
	ld_sq_bind_text(s, 9, e->detail ? e->detail : "");
	ld_sq_bind_text(s, 10, e->prev_hash);
	ld_sq_bind_text(s, 11, e->hash);
	return ld_sq_exec_done(s);
}

static void row_audit(sqlite3_stmt *s, ld_arena *ar, ld_audit_entry *e)
{
	e->seq = sqlite3_column_int64(s, 0);
	e->at = ld_sq_col_text(s, 1, ar);
	e->user_id = sqlite3_column_int64(s, 2);
	e->username = ld_sq_col_text(s, 3, ar);
	e->action = ld_sq_col_text(s, 4, ar);
	e->target = ld_sq_col_text(s, 5, ar);
	e->reason = ld_sq_col_text(s, 6, ar);
	e->result = ld_sq_col_text(s, 7, ar);
	e->detail = ld_sq_col_text(s, 8, ar);
	e->prev_hash = ld_sq_col_text(s, 9, ar);
	e->hash = ld_sq_col_text(s, 10, ar);
}

static ld_status s_audit_list(ld_conn *c, const char *target,
			      int64_t before_seq, ld_page page, ld_arena *ar,
			      ld_audit_entry **out, size_t *n)
{
	sqlite3_stmt *s = prep(c, target ? Q_AUDIT_LIST_TARGET : Q_AUDIT_LIST);
	if (!s)
		return LD_EIO;
	int i = 1;
	sqlite3_bind_int64(s, i++, before_seq > 0 ? before_seq : INT64_MAX);
	if (target)
		ld_sq_bind_text(s, i++, target);
	sqlite3_bind_int(s, i++, page.limit);
	sqlite3_bind_int(s, i++, page.offset);
	COLLECT(s, ar, ld_audit_entry, out, n, row_audit);
	return LD_OK;
}

static ld_status s_audit_scan(ld_conn *c, int64_t from_seq, ld_audit_cb cb,
			      void *ctx)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(c->db, sql[Q_AUDIT_SCAN], -1, &s, NULL) !=
	    SQLITE_OK)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, from_seq);
	ld_status rc = LD_OK;
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		ld_arena ar;
		ld_audit_entry e;
		ld_arena_init(&ar, 0);
		row_audit(s, &ar, &e);
		int stop = cb(ctx, &e);
		ld_arena_release(&ar);
		if (stop)
			break;
	}
	rc = ld_sq_rows_end(step);
	sqlite3_finalize(s);
	return rc;
}

static ld_status s_audit_anchor_get(ld_conn *c, int64_t *n, char hash[65])
{
	sqlite3_stmt *s = prep(c, Q_ANCHOR_GET);
	if (!s)
		return LD_EIO;
	ld_status rc = ld_sq_step_one(s);
	if (rc != LD_OK)
		return rc;
	*n = sqlite3_column_int64(s, 0);
	const char *h = (const char *)sqlite3_column_text(s, 1);
	snprintf(hash, 65, "%s", h ? h : "");
	sqlite3_reset(s);
	return LD_OK;
}

static ld_status s_audit_anchor_put(ld_conn *c, int64_t n, const char *hash,
				    const char *at)
{
	sqlite3_stmt *s = prep(c, Q_ANCHOR_PUT);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, n);
	ld_sq_bind_text(s, 2, hash);
	ld_sq_bind_text(s, 3, at);
	return ld_sq_exec_done(s);
}

static ld_status s_counts(ld_conn *c, int64_t *persons, int64_t *active,
			  int64_t *audit)
{
	sqlite3_stmt *s = prep(c, Q_COUNTS);
	if (!s)
		return LD_EIO;
	ld_status rc = ld_sq_step_one(s);
	if (rc != LD_OK)
		return rc;
	*persons = sqlite3_column_int64(s, 0);
	*active = sqlite3_column_int64(s, 1);
	*audit = sqlite3_column_int64(s, 2);
	sqlite3_reset(s);
	return LD_OK;
}

/* ---- permits -------------------------------------------------------- */

static ld_status s_permit_insert(ld_conn *c, ld_permit *p)
{
	sqlite3_stmt *s = prep(c, Q_PERMIT_INSERT);
	if (!s)
		return LD_EIO;
	int i = 1;
	sqlite3_bind_int64(s, i++, p->person_id);
	ld_sq_bind_id(s, i++, p->registration_id);
	ld_sq_bind_text(s, i++, p->status);
	ld_sq_bind_text(s, i++, p->basis);
	ld_sq_bind_text(s, i++, p->channel);
	ld_sq_bind_text(s, i++, p->applicant);
	ld_sq_bind_text(s, i++, p->guardian_name);
	ld_sq_bind_text(s, i++, p->guardian_id_number);
	ld_sq_bind_text(s, i++, p->guardian_relation);
	ld_sq_bind_text(s, i++, p->materials ? p->materials : "");
	ld_sq_bind_text(s, i++, p->district);
	ld_sq_bind_text(s, i++, p->applied_date);
	ld_sq_bind_text(s, i++, p->accepted_date);
	ld_sq_bind_text(s, i++, p->issue_deadline);
	ld_sq_bind_text(s, i++, p->issued_date);
	ld_sq_bind_text(s, i++, p->issuing_authority);
	ld_sq_bind_text(s, i++, p->permit_no);
	sqlite3_bind_int(s, i++, p->version);
	ld_sq_bind_text(s, i++, p->cancelled_date);
	ld_sq_bind_text(s, i++, p->cancel_reason);
	ld_sq_bind_id(s, i++, p->created_by);
	ld_sq_bind_text(s, i++, p->created_at);
	sqlite3_bind_int(s, i++, p->returned);
	return ld_sq_insert_id(c, s, &p->id);
}

static ld_status s_permit_update(ld_conn *c, const ld_permit *p)
{
	sqlite3_stmt *s = prep(c, Q_PERMIT_UPDATE);
	if (!s)
		return LD_EIO;
	int i = 1;
	ld_sq_bind_text(s, i++, p->status);
	ld_sq_bind_text(s, i++, p->materials ? p->materials : "");
	ld_sq_bind_text(s, i++, p->accepted_date);
	ld_sq_bind_text(s, i++, p->issue_deadline);
	ld_sq_bind_text(s, i++, p->issued_date);
	ld_sq_bind_text(s, i++, p->issuing_authority);
	ld_sq_bind_text(s, i++, p->permit_no);
	sqlite3_bind_int(s, i++, p->version);
	ld_sq_bind_text(s, i++, p->cancelled_date);
	ld_sq_bind_text(s, i++, p->cancel_reason);
	sqlite3_bind_int(s, i++, p->returned);
	sqlite3_bind_int64(s, i++, p->id);
	ld_status rc = ld_sq_exec_done(s);
	if (rc == LD_OK && sqlite3_changes(c->db) == 0)
		return LD_ENOTFOUND;
	return rc;
}

static void row_permit(sqlite3_stmt *s, ld_arena *ar, ld_permit *p)
{
	int i = 0;
	p->id = sqlite3_column_int64(s, i++);
	p->person_id = sqlite3_column_int64(s, i++);
	p->registration_id = sqlite3_column_int64(s, i++);
	p->status = ld_sq_col_text(s, i++, ar);
	p->basis = ld_sq_col_text(s, i++, ar);
	p->channel = ld_sq_col_text(s, i++, ar);
	p->applicant = ld_sq_col_text(s, i++, ar);
	p->guardian_name = ld_sq_col_text(s, i++, ar);
	p->guardian_id_number = ld_sq_col_text(s, i++, ar);
	p->guardian_relation = ld_sq_col_text(s, i++, ar);
	p->materials = ld_sq_col_text(s, i++, ar);
	p->district = ld_sq_col_text(s, i++, ar);
	p->applied_date = ld_sq_col_text(s, i++, ar);
	p->accepted_date = ld_sq_col_text(s, i++, ar);
	p->issue_deadline = ld_sq_col_text(s, i++, ar);
	p->issued_date = ld_sq_col_text(s, i++, ar);
	p->issuing_authority = ld_sq_col_text(s, i++, ar);
	p->permit_no = ld_sq_col_text(s, i++, ar);
	p->version = sqlite3_column_int(s, i++);
	p->cancelled_date = ld_sq_col_text(s, i++, ar);
	p->cancel_reason = ld_sq_col_text(s, i++, ar);
	p->created_by = sqlite3_column_int64(s, i++);
	p->created_at = ld_sq_col_text(s, i++, ar);
	p->issue_deadline_provisional = sqlite3_column_int(s, i++) != 0;
	p->returned = sqlite3_column_int(s, i++) != 0;
}

static ld_status one_permit(ld_conn *c, enum q q, ld_id id, const char *text,
			    ld_arena *ar, ld_permit *out)
{
	sqlite3_stmt *s = prep(c, q);
	if (!s)
		return LD_EIO;
	if (text)
		ld_sq_bind_text(s, 1, text);
	else
		sqlite3_bind_int64(s, 1, id);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_permit(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

static ld_status s_permit_get(ld_conn *c, ld_id id, ld_arena *ar,
			      ld_permit *out)
{
	return one_permit(c, Q_PERMIT_GET, id, NULL, ar, out);
}

static ld_status s_permit_active_of_person(ld_conn *c, ld_id pid, ld_arena *ar,
					   ld_permit *out)
{
	return one_permit(c, Q_PERMIT_ACTIVE, pid, NULL, ar, out);
}

static ld_status s_permit_by_no(ld_conn *c, const char *no, ld_arena *ar,
				ld_permit *out)
{
	return one_permit(c, Q_PERMIT_BY_NO, 0, no, ar, out);
}

static ld_status s_permits_of_person(ld_conn *c, ld_id pid, ld_arena *ar,
				     ld_permit **out, size_t *n)
{
	sqlite3_stmt *s = prep(c, Q_PERMITS_OF_PERSON);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, pid);
	COLLECT(s, ar, ld_permit, out, n, row_permit);
	return LD_OK;
}

static ld_status s_permits_in_area(ld_conn *c, const ld_access *acc,
				   const char *status, int limit, ld_arena *ar,
				   ld_permit **out, size_t *n)
{
	if (acc->kind == LD_ACCESS_NONE) {
		*out = NULL;
		*n = 0;
		return LD_OK;
	}
	sqlite3_stmt *s = prep(c, acc->kind == LD_ACCESS_ALL ? Q_PERMITS_ALL
				  : acc->kind == LD_ACCESS_STATION
					  ? Q_PERMITS_STATION
					  : Q_PERMITS_GRID);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, status);
	sqlite3_bind_int(s, 2, limit);
	if (acc->kind != LD_ACCESS_ALL)
		ld_sq_bind_text(s, 3, acc->code); /* the area_statement's */
	COLLECT(s, ar, ld_permit, out, n, row_permit);
	return LD_OK;
}

static ld_status s_applications_list(ld_conn *c, const ld_access *acc,
				     const char *channel,
				     const char *applied_before, ld_page page,
				     ld_arena *ar, ld_application_row **out,
				     size_t *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	if (acc->kind == LD_ACCESS_NONE)
		return LD_OK;
	char rule[LD_SQ_AREA_MAX], where[800], text[1600];
	const char *bind;
	const char *area = ld_sq_area(acc, LD_SQ_PERSON, "p.person_id", "?3",
				      rule, sizeof rule, &bind);
	snprintf(where, sizeof where,
		 " FROM permits p JOIN persons pe ON pe.id = p.person_id WHERE "
		 "p.status = 'applied' AND p.channel = ?1 AND (?2 IS NULL OR "
		 "p.applied_date < ?2) AND %s",
		 area);
	sqlite3_stmt *s;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			snprintf(text, sizeof text, "SELECT count(*)%s", where);
		else
			snprintf(text, sizeof text,
				 "SELECT " PERMIT_COLS ", pe.name, pe.id_number%s "
				 "ORDER BY p.applied_date, p.id LIMIT ?4 OFFSET ?5",
				 where);
		if (sqlite3_prepare_v2(c->db, text, -1, &s, NULL) != SQLITE_OK)
			return LD_EIO;
		ld_sq_bind_text(s, 1, channel);
		ld_sq_bind_text(s, 2, applied_before);
		if (bind)
			ld_sq_bind_text(s, 3, bind);
		if (pass == 0) {
			int step = sqlite3_step(s);
			if (step == SQLITE_ROW)
				*total = sqlite3_column_int64(s, 0);
			sqlite3_finalize(s);
			if (step != SQLITE_ROW)
				return step == SQLITE_DONE ? LD_EIO
							   : ld_sq_rows_end(step);
			continue;
		}
		sqlite3_bind_int(s, 4, page.limit);
		sqlite3_bind_int(s, 5, page.offset);
		size_t cap = (size_t)(page.limit > 0 ? page.limit : 1), cnt = 0;
		ld_application_row *arr = ld_arena_calloc(ar, cap * sizeof *arr);
		int step = SQLITE_DONE;
		while (arr && cnt < cap &&
		       (step = sqlite3_step(s)) == SQLITE_ROW) {
			row_permit(s, ar, &arr[cnt].permit);
			arr[cnt].person_name =
				ld_sq_col_text(s, PERMIT_NCOLS, ar);
			arr[cnt].id_number =
				ld_sq_col_text(s, PERMIT_NCOLS + 1, ar);
			cnt++;
		}
		sqlite3_finalize(s);
		if (!arr)
			return LD_ENOMEM;
		if (ld_sq_rows_end(step) != LD_OK)
			return ld_sq_rows_end(step);
		*out = arr;
		*n = cnt;
	}
	return LD_OK;
}

static ld_status s_queue_counts(ld_conn *c, const ld_access *acc,
				const char *overdue_before, ld_queue_counts *out)
{
	memset(out, 0, sizeof *out);
	if (acc->kind == LD_ACCESS_NONE)
		return LD_OK;
	char place_d[LD_SQ_AREA_MAX], place_r[LD_SQ_AREA_MAX],
		person[LD_SQ_AREA_MAX], text[2000];
	const char *bind;
	/* Every condition binds the same area code at ?2. */
	const char *in_d = ld_sq_area(acc, LD_SQ_PLACE, "d.", "?2", place_d,
				      sizeof place_d, &bind);
	const char *in_p = ld_sq_area(acc, LD_SQ_PERSON, "p.person_id", "?2",
				      person, sizeof person, &bind);
	const char *in_r = ld_sq_area(acc, LD_SQ_PLACE, "r.", "?2", place_r,
				      sizeof place_r, &bind);
	snprintf(text, sizeof text,
		 "SELECT (SELECT count(*) FROM declarations d WHERE d.status = "
		 "'pending' AND %s), (SELECT count(*) FROM declarations d WHERE "
		 "d.status = 'pending' AND d.submitted_date < ?1 AND %s), "
		 "(SELECT count(*) FROM permits p WHERE p.status = 'applied' AND "
		 "p.channel = 'online' AND %s), (SELECT count(*) FROM permits p "
		 "WHERE p.status = 'applied' AND p.channel = 'online' AND "
		 "p.applied_date < ?1 AND %s), (SELECT count(*) FROM "
		 "registrations r WHERE r.status = 'active' AND "
		 "r.moved_away_date IS NOT NULL AND %s)",
		 in_d, in_d, in_p, in_p, in_r);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(c->db, text, -1, &s, NULL) != SQLITE_OK)
		return LD_EIO;
	ld_sq_bind_text(s, 1, overdue_before);
	if (bind)
		ld_sq_bind_text(s, 2, bind);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		out->declarations = sqlite3_column_int64(s, 0);
		out->declarations_overdue = sqlite3_column_int64(s, 1);
		out->applications = sqlite3_column_int64(s, 2);
		out->applications_overdue = sqlite3_column_int64(s, 3);
		out->moved_away = sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	return step == SQLITE_ROW ? LD_OK
				  : step == SQLITE_DONE ? LD_EIO
							: ld_sq_rows_end(step);
}

static ld_status s_endorsement_insert(ld_conn *c, ld_endorsement *e)
{
	sqlite3_stmt *s = prep(c, Q_ENDORSE_INSERT);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, e->permit_id);
	ld_sq_bind_text(s, 2, e->date);
	ld_sq_bind_text(s, 3, e->anniversary);
	sqlite3_bind_int(s, 4, e->late);
	ld_sq_bind_id(s, 5, e->user_id);
	ld_sq_bind_text(s, 6, e->at);
	return ld_sq_insert_id(c, s, &e->id);
}

static void row_endorsement(sqlite3_stmt *s, ld_arena *ar, ld_endorsement *e)
{
	e->id = sqlite3_column_int64(s, 0);
	e->permit_id = sqlite3_column_int64(s, 1);
	e->date = ld_sq_col_text(s, 2, ar);
	e->anniversary = ld_sq_col_text(s, 3, ar);
	e->late = sqlite3_column_int(s, 4) != 0;
	e->user_id = sqlite3_column_int64(s, 5);
	e->at = ld_sq_col_text(s, 6, ar);
}

static ld_status s_endorsements_of(ld_conn *c, ld_id permit_id, ld_arena *ar,
				   ld_endorsement **out, size_t *n)
{
	sqlite3_stmt *s = prep(c, Q_ENDORSEMENTS);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, permit_id);
	COLLECT(s, ar, ld_endorsement, out, n, row_endorsement);
	return LD_OK;
}

static ld_status s_version_insert(ld_conn *c, ld_permit_version *v)
{
	sqlite3_stmt *s = prep(c, Q_VERSION_INSERT);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, v->permit_id);
	sqlite3_bind_int(s, 2, v->version);
	ld_sq_bind_text(s, 3, v->licence_id);
	ld_sq_bind_text(s, 4, v->issued_date);
	ld_sq_bind_text(s, 5, v->reason);
	ld_sq_bind_text(s, 6, v->payload);
	ld_sq_bind_text(s, 7, v->key_id);
	ld_sq_bind_id(s, 8, v->photo_id);
	return ld_sq_insert_id(c, s, &v->id);
}

static ld_status s_versions_invalidate(ld_conn *c, ld_id permit_id,
				       const char *date)
{
	sqlite3_stmt *s = prep(c, Q_VERSIONS_INVALIDATE);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, date);
	sqlite3_bind_int64(s, 2, permit_id);
	return ld_sq_exec_done(s);
}

static void row_version(sqlite3_stmt *s, ld_arena *ar, ld_permit_version *v)
{
	v->id = sqlite3_column_int64(s, 0);
	v->permit_id = sqlite3_column_int64(s, 1);
	v->version = sqlite3_column_int(s, 2);
	v->licence_id = ld_sq_col_text(s, 3, ar);
	v->issued_date = ld_sq_col_text(s, 4, ar);
	v->reason = ld_sq_col_text(s, 5, ar);
	v->payload = ld_sq_col_text(s, 6, ar);
	v->key_id = ld_sq_col_text(s, 7, ar);
	v->invalidated_date = ld_sq_col_text(s, 8, ar);
	v->photo_id = sqlite3_column_int64(s, 9);
}

static ld_status s_version_by_licence(ld_conn *c, const char *licence,
				      ld_arena *ar, ld_permit_version *out)
{
	sqlite3_stmt *s = prep(c, Q_VERSION_BY_LICENCE);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, licence);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_version(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

static ld_status s_versions_of(ld_conn *c, ld_id permit_id, ld_arena *ar,
			       ld_permit_version **out, size_t *n)
{
	sqlite3_stmt *s = prep(c, Q_VERSIONS_OF);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, permit_id);
	COLLECT(s, ar, ld_permit_version, out, n, row_version);
	return LD_OK;
}

static ld_status s_permit_event_insert(ld_conn *c, ld_permit_event *e)
{
	sqlite3_stmt *s = prep(c, Q_PEVENT_INSERT);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, e->permit_id);
	ld_sq_bind_text(s, 2, e->kind);
	ld_sq_bind_text(s, 3, e->date);
	ld_sq_bind_text(s, 4, e->detail ? e->detail : "{}");
	ld_sq_bind_id(s, 5, e->user_id);
	ld_sq_bind_text(s, 6, e->at);
	ld_sq_bind_text(s, 7, e->entered_date);
	ld_sq_bind_text(s, 8, e->date_reason);
	return ld_sq_insert_id(c, s, &e->id);
}

static void row_pevent(sqlite3_stmt *s, ld_arena *ar, ld_permit_event *e)
{
	e->id = sqlite3_column_int64(s, 0);
	e->permit_id = sqlite3_column_int64(s, 1);
	e->kind = ld_sq_col_text(s, 2, ar);
	e->date = ld_sq_col_text(s, 3, ar);
	e->detail = ld_sq_col_text(s, 4, ar);
	e->user_id = sqlite3_column_int64(s, 5);
	e->at = ld_sq_col_text(s, 6, ar);
	e->entered_date = ld_sq_col_text(s, 7, ar);
	e->date_reason = ld_sq_col_text(s, 8, ar);
}

static ld_status s_permit_events_of(ld_conn *c, ld_id permit_id, ld_arena *ar,
				    ld_permit_event **out, size_t *n)
{
	sqlite3_stmt *s = prep(c, Q_PEVENTS_OF);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, permit_id);
	COLLECT(s, ar, ld_permit_event, out, n, row_pevent);
	return LD_OK;
}

/* ---- statistics and the registrations table ------------------------- */

static ld_status s_stats_group(ld_conn *c, const ld_access *acc,
			       const char *group, const char *parent,
			       bool late_only, ld_arena *ar, ld_stat_item **out,
			       size_t *n)
{
	static const struct {
		const char *name, *expr;
		bool area;
	} groups[] = {
		{"district", "r.district", true},
		{"street", "r.street", true},
		{"community", "r.community", true},
		{"grid", "r.grid", true},
		{"hukou_province", "substr(p.hukou_code, 1, 2) || '0000'", false},
		{"reason", "r.reason", false},
	};
	const char *expr = NULL;
	bool area = false;
	for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
		if (strcmp(group, groups[i].name) == 0) {
			expr = groups[i].expr;
			area = groups[i].area;
		}
	if (!expr)
		return LD_EINVAL;
	/* Active registrations: each places its person where it lies. */
	const char *arg;
	char fbuf[LD_SQ_AREA_MAX];
	const char *filter = ld_sq_area(acc, LD_SQ_PLACE, "r.", "?3", fbuf,
					sizeof fbuf, &arg);
	char label[96] = "NULL", text[1200];
	if (area)
		snprintf(label, sizeof label,
			 "(SELECT name FROM areas WHERE code = %s)", expr);
	snprintf(text, sizeof text,
		 "SELECT %s AS k, %s, count(*) FROM registrations r JOIN persons "
		 "p ON p.id = r.person_id WHERE r.status = 'active' AND %s AND "
		 "(?1 IS NULL OR r.grid LIKE ?1 || '%%') AND (?2 = 0 OR r.late = "
		 "1) GROUP BY k ORDER BY count(*) DESC, k LIMIT 500",
		 expr, label, filter);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(c->db, text, -1, &s, NULL) != SQLITE_OK)
		return LD_EIO;
	ld_sq_bind_text(s, 1, parent);
	sqlite3_bind_int(s, 2, late_only);
	if (arg)
		ld_sq_bind_text(s, 3, arg);
	size_t cap = 16, cnt = 0;
	ld_stat_item *arr = ld_arena_alloc(ar, cap * sizeof *arr);
	int step = SQLITE_DONE;
	while (arr && (step = sqlite3_step(s)) == SQLITE_ROW) {
		if (cnt == cap) {
			ld_stat_item *b = ld_arena_alloc(ar, 2 * cap * sizeof *b);
			if (!b) {
				arr = NULL;
				break;
			}
			memcpy(b, arr, cap * sizeof *b);
			arr = b;
			cap *= 2;
		}
		arr[cnt].key = ld_sq_col_text(s, 0, ar);
		arr[cnt].label = ld_sq_col_text(s, 1, ar);
		arr[cnt].count = sqlite3_column_int64(s, 2);
		cnt++;
	}
	sqlite3_finalize(s);
	if (!arr)
		return LD_ENOMEM;
	if (ld_sq_rows_end(step) != LD_OK)
		return ld_sq_rows_end(step);
	*out = arr;
	*n = cnt;
	return LD_OK;
}

static ld_status s_stats_timeline(ld_conn *c, const ld_access *acc,
				  const char *from, const char *to,
				  ld_arena *ar, ld_stat_month **out, size_t *n)
{
	/* Registrations count where they were recorded; permits where their
	 * holder lies now. */
	const char *arg;
	char fbuf[LD_SQ_AREA_MAX], pbuf[LD_SQ_AREA_MAX];
	const char *filter = ld_sq_area(acc, LD_SQ_PLACE, "r.", "?3", fbuf,
					sizeof fbuf, &arg);
	const char *holder = ld_sq_area(acc, LD_SQ_PERSON, "pm.person_id",
					"?3", pbuf, sizeof pbuf, &arg);
	char text[1600];
	snprintf(text, sizeof text,
		 "WITH reg AS (SELECT substr(r.declared_date, 1, 7) AS m, "
		 "count(*) AS n, sum(r.late) AS late FROM registrations r WHERE "
		 "%s AND substr(r.declared_date, 1, 7) BETWEEN ?1 AND ?2 GROUP BY "
		 "m), per AS (SELECT substr(pm.issued_date, 1, 7) AS m, count(*) "
		 "AS n FROM permits pm WHERE pm.issued_date IS NOT NULL AND "
		 "substr(pm.issued_date, 1, 7) BETWEEN ?1 AND ?2 AND %s "
		 "GROUP BY m), months AS (SELECT m FROM reg UNION SELECT m "
		 "FROM per) SELECT months.m, coalesce(reg.n, 0), "
		 "coalesce(reg.late, 0), coalesce(per.n, 0) FROM months LEFT JOIN "
		 "reg ON reg.m = months.m LEFT JOIN per ON per.m = months.m ORDER "
		 "BY months.m",
		 filter, holder);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(c->db, text, -1, &s, NULL) != SQLITE_OK)
		return LD_EIO;
	ld_sq_bind_text(s, 1, from);
	ld_sq_bind_text(s, 2, to);
	if (arg)
		ld_sq_bind_text(s, 3, arg);
	size_t cap = 64, cnt = 0;
	ld_stat_month *arr = ld_arena_alloc(ar, cap * sizeof *arr);
	int step = SQLITE_DONE;
	while (arr && cnt < cap && (step = sqlite3_step(s)) == SQLITE_ROW) {
		arr[cnt].period = ld_sq_col_text(s, 0, ar);
		arr[cnt].registrations = sqlite3_column_int64(s, 1);
		arr[cnt].late = sqlite3_column_int64(s, 2);
		arr[cnt].permits_issued = sqlite3_column_int64(s, 3);
		cnt++;
	}
	sqlite3_finalize(s);
	if (!arr)
		return LD_ENOMEM;
	if (ld_sq_rows_end(step) != LD_OK)
		return ld_sq_rows_end(step);
	*out = arr;
	*n = cnt;
	return LD_OK;
}

static ld_status s_registrations_list(ld_conn *c, const ld_access *acc,
				      const ld_registration_query *q,
				      ld_page page, ld_arena *ar,
				      ld_registration_row **out, size_t *n,
				      int64_t *total)
{
	/* The registrations recorded in the area, whoever they place. */
	const char *arg;
	char fbuf[LD_SQ_AREA_MAX];
	const char *filter = ld_sq_area(acc, LD_SQ_PLACE, "r.", "?4", fbuf,
					sizeof fbuf, &arg);
	const char *order = "r.declared_date";
	if (q->sort && strcmp(q->sort, "arrival_date") == 0)
		order = "r.arrival_date";
	else if (q->sort && strcmp(q->sort, "name") == 0)
		order = "p.name";
	char where[900], text[1700];
	snprintf(where, sizeof where,
		 " FROM registrations r JOIN persons p ON p.id = r.person_id "
		 "WHERE %s AND (?1 IS NULL OR r.status = ?1) AND (?2 = 0 OR "
		 "r.late = 1) AND (?3 IS NULL OR r.grid LIKE ?3 || '%%') "
		 "AND (?7 = 0 OR (r.status = 'active' AND r.moved_away_date "
		 "IS NOT NULL))",
		 filter);
	sqlite3_stmt *s;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			snprintf(text, sizeof text, "SELECT count(*)%s", where);
		else
			snprintf(text, sizeof text,
				 "SELECT r.id, r.person_id, r.status, r.district, "
				 "r.street, r.community, r.grid, r.road, "
				 "r.house_number, r.building, r.unit, r.room, "
				 "r.arrival_date, r.declared_date, r.deadline, "
				 "r.late, r.calendar_complete, r.reason, r.housing, "
				 "r.employer, r.in_scope, r.scope_reason, "
				 "r.exemption, r.override_reason, "
				 "r.certificate_no, r.cancelled_date, "
				 "r.cancel_reason, r.cancel_reporter, r.created_by, "
				 "r.created_at, r.moved_away_date, "
				 "r.moved_away_task, p.name, p.id_number%s ORDER BY %s "
				 "%s, r.id %s LIMIT ?5 OFFSET ?6",
				 where, order, q->descending ? "DESC" : "ASC",
				 q->descending ? "DESC" : "ASC");
		if (sqlite3_prepare_v2(c->db, text, -1, &s, NULL) != SQLITE_OK)
			return LD_EIO;
		ld_sq_bind_text(s, 1, q->status);
		sqlite3_bind_int(s, 2, q->late_only);
		ld_sq_bind_text(s, 3, q->area);
		if (arg)
			ld_sq_bind_text(s, 4, arg);
		sqlite3_bind_int(s, 7, q->moved_away_only);
		if (pass == 0) {
			int step = sqlite3_step(s);
			*total = step == SQLITE_ROW ? sqlite3_column_int64(s, 0)
						    : 0;
			sqlite3_finalize(s);
			if (step != SQLITE_ROW)
				return step == SQLITE_DONE ? LD_EIO
							   : ld_sq_rows_end(step);
			continue;
		}
		sqlite3_bind_int(s, 5, page.limit);
		sqlite3_bind_int(s, 6, page.offset);
		size_t cap = (size_t)(page.limit > 0 ? page.limit : 1), cnt = 0;
		ld_registration_row *arr = ld_arena_calloc(ar, cap * sizeof *arr);
		int step = SQLITE_DONE;
		while (arr && cnt < cap &&
		       (step = sqlite3_step(s)) == SQLITE_ROW) {
			row_registration(s, ar, &arr[cnt].reg);
			arr[cnt].person_name = ld_sq_col_text(s, 32, ar);
			arr[cnt].id_number = ld_sq_col_text(s, 33, ar);
			cnt++;
		}
		sqlite3_finalize(s);
		if (!arr)
			return LD_ENOMEM;
		if (ld_sq_rows_end(step) != LD_OK)
			return ld_sq_rows_end(step);
		*out = arr;
		*n = cnt;
	}
	return LD_OK;
}

/* ---- residents ------------------------------------------------------ */

static ld_status s_resident_code_put(ld_conn *c, const char *idn,
				     const char *phone, const char *hash,
				     int64_t now, int64_t expires_at)
{
	sqlite3_stmt *s = prep(c, Q_RCODE_PUT);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, idn);
	ld_sq_bind_text(s, 2, phone);
	ld_sq_bind_text(s, 3, hash);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, expires_at);
	return ld_sq_exec_done(s);
}

static ld_status s_resident_code_get(ld_conn *c, const char *idn,
				     const char *phone, char hash[65],
				     int64_t *created_at, int64_t *expires_at,
				     int *attempts)
{
	sqlite3_stmt *s = prep(c, Q_RCODE_GET);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, idn);
	ld_sq_bind_text(s, 2, phone);
	ld_status rc = ld_sq_step_one(s);
	if (rc != LD_OK)
		return rc;
	const char *h = (const char *)sqlite3_column_text(s, 0);
	snprintf(hash, 65, "%s", h ? h : "");
	*created_at = sqlite3_column_int64(s, 1);
	*expires_at = sqlite3_column_int64(s, 2);
	*attempts = sqlite3_column_int(s, 3);
	sqlite3_reset(s);
	return LD_OK;
}

static ld_status rcode_simple(ld_conn *c, enum q q, const char *idn,
			      const char *phone)
{
	sqlite3_stmt *s = prep(c, q);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, idn);
	ld_sq_bind_text(s, 2, phone);
	return ld_sq_exec_done(s);
}

static ld_status s_resident_code_attempt(ld_conn *c, const char *idn,
					 const char *phone, int max_attempts,
					 char hash[65], int64_t *expires_at,
					 int *attempts)
{
	sqlite3_stmt *s = prep(c, Q_RCODE_ATTEMPT);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, idn);
	ld_sq_bind_text(s, 2, phone);
	sqlite3_bind_int(s, 3, max_attempts);
	ld_status rc = ld_sq_step_one(s);
	if (rc != LD_OK)
		return rc;
	const char *h = (const char *)sqlite3_column_text(s, 0);
	snprintf(hash, 65, "%s", h ? h : "");
	*expires_at = sqlite3_column_int64(s, 1);
	*attempts = sqlite3_column_int(s, 2);
	/* The change is made by the first step; reset ends the statement. */
	int end = sqlite3_reset(s);
	return end == SQLITE_OK ? LD_OK : ld_sq_map_rc(end);
}

static ld_status s_resident_code_delete(ld_conn *c, const char *idn,
					const char *phone)
{
	return rcode_simple(c, Q_RCODE_DELETE, idn, phone);
}

static ld_status s_resident_session_insert(ld_conn *c, const char *hash,
					   const char *idn, const char *phone,
					   int64_t expires_at)
{
	sqlite3_stmt *s = prep(c, Q_RSESSION_INSERT);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, hash);
	ld_sq_bind_text(s, 2, idn);
	ld_sq_bind_text(s, 3, phone);
	sqlite3_bind_int64(s, 4, expires_at);
	return ld_sq_exec_done(s);
}

static ld_status s_resident_session_get(ld_conn *c, const char *hash,
					int64_t now, ld_arena *ar,
					const char **idn, const char **phone)
{
	sqlite3_stmt *s = prep(c, Q_RSESSION_GET);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, hash);
	sqlite3_bind_int64(s, 2, now);
	ld_status rc = ld_sq_step_one(s);
	if (rc != LD_OK)
		return rc;
	*idn = ld_sq_col_text(s, 0, ar);
	*phone = ld_sq_col_text(s, 1, ar);
	sqlite3_reset(s);
	return *idn && *phone ? LD_OK : LD_ENOMEM;
}

static ld_status s_resident_session_delete(ld_conn *c, const char *hash)
{
	sqlite3_stmt *s = prep(c, Q_RSESSION_DELETE);
	if (!s)
		return LD_EIO;
	ld_sq_bind_text(s, 1, hash);
	return ld_sq_exec_done(s);
}

const struct ld_store_ops ld_store_sqlite = {
	.version = LD_STORE_VERSION,
	.name = "sqlite",
	.file = DB_FILE,
	.open = s_open,
	.close = s_close,
	.connect = s_connect,
	.disconnect = s_disconnect,
	.schema_version = s_schema_version,
	.read_begin = s_read_begin,
	.read_end = s_read_end,
	.foreign_keys = s_foreign_keys,
	.begin = s_begin,
	.commit = s_commit,
	.rollback = s_rollback,
	.savepoint = s_savepoint,
	.release = s_release,
	.rollback_to = s_rollback_to,
	.check = s_check,
	.set_sync = s_set_sync,
	.log_sync = s_log_sync,
	.maintain = s_maintain,
	.station_put = s_station_put,
	.area_put = s_area_put,
	.area_get = s_area_get,
	.area_children = s_area_children,
	.station_get = s_station_get,
	.stations_list = s_stations_list,
	.user_insert = s_user_insert,
	.user_by_name = s_user_by_name,
	.user_by_id = s_user_by_id,
	.session_insert = s_session_insert,
	.session_get = s_session_get,
	.session_delete = s_session_delete,
	.users_list = s_users_list,
	.user_set_password = s_user_set_password,
	.user_set_disabled = s_user_set_disabled,
	.user_logged_in = s_user_logged_in,
	.sessions_revoke = s_sessions_revoke,
	.person_insert = s_person_insert,
	.person_update = s_person_update,
	.person_get = s_person_get,
	.person_by_id_number = s_person_by_id_number,
	.person_search = s_person_search,
	.person_visible = s_person_visible,
	.registration_insert = s_registration_insert,
	.registration_get = s_registration_get,
	.registrations_of_person = s_registrations_of_person,
	.registration_active_of_person = s_registration_active_of_person,
	.registration_set_address = s_registration_set_address,
	.registration_cancel = s_registration_cancel,
	.registration_moved_away = s_registration_moved_away,
	.registration_visible = s_registration_visible,
	.event_insert = s_event_insert,
	.events_of_person = s_events_of_person,
	.certificate_next = s_certificate_next,
	.worklist_late = s_worklist_late,
	.audit_head = s_audit_head,
	.audit_insert = s_audit_insert,
	.audit_list = s_audit_list,
	.audit_scan = s_audit_scan,
	.audit_anchor_get = s_audit_anchor_get,
	.audit_anchor_put = s_audit_anchor_put,
	.backup = s_backup,
	.photo_insert = ld_sqp_photo_insert,
	.photo_current = ld_sqp_photo_current,
	.photo_get = ld_sqp_photo_get,
	.issuing_authorities = ld_sqp_issuing_authorities,
	.counts = s_counts,
	.permit_insert = s_permit_insert,
	.permit_update = s_permit_update,
	.permit_get = s_permit_get,
	.permit_active_of_person = s_permit_active_of_person,
	.permit_by_no = s_permit_by_no,
	.permits_of_person = s_permits_of_person,
	.permits_in_area = s_permits_in_area,
	.applications_list = s_applications_list,
	.queue_counts = s_queue_counts,
	.endorsement_insert = s_endorsement_insert,
	.endorsements_of = s_endorsements_of,
	.version_insert = s_version_insert,
	.versions_invalidate = s_versions_invalidate,
	.version_by_licence = s_version_by_licence,
	.versions_of = s_versions_of,
	.permit_event_insert = s_permit_event_insert,
	.permit_events_of = s_permit_events_of,
	.stats_group = s_stats_group,
	.stats_timeline = s_stats_timeline,
	.registrations_list = s_registrations_list,
	.resident_code_put = s_resident_code_put,
	.resident_code_get = s_resident_code_get,
	.resident_code_attempt = s_resident_code_attempt,
	.resident_code_delete = s_resident_code_delete,
	.resident_session_insert = s_resident_session_insert,
	.resident_session_get = s_resident_session_get,
	.resident_session_delete = s_resident_session_delete,
	.org_insert = ld_sqg_org_insert,
	.org_get = ld_sqg_org_get,
	.orgs_list = ld_sqg_orgs_list,
	.api_key_replace = ld_sqg_api_key_replace,
	.api_key_org = ld_sqg_api_key_org,
	.api_keys_of = ld_sqg_api_keys_of,
	.house_insert = ld_sqg_house_insert,
	.house_get = ld_sqg_house_get,
	.house_set_occupancy = ld_sqg_house_set_occupancy,
	.houses_list = ld_sqg_houses_list,
	.tenancy_insert = ld_sqg_tenancy_insert,
	.tenancy_open_of = ld_sqg_tenancy_open_of,
	.tenancy_close = ld_sqg_tenancy_close,
	.tenancies_open_count = ld_sqg_tenancies_open_count,
	.tenancies_of_house = ld_sqg_tenancies_of_house,
	.person_registered = ld_sqg_person_registered,
	.report_insert = ld_sqg_report_insert,
	.report_get = ld_sqg_report_get,
	.reports_list = ld_sqg_reports_list,
	.upload_insert = ld_sqg_upload_insert,
	.upload_get = ld_sqg_upload_get,
	.upload_parts = ld_sqg_upload_parts,
	.upload_file = ld_sqg_upload_file,
	.upload_part_put = ld_sqg_upload_part_put,
	.upload_previewed = ld_sqg_upload_previewed,
	.upload_confirm = ld_sqg_upload_confirm,
	.upload_drop = ld_sqg_upload_drop,
	.uploads_expired = ld_sqg_uploads_expired,
	.uploads_pending = ld_sqg_uploads_pending,
	.task_insert = ld_sqg_task_insert,
	.task_get = ld_sqg_task_get,
	.task_update = ld_sqg_task_update,
	.tasks_list = ld_sqg_tasks_list,
	.task_open_exists = ld_sqg_task_open_exists,
	.tasks_open_of = ld_sqg_tasks_open_of,
	.tasks_close_registered = ld_sqg_tasks_close_registered,
	.visit_insert = ld_sqg_visit_insert,
	.grid_stats = ld_sqg_grid_stats,
	.setting_get = ld_sqr_setting_get,
	.setting_put = ld_sqr_setting_put,
	.declaration_insert = ld_sqr_declaration_insert,
	.declaration_get = ld_sqr_declaration_get,
	.declarations_list = ld_sqr_declarations_list,
	.declarations_of = ld_sqr_declarations_of,
	.declaration_decide = ld_sqr_declaration_decide,
	.declarations_supersede = ld_sqr_declarations_supersede,
	.probe_write = s_probe_write,
	.provisional_mark = ld_sqc_provisional_mark,
	.provisional_list = ld_sqc_provisional_list,
	.provisional_set = ld_sqc_provisional_set,
	.provisional_counts = ld_sqc_provisional_counts,
};
