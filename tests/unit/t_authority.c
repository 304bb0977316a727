/*
 * t_authority.c — the issuing authorities of residence permits
 * (src/http/authority.c; 《居住证暂行条例》第十条: signed by the county-level
 * police): the --issuing-authorities file format, the table the migration
 * seeds for Jinan's twelve districts and counties, and which source wins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/authority.h"
#include "tmpdir.h"

static int parse(const char *text, struct ld_authority *out, char *msg)
{
	return ld_authorities_parse(text, strlen(text), out, LD_AUTHORITIES_MAX,
				    msg, 200);
}

static void file_format(void **state)
{
	struct ld_authority a[LD_AUTHORITIES_MAX];
	char msg[200];
	int n = parse("# 签发机关\r\n\n370102\t济南市公安局历下区分局\r\n"
		      "  370126   商河县公安局  \n370103 济南市公安局 市中区分局",
		      a, msg);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].district, "370102");
	assert_string_equal(a[0].name, "济南市公安局历下区分局");
	assert_string_equal(a[1].district, "370126");
	assert_string_equal(a[1].name, "商河县公安局");
	/* Spaces inside a name stay; around it they go. */
	assert_string_equal(a[2].name, "济南市公安局 市中区分局");
	assert_true(a[0].from_file);
	assert_int_equal(parse("", a, msg), 0);
	assert_int_equal(parse("# nothing\n\n", a, msg), 0);
}

static void file_refused(void **state)
{
	static const struct {
		const char *text, *line;
	} cases[] = {
		{"110105 北京市公安局朝阳分局\n", "第1行"},     /* not Jinan */
		{"370181 章丘市公安局\n", "第1行"},	     /* a former code */
		{"37010 短\n", "第1行"},
		{"370102\n", "第1行"},			     /* no name */
		{"370102 A\n# x\n370102 B\n", "第3行"},	     /* twice */
		{"370102 \xff\xfe\n", "第1行"},		     /* not UTF-8 */
		{"370102 济南\xe2\x80\xae局\n", "第1行"},     /* a bidi control */
		{"370102 a\x01b\n", "第1行"},
	};
	struct ld_authority a[LD_AUTHORITIES_MAX];
	char msg[200];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		if (parse(cases[i].text, a, msg) != -1)
			fail_msg("accepted: %s", cases[i].text);
		assert_non_null(strstr(msg, cases[i].line));
	}
	char long_name[200] = "370102 ";
	memset(long_name + 7, 'x', LD_AUTHORITY_NAME_MAX + 1);
	assert_int_equal(parse(long_name, a, msg), -1);
	long_name[7 + LD_AUTHORITY_NAME_MAX] = '\0';
	assert_int_equal(parse(long_name, a, msg), 1);
}

/* The migration's table: each of Jinan's twelve units has its county-level
 * authority; the file overrides one for the run; anything else falls back
 * to the city-level name. */
static void table_and_precedence(void **state)
{
	char dir[] = "/tmp/t_authority-XXXXXX";
	assert_non_null(mkdtemp(dir));
	const struct ld_store_ops *ops = ld_store_find("sqlite");
	ld_store *st;
	ld_conn *c;
	ld_error err = {0};
	assert_int_equal(ops->open(dir, &st, &err), LD_OK);
	assert_int_equal(ops->connect(st, false, &c, &err), LD_OK);
	struct ld_authorities *a = calloc(1, sizeof *a);
	assert_non_null(a);
	assert_int_equal(ld_authorities_load(a, ops, c, NULL, 0, "济南市公安局",
					     &err),
			 LD_OK);
	assert_int_equal(a->n, 12);
	static const struct {
		const char *code, *name;
	} want[] = {
		{"370102", "济南市公安局历下区分局"}, {"370103", "济南市公安局市中区分局"},
		{"370104", "济南市公安局槐荫区分局"}, {"370105", "济南市公安局天桥区分局"},
		{"370112", "济南市公安局历城区分局"}, {"370113", "济南市公安局长清区分局"},
		{"370114", "济南市公安局章丘区分局"}, {"370115", "济南市公安局济阳区分局"},
		{"370116", "济南市公安局莱芜区分局"}, {"370117", "济南市公安局钢城区分局"},
		{"370124", "平阴县公安局"},	      {"370126", "商河县公安局"},
	};
	for (size_t i = 0; i < 12; i++)
		assert_string_equal(ld_authority_of(a, want[i].code), want[i].name);
	assert_string_equal(ld_authority_of(a, "110105"), "济南市公安局");
	assert_string_equal(ld_authority_of(a, NULL), "济南市公安局");

	struct ld_authority over[1];
	char msg[200];
	assert_int_equal(parse("370102 历下分局（新）\n", over, msg), 1);
	assert_int_equal(ld_authorities_load(a, ops, c, over, 1, "济南市公安局",
					     &err),
			 LD_OK);
	assert_int_equal(a->n, 12);
	assert_string_equal(ld_authority_of(a, "370102"), "历下分局（新）");
	assert_string_equal(ld_authority_of(a, "370103"), "济南市公安局市中区分局");
	free(a);
	ops->disconnect(c);
	ops->close(st);
	remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_format),
		cmocka_unit_test(file_refused),
		cmocka_unit_test(table_and_precedence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
