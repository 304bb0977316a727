/*
 * sqlite_grid.c — the SQLite side of rental housing, reporting
 * organisations, their reports and uploads, the grid's tasks and visits
 * (sql/sqlite/0006_grid.sql). Functions are bound into ld_store_sqlite by
 * store_sqlite.c.
 *
 * Fixed statements are prepared once per connection (c->grid_stmt); lists
 * with optional filters are built with a small query builder whose every
 * value is bound, never pasted into the text.
 */
#include "store/sqlite_grid.h"

#include <stdarg.h>
#include <stdio.h>

enum g {
	G_ORG_INSERT, G_ORG_GET, G_KEY_REVOKE, G_KEY_INSERT, G_KEY_ORG,
	G_KEYS_OF, G_HOUSE_INSERT, G_HOUSE_GET, G_HOUSE_OCC, G_TEN_INSERT,
	G_TEN_OPEN_OF, G_TEN_CLOSE, G_TEN_OF_HOUSE, G_TEN_OPEN_OF_HOUSE,
	G_REGISTERED, G_REPORT_INSERT, G_REPORT_GET, G_UPLOAD_INSERT,
	G_UPLOAD_GET, G_UPLOAD_PARTS, G_UPLOAD_FILE, G_UPLOAD_PART_PUT,
	G_UPLOAD_REVISE, G_UPLOAD_PREVIEWED, G_UPLOAD_CONFIRM,
	G_UPLOAD_DROP, G_UPLOAD_PARTS_DELETE, G_UPLOADS_EXPIRED,
	G_UPLOADS_PENDING_ORG, G_UPLOADS_PENDING_USER, G_TASK_INSERT,
	G_TASK_GET, G_TASK_UPDATE, G_TASK_EXISTS_PERSON, G_TASK_EXISTS_HOUSE,
	G_TASKS_CLOSE_REG, G_VISIT_INSERT, G_TEN_COUNT, G_TASKS_OPEN_PERSON,
	G_TASKS_OPEN_HOUSE,
	G__COUNT
};
_Static_assert(G__COUNT <= LD_SQ_GRID_STMTS, "raise LD_SQ_GRID_STMTS");

#define ORG_COLS                                                            \
	"id, kind, name, credit_code, id_number, phone, grid, community, "    \
	"address, created_by, created_at"
#define HOUSE_COLS                                                          \
	"h.id, h.district, h.street, h.community, h.grid, h.road, "           \
	"h.house_number, h.building, h.unit, h.room, h.landlord_org, "        \
	"h.agent_org, h.filing_no, h.rooms, h.capacity, h.area_m2, "          \
	"h.occupants, h.flagged, h.created_by, h.created_at, l.name, l.kind, " \
	"a.name, a.kind"
#define HOUSE_FROM                                                          \
	" FROM houses h JOIN organisations l ON l.id = h.landlord_org LEFT "  \
	"JOIN organisations a ON a.id = h.agent_org"
#define REPORT_COLS                                                         \
	"r.id, r.org_id, r.kind, r.id_number, r.name, r.phone, r.hukou_code, " \
	"r.event_date, r.event_minute, r.reported_date, r.deadline, r.late, " \
	"r.house_id, r.grid, r.community, r.address, r.in_scope, "            \
	"r.registered, r.upload_id, r.user_id, r.created_at, o.name, o.kind, " \
	"r.provisional, r.entered_date, r.date_reason"
#define REPORT_FROM " FROM reports r JOIN organisations o ON o.id = r.org_id"
#define TASK_COLS                                                           \
	"t.id, t.kind, t.grid, t.community, t.id_number, t.name, t.house_id, " \
	"t.report_id, t.visit_id, t.detail, t.due_date, t.status, t.outcome, " \
	"t.note, t.assignee, u.username, t.closed_by, t.closed_at, "          \
	"t.created_at, t.provisional"
#define TASK_FROM " FROM tasks t LEFT JOIN users u ON u.id = t.assignee"
#define UPLOAD_COLS                                                         \
	"id, org_id, status, name, size, sm3, revision, encoding, rows, bad, " \
	"user_id, created_at, expires_at, confirmed_at, dropped_at"
#define TEN_COLS                                                            \
	"id, house_id, id_number, name, move_in, move_out, report_in, "       \
	"report_out"

static const char *const gsql[G__COUNT] = {
	[G_ORG_INSERT] = "INSERT INTO organisations (kind, name, credit_code, "
			 "id_number, phone, grid, community, address, "
			 "created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
	[G_ORG_GET] = "SELECT " ORG_COLS " FROM organisations WHERE id = ?",
	[G_KEY_REVOKE] = "UPDATE api_keys SET revoked_at = ?2 WHERE org_id = "
			 "?1 AND revoked_at IS NULL",
	[G_KEY_INSERT] = "INSERT INTO api_keys (key_hash, org_id, prefix, "
			 "created_at) VALUES (?,?,?,?)",
	[G_KEY_ORG] = "SELECT org_id FROM api_keys WHERE key_hash = ? AND "
		      "revoked_at IS NULL",
	[G_KEYS_OF] = "SELECT prefix, created_at, revoked_at FROM api_keys "
		      "WHERE org_id = ? ORDER BY created_at DESC",
	[G_HOUSE_INSERT] = "INSERT INTO houses (district, street, community, "
			   "grid, road, house_number, building, unit, room, "
			   "landlord_org, agent_org, filing_no, rooms, "
			   "capacity, area_m2, created_by, created_at) VALUES "
			   "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[G_HOUSE_GET] = "SELECT " HOUSE_COLS HOUSE_FROM " WHERE h.id = ?",
	[G_HOUSE_OCC] = "UPDATE houses SET occupants = ?2, flagged = ?3 WHERE "
			"id = ?1",
	[G_TEN_INSERT] = "INSERT INTO tenancies (house_id, id_number, name, "
			 "move_in, report_in) VALUES (?,?,?,?,?)",
	[G_TEN_OPEN_OF] = "SELECT id FROM tenancies WHERE house_id = ? AND "
			  "id_number = ? AND move_out IS NULL",
	[G_TEN_CLOSE] = "UPDATE tenancies SET move_out = ?2, report_out = ?3 "
			"WHERE id = ?1 AND move_out IS NULL",
	[G_TEN_OF_HOUSE] = "SELECT " TEN_COLS " FROM tenancies WHERE "
			   "house_id = ? ORDER BY move_out IS NOT NULL, "
			   "move_in DESC, id DESC LIMIT 500",
	[G_TEN_OPEN_OF_HOUSE] = "SELECT " TEN_COLS " FROM tenancies WHERE "
				"house_id = ? AND move_out IS NULL ORDER BY "
				"move_in, id",
	[G_REGISTERED] = "SELECT 1 FROM persons p JOIN registrations r ON "
			 "r.person_id = p.id AND r.status = 'active' WHERE "
			 "p.id_number = ?",
	[G_REPORT_INSERT] = "INSERT INTO reports (org_id, kind, id_number, "
			    "name, phone, hukou_code, event_date, "
			    "event_minute, reported_date, deadline, late, "
			    "house_id, grid, community, address, in_scope, "
			    "registered, upload_id, user_id, created_at, "
			    "entered_date, date_reason) VALUES "
			    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[G_REPORT_GET] = "SELECT " REPORT_COLS REPORT_FROM " WHERE r.id = ?",
	[G_UPLOAD_INSERT] = "INSERT INTO uploads (org_id, status, name, size, "
			    "sm3, encoding, rows, bad, user_id, created_at, "
			    "expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
	[G_UPLOAD_GET] = "SELECT " UPLOAD_COLS " FROM uploads WHERE id = ?",
	[G_UPLOAD_PARTS] = "SELECT n, length(data) FROM upload_parts WHERE "
			   "upload_id = ? ORDER BY n",
	[G_UPLOAD_FILE] = "SELECT data FROM upload_parts WHERE upload_id = ? "
			  "ORDER BY n",
	[G_UPLOAD_PART_PUT] = "INSERT OR REPLACE INTO upload_parts (upload_id, "
			      "n, data) VALUES (?,?,?)",
	[G_UPLOAD_REVISE] = "UPDATE uploads SET revision = revision + 1 WHERE "
			    "id = ?",
	[G_UPLOAD_PREVIEWED] = "UPDATE uploads SET status = 'previewed', "
			       "encoding = ?2, rows = ?3, bad = ?4 WHERE id = "
			       "?1 AND status = 'receiving' AND revision = ?5",
	/* The file goes once its rows are written: they are all in
	 * `reports`. */
	[G_UPLOAD_CONFIRM] = "UPDATE uploads SET status = 'confirmed', "
			     "confirmed_at = ?2 WHERE id = ?1 AND status = "
			     "'previewed'",
	[G_UPLOAD_DROP] = "UPDATE uploads SET status = ?2, dropped_at = ?3 "
			  "WHERE id = ?1 AND (status = 'receiving' OR status "
			  "= 'previewed')",
	[G_UPLOAD_PARTS_DELETE] = "DELETE FROM upload_parts WHERE upload_id "
				  "= ?",
	/* The WHERE of the partial indexes, word for word (0013). */
	[G_UPLOADS_EXPIRED] = "SELECT id FROM uploads WHERE (status = "
			      "'receiving' OR status = 'previewed') AND "
			      "expires_at <= ?1 ORDER BY expires_at LIMIT ?2",
	[G_UPLOADS_PENDING_ORG] = "SELECT count(*), coalesce(sum(size), 0) "
				  "FROM uploads WHERE org_id = ?1 AND (status "
				  "= 'receiving' OR status = 'previewed') AND "
				  "expires_at > ?2",
	[G_UPLOADS_PENDING_USER] = "SELECT count(*), coalesce(sum(size), 0) "
				   "FROM uploads WHERE user_id = ?1 AND "
				   "(status = 'receiving' OR status = "
				   "'previewed') AND expires_at > ?2",
	[G_TASK_INSERT] = "INSERT INTO tasks (kind, grid, community, "
			  "id_number, name, house_id, report_id, visit_id, "
			  "detail, due_date, status, note, created_at) VALUES "
			  "(?,?,?,?,?,?,?,?,?,?,'open','',?)",
	[G_TASK_GET] = "SELECT " TASK_COLS TASK_FROM " WHERE t.id = ?",
	[G_TASK_UPDATE] = "UPDATE tasks SET status = ?2, outcome = ?3, note = "
			  "?4, grid = ?5, community = ?6, assignee = ?7, "
			  "closed_by = ?8, closed_at = ?9 WHERE id = ?1",
	/* No parameter for the kind: a bound value compared with a column of
	 * a partial index's WHERE makes SQLite prepare the statement again
	 * at each new binding. A person has few open tasks. */
	[G_TASK_EXISTS_PERSON] = "SELECT kind FROM tasks WHERE id_number = ? "
				 "AND status = 'open'",
	/* The literal kind lets the planner use tasks_open_group_rental. */
	[G_TASK_EXISTS_HOUSE] = "SELECT 1 FROM tasks WHERE house_id = ? AND "
				"kind = 'group_rental' AND status = 'open'",
	[G_TASKS_CLOSE_REG] = "UPDATE tasks SET status = 'done', outcome = "
			      "'registered', note = '已申报居住登记（系统自动办结）', "
			      "closed_by = ?3, closed_at = ?2 WHERE id_number = "
			      "?1 AND kind = 'unregistered' AND status = 'open'",
	[G_TEN_COUNT] = "SELECT count(*) FROM tenancies WHERE house_id = ? "
			"AND move_out IS NULL",
	[G_TASKS_OPEN_PERSON] = "SELECT " TASK_COLS TASK_FROM " WHERE "
				"t.id_number = ? AND t.status = 'open' ORDER "
				"BY t.id",
	[G_TASKS_OPEN_HOUSE] = "SELECT " TASK_COLS TASK_FROM " WHERE "
			       "t.house_id = ? AND t.kind = 'group_rental' "
			       "AND t.status = 'open' ORDER BY t.id",
	[G_VISIT_INSERT] = "INSERT INTO visits (house_id, grid, address, date, "
			   "occupants, note, user_id, created_at) VALUES "
			   "(?,?,?,?,?,?,?,?)",
};

static sqlite3_stmt *gprep(ld_conn *c, enum g q)
{
	if (!c->grid_stmt[q]) {
		if (sqlite3_prepare_v3(c->db, gsql[q], -1,
				       SQLITE_PREPARE_PERSISTENT,
				       &c->grid_stmt[q], NULL) != SQLITE_OK) {
			fprintf(stderr, "liudong: sqlite prepare failed: %s: %s\n",
				sqlite3_errmsg(c->db), gsql[q]);
			return NULL;
		}
	} else {
		sqlite3_reset(c->grid_stmt[q]);
		sqlite3_clear_bindings(c->grid_stmt[q]);
	}
	return c->grid_stmt[q];
}

#define bind_text ld_sq_bind_text
#define col_text ld_sq_col_text
#define bind_id ld_sq_bind_id
#define insert_id ld_sq_insert_id

/* ---- a query builder for filtered, paged lists ---------------------- */

#define QB_MAX_BINDS 12

struct qb {
	char text[2048];
	size_t len;
	bool overflow;
	int n;
	struct {
		const char *s;
		int64_t i;
		bool is_text;
	} b[QB_MAX_BINDS];
};

static void qb_sql(struct qb *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void qb_sql(struct qb *q, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(q->text + q->len, sizeof q->text - q->len, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= sizeof q->text - q->len)
		q->overflow = true;
	else
		q->len += (size_t)w;
}

/* Bind text s to the next "?" already in the text. */
static void qb_bind_text(struct qb *q, const char *s)
{
	if (q->n == QB_MAX_BINDS) {
		q->overflow = true;
		return;
	}
	q->b[q->n].s = s;
	q->b[q->n++].is_text = true;
}

/* Append "?" bound to text s. */
static void qb_text(struct qb *q, const char *s)
{
	qb_bind_text(q, s);
	qb_sql(q, "?");
}

static void qb_int(struct qb *q, int64_t v)
{
	if (q->n == QB_MAX_BINDS) {
		q->overflow = true;
		return;
	}
	q->b[q->n].i = v;
	q->b[q->n++].is_text = false;
	qb_sql(q, "?");
}

/* " AND <the row aliased t lies in the access area>" (sqlite_area.c);
 * by_grid for a table indexed by grid alone (tasks). */
static void qb_area(struct qb *q, const ld_access *acc, const char *t,
		    bool by_grid)
{
	char rule[LD_SQ_AREA_MAX];
	const char *bind;
	qb_sql(q, " AND %s",
	       ld_sq_area(acc, by_grid ? LD_SQ_PLACE_BY_GRID : LD_SQ_PLACE, t,
			  "?", rule, sizeof rule, &bind));
	if (bind)
		qb_bind_text(q, bind);
}

/* " AND <t>grid under area" (area codes nest by prefix). */
static void qb_under(struct qb *q, const char *area, const char *t)
{
	if (!area || !*area)
		return;
	qb_sql(q, " AND %sgrid >= ", t);
	qb_text(q, area);
	qb_sql(q, " AND %sgrid < ", t);
	qb_text(q, area);
	qb_sql(q, " || ':'");
}

static ld_status qb_prepare(ld_conn *c, struct qb *q, sqlite3_stmt **s)
{
	if (q->overflow)
		return LD_EINTERNAL;
	if (sqlite3_prepare_v2(c->db, q->text, (int)q->len, s, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "liudong: sqlite prepare failed: %s\n",
			sqlite3_errmsg(c->db));
		return LD_EIO;
	}
	for (int i = 0; i < q->n; i++) {
		if (q->b[i].is_text)
			bind_text(*s, i + 1, q->b[i].s);
		else
			sqlite3_bind_int64(*s, i + 1, q->b[i].i);
	}
	return LD_OK;
}

static ld_status qb_count(ld_conn *c, const char *from_where,
			  const struct qb *filter, int64_t *total)
{
	struct qb q = *filter;
	/* The filter's text follows "SELECT count(*)" + from_where. */
	char tail[sizeof q.text];
	snprintf(tail, sizeof tail, "%s", filter->text);
	q.len = 0;
	q.text[0] = '\0';
	qb_sql(&q, "SELECT count(*)%s%s", from_where, tail);
	sqlite3_stmt *s;
	ld_status rc = qb_prepare(c, &q, &s);
	if (rc != LD_OK)
		return rc;
	int st = sqlite3_step(s);
	*total = st == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return st == SQLITE_DONE ? LD_EIO : ld_sq_rows_end(st);
}

/* Run "SELECT cols from_where filter order LIMIT OFFSET" and read each row
 * into a fresh array element with `reader`. */
#define QB_LIST(c, cols, from_where, filter, order, page, ar, type, reader, \
		out, n, total)                                               \
	do {                                                                 \
		*(n) = 0;                                                    \
		*(out) = NULL;                                               \
		ld_status rc_ = qb_count(c, from_where, filter, total);      \
		if (rc_ != LD_OK)                                            \
			return rc_;                                          \
		struct qb q_ = *(filter);                                    \
		char tail_[sizeof q_.text];                                  \
		snprintf(tail_, sizeof tail_, "%s", (filter)->text);         \
		q_.len = 0;                                                  \
		qb_sql(&q_, "SELECT %s%s%s ORDER BY %s LIMIT ", cols,        \
		       from_where, tail_, order);                            \
		qb_int(&q_, (page).limit);                                   \
		qb_sql(&q_, " OFFSET ");                                     \
		qb_int(&q_, (page).offset);                                  \
		sqlite3_stmt *s_;                                            \
		rc_ = qb_prepare(c, &q_, &s_);                               \
		if (rc_ != LD_OK)                                            \
			return rc_;                                          \
		size_t cap_ = (size_t)((page).limit > 0 ? (page).limit : 1); \
		type *arr_ = ld_arena_calloc(ar, cap_ * sizeof(type));       \
		if (!arr_) {                                                 \
			sqlite3_finalize(s_);                                \
			return LD_ENOMEM;                                    \
		}                                                            \
		int st_ = SQLITE_ROW;                                        \
		while (*(n) < cap_ && (st_ = sqlite3_step(s_)) == SQLITE_ROW) \
			reader(s_, ar, &arr_[(*(n))++]);                     \
		sqlite3_finalize(s_);                                        \
		if ((rc_ = ld_sq_rows_end(st_)) != LD_OK) {                  \
			*(n) = 0;                                            \
			return rc_;                                          \
		}                                                            \
		*(out) = arr_;                                               \
	} while (0)

/* ---- organisations and keys ----------------------------------------- */

static void row_org(sqlite3_stmt *s, ld_arena *ar, ld_org *o)
{
	o->id = sqlite3_column_int64(s, 0);
	o->kind = col_text(s, 1, ar);
	o->name = col_text(s, 2, ar);
	o->credit_code = col_text(s, 3, ar);
	o->id_number = col_text(s, 4, ar);
	o->phone = col_text(s, 5, ar);
	o->grid = col_text(s, 6, ar);
	o->community = col_text(s, 7, ar);
	o->address = col_text(s, 8, ar);
	o->created_by = sqlite3_column_int64(s, 9);
	o->created_at = col_text(s, 10, ar);
}

ld_status ld_sqg_org_insert(ld_conn *c, ld_org *o)
{
	sqlite3_stmt *s = gprep(c, G_ORG_INSERT);
	if (!s)
		return LD_EIO;
	bind_text(s, 1, o->kind);
	bind_text(s, 2, o->name);
	bind_text(s, 3, o->credit_code);
	bind_text(s, 4, o->id_number);
	bind_text(s, 5, o->phone ? o->phone : "");
	bind_text(s, 6, o->grid);
	bind_text(s, 7, o->community);
	bind_text(s, 8, o->address ? o->address : "");
	bind_id(s, 9, o->created_by);
	bind_text(s, 10, o->created_at);
	return insert_id(c, s, &o->id);
}

ld_status ld_sqg_org_get(ld_conn *c, ld_id id, ld_arena *ar, ld_org *out)
{
	sqlite3_stmt *s = gprep(c, G_ORG_GET);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_org(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

ld_status ld_sqg_orgs_list(ld_conn *c, const ld_access *acc, const char *kind,
			   ld_page page, ld_arena *ar, ld_org **out, size_t *n,
			   int64_t *total)
{
	struct qb f = {0};
	qb_area(&f, acc, "", false);
	if (kind) {
		qb_sql(&f, " AND kind = ");
		qb_text(&f, kind);
	}
	QB_LIST(c, ORG_COLS, " FROM organisations WHERE 1", &f, "id DESC",
		page, ar, ld_org, row_org, out, n, total);
	return LD_OK;
}

ld_status ld_sqg_api_key_replace(ld_conn *c, ld_id org_id,
				 const char *key_hash, const char *prefix,
				 const char *now)
{
	sqlite3_stmt *s = gprep(c, G_KEY_REVOKE);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, org_id);
	bind_text(s, 2, now);
	ld_status rc = ld_sq_exec_done(s);
	if (rc != LD_OK)
		return rc;
	if (!(s = gprep(c, G_KEY_INSERT)))
		return LD_EIO;
	bind_text(s, 1, key_hash);
	sqlite3_bind_int64(s, 2, org_id);
	bind_text(s, 3, prefix);
	bind_text(s, 4, now);
	return ld_sq_exec_done(s);
}

ld_status ld_sqg_api_key_org(ld_conn *c, const char *key_hash, ld_id *org_id)
{
	sqlite3_stmt *s = gprep(c, G_KEY_ORG);
	if (!s)
		return LD_EIO;
	bind_text(s, 1, key_hash);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		*org_id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	return rc;
}

static void row_key(sqlite3_stmt *s, ld_arena *ar, ld_api_key *k)
{
	k->prefix = col_text(s, 0, ar);
	k->created_at = col_text(s, 1, ar);
	k->revoked_at = col_text(s, 2, ar);
}

ld_status ld_sqg_api_keys_of(ld_conn *c, ld_id org_id, ld_arena *ar,
			     ld_api_key **out, size_t *n)
{
	sqlite3_stmt *s = gprep(c, G_KEYS_OF);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, org_id);
	COLLECT(s, ar, ld_api_key, out, n, row_key);
	return LD_OK;
}

/* ---- houses and tenancies ------------------------------------------- */

static void row_house(sqlite3_stmt *s, ld_arena *ar, ld_house *h)
{
	h->id = sqlite3_column_int64(s, 0);
	h->addr.district = col_text(s, 1, ar);
	h->addr.street = col_text(s, 2, ar);
	h->addr.community = col_text(s, 3, ar);
	h->addr.grid = col_text(s, 4, ar);
	h->addr.road = col_text(s, 5, ar);
	h->addr.house_number = col_text(s, 6, ar);
	h->addr.building = col_text(s, 7, ar);
	h->addr.unit = col_text(s, 8, ar);
	h->addr.room = col_text(s, 9, ar);
	h->landlord_org = sqlite3_column_int64(s, 10);
	h->agent_org = sqlite3_column_int64(s, 11);
	h->filing_no = col_text(s, 12, ar);
	h->rooms = sqlite3_column_int(s, 13);
	h->capacity = sqlite3_column_int(s, 14);
	h->area_m2 = sqlite3_column_int(s, 15);
	h->occupants = sqlite3_column_int(s, 16);
	h->flagged = sqlite3_column_int(s, 17) != 0;
	h->created_by = sqlite3_column_int64(s, 18);
	h->created_at = col_text(s, 19, ar);
	h->landlord_name = col_text(s, 20, ar);
	h->landlord_kind = col_text(s, 21, ar);
	h->agent_name = col_text(s, 22, ar);
	h->agent_kind = col_text(s, 23, ar);
}

ld_status ld_sqg_house_insert(ld_conn *c, ld_house *h)
{
	sqlite3_stmt *s = gprep(c, G_HOUSE_INSERT);
	if (!s)
		return LD_EIO;
	const ld_address *a = &h->addr;
	const char *v[] = {a->district, a->street, a->community,
			   a->grid,	a->road,   a->house_number,
			   a->building, a->unit,   a->room};
	for (int i = 0; i < 9; i++)
		bind_text(s, i + 1, v[i] ? v[i] : "");
	sqlite3_bind_int64(s, 10, h->landlord_org);
	bind_id(s, 11, h->agent_org);
	bind_text(s, 12, h->filing_no ? h->filing_no : "");
	sqlite3_bind_int(s, 13, h->rooms);
	sqlite3_bind_int(s, 14, h->capacity);
	if (h->area_m2 > 0)
		sqlite3_bind_int(s, 15, h->area_m2);
	bind_id(s, 16, h->created_by);
	bind_text(s, 17, h->created_at);
	return insert_id(c, s, &h->id);
}

ld_status ld_sqg_house_get(ld_conn *c, ld_id id, ld_arena *ar, ld_house *out)
{
	sqlite3_stmt *s = gprep(c, G_HOUSE_GET);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_house(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

ld_status ld_sqg_house_set_occupancy(ld_conn *c, ld_id id, int occupants,
				     bool flagged)
{
	sqlite3_stmt *s = gprep(c, G_HOUSE_OCC);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, occupants);
	sqlite3_bind_int(s, 3, flagged);
	return ld_sq_exec_done(s);
}

ld_status ld_sqg_houses_list(ld_conn *c, const ld_access *acc,
			     const char *area, bool flagged_only, ld_page page,
			     ld_arena *ar, ld_house **out, size_t *n,
			     int64_t *total)
{
	struct qb f = {0};
	qb_area(&f, acc, "h.", false);
	qb_under(&f, area, "h.");
	if (flagged_only)
		qb_sql(&f, " AND h.flagged = 1");
	QB_LIST(c, HOUSE_COLS, HOUSE_FROM " WHERE 1", &f, "h.id DESC", page,
		ar, ld_house, row_house, out, n, total);
	return LD_OK;
}

static void row_tenancy(sqlite3_stmt *s, ld_arena *ar, ld_tenancy *t)
{
	t->id = sqlite3_column_int64(s, 0);
	t->house_id = sqlite3_column_int64(s, 1);
	t->id_number = col_text(s, 2, ar);
	t->name = col_text(s, 3, ar);
	t->move_in = col_text(s, 4, ar);
	t->move_out = col_text(s, 5, ar);
	t->report_in = sqlite3_column_int64(s, 6);
	t->report_out = sqlite3_column_int64(s, 7);
}

ld_status ld_sqg_tenancy_insert(ld_conn *c, ld_tenancy *t)
{
	sqlite3_stmt *s = gprep(c, G_TEN_INSERT);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, t->house_id);
	bind_text(s, 2, t->id_number);
	bind_text(s, 3, t->name);
	bind_text(s, 4, t->move_in);
	bind_id(s, 5, t->report_in);
	return insert_id(c, s, &t->id);
}

ld_status ld_sqg_tenancy_open_of(ld_conn *c, ld_id house_id,
				 const char *id_number, ld_id *id)
{
	sqlite3_stmt *s = gprep(c, G_TEN_OPEN_OF);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, house_id);
	bind_text(s, 2, id_number);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		*id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	return rc;
}

ld_status ld_sqg_tenancy_close(ld_conn *c, ld_id id, const char *date,
			       ld_id report_id)
{
	sqlite3_stmt *s = gprep(c, G_TEN_CLOSE);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, date);
	bind_id(s, 3, report_id);
	return ld_sq_exec_done(s);
}

ld_status ld_sqg_tenancies_open_count(ld_conn *c, ld_id house_id, int *count)
{
	sqlite3_stmt *s = gprep(c, G_TEN_COUNT);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, house_id);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		*count = sqlite3_column_int(s, 0);
		sqlite3_reset(s);
	}
	return rc;
}

ld_status ld_sqg_tenancies_of_house(ld_conn *c, ld_id house_id,
				    bool open_only, ld_arena *ar,
				    ld_tenancy **out, size_t *n)
{
	sqlite3_stmt *s =
		gprep(c, open_only ? G_TEN_OPEN_OF_HOUSE : G_TEN_OF_HOUSE);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, house_id);
	COLLECT(s, ar, ld_tenancy, out, n, row_tenancy);
	return LD_OK;
}

ld_status ld_sqg_person_registered(ld_conn *c, const char *id_number,
				   bool *registered)
{
	sqlite3_stmt *s = gprep(c, G_REGISTERED);
	if (!s)
		return LD_EIO;
	bind_text(s, 1, id_number);
	ld_status rc = ld_sq_step_one(s);
	*registered = rc == LD_OK;
	if (rc == LD_OK)
		sqlite3_reset(s);
	return rc == LD_ENOTFOUND ? LD_OK : rc;
}

/* ---- reports and uploads -------------------------------------------- */

static void row_report(sqlite3_stmt *s, ld_arena *ar, ld_report *r)
{
	r->id = sqlite3_column_int64(s, 0);
	r->org_id = sqlite3_column_int64(s, 1);
	r->kind = col_text(s, 2, ar);
	r->id_number = col_text(s, 3, ar);
	r->name = col_text(s, 4, ar);
	r->phone = col_text(s, 5, ar);
	r->hukou_code = col_text(s, 6, ar);
	r->event_date = col_text(s, 7, ar);
	r->event_minute = ld_sq_col_int_or(s, 8, -1);
	r->reported_date = col_text(s, 9, ar);
	r->deadline = col_text(s, 10, ar);
	r->late = sqlite3_column_int(s, 11) != 0;
	r->house_id = sqlite3_column_int64(s, 12);
	r->grid = col_text(s, 13, ar);
	r->community = col_text(s, 14, ar);
	r->address = col_text(s, 15, ar);
	r->in_scope = sqlite3_column_int(s, 16) != 0;
	r->registered = sqlite3_column_int(s, 17) != 0;
	r->upload_id = sqlite3_column_int64(s, 18);
	r->user_id = sqlite3_column_int64(s, 19);
	r->created_at = col_text(s, 20, ar);
	r->org_name = col_text(s, 21, ar);
	r->org_kind = col_text(s, 22, ar);
	r->provisional = sqlite3_column_int(s, 23) != 0;
	r->entered_date = col_text(s, 24, ar);
	r->date_reason = col_text(s, 25, ar);
}

ld_status ld_sqg_report_insert(ld_conn *c, ld_report *r)
{
	sqlite3_stmt *s = gprep(c, G_REPORT_INSERT);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, r->org_id);
	bind_text(s, 2, r->kind);
	bind_text(s, 3, r->id_number);
	bind_text(s, 4, r->name);
	bind_text(s, 5, r->phone ? r->phone : "");
	bind_text(s, 6, r->hukou_code);
	bind_text(s, 7, r->event_date);
	ld_sq_bind_int_or_null(s, 8, r->event_minute);
	bind_text(s, 9, r->reported_date);
	bind_text(s, 10, r->deadline);
	sqlite3_bind_int(s, 11, r->late);
	bind_id(s, 12, r->house_id);
	bind_text(s, 13, r->grid);
	bind_text(s, 14, r->community);
	bind_text(s, 15, r->address ? r->address : "");
	sqlite3_bind_int(s, 16, r->in_scope);
	sqlite3_bind_int(s, 17, r->registered);
	bind_id(s, 18, r->upload_id);
	bind_id(s, 19, r->user_id);
	bind_text(s, 20, r->created_at);
	bind_text(s, 21, r->entered_date);
	bind_text(s, 22, r->date_reason);
	return insert_id(c, s, &r->id);
}

ld_status ld_sqg_report_get(ld_conn *c, ld_id id, ld_arena *ar,
			    ld_report *out)
{
	sqlite3_stmt *s = gprep(c, G_REPORT_GET);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_report(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

ld_status ld_sqg_reports_list(ld_conn *c, const ld_access *acc,
			      const ld_report_query *rq, ld_page page,
			      ld_arena *ar, ld_report **out, size_t *n,
			      int64_t *total)
{
	struct qb f = {0};
	if (rq->org_id > 0) {
		qb_sql(&f, " AND r.org_id = ");
		qb_int(&f, rq->org_id);
	} else {
		qb_area(&f, acc, "r.", false);
	}
	if (rq->kind) {
		qb_sql(&f, " AND r.kind = ");
		qb_text(&f, rq->kind);
	}
	if (rq->late_only)
		qb_sql(&f, " AND r.late = 1");
	QB_LIST(c, REPORT_COLS, REPORT_FROM " WHERE 1", &f, "r.id DESC", page,
		ar, ld_report, row_report, out, n, total);
	return LD_OK;
}

ld_status ld_sqg_upload_insert(ld_conn *c, ld_upload *u)
{
	sqlite3_stmt *s = gprep(c, G_UPLOAD_INSERT);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, u->org_id);
	bind_text(s, 2, u->status);
	bind_text(s, 3, u->name ? u->name : "");
	sqlite3_bind_int64(s, 4, u->size);
	bind_text(s, 5, u->sm3);
	bind_text(s, 6, u->encoding ? u->encoding : "");
	sqlite3_bind_int(s, 7, u->rows);
	sqlite3_bind_int(s, 8, u->bad);
	bind_id(s, 9, u->user_id);
	bind_text(s, 10, u->created_at);
	sqlite3_bind_int64(s, 11, u->expires_at);
	ld_status rc = insert_id(c, s, &u->id);
	if (rc != LD_OK || !u->data)
		return rc;
	return ld_sqg_upload_part_put(c, u->id, 1, u->data, u->len);
}

static void row_upload(sqlite3_stmt *s, ld_arena *ar, ld_upload *u)
{
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(s, 0);
	u->org_id = sqlite3_column_int64(s, 1);
	u->status = col_text(s, 2, ar);
	u->name = col_text(s, 3, ar);
	u->size = sqlite3_column_int64(s, 4);
	u->sm3 = col_text(s, 5, ar);
	u->revision = sqlite3_column_int64(s, 6);
	u->encoding = col_text(s, 7, ar);
	u->rows = sqlite3_column_int(s, 8);
	u->bad = sqlite3_column_int(s, 9);
	u->user_id = sqlite3_column_int64(s, 10);
	u->created_at = col_text(s, 11, ar);
	u->expires_at = sqlite3_column_int64(s, 12);
	u->confirmed_at = col_text(s, 13, ar);
	u->dropped_at = col_text(s, 14, ar);
}

ld_status ld_sqg_upload_get(ld_conn *c, ld_id id, ld_arena *ar,
			    ld_upload *out)
{
	sqlite3_stmt *s = gprep(c, G_UPLOAD_GET);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	ld_status rc = ld_sq_step_one(s);
	if (rc != LD_OK)
		return rc;
	row_upload(s, ar, out);
	sqlite3_reset(s);
	return out->status && out->created_at ? LD_OK : LD_ENOMEM;
}

static void row_part(sqlite3_stmt *s, ld_arena *ar, ld_upload_part *p)
{
	(void)ar;
	p->n = sqlite3_column_int(s, 0);
	p->len = sqlite3_column_int64(s, 1);
}

ld_status ld_sqg_upload_parts(ld_conn *c, ld_id id, ld_arena *ar,
			      ld_upload_part **out, size_t *n)
{
	sqlite3_stmt *s = gprep(c, G_UPLOAD_PARTS);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	COLLECT(s, ar, ld_upload_part, out, n, row_part);
	return LD_OK;
}

ld_status ld_sqg_upload_file(ld_conn *c, ld_id id, ld_buf *out)
{
	sqlite3_stmt *s = gprep(c, G_UPLOAD_FILE);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	int step;
	ld_status rc = LD_OK;
	while (rc == LD_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
		const void *data = sqlite3_column_blob(s, 0);
		size_t len = (size_t)sqlite3_column_bytes(s, 0);
		if (len)
			rc = ld_buf_add(out, data, len);
	}
	if (rc == LD_OK)
		rc = ld_sq_rows_end(step);
	sqlite3_reset(s);
	return rc;
}

ld_status ld_sqg_upload_part_put(ld_conn *c, ld_id id, int n,
				 const void *data, size_t len)
{
	sqlite3_stmt *s = gprep(c, G_UPLOAD_PART_PUT);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, n);
	/* A zero-length blob still binds a blob, not NULL. */
	sqlite3_bind_blob64(s, 3, len ? data : "", len, SQLITE_STATIC);
	ld_status rc = ld_sq_exec_done(s);
	if (rc != LD_OK)
		return rc;
	if (!(s = gprep(c, G_UPLOAD_REVISE)))
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	return ld_sq_exec_done(s);
}

/* Run an UPDATE of one upload: LD_ECONFLICT when it changed no row. */
static ld_status update_one(ld_conn *c, sqlite3_stmt *s)
{
	ld_status rc = ld_sq_exec_done(s);
	if (rc == LD_OK && sqlite3_changes(c->db) != 1)
		return LD_ECONFLICT;
	return rc;
}

static ld_status delete_parts(ld_conn *c, ld_id id)
{
	sqlite3_stmt *s = gprep(c, G_UPLOAD_PARTS_DELETE);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	return ld_sq_exec_done(s);
}

ld_status ld_sqg_upload_previewed(ld_conn *c, const ld_upload *u)
{
	sqlite3_stmt *s = gprep(c, G_UPLOAD_PREVIEWED);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, u->id);
	bind_text(s, 2, u->encoding);
	sqlite3_bind_int(s, 3, u->rows);
	sqlite3_bind_int(s, 4, u->bad);
	sqlite3_bind_int64(s, 5, u->revision);
	return update_one(c, s);
}

ld_status ld_sqg_upload_confirm(ld_conn *c, ld_id id, const char *now)
{
	sqlite3_stmt *s = gprep(c, G_UPLOAD_CONFIRM);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, now);
	ld_status rc = update_one(c, s);
	return rc == LD_OK ? delete_parts(c, id) : rc;
}

ld_status ld_sqg_upload_drop(ld_conn *c, ld_id id, const char *status,
			     const char *now)
{
	sqlite3_stmt *s = gprep(c, G_UPLOAD_DROP);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, status);
	bind_text(s, 3, now);
	ld_status rc = update_one(c, s);
	return rc == LD_OK ? delete_parts(c, id) : rc;
}

static void row_id(sqlite3_stmt *s, ld_arena *ar, ld_id *id)
{
	(void)ar;
	*id = sqlite3_column_int64(s, 0);
}

ld_status ld_sqg_uploads_expired(ld_conn *c, int64_t now, int limit,
				 ld_arena *ar, ld_id **out, size_t *n)
{
	sqlite3_stmt *s = gprep(c, G_UPLOADS_EXPIRED);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int(s, 2, limit);
	COLLECT(s, ar, ld_id, out, n, row_id);
	return LD_OK;
}

ld_status ld_sqg_uploads_pending(ld_conn *c, ld_id org_id, ld_id user_id,
				 int64_t now, int *count, int64_t *bytes)
{
	sqlite3_stmt *s = gprep(c, user_id ? G_UPLOADS_PENDING_USER
					   : G_UPLOADS_PENDING_ORG);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, user_id ? user_id : org_id);
	sqlite3_bind_int64(s, 2, now);
	ld_status rc = ld_sq_step_one(s);
	if (rc != LD_OK)
		return rc;
	*count = sqlite3_column_int(s, 0);
	*bytes = sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	return LD_OK;
}

/* ---- tasks and visits ----------------------------------------------- */

static void row_task(sqlite3_stmt *s, ld_arena *ar, ld_task *t)
{
	t->id = sqlite3_column_int64(s, 0);
	t->kind = col_text(s, 1, ar);
	t->grid = col_text(s, 2, ar);
	t->community = col_text(s, 3, ar);
	t->id_number = col_text(s, 4, ar);
	t->name = col_text(s, 5, ar);
	t->house_id = sqlite3_column_int64(s, 6);
	t->report_id = sqlite3_column_int64(s, 7);
	t->visit_id = sqlite3_column_int64(s, 8);
	t->detail = col_text(s, 9, ar);
	t->due_date = col_text(s, 10, ar);
	t->status = col_text(s, 11, ar);
	t->outcome = col_text(s, 12, ar);
	t->note = col_text(s, 13, ar);
	t->assignee = sqlite3_column_int64(s, 14);
	t->assignee_name = col_text(s, 15, ar);
	t->closed_by = sqlite3_column_int64(s, 16);
	t->closed_at = col_text(s, 17, ar);
	t->created_at = col_text(s, 18, ar);
	t->provisional = sqlite3_column_int(s, 19) != 0;
}

ld_status ld_sqg_task_insert(ld_conn *c, ld_task *t)
{
	sqlite3_stmt *s = gprep(c, G_TASK_INSERT);
	if (!s)
		return LD_EIO;
	bind_text(s, 1, t->kind);
	bind_text(s, 2, t->grid);
	bind_text(s, 3, t->community);
	bind_text(s, 4, t->id_number);
	bind_text(s, 5, t->name ? t->name : "");
	bind_id(s, 6, t->house_id);
	bind_id(s, 7, t->report_id);
	bind_id(s, 8, t->visit_id);
	bind_text(s, 9, t->detail ? t->detail : "");
	bind_text(s, 10, t->due_date);
	bind_text(s, 11, t->created_at);
	return insert_id(c, s, &t->id);
}

ld_status ld_sqg_task_get(ld_conn *c, ld_id id, ld_arena *ar, ld_task *out)
{
	sqlite3_stmt *s = gprep(c, G_TASK_GET);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		row_task(s, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

ld_status ld_sqg_task_update(ld_conn *c, const ld_task *t)
{
	sqlite3_stmt *s = gprep(c, G_TASK_UPDATE);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, t->id);
	bind_text(s, 2, t->status);
	bind_text(s, 3, t->outcome);
	bind_text(s, 4, t->note ? t->note : "");
	bind_text(s, 5, t->grid);
	bind_text(s, 6, t->community);
	bind_id(s, 7, t->assignee);
	bind_id(s, 8, t->closed_by);
	bind_text(s, 9, t->closed_at);
	return ld_sq_exec_done(s);
}

ld_status ld_sqg_tasks_list(ld_conn *c, const ld_access *acc,
			    const ld_task_query *tq, ld_page page,
			    ld_arena *ar, ld_task **out, size_t *n,
			    int64_t *total)
{
	struct qb f = {0};
	qb_area(&f, acc, "t.", true);
	qb_under(&f, tq->area, "t.");
	if (tq->status) {
		qb_sql(&f, " AND t.status = ");
		qb_text(&f, tq->status);
	}
	if (tq->kind) {
		qb_sql(&f, " AND t.kind = ");
		qb_text(&f, tq->kind);
	}
	if (tq->overdue_before) {
		qb_sql(&f, " AND t.status = 'open' AND t.due_date < ");
		qb_text(&f, tq->overdue_before);
	}
	QB_LIST(c, TASK_COLS, TASK_FROM " WHERE 1", &f,
		"t.status = 'done', t.due_date, t.id", page, ar, ld_task,
		row_task, out, n, total);
	return LD_OK;
}

ld_status ld_sqg_task_open_exists(ld_conn *c, const char *kind,
				  const char *id_number, ld_id house_id,
				  bool *exists)
{
	*exists = false;
	if (!id_number && strcmp(kind, "group_rental") != 0)
		return LD_EINTERNAL; /* a house has only group-rental tasks */
	sqlite3_stmt *s =
		gprep(c, id_number ? G_TASK_EXISTS_PERSON : G_TASK_EXISTS_HOUSE);
	if (!s)
		return LD_EIO;
	if (id_number)
		bind_text(s, 1, id_number);
	else
		sqlite3_bind_int64(s, 1, house_id);
	int step = SQLITE_DONE;
	while (!*exists && (step = sqlite3_step(s)) == SQLITE_ROW)
		*exists = !id_number ||
			  strcmp((const char *)sqlite3_column_text(s, 0),
				 kind) == 0;
	ld_status rc = ld_sq_rows_end(step);
	sqlite3_reset(s);
	return rc;
}

ld_status ld_sqg_tasks_open_of(ld_conn *c, const char *id_number,
				ld_id house_id, ld_arena *ar, ld_task **out,
				size_t *n)
{
	sqlite3_stmt *s =
		gprep(c, id_number ? G_TASKS_OPEN_PERSON : G_TASKS_OPEN_HOUSE);
	if (!s)
		return LD_EIO;
	if (id_number)
		bind_text(s, 1, id_number);
	else
		sqlite3_bind_int64(s, 1, house_id);
	COLLECT(s, ar, ld_task, out, n, row_task);
	return LD_OK;
}

ld_status ld_sqg_tasks_close_registered(ld_conn *c, const char *id_number,
					const char *now, ld_id user_id,
					int *closed)
{
	sqlite3_stmt *s = gprep(c, G_TASKS_CLOSE_REG);
	if (!s)
		return LD_EIO;
	bind_text(s, 1, id_number);
	bind_text(s, 2, now);
	bind_id(s, 3, user_id);
	ld_status rc = ld_sq_exec_done(s);
	*closed = rc == LD_OK ? sqlite3_changes(c->db) : 0;
	return rc;
}

ld_status ld_sqg_visit_insert(ld_conn *c, ld_visit *v)
{
	sqlite3_stmt *s = gprep(c, G_VISIT_INSERT);
	if (!s)
		return LD_EIO;
	bind_id(s, 1, v->house_id);
	bind_text(s, 2, v->grid);
	bind_text(s, 3, v->address ? v->address : "");
	bind_text(s, 4, v->date);
	bind_text(s, 5, v->occupants);
	bind_text(s, 6, v->note ? v->note : "");
	bind_id(s, 7, v->user_id);
	bind_text(s, 8, v->created_at);
	return insert_id(c, s, &v->id);
}

/* ---- figures per area ----------------------------------------------- */

static void row_grid_stat(sqlite3_stmt *s, ld_arena *ar, ld_grid_stat *g)
{
	g->code = col_text(s, 0, ar);
	g->name = col_text(s, 1, ar);
	g->actual = sqlite3_column_int64(s, 2);
	g->floating = sqlite3_column_int64(s, 3);
	g->houses = sqlite3_column_int64(s, 4);
	g->tasks_open = sqlite3_column_int64(s, 5);
	g->tasks_overdue = sqlite3_column_int64(s, 6);
}

ld_status ld_sqg_grid_stats(ld_conn *c, const ld_access *acc,
			    const char *parent, const char *today,
			    ld_arena *ar, ld_grid_stat **out, size_t *n)
{
	/* Each figure is counted over the rows of its table that lie in the
	 * access area, then summed per child area of `parent` by code
	 * prefix (areas nest by prefix: 6, 9, 12, 15 digits). */
	int len = !parent ? 6 : strlen(parent) == 6 ? 9
			      : strlen(parent) == 9 ? 12
						    : 15;
	struct qb q = {0};
	qb_sql(&q, "WITH kids AS (SELECT code, name FROM areas WHERE ");
	if (parent) {
		qb_sql(&q, "parent = ");
		qb_text(&q, parent);
	} else {
		qb_sql(&q, "parent IS NULL");
	}
	qb_sql(&q, "), people AS (SELECT r.grid AS grid, p.id_number AS idn, "
		   "r.in_scope AS fl FROM registrations r JOIN persons p ON "
		   "p.id = r.person_id WHERE r.status = 'active'");
	qb_area(&q, acc, "r.", false);
	qb_sql(&q, " UNION SELECT h.grid, t.id_number, 0 FROM tenancies t "
		   "JOIN houses h ON h.id = t.house_id WHERE t.move_out IS "
		   "NULL");
	qb_area(&q, acc, "h.", false);
	qb_sql(&q, "), ppl AS (SELECT substr(grid, 1, %d) AS k, "
		   "count(DISTINCT idn) AS actual FROM people GROUP BY k), "
		   "flo AS (SELECT substr(r.grid, 1, %d) AS k, count(*) AS "
		   "floating FROM registrations r WHERE r.status = 'active' "
		   "AND r.in_scope = 1",
	       len, len);
	qb_area(&q, acc, "r.", false);
	qb_sql(&q, " GROUP BY k), hs AS (SELECT substr(h.grid, 1, %d) AS k, "
		   "count(*) AS houses FROM houses h WHERE 1",
	       len);
	qb_area(&q, acc, "h.", false);
	qb_sql(&q, " GROUP BY k), ts AS (SELECT substr(t.grid, 1, %d) AS k, "
		   "count(*) AS open, sum(t.due_date < ",
	       len);
	qb_text(&q, today);
	qb_sql(&q, ") AS overdue FROM tasks t WHERE t.status = 'open'");
	qb_area(&q, acc, "t.", true);
	qb_sql(&q, " GROUP BY k) SELECT kids.code, kids.name, "
		   "coalesce(ppl.actual, 0), coalesce(flo.floating, 0), "
		   "coalesce(hs.houses, 0), coalesce(ts.open, 0), "
		   "coalesce(ts.overdue, 0) FROM kids LEFT JOIN ppl ON ppl.k = "
		   "kids.code LEFT JOIN flo ON flo.k = kids.code LEFT JOIN hs "
		   "ON hs.k = kids.code LEFT JOIN ts ON ts.k = kids.code ORDER "
		   "BY kids.code");
	sqlite3_stmt *s;
	ld_status rc = qb_prepare(c, &q, &s);
	if (rc != LD_OK)
		return rc;
	COLLECT_ROWS(s, ar, ld_grid_stat, out, n, row_grid_stat, rc);
	sqlite3_finalize(s);
	return rc;
}
