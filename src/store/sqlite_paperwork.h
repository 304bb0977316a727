/*
 * sqlite_paperwork.h — the SQLite functions of persons' photos and the
 * permits' issuing authorities (sqlite_paperwork.c), bound into
 * ld_store_sqlite; see store.h for what each does.
 */
#ifndef LD_SQLITE_PAPERWORK_H
#define LD_SQLITE_PAPERWORK_H

#include "store/sqlite_int.h"

ld_status ld_sqp_photo_insert(ld_conn *c, ld_photo *ph, int *dropped);
ld_status ld_sqp_photo_current(ld_conn *c, ld_id person_id, bool with_data,
			       ld_arena *ar, ld_photo *out);
ld_status ld_sqp_photo_get(ld_conn *c, ld_id id, bool with_data,
			   ld_arena *ar, ld_photo *out);
ld_status ld_sqp_issuing_authorities(ld_conn *c, ld_arena *ar,
				     ld_issuing_authority **out, size_t *n);

#endif
