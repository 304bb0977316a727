/*
 * endorsement.h — the annual endorsement (签注) of a residence permit and the
 * residence-years clock (条例 第十条; 办法 第九条第二款).
 *
 * Anniversaries count from the issue date. The window for anniversary A runs
 * from the corresponding day one month before A through the day before A (a
 * setting may include A itself). An endorsement in the window covers A. If A
 * passes unendorsed, the permit is suspended from A on; a late endorsement
 * restores it, and both the residence years and the anniversaries count
 * again from the late endorsement.
 */
#ifndef LD_ENDORSEMENT_H
#define LD_ENDORSEMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "citation.h"
#include "date.h"
#include "settings.h"
#include "status.h"

typedef enum {
	LD_PSTATE_VALID = 0,
	LD_PSTATE_WINDOW_OPEN,
	LD_PSTATE_SUSPENDED,
} ld_permit_state;

#define LD_ENDORSE_MAX 200

typedef struct {
	ld_day issued;
	bool has_registered;
	ld_day registered;
	const ld_day *endorsed; /* in any order; at most LD_ENDORSE_MAX */
	size_t n_endorsed;
	ld_day on;
} ld_endorse_input;

typedef enum {
	LD_LEDGER_START,     /* continuous residence starts (registration) */
	LD_LEDGER_ISSUED,    /* permit issued */
	LD_LEDGER_ENDORSED,  /* timely endorsement, covers `anniversary` */
	LD_LEDGER_SUSPENDED, /* `anniversary` passed unendorsed */
	LD_LEDGER_RESTARTED, /* late endorsement: restored, clock restarts */
} ld_ledger_kind;

typedef struct {
	ld_day date;
	ld_ledger_kind kind;
	ld_day anniversary; /* the anniversary concerned, where one is */
} ld_ledger_entry;

#define LD_LEDGER_MAX (2 * LD_ENDORSE_MAX + 4)

typedef struct {
	ld_permit_state state;
	ld_day next_anniversary; /* first uncovered (when suspended: missed) */
	ld_day window_opens;
	bool continuous;         /* false while suspended */
	ld_day continuous_since;
	int residence_years;
	int n_ledger;
	ld_ledger_entry ledger[LD_LEDGER_MAX];
	ld_basis basis;
} ld_endorse_result;

/*
 * Evaluate the permit on in->on. Bad input is LD_EINVAL naming the field:
 * "on" before the issue date, "registered" after it, "endorsed" before its
 * window, after `on`, or too many.
 */
ld_status ld_endorsement_evaluate(const ld_endorse_input *in,
				  const ld_rules_settings *settings,
				  ld_endorse_result *out, ld_error *err);

/* The first day of the window for anniversary a. */
ld_day ld_endorsement_window_opens(ld_day anniversary);

const char *ld_permit_state_code(ld_permit_state s);
bool ld_permit_state_from_code(const char *s, ld_permit_state *out);
const char *ld_ledger_kind_code(ld_ledger_kind k);

#endif
