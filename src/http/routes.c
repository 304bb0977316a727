/*
 * routes.c — the one route table: method, path, handler, permission, roles,
 * checks and body schema. The dispatcher enforces everything declared here
 * before a handler runs, and the OpenAPI document is generated from it.
 *
 * A route reading one person asks a reason of each read (LD_R_READ_REASON).
 * A route whose answer lists people's data (a work list, a print page)
 * declares a fixed purpose instead, the last field: the answer's audit
 * entry records it as the reason, unless the client gives a `reason`.
 */
#include <stdint.h>

#include "core/catalog.h"
#include "core/document.h"
#include "core/report.h"
#include "http/permits.h"
#include "http/auth.h"
#include "http/handlers.h"
#include "http/http.h"

/* Optional trailing fields of a route (its purpose) are left out where they
 * do not apply: positional initializers set them to NULL. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define END {NULL, 0, false, 0, NULL, NULL, NULL}

/* Query parameters: name, required, description, type, codes, min, max. */
#define P_END {NULL, false, NULL, LD_P_TEXT, NULL, 0, 0}
#define P_TEXT(name, max, desc) {name, false, desc, LD_P_TEXT, NULL, 0, max}
#define P_INT(name, min, max, desc) {name, false, desc, LD_P_INT, NULL, min, max}
#define P_DATE(name, desc) {name, false, desc, LD_P_DATE, NULL, 0, 0}
#define P_MONTH(name, desc) {name, false, desc, LD_P_MONTH, NULL, 0, 0}
#define P_ENUM(name, codes, desc) {name, false, desc, LD_P_ENUM, codes, 0, 0}
#define P_FLAG(name, desc) {name, false, desc, LD_P_FLAG, NULL, 0, 0}
#define P_AREA(name, desc) {name, false, desc, LD_P_AREA, NULL, 0, 0}
#define P_PAGE P_INT("page", 1, 1000000, "页码，从1开始")
#define P_PER_PAGE P_INT("per_page", 1, 100, "每页条数，1至100，缺省20")
/* Record ids: positive, at most 15 digits (as {id} in a path). */
#define MAX_ID 999999999999999LL

static const struct ld_field login_body[] = {
	{"username", LD_F_STRING, true, 64, NULL, NULL, "用户名"},
	{"password", LD_F_STRING, true, 200, NULL, NULL, "密码"},
	END,
};

static const struct ld_field password_body[] = {
	{"current_password", LD_F_STRING, true, 200, NULL, NULL, "当前密码"},
	{"new_password", LD_F_STRING, true, 200, NULL, NULL,
	 "新密码：至少10个字符，含小写字母、大写字母、数字、其他符号中的至少三类"
	 "（16个字符及以上不限），不含用户名"},
	END,
};

static const struct ld_field person_fields[] = {
	{"document_type", LD_F_CODE, false, 40, NULL, &ld_document_types,
	 "证件类型，缺省为居民身份证；港澳台居民居住证、港澳居民来往内地通行证、"
	 "台湾居民来往大陆通行证、外国人永久居留身份证、外国人护照按照国家有关规定"
	 "办理，答复 422 not_required（national_rules_apply），填写登记事由后仍可登记"},
	{"id_number", LD_F_STRING, true, 18, NULL, NULL,
	 "证件号码：居民身份证为公民身份号码（GB 11643），其他证件按其类型校验"},
	{"name", LD_F_STRING, true, 60, NULL, NULL, "姓名"},
	{"sex", LD_F_STRING, false, 6, NULL, NULL,
	 "性别 male/female（号码含性别的可省略，由号码得出；否则必填）"},
	{"birth", LD_F_DATE, false, 10, NULL, NULL,
	 "出生日期（号码含出生日期的可省略，由号码得出；否则必填）"},
	{"ethnicity", LD_F_CODE, false, 20, NULL, &ld_ethnicities,
	 "民族（GB/T 3304 代码或名称）；居民身份证必填"},
	{"hukou_code", LD_F_STRING, false, 6, NULL, NULL,
	 "常住户口所在地县级行政区划代码；居民身份证必填。港澳台居民可为 810000、"
	 "820000、830000（缺省按证件得出），外国人不填"},
	{"hukou_address", LD_F_STRING, false, 200, NULL, NULL, "户籍地址"},
	{"phone", LD_F_STRING, false, 20, NULL, NULL, "联系电话"},
	END,
};

static const struct ld_field address_fields[] = {
	{"grid", LD_F_STRING, true, 15, NULL, NULL, "网格代码（15位）"},
	{"road", LD_F_STRING, true, 100, NULL, NULL, "街路巷"},
	{"house_number", LD_F_STRING, false, 40, NULL, NULL, "门牌号"},
	{"building", LD_F_STRING, false, 20, NULL, NULL, "楼栋"},
	{"unit", LD_F_STRING, false, 20, NULL, NULL, "单元"},
	{"room", LD_F_STRING, false, 20, NULL, NULL, "房间"},
	END,
};

static const struct ld_code lodging_items[] = {
	{"none", "无"},	      {"hotel", "旅馆住宿"}, {"hospital", "住院"},
	{"school", "寄宿就读"}, {"relief", "救助机构"},
};
static const struct ld_code_list lodging_codes = {"lodging", lodging_items, 5};

static const struct ld_field registration_body[] = {
	{"person", LD_F_OBJECT, true, 0, person_fields, NULL, "人员信息"},
	{"address", LD_F_OBJECT, true, 0, address_fields, NULL, "居住地址"},
	{"arrival_date", LD_F_DATE, true, 10, NULL, NULL, "到达居住地日期"},
	{"declared_date", LD_F_DATE, false, 10, NULL, NULL,
	 "申报日期（缺省为今天）"},
	{"reason", LD_F_CODE, true, 20, NULL, &ld_stay_reasons, "居住事由"},
	{"housing", LD_F_CODE, true, 20, NULL, &ld_housing_kinds, "住所类型"},
	{"employer", LD_F_STRING, false, 100, NULL, NULL, "就业单位或就读学校"},
	{"stay_days", LD_F_INT, false, 0, NULL, NULL, "拟居住天数"},
	{"lodging", LD_F_CODE, false, 10, NULL, &lodging_codes,
	 "免于居住登记的住宿类型"},
	{"override_reason", LD_F_STRING, false, 200, NULL, NULL,
	 "无需登记但仍予登记的事由"},
	{"date_reason", LD_F_STRING, false, 200, NULL, NULL,
	 "补录事由：申报日期早于今天时必填（补录期限见 --backdate-days）"},
	END,
};

static const struct ld_field address_change_body[] = {
	{"address", LD_F_OBJECT, true, 0, address_fields, NULL, "新居住地址"},
	{"moved_date", LD_F_DATE, true, 10, NULL, NULL, "迁入新地址日期"},
	{"declared_date", LD_F_DATE, false, 10, NULL, NULL,
	 "申报日期（缺省为今天）"},
	{"date_reason", LD_F_STRING, false, 200, NULL, NULL,
	 "补录事由：申报日期早于今天时必填（补录期限见 --backdate-days）"},
	END,
};

static const struct ld_field cancel_body[] = {
	{"left_date", LD_F_DATE, true, 10, NULL, NULL, "离开日期"},
	{"reporter", LD_F_CODE, true, 10, NULL, &ld_reporters,
	 "申报人：本人、近亲属、房屋出租人、用人单位"},
	{"reason", LD_F_STRING, true, 200, NULL, NULL, "注销原因"},
	{"destination", LD_F_STRING, false, 200, NULL, NULL, "去向"},
	END,
};

static const struct ld_param search_query[] = {
	P_TEXT("id_number", 18, "公民身份号码（精确）"),
	P_TEXT("name", 60, "姓名（前缀）"),
	P_TEXT("phone", 20, "联系电话（精确）"),
	P_TEXT("address", 200, "地址（包含）"),
	P_PAGE,
	P_PER_PAGE,
	P_END,
};

static const struct ld_param worklist_query[] = {
	P_DATE("from", "起始日期"),
	P_DATE("to", "截止日期"),
	P_PAGE,
	P_PER_PAGE,
	P_END,
};

static const struct ld_param audit_query[] = {
	P_TEXT("target", 200, "对象，如 person:12"),
	P_INT("before", 1, INT64_MAX, "只列出序号小于此值的记录"),
	P_PAGE,
	P_PER_PAGE,
	P_END,
};

static const struct ld_param areas_query[] = {
	P_AREA("parent", "上级区划代码；省略时列出区县"),
	P_END,
};

static const struct ld_code basis_items[] = {
	{"employment", "合法稳定就业"},
	{"housing", "合法稳定住所"},
	{"study", "连续就读"},
};
static const struct ld_code_list basis_codes = {"basis", basis_items, 3};
static const struct ld_code channel_items[] = {
	{"counter", "窗口"},
	{"online", "网上"},
};
static const struct ld_code_list channel_codes = {"channel", channel_items, 2};

static const struct ld_field material_fields[] = {
	{"id_card", LD_F_BOOL, false, 0, NULL, NULL, "居民身份证"},
	{"photo", LD_F_BOOL, false, 0, NULL, NULL, "本人近期相片"},
	{"residence_proof", LD_F_BOOL, false, 0, NULL, NULL, "居住地住址证明"},
	{"basis_proof", LD_F_BOOL, false, 0, NULL, NULL, "就业或就读证明"},
	{"guardian_id", LD_F_BOOL, false, 0, NULL, NULL,
	 "监护人或近亲属身份证明"},
	END,
};

static const struct ld_field guardian_fields[] = {
	{"name", LD_F_STRING, true, 60, NULL, NULL, "监护人或近亲属姓名"},
	{"id_number", LD_F_ID_NUMBER, true, 18, NULL, NULL, "公民身份号码"},
	{"relation", LD_F_STRING, true, 20, NULL, NULL, "与申请人关系"},
	END,
};

static const struct ld_field apply_body[] = {
	{"basis", LD_F_CODE, true, 20, NULL, &basis_codes, "申领条件"},
	{"applied_date", LD_F_DATE, false, 10, NULL, NULL, "申请日期（缺省今天）"},
	{"channel", LD_F_CODE, false, 10, NULL, &channel_codes, "窗口或网上"},
	{"materials", LD_F_OBJECT, false, 0, material_fields, NULL,
	 "已提交的材料"},
	{"guardian", LD_F_OBJECT, false, 0, guardian_fields, NULL,
	 "未满16周岁时的监护人或近亲属"},
	{"date_reason", LD_F_STRING, false, 200, NULL, NULL,
	 "补录事由：申请日期早于今天时必填（补录期限见 --backdate-days）"},
	END,
};

static const struct ld_field accept_body[] = {
	{"accepted_date", LD_F_DATE, false, 10, NULL, NULL, "受理日期"},
	{"materials", LD_F_OBJECT, false, 0, material_fields, NULL,
	 "补交的材料"},
	{"date_reason", LD_F_STRING, false, 200, NULL, NULL,
	 "补录事由：受理日期早于今天时必填（补录期限见 --backdate-days）"},
	END,
};

/* No issuing authority: the permit is signed by the county-level police
 * of its district (条例 第十条; authority.h), not by what a clerk types. */
static const struct ld_field issue_body[] = {
	{"issued_date", LD_F_DATE, false, 10, NULL, NULL, "发证日期"},
	{"date_reason", LD_F_STRING, false, 200, NULL, NULL,
	 "补录事由：发证日期早于今天时必填（补录期限见 --backdate-days）"},
	END,
};

static const struct ld_field date_body[] = {
	{"date", LD_F_DATE, false, 10, NULL, NULL, "办理日期（缺省今天）"},
	{"date_reason", LD_F_STRING, false, 200, NULL, NULL,
	 "补录事由：办理日期早于今天时必填（补录期限见 --backdate-days）"},
	END,
};

static const struct ld_field replace_body[] = {
	{"date", LD_F_DATE, false, 10, NULL, NULL, "办理日期"},
	{"reason", LD_F_CODE, true, 10, NULL, &ld_replace_reasons,
	 "损坏换领或遗失补领"},
	{"date_reason", LD_F_STRING, false, 200, NULL, NULL,
	 "补录事由：办理日期早于今天时必填（补录期限见 --backdate-days）"},
	END,
};

static const struct ld_field change_body[] = {
	{"date", LD_F_DATE, false, 10, NULL, NULL, "办理日期"},
	{"name", LD_F_STRING, true, 60, NULL, NULL, "变更后的姓名"},
	{"date_reason", LD_F_STRING, false, 200, NULL, NULL,
	 "补录事由：办理日期早于今天时必填（补录期限见 --backdate-days）"},
	END,
};

static const struct ld_field permit_cancel_body[] = {
	{"date", LD_F_DATE, false, 10, NULL, NULL, "注销日期"},
	{"reason", LD_F_STRING, true, 200, NULL, NULL, "注销原因"},
	{"date_reason", LD_F_STRING, false, 200, NULL, NULL,
	 "补录事由：注销日期早于今天时必填（补录期限见 --backdate-days）"},
	END,
};

static const struct ld_field permit_return_body[] = {
	{"reason", LD_F_STRING, true, 200, NULL, NULL,
	 "退回原因（申请人可见），如材料不实、不符合申领条件"},
	END,
};

static const struct ld_param applications_query[] = {
	P_ENUM("channel", &channel_codes, "申请渠道：online（缺省，网上申领）或 counter"),
	P_FLAG("overdue", "1：只列出已超过受理期限的"),
	P_PAGE,
	P_PER_PAGE,
	P_END,
};

static const struct ld_param on_query[] = {
	P_DATE("on", "按该日期计算（缺省今天）"),
	P_END,
};

static const struct ld_field otp_body[] = {
	{"id_number", LD_F_STRING, true, 18, NULL, NULL, "公民身份号码"},
	{"phone", LD_F_STRING, true, 11, NULL, NULL, "手机号码"},
	END,
};

static const struct ld_field resident_login_body[] = {
	{"id_number", LD_F_STRING, true, 18, NULL, NULL, "公民身份号码"},
	{"phone", LD_F_STRING, true, 11, NULL, NULL, "手机号码"},
	{"code", LD_F_STRING, true, 6, NULL, NULL, "短信验证码"},
	END,
};

static const struct ld_field resident_person_fields[] = {
	{"name", LD_F_STRING, true, 60, NULL, NULL, "姓名"},
	{"ethnicity", LD_F_CODE, true, 20, NULL, &ld_ethnicities, "民族"},
	{"hukou_code", LD_F_DIVISION, true, 6, NULL, NULL,
	 "常住户口所在地县级行政区划代码"},
	{"hukou_address", LD_F_STRING, false, 200, NULL, NULL, "户籍地址"},
	END,
};

static const struct ld_field resident_declare_body[] = {
	{"person", LD_F_OBJECT, true, 0, resident_person_fields, NULL,
	 "本人信息（身份号码和手机号码取自登录）"},
	{"address", LD_F_OBJECT, true, 0, address_fields, NULL, "居住地址"},
	{"arrival_date", LD_F_DATE, true, 10, NULL, NULL, "到达居住地日期"},
	{"reason", LD_F_CODE, true, 20, NULL, &ld_stay_reasons, "居住事由"},
	{"housing", LD_F_CODE, true, 20, NULL, &ld_housing_kinds, "住所类型"},
	{"employer", LD_F_STRING, false, 100, NULL, NULL, "就业单位或就读学校"},
	{"stay_days", LD_F_INT, false, 0, NULL, NULL, "拟居住天数"},
	{"lodging", LD_F_CODE, false, 10, NULL, &lodging_codes,
	 "免于居住登记的住宿类型"},
	END,
};

static const struct ld_field resident_apply_body[] = {
	{"basis", LD_F_CODE, true, 20, NULL, &basis_codes, "申领条件"},
	{"materials", LD_F_OBJECT, false, 0, material_fields, NULL,
	 "已准备的材料"},
	{"guardian", LD_F_OBJECT, false, 0, guardian_fields, NULL,
	 "未满16周岁时的监护人或近亲属"},
	END,
};

static const struct ld_field empty_body[] = {
	END,
};

static const struct ld_code verified_by_items[] = {
	{"counter", "窗口核验"},
	{"visit", "入户核验"},
};
static const struct ld_code_list verified_by_codes = {"verified_by",
						      verified_by_items, 2};

static const struct ld_field declaration_confirm_body[] = {
	{"verified_by", LD_F_CODE, true, 10, NULL, &verified_by_codes,
	 "核验方式：counter 窗口核验身份证件，visit 网格员入户核验"},
	{"note", LD_F_STRING, false, 500, NULL, NULL, "说明"},
	END,
};

static const struct ld_field declaration_reject_body[] = {
	{"reason", LD_F_STRING, true, 200, NULL, NULL, "退回原因（居民可见）"},
	END,
};

static const struct ld_code declaration_status_items[] = {
	{"pending", "待核验"},
	{"confirmed", "已核验"},
	{"rejected", "已退回"},
	{"superseded", "已被取代"},
};
static const struct ld_code_list declaration_status_codes = {
	"declaration_status", declaration_status_items, 4};

static const struct ld_param declarations_query[] = {
	P_ENUM("status", &declaration_status_codes,
	       "pending（待核验）、confirmed、rejected 或 superseded；缺省为全部"),
	P_TEXT("reason", 200, "查阅事由（缺省为“核验网上申报”）"),
	P_PAGE,
	P_PER_PAGE,
	P_END,
};
static const struct ld_code stats_group_items[] = {
	{"district", "区县"},	     {"street", "街道（镇）"},
	{"community", "社区（村）"}, {"grid", "网格"},
	{"hukou_province", "户籍省份"}, {"reason", "居住事由"},
};
static const struct ld_code_list stats_group_codes = {
	"group", stats_group_items, 6};

static const struct ld_param stats_query[] = {
	P_ENUM("group", &stats_group_codes, "分组（缺省 district）"),
	P_AREA("parent", "只统计该区划代码之下"),
	P_FLAG("late", "1：只统计逾期申报"),
	P_END,
};

static const struct ld_param timeline_query[] = {
	P_MONTH("from", "起始月份 YYYY-MM"),
	P_MONTH("to", "截止月份 YYYY-MM"),
	P_END,
};

static const struct ld_code reg_status_items[] = {
	{"active", "有效"},
	{"cancelled", "已注销"},
};
static const struct ld_code_list reg_status_codes = {"status",
						     reg_status_items, 2};
static const struct ld_code reg_sort_items[] = {
	{"declared_date", "申报日期"},
	{"arrival_date", "到达日期"},
	{"name", "姓名"},
};
static const struct ld_code_list reg_sort_codes = {"sort", reg_sort_items, 3};
static const struct ld_code order_items[] = {
	{"asc", "升序"},
	{"desc", "降序"},
};
static const struct ld_code_list order_codes = {"order", order_items, 2};

static const struct ld_param table_query[] = {
	P_ENUM("status", &reg_status_codes, "登记状态"),
	P_FLAG("late", "1：只列逾期申报"),
	P_AREA("grid", "区划代码（区县、街道、社区或网格）"),
	P_ENUM("sort", &reg_sort_codes, "排序（缺省 declared_date）"),
	P_ENUM("order", &order_codes, "顺序（缺省 desc）"),
	P_FLAG("moved_away", "1：只列网格员核实已搬离、待派出所核实注销的有效登记"),
	P_PAGE,
	P_PER_PAGE,
	P_END,
};

static const struct ld_param verify_query[] = {
	/* Not required: without it the answer is the verdict "malformed",
	 * as for any content that cannot be read. */
	P_TEXT("c", 4096, "二维码内容（缺少或无法解析时答复 malformed）"),
	P_END,
};


/* ---- rental housing, reports, the grid (docs/grid.md) --------------- */

static const struct ld_code org_kind_items[] = {
	{"landlord", "房屋出租人"},	     {"property", "物业服务企业"},
	{"rental_agency", "房屋租赁中介机构"}, {"employer", "用人单位"},
	{"job_agency", "职业介绍机构"},
};
static const struct ld_code_list org_kind_codes = {"org_kind", org_kind_items,
						   5};
static const struct ld_code report_kind_items[] = {
	{"tenant_move_in", "入住"},  {"tenant_move_out", "退租"},
	{"hire", "招用"},	     {"separation", "解除劳动关系"},
	{"placement", "中介成功"},
};
static const struct ld_code_list report_kind_codes = {"report_kind",
						      report_kind_items, 5};
static const struct ld_code outcome_items[] = {
	{"visited", "已走访"},
	{"registered", "已登记"},
	{"moved_away", "已搬离"},
	{"not_found", "查无此人"},
};
static const struct ld_code_list outcome_codes = {"outcome", outcome_items, 4};

static const struct ld_field org_body[] = {
	{"kind", LD_F_CODE, true, 20, NULL, &org_kind_codes, "单位类型"},
	{"name", LD_F_STRING, true, 100, NULL, NULL, "名称或姓名"},
	{"credit_code", LD_F_STRING, false, 18, NULL, NULL,
	 "统一社会信用代码（单位）"},
	{"id_number", LD_F_STRING, false, 18, NULL, NULL,
	 "公民身份号码（个人出租人）"},
	{"phone", LD_F_STRING, false, 20, NULL, NULL, "联系电话"},
	{"grid", LD_F_STRING, true, 15, NULL, NULL, "所在网格代码"},
	{"address", LD_F_STRING, false, 200, NULL, NULL, "地址"},
	END,
};

static const struct ld_field house_body[] = {
	{"address", LD_F_OBJECT, true, 0, address_fields, NULL, "房屋地址"},
	{"landlord", LD_F_INT, true, 0, NULL, NULL, "出租人（报告单位编号）"},
	{"agent", LD_F_INT, false, 0, NULL, NULL, "代理的租赁中介机构编号"},
	{"filing_no", LD_F_STRING, false, 40, NULL, NULL,
	 "住房租赁登记备案号"},
	{"rooms", LD_F_INT, true, 0, NULL, NULL, "房间数"},
	{"capacity", LD_F_INT, true, 0, NULL, NULL, "核定居住人数"},
	{"area_m2", LD_F_INT, false, 0, NULL, NULL, "建筑面积（平方米）"},
	END,
};

static const struct ld_field report_person_fields[] = {
	{"id_number", LD_F_STRING, true, 18, NULL, NULL, "公民身份号码"},
	{"name", LD_F_STRING, true, 60, NULL, NULL, "姓名"},
	{"phone", LD_F_STRING, false, 20, NULL, NULL, "联系电话"},
	{"hukou_code", LD_F_STRING, false, 6, NULL, NULL,
	 "户籍地县级行政区划代码（缺省按身份号码前6位推定）"},
	END,
};

static const struct ld_field report_address_fields[] = {
	{"grid", LD_F_STRING, false, 15, NULL, NULL, "网格代码（15位）"},
	{"road", LD_F_STRING, false, 100, NULL, NULL, "街路巷"},
	{"house_number", LD_F_STRING, false, 40, NULL, NULL, "门牌号"},
	{"building", LD_F_STRING, false, 20, NULL, NULL, "楼栋"},
	{"unit", LD_F_STRING, false, 20, NULL, NULL, "单元"},
	{"room", LD_F_STRING, false, 20, NULL, NULL, "房间"},
	END,
};

static const struct ld_field report_body[] = {
	{"organisation", LD_F_INT, false, 0, NULL, NULL,
	 "报告单位编号（工作人员代为录入时必填）"},
	{"kind", LD_F_CODE, true, 20, NULL, &report_kind_codes, "报告类型"},
	{"person", LD_F_OBJECT, true, 0, report_person_fields, NULL, "人员"},
	{"event_date", LD_F_DATE, true, 10, NULL, NULL, "入住、招用等发生日期"},
	{"event_time", LD_F_STRING, false, 5, NULL, NULL, "发生时间 HH:MM"},
	{"reported_date", LD_F_DATE, false, 10, NULL, NULL,
	 "收到纸质报告的日期（仅工作人员）"},
	{"date_reason", LD_F_STRING, false, 200, NULL, NULL,
	 "补录事由：报告日期早于今天时必填（补录期限见 --backdate-days）"},

	{"house", LD_F_INT, false, 0, NULL, NULL, "出租房屋编号"},
	{"address", LD_F_OBJECT, false, 0, report_address_fields, NULL,
	 "居住地址（非租房报告）"},
	{"arrival_date", LD_F_DATE, false, 10, NULL, NULL, "到达本市日期"},
	END,
};

static const struct ld_field task_close_body[] = {
	{"outcome", LD_F_CODE, true, 20, NULL, &outcome_codes, "办理结果"},
	{"note", LD_F_STRING, false, 500, NULL, NULL, "说明"},
	END,
};

static const struct ld_field task_reassign_body[] = {
	{"grid", LD_F_STRING, true, 15, NULL, NULL, "转派到的网格"},
	{"assignee", LD_F_STRING, false, 64, NULL, NULL, "网格员用户名"},
	END,
};

static const struct ld_field occupant_fields[] = {
	{"id_number", LD_F_STRING, true, 18, NULL, NULL, "公民身份号码"},
	{"name", LD_F_STRING, true, 60, NULL, NULL, "姓名"},
	{"hukou_code", LD_F_STRING, false, 6, NULL, NULL,
	 "户籍地县级行政区划代码"},
	END,
};

static const struct ld_field visit_body[] = {
	{"house", LD_F_INT, false, 0, NULL, NULL, "出租房屋编号"},
	{"address", LD_F_OBJECT, false, 0, address_fields, NULL,
	 "地址（不是登记的出租房屋时）"},
	{"date", LD_F_DATE, false, 10, NULL, NULL, "走访日期（缺省今天）"},
	{"occupants", LD_F_ARRAY, true, 50, occupant_fields, NULL,
	 "现居住人员"},
	{"note", LD_F_STRING, false, 500, NULL, NULL, "说明"},
	END,
};

static const struct ld_param orgs_query[] = {
	P_ENUM("kind", &org_kind_codes, "单位类型"),
	P_PAGE,
	P_PER_PAGE,
	P_END,
};

static const struct ld_param houses_query[] = {
	P_AREA("grid", "区划代码：只列出其下的房屋"),
	P_FLAG("flagged", "1：只列出疑似群租"),
	P_PAGE,
	P_PER_PAGE,
	P_END,
};

static const struct ld_param reports_query[] = {
	P_ENUM("kind", &report_kind_codes, "报告类型"),
	P_FLAG("late", "1：只列出逾期报告"),
	P_INT("organisation", 1, MAX_ID, "报告单位编号"),
	P_PAGE,
	P_PER_PAGE,
	P_END,
};

static const struct ld_param upload_query[] = {
	P_INT("organisation", 1, MAX_ID,
	      "报告单位编号（工作人员代为上传时必填）"),
	P_END,
};

static const struct ld_code task_status_items[] = {
	{"open", "待办"},
	{"done", "已办结"},
};
static const struct ld_code_list task_status_codes = {"status",
						      task_status_items, 2};
static const struct ld_code task_kind_items[] = {
	{"unregistered", "未登记"},
	{"group_rental", "疑似群租"},
	{"absent", "登记人员不在住"},
};
static const struct ld_code_list task_kind_codes = {"kind", task_kind_items,
						    3};

static const struct ld_code upload_kind_items[] = {
	{"csv", "CSV 文件（UTF-8 或 GBK）"},
};
static const struct ld_code_list upload_kind_codes = {"upload_kind",
						      upload_kind_items, 1};

static const struct ld_field upload_open_body[] = {
	{"organisation", LD_F_INT, false, 0, NULL, NULL,
	 "报告单位编号（工作人员代为上传时必填）"},
	{"name", LD_F_STRING, true, 200, NULL, NULL, "文件名"},
	{"kind", LD_F_CODE, false, 10, NULL, &upload_kind_codes,
	 "文件类型（缺省 csv）"},
	{"size", LD_F_INT, true, 0, NULL, NULL, "文件大小（字节），最大64 MiB"},
	{"sm3", LD_F_STRING, false, 64, NULL, NULL,
	 "文件的 SM3 杂凑值（64位十六进制，可选），传完时核对"},
	END,
};

static const struct ld_param tasks_query[] = {
	P_ENUM("status", &task_status_codes, "任务状态"),
	P_ENUM("kind", &task_kind_codes, "任务类型"),
	P_FLAG("overdue", "1：只列出已超期的"),
	P_AREA("grid", "区划代码：只列出其下的任务"),
	P_PAGE,
	P_PER_PAGE,
	P_END,
};

static const struct ld_param grid_query[] = {
	P_AREA("area", "网格代码（缺省为本人可见的全部）"),
	P_END,
};

static const struct ld_param grid_stats_query[] = {
	P_AREA("parent", "上级区划代码（缺省按区县）"),
	P_END,
};

/* What a photo may be sent as (h_photos.c). */
static const char *const photo_types[] = {"image/jpeg", "image/png", NULL};

#define ADMIN (1u << LD_ROLE_ADMIN)
#define AUDITORS ((1u << LD_ROLE_AUDITOR) | ADMIN)
#define STAFF LD_ALL_STAFF
#define DESK ((1u << LD_ROLE_ADMIN) | (1u << LD_ROLE_CLERK))
#define EVERYONE (STAFF | (1u << LD_ROLE_AUDITOR))

const struct ld_route ld_routes[] = {
	{"GET", "/healthz", h_meta_healthz, "meta:health", 0, 0, LD_T_NONE, 0,
	 NULL, NULL, "meta", "存活检查：进程在运行即200（是否能写入见 /readyz）"},
	{"GET", "/readyz", h_meta_readyz, "meta:ready", 0, 0, LD_T_NONE, 0,
	 NULL, NULL, "meta",
	 "就绪检查：能写入时200；最近的写入失败、写入线程卡住或数据目录只读时503并说明原因"},
	{"GET", "/metrics", h_meta_metrics, "meta:metrics", 0, 0, LD_T_NONE, 0,
	 NULL, NULL, "meta",
	 "Prometheus 指标（仅限 --metrics-allow 所列的客户端地址，缺省本机）"},
	{"GET", "/api/v1/openapi.json", h_meta_openapi, "meta:openapi", 0, 0,
	 LD_T_NONE, 0, NULL, NULL, "meta", "本接口文档（OpenAPI 3）"},
	{"GET", "/api/v1/codes", h_meta_codes, "meta:codes", 0, 0, LD_T_NONE,
	 0, NULL, NULL, "meta", "代码表：民族、居住事由、住所类型、申报人"},

	{"POST", "/api/v1/auth/login", h_auth_login, "auth:login", 0, LD_R_BODY,
	 LD_T_NONE, 4096, login_body, NULL, "auth", "登录，返回会话令牌"},
	{"POST", "/api/v1/auth/logout", h_auth_logout, "auth:logout", EVERYONE,
	 LD_R_AUTH | LD_R_WRITE | LD_R_PW_PENDING_OK, LD_T_NONE, 0, NULL, NULL,
	 "auth", "退出登录"},
	{"GET", "/api/v1/auth/me", h_auth_me, "auth:me", EVERYONE,
	 LD_R_AUTH | LD_R_PW_PENDING_OK, LD_T_NONE, 0, NULL, NULL, "auth",
	 "当前用户及其权限"},
	{"POST", "/api/v1/auth/password", h_auth_password, "auth:password",
	 EVERYONE, LD_R_AUTH | LD_R_BODY | LD_R_WRITE | LD_R_PW_PENDING_OK,
	 LD_T_NONE, 4096, password_body, NULL, "auth",
	 "修改本人密码（其他会话随即失效）"},

	{"GET", "/api/v1/users", h_users_list, "user:manage", ADMIN, LD_R_AUTH,
	 LD_T_NONE, 0, NULL, NULL, "users", "工作人员账号列表（记入审计）"},
	{"POST", "/api/v1/users/{id}/reset-password", h_user_reset_password,
	 "user:manage", ADMIN, LD_R_AUTH | LD_R_BODY | LD_R_WRITE, LD_T_NONE, 0,
	 empty_body, NULL, "users",
	 "重置密码：生成新密码（只显示一次），下次登录须修改，现有会话失效"},
	{"POST", "/api/v1/users/{id}/disable", h_user_disable, "user:manage",
	 ADMIN, LD_R_AUTH | LD_R_BODY | LD_R_WRITE, LD_T_NONE, 0, empty_body,
	 NULL, "users", "停用账号，其会话立即失效（不能停用自己）"},
	{"POST", "/api/v1/users/{id}/enable", h_user_enable, "user:manage",
	 ADMIN, LD_R_AUTH | LD_R_BODY | LD_R_WRITE, LD_T_NONE, 0, empty_body,
	 NULL, "users", "启用账号"},

	{"GET", "/api/v1/areas", h_areas_list, "area:read", STAFF,
	 LD_R_AUTH | LD_R_RESIDENT_OK | LD_R_UNVERIFIED_OK, LD_T_NONE, 0, NULL, areas_query, "areas",
	 "区划层级：区县、街道（镇）、社区（村）、网格"},
	{"GET", "/api/v1/stations", h_stations_list, "area:read", STAFF,
	 LD_R_AUTH, LD_T_NONE, 0, NULL, NULL, "areas", "公安派出所"},

	{"POST", "/api/v1/registrations/check", h_registration_check,
	 "registration:check", STAFF, LD_R_AUTH | LD_R_BODY, LD_T_NONE, 0,
	 registration_body, NULL, "registrations",
	 "预检：是否纳入服务管理、申报期限、是否逾期（不保存）"},
	{"POST", "/api/v1/registrations", h_registration_create,
	 "registration:create", DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE,
	 LD_T_NONE, 0, registration_body, NULL, "registrations",
	 "申报居住登记，发放居住登记凭证"},
	{"GET", "/api/v1/registrations/{id}", h_registration_get,
	 "registration:read", STAFF, LD_R_AUTH | LD_R_READ_REASON,
	 LD_T_REGISTRATION, 0, NULL, NULL, "registrations", "查阅一条居住登记"},
	{"POST", "/api/v1/registrations/{id}/address-change",
	 h_registration_address_change, "registration:update", DESK,
	 LD_R_AUTH | LD_R_BODY | LD_R_WRITE, LD_T_REGISTRATION, 0,
	 address_change_body, NULL, "registrations",
	 "同一区县内变更居住地址"},
	{"POST", "/api/v1/registrations/{id}/cancel", h_registration_cancel,
	 "registration:cancel", DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE,
	 LD_T_REGISTRATION, 0, cancel_body, NULL, "registrations",
	 "注销居住登记（离开本市或迁往其他区县）"},

	{"GET", "/api/v1/persons", h_persons_search, "person:read", STAFF,
	 LD_R_AUTH | LD_R_READ_REASON, LD_T_NONE, 0, NULL, search_query,
	 "persons", "按身份号码、姓名、电话或地址查找人员（分页）"},
	{"GET", "/api/v1/persons/{id}", h_person_get, "person:read", STAFF,
	 LD_R_AUTH | LD_R_READ_REASON, LD_T_PERSON, 0, NULL, NULL, "persons",
	 "人员详情及居住登记"},
	{"GET", "/api/v1/persons/{id}/history", h_person_history,
	 "person:read", STAFF, LD_R_AUTH | LD_R_READ_REASON, LD_T_PERSON, 0,
	 NULL, NULL, "persons", "人员居住登记历史"},

	{"GET", "/api/v1/worklists/late", h_worklist_late, "worklist:read",
	 STAFF, LD_R_AUTH, LD_T_NONE, 0, NULL, worklist_query, "worklists",
	 "本辖区逾期申报的居住登记和变更", "逾期申报处置"},

	{"POST", "/api/v1/persons/{id}/permits", h_permit_apply,
	 "permit:apply", DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE, LD_T_PERSON,
	 0, apply_body, NULL, "permits",
	 "申领居住证：判断申领条件，一次性告知所缺材料"},
	{"POST", "/api/v1/permits/{id}/accept", h_permit_accept,
	 "permit:process", DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE,
	 LD_T_PERMIT, 0, accept_body, NULL, "permits",
	 "受理申请，开始计算10个工作日的发证期限"},
	{"POST", "/api/v1/permits/{id}/issue", h_permit_issue,
	 "permit:process", DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE,
	 LD_T_PERMIT, 0, issue_body, NULL, "permits",
	 "发放居住证及其电子证照"},
	{"POST", "/api/v1/permits/{id}/endorse", h_permit_endorse,
	 "permit:process", DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE,
	 LD_T_PERMIT, 0, date_body, NULL, "permits", "签注"},
	{"POST", "/api/v1/permits/{id}/replace", h_permit_replace,
	 "permit:process", DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE,
	 LD_T_PERMIT, 0, replace_body, NULL, "permits",
	 "换领、补领：证号不变，版本加一，旧证作废"},
	{"POST", "/api/v1/permits/{id}/change", h_permit_change,
	 "permit:process", DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE,
	 LD_T_PERMIT, 0, change_body, NULL, "permits", "变更登记事项"},
	{"POST", "/api/v1/permits/{id}/cancel", h_permit_cancel,
	 "permit:process", DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE,
	 LD_T_PERMIT, 0, permit_cancel_body, NULL, "permits", "注销居住证"},
	{"POST", "/api/v1/permits/{id}/return", h_permit_return,
	 "permit:process", DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE,
	 LD_T_PERMIT, 0, permit_return_body, NULL, "permits",
	 "退回尚未受理的申请并说明原因（申请人可见，可重新申请）"},
	{"GET", "/api/v1/worklists/applications", h_worklist_applications,
	 "worklist:read", DESK, LD_R_AUTH, LD_T_NONE, 0, NULL,
	 applications_query, "worklists",
	 "待受理的居住证申请（缺省为网上申领）：申请人、申请日期、所缺材料、受理期限",
	 "居住证申请受理"},
	{"GET", "/api/v1/permits/{id}", h_permit_get, "permit:read", STAFF,
	 LD_R_AUTH | LD_R_READ_REASON, LD_T_PERMIT, 0, NULL, on_query,
	 "permits", "居住证详情、状态、居住年限、签注和版本"},
	{"GET", "/api/v1/persons/{id}/entitlements", h_person_entitlements,
	 "person:read", STAFF, LD_R_AUTH | LD_R_READ_REASON, LD_T_PERSON, 0,
	 NULL, on_query, "permits",
	 "某日可享有的公共服务和便利及其依据"},
	{"GET", "/api/v1/worklists/permits", h_worklist_permits,
	 "worklist:read", STAFF, LD_R_AUTH, LD_T_NONE, 0, NULL, on_query,
	 "worklists", "本辖区超期未发证、待签注和已中止的居住证",
	 "居住证发证和签注督办"},
	{"GET", "/api/v1/permits/{no}/qr.svg", h_permit_qr, "permit:print",
	 DESK, LD_R_AUTH, LD_T_NONE, 0, NULL, NULL, "permits",
	 "电子居住证二维码（SVG）", "制发居住证"},
	{"GET", "/api/v1/permits/{no}/print", h_permit_print, "permit:print",
	 DESK, LD_R_AUTH, LD_T_NONE, 0, NULL, NULL, "permits",
	 "可打印的居住证页面（含二维码）", "制发居住证"},
	{"POST", "/api/v1/persons/{id}/photo", h_person_photo_put,
	 "photo:take", DESK, LD_R_AUTH | LD_R_WRITE | LD_R_FILE, LD_T_PERSON,
	 LD_MAX_REQUEST_BODY, NULL, NULL, "permits",
	 "采集本人相片：请求体为 JPEG 或 PNG 图像文件（Content-Type: image/jpeg 或 "
	 "image/png，不超过512 KiB，宽、高各100至2000像素），去除拍摄信息后保存为"
	 "本人当前相片（201）", NULL, photo_types},
	{"GET", "/api/v1/persons/{id}/photo", h_person_photo_get, "photo:read",
	 DESK, LD_R_AUTH | LD_R_READ_REASON, LD_T_PERSON, 0, NULL, NULL,
	 "permits", "本人当前相片（图像文件；记入审计）"},
	{"GET", "/api/v1/permits/{id}/photo", h_permit_photo_get, "photo:read",
	 DESK, LD_R_AUTH | LD_R_READ_REASON, LD_T_PERMIT, 0, NULL, NULL,
	 "permits",
	 "居住证上的相片：已制证的为证件所载相片，尚未制证的为本人当前相片（图像文件；记入审计）"},
	{"GET", "/verify", h_verify, "permit:verify", 0, 0, LD_T_NONE, 0,
	 NULL, verify_query, "verify",
	 "公开核验电子居住证：脱敏内容、签名是否有效、当前状态"},

	{"GET", "/api/v1/stats/overview", h_stats_overview, "stats:read",
	 STAFF, LD_R_AUTH, LD_T_NONE, 0, NULL, stats_query, "stats",
	 "本辖区流动人口统计：按区县、街道、社区、网格、户籍省份、居住事由"},
	{"GET", "/api/v1/stats/queues", h_stats_queues, "stats:read", STAFF,
	 LD_R_AUTH, LD_T_NONE, 0, NULL, NULL, "stats",
	 "本辖区待办数：网上申报待核验、网上申领待受理（含已超期）、已搬离待注销的登记"},
	{"GET", "/api/v1/stats/timeline", h_stats_timeline, "stats:read",
	 STAFF, LD_R_AUTH, LD_T_NONE, 0, NULL, timeline_query, "stats",
	 "按月统计居住登记、逾期申报和居住证发放"},
	{"GET", "/api/v1/registrations", h_registrations_list,
	 "registration:read", STAFF, LD_R_AUTH | LD_R_READ_REASON, LD_T_NONE,
	 0, NULL, table_query, "registrations",
	 "本辖区居住登记台账（分页、排序、筛选）"},
	{"GET", "/api/v1/persons/{id}/permits", h_person_permits,
	 "permit:read", STAFF, LD_R_AUTH | LD_R_READ_REASON, LD_T_PERSON, 0,
	 NULL, NULL, "permits", "人员的居住证及其当前状态"},

	{"POST", "/api/v1/resident/otp", h_resident_otp, "resident:otp", 0,
	 LD_R_BODY | LD_R_WRITE, LD_T_NONE, 4096, otp_body, NULL, "resident",
	 "居民登录：验证码只发往登记在册的手机号码（身份号码未登记的发往所填号码，"
	 "登录后待核验）；无论是否发送，答复相同"},
	{"POST", "/api/v1/resident/login", h_resident_login, "resident:login",
	 0, LD_R_BODY | LD_R_WRITE, LD_T_NONE, 4096, resident_login_body, NULL,
	 "resident", "居民登录：身份号码、手机号码和验证码"},
	{"POST", "/api/v1/resident/logout", h_resident_logout,
	 "resident:logout", 0, LD_R_RESIDENT | LD_R_WRITE | LD_R_UNVERIFIED_OK,
	 LD_T_NONE, 0, NULL, NULL, "resident", "居民退出登录（令牌作废）"},
	{"GET", "/api/v1/resident/me", h_resident_me, "resident:read", 0,
	 LD_R_RESIDENT | LD_R_UNVERIFIED_OK, LD_T_NONE, 0, NULL, NULL,
	 "resident",
	 "本人的居住登记、居住证、电子居住证、可享有的服务和网上申报（含待核验）"},
	{"POST", "/api/v1/resident/registrations", h_resident_declare,
	 "resident:declare", 0,
	 LD_R_RESIDENT | LD_R_BODY | LD_R_WRITE | LD_R_UNVERIFIED_OK, LD_T_NONE,
	 0, resident_declare_body, NULL, "resident",
	 "网上申报居住登记：已登记在册的即时生效（201）；身份号码未登记的待核验（202）"},
	{"POST", "/api/v1/resident/permits", h_resident_apply,
	 "resident:apply", 0, LD_R_RESIDENT | LD_R_BODY | LD_R_WRITE, LD_T_NONE,
	 0, resident_apply_body, NULL, "resident", "网上申领居住证"},
	{"POST", "/api/v1/resident/photo", h_resident_photo_put,
	 "resident:photo", 0, LD_R_RESIDENT | LD_R_WRITE | LD_R_FILE, LD_T_NONE,
	 LD_MAX_REQUEST_BODY, NULL, NULL, "resident",
	 "网上提交本人近期相片（申领居住证用）：JPEG 或 PNG 图像文件，不超过512 KiB，"
	 "宽、高各100至2000像素（201）", NULL, photo_types},
	{"GET", "/api/v1/resident/photos/{id}", h_resident_photo_get,
	 "resident:read", 0, LD_R_RESIDENT, LD_T_NONE, 0, NULL, NULL,
	 "resident", "本人的相片（本人当前相片或电子居住证上的相片，见 /resident/me）"},
	{"POST", "/api/v1/resident/permits/endorse", h_resident_endorse,
	 "resident:endorse", 0, LD_R_RESIDENT | LD_R_BODY | LD_R_WRITE,
	 LD_T_NONE, 0, empty_body, NULL, "resident", "网上签注"},

	{"POST", "/api/v1/organisations", h_orgs_create, "organisation:manage",
	 DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE, LD_T_NONE, 0, org_body, NULL,
	 "grid", "登记报告单位（出租人、物业、中介、用人单位）"},
	{"GET", "/api/v1/organisations", h_orgs_list, "organisation:manage",
	 DESK, LD_R_AUTH, LD_T_NONE, 0, NULL, orgs_query, "grid",
	 "本辖区的报告单位及其接入密钥", "报告单位管理"},
	{"POST", "/api/v1/organisations/{id}/keys", h_org_key,
	 "organisation:manage", DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE,
	 LD_T_NONE, 0, empty_body, NULL, "grid",
	 "生成接入密钥（只显示一次，旧密钥作废）"},
	{"POST", "/api/v1/houses", h_houses_create, "house:write", DESK,
	 LD_R_AUTH | LD_R_BODY | LD_R_WRITE, LD_T_NONE, 0, house_body, NULL,
	 "grid", "登记出租房屋"},
	{"GET", "/api/v1/houses", h_houses_list, "house:read", STAFF, LD_R_AUTH,
	 LD_T_NONE, 0, NULL, houses_query, "grid",
	 "本辖区出租房屋：居住人数、疑似群租", "出租房屋管理"},
	{"GET", "/api/v1/houses/{id}", h_house_get, "house:read", STAFF,
	 LD_R_AUTH | LD_R_READ_REASON, LD_T_NONE, 0, NULL, NULL, "grid",
	 "出租房屋及其承租人（记入审计）"},
	{"POST", "/api/v1/reports", h_reports_create, "report:create", DESK,
	 LD_R_AUTH | LD_R_ORG_OK | LD_R_BODY | LD_R_WRITE, LD_T_NONE, 0,
	 report_body, NULL, "grid",
	 "报告入住、退租、招用、解除劳动关系或中介成功"},
	{"GET", "/api/v1/reports", h_reports_list, "report:read", STAFF,
	 LD_R_AUTH | LD_R_ORG_OK, LD_T_NONE, 0, NULL, reports_query, "grid",
	 "报告列表：工作人员看本辖区，报告单位只看本单位的", "报告核查"},
	{"GET", "/api/v1/reports/{id}", h_report_get, "report:read", STAFF,
	 LD_R_AUTH | LD_R_ORG_OK, LD_T_NONE, 0, NULL, NULL, "grid",
	 "一条报告及其期限判断", "报告核查"},
	{"POST", "/api/v1/reports/uploads", h_upload_preview, "report:create",
	 DESK, LD_R_AUTH | LD_R_ORG_OK | LD_R_WRITE | LD_R_FILE, LD_T_NONE,
	 LD_MAX_REQUEST_BODY, NULL, upload_query, "grid",
	 "批量上报（CSV，UTF-8 或 GBK，一次不超过1 MiB，更大的文件分片上传）："
	 "逐行检查并预览，不写入报告"},
	{"POST", "/api/v1/reports/uploads/sessions", h_upload_open,
	 "report:create", DESK,
	 LD_R_AUTH | LD_R_ORG_OK | LD_R_BODY | LD_R_WRITE, LD_T_NONE, 0,
	 upload_open_body, NULL, "grid",
	 "分片上传：声明文件名和大小（最大64 MiB），返回上传编号和分片大小"},
	{"PUT", "/api/v1/reports/uploads/{id}/parts/{no}", h_upload_part,
	 "report:create", DESK,
	 LD_R_AUTH | LD_R_ORG_OK | LD_R_WRITE | LD_R_FILE, LD_T_NONE,
	 LD_MAX_REQUEST_BODY, NULL, NULL, "grid",
	 "上传第 no 个分片（1 MiB，最后一片为余下的字节；顺序不限，重传覆盖）"},
	{"GET", "/api/v1/reports/uploads/{id}", h_upload_get, "report:create",
	 DESK, LD_R_AUTH | LD_R_ORG_OK, LD_T_NONE, 0, NULL, NULL, "grid",
	 "上传的状态：已收到的分片、检查结果、过期时间"},
	{"POST", "/api/v1/reports/uploads/{id}/complete", h_upload_complete,
	 "report:create", DESK,
	 LD_R_AUTH | LD_R_ORG_OK | LD_R_BODY | LD_R_WRITE, LD_T_NONE, 0,
	 empty_body, NULL, "grid",
	 "分片传完：合并后逐行检查并预览，不写入报告"},
	{"POST", "/api/v1/reports/uploads/{id}/confirm", h_upload_confirm,
	 "report:create", DESK,
	 LD_R_AUTH | LD_R_ORG_OK | LD_R_BODY | LD_R_WRITE, LD_T_NONE, 0,
	 empty_body, NULL, "grid",
	 "确认导入：再次逐行检查，全部写入或全部不写入"},
	{"DELETE", "/api/v1/reports/uploads/{id}", h_upload_discard,
	 "report:create", DESK, LD_R_AUTH | LD_R_ORG_OK | LD_R_WRITE,
	 LD_T_NONE, 0, NULL, NULL, "grid",
	 "放弃未确认导入的上传，删除其文件"},
	{"GET", "/api/v1/tasks", h_tasks_list, "task:read", STAFF, LD_R_AUTH,
	 LD_T_NONE, 0, NULL, tasks_query, "grid", "网格任务", "网格任务办理"},
	{"POST", "/api/v1/tasks/{id}/close", h_task_close, "task:update",
	 STAFF, LD_R_AUTH | LD_R_BODY | LD_R_WRITE, LD_T_NONE, 0,
	 task_close_body, NULL, "grid", "办结任务"},
	{"POST", "/api/v1/tasks/{id}/reassign", h_task_reassign,
	 "task:reassign", DESK, LD_R_AUTH | LD_R_BODY | LD_R_WRITE, LD_T_NONE,
	 0, task_reassign_body, NULL, "grid", "转派任务到本所的其他网格"},
	{"POST", "/api/v1/visits", h_visits_create, "visit:create", STAFF,
	 LD_R_AUTH | LD_R_BODY | LD_R_WRITE, LD_T_NONE, 0, visit_body, NULL,
	 "grid", "入户走访：登记现居住人员，与台账不一致的生成任务"},
	{"GET", "/api/v1/grid/worklist", h_grid_worklist, "grid:read", STAFF,
	 LD_R_AUTH, LD_T_NONE, 0, NULL, grid_query, "grid",
	 "网格工作清单：任务、疑似群租、逾期登记和报告、待签注居住证",
	 "网格工作清单办理"},
	{"GET", "/api/v1/stats/grid", h_stats_grid, "stats:read", STAFF,
	 LD_R_AUTH, LD_T_NONE, 0, NULL, grid_stats_query, "grid",
	 "按区县、街道、社区、网格统计实有人口、流动人口、出租房屋和任务"},

	{"GET", "/api/v1/declarations", h_declarations_list,
	 "declaration:read", STAFF, LD_R_AUTH, LD_T_NONE, 0, NULL,
	 declarations_query, "declarations",
	 "网上申报（待核验等）：派出所看本所辖区，网格员看本网格（分页，记入审计）"},
	{"POST", "/api/v1/declarations/{id}/confirm", h_declaration_confirm,
	 "declaration:verify", STAFF, LD_R_AUTH | LD_R_BODY | LD_R_WRITE,
	 LD_T_NONE, 0, declaration_confirm_body, NULL, "declarations",
	 "核验身份后确认网上申报：建立人员、居住登记并发放凭证（按网上申报日期判断是否逾期）"},
	{"POST", "/api/v1/declarations/{id}/reject", h_declaration_reject,
	 "declaration:verify", STAFF, LD_R_AUTH | LD_R_BODY | LD_R_WRITE,
	 LD_T_NONE, 0, declaration_reject_body, NULL, "declarations",
	 "退回网上申报并说明原因"},

	{"GET", "/api/v1/audit", h_audit_list, "audit:read", AUDITORS,
	 LD_R_AUTH, LD_T_NONE, 0, NULL, audit_query, "audit", "审计日志"},
	{"GET", "/api/v1/audit/verify", h_audit_verify, "audit:read", AUDITORS,
	 LD_R_AUTH, LD_T_NONE, 0, NULL, NULL, "audit",
	 "校验审计日志哈希链及其签名锚点（截断、改写、回滚、恢复记录）"},

	{"GET", "/api/v1/calendar", h_calendar_status, "stats:read", STAFF,
	 LD_R_AUTH, LD_T_NONE, 0, NULL, NULL, "stats",
	 "节假日安排：已载入的年份、缺少本年或（12月起）次年安排的提示、本辖区暂定期限的数量"},
};

const size_t ld_route_count = sizeof ld_routes / sizeof ld_routes[0];
