/*
 * sqlite_calendar.h — the SQLite functions of provisional decisions
 * (sqlite_calendar.c), bound into ld_store_sqlite; see store.h for what
 * each does.
 */
#ifndef LD_SQLITE_CALENDAR_H
#define LD_SQLITE_CALENDAR_H

#include "store/sqlite_int.h"

ld_status ld_sqc_provisional_mark(ld_conn *c, ld_prov_kind kind, ld_id id,
				  const char *from, int days);
ld_status ld_sqc_provisional_list(ld_conn *c, ld_arena *ar,
				  ld_provisional **out, size_t *n);
ld_status ld_sqc_provisional_set(ld_conn *c, const ld_provisional *p,
				 bool provisional);
ld_status ld_sqc_provisional_counts(ld_conn *c, const ld_access *acc,
				    int64_t *registrations, int64_t *late);

#endif
