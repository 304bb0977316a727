/*
 * t_division.c — GB/T 2260 division codes: parsing, the history table (to
 * the end of 2024), Jinan's units and the successors of its former codes,
 * full names, and the operator's files merged over the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "core/division.h"
#include "tmpdir.h"

static void parse(void **state)
{
	int32_t v = -1;
	ld_error err = {0};
	assert_int_equal(ld_division_parse("370102", 6, &v, "hukou", &err),
			 LD_OK);
	assert_int_equal(v, 370102);
	assert_int_equal(ld_division_parse("000000", 6, &v, "hukou", &err),
			 LD_OK);
	assert_int_equal(v, 0);
	/* len, not the NUL, bounds the input. */
	assert_int_equal(ld_division_parse("3701021", 6, &v, "hukou", &err),
			 LD_OK);
	assert_int_equal(v, 370102);

	static const char *const bad[] = {"37010", "3701020", "37010a",
					  " 37010", "-37010", "",
					  "37O102", "370 02"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		v = 12345;
		err.field = NULL;
		assert_int_equal(ld_division_parse(bad[i], (int)strlen(bad[i]),
						   &v, "hukou", &err),
				 LD_EINVAL);
		assert_string_equal(err.field, "hukou");
		assert_int_equal(err.code, LD_EINVAL);
		assert_int_equal(v, 12345); /* untouched on failure */
	}
	assert_int_equal(ld_division_parse("37010x", 6, &v, "f", NULL),
			 LD_EINVAL);
}

static void table_sorted(void **state)
{
	assert_true(ld_division_count > 6000);
	for (size_t i = 0; i < ld_division_count; i++) {
		const struct ld_division_rec *r = &ld_division_table[i];
		assert_true(r->code > 0 && r->code <= 999999);
		assert_non_null(r->name);
		assert_true(r->name[0] != '\0');
		assert_true(r->first_seen >= 198012);
		assert_true(r->last_seen == 0 || r->last_seen >= r->first_seen);
		if (i == 0)
			continue;
		const struct ld_division_rec *p = &ld_division_table[i - 1];
		if (p->code > r->code ||
		    (p->code == r->code && p->first_seen > r->first_seen))
			fail_msg("table out of order at %zu: %d/%d then %d/%d",
				 i, (int)p->code, (int)p->first_seen,
				 (int)r->code, (int)r->first_seen);
	}
}

static void latest(void **state)
{
	/* 370902 was 新泰市 and then 泰山区: the newest name wins. */
	const struct ld_division_rec *r = ld_division_latest(370902);
	assert_non_null(r);
	assert_int_equal(r->code, 370902);
	assert_string_equal(r->name, "泰山区");
	assert_int_equal(r->last_seen, 0);

	r = ld_division_latest(370102);
	assert_non_null(r);
	assert_string_equal(r->name, "历下区");

	r = ld_division_latest(370181);
	assert_non_null(r);
	assert_string_equal(r->name, "章丘市");
	assert_int_equal(r->last_seen, 201611);

	assert_null(ld_division_latest(999999));
	assert_null(ld_division_latest(370199));
	assert_null(ld_division_latest(0));
	assert_null(ld_division_latest(-1));

	/* The ends of the table, and just past them. */
	const struct ld_division_rec *first = &ld_division_table[0];
	const struct ld_division_rec *last =
		&ld_division_table[ld_division_count - 1];
	assert_non_null(ld_division_latest(first->code));
	assert_int_equal(ld_division_latest(first->code)->code, first->code);
	assert_ptr_equal(ld_division_latest(last->code), last);
	assert_null(ld_division_latest(first->code - 1));
	assert_null(ld_division_latest(last->code + 1));
}

/* Every code finds, among its records, the current one, or failing that
 * the one listed last; always a pointer into the table. */
static void latest_every_code(void **state)
{
	for (size_t i = 0; i < ld_division_count; i++) {
		int32_t code = ld_division_table[i].code;
		const struct ld_division_rec *want = NULL;
		for (size_t j = 0; j < ld_division_count; j++) {
			const struct ld_division_rec *r = &ld_division_table[j];
			if (r->code != code)
				continue;
			/* Current over withdrawn; the newer current one
			 * (a code renamed in place); the one listed last;
			 * on a full tie, the later in the table. */
			bool better =
				!want ||
				(r->last_seen == 0) != (want->last_seen == 0)
					? !want || r->last_seen == 0
				: r->last_seen != want->last_seen
					? r->last_seen > want->last_seen
					: r->first_seen >= want->first_seen;
			if (better)
				want = r;
		}
		const struct ld_division_rec *got = ld_division_latest(code);
		assert_non_null(got);
		assert_int_equal(got->last_seen, want->last_seen);
		assert_string_equal(got->name, want->name);
	}
}

static void is_current(void **state)
{
	assert_true(ld_division_is_current(370102));
	assert_true(ld_division_is_current(370114));
	assert_true(ld_division_is_current(370000));
	assert_true(ld_division_is_current(370902));
	assert_false(ld_division_is_current(370181));
	assert_false(ld_division_is_current(371202));
	assert_false(ld_division_is_current(371200));
	assert_false(ld_division_is_current(999999));
	assert_false(ld_division_is_current(0));
}

/*
 * A code still in use is current even where the history lists another name
 * under it once, later (e.g. 230123 依兰县 1991-now, 方正县 in 2004-12 only;
 * 513201 马尔康市 2015-11-now, 马尔康区 2015-12..2016-10).
 */
static void is_current_despite_later_listing(void **state)
{
	static const struct {
		int32_t code;
		const char *name;
	} cur[] = {
		{230123, "依兰县"}, {230124, "方正县"}, {230125, "宾县"},
		{230126, "巴彦县"}, {230127, "木兰县"}, {230128, "通河县"},
		{230129, "延寿县"}, {220281, "蛟河市"}, {220282, "桦甸市"},
		{340122, "肥东县"}, {340123, "肥西县"}, {513201, "马尔康市"},
	};
	int wrong = 0;
	for (size_t i = 0; i < sizeof cur / sizeof *cur; i++) {
		const struct ld_division_rec *r =
			ld_division_latest(cur[i].code);
		assert_non_null(r);
		if (!ld_division_is_current(cur[i].code) ||
		    strcmp(r->name, cur[i].name) != 0) {
			print_error("%d: is_current=%d latest=%s, want %s\n",
				    (int)cur[i].code,
				    (int)ld_division_is_current(cur[i].code),
				    r->name, cur[i].name);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

static void county_level(void **state)
{
	assert_false(ld_division_is_county_level(370100)); /* 济南市 */
	assert_false(ld_division_is_county_level(370000)); /* 山东省 */
	assert_true(ld_division_is_county_level(370102));
	assert_true(ld_division_is_county_level(370181)); /* former */
	assert_true(ld_division_is_county_level(372429)); /* former */
	/* 济源市, a county-level city directly under the province. */
	assert_non_null(ld_division_latest(419001));
	assert_true(ld_division_is_county_level(419001));
	assert_true(ld_division_is_county_level(429004)); /* 仙桃市 */
	/* Unknown codes are not county level. */
	assert_false(ld_division_is_county_level(370199));
	assert_false(ld_division_is_county_level(999999));
	assert_false(ld_division_is_county_level(0));
}

static void successors(void **state)
{
	/* Every former code in division.c's map. */
	static const struct {
		int32_t from, to;
	} map[] = {
		{370111, 370112}, {370121, 370112}, {370122, 370114},
		{370123, 370113}, {370125, 370115}, {370181, 370114},
		{370901, 370116}, {371202, 370116}, {371203, 370117},
		{372429, 370126}, {372430, 370115}, {372602, 370116},
		{372621, 370116}, {372627, 370124}, {379004, 370116},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
		assert_int_equal(ld_division_successor(map[i].from), map[i].to);
		/* The former code is in the history and no longer current. */
		assert_non_null(ld_division_latest(map[i].from));
		assert_false(ld_division_is_current(map[i].from));
		/* The successor is one of Jinan's current units. */
		assert_true(ld_division_is_current(map[i].to));
		assert_int_not_equal(ld_jinan_kind_of(map[i].to),
				     LD_JINAN_NONE);
		/* 379018 was three cities at once: deliberately unmapped. */
		assert_int_equal(ld_division_successor(379018), 379018);
		/* and is its own successor. */
		assert_int_equal(ld_division_successor(map[i].to), map[i].to);
	}
	/* Other codes are returned unchanged. */
	assert_int_equal(ld_division_successor(370102), 370102);
	assert_int_equal(ld_division_successor(110101), 110101);
	assert_int_equal(ld_division_successor(370902), 370902);
	assert_int_equal(ld_division_successor(999999), 999999);
	assert_int_equal(ld_division_successor(0), 0);
}

static void jinan_units(void **state)
{
	static const int32_t districts[] = {370102, 370103, 370104, 370105,
					    370112, 370113, 370114, 370115,
					    370116, 370117};
	for (size_t i = 0; i < sizeof districts / sizeof *districts; i++)
		assert_int_equal(ld_jinan_kind_of(districts[i]),
				 LD_JINAN_DISTRICT);
	/* 平阴县 and 商河县 */
	assert_int_equal(ld_jinan_kind_of(370124), LD_JINAN_COUNTY);
	assert_int_equal(ld_jinan_kind_of(370126), LD_JINAN_COUNTY);
	assert_int_equal(ld_jinan_kind_of(370100), LD_JINAN_NONE);
	assert_int_equal(ld_jinan_kind_of(370181), LD_JINAN_NONE);
	assert_int_equal(ld_jinan_kind_of(371202), LD_JINAN_NONE);
	assert_int_equal(ld_jinan_kind_of(370202), LD_JINAN_NONE);
	assert_int_equal(ld_jinan_kind_of(0), LD_JINAN_NONE);

	for (int i = 0; i < LD_JINAN_UNIT_COUNT; i++) {
		int32_t c = ld_jinan_units[i];
		assert_int_equal(c / 100, 3701);
		assert_true(ld_division_is_current(c));
		assert_true(ld_division_is_county_level(c));
		for (int j = 0; j < i; j++)
			assert_int_not_equal(ld_jinan_units[j], c);
	}
}

static void full_name(void **state)
{
	char buf[128];
	assert_true(ld_division_full_name(370102, buf, sizeof buf));
	assert_string_equal(buf, "山东省济南市历下区");
	assert_true(ld_division_full_name(110101, buf, sizeof buf));
	assert_string_equal(buf, "北京市东城区");
	assert_true(ld_division_full_name(370000, buf, sizeof buf));
	assert_string_equal(buf, "山东省");
	assert_true(ld_division_full_name(370100, buf, sizeof buf));
	assert_string_equal(buf, "山东省济南市");
	assert_true(ld_division_full_name(370902, buf, sizeof buf));
	assert_string_equal(buf, "山东省泰安市泰山区");
	/* No city level listed: province and the code itself. */
	assert_true(ld_division_full_name(419001, buf, sizeof buf));
	assert_string_equal(buf, "河南省济源市");
	/* A former code, under its city's newest name. */
	assert_true(ld_division_full_name(370181, buf, sizeof buf));
	assert_string_equal(buf, "山东省济南市章丘市");

	strcpy(buf, "untouched");
	assert_false(ld_division_full_name(999999, buf, sizeof buf));
	assert_false(ld_division_full_name(370199, buf, sizeof buf));
	assert_string_equal(buf, "untouched");
	assert_false(ld_division_full_name(370102, buf, 0));
	assert_string_equal(buf, "untouched");
}

/* A small buffer is filled to cap - 1 bytes and terminated; a heap buffer of
 * exactly cap bytes lets AddressSanitizer see any write past it. */
static void full_name_truncates(void **state)
{
	const char *full = "山东省济南市历下区";
	for (size_t cap = 1; cap <= strlen(full) + 1; cap++) {
		char *b = malloc(cap);
		assert_non_null(b);
		memset(b, 'Z', cap);
		assert_true(ld_division_full_name(370102, b, cap));
		assert_int_equal(strlen(b), cap - 1);
		assert_memory_equal(b, full, cap - 1);
		free(b);
	}
	char guard[32];
	memset(guard, 'Z', sizeof guard);
	assert_true(ld_division_full_name(370102, guard, 10));
	assert_string_equal(guard, "山东省");
	for (size_t i = 10; i < sizeof guard; i++)
		assert_int_equal(guard[i], 'Z');
}

/* Changes since 2019-04, recorded by year (first_seen Y12, last_seen
 * (Y-1)12): codes added and withdrawn, and codes renamed in place. */
static void changes_to_2024(void **state)
{
	static const struct {
		int32_t code;
		const char *name;
		int32_t first, last;
	} want[] = {
		{330113, "临平区", 202112, 0},
		{330114, "钱塘区", 202112, 0},
		{370614, "蓬莱区", 202012, 0},
		{653228, "和康县", 202412, 0},
		{330103, "下城区", 198012, 202012}, /* withdrawn in 2021 */
		{140726, "太谷县", 199912, 201904}, /* withdrawn in 2019 */
		/* 桥东区 became 襄都区 under the same code in 2020; the old
		 * name is not marked ended in the data: the newer one wins. */
		{130502, "襄都区", 202012, 0},
		{130503, "信都区", 202012, 0},
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		const struct ld_division_rec *r =
			ld_division_latest(want[i].code);
		assert_non_null(r);
		assert_string_equal(r->name, want[i].name);
		assert_int_equal(r->first_seen, want[i].first);
		assert_int_equal(r->last_seen, want[i].last);
		assert_true(ld_division_is_county_level(want[i].code));
		assert_int_equal(ld_division_is_current(want[i].code),
				 want[i].last == 0);
	}
	char name[64];
	assert_true(ld_division_full_name(330113, name, sizeof name));
	assert_string_equal(name, "浙江省杭州市临平区");
	size_t n;
	assert_ptr_equal(ld_division_records(&n), ld_division_table);
	assert_int_equal(n, ld_division_count);
	assert_int_equal(ld_division_added(), 0);
}

static void parse_tsv(void **state)
{
	static const char good[] =
		"# comment\n"
		"code\tname\tfirst_seen\tlast_seen\n"
		"\n"
		"659013\t示例新设市\t202512\tcurrent\r\n"
		"330103\t下城区\t198012\t202012";
	struct ld_division_rec *recs = NULL;
	size_t n = 0;
	ld_error err = {0};
	assert_int_equal(ld_division_parse_tsv(good, sizeof good - 1,
					       "/x/a.tsv", &recs, &n, &err),
			 LD_OK);
	assert_int_equal(n, 2);
	assert_int_equal(recs[0].code, 659013);
	assert_string_equal(recs[0].name, "示例新设市");
	assert_int_equal(recs[0].first_seen, 202512);
	assert_int_equal(recs[0].last_seen, 0);
	assert_int_equal(recs[1].last_seen, 202012);
	ld_division_free_records(recs, n);

	static const struct {
		const char *text, *says;
	} bad[] = {
		{"659013\t示例\t202512\n", "4列"},
		{"659013\t示例\t202512\tcurrent\textra\n", "4列"},
		{"65901\t示例\t202512\tcurrent\n", "代码"},
		{"000000\t示例\t202512\tcurrent\n", "代码"},
		{"659013\t\t202512\tcurrent\n", "名称"},
		{"659013\t示\x01例\t202512\tcurrent\n", "名称"},
		{"659013\t\xe2\x80\xae例\t202512\tcurrent\n", "名称"},
		{"659013\t\xff\t202512\tcurrent\n", "名称"},
		{"659013\t示例\t2025-12\tcurrent\n", "首次列入"},
		{"659013\t示例\t202513\tcurrent\n", "首次列入"},
		{"659013\t示例\t197912\tcurrent\n", "首次列入"},
		{"659013\t示例\t202512\tnow\n", "最后列入"},
		{"659013\t示例\t202512\t202412\n", "早于"},
		{"659013\t示例\t202512\tcurrent\n"
		 "659013\t示例\t202512\tcurrent\n", "重复"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		recs = NULL;
		n = 0;
		memset(&err, 0, sizeof err);
		assert_int_equal(ld_division_parse_tsv(bad[i].text,
						       strlen(bad[i].text),
						       "/dir/ops.tsv", &recs,
						       &n, &err),
				 LD_EINVAL);
		assert_null(recs);
		if (!strstr(err.message, bad[i].says) ||
		    !strstr(err.message, "ops.tsv") ||
		    !strstr(err.message, "第"))
			fail_msg("case %zu: %s", i, err.message);
	}
	/* The line is named. */
	static const char third[] = "code\tname\tfirst_seen\tlast_seen\n"
				    "659013\t示例\t202512\tcurrent\n"
				    "659014\t示例\t2025\tcurrent\n";
	assert_int_equal(ld_division_parse_tsv(third, sizeof third - 1, "f.tsv",
					       &recs, &n, &err),
			 LD_EINVAL);
	assert_non_null(strstr(err.message, "f.tsv 第3行"));
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Files merged over the table: added codes, a corrected row, a later file
 * over an earlier one; a bad file leaves the table in force as it was. */
static void load_merge(void **state)
{
	char dir[] = "/tmp/t_division_XXXXXX", more[] = "/tmp/t_division_XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_non_null(mkdtemp(more));
	write_file(dir, "a.tsv",
		   "659013\t示例新设市\t202512\tcurrent\n"
		   "330103\t下城区\t198012\t202012\n");
	write_file(dir, "b.tsv", "659013\t示例新设市\t202506\tcurrent\n");
	write_file(dir, "notes.txt", "ignored\n");
	write_file(more, "c.tsv", "110120\t示例区\t202512\t202512\n");
	ld_error err = {0};
	assert_int_equal(ld_division_load_default(dir, more, &err), LD_OK);
	assert_int_equal(ld_division_added(), 4);
	const struct ld_division_rec *r = ld_division_latest(659013);
	assert_non_null(r);
	assert_string_equal(r->name, "示例新设市");
	assert_int_equal(r->first_seen, 202506); /* b.tsv after a.tsv */
	assert_true(ld_division_is_current(659013));
	assert_true(ld_division_is_county_level(110120));
	assert_false(ld_division_is_current(110120));
	assert_true(ld_division_is_current(370102)); /* the rest stays */
	size_t n;
	const struct ld_division_rec *t = ld_division_records(&n);
	assert_int_equal(n, ld_division_count + 2);
	for (size_t i = 1; i < n; i++)
		assert_true(t[i - 1].code < t[i].code ||
			    (t[i - 1].code == t[i].code &&
			     t[i - 1].first_seen <= t[i].first_seen));

	/* A bad file: refused, the table in force untouched. */
	write_file(more, "d.tsv", "110121\t示例\tx\tcurrent\n");
	assert_int_equal(ld_division_load_default(dir, more, &err), LD_EINVAL);
	assert_non_null(strstr(err.message, "d.tsv 第1行"));
	assert_true(ld_division_is_county_level(659013));
	assert_false(ld_division_is_county_level(110121));

	/* A missing named directory is an error; a missing `more` is not. */
	assert_int_equal(ld_division_load_default("/nonexistent/x", NULL, &err),
			 LD_EIO);
	assert_int_equal(ld_division_load_default(dir, "/nonexistent/y", &err),
			 LD_OK);
	assert_false(ld_division_is_county_level(110120));

	/* Back to the compiled-in table (an empty directory). */
	remove_dir(more);
	assert_int_equal(mkdir(more, 0700), 0);
	remove_dir(dir);
	assert_int_equal(ld_division_load_default(more, NULL, &err), LD_OK);
	assert_null(ld_division_latest(659013));
	assert_ptr_equal(ld_division_records(&n), ld_division_table);
	remove_dir(more);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse),
		cmocka_unit_test(table_sorted),
		cmocka_unit_test(latest),
		cmocka_unit_test(latest_every_code),
		cmocka_unit_test(is_current),
		cmocka_unit_test(is_current_despite_later_listing),
		cmocka_unit_test(county_level),
		cmocka_unit_test(successors),
		cmocka_unit_test(jinan_units),
		cmocka_unit_test(full_name),
		cmocka_unit_test(full_name_truncates),
		cmocka_unit_test(changes_to_2024),
		cmocka_unit_test(parse_tsv),
		cmocka_unit_test(load_merge),
	};
	return cmocka_run_group_tests_name("division", tests, NULL, NULL);
}
