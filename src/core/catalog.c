/*
 * catalog.c — code lists.
 */
#include "catalog.h"

#include <string.h>

#define LIST(var, nm, arr) \
	const struct ld_code_list var = {nm, arr, sizeof arr / sizeof arr[0]}

/* GB/T 3304-1991 中国各民族名称的罗马字母拼写法和代码, numeric codes. */
static const struct ld_code ethnicities[] = {
	{"01", "汉族"},	    {"02", "蒙古族"},   {"03", "回族"},
	{"04", "藏族"},	    {"05", "维吾尔族"}, {"06", "苗族"},
	{"07", "彝族"},	    {"08", "壮族"},     {"09", "布依族"},
	{"10", "朝鲜族"},   {"11", "满族"},     {"12", "侗族"},
	{"13", "瑶族"},	    {"14", "白族"},     {"15", "土家族"},
	{"16", "哈尼族"},   {"17", "哈萨克族"}, {"18", "傣族"},
	{"19", "黎族"},	    {"20", "傈僳族"},   {"21", "佤族"},
	{"22", "畲族"},	    {"23", "高山族"},   {"24", "拉祜族"},
	{"25", "水族"},	    {"26", "东乡族"},   {"27", "纳西族"},
	{"28", "景颇族"},   {"29", "柯尔克孜族"}, {"30", "土族"},
	{"31", "达斡尔族"}, {"32", "仫佬族"},   {"33", "羌族"},
	{"34", "布朗族"},   {"35", "撒拉族"},   {"36", "毛南族"},
	{"37", "仡佬族"},   {"38", "锡伯族"},   {"39", "阿昌族"},
	{"40", "普米族"},   {"41", "塔吉克族"}, {"42", "怒族"},
	{"43", "乌孜别克族"}, {"44", "俄罗斯族"}, {"45", "鄂温克族"},
	{"46", "德昂族"},   {"47", "保安族"},   {"48", "裕固族"},
	{"49", "京族"},	    {"50", "塔塔尔族"}, {"51", "独龙族"},
	{"52", "鄂伦春族"}, {"53", "赫哲族"},   {"54", "门巴族"},
	{"55", "珞巴族"},   {"56", "基诺族"},
};
LIST(ld_ethnicities, "ethnicity", ethnicities);

static const struct ld_code stay_reasons[] = {
	{"work", "务工"},	   {"business", "经商"}, {"study", "就学"},
	{"family", "投亲靠友"}, {"training", "培训"}, {"medical", "就医"},
	{"service", "服务"},    {"other", "其他"},
};
LIST(ld_stay_reasons, "reason", stay_reasons);

static const struct ld_code housing_kinds[] = {
	{"rented", "租赁房屋"},      {"own", "自购房屋"},
	{"dormitory", "单位内部宿舍"}, {"relatives", "借住亲友家"},
	{"worksite", "工地现场"},    {"other", "其他"},
};
LIST(ld_housing_kinds, "housing", housing_kinds);

/* Who may report that a person left (docs/rules.md §5). */
static const struct ld_code reporters[] = {
	{"self", "本人"},
	{"relative", "近亲属"},
	{"landlord", "房屋出租人"},
	{"employer", "用人单位"},
};
LIST(ld_reporters, "reporter", reporters);

const struct ld_code *ld_code_find(const struct ld_code_list *list,
				   const char *s)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->items[i].code, s) == 0 ||
		    strcmp(list->items[i].label, s) == 0)
			return &list->items[i];
	return NULL;
}
