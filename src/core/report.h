/*
 * report.h — the reports of landlords, property managers, employers and
 * agencies (docs/rules.md §2, §5): who may report what, each report's deadlines, and
 * the group-rental (群租) check of a rental house.
 *
 * Pure functions: no I/O, no clock. Codes are stable English identifiers;
 * the Chinese labels are what users see.
 */
#ifndef LD_REPORT_H
#define LD_REPORT_H

#include <stdbool.h>

#include "calendar.h"
#include "citation.h"
#include "date.h"
#include "deadline.h"
#include "settings.h"
#include "status.h"

typedef enum {
	LD_RK_TENANT_MOVE_IN = 0,
	LD_RK_TENANT_MOVE_OUT,
	LD_RK_HIRE,
	LD_RK_SEPARATION,
	LD_RK_PLACEMENT,
	LD_RK__COUNT
} ld_report_kind;

typedef enum {
	LD_ORG_LANDLORD = 0,
	LD_ORG_PROPERTY,
	LD_ORG_RENTAL_AGENCY,
	LD_ORG_EMPLOYER,
	LD_ORG_JOB_AGENCY,
	LD_ORG__COUNT
} ld_org_kind;

const char *ld_report_kind_code(ld_report_kind k);
const char *ld_report_kind_label(ld_report_kind k);
/* Accepts the code or the Chinese label ("入住"). */
bool ld_report_kind_from(const char *s, ld_report_kind *out);
/* Whether the report is about a tenancy (needs a house). */
bool ld_report_kind_tenancy(ld_report_kind k);
/* Whether the report says the person has come (move-in, hire, placement):
 * only those can open a follow-up task. */
bool ld_report_kind_arrival(ld_report_kind k);

const char *ld_org_kind_code(ld_org_kind k);
const char *ld_org_kind_label(ld_org_kind k);
bool ld_org_kind_from(const char *s, ld_org_kind *out);

/* Whether an organisation of kind `org` may make a report of kind `k`; the
 * duty's basis is added to `basis` either way. */
bool ld_report_allowed(ld_org_kind org, ld_report_kind k, ld_basis *basis);

#define LD_REPORT_MAX_CHECKS 2

/* One duty a report discharges, and whether it was done in time. */
typedef struct {
	ld_deadline deadline;
	bool late;
} ld_report_duty;

typedef struct {
	int n;
	ld_report_duty duties[LD_REPORT_MAX_CHECKS];
	/* The report duty (the last check) was missed. A move-in's 24-hour
	 * identity check is given too, but does not make the report late:
	 * the landlord's own record of the identity may predate the report. */
	bool late;
	bool calendar_complete;
} ld_report_check;

/*
 * Check a report made on `reported` (at reported_minute, or
 * LD_MINUTE_UNKNOWN) about an event on `event` (at event_minute, or
 * LD_MINUTE_UNKNOWN). A move-in report discharges two duties: the landlord's
 * record of the tenant's identity (24 hours) and the report to the police
 * station (3 working days). A report before its event is bad input
 * (field "reported_date").
 */
ld_status ld_report_check_deadlines(const ld_calendar *cal, ld_report_kind k,
				    ld_day event, int event_minute,
				    ld_day reported, int reported_minute,
				    ld_report_check *out, ld_error *err);

/* The group-rental standard: both are set locally (see docs/grid.md). */
typedef struct {
	int per_room;	/* most occupants per room; 0 = no limit */
	int min_area;	/* least floor area per occupant, m²; 0 = no limit */
} ld_group_rental_settings;

#define LD_GROUP_RENTAL_DEFAULTS ((ld_group_rental_settings){2, 5})

enum {
	LD_GR_OVER_CAPACITY = 1 << 0, /* more than the declared capacity */
	LD_GR_OVER_ROOMS = 1 << 1,    /* more than rooms × per_room */
	LD_GR_UNDER_AREA = 1 << 2,    /* less than min_area per person */
};

typedef struct {
	bool flagged;
	unsigned reasons; /* LD_GR_* bits */
	ld_basis basis;
} ld_group_rental;

/*
 * Whether a house with `occupants` registered occupants, `rooms` rooms, a
 * declared `capacity` and `area_m2` of floor area (0 when unknown) is a
 * suspected group rental on day `on`. Negative or zero rooms/capacity is
 * bad input. The basis: the rental rules in force on `on` (the 2011
 * 商品房屋租赁管理办法 第八条, and from 2025-09-15 the 住房租赁条例 beside
 * it) and the notice's items on rental management (通知 三（三）) and the
 * collection of rental-house information by the grid (三（四）).
 */
ld_status ld_group_rental_check(int occupants, int rooms, int capacity,
				int area_m2, const ld_group_rental_settings *s,
				ld_day on, const ld_rules_settings *rules,
				ld_group_rental *out, ld_error *err);

/* The day the 住房租赁条例 took effect. */
#define LD_HOUSING_RENTAL_REGULATION_FROM (ld_day_from_ymd(2025, 9, 15))
/* Chinese sentence for one LD_GR_* reason. */
const char *ld_group_rental_message(unsigned reason);
const char *ld_group_rental_code(unsigned reason);

#endif
