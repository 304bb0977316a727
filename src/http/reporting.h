/*
 * reporting.h — checking and recording one report of an organisation
 * (docs/grid.md): the single-report API, the upload preview and the upload
 * confirmation all go through these two functions, so a row is judged the
 * same way wherever it comes from.
 *
 * ld_report_prepare reads (any connection); ld_report_apply writes (the
 * writer's connection, inside its transaction); ld_report_flush ends a
 * batch of applied reports by writing the houses they changed.
 *
 * A context serves one batch: one report, one upload preview or one upload
 * confirmation. The batch remembers whom it plans an `unregistered` task
 * for (one per person, however many rows name them) and the houses whose
 * tenants it moved, so each house is counted once and written once.
 *
 * The rows of an upload may be prepared by several contexts at once, one
 * per thread (src/http/upload.c); one context, the batch's own, settles
 * and applies them all, in the order of the file:
 *
 *	ld_report_prepare -> ld_report_settle -> ld_report_apply ... flush
 */
#ifndef LD_REPORTING_H
#define LD_REPORTING_H

#include "core/calendar.h"
#include "core/report.h"
#include "core/scope.h"
#include "store/store.h"

/* A report as given, every field as text ("" or NULL when absent). Field
 * codes (used in errors) are the CSV column codes of docs/grid.md. */
struct ld_report_in {
	const char *kind, *id_number, *name, *phone, *hukou_code;
	const char *event_date, *event_time;
	const char *reported_date; /* staff entering a paper report only */
	/* Why reported_date is an earlier day than today (checked by the
	 * caller, http/backdate.h); recorded with the report. */
	const char *date_reason;
	const char *house;			   /* house number */
	const char *grid, *address;
	const char *arrival_date;
};

/* An open-addressing set of pointers (in the batch's arena). */
struct ld_report_set {
	void **slot;
	size_t cap, n;
};

/* A house the batch has looked up; once it moves tenants, its occupancy. */
struct ld_report_house {
	ld_house house;	/* as stored when the batch first read it */
	const char *text; /* its address as text */
	bool moved;	/* the batch moves its tenants: occupants counts */
	int occupants;	/* open tenancies now */
	struct ld_report_house *next; /* moved houses, in the order first moved */
};

/* An `unregistered` task the batch will write (ld_report_flush). */
struct ld_report_task {
	ld_task task; /* task.id is set when it is written */
	struct ld_report_task *next;
	/* When task.provisional: its count, kept for the re-decision. */
	const char *due_from;
	int due_days;
};

/* A person's tenancy of a house as the batch leaves it. */
struct ld_report_tenancy {
	ld_id house;
	const char *id_number;
	ld_id open; /* the open tenancy, 0 for none */
};

/* A grid the batch has looked up, with its community. */
struct ld_report_grid {
	ld_area grid, community;
};

/* What one batch of reports shares. */
struct ld_report_ctx {
	const struct ld_store_ops *ops;
	ld_conn *c;
	const ld_calendar *cal;
	ld_group_rental_settings group_rental;
	ld_rules_settings rules; /* the server's readings (srv->settings) */
	int task_days; /* working days for house and visit tasks */
	ld_org org;
	ld_org_kind org_kind;
	ld_day today;
	const char *now; /* ISO time, for created_at */
	ld_id user_id;
	bool may_backdate; /* staff entering a paper report */
	ld_arena *ar; /* what a report needs while it is checked and written */
	/* The batch (memory: x->batch, up to LD_REPORT_BATCH_MAX). */
	ld_arena batch;
	struct ld_report_set asked;   /* ID numbers whose open task was asked */
	struct ld_report_set planned; /* ID numbers given a task (settled) */
	struct ld_report_set houses;  /* struct ld_report_house, by id */
	struct ld_report_set grids;   /* struct ld_report_grid, by code */
	/* struct ld_report_tenancy, by house and person: those it moved */
	struct ld_report_set tenancies;
	struct ld_report_house *first_moved, **last_moved;
	struct ld_report_task *first_task, **last_task; /* to write */
};

/* The batch's memory ceiling: a few hundred bytes a row at most. */
#define LD_REPORT_BATCH_MAX ((size_t)512 << 20)

struct ld_report_out {
	ld_report rec;
	ld_report_kind kind;
	ld_report_check check;
	ld_scope_decision scope;
	bool hukou_presumed;
	/* An `unregistered` task is due: none is open and the batch has not
	 * planned one for the person yet (final once settled). */
	bool task_needed;
	ld_day task_due;
	/* The task's due date is the person's own deadline: counted from
	 * task_from over task_days working days, provisional when a year it
	 * crossed had no arrangement. */
	ld_day task_from;
	int task_days;
	bool task_due_provisional;
	ld_id house_id;
	/* Tenant reports: the person's open tenancy of the house as read
	 * (0 for none); the batch's own moves take precedence in apply. */
	ld_id tenancy_id;
};

/* Set up and release the context's own memory (the batch). */
void ld_report_ctx_open(struct ld_report_ctx *x);
void ld_report_ctx_close(struct ld_report_ctx *x);
/* Forget the batch: a writer's job starts over with it when the writer
 * repeats the job. */
void ld_report_ctx_reset(struct ld_report_ctx *x);

/* Check a report; on bad input LD_EINVAL with err->field the column code.
 * Reads through x->c; row memory comes from x->ar. task_needed is this
 * context's view: the first row it prepares about a person asks whether
 * a task is open, later ones leave it to that row. */
ld_status ld_report_prepare(struct ld_report_ctx *x,
			    const struct ld_report_in *in,
			    struct ld_report_out *out, ld_error *err);

/* Settle a prepared report in the batch: of the rows that need a task for
 * a person, the first one settled plans it and later ones need none, so a
 * person gets one task however many contexts prepared the rows. Call it
 * for every good row, in the order of the file, before applying it. */
ld_status ld_report_settle(struct ld_report_ctx *x, struct ld_report_out *out);

/* Record a prepared report: the report and the tenancy it opens or closes
 * (counted in the batch's house). It reads nothing per row: what it needs
 * was read by ld_report_prepare, or by the batch once (each house). The `unregistered` task it needs is
 * queued in the batch, *task pointing to it (NULL if none): tasks are
 * written by ld_report_flush after all the reports, one table at a time. */
ld_status ld_report_apply(struct ld_report_ctx *x, struct ld_report_out *out,
			  ld_id upload_id, const struct ld_report_task **task);

/* End a batch of applied reports: write the queued tasks, then store each
 * changed house's occupancy and group-rental flag, opening a
 * `group_rental` task for a house that turns flagged (*flagged counts
 * them). */
ld_status ld_report_flush(struct ld_report_ctx *x, int *flagged);

/*
 * The scope decision (docs/rules.md §1) for a person living in `grid`, from the
 * hukou code when given (a bad one is LD_EINVAL, field "hukou_code"), else
 * presumed from the ID number's first six digits (*presumed). A presumed
 * code that names no county any more counts as in scope and required:
 * follow the person up rather than miss them.
 */
ld_status ld_person_scope(const char *id_number, const char *hukou_code,
			  const char *grid, ld_scope_decision *out,
			  bool *presumed, ld_error *err);

/* The Chinese label of a column code ("id_number" -> "公民身份号码"). */
const char *ld_report_column_label(const char *code);
/* The column code of a header cell (code or Chinese label), or NULL. */
const char *ld_report_column_code(const char *header);

/* "YYYY-MM-DD" or "YYYY/M/D" into a day. */
bool ld_report_parse_day(const char *s, ld_day *out);

#endif
