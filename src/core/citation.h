/*
 * citation.h — the legal sources every decision cites, in full Chinese.
 *
 * Each decision carries an ld_basis: the list of citations that justify it.
 * The texts are in one table (citation.c) so a correction is one line.
 * Abbreviations in comments follow docs/rules.md: 条例 = 居住证暂行条例,
 * 办法 = 山东省流动人口服务管理暂行办法, 通知 = 济南市实施通知.
 *
 * A citation whose article or item could not be confirmed from the texts
 * the project holds (docs/policy, docs/rules.md) says so in its text, with
 * "条款待核", rather than invent a number (ld_cite_is_confirmed).
 *
 * The table is checked both ways by the rule cases (tests/t_cases.c): every
 * citation is returned by some rule and asserted by some case.
 */
#ifndef LD_CITATION_H
#define LD_CITATION_H

#include <stdbool.h>

#include "date.h"
#include "settings.h"

typedef enum {
	/* 《山东省流动人口服务管理暂行办法》 */
	LD_CITE_BANFA_2_2,
	LD_CITE_BANFA_3_1,
	LD_CITE_BANFA_3_2,
	LD_CITE_BANFA_6_1,
	LD_CITE_BANFA_8_2,
	LD_CITE_BANFA_8_3,
	LD_CITE_BANFA_9_1,
	LD_CITE_BANFA_9_2,
	LD_CITE_BANFA_24_1,
	LD_CITE_BANFA_24_2,
	LD_CITE_BANFA_24_3,
	LD_CITE_BANFA_24_4,
	LD_CITE_BANFA_24_5,
	LD_CITE_BANFA_24_6,
	LD_CITE_BANFA_24_7,
	LD_CITE_BANFA_24_8,
	LD_CITE_BANFA_24_9,
	LD_CITE_BANFA_25_1,
	LD_CITE_BANFA_25_2,
	LD_CITE_BANFA_25_3,
	LD_CITE_BANFA_25_4,
	LD_CITE_BANFA_26,
	LD_CITE_BANFA_27,
	/* Duties of the 办法 whose article numbers are not in the texts this
	 * project holds (docs/policy quotes 第一至九条 and 第二十二至三十条
	 * only): cited by subject, marked 条款待核. */
	LD_CITE_BANFA_ADDRESS_CHANGE,
	LD_CITE_BANFA_TENANT_IDENTITY,
	LD_CITE_BANFA_TENANT_REPORT,
	LD_CITE_BANFA_TENANT_DEPARTURE,
	LD_CITE_BANFA_EMPLOYER_HIRE,
	LD_CITE_BANFA_EMPLOYER_SEPARATION,
	LD_CITE_BANFA_AGENCY_PLACEMENT,
	LD_CITE_BANFA_PERMIT_ISSUE,
	/* 《居住证暂行条例》 */
	LD_CITE_TIAOLI_2,
	LD_CITE_TIAOLI_9,
	LD_CITE_TIAOLI_9_3,
	LD_CITE_TIAOLI_10,
	LD_CITE_TIAOLI_12,
	LD_CITE_TIAOLI_12_1,
	LD_CITE_TIAOLI_12_2,
	LD_CITE_TIAOLI_12_3,
	LD_CITE_TIAOLI_12_4,
	LD_CITE_TIAOLI_12_5,
	LD_CITE_TIAOLI_13_1,
	LD_CITE_TIAOLI_13_2,
	LD_CITE_TIAOLI_13_3,
	LD_CITE_TIAOLI_13_4,
	LD_CITE_TIAOLI_13_5,
	LD_CITE_TIAOLI_13_6,
	LD_CITE_TIAOLI_15,
	LD_CITE_TIAOLI_21,
	/* 济南 通知, the 2025 text (docs/policy): cited from its effective
	 * date (ld_cite_on); before it, the notice then in force. */
	LD_CITE_TONGZHI_1,
	LD_CITE_TONGZHI_1_1,
	LD_CITE_TONGZHI_1_2,
	LD_CITE_TONGZHI_2_1,
	LD_CITE_TONGZHI_2_2,
	LD_CITE_TONGZHI_2_3,
	LD_CITE_TONGZHI_2_4,
	LD_CITE_TONGZHI_2_5,
	LD_CITE_TONGZHI_3_3,
	LD_CITE_TONGZHI_3_4,
	/* The earlier versions the drafting explanation names; their texts
	 * are not in docs/policy, so no item is cited. */
	LD_CITE_TONGZHI_2023,
	LD_CITE_TONGZHI_2017,
	/* Other laws */
	LD_CITE_CIVIL_201_1,
	LD_CITE_CIVIL_201_2,
	LD_CITE_CIVIL_202,
	LD_CITE_CIVIL_203,
	LD_CITE_LICENSING_82,
	LD_CITE_SOCIAL_INSURANCE_LAW,
	LD_CITE_LEGAL_AID_LAW,
	LD_CITE_MARKET_ENTITY_REGULATION,
	LD_CITE_RENTAL_MEASURES_8,
	/* 《全国年节及纪念日放假办法》第二条 (the holidays of all citizens), by
	 * the revision in force in the year concerned: a year with no State
	 * Council arrangement is counted by it (calendar_statutory.c). */
	LD_CITE_HOLIDAYS_1999,
	LD_CITE_HOLIDAYS_2007,
	LD_CITE_HOLIDAYS_2013,
	LD_CITE_HOLIDAYS_2024,

	LD_CITE_HOUSING_RENTAL_REGULATION,
	LD_CITE_CIVIL_1259,
	LD_CITE_SPC_MINORS_2,
	LD_CITE__COUNT
} ld_cite;

#define LD_BASIS_MAX 8

/* The citations behind one decision, in the order they were added. */
typedef struct {
	int n;
	ld_cite items[LD_BASIS_MAX];
} ld_basis;

/* Full Chinese text of a citation. Static storage. */
const char *ld_cite_text(ld_cite c);

/* Whether the article or item cited was confirmed from the texts the
 * project holds; false for the ones marked 条款待核. */
bool ld_cite_is_confirmed(ld_cite c);

/* Whether c is an item of the 2025 notice (LD_CITE_TONGZHI_*). */
bool ld_cite_is_notice_item(ld_cite c);

/*
 * The citation in force on `on`: an item of the 2025 notice stands from the
 * notice's effective date (settings); before it, or when no date is set,
 * the notice then in force is cited instead (the 2023 notice from
 * 2023-01-14, the 2017 notice as revised in 2019 before that). Any other
 * citation is returned unchanged.
 */
ld_cite ld_cite_on(ld_cite c, ld_day on, const ld_rules_settings *s);

/* Append c unless already present; silently ignores overflow beyond
 * LD_BASIS_MAX (a programmer error caught by the tests). */
void ld_basis_add(ld_basis *b, ld_cite c);

/* ld_basis_add(b, ld_cite_on(c, on, s)). */
void ld_basis_add_on(ld_basis *b, ld_cite c, ld_day on,
		     const ld_rules_settings *s);

#endif
