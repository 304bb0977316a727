/*
 * sqlite_resident.h — the SQLite functions of the database's settings and
 * of residents' online declarations awaiting verification
 * (sqlite_resident.c), bound into ld_store_sqlite; see store.h for what
 * each does.
 */
#ifndef LD_SQLITE_RESIDENT_H
#define LD_SQLITE_RESIDENT_H

#include "store/sqlite_int.h"

ld_status ld_sqr_setting_get(ld_conn *c, const char *key, ld_arena *ar,
			     const char **value);
ld_status ld_sqr_setting_put(ld_conn *c, const char *key, const char *value);
ld_status ld_sqr_declaration_insert(ld_conn *c, ld_declaration *d);
ld_status ld_sqr_declaration_get(ld_conn *c, ld_id id, ld_arena *ar,
				 ld_declaration *out);
ld_status ld_sqr_declarations_list(ld_conn *c, const ld_access *acc,
				   const char *status, ld_page page,
				   ld_arena *ar, ld_declaration **out,
				   size_t *n, int64_t *total);
ld_status ld_sqr_declarations_of(ld_conn *c, const char *id_number,
				 const char *phone, ld_arena *ar,
				 ld_declaration **out, size_t *n);
ld_status ld_sqr_declaration_decide(ld_conn *c, ld_id id,
				    const ld_declaration_decision *dd);
ld_status ld_sqr_declarations_supersede(ld_conn *c, const char *id_number,
					ld_id except, ld_id user_id,
					const char *at, int *n);

#endif
