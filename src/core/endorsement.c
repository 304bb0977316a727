/*
 * endorsement.c — the endorsement state machine, replayed from the issue date
 * over the endorsements in date order.
 */
#include "endorsement.h"

#include <stdlib.h>
#include <string.h>

const char *ld_permit_state_code(ld_permit_state s)
{
	switch (s) {
	case LD_PSTATE_WINDOW_OPEN:
		return "window_open";
	case LD_PSTATE_SUSPENDED:
		return "suspended";
	case LD_PSTATE_VALID:
		break;
	}
	return "valid";
}

bool ld_permit_state_from_code(const char *s, ld_permit_state *out)
{
	for (int i = LD_PSTATE_VALID; i <= LD_PSTATE_SUSPENDED; i++)
		if (strcmp(s, ld_permit_state_code((ld_permit_state)i)) == 0) {
			*out = (ld_permit_state)i;
			return true;
		}
	return false;
}

const char *ld_ledger_kind_code(ld_ledger_kind k)
{
	static const char *const codes[] = {
		[LD_LEDGER_START] = "residence_start",
		[LD_LEDGER_ISSUED] = "issued",
		[LD_LEDGER_ENDORSED] = "endorsed",
		[LD_LEDGER_SUSPENDED] = "suspended",
		[LD_LEDGER_RESTARTED] = "late_endorsement",
	};
	return codes[k];
}

ld_day ld_endorsement_window_opens(ld_day anniversary)
{
	return ld_day_add_months(anniversary, -1);
}

static int cmp_day(const void *a, const void *b)
{
	ld_day x = *(const ld_day *)a, y = *(const ld_day *)b;
	return (x > y) - (x < y);
}

static void ledger(ld_endorse_result *out, ld_day date, ld_ledger_kind k,
		   ld_day anniversary)
{
	if (out->n_ledger < LD_LEDGER_MAX)
		out->ledger[out->n_ledger++] =
			(ld_ledger_entry){date, k, anniversary};
}

ld_status ld_endorsement_evaluate(const ld_endorse_input *in,
				  const ld_rules_settings *settings,
				  ld_endorse_result *out, ld_error *err)
{
	memset(out, 0, sizeof *out);
	if (in->on < in->issued)
		return ld_fail(err, LD_EINVAL, "on", "查询日期早于居住证签发日期");
	if (in->has_registered && in->registered > in->issued)
		return ld_fail(err, LD_EINVAL, "registered",
			       "居住登记日期晚于居住证签发日期");
	if (in->n_endorsed > LD_ENDORSE_MAX)
		return ld_fail(err, LD_EINVAL, "endorsed", "签注记录过多");

	ld_day sorted[LD_ENDORSE_MAX];
	if (in->n_endorsed)
		memcpy(sorted, in->endorsed, in->n_endorsed * sizeof *sorted);
	qsort(sorted, in->n_endorsed, sizeof *sorted, cmp_day);

	ld_day since = in->has_registered ? in->registered : in->issued;
	if (in->has_registered)
		ledger(out, since, LD_LEDGER_START, 0);
	ledger(out, in->issued, LD_LEDGER_ISSUED, 0);

	/* Anniversaries are counted from `base`: the issue date, or the last
	 * late endorsement. `k` is the next uncovered one. */
	ld_day base = in->issued;
	int k = 1;
	for (size_t i = 0; i < in->n_endorsed; i++) {
		ld_day e = sorted[i];
		ld_day a = ld_day_add_years(base, k);
		ld_day opens = ld_endorsement_window_opens(a);
		if (e > in->on)
			return ld_fail(err, LD_EINVAL, "endorsed",
				       "签注日期晚于查询日期");
		if (e < opens)
			return ld_fail(err, LD_EINVAL, "endorsed",
				       "签注日期早于签注期（周年日前1个月）");
		if (e < a || (settings->anniversary_in_window && e == a)) {
			ledger(out, e, LD_LEDGER_ENDORSED, a);
			k++;
		} else {
			/* Late: suspended from a until e, then the clock
			 * restarts (条例 第十条). */
			ledger(out, a, LD_LEDGER_SUSPENDED, a);
			ledger(out, e, LD_LEDGER_RESTARTED, a);
			base = e;
			k = 1;
			since = e;
		}
	}

	ld_day a = ld_day_add_years(base, k);
	bool in_grace = settings->anniversary_in_window && in->on == a;
	out->next_anniversary = a;
	out->window_opens = ld_endorsement_window_opens(a);
	if (in->on >= a && !in_grace) {
		out->state = LD_PSTATE_SUSPENDED;
		ledger(out, a, LD_LEDGER_SUSPENDED, a);
	} else if (in->on >= out->window_opens) {
		out->state = LD_PSTATE_WINDOW_OPEN;
	} else {
		out->state = LD_PSTATE_VALID;
	}
	out->continuous = out->state != LD_PSTATE_SUSPENDED;
	if (out->continuous) {
		out->continuous_since = since;
		out->residence_years = ld_years_between(since, in->on);
	}
	ld_basis_add(&out->basis, LD_CITE_TIAOLI_10);
	ld_basis_add(&out->basis, LD_CITE_BANFA_9_2);
	ld_basis_add(&out->basis, LD_CITE_CIVIL_202);
	return LD_OK;
}
