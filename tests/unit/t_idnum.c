/*
 * t_idnum.c — citizen identity numbers (GB 11643-1999): the MOD 11-2 check
 * character, each reason for rejection in its order, legacy 15-digit numbers,
 * and address codes that exist only in the GB/T 2260 history.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/idnum.h"

static ld_day D(int y, int m, int d)
{
	return ld_day_from_ymd(y, m, d);
}

static ld_day today(void)
{
	return D(2025, 9, 30);
}

static ld_idnum check(const char *s, ld_day on)
{
	ld_idnum id;
	memset(&id, 0x5a, sizeof id); /* the check must reset every field */
	ld_idnum_check(s, strlen(s), on, &id);
	return id;
}

static void check_char(void **state)
{
	/* The example numbers of GB 11643-1999 and others worked by hand. */
	static const char *const known[] = {
		"11010519491231002X", "440524188001010014",
		"370102199001011231", "37010219900101124X",
		"371202198507040023", "370181199003153212",
	};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		assert_int_equal(ld_idnum_check_char(known[i]), known[i][17]);
	/* Every result of sum mod 11 maps to its character. */
	assert_int_equal(ld_idnum_check_char("00000000000000000"), '1');
	assert_int_equal(ld_idnum_check_char("10000000000000000"), '5');
	assert_int_equal(ld_idnum_check_char("01000000000000000"), '3');
	assert_int_equal(ld_idnum_check_char("00100000000000000"), '2');
	assert_int_equal(ld_idnum_check_char("00000001000000000"), '0');
	assert_int_equal(ld_idnum_check_char("00000000000000001"), 'X');
}

static void valid_number(void **state)
{
	ld_idnum id = check("11010519491231002X", today());
	assert_true(id.valid);
	assert_int_equal(id.reason, LD_ID_OK);
	assert_false(id.legacy15);
	assert_int_equal(id.birth, D(1949, 12, 31));
	assert_int_equal(id.sex, LD_SEX_FEMALE);
	assert_int_equal(id.address_code, 110105);
	assert_string_equal(id.normalized, "11010519491231002X");

	id = check("370102199001011231", today());
	assert_true(id.valid);
	assert_int_equal(id.sex, LD_SEX_MALE);
	assert_int_equal(id.birth, D(1990, 1, 1));
	assert_int_equal(id.address_code, 370102);

	/* Born 1880: the standard's own example, a code since renamed. */
	id = check("440524188001010014", today());
	assert_true(id.valid);
	assert_int_equal(id.birth, D(1880, 1, 1));
	assert_int_equal(id.sex, LD_SEX_MALE);

	/* A leap day. */
	id = check("370102202402291232", today());
	assert_true(id.valid);
	assert_int_equal(id.birth, D(2024, 2, 29));
}

static void lowercase_x(void **state)
{
	ld_idnum id = check("11010519491231002x", today());
	assert_true(id.valid);
	assert_string_equal(id.normalized, "11010519491231002X");
	assert_int_equal(id.sex, LD_SEX_FEMALE);
	id = check("37010219900101124x", today());
	assert_true(id.valid);
	assert_string_equal(id.normalized, "37010219900101124X");
	/* Only the last character may be an X, in either case. */
	id = check("1101051949123100x2", today());
	assert_false(id.valid);
	assert_int_equal(id.reason, LD_ID_CHARSET);
}

static void sex_from_sequence(void **state)
{
	/* The 17th character: odd for men, even for women. */
	assert_int_equal(check("370102199001011231", today()).sex,
			 LD_SEX_MALE);
	assert_int_equal(check("37010219900101124X", today()).sex,
			 LD_SEX_FEMALE);
	assert_int_equal(check("371202198507040023", today()).sex,
			 LD_SEX_FEMALE);
	assert_int_equal(check("370181199003153212", today()).sex,
			 LD_SEX_MALE);
	/* 15 digits: the last one. */
	assert_int_equal(check("370102900101123", today()).sex, LD_SEX_MALE);
	assert_int_equal(check("370102900101124", today()).sex, LD_SEX_FEMALE);
}

static void reason(const char *s, ld_id_reason want)
{
	ld_idnum id = check(s, today());
	if (id.valid || id.reason != want)
		fail_msg("%s: valid=%d reason=%d, want reason %d", s,
			 (int)id.valid, (int)id.reason, (int)want);
	/* Fields of a valid number stay unset. */
	assert_int_equal(id.birth, 0);
	assert_int_equal(id.sex, LD_SEX_UNKNOWN);
	assert_int_equal(id.address_code, 0);
}

static void each_reason(void **state)
{
	reason("", LD_ID_LENGTH);
	reason("11010519491231002", LD_ID_LENGTH);   /* 17 */
	reason("11010519491231002X1", LD_ID_LENGTH); /* 19 */
	reason("3701029001011", LD_ID_LENGTH);       /* 13 */
	reason("3701029001011234", LD_ID_LENGTH);    /* 16 */

	reason("11010519491231002A", LD_ID_CHARSET);
	reason("1101051949123100X2", LD_ID_CHARSET);
	reason(" 1010519491231002X", LD_ID_CHARSET);
	reason("11010519491231002\xef", LD_ID_CHARSET);
	reason("37010290010112X", LD_ID_CHARSET); /* no X in 15 digits */
	reason("3701029001011a3", LD_ID_CHARSET);

	reason("110105194912310021", LD_ID_CHECKSUM);
	reason("110105194912310020", LD_ID_CHECKSUM);
	reason("370102199001011230", LD_ID_CHECKSUM);
	reason("37010219900101123X", LD_ID_CHECKSUM);

	/* Checksums right, dates wrong. */
	reason("370102194902301233", LD_ID_BIRTH_DATE); /* 1949-02-30 */
	reason("370102202510011234", LD_ID_BIRTH_DATE); /* after today */
	reason("370102901301123", LD_ID_BIRTH_DATE);    /* month 13 */
	reason("370102900230123", LD_ID_BIRTH_DATE);    /* 1990-02-30 */
	reason("370102000229123", LD_ID_BIRTH_DATE);    /* 1900 not leap */

	reason("00000019900101123X", LD_ID_ADDRESS_CODE);
	reason("999999199001011238", LD_ID_ADDRESS_CODE);
	reason("000000900101123", LD_ID_ADDRESS_CODE);
}

/* Checks stop at the first failure, in the order of ld_id_reason. */
static void reason_order(void **state)
{
	/* Bad address, bad date and bad checksum: the checksum. */
	reason("000000194902301230", LD_ID_CHECKSUM);
	/* Bad address and bad date, right checksum: the date. */
	ld_idnum id = check("000000194902301231", today());
	if (id.reason == LD_ID_CHECKSUM)
		fail_msg("fixture has a wrong check character");
	assert_int_equal(id.reason, LD_ID_BIRTH_DATE);
	/* Letters and the wrong length: the length. */
	reason("ABC", LD_ID_LENGTH);
}

static void legacy_15(void **state)
{
	ld_idnum id = check("370102900101123", today());
	assert_true(id.valid);
	assert_true(id.legacy15);
	assert_int_equal(id.birth, D(1990, 1, 1));
	assert_int_equal(id.address_code, 370102);
	assert_string_equal(id.normalized, "370102900101123");

	/* The two-digit year is 19YY. */
	id = check("370102000101124", today());
	assert_true(id.valid);
	assert_int_equal(id.birth, D(1900, 1, 1));
	assert_int_equal(id.sex, LD_SEX_FEMALE);

	/* A bad date is still a bad date. */
	id = check("370102900230123", today());
	assert_false(id.valid);
	assert_true(id.legacy15);
	assert_int_equal(id.reason, LD_ID_BIRTH_DATE);

	/* 18 characters are not legacy even when invalid. */
	assert_false(check("110105194912310021", today()).legacy15);
}

static void birth_on_today(void **state)
{
	/* Born on the day of the check: valid; the day after: not. */
	ld_idnum id = check("370102202509301234", D(2025, 9, 30));
	assert_true(id.valid);
	assert_int_equal(id.birth, D(2025, 9, 30));
	id = check("370102202509301234", D(2025, 9, 29));
	assert_false(id.valid);
	assert_int_equal(id.reason, LD_ID_BIRTH_DATE);
	id = check("370102202510011234", D(2025, 9, 30));
	assert_false(id.valid);
	assert_int_equal(id.reason, LD_ID_BIRTH_DATE);
	id = check("370102202510011234", D(2025, 10, 1));
	assert_true(id.valid);

	/* Legacy: born 1999-12-31, checked that day and the day before. */
	assert_true(check("370102991231123", D(1999, 12, 31)).valid);
	assert_int_equal(check("370102991231123", D(1999, 12, 30)).reason,
			 LD_ID_BIRTH_DATE);
}

/* ID numbers keep the code they were issued under (GB/T 2260 history). */
static void historical_address_codes(void **state)
{
	ld_idnum id = check("370181199003153212", today()); /* 章丘市 */
	assert_true(id.valid);
	assert_int_equal(id.address_code, 370181);
	id = check("371202198507040023", today()); /* 莱芜市莱城区 */
	assert_true(id.valid);
	assert_int_equal(id.address_code, 371202);
	id = check("440524188001010014", today()); /* 潮阳县 */
	assert_true(id.valid);
	id = check("370902199001011235", today()); /* reused code */
	assert_true(id.valid);
	assert_int_equal(id.address_code, 370902);
}

/* A 港澳台居民居住证's number (GB 11643, address code 810000, 820000 or
 * 830000) is not a resident ID card's; the reports' check takes either. */
static void hmt_numbers(void **state)
{
	ld_idnum id = check("810000199001011230", today());
	assert_false(id.valid);
	assert_int_equal(id.reason, LD_ID_DOCUMENT_TYPE);
	ld_idnum_check_hmt("810000199001011230", 18, today(), &id);
	assert_true(id.valid);
	assert_int_equal(id.address_code, 810000);
	assert_int_equal(id.birth, ld_day_from_ymd(1990, 1, 1));
	ld_idnum_check_hmt("830000200002293451", 18, today(), &id);
	assert_true(id.valid);
	ld_idnum_check_hmt("370102199001011231", 18, today(), &id);
	assert_int_equal(id.reason, LD_ID_ADDRESS_CODE);
	ld_idnum_check_hmt("810000900101123", 15, today(), &id);
	assert_int_equal(id.reason, LD_ID_LENGTH);
	ld_idnum_check_person("810000199001011230", 18, today(), &id);
	assert_true(id.valid);
	ld_idnum_check_person("370102199001011231", 18, today(), &id);
	assert_true(id.valid);
	ld_idnum_check_person("999999199001011231", 18, today(), &id);
	assert_false(id.valid);
}

static void reason_codes(void **state)
{
	assert_null(ld_id_reason_code(LD_ID_OK));
	assert_string_equal(ld_id_reason_code(LD_ID_LENGTH), "length");
	assert_string_equal(ld_id_reason_code(LD_ID_CHARSET), "charset");
	assert_string_equal(ld_id_reason_code(LD_ID_CHECKSUM), "checksum");
	assert_string_equal(ld_id_reason_code(LD_ID_BIRTH_DATE), "birth_date");
	assert_string_equal(ld_id_reason_code(LD_ID_ADDRESS_CODE),
			    "address_code");
	assert_string_equal(ld_id_reason_code(LD_ID_DOCUMENT_TYPE),
			    "document_type");
	/* Every reason has a distinct, non-empty message. */
	for (int i = LD_ID_OK; i <= LD_ID_DOCUMENT_TYPE; i++) {
		const char *m = ld_id_reason_message((ld_id_reason)i);
		assert_non_null(m);
		assert_true(m[0] != '\0');
		for (int j = LD_ID_OK; j < i; j++)
			assert_string_not_equal(
				m, ld_id_reason_message((ld_id_reason)j));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_char),
		cmocka_unit_test(valid_number),
		cmocka_unit_test(lowercase_x),
		cmocka_unit_test(sex_from_sequence),
		cmocka_unit_test(each_reason),
		cmocka_unit_test(reason_order),
		cmocka_unit_test(legacy_15),
		cmocka_unit_test(birth_on_today),
		cmocka_unit_test(historical_address_codes),
		cmocka_unit_test(hmt_numbers),
		cmocka_unit_test(reason_codes),
	};
	return cmocka_run_group_tests_name("idnum", tests, NULL, NULL);
}
