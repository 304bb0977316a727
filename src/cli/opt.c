/*
 * opt.c — table-driven option parsing and generated help.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/division.h"

int cli_usage_error(struct cli_ctx *ctx, const char *option, const char *fmt,
		    ...)
{
	va_list ap;
	fprintf(ctx->err, "liudong: %s: ", option);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	return LD_CLI_USAGE;
}

int cli_bad_input(struct cli_ctx *ctx, const ld_error *err)
{
	char opt[64] = "--";
	size_t n = 2;
	for (const char *p = err->field ? err->field : "input";
	     *p && n + 1 < sizeof opt; p++)
		opt[n++] = *p == '_' ? '-' : *p;
	opt[n] = '\0';
	return cli_usage_error(ctx, opt, "%s", err->message);
}

static const struct cli_opt *find_opt(const struct cli_spec *spec,
				      const char *name, size_t len, int *idx)
{
	for (int i = 0; i < spec->n_opts; i++)
		if (strlen(spec->opts[i].name) == len &&
		    memcmp(spec->opts[i].name, name, len) == 0) {
			*idx = i;
			return &spec->opts[i];
		}
	return NULL;
}

static int parse_value(struct cli_ctx *ctx, const struct cli_opt *o,
		       const char *flag, const char *v, struct cli_val *val)
{
	ld_error err = {0};
	int len = (int)strlen(v);
	switch (o->kind) {
	case OPT_DATE: {
		ld_day d;
		if (ld_day_parse(v, len, &d, o->name, &err) != LD_OK)
			return cli_bad_input(ctx, &err);
		if (o->repeat)
			val->days[val->n_days++] = d;
		else
			val->day = d;
		return LD_CLI_OK;
	}
	case OPT_TIME:
		if (ld_minute_parse(v, len, &val->num, o->name, &err) != LD_OK)
			return cli_bad_input(ctx, &err);
		return LD_CLI_OK;
	case OPT_CODE:
		if (ld_division_parse(v, len, &val->code, o->name, &err) !=
		    LD_OK)
			return cli_bad_input(ctx, &err);
		return LD_CLI_OK;
	case OPT_UINT: {
		long n = 0;
		if (len == 0 || len > 6)
			goto bad_uint;
		for (int i = 0; i < len; i++) {
			if (v[i] < '0' || v[i] > '9')
				goto bad_uint;
			n = n * 10 + (v[i] - '0');
		}
		val->num = (int)n;
		return LD_CLI_OK;
bad_uint:
		return cli_usage_error(ctx, flag,
				       "应为不超过6位的非负整数 (expected a "
				       "non-negative integer)");
	}
	case OPT_ENUM:
		for (int i = 0; o->choices[i]; i++)
			if (strcmp(v, o->choices[i]) == 0) {
				val->num = i;
				return LD_CLI_OK;
			}
		fprintf(ctx->err, "liudong: %s: 取值无效“%s”，可选：", flag, v);
		for (int i = 0; o->choices[i]; i++)
			fprintf(ctx->err, "%s%s", i ? "|" : "", o->choices[i]);
		fputc('\n', ctx->err);
		return LD_CLI_USAGE;
	case OPT_STRING:
		val->str = v;
		return LD_CLI_OK;
	case OPT_FLAG:
		break;
	}
	return LD_CLI_OK;
}

int cli_parse(struct cli_ctx *ctx, const struct cli_spec *spec, int argc,
	      char **argv, struct cli_val *vals, char **positionals)
{
	int n_pos = 0;
	memset(vals, 0, sizeof *vals * (size_t)spec->n_opts);
	for (int i = 0; i < spec->n_opts; i++)
		if (spec->opts[i].repeat) {
			vals[i].days = calloc((size_t)argc + 1, sizeof(ld_day));
			if (!vals[i].days)
				return cli_usage_error(ctx, "memory", "内存不足");
		}

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli_print_help(ctx->out, spec);
			return -1;
		}
		if (strncmp(a, "--", 2) != 0) {
			if (n_pos >= spec->n_positional)
				return cli_usage_error(
					ctx, a, "多余的参数 (unexpected argument)");
			positionals[n_pos++] = argv[i];
			continue;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		int idx;
		const struct cli_opt *o = find_opt(spec, name, len, &idx);
		char flag[64];
		snprintf(flag, sizeof flag, "--%.*s", (int)(len < 60 ? len : 60),
			 name);
		if (!o)
			return cli_usage_error(ctx, flag,
					       "未知选项 (unknown option)");
		if (vals[idx].set && !o->repeat)
			return cli_usage_error(ctx, flag,
					       "选项重复 (given more than once)");
		vals[idx].set = true;
		if (o->kind == OPT_FLAG) {
			if (eq)
				return cli_usage_error(
					ctx, flag, "该选项不带取值 (takes no value)");
			continue;
		}
		const char *v = eq ? eq + 1 : NULL;
		if (!v) {
			if (i + 1 >= argc)
				return cli_usage_error(
					ctx, flag, "缺少取值 (missing value)");
			v = argv[++i];
		}
		int rc = parse_value(ctx, o, flag, v, &vals[idx]);
		if (rc != LD_CLI_OK)
			return rc;
	}
	for (int i = 0; i < spec->n_opts; i++)
		if (spec->opts[i].required && !vals[i].set) {
			char flag[64];
			snprintf(flag, sizeof flag, "--%s", spec->opts[i].name);
			return cli_usage_error(
				ctx, flag,
				"缺少必填选项 (required option missing)");
		}
	if (n_pos < spec->n_positional)
		return cli_usage_error(ctx, spec->positional_name,
				       "缺少参数 (missing argument)");
	return LD_CLI_OK;
}

void cli_vals_release(const struct cli_spec *spec, struct cli_val *vals)
{
	for (int i = 0; i < spec->n_opts; i++)
		free(vals[i].days);
}

static const char *metavar(const struct cli_opt *o)
{
	switch (o->kind) {
	case OPT_DATE: return "YYYY-MM-DD";
	case OPT_TIME: return "HH:MM";
	case OPT_CODE: return "CODE";
	case OPT_UINT: return "N";
	case OPT_STRING: return "TEXT";
	case OPT_ENUM: return NULL;
	case OPT_FLAG: return "";
	}
	return "";
}

void cli_print_help(FILE *f, const struct cli_spec *spec)
{
	fprintf(f, "用法 usage: liudong %s\n  %s\n  %s\n", spec->usage,
		spec->summary_zh, spec->summary_en);
	if (spec->n_opts)
		fputs("\n选项 options:\n", f);
	for (int i = 0; i < spec->n_opts; i++) {
		const struct cli_opt *o = &spec->opts[i];
		char arg[160] = "";
		const char *mv = metavar(o);
		if (mv) {
			snprintf(arg, sizeof arg, "%s%s", *mv ? " " : "", mv);
		} else {
			size_t n = 0;
			arg[n++] = ' ';
			for (int c = 0; o->choices[c] && n < sizeof arg - 2; c++)
				n += (size_t)snprintf(arg + n, sizeof arg - n,
						      "%s%s", c ? "|" : "",
						      o->choices[c]);
		}
		fprintf(f, "  --%s%s%s%s\n      %s\n      %s\n", o->name, arg,
			o->required ? "  (必填 required)" : "",
			o->repeat ? "  (可重复 repeatable)" : "", o->help_zh,
			o->help_en);
	}
}

ld_day cli_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return ld_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

bool cli_parse_notice_effective(const char *s, ld_rules_settings *rules)
{
	if (strcmp(s, "none") == 0) {
		rules->notice_in_force = false;
		rules->notice_effective = 0;
		return true;
	}
	ld_day d;
	if (ld_day_parse(s, (int)strlen(s), &d, "notice-effective", NULL) !=
	    LD_OK)
		return false;
	rules->notice_in_force = true;
	rules->notice_effective = d;
	return true;
}
