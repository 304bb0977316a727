/*
 * t_small.c — the small building blocks: registration certificate numbers
 * (居住登记凭证编号, check character by ISO 7064 MOD 11-2 as in GB 11643),
 * the fixed code lists (GB/T 3304-1991 ethnic groups and the others of
 * catalog.h), and the arena allocator (alignment, ceiling, chunk growth).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/catalog.h"
#include "core/certificate.h"
#include "core/phone.h"
#include "util/arena.h"

/* ---- certificate numbers -------------------------------------------- */

/* An independent ISO 7064 MOD 11-2 check character over 17 digits. */
static char mod11_2(const char *d17)
{
	int sum = 0, w = 1;
	/* Weight of position i (from the right, the check being position 1)
	 * is 2^(i-1) mod 11. */
	for (int i = 16; i >= 0; i--) {
		w = w * 2 % 11;
		sum += (d17[i] - '0') * w;
	}
	return "10X98765432"[sum % 11];
}

static void certificate_known_values(void **state)
{
	char out[LD_CERT_NO_LEN + 1];
	/* District 370102 (历下区), 2025, serial 179: digits
	 * 370102 2025 0000179, check '6'. */
	assert_true(ld_certificate_format(370102, 2025, 179, out));
	assert_string_equal(out, "DJ370102202500001796");
	assert_int_equal(strlen(out), LD_CERT_NO_LEN);
	assert_true(ld_certificate_is_valid(out));
	/* Serial 17 of the same district and year: check '9'. */
	assert_true(ld_certificate_format(370102, 2025, 17, out));
	assert_string_equal(out, "DJ370102202500000179");
	/* Check character X (sum = 2 mod 11). certificate.h gives
	 * DJ37010220260000001X as its example, but serial 1 of 2026 checks
	 * to '0'; serial 7 is the first that checks to X. */
	assert_true(ld_certificate_format(370102, 2026, 1, out));
	assert_string_equal(out, "DJ370102202600000010");
	assert_true(ld_certificate_format(370102, 2026, 7, out));
	assert_string_equal(out, "DJ37010220260000007X");
	assert_true(ld_certificate_is_valid("DJ37010220260000007X"));
	assert_false(ld_certificate_is_valid("DJ37010220260000001X"));
}

/* The check character agrees with an independent computation for many
 * districts, years and serials, and every number formatted is valid. */
static void certificate_check_character(void **state)
{
	const int32_t districts[] = {370102, 370103, 370112, 370181, 110101};
	const int years[] = {1000, 2024, 2025, 9999};
	const long serials[] = {1, 9, 10, 179, 123456, 9999999};
	char out[LD_CERT_NO_LEN + 1];
	for (size_t d = 0; d < sizeof districts / sizeof *districts; d++)
		for (size_t y = 0; y < sizeof years / sizeof *years; y++)
			for (size_t s = 0; s < sizeof serials / sizeof *serials;
			     s++) {
				assert_true(ld_certificate_format(
				    districts[d], years[y], serials[s], out));
				char digits[18];
				snprintf(digits, sizeof digits, "%06d%04d%07ld",
				         (int)districts[d], years[y],
				         serials[s]);
				assert_memory_equal(out, "DJ", 2);
				assert_memory_equal(out + 2, digits, 17);
				assert_int_equal(out[19], mod11_2(digits));
				assert_true(ld_certificate_is_valid(out));
			}
	/* Serials 1..2000 of one district: every check value shows up. */
	int counts[128] = {0};
	for (long s = 1; s <= 2000; s++) {
		assert_true(ld_certificate_format(370102, 2025, s, out));
		counts[(unsigned char)out[19]]++;
	}
	for (const char *c = "0123456789X"; *c; c++)
		assert_true(counts[(unsigned char)*c] > 0);
}

static void certificate_out_of_range(void **state)
{
	char out[LD_CERT_NO_LEN + 1];
	assert_false(ld_certificate_format(370102, 2025, 0, out));
	assert_false(ld_certificate_format(370102, 2025, -1, out));
	assert_false(ld_certificate_format(370102, 2025, 10000000, out));
	assert_true(ld_certificate_format(370102, 2025, 9999999, out));
	assert_memory_equal(out + 12, "9999999", 7);
	assert_false(ld_certificate_format(370102, 999, 1, out));
	assert_false(ld_certificate_format(370102, 10000, 1, out));
	assert_false(ld_certificate_format(370102, -2025, 1, out));
	assert_false(ld_certificate_format(99999, 2025, 1, out));
	assert_false(ld_certificate_format(1000000, 2025, 1, out));
}

static void certificate_invalid(void **state)
{
	char good[LD_CERT_NO_LEN + 1];
	assert_true(ld_certificate_format(370102, 2025, 179, good));
	/* Any single digit changed makes the number invalid (MOD 11-2
	 * detects every single substitution). */
	for (int i = 2; i < 19; i++) {
		char bad[LD_CERT_NO_LEN + 1];
		memcpy(bad, good, sizeof bad);
		bad[i] = (char)('0' + (bad[i] - '0' + 1) % 10);
		assert_false(ld_certificate_is_valid(bad));
	}
	/* A wrong check character. */
	char bad[LD_CERT_NO_LEN + 1];
	memcpy(bad, good, sizeof bad);
	bad[19] = bad[19] == '6' ? '7' : '6';
	assert_false(ld_certificate_is_valid(bad));
	/* Two adjacent digits swapped (different digits). */
	memcpy(bad, good, sizeof bad);
	bad[16] = good[17];
	bad[17] = good[16];
	assert_int_not_equal(good[16], good[17]);
	assert_false(ld_certificate_is_valid(bad));

	assert_false(ld_certificate_is_valid(""));
	assert_false(ld_certificate_is_valid("DJ"));
	assert_false(ld_certificate_is_valid("DJ37010220250000179"));   /* 19 */
	assert_false(ld_certificate_is_valid("DJ3701022025000017966")); /* 21 */
	assert_false(ld_certificate_is_valid("dj370102202500001796"));
	assert_false(ld_certificate_is_valid("DK370102202500001796"));
	assert_false(ld_certificate_is_valid("DJ3701022025000O1796"));
	assert_false(ld_certificate_is_valid("DJ37010220260000007x"));
	assert_false(ld_certificate_is_valid("37010220250000179600"));
}

/* ---- code lists ----------------------------------------------------- */

static void codes_lookup(void **state)
{
	const struct ld_code *c = ld_code_find(&ld_ethnicities, "01");
	assert_non_null(c);
	assert_string_equal(c->label, "汉族");
	c = ld_code_find(&ld_ethnicities, "回族");
	assert_non_null(c);
	assert_string_equal(c->code, "03");
	c = ld_code_find(&ld_ethnicities, "56");
	assert_non_null(c);
	assert_string_equal(c->label, "基诺族");
	assert_ptr_equal(ld_code_find(&ld_ethnicities, "基诺族"), c);

	assert_null(ld_code_find(&ld_ethnicities, "00"));
	assert_null(ld_code_find(&ld_ethnicities, "57"));
	assert_null(ld_code_find(&ld_ethnicities, "1"));
	assert_null(ld_code_find(&ld_ethnicities, ""));
	assert_null(ld_code_find(&ld_ethnicities, "汉"));
	assert_null(ld_code_find(&ld_ethnicities, "work"));

	c = ld_code_find(&ld_stay_reasons, "work");
	assert_non_null(c);
	assert_string_equal(c->label, "务工");
	c = ld_code_find(&ld_housing_kinds, "rented");
	assert_non_null(c);
	assert_string_equal(c->label, "租赁房屋");
	c = ld_code_find(&ld_reporters, "self");
	assert_non_null(c);
	assert_string_equal(c->label, "本人");
	c = ld_code_find(&ld_reporters, "房屋出租人");
	assert_non_null(c);
	assert_string_equal(c->code, "landlord");
	assert_null(ld_code_find(&ld_reporters, "stranger"));
	assert_null(ld_code_find(&ld_housing_kinds, "01"));

	assert_string_equal(ld_ethnicities.name, "ethnicity");
}

/* GB/T 3304-1991: 56 groups, codes "01".."56" in order, labels unique. */
static void codes_ethnicities(void **state)
{
	assert_int_equal(ld_ethnicities.n, 56);
	for (size_t i = 0; i < ld_ethnicities.n; i++) {
		char want[24];
		snprintf(want, sizeof want, "%02zu", i + 1);
		assert_string_equal(ld_ethnicities.items[i].code, want);
		assert_true(strlen(ld_ethnicities.items[i].label) > 0);
		/* Each code and label finds its own entry. */
		assert_ptr_equal(ld_code_find(&ld_ethnicities, want),
		                 &ld_ethnicities.items[i]);
		assert_ptr_equal(ld_code_find(&ld_ethnicities,
		                              ld_ethnicities.items[i].label),
		                 &ld_ethnicities.items[i]);
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(ld_ethnicities.items[i].code,
			                        ld_ethnicities.items[j].code);
			assert_string_not_equal(ld_ethnicities.items[i].label,
			                        ld_ethnicities.items[j].label);
		}
	}
}

/* Every list: codes unique and found; no code is another entry's label. */
static void codes_lists_consistent(void **state)
{
	const struct ld_code_list *lists[] = {&ld_ethnicities, &ld_stay_reasons,
	                                      &ld_housing_kinds, &ld_reporters};
	for (size_t l = 0; l < sizeof lists / sizeof *lists; l++) {
		const struct ld_code_list *L = lists[l];
		assert_true(L->n > 0);
		assert_non_null(L->name);
		for (size_t i = 0; i < L->n; i++) {
			assert_ptr_equal(ld_code_find(L, L->items[i].code),
			                 &L->items[i]);
			for (size_t j = 0; j < L->n; j++)
				if (i != j) {
					assert_string_not_equal(
					    L->items[i].code, L->items[j].code);
					assert_string_not_equal(
					    L->items[i].code,
					    L->items[j].label);
				}
		}
	}
}

/* ---- arena ---------------------------------------------------------- */

static int is_aligned(const void *p)
{
	return (uintptr_t)p % _Alignof(max_align_t) == 0;
}

static void arena_alignment(void **state)
{
	ld_arena a;
	ld_arena_init(&a, 0);
	char *prev = NULL;
	for (size_t n = 0; n < 100; n++) {
		char *p = ld_arena_alloc(&a, n);
		assert_non_null(p);
		assert_true(is_aligned(p));
		/* The whole size is usable and does not overlap the previous
		 * block (ASan would object to a short block). */
		memset(p, 0xab, n);
		if (prev)
			assert_ptr_not_equal(p, prev);
		prev = p;
	}
	/* Odd sizes in a row stay aligned. */
	for (int i = 0; i < 50; i++) {
		void *p = ld_arena_alloc(&a, 1 + (size_t)i * 3);
		assert_non_null(p);
		assert_true(is_aligned(p));
	}
	/* A struct needing max alignment is usable as such. */
	long double *ld = ld_arena_alloc(&a, 4 * sizeof *ld);
	assert_non_null(ld);
	assert_true(is_aligned(ld));
	ld[3] = 1.5L;
	assert_true(ld[3] == 1.5L);
	ld_arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.used_total, 0);
}

static void arena_calloc_and_strings(void **state)
{
	ld_arena a;
	ld_arena_init(&a, 0);
	/* Dirty memory first, then release and reuse: calloc must zero. */
	for (int round = 0; round < 2; round++) {
		unsigned char *d = ld_arena_alloc(&a, 4096);
		assert_non_null(d);
		memset(d, 0xff, 4096);
		unsigned char *z = ld_arena_calloc(&a, 3000);
		assert_non_null(z);
		assert_true(is_aligned(z));
		for (size_t i = 0; i < 3000; i++)
			assert_int_equal(z[i], 0);
		memset(z, 0xee, 3000);
		ld_arena_release(&a);
		ld_arena_init(&a, 0);
	}

	char *s = ld_arena_strndup(&a, "济南市历下区", 6); /* two characters */
	assert_non_null(s);
	assert_string_equal(s, "济南");
	s = ld_arena_strndup(&a, "abc", 0);
	assert_non_null(s);
	assert_string_equal(s, "");
	s = ld_arena_strndup(&a, "a\0bc", 4);
	assert_non_null(s);
	assert_memory_equal(s, "a\0bc", 5);
	char src[] = "mutable";
	s = ld_arena_strdup(&a, src);
	src[0] = 'X';
	assert_string_equal(s, "mutable");
	assert_ptr_not_equal(s, src);

	s = ld_arena_printf(&a, "%s-%04d-%c", "DJ", 42, 'z');
	assert_non_null(s);
	assert_string_equal(s, "DJ-0042-z");
	s = ld_arena_printf(&a, "%s", "");
	assert_non_null(s);
	assert_string_equal(s, "");
	/* Longer than a chunk. */
	char big[20001];
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	s = ld_arena_printf(&a, "<%s>", big);
	assert_non_null(s);
	assert_int_equal(strlen(s), 20002);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[20001], '>');
	assert_int_equal(s[10000], 'q');
	ld_arena_release(&a);
}

/* Reset: the arena is empty again (the ceiling counts from zero), and
 * its newest chunk is reused rather than allocated anew. */
static void arena_reset_reuses(void **state)
{
	(void)state;
	ld_arena a;
	ld_arena_init(&a, 100000);
	ld_arena_reset(&a); /* nothing allocated yet: nothing to do */
	assert_int_equal(a.used_total, 0);
	for (int i = 0; i < 20; i++) /* several chunks */
		assert_non_null(ld_arena_alloc(&a, 4000));
	/* Larger than a chunk: a chunk of its own, the newest. */
	char *newest = ld_arena_alloc(&a, 9000);
	assert_non_null(newest);
	assert_null(ld_arena_alloc(&a, 20000)); /* the ceiling */
	ld_arena_reset(&a);
	assert_int_equal(a.used_total, 0);
	assert_ptr_equal(ld_arena_alloc(&a, 16), newest);
	assert_non_null(ld_arena_alloc(&a, 90000));
	ld_arena_release(&a);
}

static void arena_ceiling(void **state)
{
	ld_arena a;
	ld_arena_init(&a, 1024);
	assert_int_equal(a.max, 1024);
	/* Past the ceiling: NULL, and nothing is counted. */
	assert_null(ld_arena_alloc(&a, 2000));
	assert_null(ld_arena_calloc(&a, 1025));
	assert_int_equal(a.used_total, 0);
	/* Small allocations still work up to the ceiling... */
	char *p = ld_arena_alloc(&a, 512);
	assert_non_null(p);
	memset(p, 1, 512);
	assert_null(ld_arena_alloc(&a, 513));
	char *q = ld_arena_alloc(&a, 512);
	assert_non_null(q);
	memset(q, 2, 512);
	/* ...and not one byte more. */
	assert_null(ld_arena_alloc(&a, 1));
	assert_null(ld_arena_strdup(&a, ""));
	assert_null(ld_arena_printf(&a, "%d", 7));
	assert_true(a.used_total <= a.max);
	assert_int_equal(p[511], 1);
	assert_int_equal(q[0], 2);
	ld_arena_release(&a);

	/* strndup of a string that alone reaches the ceiling. */
	ld_arena_init(&a, 64);
	char s[64];
	memset(s, 'x', sizeof s);
	assert_null(ld_arena_strndup(&a, s, 64)); /* needs 65 */
	assert_non_null(ld_arena_strndup(&a, s, 63));
	ld_arena_release(&a);

	/* Zero means the default ceiling, which is large. */
	ld_arena_init(&a, 0);
	assert_true(a.max >= ((size_t)1 << 20));
	assert_non_null(ld_arena_alloc(&a, (size_t)1 << 20));
	ld_arena_release(&a);
}

/* A size whose rounding up to the alignment overflows is past any ceiling
 * and must not come back as a small block. */
static void arena_huge_request(void **state)
{
	ld_arena a;
	ld_arena_init(&a, 4096);
	assert_null(ld_arena_alloc(&a, SIZE_MAX));
	assert_null(ld_arena_alloc(&a, SIZE_MAX - 1));
	assert_null(ld_arena_alloc(&a, SIZE_MAX / 2));
	assert_null(ld_arena_alloc(&a, SIZE_MAX - 14));
	assert_int_equal(a.used_total, 0);
	ld_arena_release(&a);
}

static void arena_chunk_growth(void **state)
{
	ld_arena a;
	ld_arena_init_sized(&a, 0, 64);
	assert_int_equal(a.next_chunk, 64);
	/* Many small allocations through the doubling chunks: all distinct,
	 * all aligned, and each keeps what was written to it. */
	unsigned char *ptrs[600];
	for (int i = 0; i < 600; i++) {
		ptrs[i] = ld_arena_alloc(&a, 24);
		assert_non_null(ptrs[i]);
		assert_true(is_aligned(ptrs[i]));
		memset(ptrs[i], i & 0xff, 24);
	}
	for (int i = 0; i < 600; i++)
		for (int k = 0; k < 24; k++)
			assert_int_equal(ptrs[i][k], i & 0xff);
	/* Chunks grow to 8 KiB and no further. */
	assert_int_equal(a.next_chunk, 8192);

	/* Larger than the first chunk, larger than the largest chunk. */
	ld_arena b;
	ld_arena_init_sized(&b, 0, 32);
	size_t sizes[] = {100, 40, 5000, 8192, 8193, 100000, 16, 70000};
	unsigned char *blk[8];
	for (int i = 0; i < 8; i++) {
		blk[i] = ld_arena_alloc(&b, sizes[i]);
		assert_non_null(blk[i]);
		assert_true(is_aligned(blk[i]));
		memset(blk[i], 0x30 + i, sizes[i]);
	}
	for (int i = 0; i < 8; i++) {
		assert_int_equal(blk[i][0], 0x30 + i);
		assert_int_equal(blk[i][sizes[i] - 1], 0x30 + i);
	}
	size_t total = 0;
	for (int i = 0; i < 8; i++)
		total += (sizes[i] + 15) / 16 * 16;
	assert_true(b.used_total >= total);

	/* A first chunk larger than the default is kept as given. */
	ld_arena c;
	ld_arena_init_sized(&c, 0, 20000);
	assert_non_null(ld_arena_alloc(&c, 19000));
	assert_non_null(ld_arena_alloc(&c, 19000));
	assert_int_equal(c.next_chunk, 20000);

	ld_arena_release(&a);
	ld_arena_release(&b);
	ld_arena_release(&c);
	assert_null(a.head);
	assert_null(b.head);
	assert_null(c.head);
	assert_int_equal(b.used_total, 0);
	/* A released arena can be used again. */
	assert_non_null(ld_arena_alloc(&b, 10));
	ld_arena_release(&b);
}

/* ---- contact numbers ------------------------------------------------ */

static void phone_forms(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{"", true},		      /* no number */
		{"13812345678", true},	      /* mobile */
		{"19912345678", true},
		{"0531-86001234", true},      /* landline with area code */
		{"0531-8600-1234", true},     /* two hyphens */
		{"0531-86-00-1234", false},   /* three */
		{"-053186001234", false},     /* hyphen first */
		{"86001234", true},	      /* local landline */
		{"123456", false},	      /* too short */
		{"123456789012345678901", false}, /* 21 characters */
		{"138 1234 5678", false},     /* spaces */
		{"１３８１２３４５６７８", false}, /* full-width digits */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (ld_phone_valid(cases[i].s) != cases[i].ok)
			fail_msg("phone \"%s\": want %d", cases[i].s, cases[i].ok);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(certificate_known_values),
	    cmocka_unit_test(certificate_check_character),
	    cmocka_unit_test(certificate_out_of_range),
	    cmocka_unit_test(certificate_invalid),
	    cmocka_unit_test(codes_lookup),
	    cmocka_unit_test(codes_ethnicities),
	    cmocka_unit_test(codes_lists_consistent),
	    cmocka_unit_test(arena_alignment),
	    cmocka_unit_test(arena_calloc_and_strings),
	    cmocka_unit_test(arena_ceiling),
	    cmocka_unit_test(arena_reset_reuses),
	    cmocka_unit_test(arena_huge_request),
	    cmocka_unit_test(arena_chunk_growth),
	    cmocka_unit_test(phone_forms),
	};
	return cmocka_run_group_tests_name("small", tests, NULL, NULL);
}
