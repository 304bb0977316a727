/*
 * scope.c — the Jinan county/district matrix.
 *
 * 办法 第三条第一款 defines floating population as people living 3 days or
 * more outside the county-level unit of their hukou; 第三条第二款 lets the city
 * set its own scope, which the 通知 一 does: everyone with a hukou outside
 * Jinan, plus (一) 平阴/商河 hukou living elsewhere in Jinan and (二) district
 * hukou living in 平阴 or 商河. Moves among the ten districts are not in scope.
 * Hong Kong, Macao and Taiwan residents and foreigners follow national rules
 * (办法 第二条第二款). The notice's items are cited as in force on the day
 * of the event (ld_cite_on).
 */
#include "scope.h"

#include <string.h>

#include "division.h"

static const char *const reason_codes[] = {
	[LD_SCOPE_NON_LOCAL_HUKOU] = "non_local_hukou",
	[LD_SCOPE_COUNTY_HUKOU_ELSEWHERE] = "county_hukou_elsewhere",
	[LD_SCOPE_DISTRICT_HUKOU_IN_COUNTY] = "district_hukou_in_county",
	[LD_SCOPE_NATIONAL_RULES_APPLY] = "national_rules_apply",
	[LD_SCOPE_SHORT_STAY] = "short_stay",
	[LD_SCOPE_SAME_UNIT] = "same_unit",
	[LD_SCOPE_BETWEEN_DISTRICTS] = "between_districts",
};

static const char *const reason_messages[] = {
	[LD_SCOPE_NON_LOCAL_HUKOU] = "非本市常住户口人员在本市居住3日以上",
	[LD_SCOPE_COUNTY_HUKOU_ELSEWHERE] =
		"平阴县、商河县常住户口人员离开户口所在县在本市其他区县居住",
	[LD_SCOPE_DISTRICT_HUKOU_IN_COUNTY] =
		"本市各区常住户口人员离开户口所在区在平阴县、商河县居住",
	[LD_SCOPE_NATIONAL_RULES_APPLY] =
		"港澳台居民和外国人的居住登记按照国家有关规定执行",
	[LD_SCOPE_SHORT_STAY] = "居住不满3日",
	[LD_SCOPE_SAME_UNIT] = "在户口所在区县居住",
	[LD_SCOPE_BETWEEN_DISTRICTS] = "在本市各区之间居住，不纳入流动人口服务管理",
};

static const char *const lodging_codes[] = {
	[LD_LODGING_NONE] = "none",	    [LD_LODGING_HOTEL] = "hotel",
	[LD_LODGING_HOSPITAL] = "hospital", [LD_LODGING_SCHOOL] = "school",
	[LD_LODGING_RELIEF] = "relief",
};

static const char *const nationality_codes[] = {
	[LD_NAT_CN] = "CN", [LD_NAT_HK] = "HK",		[LD_NAT_MO] = "MO",
	[LD_NAT_TW] = "TW", [LD_NAT_FOREIGN] = "foreign",
};

const char *ld_scope_reason_code(ld_scope_reason r)
{
	return reason_codes[r];
}

const char *ld_scope_reason_message(ld_scope_reason r)
{
	return reason_messages[r];
}

const char *ld_lodging_code(ld_lodging l)
{
	return lodging_codes[l];
}

bool ld_lodging_from_code(const char *s, ld_lodging *out)
{
	for (size_t i = 0; i < sizeof lodging_codes / sizeof *lodging_codes; i++)
		if (strcmp(s, lodging_codes[i]) == 0) {
			*out = (ld_lodging)i;
			return true;
		}
	return false;
}

const char *ld_nationality_code(ld_nationality n)
{
	return nationality_codes[n];
}

bool ld_nationality_from_code(const char *s, ld_nationality *out)
{
	for (size_t i = 0;
	     i < sizeof nationality_codes / sizeof *nationality_codes; i++)
		if (strcmp(s, nationality_codes[i]) == 0) {
			*out = (ld_nationality)i;
			return true;
		}
	return false;
}

static void decide(ld_scope_decision *out, bool in_scope, ld_scope_reason r)
{
	out->in_scope = in_scope;
	out->reason = r;
}

ld_nationality ld_region_nationality(int32_t code)
{
	switch (code) {
	case 810000:
		return LD_NAT_HK;
	case 820000:
		return LD_NAT_MO;
	case 710000: /* 台湾省 (GB/T 2260) */
	case 830000: /* as in 港澳台居民居住证 numbers */
		return LD_NAT_TW;
	default:
		return LD_NAT_CN;
	}
}

ld_status ld_scope_decide(const ld_scope_input *in, const ld_rules_settings *s,
			  ld_scope_decision *out, ld_error *err)
{
	memset(out, 0, sizeof *out);
	enum ld_jinan_kind res = ld_jinan_kind_of(in->residence);
	if (res == LD_JINAN_NONE)
		return ld_fail(err, LD_EINVAL, "residence",
			       "居住地应为济南市现行区县代码之一");
	if (in->stay_days < -1)
		return ld_fail(err, LD_EINVAL, "stay_days",
			       "居住天数应为非负整数");
	out->nationality = in->nationality;
	if (out->nationality == LD_NAT_CN)
		out->nationality = ld_region_nationality(in->hukou);
	if (out->nationality != LD_NAT_CN) {
		/* No hukou in the mainland: the code, if any, is kept. */
		out->hukou = in->hukou;
		decide(out, false, LD_SCOPE_NATIONAL_RULES_APPLY);
		ld_basis_add(&out->basis, LD_CITE_BANFA_2_2);
		return LD_OK;
	}
	if (!ld_division_latest(in->hukou))
		return ld_fail(err, LD_EINVAL, "hukou", "户口所在地代码不存在");
	if (!ld_division_is_county_level(in->hukou))
		return ld_fail(err, LD_EINVAL, "hukou",
			       "户口所在地应为县级行政区划代码");

	out->hukou = ld_division_successor(in->hukou);
	enum ld_jinan_kind hk = ld_jinan_kind_of(out->hukou);
	ld_day on = in->on;

	/* "3日以上" includes 3 itself. */
	if (in->stay_days >= 0 && in->stay_days < 3) {
		decide(out, false, LD_SCOPE_SHORT_STAY);
		ld_basis_add(&out->basis, LD_CITE_BANFA_3_1);
		ld_basis_add_on(&out->basis, LD_CITE_TONGZHI_1, on, s);
		return LD_OK;
	}
	if (hk == LD_JINAN_NONE) {
		decide(out, true, LD_SCOPE_NON_LOCAL_HUKOU);
		ld_basis_add(&out->basis, LD_CITE_BANFA_3_1);
		ld_basis_add_on(&out->basis, LD_CITE_TONGZHI_1, on, s);
	} else if (out->hukou == in->residence) {
		decide(out, false, LD_SCOPE_SAME_UNIT);
		ld_basis_add(&out->basis, LD_CITE_BANFA_3_1);
		return LD_OK;
	} else if (hk == LD_JINAN_COUNTY) {
		decide(out, true, LD_SCOPE_COUNTY_HUKOU_ELSEWHERE);
		ld_basis_add(&out->basis, LD_CITE_BANFA_3_2);
		ld_basis_add_on(&out->basis, LD_CITE_TONGZHI_1_1, on, s);
	} else if (res == LD_JINAN_COUNTY) {
		decide(out, true, LD_SCOPE_DISTRICT_HUKOU_IN_COUNTY);
		ld_basis_add(&out->basis, LD_CITE_BANFA_3_2);
		ld_basis_add_on(&out->basis, LD_CITE_TONGZHI_1_2, on, s);
	} else {
		decide(out, false, LD_SCOPE_BETWEEN_DISTRICTS);
		ld_basis_add(&out->basis, LD_CITE_BANFA_3_2);
		ld_basis_add_on(&out->basis, LD_CITE_TONGZHI_1, on, s);
		return LD_OK;
	}

	/* In scope: register, unless lodging registered elsewhere exempts. */
	if (in->lodging != LD_LODGING_NONE) {
		out->registration_required = false;
		out->exemption = in->lodging;
		ld_basis_add(&out->basis, LD_CITE_BANFA_8_3);
	} else {
		out->registration_required = true;
		ld_basis_add(&out->basis, LD_CITE_BANFA_8_2);
	}
	return LD_OK;
}
