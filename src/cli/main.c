/*
 * main.c — `liudong`: the command table and the global options.
 *
 * Global options come before the command: --holidays DIR adds holiday
 * arrangement files (YYYY.tsv) to those compiled in; so does the
 * LIUDONG_HOLIDAYS environment variable.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util/embed.h"

extern const struct ld_embedded_file ld_embedded_holidays[];

#ifndef LD_VERSION
#define LD_VERSION "0.1.0"
#endif

static const struct {
	const char *name;
	int (*fn)(struct cli_ctx *, int, char **);
	const char *summary_zh;
	const char *summary_en;
} commands[] = {
	{"rules", cmd_rules, "运行规则引擎：纳管范围、期限、居住证、签注、权益",
	 "run the rules engine: scope, deadlines, permits, endorsement, "
	 "entitlements"},
	{"id", cmd_id, "校验公民身份号码", "check a citizen ID number"},
};

static void main_help(FILE *f)
{
	fputs("liudong — 济南市流动人口服务管理平台 / Jinan floating-population "
	      "service platform\n\n"
	      "用法 usage: liudong [--holidays DIR] <命令 command> [选项 "
	      "options]\n\n命令 commands:\n",
	      f);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(f, "  %-8s %s\n           %s\n", commands[i].name,
			commands[i].summary_zh, commands[i].summary_en);
	fputs("\n全局选项 global options:\n"
	      "  --holidays DIR  载入目录中的节假日安排文件 YYYY.tsv（也可用环境变量 "
	      "LIUDONG_HOLIDAYS）\n"
	      "                  load holiday arrangement files YYYY.tsv from DIR "
	      "(or $LIUDONG_HOLIDAYS)\n"
	      "  --help          显示帮助 show help\n"
	      "  --version       显示版本 show the version\n\n"
	      "每个命令输出一个 JSON 对象，完成计算时退出码为0，输入有误时为2。\n"
	      "Each command prints one JSON object; exit 0 when evaluated, 2 on "
	      "bad input.\n"
	      "详见 see: liudong <command> --help\n",
	      f);
}

/* The directory of data files next to the executable: <bin>/../data or
 * <bin>/../share/liudong. Empty when none exists. */
static void default_holidays_dir(char *out, size_t cap)
{
	char exe[PATH_MAX];
	out[0] = '\0';
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	static const char *const rel[] = {"/../data/holidays",
					  "/../share/liudong/holidays"};
	for (size_t i = 0; i < 2; i++) {
		int w = snprintf(out, cap, "%s%s", exe, rel[i]);
		if (w > 0 && (size_t)w < cap && access(out, R_OK) == 0)
			return;
	}
	out[0] = '\0';
}

static int load_calendar(struct cli_ctx *ctx, ld_calendar *cal,
			 const char *dir)
{
	ld_error err = {0};
	ld_calendar_init(cal);
	for (const struct ld_embedded_file *f = ld_embedded_holidays; f->name;
	     f++) {
		int year = atoi(f->name);
		if (ld_calendar_add_tsv(cal, f->data, f->len, year, &err) !=
		    LD_OK) {
			fprintf(ctx->err, "liudong: %s: %s\n", f->name,
				err.message);
			return LD_CLI_FAIL;
		}
	}
	char def[PATH_MAX];
	bool optional = false;
	if (!dir)
		dir = getenv("LIUDONG_HOLIDAYS");
	if (!dir || !*dir) {
		default_holidays_dir(def, sizeof def);
		dir = def;
		optional = true;
	}
	if (*dir && ld_calendar_load_dir(cal, dir, optional, &err) != LD_OK)
		return cli_usage_error(ctx, "--holidays", "%s", err.message);
	return LD_CLI_OK;
}

int ld_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct cli_ctx ctx = {.out = out, .err = err};
	const char *holidays = NULL;
	int i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			main_help(out);
			return LD_CLI_OK;
		}
		if (strcmp(argv[i], "--version") == 0) {
			fprintf(out, "liudong %s\n", LD_VERSION);
			return LD_CLI_OK;
		}
		if (strcmp(argv[i], "--holidays") == 0 && i + 1 < argc) {
			holidays = argv[++i];
			continue;
		}
		return cli_usage_error(&ctx, argv[i],
				       "未知的全局选项 (unknown global option)");
	}
	if (i >= argc) {
		main_help(err);
		return LD_CLI_USAGE;
	}
	ld_calendar *cal = malloc(sizeof *cal);
	if (!cal) {
		fputs("liudong: 内存不足 (out of memory)\n", err);
		return LD_CLI_FAIL;
	}
	int rc = load_calendar(&ctx, cal, holidays);
	if (rc != LD_CLI_OK)
		goto out;
	ctx.cal = cal;
	for (size_t c = 0; c < sizeof commands / sizeof *commands; c++)
		if (strcmp(argv[i], commands[c].name) == 0) {
			rc = commands[c].fn(&ctx, argc - i - 1, argv + i + 1);
			goto out;
		}
	rc = cli_usage_error(&ctx, argv[i],
			     "未知命令 (unknown command); see liudong --help");
out:
	free(cal);
	return rc;
}
