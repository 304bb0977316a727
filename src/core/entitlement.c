/*
 * entitlement.c — the entitlement catalogue of docs/rules.md §4. A
 * certificate holder's sources are the 办法's articles for holders of either
 * document and the notice; a permit holder's add the 条例's.
 */
#include "entitlement.h"

#define B(...) .n_basis = sizeof((ld_cite[]){__VA_ARGS__}) / sizeof(ld_cite), \
		.basis = {__VA_ARGS__}

const ld_entitlement ld_entitlements[] = {
	{"employment_services", "职业指导、职业介绍、就业失业登记、就业信息查询",
	 false, false,
	 B(LD_CITE_BANFA_24_1, LD_CITE_TIAOLI_12_2, LD_CITE_TONGZHI_2_1)},
	{"professional_qualification",
	 "专业技术职务资格评定(考试)、职业(执业)资格考试和登记", false, false,
	 B(LD_CITE_BANFA_24_6, LD_CITE_TIAOLI_13_5, LD_CITE_TONGZHI_2_1)},
	{"social_insurance", "参加社会保险及工伤权益", false, false,
	 B(LD_CITE_BANFA_24_2, LD_CITE_TIAOLI_12, LD_CITE_SOCIAL_INSURANCE_LAW,
	   LD_CITE_TONGZHI_2_1)},
	{"housing_fund", "缴存、提取、使用住房公积金", false, false,
	 B(LD_CITE_BANFA_24_2, LD_CITE_TIAOLI_12, LD_CITE_TONGZHI_2_2)},
	{"housing_security", "住房保障政策", true, false,
	 B(LD_CITE_BANFA_24_7, LD_CITE_TONGZHI_2_2)},
	{"public_health", "传染病防治、儿童计划免疫等基本公共卫生服务", false,
	 false, B(LD_CITE_BANFA_24_3, LD_CITE_TIAOLI_12_3, LD_CITE_TONGZHI_2_3)},
	{"family_planning_services", "计划生育基本项目技术服务", false, false,
	 B(LD_CITE_BANFA_24_4, LD_CITE_TIAOLI_12_3, LD_CITE_TONGZHI_2_3)},
	{"legal_aid", "法律服务和法律援助", false, false,
	 B(LD_CITE_BANFA_24_5, LD_CITE_TIAOLI_12_5, LD_CITE_LEGAL_AID_LAW,
	   LD_CITE_TONGZHI_2_4)},
	/* 办法 第二十四条 has no item of its own for culture: its (九)
	 * "居住地人民政府规定的其他公共服务" is what the notice provides. */
	{"public_culture", "公共文化体育服务", false, false,
	 B(LD_CITE_BANFA_24_9, LD_CITE_TIAOLI_12_4, LD_CITE_TONGZHI_2_4)},
	{"child_education",
	 "适龄子女接受学前教育、义务教育与本市户籍学生同等", true, false,
	 B(LD_CITE_BANFA_26, LD_CITE_TIAOLI_12_1, LD_CITE_TONGZHI_2_4)},
	{"honors_awards", "表彰和奖励", false, false, B(LD_CITE_BANFA_24_8)},
	{"business_license", "申请营业执照与本市居民同等待遇", false, false,
	 B(LD_CITE_TONGZHI_2_5, LD_CITE_MARKET_ENTITY_REGULATION)},
	{"public_transport", "乘坐公交车与本市居民同等待遇", false, false,
	 B(LD_CITE_TONGZHI_2_5)},
	{"park_annual_pass", "办理游园年票与本市居民同等待遇", false, false,
	 B(LD_CITE_TONGZHI_2_5)},
	{"driving_license", "申领机动车驾驶证", false, false,
	 B(LD_CITE_BANFA_25_1, LD_CITE_TIAOLI_13_4, LD_CITE_TONGZHI_2_5)},
	{"vehicle_registration", "办理机动车注册登记", false, false,
	 B(LD_CITE_BANFA_25_1, LD_CITE_TIAOLI_13_3, LD_CITE_TONGZHI_2_5)},
	{"exit_entry_documents", "办理出入境证件", false, false,
	 B(LD_CITE_BANFA_25_2, LD_CITE_TIAOLI_13_1, LD_CITE_TONGZHI_2_5)},
	{"id_card_renewal", "换领、补领居民身份证", false, false,
	 B(LD_CITE_BANFA_25_3, LD_CITE_TIAOLI_13_2, LD_CITE_TONGZHI_2_5)},
	/* Likewise 办法 第二十五条第（四）项, the other conveniences. */
	{"birth_service_registration", "办理生育服务证(登记)", false, false,
	 B(LD_CITE_BANFA_25_4, LD_CITE_TIAOLI_13_6, LD_CITE_TONGZHI_2_5)},
	{"hukou_settlement", "符合落户政策的可申请常住户口", true, true,
	 B(LD_CITE_TIAOLI_15, LD_CITE_BANFA_27, LD_CITE_TONGZHI_2_5)},
};

const size_t ld_entitlement_count =
	sizeof ld_entitlements / sizeof ld_entitlements[0];

bool ld_cite_for_permit_holders(ld_cite c)
{
	switch (c) {
	case LD_CITE_TIAOLI_12:
	case LD_CITE_TIAOLI_12_1:
	case LD_CITE_TIAOLI_12_2:
	case LD_CITE_TIAOLI_12_3:
	case LD_CITE_TIAOLI_12_4:
	case LD_CITE_TIAOLI_12_5:
	case LD_CITE_TIAOLI_13_1:
	case LD_CITE_TIAOLI_13_2:
	case LD_CITE_TIAOLI_13_3:
	case LD_CITE_TIAOLI_13_4:
	case LD_CITE_TIAOLI_13_5:
	case LD_CITE_TIAOLI_13_6:
	case LD_CITE_TIAOLI_15:
		return true;
	default:
		return false;
	}
}

size_t ld_entitlements_for(const ld_documents *docs, ld_day on,
			   const ld_rules_settings *s, ld_grant *out)
{
	bool permit_usable =
		docs->has_permit && docs->permit_state != LD_PSTATE_SUSPENDED;
	bool any = permit_usable || docs->certificate_active;
	size_t n = 0;
	for (size_t i = 0; i < ld_entitlement_count; i++) {
		const ld_entitlement *e = &ld_entitlements[i];
		if (!(e->needs_permit ? permit_usable : any))
			continue;
		ld_grant *g = &out[n++];
		g->e = e;
		g->basis.n = 0;
		for (int k = 0; k < e->n_basis; k++)
			if (permit_usable ||
			    !ld_cite_for_permit_holders(e->basis[k]))
				ld_basis_add_on(&g->basis, e->basis[k], on, s);
	}
	return n;
}
