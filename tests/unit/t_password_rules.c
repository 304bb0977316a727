/*
 * t_password_rules.c — the staff password policy (GB/T 22239-2019
 * 8.1.4.1 a)): length in characters, three of four classes below 16
 * characters, distinct characters, no control characters, not the user
 * name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/password_rules.h"

static void accepts(void **state)
{
	const char *why = NULL;
	const char *good[] = {
		"Quan-Cheng-25",	  /* 13 characters, 4 classes */
		"spring2025WATER",	  /* 3 classes */
		"correct horse battery", /* 16 or more: any mix */
		"泉城济南趵突泉2025ab",	  /* Chinese counts as "other" */
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		assert_true(ld_password_acceptable(good[i], "clerk_lixia", &why));
}

static void refuses(void **state)
{
	const char *why = NULL;
	assert_false(ld_password_acceptable("Ab1!Ab1!x", "u", &why));
	assert_string_equal(why, "新密码至少10个字符");
	/* 10 characters of 3 bytes each are 10 characters, not 30. */
	assert_false(ld_password_acceptable("泉城泉城泉城泉城泉", "u", &why));
	assert_false(ld_password_acceptable("lowercase12", "u", &why));
	assert_non_null(strstr(why, "至少三类"));
	assert_false(ld_password_acceptable("aaaaaaaaaaaaaaaaaaaaaa", "u", &why));
	assert_non_null(strstr(why, "不同的字符"));
	assert_false(ld_password_acceptable("Ab1!Ab1!Ab1!Ab1!", "u", &why));
	assert_non_null(strstr(why, "不同的字符"));
	assert_false(ld_password_acceptable("My-CLERK_Lixia-9", "clerk_lixia",
					    &why));
	assert_string_equal(why, "新密码不能包含用户名");
	assert_false(ld_password_acceptable("Tab\there-123x", "u", &why));
	assert_string_equal(why, "新密码不能含有控制字符");
	/* A short user name is not looked for. */
	assert_true(ld_password_acceptable("ab-Quan-Cheng-25", "ab", &why));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts),
		cmocka_unit_test(refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
