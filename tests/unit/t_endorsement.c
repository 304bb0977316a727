/*
 * t_endorsement.c — the annual endorsement of a residence permit and the
 * residence-years clock (条例 第十条; 办法 第九条第二款), with windows one
 * month before each anniversary by corresponding day (民法典 第二百零二条).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/endorsement.h"

static ld_day D(int y, int m, int d)
{
	return ld_day_from_ymd(y, m, d);
}

/* No endorsements. A real (empty) array, so that the tests of other rules
 * run under UBSan; a NULL array is tested once, last. */
static const ld_day none[1];

static const ld_rules_settings strict = {.anniversary_in_window = false};
static const ld_rules_settings lenient = {.anniversary_in_window = true};

/* Issued 2020-05-10: anniversaries fall on 05-10, windows open 04-10. */
static ld_endorse_input permit(const ld_day *endorsed, size_t n, ld_day on)
{
	return (ld_endorse_input){
		.issued = D(2020, 5, 10),
		.endorsed = endorsed,
		.n_endorsed = n,
		.on = on,
	};
}

static ld_permit_state state_on(ld_day on, const ld_rules_settings *s)
{
	ld_endorse_input in = permit(none, 0, on);
	ld_endorse_result out;
	ld_error err = {0};
	assert_int_equal(ld_endorsement_evaluate(&in, s, &out, &err), LD_OK);
	return out.state;
}

static void expect_entry(const ld_endorse_result *out, int i,
			 ld_ledger_kind kind, ld_day date, ld_day anniversary)
{
	assert_true(i < out->n_ledger);
	const ld_ledger_entry *e = &out->ledger[i];
	if (e->kind != kind || e->date != date || e->anniversary != anniversary)
		fail_msg("ledger[%d] = {%s, %d, %d}, want {%s, %d, %d}", i,
			 ld_ledger_kind_code(e->kind), (int)e->date,
			 (int)e->anniversary, ld_ledger_kind_code(kind),
			 (int)date, (int)anniversary);
}

static bool has_cite(const ld_basis *b, ld_cite c)
{
	for (int i = 0; i < b->n; i++)
		if (b->items[i] == c)
			return true;
	return false;
}

static void state_transitions(void **state)
{
	assert_int_equal(state_on(D(2020, 5, 10), &strict), LD_PSTATE_VALID);
	assert_int_equal(state_on(D(2021, 4, 9), &strict), LD_PSTATE_VALID);
	assert_int_equal(state_on(D(2021, 4, 10), &strict),
			 LD_PSTATE_WINDOW_OPEN);
	assert_int_equal(state_on(D(2021, 5, 9), &strict),
			 LD_PSTATE_WINDOW_OPEN);
	assert_int_equal(state_on(D(2021, 5, 10), &strict),
			 LD_PSTATE_SUSPENDED);
	assert_int_equal(state_on(D(2023, 1, 1), &strict),
			 LD_PSTATE_SUSPENDED);
}

static void fresh_permit(void **state)
{
	ld_endorse_input in = permit(none, 0, D(2020, 6, 1));
	ld_endorse_result out;
	ld_error err = {0};
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.state, LD_PSTATE_VALID);
	assert_int_equal(out.next_anniversary, D(2021, 5, 10));
	assert_int_equal(out.window_opens, D(2021, 4, 10));
	assert_true(out.continuous);
	assert_int_equal(out.continuous_since, D(2020, 5, 10));
	assert_int_equal(out.residence_years, 0);
	assert_int_equal(out.n_ledger, 1);
	expect_entry(&out, 0, LD_LEDGER_ISSUED, D(2020, 5, 10), 0);
	assert_true(has_cite(&out.basis, LD_CITE_TIAOLI_10));
	assert_true(has_cite(&out.basis, LD_CITE_BANFA_9_2));
	assert_true(has_cite(&out.basis, LD_CITE_CIVIL_202));
}

/* Residence counts from the registration, which the ledger opens with. */
static void registered_before_issue(void **state)
{
	ld_endorse_input in = permit(none, 0, D(2021, 1, 15));
	in.has_registered = true;
	in.registered = D(2020, 1, 15);
	ld_endorse_result out;
	ld_error err = {0};
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.n_ledger, 2);
	expect_entry(&out, 0, LD_LEDGER_START, D(2020, 1, 15), 0);
	expect_entry(&out, 1, LD_LEDGER_ISSUED, D(2020, 5, 10), 0);
	assert_int_equal(out.continuous_since, D(2020, 1, 15));
	assert_int_equal(out.residence_years, 1);
	in.on = D(2021, 1, 14);
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.residence_years, 0);
}

static void timely_endorsement(void **state)
{
	const ld_day e[] = {D(2021, 4, 20), D(2022, 4, 10)};
	ld_endorse_input in = permit(e, 2, D(2022, 6, 1));
	ld_endorse_result out;
	ld_error err = {0};
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.state, LD_PSTATE_VALID);
	assert_int_equal(out.n_ledger, 3);
	expect_entry(&out, 0, LD_LEDGER_ISSUED, D(2020, 5, 10), 0);
	expect_entry(&out, 1, LD_LEDGER_ENDORSED, D(2021, 4, 20),
		     D(2021, 5, 10));
	expect_entry(&out, 2, LD_LEDGER_ENDORSED, D(2022, 4, 10),
		     D(2022, 5, 10));
	assert_int_equal(out.next_anniversary, D(2023, 5, 10));
	assert_int_equal(out.window_opens, D(2023, 4, 10));
	assert_true(out.continuous);
	assert_int_equal(out.continuous_since, D(2020, 5, 10));
	assert_int_equal(out.residence_years, 2);

	/* The day before the anniversary is the last day of the window. */
	const ld_day last[] = {D(2021, 5, 9)};
	in = permit(last, 1, D(2021, 5, 10));
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.state, LD_PSTATE_VALID);
	expect_entry(&out, 1, LD_LEDGER_ENDORSED, D(2021, 5, 9),
		     D(2021, 5, 10));
	assert_int_equal(out.n_ledger, 2);
}

static void missed_anniversary(void **state)
{
	ld_endorse_input in = permit(none, 0, D(2022, 1, 1));
	in.has_registered = true;
	in.registered = D(2019, 1, 1);
	ld_endorse_result out;
	ld_error err = {0};
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.state, LD_PSTATE_SUSPENDED);
	/* The missed anniversary, not a later one. */
	assert_int_equal(out.next_anniversary, D(2021, 5, 10));
	assert_false(out.continuous);
	assert_int_equal(out.continuous_since, 0);
	assert_int_equal(out.residence_years, 0);
	assert_int_equal(out.n_ledger, 3);
	expect_entry(&out, 0, LD_LEDGER_START, D(2019, 1, 1), 0);
	expect_entry(&out, 1, LD_LEDGER_ISSUED, D(2020, 5, 10), 0);
	expect_entry(&out, 2, LD_LEDGER_SUSPENDED, D(2021, 5, 10),
		     D(2021, 5, 10));
}

/* 条例 第十条: after a late endorsement the years count again from it. */
static void late_endorsement_restarts(void **state)
{
	const ld_day e[] = {D(2021, 8, 1)};
	ld_endorse_input in = permit(e, 1, D(2021, 9, 1));
	in.has_registered = true;
	in.registered = D(2019, 1, 1);
	ld_endorse_result out;
	ld_error err = {0};
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.state, LD_PSTATE_VALID);
	assert_int_equal(out.n_ledger, 4);
	expect_entry(&out, 0, LD_LEDGER_START, D(2019, 1, 1), 0);
	expect_entry(&out, 1, LD_LEDGER_ISSUED, D(2020, 5, 10), 0);
	expect_entry(&out, 2, LD_LEDGER_SUSPENDED, D(2021, 5, 10),
		     D(2021, 5, 10));
	expect_entry(&out, 3, LD_LEDGER_RESTARTED, D(2021, 8, 1),
		     D(2021, 5, 10));
	assert_true(out.continuous);
	assert_int_equal(out.continuous_since, D(2021, 8, 1));
	assert_int_equal(out.residence_years, 0);
	/* Anniversaries now count from the late endorsement. */
	assert_int_equal(out.next_anniversary, D(2022, 8, 1));
	assert_int_equal(out.window_opens, D(2022, 7, 1));

	/* Then a timely one on the new schedule, a year later. */
	const ld_day e2[] = {D(2021, 8, 1), D(2022, 7, 15)};
	in.endorsed = e2;
	in.n_endorsed = 2;
	in.on = D(2022, 9, 1);
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.n_ledger, 5);
	expect_entry(&out, 4, LD_LEDGER_ENDORSED, D(2022, 7, 15),
		     D(2022, 8, 1));
	assert_int_equal(out.residence_years, 1);
	assert_int_equal(out.continuous_since, D(2021, 8, 1));
	assert_int_equal(out.next_anniversary, D(2023, 8, 1));

	/* Late over more than one anniversary: one suspension, one restart. */
	const ld_day e3[] = {D(2022, 6, 1)};
	in = permit(e3, 1, D(2022, 6, 2));
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.n_ledger, 3);
	expect_entry(&out, 1, LD_LEDGER_SUSPENDED, D(2021, 5, 10),
		     D(2021, 5, 10));
	expect_entry(&out, 2, LD_LEDGER_RESTARTED, D(2022, 6, 1),
		     D(2021, 5, 10));
	assert_int_equal(out.next_anniversary, D(2023, 6, 1));
}

/* "之日前1个月内": by default the anniversary itself is outside the window;
 * the setting puts it inside. */
static void anniversary_in_window(void **state)
{
	assert_int_equal(state_on(D(2021, 5, 10), &strict),
			 LD_PSTATE_SUSPENDED);
	assert_int_equal(state_on(D(2021, 5, 10), &lenient),
			 LD_PSTATE_WINDOW_OPEN);
	assert_int_equal(state_on(D(2021, 5, 11), &lenient),
			 LD_PSTATE_SUSPENDED);
	assert_int_equal(state_on(D(2021, 4, 10), &lenient),
			 LD_PSTATE_WINDOW_OPEN);

	/* Endorsing on the anniversary: late by default ... */
	const ld_day e[] = {D(2021, 5, 10)};
	ld_endorse_input in = permit(e, 1, D(2021, 6, 1));
	ld_endorse_result out;
	ld_error err = {0};
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.n_ledger, 3);
	expect_entry(&out, 1, LD_LEDGER_SUSPENDED, D(2021, 5, 10),
		     D(2021, 5, 10));
	expect_entry(&out, 2, LD_LEDGER_RESTARTED, D(2021, 5, 10),
		     D(2021, 5, 10));
	assert_int_equal(out.continuous_since, D(2021, 5, 10));
	assert_int_equal(out.residence_years, 0);

	/* ... timely with the setting. */
	assert_int_equal(ld_endorsement_evaluate(&in, &lenient, &out, &err),
			 LD_OK);
	assert_int_equal(out.n_ledger, 2);
	expect_entry(&out, 1, LD_LEDGER_ENDORSED, D(2021, 5, 10),
		     D(2021, 5, 10));
	assert_int_equal(out.continuous_since, D(2020, 5, 10));
	assert_int_equal(out.residence_years, 1);
	assert_int_equal(out.next_anniversary, D(2022, 5, 10));
}

static void bad_input(void **state)
{
	ld_endorse_result out;
	ld_error err = {0};
	/* "on" before the issue date. */
	ld_endorse_input in = permit(none, 0, D(2020, 5, 9));
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_EINVAL);
	assert_string_equal(err.field, "on");
	/* Registered after the issue date. */
	in = permit(none, 0, D(2020, 6, 1));
	in.has_registered = true;
	in.registered = D(2020, 5, 11);
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_EINVAL);
	assert_string_equal(err.field, "registered");
	/* Registered on the issue date is fine. */
	in.registered = D(2020, 5, 10);
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	/* Before the window. */
	const ld_day early[] = {D(2021, 4, 9)};
	in = permit(early, 1, D(2021, 6, 1));
	err.field = NULL;
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_EINVAL);
	assert_string_equal(err.field, "endorsed");
	/* After "on". */
	const ld_day later[] = {D(2021, 4, 20)};
	in = permit(later, 1, D(2021, 4, 19));
	err.field = NULL;
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_EINVAL);
	assert_string_equal(err.field, "endorsed");
	/* Two in one window: the second is before the next window. */
	const ld_day twice[] = {D(2021, 4, 20), D(2021, 4, 25)};
	in = permit(twice, 2, D(2021, 6, 1));
	err.field = NULL;
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_EINVAL);
	assert_string_equal(err.field, "endorsed");
	/* NULL err is allowed. */
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, NULL),
			 LD_EINVAL);
}

/* One endorsement a year for LD_ENDORSE_MAX years is accepted; one more is
 * too many. */
static void endorsement_limit(void **state)
{
	static ld_day e[LD_ENDORSE_MAX + 1];
	for (int i = 0; i <= LD_ENDORSE_MAX; i++)
		e[i] = D(2021 + i, 5, 1);
	ld_endorse_input in =
		permit(e, LD_ENDORSE_MAX, D(2021 + LD_ENDORSE_MAX, 1, 1));
	static ld_endorse_result out;
	ld_error err = {0};
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.n_ledger, LD_ENDORSE_MAX + 1);
	assert_int_equal(out.residence_years, LD_ENDORSE_MAX);
	assert_int_equal(out.state, LD_PSTATE_VALID);
	expect_entry(&out, LD_ENDORSE_MAX, LD_LEDGER_ENDORSED,
		     D(2020 + LD_ENDORSE_MAX, 5, 1),
		     D(2020 + LD_ENDORSE_MAX, 5, 10));

	in.n_endorsed = LD_ENDORSE_MAX + 1;
	in.on = D(2022 + LD_ENDORSE_MAX, 1, 1);
	err.field = NULL;
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_EINVAL);
	assert_int_equal(err.code, LD_EINVAL);
	assert_string_equal(err.field, "endorsed");
}

/* Late every year: the ledger holds every suspension and restart. */
static void ledger_capacity(void **state)
{
	static ld_day e[LD_ENDORSE_MAX];
	/* Each late by a month on the schedule the previous one set. */
	ld_day base = D(2020, 5, 10);
	for (int i = 0; i < LD_ENDORSE_MAX; i++) {
		base = ld_day_add_months(ld_day_add_years(base, 1), 1);
		e[i] = base;
	}
	ld_endorse_input in = permit(e, LD_ENDORSE_MAX,
				     ld_day_add_years(base, 2));
	in.has_registered = true;
	in.registered = D(2020, 1, 1);
	static ld_endorse_result out;
	ld_error err = {0};
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.state, LD_PSTATE_SUSPENDED);
	assert_int_equal(out.n_ledger, 2 + 2 * LD_ENDORSE_MAX + 1);
	assert_true(out.n_ledger <= LD_LEDGER_MAX);
	expect_entry(&out, out.n_ledger - 2, LD_LEDGER_RESTARTED, base,
		     ld_day_add_months(base, -1));
	expect_entry(&out, out.n_ledger - 1, LD_LEDGER_SUSPENDED,
		     ld_day_add_years(base, 1), ld_day_add_years(base, 1));
}

static void unsorted_input(void **state)
{
	ld_day e[] = {D(2022, 4, 10), D(2021, 4, 20)};
	ld_endorse_input in = permit(e, 2, D(2022, 6, 1));
	ld_endorse_result out;
	ld_error err = {0};
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.state, LD_PSTATE_VALID);
	assert_int_equal(out.n_ledger, 3);
	expect_entry(&out, 1, LD_LEDGER_ENDORSED, D(2021, 4, 20),
		     D(2021, 5, 10));
	expect_entry(&out, 2, LD_LEDGER_ENDORSED, D(2022, 4, 10),
		     D(2022, 5, 10));
	assert_int_equal(out.residence_years, 2);
	/* The caller's array is left as it was. */
	assert_int_equal(e[0], D(2022, 4, 10));
	assert_int_equal(e[1], D(2021, 4, 20));
}

/* 民法典 第二百零二条: no corresponding day -> the month's last day. */
static void window_opens(void **state)
{
	assert_int_equal(ld_endorsement_window_opens(D(2025, 3, 31)),
			 D(2025, 2, 28));
	assert_int_equal(ld_endorsement_window_opens(D(2024, 3, 31)),
			 D(2024, 2, 29));
	assert_int_equal(ld_endorsement_window_opens(D(2025, 5, 31)),
			 D(2025, 4, 30));
	assert_int_equal(ld_endorsement_window_opens(D(2025, 5, 10)),
			 D(2025, 4, 10));
	assert_int_equal(ld_endorsement_window_opens(D(2025, 1, 15)),
			 D(2024, 12, 15));

	/* Issued 2024-02-29: the first anniversary is 2025-02-28. */
	ld_endorse_input in = {.issued = D(2024, 2, 29),
			       .endorsed = none,
			       .on = D(2025, 2, 27)};
	ld_endorse_result out;
	ld_error err = {0};
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.state, LD_PSTATE_WINDOW_OPEN);
	assert_int_equal(out.next_anniversary, D(2025, 2, 28));
	assert_int_equal(out.window_opens, D(2025, 1, 28));
	in.on = D(2025, 2, 28);
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.state, LD_PSTATE_SUSPENDED);
}

/* No endorsements given as NULL and 0, as a caller with none would. Last in
 * the group: under UBSan a failure here ends the program. */
static void no_endorsements_null(void **state)
{
	ld_endorse_input in = {.issued = D(2020, 5, 10),
			       .endorsed = NULL,
			       .n_endorsed = 0,
			       .on = D(2020, 6, 1)};
	ld_endorse_result out;
	ld_error err = {0};
	assert_int_equal(ld_endorsement_evaluate(&in, &strict, &out, &err),
			 LD_OK);
	assert_int_equal(out.state, LD_PSTATE_VALID);
	assert_int_equal(out.n_ledger, 1);
}

static void codes(void **state)
{
	assert_string_equal(ld_permit_state_code(LD_PSTATE_VALID), "valid");
	assert_string_equal(ld_permit_state_code(LD_PSTATE_WINDOW_OPEN),
			    "window_open");
	assert_string_equal(ld_permit_state_code(LD_PSTATE_SUSPENDED),
			    "suspended");
	for (int i = LD_PSTATE_VALID; i <= LD_PSTATE_SUSPENDED; i++) {
		ld_permit_state s = LD_PSTATE_VALID;
		assert_true(ld_permit_state_from_code(
			ld_permit_state_code((ld_permit_state)i), &s));
		assert_int_equal(s, i);
	}
	ld_permit_state s = LD_PSTATE_SUSPENDED;
	assert_false(ld_permit_state_from_code("expired", &s));
	assert_false(ld_permit_state_from_code("", &s));
	assert_int_equal(s, LD_PSTATE_SUSPENDED);
	assert_string_equal(ld_ledger_kind_code(LD_LEDGER_START),
			    "residence_start");
	assert_string_equal(ld_ledger_kind_code(LD_LEDGER_ISSUED), "issued");
	assert_string_equal(ld_ledger_kind_code(LD_LEDGER_ENDORSED),
			    "endorsed");
	assert_string_equal(ld_ledger_kind_code(LD_LEDGER_SUSPENDED),
			    "suspended");
	assert_string_equal(ld_ledger_kind_code(LD_LEDGER_RESTARTED),
			    "late_endorsement");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_transitions),
		cmocka_unit_test(fresh_permit),
		cmocka_unit_test(registered_before_issue),
		cmocka_unit_test(timely_endorsement),
		cmocka_unit_test(missed_anniversary),
		cmocka_unit_test(late_endorsement_restarts),
		cmocka_unit_test(anniversary_in_window),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(endorsement_limit),
		cmocka_unit_test(ledger_capacity),
		cmocka_unit_test(unsorted_input),
		cmocka_unit_test(window_opens),
		cmocka_unit_test(codes),
		cmocka_unit_test(no_endorsements_null),
	};
	return cmocka_run_group_tests_name("endorsement", tests, NULL, NULL);
}
