/*
 * model.h — the records the registry keeps, as plain structs.
 *
 * Strings in records read from a store point into the arena the caller
 * passed; they live as long as that arena. Dates are "YYYY-MM-DD" strings and
 * times are ISO 8601 UTC ("2026-11-24T12:34:56Z"), as stored.
 */
#ifndef LD_MODEL_H
#define LD_MODEL_H

#include <stdbool.h>
#include <stdint.h>

typedef int64_t ld_id;

enum ld_role {
	LD_ROLE_ADMIN = 0,
	LD_ROLE_CLERK,   /* police-station clerk: their station's communities */
	LD_ROLE_GRID,    /* grid worker: one grid */
	LD_ROLE_AUDITOR, /* reads the audit trail only */
	LD_ROLE__COUNT
};

const char *ld_role_code(enum ld_role r);
bool ld_role_from_code(const char *s, enum ld_role *out);

typedef struct {
	ld_id id;
	const char *username;
	const char *display_name;
	enum ld_role role;
	const char *area; /* station code, grid code, or NULL */
	const char *password_hash;
	bool disabled;
	const char *created_at;
	/* The password was generated (`liudong user add`, an admin's reset):
	 * until it is changed, a session may do nothing else. */
	bool must_change_password;
	const char *password_changed_at; /* NULL: never changed */
	const char *last_login_at;	 /* NULL: never */
} ld_user;

/* What a user may see. Computed once per request from the user; every store
 * query that lists or reads persons takes it. */
typedef struct {
	enum {
		LD_ACCESS_NONE = 0, /* nothing (auditors, for person data) */
		LD_ACCESS_ALL,	    /* admins */
		LD_ACCESS_STATION,  /* communities served by station `code` */
		LD_ACCESS_GRID,	    /* grid `code` */
	} kind;
	const char *code;
} ld_access;

enum ld_area_level {
	LD_LEVEL_DISTRICT = 1,
	LD_LEVEL_STREET = 2,
	LD_LEVEL_COMMUNITY = 3,
	LD_LEVEL_GRID = 4,
};

typedef struct {
	const char *code;
	const char *parent;
	int level;
	const char *name;
	const char *station; /* communities only */
} ld_area;

typedef struct {
	const char *code;
	const char *name;
	const char *district;
	const char *address;
	const char *phone;
} ld_station;

typedef struct {
	ld_id id;
	const char *id_number;
	const char *name;
	const char *sex; /* "male" | "female" */
	const char *ethnicity; /* GB/T 3304 code */
	const char *birth;
	const char *hukou_code;
	const char *hukou_address;
	const char *phone;
	const char *created_at;
	const char *updated_at;
	/* The identity document (core/document.h): "resident_id_card" (also
	 * when NULL), "hmt_residence_permit", "passport", ... Set when the
	 * person is first recorded, never changed. */
	const char *document_type;
} ld_person;

typedef struct {
	const char *district, *street, *community, *grid;
	const char *road, *house_number, *building, *unit, *room;
} ld_address;

typedef struct {
	ld_id id;
	ld_id person_id;
	const char *status; /* "active" | "cancelled" */
	ld_address addr;
	const char *arrival_date;
	const char *declared_date;
	const char *deadline;
	bool late;
	bool calendar_complete;
	const char *reason;
	const char *housing;
	const char *employer;
	bool in_scope;
	const char *scope_reason;
	const char *exemption;       /* NULL unless exempt */
	const char *override_reason; /* NULL unless recorded anyway */
	const char *certificate_no;
	const char *cancelled_date;
	const char *cancel_reason;
	const char *cancel_reporter;
	ld_id created_by;
	const char *created_at;
	/* The grid found the holder moved away (an `absent` task closed as
	 * moved_away): the day and the task; NULL and 0 otherwise. The
	 * registration stays active until the station cancels it. */
	const char *moved_away_date;
	ld_id moved_away_task;
} ld_registration;

typedef struct {
	ld_id id;
	ld_id registration_id;
	const char *kind; /* "declared" | "address_changed" | "cancelled" */
	const char *date;
	const char *deadline; /* NULL when no deadline applies */
	int late;	      /* 0, 1, or -1 when no deadline applies */
	const char *detail;   /* JSON object */
	ld_id user_id;
	const char *at;
	/* The deadline was counted over a year with no holiday arrangement
	 * (docs/calendar.md); set after the insert (provisional_mark). */
	bool provisional;

	/* The day it was entered (local), and why `date` differs from it
	 * (NULL when it does not); both NULL on events older than that. */
	const char *entered_date;
	const char *date_reason;
} ld_reg_event;

typedef struct {
	int64_t seq;
	const char *at;
	ld_id user_id; /* 0 for the system */
	const char *username;
	const char *action;
	const char *target;
	const char *reason;
	const char *result; /* "ok" | "denied" | "failed" */
	const char *detail;
	const char *prev_hash;
	const char *hash;
} ld_audit_entry;

typedef struct {
	const char *id_number; /* exact */
	const char *name;      /* prefix */
	const char *phone;     /* exact */
	const char *address;   /* substring of road/number/building */
} ld_person_query;

/* A late declaration or late address change, for the work list. */
typedef struct {
	ld_id registration_id;
	ld_id person_id;
	const char *person_name;
	const char *kind; /* event kind */
	const char *date;
	const char *deadline;
	const char *grid;
	const char *community;
	const char *certificate_no;
	bool provisional; /* the lateness is provisional */
} ld_late_item;

/* One bar of a statistics chart. */
typedef struct {
	const char *key;   /* area code, province code, reason code */
	const char *label; /* area name when the store knows it, else NULL */
	int64_t count;
} ld_stat_item;

typedef struct {
	const char *period; /* "YYYY-MM" */
	int64_t registrations, late, permits_issued;
} ld_stat_month;

/* Filters of the registrations table. */
typedef struct {
	const char *status; /* "active" | "cancelled" | NULL for both */
	bool late_only;
	const char *area;   /* an area code: registrations under it */
	const char *sort;   /* "declared_date" | "arrival_date" | "name" */
	bool descending;
	bool moved_away_only; /* active ones whose holder was found moved away */
} ld_registration_query;

typedef struct {
	ld_registration reg;
	const char *person_name;
	const char *id_number;
} ld_registration_row;

/* A residence permit (居住证): application to cancellation. */
typedef struct {
	ld_id id;
	ld_id person_id;
	ld_id registration_id;
	const char *status; /* applied | accepted | issued | cancelled */
	const char *basis;  /* employment | housing | study */
	const char *channel; /* counter | online */
	const char *applicant; /* self | guardian */
	const char *guardian_name;
	const char *guardian_id_number;
	const char *guardian_relation;
	const char *materials; /* comma-separated material codes handed in */
	const char *district;
	const char *applied_date;
	const char *accepted_date;
	const char *issue_deadline;
	const char *issued_date;
	const char *issuing_authority;
	const char *permit_no;
	int version;
	const char *cancelled_date;
	const char *cancel_reason;
	ld_id created_by;
	const char *created_at;
	/* The issue deadline is provisional (read only; provisional_mark). */
	bool issue_deadline_provisional;

	/* A cancelled application that the station returned (退回) before
	 * accepting it; cancel_reason is then the reason its applicant reads. */
	bool returned;
} ld_permit;

/* An application waiting for acceptance, with its applicant. */
typedef struct {
	ld_permit permit;
	const char *person_name;
	const char *id_number;
} ld_application_row;

/* How much waits for the station in an area (the dashboard's queues). */
typedef struct {
	int64_t declarations, declarations_overdue; /* online, 待核验 */
	int64_t applications, applications_overdue; /* online, 待受理 */
	int64_t moved_away; /* active registrations the grid found left */
} ld_queue_counts;

typedef struct {
	ld_id id;
	ld_id permit_id;
	const char *date;
	const char *anniversary; /* the anniversary it covered or restarted */
	bool late;
	ld_id user_id;
	const char *at;
} ld_endorsement;

typedef struct {
	ld_id id;
	ld_id permit_id;
	int version;
	const char *licence_id;
	const char *issued_date;
	const char *reason; /* issue | replace_damaged | replace_lost | change */
	const char *payload; /* the signed text of the QR code */
	const char *key_id;
	const char *invalidated_date; /* NULL while current */
	ld_id photo_id; /* the photo printed on this card; 0 for none */
} ld_permit_version;

typedef struct {
	ld_id id;
	ld_id permit_id;
	const char *kind;
	const char *date;
	const char *detail; /* JSON object */
	ld_id user_id;
	const char *at;
	const char *entered_date, *date_reason; /* as in ld_reg_event */
} ld_permit_event;

/* ---- rental housing, reports and the grid (docs/grid.md) ------------ */

/* A reporting organisation: landlord, property manager, agency, employer. */
typedef struct {
	ld_id id;
	const char *kind; /* ld_org_kind code */
	const char *name;
	const char *credit_code; /* NULL for a person */
	const char *id_number;	 /* NULL for a company */
	const char *phone;
	const char *grid;
	const char *community;
	const char *address;
	ld_id created_by;
	const char *created_at;
} ld_org;

typedef struct {
	const char *prefix;
	const char *created_at;
	const char *revoked_at; /* NULL while valid */
} ld_api_key;

typedef struct {
	ld_id id;
	ld_address addr;
	ld_id landlord_org;
	ld_id agent_org; /* 0 for none */
	const char *filing_no;
	int rooms, capacity;
	int area_m2; /* 0 when unknown */
	int occupants;
	bool flagged;
	ld_id created_by;
	const char *created_at;
	/* Read with the house: */
	const char *landlord_name, *landlord_kind;
	const char *agent_name, *agent_kind;
} ld_house;

typedef struct {
	ld_id id;
	ld_id house_id;
	const char *id_number;
	const char *name;
	const char *move_in;
	const char *move_out; /* NULL while open */
	ld_id report_in, report_out;
} ld_tenancy;

typedef struct {
	ld_id id;
	ld_id org_id;
	const char *kind; /* ld_report_kind code */
	const char *id_number;
	const char *name;
	const char *phone;
	const char *hukou_code;
	const char *event_date;
	int event_minute; /* -1 when not given */
	const char *reported_date;
	const char *deadline;
	bool late;
	ld_id house_id; /* 0 for none */
	const char *grid;
	const char *community;
	const char *address;
	bool in_scope;
	bool registered; /* had an active registration when reported */
	ld_id upload_id;
	ld_id user_id;
	const char *created_at;
	/* The day it was entered, and why reported_date differs from it
	 * (a paper report entered later; NULL when it does not). */
	const char *entered_date, *date_reason;
	/* Read with the report: */
	const char *org_name, *org_kind;
	bool provisional; /* deadline and lateness (provisional_mark) */
} ld_report;

/* An uploaded file of reports (docs/grid.md): opened to receive parts
 * ("receiving"), checked ("previewed"), then confirmed, or dropped
 * ("discarded" by its sender, "expired" unconfirmed). Its file is kept as
 * numbered parts until it is confirmed or dropped. */
typedef struct {
	ld_id id;
	ld_id org_id;
	const char *status;
	const char *name; /* the file's name as its sender gave it */
	int64_t size;	  /* bytes: declared (in parts) or received */
	const char *sm3;  /* the digest its sender declared (hex), or NULL */
	int64_t revision; /* bumped by every part written */
	const char *encoding; /* "" until checked */
	int rows, bad;
	ld_id user_id; /* the clerk who sent it, 0 for an organisation */
	const char *created_at;
	int64_t expires_at; /* Unix time; dropped after, unless confirmed */
	const char *confirmed_at;
	const char *dropped_at;
	/* upload_insert only: the whole file, stored as part 1; NULL when
	 * its parts follow. */
	const char *data;
	size_t len;
} ld_upload;

/* A part of an upload's file as stored: its number and size. */
typedef struct {
	int n;
	int64_t len;
} ld_upload_part;

typedef struct {
	ld_id id;
	const char *kind; /* unregistered | group_rental | absent */
	const char *grid;
	const char *community;
	const char *id_number; /* NULL for house tasks */
	const char *name;
	ld_id house_id, report_id, visit_id;
	const char *detail;
	const char *due_date;
	const char *status; /* open | done */
	const char *outcome;
	const char *note;
	ld_id assignee;
	const char *assignee_name; /* read with the task */
	ld_id closed_by;
	const char *closed_at;
	const char *created_at;
	/* The due date was counted over a year with no holiday arrangement;
	 * the count (due_days working days after due_from) is kept with the
	 * flag (provisional_mark), so it can be counted again. Read only. */
	bool provisional;
} ld_task;

typedef struct {
	ld_id id;
	ld_id house_id;
	const char *grid;
	const char *address;
	const char *date;
	const char *occupants; /* JSON array */
	const char *note;
	ld_id user_id;
	const char *created_at;
} ld_visit;

typedef struct {
	const char *status;   /* open | done | NULL */
	const char *kind;     /* NULL for all */
	const char *area;     /* an area code: tasks under it */
	const char *overdue_before; /* open tasks due before this day */
} ld_task_query;

typedef struct {
	const char *kind;
	bool late_only;
	ld_id org_id; /* 0 for all the access allows */
} ld_report_query;

/* Figures of one area for the grid statistics. */
typedef struct {
	const char *code;
	const char *name;
	int64_t actual, floating, houses, tasks_open, tasks_overdue;
} ld_grid_stat;

/* ---- residents' online declarations awaiting verification ----------- */

/* An online declaration by someone whose ID number was not on record when
 * they signed in (sql/sqlite/0010_resident_verification.sql): it waits,
 * "pending", until the station or the grid worker has checked who they
 * are. */
typedef struct {
	ld_id id;
	const char *id_number;
	const char *phone; /* claimed: the phone the code went to */
	const char *name, *ethnicity, *hukou_code, *hukou_address;
	ld_address addr;
	const char *arrival_date;
	const char *reason, *housing, *employer;
	int stay_days; /* -1 when not given */
	const char *lodging;
	const char *submitted_date, *submitted_at;
	const char *deadline;
	bool late; /* judged on the day it was submitted */
	const char *status; /* pending | confirmed | rejected | superseded */
	ld_id decided_by;
	const char *decided_by_name; /* read with the declaration */
	const char *decided_at;
	const char *verified_by; /* counter | visit, once confirmed */
	const char *note;
	ld_id registration_id;
	const char *certificate_no; /* read with the declaration */
	const char *reject_reason;
	bool provisional; /* deadline and lateness (provisional_mark) */
} ld_declaration;

/* How a declaration was decided (ld_store_ops.declaration_decide). */
typedef struct {
	const char *status; /* confirmed | rejected */
	ld_id user_id;
	const char *at;
	const char *verified_by; /* confirmed: counter | visit */
	const char *note;
	ld_id registration_id; /* confirmed */
	const char *reject_reason; /* rejected */
} ld_declaration_decision;

/* ---- paperwork: photos and issuing authorities ---------------------- */

/* A photo of a person, for the residence permit (条例 第四条: 本人相片;
 * sql/sqlite/0016_paperwork.sql). A JPEG or PNG file as checked and
 * stripped of its metadata by ld_image_check. */
typedef struct {
	ld_id id;
	ld_id person_id;
	const char *content_type; /* image/jpeg | image/png */
	int width, height;
	int64_t bytes;
	const char *sm3; /* of the stored bytes, hex */
	const unsigned char *data; /* the file; NULL unless asked for */
	const char *channel; /* counter (taken by staff) | online (the
				resident sent it) */
	ld_id user_id;	   /* the clerk who took it; 0 when online */
	const char *created_at;
} ld_photo;

/* The county-level police authority that signs the permits of a district
 * or county (条例 第十条). */
typedef struct {
	const char *district; /* six-digit code */
	const char *name;
} ld_issuing_authority;

/* ---- provisional decisions (sqlite_calendar.c, docs/calendar.md) --- */

/* The kinds of stored decision whose deadline comes from the calendar. */
typedef enum {
	LD_PROV_REGISTRATION = 0, /* registrations (and its declared event) */
	LD_PROV_ADDRESS_CHANGE,	  /* registration_events, address_changed */
	LD_PROV_REPORT,		  /* reports */
	LD_PROV_TASK,		  /* tasks */
	LD_PROV_PERMIT,		  /* permits' issue deadline */
	LD_PROV_DECLARATION,	  /* online declarations */
	LD_PROV__COUNT
} ld_prov_kind;

/* A stored provisional decision with what is needed to decide it again. */
typedef struct {
	ld_prov_kind kind;
	ld_id id;
	const char *sub;  /* reports: the report kind; else NULL */
	const char *from; /* the day the count starts: arrival, moved,
			     event, accepted, or the task's due_from */
	int from_minute;  /* reports: event_minute, or -1 */
	const char *done; /* the day of the act judged (declared, reported,
			     submitted), or NULL when nothing is judged */
	int days;	  /* tasks: working days of the count */
	const char *deadline;
	bool late;
} ld_provisional;

#endif
