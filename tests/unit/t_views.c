/*
 * t_views.c — the one address formatter and the hukou address
 * (src/http/views.c): what the printed permit writes for 居住地住址 and
 * 常住户口所在地住址 (《居住证暂行条例》第四条), and the registration
 * certificate for the hukou place, which it named twice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/views.h"

static void residence_address(void **state)
{
	char out[LD_ADDRESS_TEXT_MAX];
	ld_address a = {"370102", "370102001", "370102001001", "370102001001001",
			"和平路", "1613号", "3", "4", "302"};
	ld_address_full_text(&a, out, sizeof out);
	assert_string_equal(out, "历下区和平路1613号3号楼4单元302室");
	ld_address_text(&a, out, sizeof out);
	assert_string_equal(out, "和平路1613号3号楼4单元302室");
	/* Parts that say their word already do not get it twice. */
	a = (ld_address){"370126", NULL, NULL, NULL, "商中路", "8号", "3号楼",
			 "2单元", "501室"};
	ld_address_full_text(&a, out, sizeof out);
	assert_string_equal(out, "商河县商中路8号3号楼2单元501室");
	a.building = "A座", a.unit = NULL, a.room = "12房";
	ld_address_full_text(&a, out, sizeof out);
	assert_string_equal(out, "商河县商中路8号A座12房");
	a.building = "综合楼", a.room = "";
	ld_address_full_text(&a, out, sizeof out);
	assert_string_equal(out, "商河县商中路8号综合楼");
	/* Without a known district, the rest. */
	a = (ld_address){NULL, NULL, NULL, NULL, "经十路", NULL, NULL, NULL, NULL};
	ld_address_full_text(&a, out, sizeof out);
	assert_string_equal(out, "经十路");
	/* Cut to fit, as snprintf. */
	char small[8];
	a = (ld_address){"370102", NULL, NULL, NULL, "和平路", "1号", NULL, NULL,
			 NULL};
	ld_address_full_text(&a, small, sizeof small);
	assert_int_equal(strlen(small), 7);
}

static void hukou_address(void **state)
{
	static const struct {
		const char *code, *given, *want;
	} cases[] = {
		{"110105", "某街道1号", "北京市朝阳区某街道1号"},
		{"110105", "朝阳区某街道1号", "北京市朝阳区某街道1号"},
		{"110105", "北京市朝阳区某街道1号", "北京市朝阳区某街道1号"},
		{"110105", NULL, "北京市朝阳区"},
		{"110105", "", "北京市朝阳区"},
		{"370102", "历下区文化东路1号", "山东省济南市历下区文化东路1号"},
		{"370102", "济南市历下区文化东路1号", "山东省济南市历下区文化东路1号"},
		{"370102", "山东省济南市历下区文化东路1号", "山东省济南市历下区文化东路1号"},
		{"510104", "锦江区春熙路2号", "四川省成都市锦江区春熙路2号"},
		{"999999", "某地", "某地"},
		{NULL, "某地", "某地"},
	};
	char out[LD_ADDRESS_TEXT_MAX];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ld_person p = {.hukou_code = cases[i].code,
			       .hukou_address = cases[i].given};
		ld_hukou_address_text(&p, out, sizeof out);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("%s + %s: %s, not %s", cases[i].code,
				 cases[i].given, out, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(residence_address),
		cmocka_unit_test(hukou_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
