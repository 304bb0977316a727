/*
 * scope.h — who is in scope of floating-population service and management
 * in Jinan (通知 一; 办法 第二、三、八条), and whether they must register.
 */
#ifndef LD_SCOPE_H
#define LD_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "citation.h"
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
	int32_t hukou;     /* county-level code, current or former */
	int32_t residence; /* one of Jinan's twelve current codes */
	int stay_days;     /* days stayed or intended; -1 when not stated */
	ld_lodging lodging;
	ld_nationality nationality;
} ld_scope_input;

typedef struct {
	bool in_scope;
	bool registration_required;
	ld_scope_reason reason;
	int32_t hukou;        /* the current code of the hukou place */
	ld_lodging exemption; /* LD_LODGING_NONE unless exempt */
	ld_basis basis;
} ld_scope_decision;

/* Decide scope. Bad codes are LD_EINVAL with field "hukou" or "residence";
 * stay_days below -1 is LD_EINVAL "stay_days". */
ld_status ld_scope_decide(const ld_scope_input *in, ld_scope_decision *out,
			  ld_error *err);

const char *ld_scope_reason_code(ld_scope_reason r);
const char *ld_scope_reason_message(ld_scope_reason r);
/* "none", "hotel", ...; and the reverse (returns false if unknown). */
const char *ld_lodging_code(ld_lodging l);
bool ld_lodging_from_code(const char *s, ld_lodging *out);
const char *ld_nationality_code(ld_nationality n);
bool ld_nationality_from_code(const char *s, ld_nationality *out);

#endif
