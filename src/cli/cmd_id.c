/*
 * cmd_id.c — `liudong id NUMBER`: check a citizen identity number.
 */
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/division.h"
#include "core/idnum.h"
#include "util/json_out.h"

static const struct cli_opt id_opts[] = {
	{"today", OPT_DATE, false, false, NULL, "以该日期为今天（缺省为系统日期）",
	 "treat this date as today (default: the system date)"},
};

static const struct cli_spec id_spec = {
	"id NUMBER [--today DATE]",
	"校验公民身份号码（GB 11643），给出出生日期、性别和地址码",
	"check a citizen ID number (GB 11643): birth date, sex, address code",
	id_opts, 1, 1, "NUMBER",
};

static ld_day system_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return ld_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int cmd_id(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[1];
	char *number = NULL;
	int rc = cli_parse(ctx, &id_spec, argc, argv, v, &number);
	if (rc)
		goto out;
	ld_idnum id;
	ld_idnum_check(number, strlen(number),
		       v[0].set ? v[0].day : system_today(), &id);

	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kbool(&w, "valid", id.valid);
	ld_jw_kstr(&w, "reason", ld_id_reason_code(id.reason));
	ld_jw_kstr(&w, "message", ld_id_reason_message(id.reason));
	ld_jw_kbool(&w, "legacy15", id.legacy15);
	if (id.valid) {
		char date[LD_DATE_STRLEN], code[7], name[256];
		ld_day_format(id.birth, date);
		ld_jw_kstr(&w, "birth", date);
		ld_jw_kstr(&w, "sex", id.sex == LD_SEX_MALE ? "male" : "female");
		snprintf(code, sizeof code, "%06d", (int)id.address_code);
		ld_jw_kstr(&w, "address_code", code);
		ld_division_full_name(id.address_code, name, sizeof name);
		ld_jw_kstr(&w, "address_name", name);
	} else {
		ld_jw_knull(&w, "birth");
		ld_jw_knull(&w, "sex");
		ld_jw_knull(&w, "address_code");
		ld_jw_knull(&w, "address_name");
	}
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
