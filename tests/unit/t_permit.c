/*
 * t_permit.c — residence permit eligibility (条例 第二条; 办法 第九条第一款):
 * half a year after registration by corresponding day (民法典 第二百零二条),
 * a basis, a guardian for under-16s (条例 第九条第三款), and the materials of
 * 条例 第九条.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/permit.h"

static ld_day D(int y, int m, int d)
{
	return ld_day_from_ymd(y, m, d);
}

static bool has_cite(const ld_basis *b, ld_cite c)
{
	for (int i = 0; i < b->n; i++)
		if (b->items[i] == c)
			return true;
	return false;
}

static ld_permit_decision decide(ld_permit_input in)
{
	ld_permit_decision out;
	ld_error err = {0};
	assert_int_equal(ld_permit_decide(&in, &out, &err), LD_OK);
	return out;
}

/* Registered 2025-08-31: six months end on 2026-02-28, the last day of
 * February, since February has no 31st. */
static void eligible_from_month_end(void **state)
{
	ld_permit_input in = {.registered = D(2025, 8, 31),
			      .on = D(2026, 2, 27),
			      .basis = LD_PBASIS_EMPLOYMENT};
	ld_permit_decision out = decide(in);
	assert_int_equal(out.eligible_from, D(2026, 2, 28));
	assert_false(out.eligible);
	assert_int_equal(out.reason, LD_PERMIT_TOO_EARLY);
	assert_string_equal(ld_permit_reason_code(out.reason), "too_early");

	in.on = D(2026, 2, 28);
	out = decide(in);
	assert_true(out.eligible);
	assert_int_equal(out.reason, LD_PERMIT_OK);
	assert_null(ld_permit_reason_code(out.reason));

	/* Into a leap year's February. */
	in.registered = D(2023, 8, 31);
	in.on = D(2024, 2, 28);
	out = decide(in);
	assert_int_equal(out.eligible_from, D(2024, 2, 29));
	assert_int_equal(out.reason, LD_PERMIT_TOO_EARLY);
	in.on = D(2024, 2, 29);
	assert_true(decide(in).eligible);

	/* An ordinary day. */
	in.registered = D(2025, 3, 15);
	in.on = D(2025, 9, 15);
	out = decide(in);
	assert_int_equal(out.eligible_from, D(2025, 9, 15));
	assert_true(out.eligible);

	assert_true(has_cite(&out.basis, LD_CITE_TIAOLI_2));
	assert_true(has_cite(&out.basis, LD_CITE_BANFA_9_1));
	assert_true(has_cite(&out.basis, LD_CITE_CIVIL_202));
	assert_false(has_cite(&out.basis, LD_CITE_TIAOLI_9_3));
}

/* Each basis makes an application possible. */
static void each_basis(void **state)
{
	ld_permit_basis ok[] = {LD_PBASIS_EMPLOYMENT, LD_PBASIS_HOUSING,
				LD_PBASIS_STUDY};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		ld_permit_input in = {.registered = D(2025, 1, 1),
				      .on = D(2025, 7, 1),
				      .basis = ok[i]};
		ld_permit_decision out = decide(in);
		assert_true(out.eligible);
		assert_int_equal(out.reason, LD_PERMIT_OK);
	}
}

/* No basis cannot be cured by waiting, so it is the reason even when the
 * half year has not passed. */
static void no_basis_before_too_early(void **state)
{
	ld_permit_input in = {.registered = D(2025, 8, 31),
			      .on = D(2025, 9, 1),
			      .basis = LD_PBASIS_NONE};
	ld_permit_decision out = decide(in);
	assert_false(out.eligible);
	assert_int_equal(out.reason, LD_PERMIT_NO_BASIS);
	assert_string_equal(ld_permit_reason_code(out.reason), "no_basis");
	assert_int_equal(out.eligible_from, D(2026, 2, 28));

	in.on = D(2027, 1, 1);
	out = decide(in);
	assert_false(out.eligible);
	assert_int_equal(out.reason, LD_PERMIT_NO_BASIS);
}

/* 条例 第九条第三款: under 16, a guardian or close relative applies. */
static void guardian_under_16(void **state)
{
	ld_permit_input in = {.registered = D(2025, 1, 1),
			      .on = D(2026, 2, 28),
			      .basis = LD_PBASIS_STUDY,
			      .has_birth = true,
			      .birth = D(2010, 3, 1)};
	ld_permit_decision out = decide(in);
	assert_true(out.eligible);
	assert_true(out.guardian);
	assert_true(has_cite(&out.basis, LD_CITE_TIAOLI_9_3));

	/* 16 周岁 are reached the day after the 16th birthday (最高人民法院
	 * 关于审理未成年人刑事案件具体应用法律若干问题的解释 第二条). */
	in.on = D(2026, 3, 1); /* the 16th birthday */
	out = decide(in);
	assert_true(out.guardian);
	assert_true(has_cite(&out.basis, LD_CITE_SPC_MINORS_2));
	in.on = D(2026, 3, 2);
	out = decide(in);
	assert_false(out.guardian);
	assert_false(has_cite(&out.basis, LD_CITE_TIAOLI_9_3));
	assert_true(has_cite(&out.basis, LD_CITE_SPC_MINORS_2));

	/* Without a birth date, no guardian is assumed. */
	in.has_birth = false;
	in.on = D(2025, 7, 1);
	in.birth = D(2020, 1, 1);
	assert_false(decide(in).guardian);

	/* The guardian is reported even when not yet eligible. */
	in.has_birth = true;
	in.on = D(2025, 2, 1);
	out = decide(in);
	assert_int_equal(out.reason, LD_PERMIT_TOO_EARLY);
	assert_true(out.guardian);

	/* Born on the day of the application. */
	in.birth = in.on;
	out = decide(in);
	assert_true(out.guardian);
}

static void birth_after_on(void **state)
{
	ld_permit_input in = {.registered = D(2025, 1, 1),
			      .on = D(2025, 9, 1),
			      .basis = LD_PBASIS_HOUSING,
			      .has_birth = true,
			      .birth = D(2025, 9, 2)};
	ld_permit_decision out;
	ld_error err = {0};
	assert_int_equal(ld_permit_decide(&in, &out, &err), LD_EINVAL);
	assert_int_equal(err.code, LD_EINVAL);
	assert_string_equal(err.field, "birth");
	assert_true(err.message[0] != '\0');
	assert_false(out.eligible);
	assert_int_equal(ld_permit_decide(&in, &out, NULL), LD_EINVAL);
	/* Ignored without has_birth. */
	in.has_birth = false;
	assert_int_equal(ld_permit_decide(&in, &out, &err), LD_OK);
}

static void under_16(void **state)
{
	/* 周岁 count from the day after the birthday: still under 16 on the
	 * 16th birthday, 16 the day after. */
	ld_day b = D(2009, 9, 30);
	assert_true(ld_person_is_under_16(b, b));
	assert_true(ld_person_is_under_16(b, D(2025, 9, 29)));
	assert_true(ld_person_is_under_16(b, D(2025, 9, 30)));
	assert_false(ld_person_is_under_16(b, D(2025, 10, 1)));
	assert_false(ld_person_is_under_16(b, D(2060, 1, 1)));
	/* Born on a leap day: the 16th birthday is a leap day too. */
	b = D(2008, 2, 29);
	assert_true(ld_person_is_under_16(b, D(2024, 2, 28)));
	assert_true(ld_person_is_under_16(b, D(2024, 2, 29)));
	assert_false(ld_person_is_under_16(b, D(2024, 3, 1)));
	/* 2100 is not a leap year: the birthday falls on 02-28 (民法典
	 * 第二百零二条), so 16 周岁 from 03-01. */
	b = D(2084, 2, 29);
	assert_true(ld_person_is_under_16(b, D(2100, 2, 27)));
	assert_true(ld_person_is_under_16(b, D(2100, 2, 28)));
	assert_false(ld_person_is_under_16(b, D(2100, 3, 1)));
}

/* 条例 第九条: ID card, photo and residence proof always; employment or
 * study proof for those bases; the guardian's ID for under-16s. */
static void materials(void **state)
{
	const unsigned base =
		LD_MAT_ID_CARD | LD_MAT_PHOTO | LD_MAT_RESIDENCE_PROOF;
	assert_int_equal(ld_permit_required_materials(LD_PBASIS_NONE, false),
			 base);
	assert_int_equal(ld_permit_required_materials(LD_PBASIS_HOUSING, false),
			 base);
	assert_int_equal(
		ld_permit_required_materials(LD_PBASIS_EMPLOYMENT, false),
		base | LD_MAT_BASIS_PROOF);
	assert_int_equal(ld_permit_required_materials(LD_PBASIS_STUDY, false),
			 base | LD_MAT_BASIS_PROOF);
	assert_int_equal(ld_permit_required_materials(LD_PBASIS_NONE, true),
			 base | LD_MAT_GUARDIAN_ID);
	assert_int_equal(ld_permit_required_materials(LD_PBASIS_HOUSING, true),
			 base | LD_MAT_GUARDIAN_ID);
	assert_int_equal(
		ld_permit_required_materials(LD_PBASIS_EMPLOYMENT, true),
		base | LD_MAT_BASIS_PROOF | LD_MAT_GUARDIAN_ID);
	assert_int_equal(ld_permit_required_materials(LD_PBASIS_STUDY, true),
			 base | LD_MAT_BASIS_PROOF | LD_MAT_GUARDIAN_ID);
	/* The bits are distinct. */
	unsigned all = 0;
	const unsigned bits[] = {LD_MAT_ID_CARD, LD_MAT_PHOTO,
				 LD_MAT_RESIDENCE_PROOF, LD_MAT_BASIS_PROOF,
				 LD_MAT_GUARDIAN_ID};
	for (size_t i = 0; i < sizeof bits / sizeof *bits; i++) {
		assert_int_equal(all & bits[i], 0);
		all |= bits[i];
	}
}

static void basis_codes(void **state)
{
	static const struct {
		ld_permit_basis b;
		const char *code;
	} t[] = {
		{LD_PBASIS_NONE, "none"},
		{LD_PBASIS_EMPLOYMENT, "employment"},
		{LD_PBASIS_HOUSING, "housing"},
		{LD_PBASIS_STUDY, "study"},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		assert_string_equal(ld_permit_basis_code(t[i].b), t[i].code);
		ld_permit_basis b = LD_PBASIS_NONE;
		assert_true(ld_permit_basis_from_code(t[i].code, &b));
		assert_int_equal(b, t[i].b);
	}
	ld_permit_basis b = LD_PBASIS_STUDY;
	assert_false(ld_permit_basis_from_code("Employment", &b));
	assert_false(ld_permit_basis_from_code("", &b));
	assert_int_equal(b, LD_PBASIS_STUDY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(eligible_from_month_end),
		cmocka_unit_test(each_basis),
		cmocka_unit_test(no_basis_before_too_early),
		cmocka_unit_test(guardian_under_16),
		cmocka_unit_test(birth_after_on),
		cmocka_unit_test(under_16),
		cmocka_unit_test(materials),
		cmocka_unit_test(basis_codes),
	};
	return cmocka_run_group_tests_name("permit", tests, NULL, NULL);
}
