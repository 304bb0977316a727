/*
 * sqlite_grid.h — the SQLite functions of rental housing, reports and the
 * grid (sqlite_grid.c), bound into ld_store_sqlite; see store.h for what
 * each does.
 */
#ifndef LD_SQLITE_GRID_H
#define LD_SQLITE_GRID_H

#include "store/sqlite_int.h"

ld_status ld_sqg_org_insert(ld_conn *c, ld_org *o);
ld_status ld_sqg_org_get(ld_conn *c, ld_id id, ld_arena *ar, ld_org *out);
ld_status ld_sqg_orgs_list(ld_conn *c, const ld_access *acc, const char *kind,
			   ld_page page, ld_arena *ar, ld_org **out, size_t *n,
			   int64_t *total);
ld_status ld_sqg_api_key_replace(ld_conn *c, ld_id org_id,
				 const char *key_hash, const char *prefix,
				 const char *now);
ld_status ld_sqg_api_key_org(ld_conn *c, const char *key_hash, ld_id *org_id);
ld_status ld_sqg_api_keys_of(ld_conn *c, ld_id org_id, ld_arena *ar,
			     ld_api_key **out, size_t *n);
ld_status ld_sqg_house_insert(ld_conn *c, ld_house *h);
ld_status ld_sqg_house_get(ld_conn *c, ld_id id, ld_arena *ar, ld_house *out);
ld_status ld_sqg_house_set_occupancy(ld_conn *c, ld_id id, int occupants,
				     bool flagged);
ld_status ld_sqg_houses_list(ld_conn *c, const ld_access *acc,
			     const char *area, bool flagged_only, ld_page page,
			     ld_arena *ar, ld_house **out, size_t *n,
			     int64_t *total);
ld_status ld_sqg_tenancy_insert(ld_conn *c, ld_tenancy *t);
ld_status ld_sqg_tenancy_open_of(ld_conn *c, ld_id house_id,
				 const char *id_number, ld_id *id);
ld_status ld_sqg_tenancy_close(ld_conn *c, ld_id id, const char *date,
			       ld_id report_id);
ld_status ld_sqg_tenancies_open_count(ld_conn *c, ld_id house_id, int *count);
ld_status ld_sqg_tenancies_of_house(ld_conn *c, ld_id house_id,
				    bool open_only, ld_arena *ar,
				    ld_tenancy **out, size_t *n);
ld_status ld_sqg_person_registered(ld_conn *c, const char *id_number,
				   bool *registered);
ld_status ld_sqg_report_insert(ld_conn *c, ld_report *r);
ld_status ld_sqg_report_get(ld_conn *c, ld_id id, ld_arena *ar,
			    ld_report *out);
ld_status ld_sqg_reports_list(ld_conn *c, const ld_access *acc,
			      const ld_report_query *rq, ld_page page,
			      ld_arena *ar, ld_report **out, size_t *n,
			      int64_t *total);
ld_status ld_sqg_upload_insert(ld_conn *c, ld_upload *u);
ld_status ld_sqg_upload_get(ld_conn *c, ld_id id, ld_arena *ar,
			    ld_upload *out);
ld_status ld_sqg_upload_parts(ld_conn *c, ld_id id, ld_arena *ar,
			      ld_upload_part **out, size_t *n);
ld_status ld_sqg_upload_file(ld_conn *c, ld_id id, ld_buf *out);
ld_status ld_sqg_upload_part_put(ld_conn *c, ld_id id, int n,
				 const void *data, size_t len);
ld_status ld_sqg_upload_previewed(ld_conn *c, const ld_upload *u);
ld_status ld_sqg_upload_confirm(ld_conn *c, ld_id id, const char *now);
ld_status ld_sqg_upload_drop(ld_conn *c, ld_id id, const char *status,
			     const char *now);
ld_status ld_sqg_uploads_expired(ld_conn *c, int64_t now, int limit,
				 ld_arena *ar, ld_id **out, size_t *n);
ld_status ld_sqg_uploads_pending(ld_conn *c, ld_id org_id, ld_id user_id,
				 int64_t now, int *count, int64_t *bytes);
ld_status ld_sqg_task_insert(ld_conn *c, ld_task *t);
ld_status ld_sqg_task_get(ld_conn *c, ld_id id, ld_arena *ar, ld_task *out);
ld_status ld_sqg_task_update(ld_conn *c, const ld_task *t);
ld_status ld_sqg_tasks_list(ld_conn *c, const ld_access *acc,
			    const ld_task_query *tq, ld_page page,
			    ld_arena *ar, ld_task **out, size_t *n,
			    int64_t *total);
ld_status ld_sqg_task_open_exists(ld_conn *c, const char *kind,
				  const char *id_number, ld_id house_id,
				  bool *exists);
ld_status ld_sqg_tasks_open_of(ld_conn *c, const char *id_number,
				ld_id house_id, ld_arena *ar, ld_task **out,
				size_t *n);
ld_status ld_sqg_tasks_close_registered(ld_conn *c, const char *id_number,
					const char *now, ld_id user_id,
					int *closed);
ld_status ld_sqg_visit_insert(ld_conn *c, ld_visit *v);
ld_status ld_sqg_grid_stats(ld_conn *c, const ld_access *acc,
			    const char *parent, const char *today,
			    ld_arena *ar, ld_grid_stat **out, size_t *n);

#endif
