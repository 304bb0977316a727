/*
 * citation.c — the citation texts. Article and item numbers as published:
 * 条例 (国务院令第663号), 办法 (山东省人民政府令第306号), 通知 (济南市, 2025
 * 征求意见稿, docs/policy), 民法典, 行政许可法 and the other laws named.
 *
 * Where the texts the project holds (docs/policy, docs/rules.md) do not
 * show an article's number, the citation names its subject and says
 * "条款待核"; the number is never guessed.
 */
#include "citation.h"

#include <string.h>

#define BANFA "《山东省流动人口服务管理暂行办法》"
#define TIAOLI "《居住证暂行条例》"
/* The 2025 text names its version: the 2023 notice has the same title. */
#define TONGZHI "《关于继续做好〈山东省流动人口服务管理暂行办法〉贯彻实施工作的通知》（2025年修订）"
#define UNCONFIRMED "（条款待核）"

static const char *const texts[LD_CITE__COUNT] = {
	[LD_CITE_BANFA_2_2] = BANFA "第二条第二款",
	[LD_CITE_BANFA_3_1] = BANFA "第三条第一款",
	[LD_CITE_BANFA_3_2] = BANFA "第三条第二款",
	[LD_CITE_BANFA_6_1] = BANFA "第六条第一款",
	[LD_CITE_BANFA_8_2] = BANFA "第八条第二款",
	[LD_CITE_BANFA_8_3] = BANFA "第八条第三款",
	[LD_CITE_BANFA_9_1] = BANFA "第九条第一款",
	[LD_CITE_BANFA_9_2] = BANFA "第九条第二款",
	[LD_CITE_BANFA_24_1] = BANFA "第二十四条第（一）项",
	[LD_CITE_BANFA_24_2] = BANFA "第二十四条第（二）项",
	[LD_CITE_BANFA_24_3] = BANFA "第二十四条第（三）项",
	[LD_CITE_BANFA_24_4] = BANFA "第二十四条第（四）项",
	[LD_CITE_BANFA_24_5] = BANFA "第二十四条第（五）项",
	[LD_CITE_BANFA_24_6] = BANFA "第二十四条第（六）项",
	[LD_CITE_BANFA_24_7] = BANFA "第二十四条第（七）项",
	[LD_CITE_BANFA_24_8] = BANFA "第二十四条第（八）项",
	[LD_CITE_BANFA_24_9] = BANFA "第二十四条第（九）项",
	[LD_CITE_BANFA_25_1] = BANFA "第二十五条第（一）项",
	[LD_CITE_BANFA_25_2] = BANFA "第二十五条第（二）项",
	[LD_CITE_BANFA_25_3] = BANFA "第二十五条第（三）项",
	[LD_CITE_BANFA_25_4] = BANFA "第二十五条第（四）项",
	[LD_CITE_BANFA_26] = BANFA "第二十六条",
	[LD_CITE_BANFA_27] = BANFA "第二十七条",
	[LD_CITE_BANFA_ADDRESS_CHANGE] =
		BANFA "关于在同一县（市、区）内变更居住地址申报变更登记的规定" UNCONFIRMED,
	[LD_CITE_BANFA_TENANT_IDENTITY] =
		BANFA "关于房屋出租人登记承租人身份信息的规定" UNCONFIRMED,
	[LD_CITE_BANFA_TENANT_REPORT] =
		BANFA "关于房屋出租人向公安派出所报告承租人信息的规定" UNCONFIRMED,
	[LD_CITE_BANFA_TENANT_DEPARTURE] =
		BANFA "关于承租人退租后房屋出租人报告的规定" UNCONFIRMED,
	[LD_CITE_BANFA_EMPLOYER_HIRE] =
		BANFA "关于用人单位组织流动人口申报居住登记的规定" UNCONFIRMED,
	[LD_CITE_BANFA_EMPLOYER_SEPARATION] =
		BANFA "关于用人单位报告与流动人口终止劳动关系的规定" UNCONFIRMED,
	[LD_CITE_BANFA_AGENCY_PLACEMENT] =
		BANFA "关于房屋租赁中介机构和职业介绍机构报告的规定" UNCONFIRMED,
	[LD_CITE_BANFA_PERMIT_ISSUE] = BANFA "关于居住证制作发放时限的规定" UNCONFIRMED,
	[LD_CITE_TIAOLI_2] = TIAOLI "第二条",
	[LD_CITE_TIAOLI_9] = TIAOLI "第九条",
	[LD_CITE_TIAOLI_9_3] = TIAOLI "第九条第三款",
	[LD_CITE_TIAOLI_10] = TIAOLI "第十条",
	[LD_CITE_TIAOLI_12] = TIAOLI "第十二条",
	[LD_CITE_TIAOLI_12_1] = TIAOLI "第十二条第（一）项",
	[LD_CITE_TIAOLI_12_2] = TIAOLI "第十二条第（二）项",
	[LD_CITE_TIAOLI_12_3] = TIAOLI "第十二条第（三）项",
	[LD_CITE_TIAOLI_12_4] = TIAOLI "第十二条第（四）项",
	[LD_CITE_TIAOLI_12_5] = TIAOLI "第十二条第（五）项",
	[LD_CITE_TIAOLI_13_1] = TIAOLI "第十三条第（一）项",
	[LD_CITE_TIAOLI_13_2] = TIAOLI "第十三条第（二）项",
	[LD_CITE_TIAOLI_13_3] = TIAOLI "第十三条第（三）项",
	[LD_CITE_TIAOLI_13_4] = TIAOLI "第十三条第（四）项",
	[LD_CITE_TIAOLI_13_5] = TIAOLI "第十三条第（五）项",
	[LD_CITE_TIAOLI_13_6] = TIAOLI "第十三条第（六）项",
	[LD_CITE_TIAOLI_15] = TIAOLI "第十五条",
	[LD_CITE_TIAOLI_21] = TIAOLI "第二十一条",
	[LD_CITE_TONGZHI_1] = TONGZHI "一",
	[LD_CITE_TONGZHI_1_1] = TONGZHI "一（一）",
	[LD_CITE_TONGZHI_1_2] = TONGZHI "一（二）",
	[LD_CITE_TONGZHI_2_1] = TONGZHI "二（一）",
	[LD_CITE_TONGZHI_2_2] = TONGZHI "二（二）",
	[LD_CITE_TONGZHI_2_3] = TONGZHI "二（三）",
	[LD_CITE_TONGZHI_2_4] = TONGZHI "二（四）",
	[LD_CITE_TONGZHI_2_5] = TONGZHI "二（五）",
	[LD_CITE_TONGZHI_3_3] = TONGZHI "三（三）",
	[LD_CITE_TONGZHI_3_4] = TONGZHI "三（四）",
	/* Named, with their dates, by the 2025 draft's explanation. */
	[LD_CITE_TONGZHI_2023] =
		"《济南市人民政府办公厅关于继续做好〈山东省流动人口服务管理暂行办法〉贯彻实施工作的通知》（2023年1月14日印发）" UNCONFIRMED,
	[LD_CITE_TONGZHI_2017] =
		"《关于做好〈山东省流动人口服务管理暂行办法〉贯彻实施工作的通知》（2017年印发，2019年修订）" UNCONFIRMED,
	[LD_CITE_CIVIL_201_1] = "《中华人民共和国民法典》第二百零一条第一款",
	[LD_CITE_CIVIL_201_2] = "《中华人民共和国民法典》第二百零一条第二款",
	[LD_CITE_CIVIL_202] = "《中华人民共和国民法典》第二百零二条",
	[LD_CITE_CIVIL_203] = "《中华人民共和国民法典》第二百零三条",
	[LD_CITE_LICENSING_82] = "《中华人民共和国行政许可法》第八十二条",
	[LD_CITE_SOCIAL_INSURANCE_LAW] = "《中华人民共和国社会保险法》",
	[LD_CITE_LEGAL_AID_LAW] = "《中华人民共和国法律援助法》",
	[LD_CITE_MARKET_ENTITY_REGULATION] =
		"《中华人民共和国市场主体登记管理条例》",
	/* 住房和城乡建设部令第6号 (2011) */
	[LD_CITE_RENTAL_MEASURES_8] = "《商品房屋租赁管理办法》第八条",
	/* 国务院令第270号 (1999), 第513号 (2007), 第644号 (2013), 第795号
	 * (2024); in force 1999-09-18, 2008-01-01, 2014-01-01, 2025-01-01. */
	[LD_CITE_HOLIDAYS_1999] = "《全国年节及纪念日放假办法》（1999年修订）第二条",
	[LD_CITE_HOLIDAYS_2007] = "《全国年节及纪念日放假办法》（2007年修订）第二条",
	[LD_CITE_HOLIDAYS_2013] = "《全国年节及纪念日放假办法》（2013年修订）第二条",
	[LD_CITE_HOLIDAYS_2024] = "《全国年节及纪念日放假办法》（2024年修订）第二条",

	/* In force since 2025-09-15; its text is not in docs/policy. */
	[LD_CITE_HOUSING_RENTAL_REGULATION] =
		"《住房租赁条例》" UNCONFIRMED,
	/* "以上" includes the number itself. */
	[LD_CITE_CIVIL_1259] = "《中华人民共和国民法典》第一千二百五十九条",
	/* 法释〔2006〕1号: "周岁" counts from the day after the birthday. */
	[LD_CITE_SPC_MINORS_2] =
		"《最高人民法院关于审理未成年人刑事案件具体应用法律若干问题的解释》第二条",
};

const char *ld_cite_text(ld_cite c)
{
	if ((unsigned)c >= LD_CITE__COUNT || !texts[c])
		return "";
	return texts[c];
}

bool ld_cite_is_confirmed(ld_cite c)
{
	const char *t = ld_cite_text(c);
	size_t n = strlen(t), m = sizeof UNCONFIRMED - 1;
	return n > 0 && !(n >= m && strcmp(t + n - m, UNCONFIRMED) == 0);
}

bool ld_cite_is_notice_item(ld_cite c)
{
	return c >= LD_CITE_TONGZHI_1 && c <= LD_CITE_TONGZHI_3_4;
}

ld_cite ld_cite_on(ld_cite c, ld_day on, const ld_rules_settings *s)
{
	if (!ld_cite_is_notice_item(c) ||
	    (s->notice_in_force && on >= s->notice_effective))
		return c;
	return on >= ld_day_from_ymd(2023, 1, 14) ? LD_CITE_TONGZHI_2023
						  : LD_CITE_TONGZHI_2017;
}

void ld_basis_add(ld_basis *b, ld_cite c)
{
	for (int i = 0; i < b->n; i++)
		if (b->items[i] == c)
			return;
	if (b->n < LD_BASIS_MAX)
		b->items[b->n++] = c;
}

void ld_basis_add_on(ld_basis *b, ld_cite c, ld_day on,
		     const ld_rules_settings *s)
{
	ld_basis_add(b, ld_cite_on(c, on, s));
}
