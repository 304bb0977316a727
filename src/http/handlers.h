/*
 * handlers.h — every request handler, named h_<resource>_<action>, and the
 * helpers they share. The route table (routes.c) binds them to paths.
 */
#ifndef LD_HANDLERS_H
#define LD_HANDLERS_H

#include "core/deadline.h"
#include "http/http.h"
#include "http/reply.h"

void h_meta_healthz(struct ld_req *r);
void h_meta_readyz(struct ld_req *r);
void h_meta_metrics(struct ld_req *r);
void h_meta_openapi(struct ld_req *r);
void h_meta_codes(struct ld_req *r);
void h_areas_list(struct ld_req *r);
void h_stations_list(struct ld_req *r);

void h_registration_check(struct ld_req *r);
void h_registration_create(struct ld_req *r);
void h_registration_get(struct ld_req *r);
void h_registration_address_change(struct ld_req *r);
void h_registration_cancel(struct ld_req *r);

void h_persons_search(struct ld_req *r);
void h_person_get(struct ld_req *r);
void h_person_history(struct ld_req *r);

void h_worklist_late(struct ld_req *r);

void h_permit_apply(struct ld_req *r);
void h_permit_accept(struct ld_req *r);
void h_permit_issue(struct ld_req *r);
void h_permit_endorse(struct ld_req *r);
void h_permit_replace(struct ld_req *r);
void h_permit_change(struct ld_req *r);
void h_permit_cancel(struct ld_req *r);
void h_permit_return(struct ld_req *r);
/* Online permit applications waiting for acceptance (待受理). */
void h_worklist_applications(struct ld_req *r);
/* Counts of the station's queues for the dashboard. */
void h_stats_queues(struct ld_req *r);
void h_permit_get(struct ld_req *r);
void h_person_entitlements(struct ld_req *r);
void h_worklist_permits(struct ld_req *r);
/* The permit work list (issue overdue, endorsement due, suspended) on `on`
 * as a JSON array; false when the store failed. */
bool ld_write_permit_worklist(struct ld_req *r, ld_jw *w, ld_day on);
void h_permit_qr(struct ld_req *r);
void h_permit_print(struct ld_req *r);
void h_verify(struct ld_req *r);

/* The permit holder's photo (h_photos.c). */
void h_person_photo_put(struct ld_req *r);
void h_person_photo_get(struct ld_req *r);
void h_permit_photo_get(struct ld_req *r);
void h_resident_photo_put(struct ld_req *r);
void h_resident_photo_get(struct ld_req *r);

/* Declare a registration from r->body; check_area: the address must lie
 * in the user's area (staff); residents may declare anywhere in Jinan. */
void ld_registration_create(struct ld_req *r, bool check_area);

/* One more step of the write job that stores a registration. */
struct ld_registration_step {
	/* In the writer, after the person, the registration and its
	 * certificate are stored, in the same savepoint (a failure undoes
	 * them all). ctx is the job's own copy of `ctx` below. */
	ld_status (*run)(void *ctx, const struct ld_store_ops *ops, ld_conn *c,
			 ld_write_job *job, const ld_person *person,
			 const ld_registration *reg);
	/* On the loop thread: more keys of the 201 answer (or NULL). */
	void (*write)(void *ctx, ld_jw *w);
	const void *ctx;
	size_t ctx_size;
	/* A second audit entry of the job (or NULL). */
	const char *action, *target;
	/* Set when the body's declared_date is a day the system recorded
	 * (an online declaration's), not one the clerk gives: it is not
	 * held to the back-dating rule (http/backdate.h), and this text is
	 * recorded as why it differs from the day entered. */
	const char *system_dated;
};
/* As ld_registration_create, with one more step in the same write job. */
void ld_registration_create_with(struct ld_req *r, bool check_area,
				 const struct ld_registration_step *step);

/* A declaration body as the rules accepted it; strings in r->arena. */
typedef struct {
	ld_person person; /* no id, no dates of its own */
	ld_address addr;
	const char *arrival_date, *declared_date, *deadline;
	bool late;
	/* The deadline as counted: provisional when a year it crossed had
	 * no holiday arrangement (docs/calendar.md). */
	ld_deadline counted;
	const char *reason, *housing, *employer;
	int stay_days;	     /* -1 when not given */
	const char *lodging; /* NULL when not given */
} ld_declared;
/* Check a declaration body exactly as ld_registration_create does,
 * answering bad input and "no registration needed" (422 not_required) the
 * same way, but store nothing. Returns false once it has answered. */
bool ld_registration_validate(struct ld_req *r, bool check_area,
			      ld_declared *out);

void h_resident_otp(struct ld_req *r);
void h_resident_login(struct ld_req *r);
void h_resident_logout(struct ld_req *r);
void h_resident_me(struct ld_req *r);
void h_resident_declare(struct ld_req *r);
void h_resident_apply(struct ld_req *r);
void h_resident_endorse(struct ld_req *r);

/* Online declarations awaiting verification (h_declarations.c). */
void h_declarations_list(struct ld_req *r);
void h_declaration_confirm(struct ld_req *r);
void h_declaration_reject(struct ld_req *r);
/* A declaration as JSON; mask: the ID number and phone masked (for grid
 * workers). A pending one says by when it should be verified (verify_by,
 * --accept-days working days after it was made) and whether that is past. */
void ld_view_declaration(ld_jw *w, const struct ld_req *r,
			 const ld_declaration *d, bool mask);

/* The calendar's state (h_calendar.c): which years have an arrangement,
 * the warnings about missing ones, the provisional figures of the area. */
void h_calendar_status(struct ld_req *r);
#define LD_CALENDAR_NOTICE_MAX 320
/* The warnings (Chinese) about missing arrangements on `today`: the
 * current year's, and from 1 December the next year's. Returns how many
 * (0 to 2) were written into out. */
int ld_calendar_notices(const ld_calendar *cal, ld_day today,
			char out[2][LD_CALENDAR_NOTICE_MAX]);

void h_stats_overview(struct ld_req *r);
void h_stats_timeline(struct ld_req *r);
void h_registrations_list(struct ld_req *r);
void h_person_permits(struct ld_req *r);

void h_audit_list(struct ld_req *r);
void h_audit_verify(struct ld_req *r);

/* Refuse, recording the attempt in the audit trail first. */
void ld_deny(struct ld_req *r, enum ld_http_error kind, const char *target);

void h_orgs_create(struct ld_req *r);
void h_orgs_list(struct ld_req *r);
void h_org_key(struct ld_req *r);
void h_houses_create(struct ld_req *r);
void h_houses_list(struct ld_req *r);
void h_house_get(struct ld_req *r);
void h_reports_create(struct ld_req *r);
void h_reports_list(struct ld_req *r);
void h_report_get(struct ld_req *r);
void h_upload_preview(struct ld_req *r);
void h_upload_open(struct ld_req *r);
void h_upload_part(struct ld_req *r);
void h_upload_get(struct ld_req *r);
void h_upload_complete(struct ld_req *r);
void h_upload_confirm(struct ld_req *r);
void h_upload_discard(struct ld_req *r);
void h_tasks_list(struct ld_req *r);
void h_task_close(struct ld_req *r);
void h_task_reassign(struct ld_req *r);
void h_visits_create(struct ld_req *r);
void h_grid_worklist(struct ld_req *r);
void h_stats_grid(struct ld_req *r);


/* Resolve address.grid of a body into a full address in the user's area. */
bool ld_resolve_grid(struct ld_req *r, const json_t *address, const char *path,
		     ld_area *community, ld_address *out);

#endif
