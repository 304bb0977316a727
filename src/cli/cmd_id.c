/*
 * cmd_id.c — `liudong id NUMBER [--type TYPE]`: check the number of an
 * identity document (document.h); by default a citizen's resident ID card.
 */
#include <string.h>

#include "cli.h"
#include "core/document.h"
#include "util/json_out.h"

static const char *const type_choices[] = {
	"resident_id_card",	   "hmt_residence_permit",
	"hk_mo_travel_permit",	   "tw_travel_permit",
	"foreign_permanent_residence", "passport",
	NULL};

static const struct cli_opt id_opts[] = {
	{"today", OPT_DATE, false, false, NULL, "以该日期为今天（缺省为系统日期）",
	 "treat this date as today (default: the system date)"},
	{"type", OPT_ENUM, false, false, type_choices,
	 "证件类型：居民身份证（缺省）、港澳台居民居住证、港澳居民来往内地通行证、"
	 "台湾居民来往大陆通行证、外国人永久居留身份证、外国人护照",
	 "document type (default resident_id_card)"},
};

static const struct cli_spec id_spec = {
	"id NUMBER [--today DATE] [--type TYPE]",
	"校验证件号码（缺省为公民身份号码 GB 11643），给出出生日期、性别和地址码",
	"check an identity document's number (default a citizen ID number, "
	"GB 11643): birth date, sex, address code",
	id_opts, 2, 1, "NUMBER",
};

int cmd_id(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[2];
	char *number = NULL;
	int rc = cli_parse(ctx, &id_spec, argc, argv, v, &number);
	if (rc)
		goto out;
	ld_doc_type type = v[1].set ? (ld_doc_type)v[1].num : LD_DOC_RESIDENT_ID;
	ld_document doc;
	ld_document_check(type, number, strlen(number),
			  v[0].set ? v[0].day : cli_today(), &doc);

	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kbool(&w, "valid", doc.valid);
	ld_jw_kstr(&w, "reason", ld_id_reason_code(doc.reason));
	ld_jw_kstr(&w, "message", ld_document_message(type, doc.reason));
	ld_jw_kstr(&w, "document_type", ld_doc_type_code(type));
	ld_jw_kbool(&w, "legacy15", doc.legacy15);
	char date[LD_DATE_STRLEN], code[7], name[256] = "";
	if (doc.valid && doc.has_birth) {
		ld_day_format(doc.birth, date);
		ld_jw_kstr(&w, "birth", date);
	} else {
		ld_jw_knull(&w, "birth");
	}
	ld_jw_kstr(&w, "sex", !doc.valid || doc.sex == LD_SEX_UNKNOWN ? NULL
			      : doc.sex == LD_SEX_MALE		 ? "male"
								 : "female");
	if (doc.valid && doc.region) {
		snprintf(code, sizeof code, "%06d", (int)doc.region);
		ld_jw_kstr(&w, "address_code", code);
		ld_region_full_name(doc.region, name, sizeof name);
		ld_jw_kstr(&w, "address_name", name);
	} else {
		ld_jw_knull(&w, "address_code");
		ld_jw_knull(&w, "address_name");
	}
	ld_jw_kstr(&w, "nationality",
		   doc.valid ? ld_nationality_code(doc.nationality) : NULL);
	ld_jw_obj_close(&w);
	if (ld_jw_finish(&w) != LD_OK) {
		fputs("liudong: 输出失败 (output failed)\n", ctx->err);
		rc = LD_CLI_FAIL;
	} else {
		fwrite(b.data, 1, b.len, ctx->out);
		fputc('\n', ctx->out);
	}
	ld_buf_release(&b);
out:
	cli_vals_release(&id_spec, v);
	return rc < 0 ? 0 : rc;
}
