/*
 * scope.h — who is in scope of floating-population service and management
 * in Jinan (通知 一; 办法 第二、三、八条), and whether they must register.
 */
#ifndef LD_SCOPE_H
#define LD_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "citation.h"
#include "date.h"
#include "settings.h"
#include "status.h"

typedef enum {
	LD_NAT_CN = 0, /* mainland citizen */
	LD_NAT_HK,
	LD_NAT_MO,
	LD_NAT_TW,
	LD_NAT_FOREIGN,
} ld_nationality;

/* Lodging that exempts from residence registration (办法 第八条第三款). */
typedef enum {
	LD_LODGING_NONE = 0,
	LD_LODGING_HOTEL,
	LD_LODGING_HOSPITAL,
	LD_LODGING_SCHOOL,
	LD_LODGING_RELIEF,
} ld_lodging;

typedef enum {
	LD_SCOPE_NON_LOCAL_HUKOU = 0,
	LD_SCOPE_COUNTY_HUKOU_ELSEWHERE,
	LD_SCOPE_DISTRICT_HUKOU_IN_COUNTY,
	LD_SCOPE_NATIONAL_RULES_APPLY,
	LD_SCOPE_SHORT_STAY,
	LD_SCOPE_SAME_UNIT,
	LD_SCOPE_BETWEEN_DISTRICTS,
} ld_scope_reason;

typedef struct {
	/* County-level code, current or former; for Hong Kong, Macao and
	 * Taiwan residents the region's code (810000, 820000, 830000, or
	 * 710000); 0 when there is none (a foreigner). */
	int32_t hukou;
	int32_t residence; /* one of Jinan's twelve current codes */
	int stay_days;     /* days stayed or intended; -1 when not stated */
	ld_lodging lodging;
	ld_nationality nationality;
	ld_day on;         /* the day of the event (arrival): the notice in
			      force then is cited */
} ld_scope_input;

typedef struct {
	bool in_scope;
	bool registration_required;
	ld_scope_reason reason;
	int32_t hukou;        /* the current code of the hukou place, or 0 */
	ld_nationality nationality; /* as given, or from a region code */
	ld_lodging exemption; /* LD_LODGING_NONE unless exempt */
	ld_basis basis;
} ld_scope_decision;

/*
 * Decide scope. A Hong Kong, Macao or Taiwan region code as the hukou
 * (810000, 820000, 830000, 710000) means that region's resident: national
 * rules apply (办法 第二条第二款), as for any nationality but CN. Bad codes
 * are LD_EINVAL with field "hukou" or "residence" (a mainland citizen needs
 * a county-level hukou code); stay_days below -1 is LD_EINVAL "stay_days".
 */
ld_status ld_scope_decide(const ld_scope_input *in, const ld_rules_settings *s,
			  ld_scope_decision *out, ld_error *err);

/* The Hong Kong, Macao or Taiwan resident a region code stands for, or
 * LD_NAT_CN for any other code. */
ld_nationality ld_region_nationality(int32_t code);

const char *ld_scope_reason_code(ld_scope_reason r);
const char *ld_scope_reason_message(ld_scope_reason r);
/* "none", "hotel", ...; and the reverse (returns false if unknown). */
const char *ld_lodging_code(ld_lodging l);
bool ld_lodging_from_code(const char *s, ld_lodging *out);
const char *ld_nationality_code(ld_nationality n);
bool ld_nationality_from_code(const char *s, ld_nationality *out);

#endif
