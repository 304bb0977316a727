/*
 * sqlite_int.h — what the SQLite backend's files share: the connection and
 * small helpers over statements. Not for use outside src/store/sqlite_*.c
 * and store_sqlite.c.
 */
#ifndef LD_SQLITE_INT_H
#define LD_SQLITE_INT_H

#include <stdbool.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"

#define LD_SQ_MAIN_STMTS 96
#define LD_SQ_GRID_STMTS 48
#define LD_SQ_RESIDENT_STMTS 16
#define LD_SQ_PAPER_STMTS 8

/* Certificate serials handed out in the current transaction, written back
 * once at commit instead of twice per certificate. Never written earlier:
 * a write inside a savepoint could be rolled back while the cache kept
 * counting, and a number would be handed out twice. It grows as needed
 * (one entry per county and year in the transaction). */
struct serial_entry {
	char district[16];
	int year;
	long next;
	bool dirty;
};

struct serial_cache {
	int n, cap;
	struct serial_entry *e;
};

struct ld_conn {
	sqlite3 *db;
	bool writer;
	sqlite3_stmt *stmt[LD_SQ_MAIN_STMTS];
	sqlite3_stmt *grid_stmt[LD_SQ_GRID_STMTS]; /* sqlite_grid.c */
	sqlite3_stmt *resident_stmt[LD_SQ_RESIDENT_STMTS]; /* sqlite_resident.c */
	sqlite3_stmt *paper_stmt[LD_SQ_PAPER_STMTS]; /* sqlite_paperwork.c */
	struct serial_cache serials;
};

ld_status ld_sq_map_rc(int rc);
void ld_sq_bind_text(sqlite3_stmt *s, int i, const char *v);
/* An id, or NULL for none (0). */
void ld_sq_bind_id(sqlite3_stmt *s, int i, ld_id v);
/* A count or flag that may be unknown: NULL for a negative v. */
void ld_sq_bind_int_or_null(sqlite3_stmt *s, int i, int v);
/* Column i as an int, or `unknown` when it is NULL. */
int ld_sq_col_int_or(sqlite3_stmt *s, int i, int unknown);
const char *ld_sq_col_text(sqlite3_stmt *s, int i, ld_arena *ar);
/* Step a statement that returns no rows. */
ld_status ld_sq_exec_done(sqlite3_stmt *s);
/* Step an INSERT; on success *id is the new row's id. */
ld_status ld_sq_insert_id(ld_conn *c, sqlite3_stmt *s, ld_id *id);
/* Step to the one row: LD_OK (row ready), LD_ENOTFOUND, or an error. */
ld_status ld_sq_step_one(sqlite3_stmt *s);
/* How a loop over rows ended, given its last step: at a row (it stopped
 * by itself) or at the end, LD_OK; else the error, for a list cut short
 * by a failing read is a failure, never a shorter list. */
static inline ld_status ld_sq_rows_end(int step)
{
	return step == SQLITE_ROW || step == SQLITE_DONE ? LD_OK
							 : ld_sq_map_rc(step);
}

/* ---- who sees what (sqlite_area.c) ---------------------------------- */

enum ld_sq_subject {
	LD_SQ_PLACE,	     /* a row with community and grid columns */
	LD_SQ_PLACE_BY_GRID, /* the same, found by its grid alone (tasks,
				whose index is by grid) */
	LD_SQ_PERSON,	     /* a person: `t` is an SQL expression of the
				person's id */
};

/*
 * The condition "subject lies in the area of acc" as SQL text: for the
 * place subjects, `t` is the row's alias with its dot ("r.") or "";
 * `param` is the parameter where the area code goes ("?", "?3"). Returns
 * the text (in buf, of cap bytes, or a constant: "1" for all, "0" for
 * none) and sets *bind to the value to bind at `param`, or NULL when the
 * text has no parameter. The rule itself is described in sqlite_area.c.
 */
const char *ld_sq_area(const ld_access *acc, enum ld_sq_subject subject,
		       const char *t, const char *param, char *buf, size_t cap,
		       const char **bind);
#define LD_SQ_AREA_MAX 320 /* room for any condition ld_sq_area writes */

/* Read every row of s into an arena array (*out, *n) with a row reader.
 * rc is LD_OK, LD_ENOMEM, or the error that stopped the reading: a list
 * cut short by a failing read is a failure, never a shorter list. The
 * statement is left as stepped; reset or finalize it after. */
#define COLLECT_ROWS(s, ar, type, out, n, reader, rc)                     \
	do {                                                               \
		size_t cap_ = 16, cnt_ = 0;                                \
		type *arr_ = ld_arena_alloc(ar, cap_ * sizeof(type));      \
		int st_ = SQLITE_DONE;                                     \
		while (arr_ && (st_ = sqlite3_step(s)) == SQLITE_ROW) {    \
			if (cnt_ == cap_) {                                \
				type *bigger_ = ld_arena_alloc(            \
					ar, 2 * cap_ * sizeof(type));      \
				if (!bigger_) {                            \
					arr_ = NULL;                       \
					break;                             \
				}                                          \
				memcpy(bigger_, arr_, cap_ * sizeof(type)); \
				arr_ = bigger_;                            \
				cap_ *= 2;                                 \
			}                                                  \
			memset(&arr_[cnt_], 0, sizeof(type));              \
			reader(s, ar, &arr_[cnt_]);                        \
			cnt_++;                                            \
		}                                                          \
		(rc) = arr_ ? ld_sq_rows_end(st_) : LD_ENOMEM;             \
		if ((rc) == LD_OK) {                                       \
			*(out) = arr_;                                     \
			*(n) = cnt_;                                       \
		}                                                          \
	} while (0)

/* COLLECT_ROWS from a kept statement, which is reset; the caller returns
 * the failure. */
#define COLLECT(s, ar, type, out, n, reader)                               \
	do {                                                               \
		ld_status rc__;                                            \
		COLLECT_ROWS(s, ar, type, out, n, reader, rc__);           \
		sqlite3_reset(s);                                          \
		if (rc__ != LD_OK)                                         \
			return rc__;                                       \
	} while (0)

#endif
