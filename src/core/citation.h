/*
 * citation.h — the legal sources every decision cites, in full Chinese.
 *
 * Each decision carries an ld_basis: the list of citations that justify it.
 * The texts are in one table (citation.c) so a correction is one line.
 * Abbreviations in comments follow spec/rules.md: 条例 = 居住证暂行条例,
 * 办法 = 山东省流动人口服务管理暂行办法, 通知 = 济南市实施通知.
 */
#ifndef LD_CITATION_H
#define LD_CITATION_H

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
	LD_CITE_BANFA_25_1,
	LD_CITE_BANFA_25_2,
	LD_CITE_BANFA_25_3,
	LD_CITE_BANFA_26,
	LD_CITE_BANFA_27,
	/* Duties of the 办法 whose article numbers are not in the policy text
	 * this project was given; cited by subject until confirmed. */
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
	LD_CITE_TIAOLI_11,
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
	/* 济南 通知 */
	LD_CITE_TONGZHI_1,
	LD_CITE_TONGZHI_1_1,
	LD_CITE_TONGZHI_1_2,
	LD_CITE_TONGZHI_2_1,
	LD_CITE_TONGZHI_2_2,
	LD_CITE_TONGZHI_2_3,
	LD_CITE_TONGZHI_2_4,
	LD_CITE_TONGZHI_2_5,
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

/* Append c unless already present; silently ignores overflow beyond
 * LD_BASIS_MAX (a programmer error caught by the tests). */
void ld_basis_add(ld_basis *b, ld_cite c);

#endif
