/*
 * permit.h — residence permit (居住证) eligibility and materials
 * (条例 第二条、第九条; 办法 第九条).
 */
#ifndef LD_PERMIT_H
#define LD_PERMIT_H

#include <stdbool.h>

#include "calendar.h"
#include "citation.h"
#include "date.h"
#include "status.h"

typedef enum {
	LD_PBASIS_NONE = 0,
	LD_PBASIS_EMPLOYMENT, /* 合法稳定就业 */
	LD_PBASIS_HOUSING,    /* 合法稳定住所 */
	LD_PBASIS_STUDY,      /* 连续就读 */
} ld_permit_basis;

typedef enum {
	LD_PERMIT_OK = 0,
	LD_PERMIT_TOO_EARLY,
	LD_PERMIT_NO_BASIS,
} ld_permit_reason;

typedef struct {
	ld_day registered; /* residence registration date */
	ld_day on;         /* the day of the application */
	ld_permit_basis basis;
	bool has_birth;
	ld_day birth;
} ld_permit_input;

typedef struct {
	bool eligible;
	ld_day eligible_from; /* registered + 6 months (民法典 第二百零二条) */
	ld_permit_reason reason;
	bool guardian;        /* applicant under 16: a guardian applies */
	ld_basis basis;
	/* No step of the permit takes a fee. */
	ld_basis fee_basis;
} ld_permit_decision;

/* Birth after `on` is LD_EINVAL with field "birth". */
ld_status ld_permit_decide(const ld_permit_input *in, ld_permit_decision *out,
			   ld_error *err);

/*
 * Under 16 周岁 on `on`. 周岁 count from the day after the birthday
 * (最高人民法院关于审理未成年人刑事案件具体应用法律若干问题的解释 第二条,
 * and 民法典 第二百零一条: the first day is not counted), so a person is
 * still under 16 on the 16th birthday itself and 16 from the day after.
 * The 16th birthday is the corresponding day, else the month's last day
 * (民法典 第二百零二条): born 29 February, it is 28 February when the
 * 16th year has no 29th.
 */
bool ld_person_is_under_16(ld_day birth, ld_day on);

const char *ld_permit_reason_code(ld_permit_reason r); /* NULL for OK */
const char *ld_permit_basis_code(ld_permit_basis b);
bool ld_permit_basis_from_code(const char *s, ld_permit_basis *out);

/* Materials of 条例 第九条, as bits. */
enum {
	LD_MAT_ID_CARD = 1 << 0,        /* 居民身份证 */
	LD_MAT_PHOTO = 1 << 1,          /* 本人相片 */
	LD_MAT_RESIDENCE_PROOF = 1 << 2,/* 居住地住址证明 */
	LD_MAT_BASIS_PROOF = 1 << 3,    /* 就业或就读证明 */
	LD_MAT_GUARDIAN_ID = 1 << 4,    /* 监护人或近亲属的身份证明 */
};

/* The materials required for an application with this basis (the basis
 * proof is needed for employment and study; for housing the residence proof
 * is the basis), plus the guardian's ID for an under-16 applicant. */
unsigned ld_permit_required_materials(ld_permit_basis b, bool guardian);

/* Material codes as the API names them, with their bit. */
struct ld_material {
	unsigned bit;
	const char *code;
	const char *label; /* Chinese; for LD_MAT_BASIS_PROOF see below */
};
extern const struct ld_material ld_materials[];
extern const size_t ld_material_count;
/* The Chinese name of a material for an application on `basis` (the basis
 * proof is 就业证明 or 就读证明). */
const char *ld_material_label(unsigned bit, ld_permit_basis basis);
/* Bit of a material code, or 0. */
unsigned ld_material_bit(const char *code);

/*
 * A permit's state on a day, from its lifecycle and its endorsements:
 * applied and accepted (not yet issued), then valid / window_open /
 * suspended from the endorsement rules, or cancelled; or an application
 * returned (退回) before it was accepted.
 */
typedef enum {
	LD_PSTAGE_APPLIED = 0,
	LD_PSTAGE_ACCEPTED,
	LD_PSTAGE_ISSUED, /* see the endorsement state */
	LD_PSTAGE_CANCELLED,
	LD_PSTAGE_RETURNED,
} ld_permit_stage;

const char *ld_permit_stage_code(ld_permit_stage s);

/*
 * The day by which the station should act on an application made on
 * `applied` that waits for acceptance — accept it, or return it with a
 * reason: `days` working days later, counted as every period here (the day
 * of the application not counted, 民法典 第二百零一条). Neither 条例 nor
 * 办法 sets a time for accepting an application (条例 第九条 counts the
 * issue period from acceptance), so `days` is the server's setting and no
 * article is cited for it. *complete as ld_calendar_add_working_days.
 */
ld_day ld_permit_accept_by(const ld_calendar *cal, ld_day applied, int days,
			   bool *complete);
/* The first day whose applications are not yet overdue on `today`: an
 * application made before it has its ld_permit_accept_by before today. */
ld_day ld_permit_accept_overdue_before(const ld_calendar *cal, ld_day today,
				       int days);

#endif
