/*
 * sqlite_paperwork.c — the SQLite side of persons' photos and of the
 * permits' issuing authorities (sql/sqlite/0016_paperwork.sql). Functions
 * are bound into ld_store_sqlite by store_sqlite.c; the card versions that
 * name a photo stay in store_sqlite.c with the other permit tables.
 *
 * Statements are prepared once per connection (c->paper_stmt).
 */
#include "store/sqlite_paperwork.h"

#include <stdio.h>

enum pq {
	P_PHOTO_INSERT, P_PHOTO_PRUNE, P_PHOTO_CURRENT, P_PHOTO_CURRENT_DATA,
	P_PHOTO_GET, P_PHOTO_GET_DATA, P_AUTHORITIES,
	P__COUNT
};
_Static_assert(P__COUNT <= LD_SQ_PAPER_STMTS, "raise LD_SQ_PAPER_STMTS");

#define PHOTO_COLS                                                          \
	"id, person_id, content_type, width, height, bytes, sm3, channel, "  \
	"user_id, created_at"

static const char *const psql[P__COUNT] = {
	[P_PHOTO_INSERT] = "INSERT INTO photos (person_id, content_type, "
			   "width, height, bytes, sm3, data, channel, user_id, "
			   "created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
	/* The person's earlier photos that no card version shows. */
	[P_PHOTO_PRUNE] = "DELETE FROM photos WHERE person_id = ?1 AND id <> "
			  "?2 AND NOT EXISTS (SELECT 1 FROM permit_versions v "
			  "WHERE v.photo_id = photos.id)",
	[P_PHOTO_CURRENT] = "SELECT " PHOTO_COLS " FROM photos WHERE "
			    "person_id = ? ORDER BY id DESC LIMIT 1",
	[P_PHOTO_CURRENT_DATA] = "SELECT " PHOTO_COLS ", data FROM photos "
				 "WHERE person_id = ? ORDER BY id DESC LIMIT 1",
	[P_PHOTO_GET] = "SELECT " PHOTO_COLS " FROM photos WHERE id = ?",
	[P_PHOTO_GET_DATA] = "SELECT " PHOTO_COLS ", data FROM photos WHERE "
			     "id = ?",
	[P_AUTHORITIES] = ("SELECT district, name FROM issuing_authorities "
			   "ORDER BY district"),
};

static sqlite3_stmt *pprep(ld_conn *c, enum pq q)
{
	if (!c->paper_stmt[q]) {
		if (sqlite3_prepare_v3(c->db, psql[q], -1,
				       SQLITE_PREPARE_PERSISTENT,
				       &c->paper_stmt[q], NULL) != SQLITE_OK) {
			fprintf(stderr, "liudong: sqlite prepare failed: %s: %s\n",
				sqlite3_errmsg(c->db), psql[q]);
			return NULL;
		}
	} else {
		sqlite3_reset(c->paper_stmt[q]);
		sqlite3_clear_bindings(c->paper_stmt[q]);
	}
	return c->paper_stmt[q];
}

/* ---- photos --------------------------------------------------------- */

ld_status ld_sqp_photo_insert(ld_conn *c, ld_photo *ph, int *dropped)
{
	sqlite3_stmt *s = pprep(c, P_PHOTO_INSERT);
	if (!s)
		return LD_EIO;
	int i = 1;
	sqlite3_bind_int64(s, i++, ph->person_id);
	ld_sq_bind_text(s, i++, ph->content_type);
	sqlite3_bind_int(s, i++, ph->width);
	sqlite3_bind_int(s, i++, ph->height);
	sqlite3_bind_int64(s, i++, ph->bytes);
	ld_sq_bind_text(s, i++, ph->sm3);
	sqlite3_bind_blob64(s, i++, ph->data, (sqlite3_uint64)ph->bytes,
			    SQLITE_STATIC);
	ld_sq_bind_text(s, i++, ph->channel);
	ld_sq_bind_id(s, i++, ph->user_id);
	ld_sq_bind_text(s, i++, ph->created_at);
	ld_status rc = ld_sq_insert_id(c, s, &ph->id);
	sqlite3_clear_bindings(s); /* the data is the caller's */
	if (rc != LD_OK)
		return rc;
	s = pprep(c, P_PHOTO_PRUNE);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, ph->person_id);
	sqlite3_bind_int64(s, 2, ph->id);
	rc = ld_sq_exec_done(s);
	if (rc == LD_OK && dropped)
		*dropped = sqlite3_changes(c->db);
	return rc;
}

static ld_status row_photo(sqlite3_stmt *s, bool with_data, ld_arena *ar,
			   ld_photo *p)
{
	int i = 0;
	p->id = sqlite3_column_int64(s, i++);
	p->person_id = sqlite3_column_int64(s, i++);
	p->content_type = ld_sq_col_text(s, i++, ar);
	p->width = sqlite3_column_int(s, i++);
	p->height = sqlite3_column_int(s, i++);
	p->bytes = sqlite3_column_int64(s, i++);
	p->sm3 = ld_sq_col_text(s, i++, ar);
	p->channel = ld_sq_col_text(s, i++, ar);
	p->user_id = sqlite3_column_int64(s, i++);
	p->created_at = ld_sq_col_text(s, i++, ar);
	p->data = NULL;
	if (!with_data)
		return LD_OK;
	const void *blob = sqlite3_column_blob(s, i);
	int n = sqlite3_column_bytes(s, i);
	unsigned char *copy = ld_arena_alloc(ar, n > 0 ? (size_t)n : 1);
	if (!copy)
		return LD_ENOMEM;
	if (n > 0)
		memcpy(copy, blob, (size_t)n);
	p->data = copy;
	p->bytes = n; /* what is there, whatever the row says */
	return LD_OK;
}

static ld_status one_photo(ld_conn *c, enum pq q, ld_id id, bool with_data,
			   ld_arena *ar, ld_photo *out)
{
	sqlite3_stmt *s = pprep(c, q);
	if (!s)
		return LD_EIO;
	sqlite3_bind_int64(s, 1, id);
	ld_status rc = ld_sq_step_one(s);
	if (rc == LD_OK) {
		rc = row_photo(s, with_data, ar, out);
		sqlite3_reset(s);
	}
	return rc;
}

ld_status ld_sqp_photo_current(ld_conn *c, ld_id person_id, bool with_data,
			       ld_arena *ar, ld_photo *out)
{
	return one_photo(c, with_data ? P_PHOTO_CURRENT_DATA : P_PHOTO_CURRENT,
			 person_id, with_data, ar, out);
}

ld_status ld_sqp_photo_get(ld_conn *c, ld_id id, bool with_data,
			   ld_arena *ar, ld_photo *out)
{
	return one_photo(c, with_data ? P_PHOTO_GET_DATA : P_PHOTO_GET, id,
			 with_data, ar, out);
}

/* ---- issuing authorities -------------------------------------------- */

static void row_authority(sqlite3_stmt *s, ld_arena *ar,
			  ld_issuing_authority *a)
{
	a->district = ld_sq_col_text(s, 0, ar);
	a->name = ld_sq_col_text(s, 1, ar);
}

ld_status ld_sqp_issuing_authorities(ld_conn *c, ld_arena *ar,
				     ld_issuing_authority **out, size_t *n)
{
	sqlite3_stmt *s = pprep(c, P_AUTHORITIES);
	if (!s)
		return LD_EIO;
	COLLECT(s, ar, ld_issuing_authority, out, n, row_authority);
	return LD_OK;
}
