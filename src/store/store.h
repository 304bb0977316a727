/*
 * store.h — the storage interface: a versioned table of function pointers,
 * chosen by name at start (SQLite's sqlite3_vfs, curl's TLS backends).
 * Handlers and commands talk to this table, never to a database library.
 *
 * Connections: a store hands out connections; each belongs to one thread.
 * Readers run queries; the one writer connection runs write operations
 * inside begin/commit, with savepoints so one failed job does not undo the
 * others of its batch (see writer.h).
 *
 * Ownership: records returned through `out` pointers are allocated from the
 * caller's arena. Functions return LD_OK, LD_ENOTFOUND when a single record
 * does not exist, LD_ECONFLICT on a uniqueness violation, LD_EIO otherwise.
 */
#ifndef LD_STORE_H
#define LD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "store/model.h"
#include "util/arena.h"
#include "util/buf.h"

#define LD_STORE_VERSION 1

enum ld_sync {
	LD_SYNC_FULL = 0, /* each commit is on disk when it returns */
	LD_SYNC_DEFERRED, /* commit writes the log; log_sync makes it durable */
	LD_SYNC_OFF,	  /* never flushed: benchmarks of the CPU path only */
};

typedef struct ld_store ld_store;
typedef struct ld_conn ld_conn;

typedef struct {
	int offset;
	int limit;
} ld_page;

/* Called for each audit entry in order by audit_scan; non-zero stops. */
typedef int (*ld_audit_cb)(void *ctx, const ld_audit_entry *e);

struct ld_store_ops {
	unsigned version;
	const char *name;

	/* The store's file in its directory ("liudong.db"): what a backup
	 * holds of it. Files whose names begin with it (its logs) belong to
	 * the store too and are never copied as they lie. */
	const char *file;

	/* Open (creating if needed) the store in directory `dir` and apply
	 * pending migrations. */
	ld_status (*open)(const char *dir, ld_store **out, ld_error *err);
	void (*close)(ld_store *s);
	ld_status (*connect)(ld_store *s, bool writer, ld_conn **out,
			     ld_error *err);
	void (*disconnect)(ld_conn *c);
	/* Applied migration version. */
	int (*schema_version)(ld_conn *c);

	/* One read transaction around several queries (one snapshot, one
	 * lock instead of one per statement); a no-op when already in one. */
	ld_status (*read_begin)(ld_conn *c);
	ld_status (*read_end)(ld_conn *c);

	ld_status (*begin)(ld_conn *c);
	ld_status (*commit)(ld_conn *c);
	ld_status (*rollback)(ld_conn *c);
	ld_status (*savepoint)(ld_conn *c);
	ld_status (*release)(ld_conn *c);
	ld_status (*rollback_to)(ld_conn *c);
	/* Full integrity check; problems are appended to `report`. */
	ld_status (*check)(ld_conn *c, bool *ok, ld_buf *report);
	/* How commits on connection c reach the disk (enum ld_sync). */
	ld_status (*set_sync)(ld_conn *c, int mode);
	/* Whether the store checks, row by row, that what a row refers to
	 * exists (on by default). Only between transactions; off only for a
	 * job that reads every row it refers to itself (writer.h). */
	ld_status (*foreign_keys)(ld_conn *c, bool on);
	/* Flush everything committed so far to stable storage (the log);
	 * callable from any thread. With LD_SYNC_DEFERRED, nothing committed
	 * may be acknowledged before this returns LD_OK. */
	ld_status (*log_sync)(ld_store *s);
	/* Background upkeep, called about every 200 ms from a thread of its
	 * own (SQLite: a passive WAL checkpoint, so the writer never does
	 * one itself). */
	ld_status (*maintain)(ld_conn *c);

	/* Areas and stations. */
	ld_status (*station_put)(ld_conn *c, const ld_station *st);
	ld_status (*area_put)(ld_conn *c, const ld_area *a);
	ld_status (*area_get)(ld_conn *c, const char *code, ld_arena *ar,
			      ld_area *out);
	ld_status (*area_children)(ld_conn *c, const char *parent,
				   ld_arena *ar, ld_area **out, size_t *n);
	ld_status (*station_get)(ld_conn *c, const char *code, ld_arena *ar,
				 ld_station *out);
	ld_status (*stations_list)(ld_conn *c, ld_arena *ar, ld_station **out,
				   size_t *n);

	/* Users and sessions. */
	ld_status (*user_insert)(ld_conn *c, ld_user *u); /* sets u->id */
	ld_status (*user_by_name)(ld_conn *c, const char *username,
				  ld_arena *ar, ld_user *out);
	ld_status (*user_by_id)(ld_conn *c, ld_id id, ld_arena *ar,
				ld_user *out);
	ld_status (*session_insert)(ld_conn *c, const char *token_hash,
				    ld_id user_id, int64_t expires_at,
				    const char *address);
	/* LD_ENOTFOUND when absent or expired at `now`. */
	ld_status (*session_get)(ld_conn *c, const char *token_hash,
				 int64_t now, ld_id *user_id,
				 int64_t *expires_at);
	ld_status (*session_delete)(ld_conn *c, const char *token_hash);
	/* Every account, by user name. */
	ld_status (*users_list)(ld_conn *c, ld_arena *ar, ld_user **out,
				size_t *n);
	/* A new password hash; must_change for a generated one; `now` is
	 * recorded as password_changed_at. LD_ENOTFOUND: no such user. */
	ld_status (*user_set_password)(ld_conn *c, ld_id id, const char *hash,
				       bool must_change, const char *now);
	ld_status (*user_set_disabled)(ld_conn *c, ld_id id, bool disabled);
	ld_status (*user_logged_in)(ld_conn *c, ld_id id, const char *now);
	/* End every session of the user but the one whose digest is
	 * except_hash (NULL: all of them). */
	ld_status (*sessions_revoke)(ld_conn *c, ld_id user_id,
				     const char *except_hash);

	/* Persons. */
	ld_status (*person_insert)(ld_conn *c, ld_person *p); /* sets p->id */
	ld_status (*person_update)(ld_conn *c, const ld_person *p);
	ld_status (*person_get)(ld_conn *c, ld_id id, ld_arena *ar,
				ld_person *out);
	ld_status (*person_by_id_number)(ld_conn *c, const char *id_number,
					 ld_arena *ar, ld_person *out);
	/* Persons who lie in the access area and match q; *total counts all
	 * matches. A person lies where their active registration lies, or
	 * with none active, their most recent one (sqlite_area.c). */
	ld_status (*person_search)(ld_conn *c, const ld_access *acc,
				   const ld_person_query *q, ld_page page,
				   ld_arena *ar, ld_person **out, size_t *n,
				   int64_t *total);
	/* Whether the person lies in the access area (as person_search). */
	ld_status (*person_visible)(ld_conn *c, const ld_access *acc,
				    ld_id person_id, bool *visible);

	/* Registrations and their events. */
	ld_status (*registration_insert)(ld_conn *c, ld_registration *r);
	ld_status (*registration_get)(ld_conn *c, ld_id id, ld_arena *ar,
				      ld_registration *out);
	ld_status (*registrations_of_person)(ld_conn *c, ld_id person_id,
					     ld_arena *ar,
					     ld_registration **out, size_t *n);
	ld_status (*registration_active_of_person)(ld_conn *c, ld_id person_id,
						   ld_arena *ar,
						   ld_registration *out);
	ld_status (*registration_set_address)(ld_conn *c, ld_id id,
					      const ld_address *a);
	ld_status (*registration_cancel)(ld_conn *c, ld_id id, const char *date,
					 const char *reason,
					 const char *reporter);
	/* Note on active registration `id` that the grid found its holder
	 * moved away on `date` (task `task_id`); LD_ENOTFOUND when it is no
	 * longer active. */
	ld_status (*registration_moved_away)(ld_conn *c, ld_id id,
					     const char *date, ld_id task_id);
	/* Whether the registration lies in the access area, or its person
	 * does: a station keeps reading what it recorded after the person has
	 * moved away, and the new station reads the person's old ones. */
	ld_status (*registration_visible)(ld_conn *c, const ld_access *acc,
					  ld_id id, bool *visible);
	ld_status (*event_insert)(ld_conn *c, ld_reg_event *e);
	ld_status (*events_of_person)(ld_conn *c, ld_id person_id,
				      ld_arena *ar, ld_reg_event **out,
				      size_t *n);
	/* Next serial for certificates of `district` in `year`. */
	ld_status (*certificate_next)(ld_conn *c, const char *district,
				      int year, long *serial);
	/* Late declarations and address changes in the access area whose date
	 * lies in [from, to] (either may be NULL), newest first. */
	ld_status (*worklist_late)(ld_conn *c, const ld_access *acc,
				   const char *from, const char *to,
				   ld_page page, ld_arena *ar,
				   ld_late_item **out, size_t *n,
				   int64_t *total);

	/* Audit trail. */
	ld_status (*audit_head)(ld_conn *c, int64_t *seq, char hash[65]);
	ld_status (*audit_insert)(ld_conn *c, const ld_audit_entry *e);
	ld_status (*audit_list)(ld_conn *c, const char *target,
				int64_t before_seq, ld_page page, ld_arena *ar,
				ld_audit_entry **out, size_t *n);
	/* Every entry from seq from_seq on, in order. */
	ld_status (*audit_scan)(ld_conn *c, int64_t from_seq, ld_audit_cb cb,
				void *ctx);

	/* Residence permits. */
	ld_status (*permit_insert)(ld_conn *c, ld_permit *p); /* sets p->id */
	/* Writes every mutable field of p (by p->id). */
	ld_status (*permit_update)(ld_conn *c, const ld_permit *p);
	ld_status (*permit_get)(ld_conn *c, ld_id id, ld_arena *ar,
				ld_permit *out);
	/* The person's permit that is applied, accepted or issued. */
	ld_status (*permit_active_of_person)(ld_conn *c, ld_id person_id,
					     ld_arena *ar, ld_permit *out);
	ld_status (*permit_by_no)(ld_conn *c, const char *permit_no,
				  ld_arena *ar, ld_permit *out);
	ld_status (*permits_of_person)(ld_conn *c, ld_id person_id,
				       ld_arena *ar, ld_permit **out,
				       size_t *n);
	/* Permits in `status` whose holder lies in the access area (as
	 * person_search); at most `limit`. For work lists. */
	ld_status (*permits_in_area)(ld_conn *c, const ld_access *acc,
				     const char *status, int limit,
				     ld_arena *ar, ld_permit **out, size_t *n);
	/* Applications waiting for acceptance (status applied) made through
	 * `channel`, whose holder lies in the access area (as person_search),
	 * oldest first; applied_before: only those applied before that day
	 * (NULL: all). *total counts all that match. */
	ld_status (*applications_list)(ld_conn *c, const ld_access *acc,
				       const char *channel,
				       const char *applied_before, ld_page page,
				       ld_arena *ar, ld_application_row **out,
				       size_t *n, int64_t *total);
	/* The queues of the access area: pending online declarations (by
	 * their grid), online applications waiting for acceptance (by their
	 * holder), each with those made before `overdue_before`; active
	 * registrations whose holder the grid found moved away. */
	ld_status (*queue_counts)(ld_conn *c, const ld_access *acc,
				  const char *overdue_before,
				  ld_queue_counts *out);
	ld_status (*endorsement_insert)(ld_conn *c, ld_endorsement *e);
	ld_status (*endorsements_of)(ld_conn *c, ld_id permit_id, ld_arena *ar,
				     ld_endorsement **out, size_t *n);
	ld_status (*version_insert)(ld_conn *c, ld_permit_version *v);
	/* Mark every current version of the permit invalid from `date`. */
	ld_status (*versions_invalidate)(ld_conn *c, ld_id permit_id,
					 const char *date);
	ld_status (*version_by_licence)(ld_conn *c, const char *licence_id,
					ld_arena *ar, ld_permit_version *out);
	ld_status (*versions_of)(ld_conn *c, ld_id permit_id, ld_arena *ar,
				 ld_permit_version **out, size_t *n);
	ld_status (*permit_event_insert)(ld_conn *c, ld_permit_event *e);
	ld_status (*permit_events_of)(ld_conn *c, ld_id permit_id,
				      ld_arena *ar, ld_permit_event **out,
				      size_t *n);

	/* Statistics over active registrations in the access area. group:
	 * "district", "street", "community", "grid", "hukou_province",
	 * "reason"; parent: only under that area code (or NULL). */
	ld_status (*stats_group)(ld_conn *c, const ld_access *acc,
				 const char *group, const char *parent,
				 bool late_only, ld_arena *ar,
				 ld_stat_item **out, size_t *n);
	/* Per month from `from` to `to` ("YYYY-MM"): registrations declared,
	 * how many late, permits issued, in the access area. */
	ld_status (*stats_timeline)(ld_conn *c, const ld_access *acc,
				    const char *from, const char *to,
				    ld_arena *ar, ld_stat_month **out,
				    size_t *n);
	ld_status (*registrations_list)(ld_conn *c, const ld_access *acc,
					const ld_registration_query *q,
					ld_page page, ld_arena *ar,
					ld_registration_row **out, size_t *n,
					int64_t *total);

	/* Residents' one-time codes and sessions (digests only). */
	ld_status (*resident_code_put)(ld_conn *c, const char *id_number,
				       const char *phone, const char *code_hash,
				       int64_t now, int64_t expires_at);
	ld_status (*resident_code_get)(ld_conn *c, const char *id_number,
				       const char *phone, char code_hash[65],
				       int64_t *created_at, int64_t *expires_at,
				       int *attempts);
	/* Count one attempt at the code of (id_number, phone), unless it has
	 * max_attempts already, and read the code back: its digest, expiry
	 * and the attempts counted, this one included. LD_ENOTFOUND when
	 * there is no code, or it has had its max_attempts (it is void). */
	ld_status (*resident_code_attempt)(ld_conn *c, const char *id_number,
					   const char *phone, int max_attempts,
					   char code_hash[65],
					   int64_t *expires_at, int *attempts);
	ld_status (*resident_code_delete)(ld_conn *c, const char *id_number,
					  const char *phone);
	ld_status (*resident_session_insert)(ld_conn *c, const char *token_hash,
					     const char *id_number,
					     const char *phone,
					     int64_t expires_at);
	/* LD_ENOTFOUND when absent or expired at `now`; strings in ar. */
	ld_status (*resident_session_get)(ld_conn *c, const char *token_hash,
					  int64_t now, ld_arena *ar,
					  const char **id_number,
					  const char **phone);
	ld_status (*resident_session_delete)(ld_conn *c,
					     const char *token_hash);

	/* Counts for /metrics and the demo summary. */
	ld_status (*counts)(ld_conn *c, int64_t *persons,
			    int64_t *active_registrations, int64_t *audit);

	/* ---- rental housing, reports, the grid (sqlite_grid.c) ---------- */

	ld_status (*org_insert)(ld_conn *c, ld_org *o); /* sets o->id */
	ld_status (*org_get)(ld_conn *c, ld_id id, ld_arena *ar, ld_org *out);
	/* Organisations in the access area (by their grid), of `kind` or all. */
	ld_status (*orgs_list)(ld_conn *c, const ld_access *acc,
			       const char *kind, ld_page page, ld_arena *ar,
			       ld_org **out, size_t *n, int64_t *total);
	/* Revoke the organisation's keys and store a new one (digest). */
	ld_status (*api_key_replace)(ld_conn *c, ld_id org_id,
				     const char *key_hash, const char *prefix,
				     const char *now);
	/* The organisation of a valid key; LD_ENOTFOUND otherwise. */
	ld_status (*api_key_org)(ld_conn *c, const char *key_hash,
				 ld_id *org_id);
	ld_status (*api_keys_of)(ld_conn *c, ld_id org_id, ld_arena *ar,
				 ld_api_key **out, size_t *n);

	ld_status (*house_insert)(ld_conn *c, ld_house *h); /* sets h->id */
	ld_status (*house_get)(ld_conn *c, ld_id id, ld_arena *ar,
			       ld_house *out);
	ld_status (*house_set_occupancy)(ld_conn *c, ld_id id, int occupants,
					 bool flagged);
	/* Houses in the access area and under `area` (or all). */
	ld_status (*houses_list)(ld_conn *c, const ld_access *acc,
				 const char *area, bool flagged_only,
				 ld_page page, ld_arena *ar, ld_house **out,
				 size_t *n, int64_t *total);

	ld_status (*tenancy_insert)(ld_conn *c, ld_tenancy *t);
	/* The open tenancy of a person in a house; LD_ENOTFOUND if none. */
	ld_status (*tenancy_open_of)(ld_conn *c, ld_id house_id,
				     const char *id_number, ld_id *id);
	ld_status (*tenancy_close)(ld_conn *c, ld_id id, const char *date,
				   ld_id report_id);
	ld_status (*tenancies_open_count)(ld_conn *c, ld_id house_id,
					  int *count);
	ld_status (*tenancies_of_house)(ld_conn *c, ld_id house_id,
					bool open_only, ld_arena *ar,
					ld_tenancy **out, size_t *n);

	/* Whether a person with this ID number has an active registration. */
	ld_status (*person_registered)(ld_conn *c, const char *id_number,
				       bool *registered);

	ld_status (*report_insert)(ld_conn *c, ld_report *r); /* sets r->id */
	ld_status (*report_get)(ld_conn *c, ld_id id, ld_arena *ar,
				ld_report *out);
	ld_status (*reports_list)(ld_conn *c, const ld_access *acc,
				  const ld_report_query *q, ld_page page,
				  ld_arena *ar, ld_report **out, size_t *n,
				  int64_t *total);

	/* Insert an upload (sets u->id); with u->data, its file as part 1. */
	ld_status (*upload_insert)(ld_conn *c, ld_upload *u);
	/* The upload without its file (data NULL). */
	ld_status (*upload_get)(ld_conn *c, ld_id id, ld_arena *ar,
				ld_upload *out);
	/* The parts stored so far, by number. */
	ld_status (*upload_parts)(ld_conn *c, ld_id id, ld_arena *ar,
				  ld_upload_part **out, size_t *n);
	/* Append the file (its parts in order) to `out`; LD_ETOOBIG past
	 * out's maximum. */
	ld_status (*upload_file)(ld_conn *c, ld_id id, ld_buf *out);
	/* Store part n (replacing a part of that number) and bump the
	 * upload's revision. */
	ld_status (*upload_part_put)(ld_conn *c, ld_id id, int n,
				     const void *data, size_t len);
	/* receiving -> previewed, with u's encoding, rows and bad, provided
	 * its revision is still u->revision; LD_ECONFLICT otherwise. */
	ld_status (*upload_previewed)(ld_conn *c, const ld_upload *u);
	/* previewed -> confirmed, its parts deleted; LD_ECONFLICT when it
	 * is not previewed. */
	ld_status (*upload_confirm)(ld_conn *c, ld_id id, const char *now);
	/* receiving or previewed -> `status` ("discarded" or "expired"), its
	 * parts deleted; LD_ECONFLICT when it is neither. */
	ld_status (*upload_drop)(ld_conn *c, ld_id id, const char *status,
				 const char *now);
	/* Uploads still receiving or previewed whose expires_at <= now; at
	 * most `limit`. */
	ld_status (*uploads_expired)(ld_conn *c, int64_t now, int limit,
				     ld_arena *ar, ld_id **out, size_t *n);
	/* How many uploads, and how many bytes, are receiving or previewed
	 * and not expired at `now`: of user_id when it is not 0, else of
	 * org_id. For the quota. */
	ld_status (*uploads_pending)(ld_conn *c, ld_id org_id, ld_id user_id,
				     int64_t now, int *count, int64_t *bytes);

	ld_status (*task_insert)(ld_conn *c, ld_task *t); /* sets t->id */
	ld_status (*task_get)(ld_conn *c, ld_id id, ld_arena *ar,
			      ld_task *out);
	/* Writes status, outcome, note, grid, community, assignee, closed_*. */
	ld_status (*task_update)(ld_conn *c, const ld_task *t);
	ld_status (*tasks_list)(ld_conn *c, const ld_access *acc,
				const ld_task_query *q, ld_page page,
				ld_arena *ar, ld_task **out, size_t *n,
				int64_t *total);
	/* Whether an open task of `kind` exists for the person (id_number)
	 * or, when id_number is NULL, for the house (kind "group_rental":
	 * the only kind asked of a house). */
	ld_status (*task_open_exists)(ld_conn *c, const char *kind,
				      const char *id_number, ld_id house_id,
				      bool *exists);
	/* The open tasks of a person (id_number), or, with id_number NULL,
	 * the open group_rental tasks of house `house_id`; in id order. */
	ld_status (*tasks_open_of)(ld_conn *c, const char *id_number,
				   ld_id house_id, ld_arena *ar, ld_task **out,
				   size_t *n);
	/* Close the person's open `unregistered` tasks as registered. */
	ld_status (*tasks_close_registered)(ld_conn *c, const char *id_number,
					    const char *now, ld_id user_id,
					    int *closed);

	ld_status (*visit_insert)(ld_conn *c, ld_visit *v); /* sets v->id */

	/* Figures per child area of `parent` (districts when NULL) within the
	 * access area; overdue: open tasks due before `today`. */
	ld_status (*grid_stats)(ld_conn *c, const ld_access *acc,
				const char *parent, const char *today,
				ld_arena *ar, ld_grid_stat **out, size_t *n);

	/* ---- settings and residents' declarations (sqlite_resident.c) ---- */

	/* A setting of the database (table settings); LD_ENOTFOUND when it
	 * is not set. */
	ld_status (*setting_get)(ld_conn *c, const char *key, ld_arena *ar,
				 const char **value);
	ld_status (*setting_put)(ld_conn *c, const char *key,
				 const char *value);

	/* A pending online declaration; sets d->id. */
	ld_status (*declaration_insert)(ld_conn *c, ld_declaration *d);
	ld_status (*declaration_get)(ld_conn *c, ld_id id, ld_arena *ar,
				     ld_declaration *out);
	/* Declarations in the access area (by their grid), of `status` or
	 * all (NULL): the pending ones first, oldest first, then those
	 * decided, newest first. */
	ld_status (*declarations_list)(ld_conn *c, const ld_access *acc,
				       const char *status, ld_page page,
				       ld_arena *ar, ld_declaration **out,
				       size_t *n, int64_t *total);
	/* A resident's own: those made with this ID number and this phone,
	 * newest first (at most 20). */
	ld_status (*declarations_of)(ld_conn *c, const char *id_number,
				     const char *phone, ld_arena *ar,
				     ld_declaration **out, size_t *n);
	/* pending -> confirmed or rejected; LD_ECONFLICT when it is no
	 * longer pending. */
	ld_status (*declaration_decide)(ld_conn *c, ld_id id,
					const ld_declaration_decision *dd);
	/* Mark the other pending declarations of id_number superseded (one
	 * of them was confirmed); *n says how many. */
	ld_status (*declarations_supersede)(ld_conn *c, const char *id_number,
					    ld_id except, ld_id user_id,
					    const char *at, int *n);
	/* Readiness: inside a write transaction, change nothing but make its
	 * commit write to the log as a change would, so that a commit that
	 * succeeds shows the store can be written now. */
	ld_status (*probe_write)(ld_conn *c);

	/* ---- audit anchors and backups (store/anchor.h, cmd_backup.c) ----- */

	/* The anchor record this database last saw: its number in the anchor
	 * log and the SM3 of its line. LD_ENOTFOUND when there is none. */
	ld_status (*audit_anchor_get)(ld_conn *c, int64_t *n, char hash[65]);
	/* Record it (in the caller's transaction). */
	ld_status (*audit_anchor_put)(ld_conn *c, int64_t n, const char *hash,
				      const char *at);
	/* Write a consistent copy of the whole database, as of one moment,
	 * to the new file `path` while others go on reading and writing (it
	 * holds everything committed before the call). Callable from any
	 * thread; uses a connection of its own. */
	ld_status (*backup)(ld_store *s, const char *path, ld_error *err);

	/* ---- paperwork: photos, issuing authorities (sqlite_paperwork.c) */

	/* Store a photo of ph->person_id (sets ph->id), the person's current
	 * one from now on, and delete their earlier photos that no permit
	 * card version shows (*dropped says how many). */
	ld_status (*photo_insert)(ld_conn *c, ld_photo *ph, int *dropped);
	/* The person's current (latest) photo; its bytes only when
	 * with_data. LD_ENOTFOUND when there is none. */
	ld_status (*photo_current)(ld_conn *c, ld_id person_id, bool with_data,
				   ld_arena *ar, ld_photo *out);
	/* A photo by id; its bytes only when with_data. */
	ld_status (*photo_get)(ld_conn *c, ld_id id, bool with_data,
			       ld_arena *ar, ld_photo *out);
	/* The issuing authority of every district and county on record
	 * (table issuing_authorities), by code. */
	ld_status (*issuing_authorities)(ld_conn *c, ld_arena *ar,
					 ld_issuing_authority **out, size_t *n);

	/* ---- provisional decisions (sqlite_calendar.c) ------------------ */

	/* Flag the stored decision `id` of `kind` as provisional: its
	 * deadline was counted over a year with no holiday arrangement. A
	 * registration's own flag is calendar_complete, written by its
	 * insert; marking it flags its "declared" event. A task keeps the
	 * count: `days` working days after `from` (NULL and 0 otherwise). */
	ld_status (*provisional_mark)(ld_conn *c, ld_prov_kind kind, ld_id id,
				      const char *from, int days);
	/* Every stored provisional decision, with its inputs. */
	ld_status (*provisional_list)(ld_conn *c, ld_arena *ar,
				      ld_provisional **out, size_t *n);
	/* Write a decision again: p->deadline, p->late (where the kind
	 * judges lateness) and whether it stays provisional. */
	ld_status (*provisional_set)(ld_conn *c, const ld_provisional *p,
				     bool provisional);
	/* Of the active registrations in the access area: how many have a
	 * provisional deadline, and how many of those are late. */
	ld_status (*provisional_counts)(ld_conn *c, const ld_access *acc,
					int64_t *registrations,
					int64_t *late);
};

/* The backend registered under `name` ("sqlite"), or NULL. */
const struct ld_store_ops *ld_store_find(const char *name);

extern const struct ld_store_ops ld_store_sqlite;

#endif
