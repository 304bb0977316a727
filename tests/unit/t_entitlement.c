/*
 * t_entitlement.c — the entitlement catalogue (办法 第二十四至二十七条;
 * 条例 第十二、十三、十五条; 通知 一、二), what each combination of
 * documents gives, and the citation table behind every decision.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/citation.h"
#include "core/entitlement.h"

static const char open_quote[] = "《";

static bool starts_with_quote(const char *s)
{
	return strncmp(s, open_quote, sizeof open_quote - 1) == 0;
}

static void catalogue(void **state)
{
	assert_int_equal(ld_entitlement_count, 20);
	int permit_only = 0;
	for (size_t i = 0; i < ld_entitlement_count; i++) {
		const ld_entitlement *e = &ld_entitlements[i];
		assert_non_null(e->code);
		assert_true(e->code[0] != '\0');
		assert_non_null(e->title);
		assert_true(e->title[0] != '\0');
		for (size_t j = 0; j < i; j++)
			if (strcmp(ld_entitlements[j].code, e->code) == 0)
				fail_msg("duplicate code %s", e->code);
		/* Codes are lowercase snake case. */
		for (const char *p = e->code; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
		assert_true(e->n_basis >= 1);
		assert_true(e->n_basis <= (int)(sizeof e->basis /
						 sizeof e->basis[0]));
		for (int k = 0; k < e->n_basis; k++) {
			assert_true((unsigned)e->basis[k] < LD_CITE__COUNT);
			const char *t = ld_cite_text(e->basis[k]);
			if (t[0] == '\0' || !starts_with_quote(t))
				fail_msg("%s: basis %d has text \"%s\"",
					 e->code, k, t);
			for (int m = 0; m < k; m++)
				assert_int_not_equal(e->basis[m], e->basis[k]);
		}
		if (e->needs_permit)
			permit_only++;
	}
	assert_int_equal(permit_only, 1);
}

static const ld_entitlement *find(const char *code)
{
	for (size_t i = 0; i < ld_entitlement_count; i++)
		if (strcmp(ld_entitlements[i].code, code) == 0)
			return &ld_entitlements[i];
	return NULL;
}

static void known_entries(void **state)
{
	const ld_entitlement *e = find("hukou_settlement");
	assert_non_null(e);
	assert_true(e->needs_permit);
	assert_true(e->conditional);
	e = find("legal_aid");
	assert_non_null(e);
	assert_false(e->needs_permit);
	e = find("child_education");
	assert_non_null(e);
	assert_true(e->conditional);
	assert_non_null(find("employment_services"));
	assert_non_null(find("public_transport"));
	assert_null(find("no_such_thing"));
}

static bool contains(const ld_grant *list, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].e->code, code) == 0)
			return true;
	return false;
}

static bool basis_has(const ld_basis *b, ld_cite c)
{
	for (int i = 0; i < b->n; i++)
		if (b->items[i] == c)
			return true;
	return false;
}

/* Certificate active or not, times no permit / valid / window open /
 * suspended. Either document gives all but the permit-only entry; only a
 * permit that is not suspended gives hukou_settlement. */
static void documents_combinations(void **state)
{
	static const struct {
		bool cert, has_permit;
		ld_permit_state st;
		size_t want;
		bool settlement;
	} t[] = {
		{false, false, LD_PSTATE_VALID, 0, false},
		{false, true, LD_PSTATE_VALID, 20, true},
		{false, true, LD_PSTATE_WINDOW_OPEN, 20, true},
		{false, true, LD_PSTATE_SUSPENDED, 0, false},
		{true, false, LD_PSTATE_VALID, 19, false},
		{true, true, LD_PSTATE_VALID, 20, true},
		{true, true, LD_PSTATE_WINDOW_OPEN, 20, true},
		{true, true, LD_PSTATE_SUSPENDED, 19, false},
		/* permit_state is ignored without a permit */
		{false, false, LD_PSTATE_WINDOW_OPEN, 0, false},
		{true, false, LD_PSTATE_SUSPENDED, 19, false},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		ld_documents docs = {.certificate_active = t[i].cert,
				     .has_permit = t[i].has_permit,
				     .permit_state = t[i].st};
		ld_grant out[32];
		memset(out, 0, sizeof out);
		size_t n = ld_entitlements_for(&docs, ld_day_from_ymd(2026, 1, 5),
					       &LD_RULES_DEFAULTS, out);
		if (n != t[i].want)
			fail_msg("case %zu: %zu entitlements, want %zu", i, n,
				 t[i].want);
		assert_int_equal(contains(out, n, "hukou_settlement"),
				 t[i].settlement);
		/* Pointers into the catalogue, in its order, nothing past n. */
		bool permit_usable = t[i].has_permit &&
				     t[i].st != LD_PSTATE_SUSPENDED;
		for (size_t k = 0; k < n; k++) {
			assert_true(out[k].e >= ld_entitlements &&
				    out[k].e < ld_entitlements +
						       ld_entitlement_count);
			if (k > 0)
				assert_true(out[k - 1].e < out[k].e);
			/* The 条例 speaks of permit holders: cited only for
			 * them; every grant has a basis. */
			assert_true(out[k].basis.n >= 1);
			for (int c = 0; c < out[k].basis.n; c++)
				if (ld_cite_for_permit_holders(
					    out[k].basis.items[c]))
					assert_true(permit_usable);
		}
		for (size_t k = n; k < 32; k++)
			assert_null(out[k].e);
		if (n == 19)
			for (size_t k = 0; k < n; k++)
				assert_false(out[k].e->needs_permit);
	}
}

/* The notice's items stand from its effective date; before it, and while
 * none is set, the notice then in force is cited. */
static void notice_in_force(void **state)
{
	ld_rules_settings s = LD_RULES_DEFAULTS;
	ld_day before = ld_day_from_ymd(2025, 12, 31);
	ld_day from = ld_day_from_ymd(2026, 1, 1);
	assert_int_equal(ld_cite_on(LD_CITE_TONGZHI_2_4, from, &s),
			 LD_CITE_TONGZHI_2023);
	s.notice_in_force = true;
	s.notice_effective = from;
	assert_int_equal(ld_cite_on(LD_CITE_TONGZHI_2_4, from, &s),
			 LD_CITE_TONGZHI_2_4);
	assert_int_equal(ld_cite_on(LD_CITE_TONGZHI_2_4, before, &s),
			 LD_CITE_TONGZHI_2023);
	assert_int_equal(ld_cite_on(LD_CITE_TONGZHI_1,
				    ld_day_from_ymd(2023, 1, 13), &s),
			 LD_CITE_TONGZHI_2017);
	assert_int_equal(ld_cite_on(LD_CITE_TONGZHI_1,
				    ld_day_from_ymd(2023, 1, 14), &s),
			 LD_CITE_TONGZHI_2023);
	/* Anything else is unchanged. */
	assert_int_equal(ld_cite_on(LD_CITE_BANFA_24_1, before, &s),
			 LD_CITE_BANFA_24_1);
	assert_false(ld_cite_is_confirmed(LD_CITE_TONGZHI_2023));
	assert_true(ld_cite_is_confirmed(LD_CITE_TONGZHI_2_4));

	/* A certificate holder's legal aid: 办法, the law, the notice in
	 * force; never 条例 第十二条. */
	ld_documents cert = {.certificate_active = true};
	ld_grant g[32];
	size_t n = ld_entitlements_for(&cert, from, &s, g);
	const ld_grant *legal = NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].e->code, "legal_aid") == 0)
			legal = &g[i];
	assert_non_null(legal);
	assert_true(basis_has(&legal->basis, LD_CITE_BANFA_24_5));
	assert_true(basis_has(&legal->basis, LD_CITE_TONGZHI_2_4));
	assert_false(basis_has(&legal->basis, LD_CITE_TIAOLI_12_5));
	n = ld_entitlements_for(&cert, before, &s, g);
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].e->code, "legal_aid") == 0)
			assert_true(basis_has(&g[i].basis,
					      LD_CITE_TONGZHI_2023));
}

static void every_citation_has_text(void **state)
{
	for (int c = 0; c < LD_CITE__COUNT; c++) {
		const char *t = ld_cite_text((ld_cite)c);
		assert_non_null(t);
		if (t[0] == '\0' || !starts_with_quote(t))
			fail_msg("citation %d has text \"%s\"", c, t);
		/* Texts are distinct: a copy-paste slip would repeat one. */
		for (int d = 0; d < c; d++)
			if (strcmp(t, ld_cite_text((ld_cite)d)) == 0)
				fail_msg("citations %d and %d share \"%s\"", d,
					 c, t);
	}
	/* Out of range: empty, not a crash. */
	assert_string_equal(ld_cite_text(LD_CITE__COUNT), "");
	assert_string_equal(ld_cite_text((ld_cite)-1), "");
	/* Spot checks. */
	assert_string_equal(ld_cite_text(LD_CITE_CIVIL_203),
			    "《中华人民共和国民法典》第二百零三条");
	assert_string_equal(ld_cite_text(LD_CITE_TIAOLI_10),
			    "《居住证暂行条例》第十条");
}

static void basis_add(void **state)
{
	ld_basis b = {0};
	ld_basis_add(&b, LD_CITE_TIAOLI_2);
	ld_basis_add(&b, LD_CITE_CIVIL_202);
	ld_basis_add(&b, LD_CITE_TIAOLI_2);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.items[0], LD_CITE_TIAOLI_2);
	assert_int_equal(b.items[1], LD_CITE_CIVIL_202);

	ld_basis full = {0};
	for (int c = 0; c < LD_BASIS_MAX + 5; c++)
		ld_basis_add(&full, (ld_cite)c);
	assert_int_equal(full.n, LD_BASIS_MAX);
	for (int c = 0; c < LD_BASIS_MAX; c++)
		assert_int_equal(full.items[c], c);
	/* A duplicate of a present item is still ignored when full. */
	ld_basis_add(&full, (ld_cite)0);
	assert_int_equal(full.n, LD_BASIS_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue),
		cmocka_unit_test(known_entries),
		cmocka_unit_test(documents_combinations),
		cmocka_unit_test(notice_in_force),
		cmocka_unit_test(every_citation_has_text),
		cmocka_unit_test(basis_add),
	};
	return cmocka_run_group_tests_name("entitlement", tests, NULL, NULL);
}
