/*
 * t_store.c — the SQLite backend, always through its function table
 * (ld_store_find("sqlite")), each test on a fresh database in a directory of
 * its own. The database file is opened directly with the sqlite3 API only to
 * look behind the interface (certificate serials written at commit) or to
 * tamper with the audit trail the way an intruder would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "http/reporting.h"
#include "store/audit.h"
#include "store/store.h"
#include "tmpdir.h"

/* ---- fixture -------------------------------------------------------- */

struct fx {
	char dir[64];
	const struct ld_store_ops *ops;
	ld_store *store;
	ld_conn *c; /* a writer connection */
	ld_arena ar;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/ld_t_store_XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	f->ops = ld_store_find("sqlite");
	ld_error err = {0};
	if (!f->ops || f->ops->open(f->dir, &f->store, &err) != LD_OK ||
	    f->ops->connect(f->store, true, &f->c, &err) != LD_OK) {
		fprintf(stderr, "setup: %s\n", err.message);
		if (f->store)
			f->ops->close(f->store);
		remove_dir(f->dir);
		free(f);
		return -1;
	}
	ld_arena_init(&f->ar, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	f->ops->disconnect(f->c);
	f->ops->close(f->store);
	ld_arena_release(&f->ar);
	remove_dir(f->dir);
	free(f);
	return 0;
}

/* The database file, opened behind the store's back. */
static sqlite3 *raw_open(const struct fx *f)
{
	char path[128];
	sqlite3 *db = NULL;
	snprintf(path, sizeof path, "%s/liudong.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static void raw_exec(const struct fx *f, const char *sql)
{
	sqlite3 *db = raw_open(f);
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "raw_exec: %s\n", msg ? msg : "?");
	sqlite3_free(msg);
	sqlite3_close(db);
	assert_int_equal(rc, SQLITE_OK);
}

/* The first column of the first row of a query, or -1 without a row. */
static long raw_value(const struct fx *f, const char *sql)
{
	sqlite3 *db = raw_open(f);
	sqlite3_stmt *s;
	long v = -1;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* certificate_serials.next for (district, year) as committed, or -1. */
static long table_next(const struct fx *f, const char *district, int year)
{
	char sql[128];
	snprintf(sql, sizeof sql,
		 "SELECT next FROM certificate_serials WHERE district = '%s' "
		 "AND year = %d",
		 district, year);
	return raw_value(f, sql);
}

/* ---- seed data ------------------------------------------------------ */

#define DISTRICT "370102"
#define STREET "370102001"
#define STATION1 "37010201"
#define STATION2 "37010202"
#define COMM1 "370102001001"
#define COMM2 "370102001002"
#define GRID1 "370102001001001"
#define GRID2 "370102001002001"
#define NOW "2025-01-01T00:00:00Z"

static const ld_access ACC_ALL = {LD_ACCESS_ALL, NULL};
static const ld_access ACC_NONE = {LD_ACCESS_NONE, NULL};
static const ld_access ACC_ST1 = {LD_ACCESS_STATION, STATION1};
static const ld_access ACC_ST2 = {LD_ACCESS_STATION, STATION2};
static const ld_access ACC_G1 = {LD_ACCESS_GRID, GRID1};
static const ld_access ACC_G2 = {LD_ACCESS_GRID, GRID2};

/* Two stations; district > street > two communities (one per station)
 * > one grid each. */
static void seed_areas(struct fx *f)
{
	const ld_station st[] = {
	    {STATION1, "历下派出所甲", DISTRICT, "经十路1号", "0531-1"},
	    {STATION2, "历下派出所乙", DISTRICT, NULL, NULL},
	};
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(f->ops->station_put(f->c, &st[i]), LD_OK);
	const ld_area areas[] = {
	    {DISTRICT, NULL, LD_LEVEL_DISTRICT, "历下区", NULL},
	    {STREET, DISTRICT, LD_LEVEL_STREET, "解放路街道", NULL},
	    {COMM1, STREET, LD_LEVEL_COMMUNITY, "甲社区", STATION1},
	    {COMM2, STREET, LD_LEVEL_COMMUNITY, "乙社区", STATION2},
	    {GRID1, COMM1, LD_LEVEL_GRID, "甲一网格", NULL},
	    {GRID2, COMM2, LD_LEVEL_GRID, "乙一网格", NULL},
	};
	for (size_t i = 0; i < sizeof areas / sizeof *areas; i++)
		assert_int_equal(f->ops->area_put(f->c, &areas[i]), LD_OK);
}

static ld_person mk_person(const char *idn, const char *name)
{
	ld_person p = {
	    .id_number = idn,
	    .name = name,
	    .sex = "male",
	    .ethnicity = "01",
	    .birth = "1990-01-01",
	    .hukou_code = "370181",
	    .created_at = NOW,
	};
	return p;
}

static ld_id add_person(struct fx *f, const char *idn, const char *name)
{
	ld_person p = mk_person(idn, name);
	assert_int_equal(f->ops->person_insert(f->c, &p), LD_OK);
	assert_true(p.id > 0);
	return p.id;
}

/* An active registration in area 1 or 2. */
static ld_registration mk_reg(ld_id person, int where, const char *cert)
{
	ld_registration r = {
	    .person_id = person,
	    .status = "active",
	    .addr = {DISTRICT, STREET, where == 1 ? COMM1 : COMM2,
	             where == 1 ? GRID1 : GRID2, "经十路", "100", "1", "2",
	             "301"},
	    .arrival_date = "2025-01-02",
	    .declared_date = "2025-01-20",
	    .deadline = "2025-02-06",
	    .late = false,
	    .calendar_complete = true,
	    .reason = "work",
	    .housing = "rented",
	    .in_scope = true,
	    .scope_reason = "居住半年以上",
	    .certificate_no = cert,
	    .created_at = NOW,
	};
	return r;
}

static ld_id add_reg(struct fx *f, ld_id person, int where, const char *cert)
{
	ld_registration r = mk_reg(person, where, cert);
	assert_int_equal(f->ops->registration_insert(f->c, &r), LD_OK);
	assert_true(r.id > 0);
	return r.id;
}

static ld_id add_event(struct fx *f, ld_id reg, const char *kind,
                       const char *date, int late)
{
	ld_reg_event e = {
	    .registration_id = reg,
	    .kind = kind,
	    .date = date,
	    .deadline = late >= 0 ? "2025-02-06" : NULL,
	    .late = late,
	    .at = NOW,
	};
	assert_int_equal(f->ops->event_insert(f->c, &e), LD_OK);
	assert_true(e.id > 0);
	return e.id;
}

static const ld_page PAGE_ALL = {0, 100};

/* ---- open and migrations -------------------------------------------- */

/* Number of migration files, and the highest version among them. */
static int count_migrations(int *highest)
{
	DIR *d = opendir("sql/sqlite");
	assert_non_null(d); /* tests run from the project root */
	int n = 0;
	*highest = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0) {
			n++;
			if (atoi(e->d_name) > *highest)
				*highest = atoi(e->d_name);
		}
	}
	closedir(d);
	return n;
}

static void open_applies_migrations(void **state)
{
	struct fx *f = *state;
	int highest;
	int n = count_migrations(&highest);
	assert_true(n >= 3);
	/* Numbered 0001..N without a gap: the applied version is both the
	 * count and the highest number. */
	assert_int_equal(highest, n);
	assert_int_equal(f->ops->schema_version(f->c), highest);
	assert_int_equal(f->ops->version, LD_STORE_VERSION);
	assert_string_equal(f->ops->name, "sqlite");
	assert_ptr_equal(f->ops, &ld_store_sqlite);
	assert_null(ld_store_find("postgres"));

	/* A reader sees the same version and cannot write. */
	ld_conn *r;
	assert_int_equal(f->ops->connect(f->store, false, &r, NULL), LD_OK);
	assert_int_equal(f->ops->schema_version(r), highest);
	ld_station st = {"X1", "只读", DISTRICT, "", ""};
	assert_int_not_equal(f->ops->station_put(r, &st), LD_OK);
	f->ops->disconnect(r);

	bool ok = false;
	ld_buf report;
	ld_buf_init(&report, 0);
	assert_int_equal(f->ops->check(f->c, &ok, &report), LD_OK);
	assert_true(ok);
	assert_int_equal(report.len, 0);
	ld_buf_release(&report);
}

static void open_twice(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	int n;
	count_migrations(&n); /* the highest version */

	/* A second store on the same directory while the first is open. */
	ld_store *s2;
	ld_conn *c2;
	ld_error err = {0};
	assert_int_equal(f->ops->open(f->dir, &s2, &err), LD_OK);
	assert_int_equal(f->ops->connect(s2, false, &c2, &err), LD_OK);
	assert_int_equal(f->ops->schema_version(c2), n);
	ld_station st;
	assert_int_equal(f->ops->station_get(c2, STATION1, &f->ar, &st), LD_OK);
	assert_string_equal(st.name, "历下派出所甲");
	f->ops->disconnect(c2);
	f->ops->close(s2);

	/* Closed and opened again: data kept, no migration applied twice. */
	f->ops->disconnect(f->c);
	f->ops->close(f->store);
	f->c = NULL;
	f->store = NULL;
	assert_int_equal(f->ops->open(f->dir, &f->store, &err), LD_OK);
	assert_int_equal(f->ops->connect(f->store, true, &f->c, &err), LD_OK);
	assert_int_equal(f->ops->schema_version(f->c), n);
	ld_area a;
	assert_int_equal(f->ops->area_get(f->c, GRID2, &f->ar, &a), LD_OK);
	assert_string_equal(a.parent, COMM2);
}

/* The constraint that refuses a statement (SQLITE_CONSTRAINT_CHECK, ...),
 * or 0 when it is carried out; foreign keys on, as the store runs. */
static int raw_refusal(const struct fx *f, const char *sql)
{
	sqlite3 *db = raw_open(f);
	sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		rc = sqlite3_extended_errcode(db);
	sqlite3_close(db);
	return rc;
}

/* Migration 0007 rebuilds tables to spell their CHECK lists as OR chains:
 * an existing database keeps its rows, and the constraints accept and
 * refuse what they did before. */
/* Give the current schema the shape an older version had where a later
 * migration changed it, so the migrations from that version can run
 * again: before 0009 an upload's file was a column of uploads, 0010 made
 * the settings and declarations tables, 0012 audit_anchor, before 0013
 * an upload was only previewed or confirmed, 0014 added the flags of
 * provisional deadlines, 0015 persons' document_type, 0016 photos and
 * 0017 the columns of back-dating and returned applications. */
static void as_version_8(struct fx *f)
{
	raw_exec(f, "DROP INDEX registrations_provisional;"
		    "DROP INDEX registration_events_provisional;"
		    "DROP INDEX reports_provisional;"
		    "DROP INDEX tasks_provisional;"
		    "DROP INDEX permits_provisional;"
		    "ALTER TABLE registration_events DROP COLUMN provisional;"
		    "ALTER TABLE reports DROP COLUMN provisional;"
		    "ALTER TABLE tasks DROP COLUMN provisional;"
		    "ALTER TABLE tasks DROP COLUMN due_from;"
		    "ALTER TABLE tasks DROP COLUMN due_days;"
		    "ALTER TABLE permits DROP COLUMN "
		    "issue_deadline_provisional;"
		    "DROP TABLE upload_parts; DROP TABLE uploads;"
		    "DROP TABLE audit_anchor;"
		    "CREATE TABLE uploads ("
		    " id INTEGER PRIMARY KEY,"
		    " org_id INTEGER NOT NULL REFERENCES organisations(id),"
		    " status TEXT NOT NULL CHECK (status IN ('previewed',"
		    "  'confirmed')),"
		    " encoding TEXT NOT NULL, rows INTEGER NOT NULL,"
		    " bad INTEGER NOT NULL, data BLOB NOT NULL DEFAULT x'',"
		    " user_id INTEGER REFERENCES users(id),"
		    " created_at TEXT NOT NULL, confirmed_at TEXT);"
		    "DROP TABLE declarations;"
		    "DROP TABLE settings;"
		    /* 0011: staff passwords */
		    "ALTER TABLE users DROP COLUMN must_change_password;"
		    "ALTER TABLE users DROP COLUMN password_changed_at;"
		    "ALTER TABLE users DROP COLUMN last_login_at;"
		    /* 0015: the identity document */
		    "ALTER TABLE persons DROP COLUMN document_type;"
		    /* 0016: photos, issuing authorities */
		    "DROP INDEX permit_versions_photo;"
		    "ALTER TABLE permit_versions DROP COLUMN photo_id;"
		    "DROP TABLE photos; DROP TABLE issuing_authorities;"

		    /* 0017: back-dated entries, returned applications,
		     * registrations found moved away */
		    "DROP INDEX permits_waiting;"
		    "DROP INDEX registrations_moved_away;"
		    "ALTER TABLE registration_events DROP COLUMN entered_date;"
		    "ALTER TABLE registration_events DROP COLUMN date_reason;"
		    "ALTER TABLE permit_events DROP COLUMN entered_date;"
		    "ALTER TABLE permit_events DROP COLUMN date_reason;"
		    "ALTER TABLE reports DROP COLUMN entered_date;"
		    "ALTER TABLE reports DROP COLUMN date_reason;"
		    "ALTER TABLE permits DROP COLUMN returned;"
		    "ALTER TABLE registrations DROP COLUMN moved_away_date;"
		    "ALTER TABLE registrations DROP COLUMN moved_away_task;");
}

/* Close the store and open it again, applying what the version asks. */
static void reopen_upgraded(struct fx *f)
{
	f->ops->disconnect(f->c);
	f->ops->close(f->store);
	f->c = NULL;
	f->store = NULL; /* teardown's, should the open fail */
	ld_error err = {0};
	assert_int_equal(f->ops->open(f->dir, &f->store, &err), LD_OK);
	assert_int_equal(f->ops->connect(f->store, true, &f->c, &err), LD_OK);
}

/* The file of upload `id` as stored (its parts in order), in f's arena;
 * *len its size. */
static const char *upload_file(struct fx *f, ld_id id, size_t *len)
{
	ld_buf b;
	ld_buf_init(&b, (size_t)1 << 20);
	assert_int_equal(f->ops->upload_file(f->c, id, &b), LD_OK);
	*len = b.len;
	char *copy = ld_arena_alloc(&f->ar, b.len + 1);
	assert_non_null(copy);
	if (b.len)
		memcpy(copy, b.data, b.len);
	ld_buf_release(&b);
	return copy;
}

/* 0009 then 0013: a previewed upload's file ends as its one part, with a
 * day to be confirmed; a confirmed upload's copy of the file is dropped
 * (its rows are in `reports`). */
static void upgrade_moves_upload_files(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	as_version_8(f);
	raw_exec(f, "INSERT INTO organisations (id, kind, name, grid, community,"
		    " created_at) VALUES (1, 'employer', '厂', '" GRID1
		    "', '" COMM1 "', 't');"
		    "INSERT INTO uploads (id, org_id, status, encoding, rows, bad,"
		    " data, created_at) VALUES (5, 1, 'previewed', 'gbk', 1, 0,"
		    " x'6b696e640a00ff', 't'), (6, 1, 'confirmed', 'utf-8', 1,"
		    " 0, x'6b696e640a', 't');"
		    "PRAGMA user_version = 8;");
	reopen_upgraded(f);
	int highest;
	count_migrations(&highest);
	assert_int_equal(f->ops->schema_version(f->c), highest);
	ld_upload u;
	assert_int_equal(f->ops->upload_get(f->c, 5, &f->ar, &u), LD_OK);
	assert_string_equal(u.status, "previewed");
	assert_string_equal(u.encoding, "gbk");
	assert_int_equal(u.size, 7);
	assert_true(u.expires_at > (int64_t)time(NULL) + 86000);
	size_t len;
	const char *data = upload_file(f, 5, &len);
	assert_int_equal(len, 7);
	assert_memory_equal(data, "kind\n\0\xff", 7);
	assert_int_equal(f->ops->upload_get(f->c, 6, &f->ar, &u), LD_OK);
	assert_string_equal(u.status, "confirmed");
	upload_file(f, 6, &len);
	assert_int_equal(len, 0);
	/* Confirming deletes the file. */
	assert_int_equal(f->ops->upload_confirm(f->c, 5, "t2"), LD_OK);
	assert_int_equal(f->ops->upload_get(f->c, 5, &f->ar, &u), LD_OK);
	assert_string_equal(u.status, "confirmed");
	upload_file(f, 5, &len);
	assert_int_equal(len, 0);
	assert_int_equal(f->ops->upload_confirm(f->c, 5, "t3"), LD_ECONFLICT);
	assert_int_equal(raw_value(f, "SELECT count(*) FROM sqlite_schema "
				      "WHERE name = 'upload_files'"),
			 0);
}

/* An upload in parts: parts in any order, replaced by number, each
 * bumping the revision; the preview is recorded only at the revision that
 * was checked; pending uploads count against the quota until they are
 * confirmed, dropped or past their expiry; dropping deletes the file. */
static void upload_parts_quota_and_expiry(void **state)
{
	struct fx *f = *state;
	const struct ld_store_ops *o = f->ops;
	seed_areas(f);
	raw_exec(f, "INSERT INTO organisations (id, kind, name, grid, community,"
		    " created_at) VALUES (1, 'employer', '厂', '" GRID1
		    "', '" COMM1 "', 't'), (2, 'landlord', '房东', '" GRID1
		    "', '" COMM1 "', 't');");
	ld_upload u = {.org_id = 1, .status = "receiving", .name = "a.csv",
		       .size = 6, .created_at = "t", .expires_at = 1000};
	assert_int_equal(o->upload_insert(f->c, &u), LD_OK);
	assert_int_equal(o->upload_part_put(f->c, u.id, 2, "def", 3), LD_OK);
	assert_int_equal(o->upload_part_put(f->c, u.id, 1, "abX", 3), LD_OK);
	assert_int_equal(o->upload_part_put(f->c, u.id, 1, "abc", 3), LD_OK);
	ld_upload_part *parts;
	size_t n;
	assert_int_equal(o->upload_parts(f->c, u.id, &f->ar, &parts, &n), LD_OK);
	assert_int_equal(n, 2);
	assert_int_equal(parts[0].n, 1);
	assert_int_equal(parts[1].len, 3);
	size_t len;
	const char *data = upload_file(f, u.id, &len);
	assert_int_equal(len, 6);
	assert_memory_equal(data, "abcdef", 6);
	ld_upload got;
	assert_int_equal(o->upload_get(f->c, u.id, &f->ar, &got), LD_OK);
	assert_int_equal(got.revision, 3);
	assert_string_equal(got.name, "a.csv");
	assert_null(got.sm3);

	/* Checked at revision 2: a part written since, so not recorded. */
	got.revision = 2;
	got.encoding = "utf-8";
	got.rows = 1;
	assert_int_equal(o->upload_previewed(f->c, &got), LD_ECONFLICT);
	got.revision = 3;
	assert_int_equal(o->upload_previewed(f->c, &got), LD_OK);
	assert_int_equal(o->upload_previewed(f->c, &got), LD_ECONFLICT);

	/* A second upload, in one piece, of the same organisation by a
	 * clerk; one of another organisation. */
	raw_exec(f, "INSERT INTO users (id, username, display_name, role,"
		    " password_hash, created_at) VALUES (9, 'c', 'c', 'clerk',"
		    " 'x', 't');");
	ld_upload v = {.org_id = 1, .status = "previewed", .size = 4,
		       .user_id = 9, .created_at = "t", .expires_at = 2000,
		       .data = "kind", .len = 4};
	assert_int_equal(o->upload_insert(f->c, &v), LD_OK);
	ld_upload w = {.org_id = 2, .status = "previewed", .size = 1,
		       .created_at = "t", .expires_at = 3000, .data = "x",
		       .len = 1};
	assert_int_equal(o->upload_insert(f->c, &w), LD_OK);
	int count;
	int64_t bytes;
	assert_int_equal(o->uploads_pending(f->c, 1, 0, 999, &count, &bytes),
			 LD_OK);
	assert_int_equal(count, 2);
	assert_int_equal(bytes, 10);
	assert_int_equal(o->uploads_pending(f->c, 1, 9, 999, &count, &bytes),
			 LD_OK);
	assert_int_equal(count, 1);
	assert_int_equal(bytes, 4);
	/* Past its expiry an upload no longer counts... */
	assert_int_equal(o->uploads_pending(f->c, 1, 0, 1000, &count, &bytes),
			 LD_OK);
	assert_int_equal(count, 1);
	/* ...and is listed for expiry, the earliest first. */
	ld_id *ids;
	assert_int_equal(o->uploads_expired(f->c, 2000, 10, &f->ar, &ids, &n),
			 LD_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], u.id);
	assert_int_equal(ids[1], v.id);
	assert_int_equal(o->uploads_expired(f->c, 2000, 1, &f->ar, &ids, &n),
			 LD_OK);
	assert_int_equal(n, 1);

	assert_int_equal(o->upload_drop(f->c, u.id, "expired", "t9"), LD_OK);
	assert_int_equal(o->upload_drop(f->c, u.id, "discarded", "t9"),
			 LD_ECONFLICT);
	assert_int_equal(o->upload_get(f->c, u.id, &f->ar, &got), LD_OK);
	assert_string_equal(got.status, "expired");
	assert_string_equal(got.dropped_at, "t9");
	upload_file(f, u.id, &len);
	assert_int_equal(len, 0);
	assert_int_equal(o->upload_confirm(f->c, u.id, "t9"), LD_ECONFLICT);
	assert_int_equal(o->uploads_expired(f->c, 2000, 10, &f->ar, &ids, &n),
			 LD_OK);
	assert_int_equal(n, 1);
	/* A status the table does not know is refused. */
	assert_int_equal(o->upload_drop(f->c, v.id, "lost", "t9"),
			 LD_EINTERNAL);
}

static void upgrade_rebuilds_check_lists(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	raw_exec(f, "INSERT INTO organisations (id, kind, name, grid, community,"
		    " created_at) VALUES (1, 'landlord', '房东', '" GRID1
		    "', '" COMM1 "', 't');"
		    "INSERT INTO reports (id, org_id, kind, id_number, name,"
		    " hukou_code, event_date, reported_date, deadline, late,"
		    " grid, community, in_scope, registered, created_at)"
		    " VALUES (7, 1, 'hire', '110105198001010011', '甲', '110105',"
		    " '2026-11-02', '2026-11-03', '2026-11-05', 0, '" GRID1
		    "', '" COMM1 "', 1, 0, 't');"
		    "INSERT INTO tasks (id, kind, grid, community, id_number,"
		    " report_id, due_date, status, created_at) VALUES (9,"
		    " 'unregistered', '" GRID1 "', '" COMM1 "',"
		    " '110105198001010011', 7, '2026-11-30', 'open', 't');"
		    "PRAGMA user_version = 6;");
	as_version_8(f);
	reopen_upgraded(f);
	int highest;
	count_migrations(&highest);
	assert_int_equal(f->ops->schema_version(f->c), highest);
	assert_true(highest >= 7);
	assert_int_equal(raw_value(f, "SELECT count(*) FROM tasks WHERE id = 9 "
				      "AND report_id = 7 AND status = 'open'"),
			 1);
	assert_int_equal(raw_value(f, "SELECT count(*) FROM reports "
				      "WHERE id = 7 AND kind = 'hire'"),
			 1);
	/* The indexes came back with the tables. */
	assert_int_equal(raw_value(f, "SELECT count(*) FROM sqlite_schema "
				      "WHERE type = 'index' AND name IN "
				      "('tasks_open_grid','tasks_open_person',"
				      "'reports_person','registration_events_late')"),
			 4);

	enum { OK = 0, CHECK = SQLITE_CONSTRAINT_CHECK };
	static const struct {
		const char *values;
		int refusal;
	} cases[] = {
		{"('absent', '" GRID1 "', '" COMM1 "', 'd', 'open', NULL, 't')",
		 OK},
		{"('absent', '" GRID1 "', '" COMM1 "', 'd', 'done', "
		 "'moved_away', 't')",
		 OK},
		{"('bogus', '" GRID1 "', '" COMM1 "', 'd', 'open', NULL, 't')",
		 CHECK},
		{"('absent', '" GRID1 "', '" COMM1 "', 'd', 'shut', NULL, 't')",
		 CHECK},
		{"('absent', '" GRID1 "', '" COMM1 "', 'd', 'done', 'lost', 't')",
		 CHECK},
		{"('absent', '370102999999999', '" COMM1 "', 'd', 'open', NULL,"
		 " 't')",
		 SQLITE_CONSTRAINT_FOREIGNKEY}, /* no such grid */
	};
	char sql[512];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(sql, sizeof sql,
			 "INSERT INTO tasks (kind, grid, community, due_date, "
			 "status, outcome, created_at) VALUES %s",
			 cases[i].values);
		assert_int_equal(raw_refusal(f, sql), cases[i].refusal);
	}
	assert_int_equal(
		raw_refusal(f, "UPDATE reports SET kind = 'moved' WHERE id = 7"),
		CHECK);
	assert_int_equal(raw_refusal(f, "UPDATE reports SET kind = "
					"'placement' WHERE id = 7"),
			 OK);
	assert_int_equal(
		raw_refusal(f, "INSERT INTO registration_events (registration_id,"
			       " kind, date, at) VALUES (1, 'moved', 'd', 't')"),
		CHECK);
}

/* Whether a person or house has an open task of a kind: the kind is
 * matched exactly, closed tasks do not count, and a house is asked only
 * about group renting. */
/* Two contexts prepare rows about one person, as two threads do with a
 * large upload (src/http/upload.c): neither knows of the other, so each
 * finds a task needed; settled in one batch, the first plans it and the
 * other plans none. Within one context the later row already needs none. */
static void report_task_settled_once(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	raw_exec(f, "INSERT INTO organisations (id, kind, name, grid, community,"
		    " created_at) VALUES (1, 'rental_agency', '中介', '" GRID1
		    "', '" COMM1 "', 't');");
	ld_calendar cal;
	ld_calendar_init(&cal);
	struct ld_report_ctx batch = {
		.ops = f->ops,
		.c = f->c,
		.cal = &cal,
		.org_kind = LD_ORG_RENTAL_AGENCY,
		.today = ld_day_from_ymd(2026, 11, 25),
		.now = "2026-11-25T10:00:00+08:00",
		.ar = &f->ar,
	};
	assert_int_equal(f->ops->org_get(f->c, 1, &f->ar, &batch.org), LD_OK);
	ld_report_ctx_open(&batch);
	struct ld_report_ctx other = batch;
	ld_report_ctx_open(&other);
	const struct ld_report_in in = {
		.kind = "中介成功",
		.id_number = "33010619900101123X",
		.name = "甲",
		.event_date = "2026-11-25",
	};
	struct ld_report_out first, again, elsewhere;
	ld_error e = {0};
	assert_int_equal(ld_report_prepare(&batch, &in, &first, &e), LD_OK);
	assert_int_equal(ld_report_prepare(&batch, &in, &again, &e), LD_OK);
	assert_int_equal(ld_report_prepare(&other, &in, &elsewhere, &e), LD_OK);
	assert_true(first.task_needed);
	assert_false(again.task_needed);
	assert_true(elsewhere.task_needed);
	assert_int_equal(ld_report_settle(&batch, &first), LD_OK);
	assert_int_equal(ld_report_settle(&batch, &again), LD_OK);
	assert_int_equal(ld_report_settle(&batch, &elsewhere), LD_OK);
	assert_true(first.task_needed);
	assert_false(again.task_needed);
	assert_false(elsewhere.task_needed);
	ld_report_ctx_close(&other);
	ld_report_ctx_close(&batch);
}

/* A list that a damaged page cuts short is a failure, never a shorter (or
 * empty) list: here the areas table's root page is overwritten, so every
 * child the index finds cannot be read. */
static void damaged_page_fails_the_list(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	ld_area *list;
	size_t n;
	assert_int_equal(f->ops->area_children(f->c, STREET, &f->ar, &list, &n),
			 LD_OK);
	assert_true(n >= 2);
	int64_t root = raw_value(f, "SELECT rootpage FROM sqlite_schema WHERE "
				    "name = 'areas'");
	assert_true(root > 1);
	f->ops->disconnect(f->c);
	f->ops->close(f->store); /* checkpointed into the file */
	f->c = NULL;
	f->store = NULL;
	char path[128];
	snprintf(path, sizeof path, "%s/liudong.db", f->dir);
	FILE *db = fopen(path, "r+b");
	assert_non_null(db);
	assert_int_equal(fseek(db, (long)(root - 1) * 4096, SEEK_SET), 0);
	assert_int_equal(fputc(0, db), 0); /* no such page type */
	assert_int_equal(fclose(db), 0);
	ld_error err = {0};
	assert_int_equal(f->ops->open(f->dir, &f->store, &err), LD_OK);
	assert_int_equal(f->ops->connect(f->store, false, &f->c, &err), LD_OK);
	n = 99;
	assert_int_not_equal(
		f->ops->area_children(f->c, STREET, &f->ar, &list, &n), LD_OK);
}

static void task_open_exists_by_kind(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	raw_exec(f, "INSERT INTO organisations (id, kind, name, grid, community,"
		    " created_at) VALUES (1, 'landlord', '房东', '" GRID1
		    "', '" COMM1 "', 't');"
		    "INSERT INTO houses (id, district, street, grid, community,"
		    " road, house_number, landlord_org, rooms, capacity,"
		    " created_at) VALUES (3, '" DISTRICT "', '" STREET "', '"
		    GRID1 "', '" COMM1 "', '经十路', '1号', 1, 2, 4, 't');");
	const char *idn = "110105198001010011";
	ld_task t = {.kind = "absent", .grid = GRID1, .community = COMM1,
		     .id_number = idn, .name = "甲", .detail = "",
		     .due_date = "2026-12-01", .created_at = "t"};
	assert_int_equal(f->ops->task_insert(f->c, &t), LD_OK);
	ld_task h = {.kind = "group_rental", .grid = GRID1, .community = COMM1,
		     .name = "经十路1号", .house_id = 3, .detail = "",
		     .due_date = "2026-12-01", .created_at = "t"};
	assert_int_equal(f->ops->task_insert(f->c, &h), LD_OK);
	bool yes;
	assert_int_equal(f->ops->task_open_exists(f->c, "absent", idn, 0, &yes),
			 LD_OK);
	assert_true(yes);
	assert_int_equal(
		f->ops->task_open_exists(f->c, "unregistered", idn, 0, &yes),
		LD_OK);
	assert_false(yes);
	assert_int_equal(f->ops->task_open_exists(f->c, "absent",
						  "110105198001010020", 0,
						  &yes),
			 LD_OK);
	assert_false(yes);
	assert_int_equal(
		f->ops->task_open_exists(f->c, "group_rental", NULL, 3, &yes),
		LD_OK);
	assert_true(yes);
	assert_int_equal(
		f->ops->task_open_exists(f->c, "group_rental", NULL, 4, &yes),
		LD_OK);
	assert_false(yes);
	assert_int_equal(f->ops->task_open_exists(f->c, "absent", NULL, 3, &yes),
			 LD_EINTERNAL);
	/* Closed: no longer open. */
	raw_exec(f, "UPDATE tasks SET status = 'done', outcome = 'visited'");
	assert_int_equal(f->ops->task_open_exists(f->c, "absent", idn, 0, &yes),
			 LD_OK);
	assert_false(yes);
	assert_int_equal(
		f->ops->task_open_exists(f->c, "group_rental", NULL, 3, &yes),
		LD_OK);
	assert_false(yes);
}

/* A database from a newer program is refused, not downgraded. */
static void open_refuses_newer_schema(void **state)
{
	struct fx *f = *state;
	raw_exec(f, "PRAGMA user_version = 999");
	ld_store *s2 = NULL;
	ld_error err = {0};
	assert_int_equal(f->ops->open(f->dir, &s2, &err), LD_EIO);
	assert_null(s2);
	assert_int_equal(err.code, LD_EIO);
	assert_true(strlen(err.message) > 0);

	assert_int_equal(f->ops->open("/nonexistent-ld-test/a/b", &s2, &err),
	                 LD_EIO);
	assert_null(s2);
}

/* ---- areas and stations --------------------------------------------- */

static void areas_and_stations(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	const struct ld_store_ops *o = f->ops;

	ld_area a;
	assert_int_equal(o->area_get(f->c, DISTRICT, &f->ar, &a), LD_OK);
	assert_string_equal(a.code, DISTRICT);
	assert_null(a.parent);
	assert_int_equal(a.level, LD_LEVEL_DISTRICT);
	assert_string_equal(a.name, "历下区");
	assert_null(a.station);
	assert_int_equal(o->area_get(f->c, COMM2, &f->ar, &a), LD_OK);
	assert_string_equal(a.station, STATION2);
	assert_int_equal(a.level, LD_LEVEL_COMMUNITY);
	assert_int_equal(o->area_get(f->c, "370102999", &f->ar, &a),
	                 LD_ENOTFOUND);

	ld_area *kids;
	size_t n;
	assert_int_equal(o->area_children(f->c, STREET, &f->ar, &kids, &n),
	                 LD_OK);
	assert_int_equal(n, 2);
	assert_string_equal(kids[0].code, COMM1);
	assert_string_equal(kids[1].code, COMM2);
	assert_string_equal(kids[1].name, "乙社区");
	assert_int_equal(o->area_children(f->c, NULL, &f->ar, &kids, &n),
	                 LD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(kids[0].code, DISTRICT);
	assert_int_equal(o->area_children(f->c, GRID1, &f->ar, &kids, &n),
	                 LD_OK);
	assert_int_equal(n, 0);

	/* More children than the first array holds. */
	for (int i = 0; i < 40; i++) {
		char code[32], name[32];
		snprintf(code, sizeof code, "%s%03d", COMM1, 100 + i);
		snprintf(name, sizeof name, "网格%d", i);
		ld_area g = {code, COMM1, LD_LEVEL_GRID, name, NULL};
		assert_int_equal(o->area_put(f->c, &g), LD_OK);
	}
	assert_int_equal(o->area_children(f->c, COMM1, &f->ar, &kids, &n),
	                 LD_OK);
	assert_int_equal(n, 41);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(kids[i - 1].code, kids[i].code) < 0);
	assert_string_equal(kids[40].name, "网格39");

	ld_station st;
	assert_int_equal(o->station_get(f->c, STATION1, &f->ar, &st), LD_OK);
	assert_string_equal(st.name, "历下派出所甲");
	assert_string_equal(st.district, DISTRICT);
	assert_string_equal(st.address, "经十路1号");
	assert_int_equal(o->station_get(f->c, STATION2, &f->ar, &st), LD_OK);
	assert_string_equal(st.address, ""); /* NULL is stored as empty */
	assert_string_equal(st.phone, "");
	assert_int_equal(o->station_get(f->c, "nope", &f->ar, &st),
	                 LD_ENOTFOUND);
	ld_station *all;
	assert_int_equal(o->stations_list(f->c, &f->ar, &all, &n), LD_OK);
	assert_int_equal(n, 2);
	assert_string_equal(all[0].code, STATION1);
	assert_string_equal(all[1].code, STATION2);

	/* Put again replaces, also while communities refer to it. */
	ld_station renamed = {STATION1, "历下派出所丙", DISTRICT, "", ""};
	assert_int_equal(o->station_put(f->c, &renamed), LD_OK);
	assert_int_equal(o->station_get(f->c, STATION1, &f->ar, &st), LD_OK);
	assert_string_equal(st.name, "历下派出所丙");
	assert_int_equal(o->stations_list(f->c, &f->ar, &all, &n), LD_OK);
	assert_int_equal(n, 2);
}

/* ---- users and sessions --------------------------------------------- */

static void users(void **state)
{
	struct fx *f = *state;
	const struct ld_store_ops *o = f->ops;
	ld_user u = {
	    .username = "clerk1",
	    .display_name = "王警官",
	    .role = LD_ROLE_CLERK,
	    .area = STATION1,
	    .password_hash = "$argon2id$x",
	    .created_at = NOW,
	};
	assert_int_equal(o->user_insert(f->c, &u), LD_OK);
	assert_true(u.id > 0);

	ld_user got;
	assert_int_equal(o->user_by_name(f->c, "clerk1", &f->ar, &got), LD_OK);
	assert_int_equal(got.id, u.id);
	assert_string_equal(got.display_name, "王警官");
	assert_int_equal(got.role, LD_ROLE_CLERK);
	assert_string_equal(got.area, STATION1);
	assert_string_equal(got.password_hash, "$argon2id$x");
	assert_false(got.disabled);
	assert_string_equal(got.created_at, NOW);
	memset(&got, 0, sizeof got);
	assert_int_equal(o->user_by_id(f->c, u.id, &f->ar, &got), LD_OK);
	assert_string_equal(got.username, "clerk1");

	/* Same username again: a conflict, and nothing inserted. */
	ld_user dup = u;
	dup.id = 0;
	dup.role = LD_ROLE_ADMIN;
	assert_int_equal(o->user_insert(f->c, &dup), LD_ECONFLICT);
	assert_int_equal(dup.id, 0);
	assert_int_equal(o->user_by_name(f->c, "clerk1", &f->ar, &got), LD_OK);
	assert_int_equal(got.role, LD_ROLE_CLERK);

	assert_int_equal(o->user_by_name(f->c, "nobody", &f->ar, &got),
	                 LD_ENOTFOUND);
	assert_int_equal(o->user_by_id(f->c, u.id + 100, &f->ar, &got),
	                 LD_ENOTFOUND);

	/* Every role and the disabled flag round-trip; no area is NULL. */
	for (int r = 0; r < LD_ROLE__COUNT; r++) {
		char name[16];
		snprintf(name, sizeof name, "role%d", r);
		ld_user v = {.username = name,
		             .role = (enum ld_role)r,
		             .password_hash = "h",
		             .disabled = r % 2,
		             .created_at = NOW};
		assert_int_equal(o->user_insert(f->c, &v), LD_OK);
		assert_int_equal(o->user_by_id(f->c, v.id, &f->ar, &got),
		                 LD_OK);
		assert_int_equal(got.role, r);
		assert_int_equal(got.disabled, r % 2);
		assert_null(got.area);
		assert_string_equal(got.display_name, "");
	}
}

static void sessions(void **state)
{
	struct fx *f = *state;
	const struct ld_store_ops *o = f->ops;
	ld_user u = {.username = "u",
	             .role = LD_ROLE_ADMIN,
	             .password_hash = "h",
	             .created_at = NOW};
	assert_int_equal(o->user_insert(f->c, &u), LD_OK);

	assert_int_equal(
	    o->session_insert(f->c, "hash1", u.id, 1000, "127.0.0.1"), LD_OK);
	assert_int_equal(o->session_insert(f->c, "hash2", u.id, 5000, NULL),
	                 LD_OK);
	ld_id uid = 0;
	int64_t exp = 0;
	assert_int_equal(o->session_get(f->c, "hash1", 999, &uid, &exp), LD_OK);
	assert_int_equal(uid, u.id);
	assert_int_equal(exp, 1000);
	/* Expired at its expiry instant and after. */
	assert_int_equal(o->session_get(f->c, "hash1", 1000, &uid, &exp),
	                 LD_ENOTFOUND);
	assert_int_equal(o->session_get(f->c, "hash1", 2000, &uid, &exp),
	                 LD_ENOTFOUND);
	assert_int_equal(o->session_get(f->c, "hash2", 2000, &uid, &exp),
	                 LD_OK);
	assert_int_equal(exp, 5000);
	assert_int_equal(o->session_get(f->c, "nope", 0, &uid, &exp),
	                 LD_ENOTFOUND);
	/* The same token twice is a conflict. */
	assert_int_equal(o->session_insert(f->c, "hash1", u.id, 9000, ""),
	                 LD_ECONFLICT);

	assert_int_equal(o->session_delete(f->c, "hash1"), LD_OK);
	assert_int_equal(o->session_get(f->c, "hash1", 0, &uid, &exp),
	                 LD_ENOTFOUND);
	assert_int_equal(o->session_get(f->c, "hash2", 0, &uid, &exp), LD_OK);
	/* Deleting what is not there is not an error. */
	assert_int_equal(o->session_delete(f->c, "hash1"), LD_OK);
}

/* ---- persons -------------------------------------------------------- */

static void persons(void **state)
{
	struct fx *f = *state;
	const struct ld_store_ops *o = f->ops;
	ld_person p = mk_person("370102199001011234", "张三");
	p.phone = "13800000000";
	assert_int_equal(o->person_insert(f->c, &p), LD_OK);
	assert_true(p.id > 0);

	ld_person got;
	assert_int_equal(o->person_get(f->c, p.id, &f->ar, &got), LD_OK);
	assert_int_equal(got.id, p.id);
	assert_string_equal(got.id_number, "370102199001011234");
	assert_string_equal(got.name, "张三");
	assert_string_equal(got.sex, "male");
	assert_string_equal(got.ethnicity, "01");
	assert_string_equal(got.birth, "1990-01-01");
	assert_string_equal(got.hukou_code, "370181");
	assert_string_equal(got.hukou_address, "");
	assert_string_equal(got.phone, "13800000000");
	assert_string_equal(got.created_at, NOW);
	assert_string_equal(got.updated_at, NOW);

	memset(&got, 0, sizeof got);
	assert_int_equal(
	    o->person_by_id_number(f->c, "370102199001011234", &f->ar, &got),
	    LD_OK);
	assert_int_equal(got.id, p.id);
	assert_int_equal(
	    o->person_by_id_number(f->c, "370102199001011235", &f->ar, &got),
	    LD_ENOTFOUND);
	assert_int_equal(o->person_get(f->c, p.id + 1, &f->ar, &got),
	                 LD_ENOTFOUND);

	ld_person dup = mk_person("370102199001011234", "李四");
	assert_int_equal(o->person_insert(f->c, &dup), LD_ECONFLICT);
	assert_int_equal(dup.id, 0);
	int64_t np, na, nau;
	assert_int_equal(o->counts(f->c, &np, &na, &nau), LD_OK);
	assert_int_equal(np, 1);

	/* Update changes the mutable fields only. */
	ld_person up = got;
	up.name = "张三丰";
	up.phone = "13900000000";
	up.updated_at = "2025-02-01T00:00:00Z";
	assert_int_equal(o->person_update(f->c, &up), LD_OK);
	assert_int_equal(o->person_get(f->c, p.id, &f->ar, &got), LD_OK);
	assert_string_equal(got.name, "张三丰");
	assert_string_equal(got.phone, "13900000000");
	assert_string_equal(got.updated_at, "2025-02-01T00:00:00Z");
	assert_string_equal(got.created_at, NOW);
	up.id = p.id + 50;
	assert_int_equal(o->person_update(f->c, &up), LD_ENOTFOUND);
}

/* ---- person search -------------------------------------------------- */

static size_t search(struct fx *f, const ld_access *acc, ld_person_query q,
                     ld_page page, ld_person **out, int64_t *total)
{
	size_t n = 99;
	*total = -1;
	assert_int_equal(
	    f->ops->person_search(f->c, acc, &q, page, &f->ar, out, &n, total),
	    LD_OK);
	return n;
}

static void person_search_fields(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	ld_id a = add_person(f, "370102199001010011", "张三");
	ld_id b = add_person(f, "370102199001010022", "张三丰");
	ld_id c = add_person(f, "370102199001010033", "李张三");
	ld_person pd = mk_person("370102199001010044", "王五");
	pd.phone = "13812345678";
	assert_int_equal(f->ops->person_insert(f->c, &pd), LD_OK);
	add_reg(f, b, 1, "DJ1");
	ld_person *out;
	int64_t total;

	size_t n = search(f, &ACC_ALL,
	                  (ld_person_query){.id_number = "370102199001010022"},
	                  PAGE_ALL, &out, &total);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_int_equal(out[0].id, b);
	assert_string_equal(out[0].name, "张三丰");
	/* Exact, not a prefix. */
	n = search(f, &ACC_ALL,
	           (ld_person_query){.id_number = "37010219900101"}, PAGE_ALL,
	           &out, &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);

	/* Name is a prefix: 李张三 does not match 张三. */
	n = search(f, &ACC_ALL, (ld_person_query){.name = "张三"}, PAGE_ALL,
	           &out, &total);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2);
	assert_int_equal(out[0].id, a);
	assert_int_equal(out[1].id, b);
	n = search(f, &ACC_ALL, (ld_person_query){.name = "李"}, PAGE_ALL, &out,
	           &total);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, c);

	n = search(f, &ACC_ALL, (ld_person_query){.phone = "13812345678"},
	           PAGE_ALL, &out, &total);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, pd.id);
	n = search(f, &ACC_ALL, (ld_person_query){.phone = "1381234567"},
	           PAGE_ALL, &out, &total);
	assert_int_equal(n, 0);

	/* Address: a substring of road, number and building. */
	n = search(f, &ACC_ALL, (ld_person_query){.address = "十路10"},
	           PAGE_ALL, &out, &total);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, b);
	n = search(f, &ACC_ALL, (ld_person_query){.address = "纬二路"},
	           PAGE_ALL, &out, &total);
	assert_int_equal(n, 0);

	/* Fields combine with AND. */
	n = search(
	    f, &ACC_ALL,
	    (ld_person_query){.name = "张", .id_number = "370102199001010011"},
	    PAGE_ALL, &out, &total);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, a);
	n = search(
	    f, &ACC_ALL,
	    (ld_person_query){.name = "李", .id_number = "370102199001010011"},
	    PAGE_ALL, &out, &total);
	assert_int_equal(n, 0);

	/* No criteria: everyone. */
	n = search(f, &ACC_ALL, (ld_person_query){0}, PAGE_ALL, &out, &total);
	assert_int_equal(n, 4);
	assert_int_equal(total, 4);
}

/* '%', '_' and '\' in the input match themselves, not as LIKE patterns. */
static void person_search_wildcards_literal(void **state)
{
	struct fx *f = *state;
	ld_id pct = add_person(f, "1", "100%纯");
	add_person(f, "2", "100abc");
	add_person(f, "3", "1000");
	ld_id und = add_person(f, "4", "a_b");
	add_person(f, "5", "axb");
	ld_id bs = add_person(f, "6", "c\\d");
	add_person(f, "7", "cxd");
	ld_person *out;
	int64_t total;

	size_t n = search(f, &ACC_ALL, (ld_person_query){.name = "100%"},
	                  PAGE_ALL, &out, &total);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_int_equal(out[0].id, pct);
	n = search(f, &ACC_ALL, (ld_person_query){.name = "%"}, PAGE_ALL, &out,
	           &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
	n = search(f, &ACC_ALL, (ld_person_query){.name = "a_"}, PAGE_ALL, &out,
	           &total);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, und);
	n = search(f, &ACC_ALL, (ld_person_query){.name = "_"}, PAGE_ALL, &out,
	           &total);
	assert_int_equal(n, 0);
	n = search(f, &ACC_ALL, (ld_person_query){.name = "c\\"}, PAGE_ALL,
	           &out, &total);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, bs);
	/* The plain prefix still matches the entries with wildcards. */
	n = search(f, &ACC_ALL, (ld_person_query){.name = "100"}, PAGE_ALL,
	           &out, &total);
	assert_int_equal(n, 3);
}

static void person_search_paging(void **state)
{
	struct fx *f = *state;
	ld_id ids[7];
	for (int i = 0; i < 7; i++) {
		char idn[8], name[16];
		snprintf(idn, sizeof idn, "P%d", i);
		snprintf(name, sizeof name, "赵%d", i);
		ids[i] = add_person(f, idn, name);
	}
	add_person(f, "Q", "钱");
	ld_person *out;
	int64_t total;
	ld_person_query q = {.name = "赵"};
	size_t n = search(f, &ACC_ALL, q, (ld_page){0, 3}, &out, &total);
	assert_int_equal(n, 3);
	assert_int_equal(total, 7);
	assert_int_equal(out[0].id, ids[0]);
	assert_int_equal(out[2].id, ids[2]);
	n = search(f, &ACC_ALL, q, (ld_page){3, 3}, &out, &total);
	assert_int_equal(n, 3);
	assert_int_equal(total, 7);
	assert_int_equal(out[0].id, ids[3]);
	assert_string_equal(out[2].name, "赵5");
	n = search(f, &ACC_ALL, q, (ld_page){6, 3}, &out, &total);
	assert_int_equal(n, 1);
	assert_int_equal(total, 7);
	assert_int_equal(out[0].id, ids[6]);
	n = search(f, &ACC_ALL, q, (ld_page){7, 3}, &out, &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 7);
	n = search(f, &ACC_ALL, q, (ld_page){0, 0}, &out, &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 7);
}

/*
 * The access area: a station sees persons with a registration (any status)
 * in a community it serves, a grid worker those registered in the grid,
 * auditors nobody.
 */
static void person_search_access(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	const struct ld_store_ops *o = f->ops;
	ld_id a = add_person(f, "A", "甲");
	ld_id b = add_person(f, "B", "乙");
	add_person(f, "C", "丙");           /* no registration */
	ld_id d = add_person(f, "D", "丁"); /* a cancelled one in area 1 */
	ld_id ra = add_reg(f, a, 1, "DJ-A");
	add_reg(f, b, 2, "DJ-B");
	ld_id rd = add_reg(f, d, 1, "DJ-D");
	assert_int_equal(
	    o->registration_cancel(f->c, rd, "2025-03-01", "left", "self"),
	    LD_OK);
	ld_person *out;
	int64_t total;
	ld_person_query all = {0};

	size_t n = search(f, &ACC_ALL, all, PAGE_ALL, &out, &total);
	assert_int_equal(n, 4);
	assert_int_equal(total, 4);

	n = search(f, &ACC_ST1, all, PAGE_ALL, &out, &total);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2);
	assert_int_equal(out[0].id, a);
	assert_int_equal(out[1].id, d);
	n = search(f, &ACC_ST2, all, PAGE_ALL, &out, &total);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, b);
	n = search(f, &ACC_G1, all, PAGE_ALL, &out, &total);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2);
	assert_int_equal(out[0].id, a);
	assert_int_equal(out[1].id, d);
	n = search(f, &ACC_G2, all, PAGE_ALL, &out, &total);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, b);
	n = search(f, &ACC_NONE, all, PAGE_ALL, &out, &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
	/* A station code given as a grid code (or the reverse) sees nothing. */
	ld_access wrong = {LD_ACCESS_GRID, STATION1};
	n = search(f, &wrong, all, PAGE_ALL, &out, &total);
	assert_int_equal(n, 0);
	wrong = (ld_access){LD_ACCESS_STATION, GRID1};
	n = search(f, &wrong, all, PAGE_ALL, &out, &total);
	assert_int_equal(n, 0);

	/* With a query: the person exists but outside the area. */
	n = search(f, &ACC_ST2, (ld_person_query){.id_number = "A"}, PAGE_ALL,
	           &out, &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
	n = search(f, &ACC_ST1, (ld_person_query){.id_number = "A"}, PAGE_ALL,
	           &out, &total);
	assert_int_equal(n, 1);

	/* A person who moved to area 2 lies there alone: the registration
	 * cancelled in area 1 no longer places them. D, with no active
	 * registration, stays where the last one lies. */
	assert_int_equal(
	    o->registration_cancel(f->c, ra, "2025-04-01", "moved", "self"),
	    LD_OK);
	add_reg(f, a, 2, "DJ-A2");
	n = search(f, &ACC_ST2, all, PAGE_ALL, &out, &total);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2);
	n = search(f, &ACC_ST1, all, PAGE_ALL, &out, &total);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_int_equal(out[0].id, d);
	n = search(f, &ACC_G1, (ld_person_query){.id_number = "A"}, PAGE_ALL,
	           &out, &total);
	assert_int_equal(n, 0);
}

static bool pvis(struct fx *f, const ld_access *acc, ld_id id)
{
	bool v = true;
	assert_int_equal(f->ops->person_visible(f->c, acc, id, &v), LD_OK);
	return v;
}

static bool rvis(struct fx *f, const ld_access *acc, ld_id id)
{
	bool v = true;
	assert_int_equal(f->ops->registration_visible(f->c, acc, id, &v),
	                 LD_OK);
	return v;
}

static void visibility(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	ld_id a = add_person(f, "A", "甲");
	ld_id b = add_person(f, "B", "乙");
	ld_id c = add_person(f, "C", "丙");
	ld_id ra = add_reg(f, a, 1, "DJ-A");
	ld_id rb = add_reg(f, b, 2, "DJ-B");

	assert_true(pvis(f, &ACC_ALL, a));
	assert_true(pvis(f, &ACC_ST1, a));
	assert_true(pvis(f, &ACC_G1, a));
	assert_false(pvis(f, &ACC_ST2, a));
	assert_false(pvis(f, &ACC_G2, a));
	assert_false(pvis(f, &ACC_NONE, a));
	assert_true(pvis(f, &ACC_ST2, b));
	assert_true(pvis(f, &ACC_G2, b));
	assert_false(pvis(f, &ACC_ST1, b));
	/* No registration: only an administrator sees the person. */
	assert_true(pvis(f, &ACC_ALL, c));
	assert_false(pvis(f, &ACC_ST1, c));
	assert_false(pvis(f, &ACC_G1, c));
	assert_false(pvis(f, &ACC_NONE, c));
	/* No such person. */
	assert_false(pvis(f, &ACC_ALL, c + 100));
	assert_false(pvis(f, &ACC_ST1, c + 100));

	assert_true(rvis(f, &ACC_ALL, ra));
	assert_true(rvis(f, &ACC_ST1, ra));
	assert_true(rvis(f, &ACC_G1, ra));
	assert_false(rvis(f, &ACC_ST2, ra));
	assert_false(rvis(f, &ACC_G2, ra));
	assert_false(rvis(f, &ACC_NONE, ra));
	assert_true(rvis(f, &ACC_ST2, rb));
	assert_true(rvis(f, &ACC_G2, rb));
	assert_false(rvis(f, &ACC_G1, rb));
	assert_false(rvis(f, &ACC_ALL, rb + 100));
	assert_false(rvis(f, &ACC_ST1, rb + 100));
	assert_false(rvis(f, &ACC_G1, rb + 100));

	/* After a move to area 2 the registration follows the address. */
	ld_address to = mk_reg(a, 2, "x").addr;
	assert_int_equal(f->ops->registration_set_address(f->c, ra, &to),
	                 LD_OK);
	assert_true(rvis(f, &ACC_ST2, ra));
	assert_true(rvis(f, &ACC_G2, ra));
	assert_false(rvis(f, &ACC_ST1, ra));
	assert_false(rvis(f, &ACC_G1, ra));
	assert_true(pvis(f, &ACC_ST2, a));
	assert_false(pvis(f, &ACC_ST1, a));

	/* Visibility follows the active registration. B leaves area 2 and
	 * registers in area 1: area 1 sees B, area 2 no longer does, though
	 * it keeps its own (cancelled) registration. */
	assert_int_equal(f->ops->registration_cancel(f->c, rb, "2025-05-01",
	                                             "moved", "self"),
	                 LD_OK);
	assert_true(pvis(f, &ACC_ST2, b)); /* the last registration places B */
	ld_id rb2 = add_reg(f, b, 1, "DJ-B2");
	assert_true(pvis(f, &ACC_ST1, b));
	assert_true(pvis(f, &ACC_G1, b));
	assert_false(pvis(f, &ACC_ST2, b));
	assert_false(pvis(f, &ACC_G2, b));
	assert_true(rvis(f, &ACC_ST2, rb));
	assert_false(rvis(f, &ACC_ST2, rb2));
	assert_true(rvis(f, &ACC_ST1, rb)); /* B's old one, through B */
	assert_false(rvis(f, &ACC_G2, rb2));
	/* With no active registration, the most recent one places B. */
	assert_int_equal(f->ops->registration_cancel(f->c, rb2, "2025-06-01",
	                                             "left", "self"),
	                 LD_OK);
	assert_true(pvis(f, &ACC_ST1, b));
	assert_false(pvis(f, &ACC_ST2, b));
}

/* ---- registrations -------------------------------------------------- */

static void registrations(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	const struct ld_store_ops *o = f->ops;
	ld_user u = {.username = "clerk",
	             .role = LD_ROLE_CLERK,
	             .area = STATION1,
	             .password_hash = "h",
	             .created_at = NOW};
	assert_int_equal(o->user_insert(f->c, &u), LD_OK);
	ld_id a = add_person(f, "A", "甲");
	ld_id b = add_person(f, "B", "乙");

	ld_registration r = mk_reg(a, 1, "DJ370102202500000179");
	r.created_by = u.id;
	r.late = true;
	r.employer = "某公司";
	r.exemption = NULL;
	r.override_reason = "补录";
	assert_int_equal(o->registration_insert(f->c, &r), LD_OK);
	assert_true(r.id > 0);

	ld_registration got;
	assert_int_equal(o->registration_get(f->c, r.id, &f->ar, &got), LD_OK);
	assert_int_equal(got.id, r.id);
	assert_int_equal(got.person_id, a);
	assert_string_equal(got.status, "active");
	assert_string_equal(got.addr.district, DISTRICT);
	assert_string_equal(got.addr.street, STREET);
	assert_string_equal(got.addr.community, COMM1);
	assert_string_equal(got.addr.grid, GRID1);
	assert_string_equal(got.addr.road, "经十路");
	assert_string_equal(got.addr.room, "301");
	assert_string_equal(got.arrival_date, "2025-01-02");
	assert_string_equal(got.declared_date, "2025-01-20");
	assert_string_equal(got.deadline, "2025-02-06");
	assert_true(got.late);
	assert_true(got.calendar_complete);
	assert_string_equal(got.reason, "work");
	assert_string_equal(got.housing, "rented");
	assert_string_equal(got.employer, "某公司");
	assert_true(got.in_scope);
	assert_string_equal(got.scope_reason, "居住半年以上");
	assert_null(got.exemption);
	assert_string_equal(got.override_reason, "补录");
	assert_string_equal(got.certificate_no, "DJ370102202500000179");
	assert_null(got.cancelled_date);
	assert_int_equal(got.created_by, u.id);
	assert_string_equal(got.created_at, NOW);
	assert_int_equal(o->registration_get(f->c, r.id + 10, &f->ar, &got),
	                 LD_ENOTFOUND);

	/* One active registration per person. */
	ld_registration second = mk_reg(a, 2, "DJ-2");
	assert_int_equal(o->registration_insert(f->c, &second), LD_ECONFLICT);
	/* Certificate numbers are unique across persons. */
	ld_registration same_no = mk_reg(b, 2, "DJ370102202500000179");
	assert_int_equal(o->registration_insert(f->c, &same_no), LD_ECONFLICT);
	/* A grid that does not exist is refused. */
	ld_registration nowhere = mk_reg(b, 2, "DJ-3");
	nowhere.addr.grid = "370102999999999";
	assert_int_not_equal(o->registration_insert(f->c, &nowhere), LD_OK);
	ld_registration *list;
	size_t n;
	assert_int_equal(o->registrations_of_person(f->c, b, &f->ar, &list, &n),
	                 LD_OK);
	assert_int_equal(n, 0);

	assert_int_equal(
	    o->registration_active_of_person(f->c, a, &f->ar, &got), LD_OK);
	assert_int_equal(got.id, r.id);
	assert_int_equal(
	    o->registration_active_of_person(f->c, b, &f->ar, &got),
	    LD_ENOTFOUND);

	/* Address change. */
	ld_address to = mk_reg(a, 2, "x").addr;
	to.road = "解放路";
	to.room = NULL;
	assert_int_equal(o->registration_set_address(f->c, r.id, &to), LD_OK);
	assert_int_equal(o->registration_get(f->c, r.id, &f->ar, &got), LD_OK);
	assert_string_equal(got.addr.community, COMM2);
	assert_string_equal(got.addr.grid, GRID2);
	assert_string_equal(got.addr.road, "解放路");
	assert_string_equal(got.addr.room, "");
	assert_string_equal(got.certificate_no, "DJ370102202500000179");
	assert_int_equal(o->registration_set_address(f->c, r.id + 10, &to),
	                 LD_ENOTFOUND);

	/* Cancel, once. */
	assert_int_equal(o->registration_cancel(f->c, r.id, "2025-06-01",
	                                        "离开本市", "landlord"),
	                 LD_OK);
	assert_int_equal(o->registration_get(f->c, r.id, &f->ar, &got), LD_OK);
	assert_string_equal(got.status, "cancelled");
	assert_string_equal(got.cancelled_date, "2025-06-01");
	assert_string_equal(got.cancel_reason, "离开本市");
	assert_string_equal(got.cancel_reporter, "landlord");
	assert_int_equal(
	    o->registration_cancel(f->c, r.id, "2025-06-02", "x", "self"),
	    LD_ENOTFOUND);
	assert_int_equal(o->registration_get(f->c, r.id, &f->ar, &got), LD_OK);
	assert_string_equal(got.cancelled_date, "2025-06-01");
	assert_int_equal(
	    o->registration_cancel(f->c, r.id + 10, "2025-06-02", "x", "self"),
	    LD_ENOTFOUND);
	/* A cancelled registration's address is final. */
	assert_int_equal(o->registration_set_address(f->c, r.id, &to),
	                 LD_ENOTFOUND);
	assert_int_equal(
	    o->registration_active_of_person(f->c, a, &f->ar, &got),
	    LD_ENOTFOUND);

	/* Registered again after the cancellation. */
	ld_id r2 = add_reg(f, a, 1, "DJ-4");
	assert_int_equal(
	    o->registration_active_of_person(f->c, a, &f->ar, &got), LD_OK);
	assert_int_equal(got.id, r2);
	assert_int_equal(got.created_by, 0);
	/* A cancelled record beside an active one is fine. */
	ld_registration old = mk_reg(a, 2, "DJ-5");
	old.status = "cancelled";
	assert_int_equal(o->registration_insert(f->c, &old), LD_OK);
	assert_int_equal(o->registrations_of_person(f->c, a, &f->ar, &list, &n),
	                 LD_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, old.id); /* newest first */
	assert_int_equal(list[1].id, r2);
	assert_int_equal(list[2].id, r.id);

	int64_t np, na, nau;
	assert_int_equal(o->counts(f->c, &np, &na, &nau), LD_OK);
	assert_int_equal(np, 2);
	assert_int_equal(na, 1);
	assert_int_equal(nau, 0);
}

static void events_order(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	const struct ld_store_ops *o = f->ops;
	ld_id a = add_person(f, "A", "甲");
	ld_id b = add_person(f, "B", "乙");
	ld_id ra1 = add_reg(f, a, 1, "DJ-A1");
	ld_id rb = add_reg(f, b, 2, "DJ-B");
	ld_id e1 = add_event(f, ra1, "declared", "2025-01-20", 0);
	add_event(f, rb, "declared", "2025-01-21", 1);
	ld_id e2 = add_event(f, ra1, "address_changed", "2025-03-01", 1);
	ld_id e3 = add_event(f, ra1, "cancelled", "2025-02-01", -1);
	assert_int_equal(
	    o->registration_cancel(f->c, ra1, "2025-02-01", "left", "self"),
	    LD_OK);
	ld_id ra2 = add_reg(f, a, 2, "DJ-A2");
	ld_reg_event ev = {.registration_id = ra2,
	                   .kind = "declared",
	                   .date = "2025-01-01",
	                   .deadline = "2025-01-10",
	                   .late = 0,
	                   .detail = "{\"k\":1}",
	                   .at = NOW};
	assert_int_equal(o->event_insert(f->c, &ev), LD_OK);
	/* An unknown kind is refused. */
	ld_reg_event bad = ev;
	bad.kind = "teleported";
	assert_int_not_equal(o->event_insert(f->c, &bad), LD_OK);

	ld_reg_event *out;
	size_t n;
	assert_int_equal(o->events_of_person(f->c, a, &f->ar, &out, &n), LD_OK);
	assert_int_equal(n, 4);
	/* In the order recorded, not by date. */
	assert_int_equal(out[0].id, e1);
	assert_int_equal(out[1].id, e2);
	assert_int_equal(out[2].id, e3);
	assert_int_equal(out[3].id, ev.id);
	assert_string_equal(out[0].kind, "declared");
	assert_string_equal(out[1].kind, "address_changed");
	assert_string_equal(out[2].kind, "cancelled");
	assert_int_equal(out[0].late, 0);
	assert_int_equal(out[1].late, 1);
	assert_int_equal(out[2].late, -1);
	assert_null(out[2].deadline);
	assert_string_equal(out[0].detail, "{}");
	assert_string_equal(out[3].detail, "{\"k\":1}");
	assert_int_equal(out[3].registration_id, ra2);
	assert_int_equal(out[0].registration_id, ra1);
	assert_int_equal(out[0].user_id, 0);

	assert_int_equal(o->events_of_person(f->c, b, &f->ar, &out, &n), LD_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].registration_id, rb);
	assert_int_equal(o->events_of_person(f->c, b + 100, &f->ar, &out, &n),
	                 LD_OK);
	assert_int_equal(n, 0);
}

/* ---- certificate serials -------------------------------------------- */

static long next_serial(struct fx *f, const char *district, int year)
{
	long s = -1;
	assert_int_equal(f->ops->certificate_next(f->c, district, year, &s),
	                 LD_OK);
	return s;
}

/* Outside a transaction (the command line), each call goes to the table. */
static void certificate_next_autocommit(void **state)
{
	struct fx *f = *state;
	assert_int_equal(table_next(f, "370102", 2025), -1);
	assert_int_equal(next_serial(f, "370102", 2025), 1);
	assert_int_equal(table_next(f, "370102", 2025), 2);
	assert_int_equal(next_serial(f, "370102", 2025), 2);
	assert_int_equal(next_serial(f, "370102", 2025), 3);
	assert_int_equal(table_next(f, "370102", 2025), 4);
	/* Districts and years count separately. */
	assert_int_equal(next_serial(f, "370102", 2026), 1);
	assert_int_equal(next_serial(f, "370103", 2025), 1);
	assert_int_equal(table_next(f, "370102", 2026), 2);
	assert_int_equal(table_next(f, "370103", 2025), 2);
	assert_int_equal(table_next(f, "370102", 2025), 4);
}

/* Inside a transaction the serials are cached and written at commit; a
 * rollback leaves the table as it was. */
static void certificate_next_transaction(void **state)
{
	struct fx *f = *state;
	const struct ld_store_ops *o = f->ops;
	assert_int_equal(next_serial(f, "370102", 2025), 1);

	assert_int_equal(o->begin(f->c), LD_OK);
	assert_int_equal(next_serial(f, "370102", 2025), 2);
	assert_int_equal(next_serial(f, "370102", 2025), 3);
	assert_int_equal(next_serial(f, "370103", 2025), 1);
	assert_int_equal(next_serial(f, "370102", 2025), 4);
	assert_int_equal(o->commit(f->c), LD_OK);
	assert_int_equal(table_next(f, "370102", 2025), 5);
	assert_int_equal(table_next(f, "370103", 2025), 2);

	/* Continues after commit, in and out of transactions. */
	assert_int_equal(o->begin(f->c), LD_OK);
	assert_int_equal(next_serial(f, "370102", 2025), 5);
	assert_int_equal(o->commit(f->c), LD_OK);
	assert_int_equal(next_serial(f, "370102", 2025), 6);
	assert_int_equal(table_next(f, "370102", 2025), 7);

	/* Rolled back: nothing of it reaches the table. */
	assert_int_equal(o->begin(f->c), LD_OK);
	assert_int_equal(next_serial(f, "370102", 2025), 7);
	assert_int_equal(next_serial(f, "370102", 2025), 8);
	assert_int_equal(next_serial(f, "370104", 2025), 1);
	assert_int_equal(o->rollback(f->c), LD_OK);
	assert_int_equal(table_next(f, "370102", 2025), 7);
	assert_int_equal(table_next(f, "370104", 2025), -1);
	assert_int_equal(next_serial(f, "370102", 2025), 7);

	/* A savepoint rolled back leaves a gap, never a duplicate. */
	assert_int_equal(o->begin(f->c), LD_OK);
	assert_int_equal(o->savepoint(f->c), LD_OK);
	assert_int_equal(next_serial(f, "370102", 2025), 8);
	assert_int_equal(o->rollback_to(f->c), LD_OK);
	assert_int_equal(o->release(f->c), LD_OK);
	assert_int_equal(next_serial(f, "370102", 2025), 9);
	assert_int_equal(o->commit(f->c), LD_OK);
	assert_int_equal(table_next(f, "370102", 2025), 10);
}

/*
 * More districts and years in one transaction than the serial cache holds
 * (its overflow writes the cache to the table), with that write inside a
 * savepoint that is rolled back: a serial handed out before the savepoint
 * must still not be handed out again.
 */
static void certificate_next_many_keys_savepoint(void **state)
{
	struct fx *f = *state;
	const struct ld_store_ops *o = f->ops;
	assert_int_equal(o->begin(f->c), LD_OK);
	assert_int_equal(next_serial(f, "370102", 2025), 1); /* job 1: kept */
	assert_int_equal(o->savepoint(f->c), LD_OK);         /* job 2 */
	for (int y = 2000; y < 2040; y++)
		assert_int_equal(next_serial(f, "370105", y), 1);
	assert_int_equal(o->rollback_to(f->c), LD_OK); /* job 2 failed */
	assert_int_equal(o->release(f->c), LD_OK);
	assert_int_equal(next_serial(f, "370102", 2025), 2); /* job 3 */
	assert_int_equal(o->commit(f->c), LD_OK);
	assert_int_equal(table_next(f, "370102", 2025), 3);

	/* Without savepoints the overflow is harmless. */
	assert_int_equal(o->begin(f->c), LD_OK);
	for (int y = 2000; y < 2040; y++) {
		assert_int_equal(next_serial(f, "370106", y), 1);
		assert_int_equal(next_serial(f, "370106", y), 2);
	}
	assert_int_equal(next_serial(f, "370106", 2000), 3);
	assert_int_equal(o->commit(f->c), LD_OK);
	assert_int_equal(table_next(f, "370106", 2000), 4);
	assert_int_equal(table_next(f, "370106", 2039), 3);
}

/* ---- the late work list ---------------------------------------------- */

static void worklist_late(void **state)
{
	struct fx *f = *state;
	seed_areas(f);
	const struct ld_store_ops *o = f->ops;
	ld_id a = add_person(f, "A", "甲");
	ld_id b = add_person(f, "B", "乙");
	ld_id ra = add_reg(f, a, 1, "DJ-A");
	ld_id rb = add_reg(f, b, 2, "DJ-B");
	add_event(f, ra, "declared", "2025-03-01", 1);
	add_event(f, ra, "address_changed", "2025-04-01", 1);
	add_event(f, ra, "address_changed", "2025-05-01", 0); /* on time */
	add_event(f, rb, "declared", "2025-03-15", 1);
	add_event(f, rb, "cancelled", "2025-06-01", -1); /* no deadline */
	add_event(f, rb, "address_changed", "2025-04-01", 1);

	ld_late_item *out;
	size_t n;
	int64_t total;
#define LATE(acc, from, to, off, lim)                                          \
	assert_int_equal(o->worklist_late(f->c, acc, from, to,                 \
	                                  (ld_page){off, lim}, &f->ar, &out,   \
	                                  &n, &total),                         \
	                 LD_OK)

	LATE(&ACC_ALL, NULL, NULL, 0, 10);
	assert_int_equal(total, 4);
	assert_int_equal(n, 4);
	/* Newest first; the same date, the later entry first. */
	assert_string_equal(out[0].date, "2025-04-01");
	assert_int_equal(out[0].registration_id, rb);
	assert_string_equal(out[1].date, "2025-04-01");
	assert_int_equal(out[1].registration_id, ra);
	assert_string_equal(out[2].date, "2025-03-15");
	assert_string_equal(out[3].date, "2025-03-01");
	assert_string_equal(out[3].kind, "declared");
	assert_string_equal(out[1].kind, "address_changed");
	assert_int_equal(out[3].person_id, a);
	assert_string_equal(out[3].person_name, "甲");
	assert_string_equal(out[3].deadline, "2025-02-06");
	assert_string_equal(out[3].grid, GRID1);
	assert_string_equal(out[3].community, COMM1);
	assert_string_equal(out[3].certificate_no, "DJ-A");
	assert_string_equal(out[2].person_name, "乙");

	/* Date range, both ends inclusive. */
	LATE(&ACC_ALL, "2025-03-10", NULL, 0, 10);
	assert_int_equal(total, 3);
	assert_int_equal(n, 3);
	assert_string_equal(out[2].date, "2025-03-15");
	LATE(&ACC_ALL, NULL, "2025-03-10", 0, 10);
	assert_int_equal(total, 1);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].date, "2025-03-01");
	LATE(&ACC_ALL, "2025-03-15", "2025-03-15", 0, 10);
	assert_int_equal(total, 1);
	assert_int_equal(out[0].registration_id, rb);
	LATE(&ACC_ALL, "2025-03-01", "2025-04-01", 0, 10);
	assert_int_equal(total, 4);
	LATE(&ACC_ALL, "2025-07-01", NULL, 0, 10);
	assert_int_equal(total, 0);
	assert_int_equal(n, 0);

	/* Access areas. */
	LATE(&ACC_ST1, NULL, NULL, 0, 10);
	assert_int_equal(total, 2);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].registration_id, ra);
	assert_int_equal(out[1].registration_id, ra);
	LATE(&ACC_G2, NULL, NULL, 0, 10);
	assert_int_equal(total, 2);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].registration_id, rb);
	assert_string_equal(out[1].date, "2025-03-15");
	LATE(&ACC_ST2, "2025-04-02", NULL, 0, 10);
	assert_int_equal(total, 0);
	assert_int_equal(n, 0);
	LATE(&ACC_G1, NULL, "2025-03-31", 0, 10);
	assert_int_equal(total, 1);
	assert_string_equal(out[0].date, "2025-03-01");
	LATE(&ACC_NONE, NULL, NULL, 0, 10);
	assert_int_equal(total, 0);
	assert_int_equal(n, 0);

	/* Paging: total counts everything, the page only its rows. */
	LATE(&ACC_ALL, NULL, NULL, 1, 2);
	assert_int_equal(total, 4);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].registration_id, ra);
	assert_string_equal(out[1].date, "2025-03-15");
	LATE(&ACC_ALL, NULL, NULL, 3, 2);
	assert_int_equal(total, 4);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].date, "2025-03-01");
#undef LATE
}

/* Provisional decisions (0014): flagged, listed with their inputs, written
 * again; the figures of the dashboard count them. */
static void provisional_decisions(void **state)
{
	struct fx *f = *state;
	const struct ld_store_ops *o = f->ops;
	seed_areas(f);
	ld_id pid = add_person(f, "110105199001010011", "暂定");
	ld_registration r = mk_reg(pid, 1, "DJ-P1");
	r.arrival_date = "2027-02-04";
	r.declared_date = "2027-02-12";
	r.deadline = "2027-02-11";
	r.late = true;
	r.calendar_complete = false;
	assert_int_equal(o->registration_insert(f->c, &r), LD_OK);
	ld_reg_event dec = {.registration_id = r.id, .kind = "declared",
			    .date = "2027-02-12", .deadline = "2027-02-11",
			    .late = 1, .at = NOW};
	assert_int_equal(o->event_insert(f->c, &dec), LD_OK);
	assert_int_equal(o->provisional_mark(f->c, LD_PROV_REGISTRATION, r.id,
					     NULL, 0),
			 LD_OK);
	ld_reg_event mv = {.registration_id = r.id, .kind = "address_changed",
			   .date = "2027-02-12", .deadline = "2027-02-10",
			   .late = 1, .detail = "{\"moved_date\":\"2027-02-05\"}",
			   .at = NOW};
	assert_int_equal(o->event_insert(f->c, &mv), LD_OK);
	assert_int_equal(o->provisional_mark(f->c, LD_PROV_ADDRESS_CHANGE,
					     mv.id, NULL, 0),
			 LD_OK);
	ld_task t = {.kind = "absent", .grid = GRID1, .community = COMM1,
		     .id_number = "110105199001010011", .name = "暂定",
		     .detail = "", .due_date = "2027-02-12", .created_at = NOW};
	assert_int_equal(o->task_insert(f->c, &t), LD_OK);
	assert_int_equal(o->provisional_mark(f->c, LD_PROV_TASK, t.id,
					     "2027-02-04", 5),
			 LD_OK);

	ld_reg_event *ev;
	size_t n;
	assert_int_equal(o->events_of_person(f->c, pid, &f->ar, &ev, &n), LD_OK);
	assert_int_equal(n, 2);
	assert_true(ev[0].provisional && ev[1].provisional);
	ld_task got;
	assert_int_equal(o->task_get(f->c, t.id, &f->ar, &got), LD_OK);
	assert_true(got.provisional);

	int64_t regs, late;
	assert_int_equal(o->provisional_counts(f->c, &ACC_ALL, &regs, &late),
			 LD_OK);
	assert_int_equal(regs, 1);
	assert_int_equal(late, 1);

	ld_provisional *items;
	assert_int_equal(o->provisional_list(f->c, &f->ar, &items, &n), LD_OK);
	assert_int_equal(n, 3);
	const ld_provisional *reg = NULL, *chg = NULL, *task = NULL;
	for (size_t i = 0; i < n; i++) {
		if (items[i].kind == LD_PROV_REGISTRATION)
			reg = &items[i];
		if (items[i].kind == LD_PROV_ADDRESS_CHANGE)
			chg = &items[i];
		if (items[i].kind == LD_PROV_TASK)
			task = &items[i];
	}
	assert_non_null(reg);
	assert_non_null(chg);
	assert_non_null(task);
	assert_int_equal(reg->id, r.id);
	assert_string_equal(reg->from, "2027-02-04");
	assert_string_equal(reg->done, "2027-02-12");
	assert_string_equal(reg->deadline, "2027-02-11");
	assert_true(reg->late);
	assert_int_equal(chg->id, mv.id);
	assert_string_equal(chg->from, "2027-02-05");
	assert_string_equal(chg->done, "2027-02-12");
	assert_string_equal(task->from, "2027-02-04");
	assert_int_equal(task->days, 5);
	assert_null(task->done);

	/* Decided again: the registration and its declared event. */
	ld_provisional upd = *reg;
	upd.deadline = "2027-02-15";
	upd.late = false;
	assert_int_equal(o->provisional_set(f->c, &upd, false), LD_OK);
	ld_registration back;
	assert_int_equal(o->registration_get(f->c, r.id, &f->ar, &back), LD_OK);
	assert_string_equal(back.deadline, "2027-02-15");
	assert_false(back.late);
	assert_true(back.calendar_complete);
	assert_int_equal(o->events_of_person(f->c, pid, &f->ar, &ev, &n), LD_OK);
	assert_string_equal(ev[0].deadline, "2027-02-15");
	assert_int_equal(ev[0].late, 0);
	assert_false(ev[0].provisional);
	assert_true(ev[1].provisional); /* the address change is untouched */
	upd = *task;
	upd.deadline = "2027-02-16";
	assert_int_equal(o->provisional_set(f->c, &upd, true), LD_OK);
	assert_int_equal(o->task_get(f->c, t.id, &f->ar, &got), LD_OK);
	assert_string_equal(got.due_date, "2027-02-16");
	assert_true(got.provisional);

	assert_int_equal(o->provisional_counts(f->c, &ACC_ALL, &regs, &late),
			 LD_OK);
	assert_int_equal(regs, 0);
	assert_int_equal(late, 0);
	assert_int_equal(o->provisional_list(f->c, &f->ar, &items, &n), LD_OK);
	assert_int_equal(n, 2);
}

/* ---- audit ---------------------------------------------------------- */

static void append_audit(struct fx *f, int count, const char *action)
{
	ld_audit_entry e[8];
	assert_true(count <= 8);
	for (int i = 0; i < count; i++)
		e[i] = (ld_audit_entry){
		    .user_id = i % 2 ? 7 : 0,
		    .username = i % 2 ? "clerk" : "system",
		    .action = action,
		    .target = i == 1 ? "person:1" : "person:2",
		    .reason = "核查",
		    .detail = "{}",
		};
	ld_audit_head head = {.loaded = false};
	assert_int_equal(f->ops->begin(f->c), LD_OK);
	assert_int_equal(ld_audit_append(f->ops, f->c, &head, e, count), LD_OK);
	assert_int_equal(f->ops->commit(f->c), LD_OK);
}

static void verify(struct fx *f, ld_audit_report *r)
{
	memset(r, 0xff, sizeof *r);
	assert_int_equal(ld_audit_verify(f->ops, f->c, r), LD_OK);
}

static void audit_chain(void **state)
{
	struct fx *f = *state;
	const struct ld_store_ops *o = f->ops;
	ld_audit_report r;
	verify(f, &r); /* empty chain */
	assert_int_equal(r.entries, 0);
	assert_int_equal(r.bad_seq, 0);

	int64_t seq = -1;
	char hash[65];
	assert_int_equal(o->audit_head(f->c, &seq, hash), LD_OK);
	assert_int_equal(seq, 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(hash[i], '0');

	append_audit(f, 3, "person.view");
	append_audit(f, 2, "person.update"); /* a second transaction */
	verify(f, &r);
	assert_int_equal(r.entries, 5);
	assert_int_equal(r.bad_seq, 0);

	assert_int_equal(o->audit_head(f->c, &seq, hash), LD_OK);
	assert_int_equal(seq, 5);
	ld_audit_entry *list;
	size_t n;
	assert_int_equal(
	    o->audit_list(f->c, NULL, 0, PAGE_ALL, &f->ar, &list, &n), LD_OK);
	assert_int_equal(n, 5);
	assert_int_equal(list[0].seq, 5); /* newest first */
	assert_int_equal(list[4].seq, 1);
	assert_string_equal(list[0].hash, hash);
	assert_string_equal(list[0].prev_hash, list[1].hash);
	assert_string_equal(list[0].action, "person.update");
	assert_string_equal(list[4].action, "person.view");
	assert_string_equal(list[4].result, "ok"); /* NULL becomes ok */
	assert_string_equal(list[3].username, "clerk");
	assert_int_equal(list[3].user_id, 7);
	assert_int_equal(list[4].user_id, 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(strlen(list[i].hash), 64);
	/* Each transaction's entries share one time stamp. */
	assert_string_equal(list[4].at, list[2].at);

	/* By target, and before a sequence number. */
	assert_int_equal(
	    o->audit_list(f->c, "person:1", 0, PAGE_ALL, &f->ar, &list, &n),
	    LD_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].seq, 5);
	assert_int_equal(list[1].seq, 2);
	assert_int_equal(
	    o->audit_list(f->c, NULL, 3, PAGE_ALL, &f->ar, &list, &n), LD_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].seq, 2);
	assert_int_equal(
	    o->audit_list(f->c, NULL, 0, (ld_page){1, 2}, &f->ar, &list, &n),
	    LD_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].seq, 4);
	assert_int_equal(list[1].seq, 3);

	int64_t np, na, nau;
	assert_int_equal(o->counts(f->c, &np, &na, &nau), LD_OK);
	assert_int_equal(np, 0);
	assert_int_equal(na, 0);
	assert_int_equal(nau, 5);

	/* Rolled back entries leave no trace and no gap. */
	ld_audit_entry e = {.username = "x", .action = "a", .target = "t"};
	ld_audit_head head = {.loaded = false};
	assert_int_equal(o->begin(f->c), LD_OK);
	assert_int_equal(ld_audit_append(o, f->c, &head, &e, 1), LD_OK);
	assert_int_equal(head.seq, 6);
	assert_int_equal(o->rollback(f->c), LD_OK);
	append_audit(f, 1, "person.view");
	verify(f, &r);
	assert_int_equal(r.entries, 6);
	assert_int_equal(r.bad_seq, 0);
}

static void audit_detects_alteration(void **state)
{
	struct fx *f = *state;
	append_audit(f, 4, "person.view");
	ld_audit_report r;
	verify(f, &r);
	assert_int_equal(r.bad_seq, 0);
	assert_int_equal(r.entries, 4);

	raw_exec(f, "UPDATE audit SET reason='x' WHERE seq=2");
	verify(f, &r);
	assert_int_equal(r.bad_seq, 2);
	assert_true(strlen(r.problem) > 0);

	/* Put back: intact again. */
	raw_exec(f, "UPDATE audit SET reason='核查' WHERE seq=2");
	verify(f, &r);
	assert_int_equal(r.bad_seq, 0);

	/* Rewriting an entry together with its own hash breaks the next
	 * link instead. */
	raw_exec(
	    f,
	    "UPDATE audit SET result='denied', hash='"
	    "1111111111111111111111111111111111111111111111111111111111111111"
	    "' WHERE seq=3");
	verify(f, &r);
	assert_int_equal(r.bad_seq, 3);
}

static void audit_detects_recomputed_link(void **state)
{
	struct fx *f = *state;
	append_audit(f, 4, "person.view");
	/* An intruder who recomputes the altered entry's hash still breaks
	 * the link of the entry after it. */
	ld_audit_entry *list;
	size_t n;
	assert_int_equal(
	    f->ops->audit_list(f->c, NULL, 0, PAGE_ALL, &f->ar, &list, &n),
	    LD_OK);
	assert_int_equal(n, 4);
	ld_audit_entry e2 = list[2]; /* seq 2 */
	assert_int_equal(e2.seq, 2);
	e2.reason = "x";
	char hash[65];
	assert_int_equal(ld_audit_hash(&e2, hash), LD_OK);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "UPDATE audit SET reason='x', hash='%s' WHERE seq=2", hash);
	raw_exec(f, sql);
	ld_audit_report r;
	verify(f, &r);
	assert_int_equal(r.bad_seq, 3);
}

static void audit_detects_deletion(void **state)
{
	struct fx *f = *state;
	append_audit(f, 5, "person.view");
	raw_exec(f, "DELETE FROM audit WHERE seq=3");
	ld_audit_report r;
	verify(f, &r);
	assert_int_equal(r.bad_seq, 3);
	assert_true(strlen(r.problem) > 0);

	int64_t np, na, nau;
	assert_int_equal(f->ops->counts(f->c, &np, &na, &nau), LD_OK);
	assert_int_equal(nau, 4);

	/* The first entry removed. */
	raw_exec(f, "DELETE FROM audit WHERE seq=1");
	verify(f, &r);
	assert_int_equal(r.bad_seq, 1);
}

static void read_transaction(void **state)
{
	struct fx *f = *state;
	const struct ld_store_ops *o = f->ops;
	ld_conn *r;
	assert_int_equal(o->connect(f->store, false, &r, NULL), LD_OK);
	add_person(f, "A", "甲");
	assert_int_equal(o->read_begin(r), LD_OK);
	assert_int_equal(o->read_begin(r), LD_OK); /* no-op inside one */
	int64_t np, na, nau;
	assert_int_equal(o->counts(r, &np, &na, &nau), LD_OK);
	assert_int_equal(np, 1);
	/* A write committed meanwhile is not in this snapshot... */
	add_person(f, "B", "乙");
	assert_int_equal(o->counts(r, &np, &na, &nau), LD_OK);
	assert_int_equal(np, 1);
	assert_int_equal(o->read_end(r), LD_OK);
	assert_int_equal(o->read_end(r), LD_OK);
	/* ...and is after it. */
	assert_int_equal(o->counts(r, &np, &na, &nau), LD_OK);
	assert_int_equal(np, 2);
	o->disconnect(r);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(open_applies_migrations),
	    T(upgrade_rebuilds_check_lists),
	    T(upgrade_moves_upload_files),
	    T(upload_parts_quota_and_expiry),
	    T(damaged_page_fails_the_list),
	    T(task_open_exists_by_kind),
	    T(report_task_settled_once),
	    T(open_twice),
	    T(open_refuses_newer_schema),
	    T(areas_and_stations),
	    T(users),
	    T(sessions),
	    T(persons),
	    T(person_search_fields),
	    T(person_search_wildcards_literal),
	    T(person_search_paging),
	    T(person_search_access),
	    T(visibility),
	    T(registrations),
	    T(events_order),
	    T(certificate_next_autocommit),
	    T(certificate_next_transaction),
	    T(certificate_next_many_keys_savepoint),
	    T(worklist_late),
	    T(provisional_decisions),
	    T(audit_chain),
	    T(audit_detects_alteration),
	    T(audit_detects_recomputed_link),
	    T(audit_detects_deletion),
	    T(read_transaction),
	};
#undef T
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
