/*
 * main.c — `liudong`: the command table and the global options.
 *
 * Global options come before the command: --holidays DIR adds holiday
 * arrangement files (YYYY.tsv) to those compiled in; so does the
 * LIUDONG_HOLIDAYS environment variable. --divisions DIR (or
 * LIUDONG_DIVISIONS) merges division code files (*.tsv) over the
 * compiled-in GB/T 2260 history. --notice-effective DATE|none (or
 * LIUDONG_NOTICE_EFFECTIVE) is the day the Jinan notice took effect, for
 * the citations of every rule (docs/rules.md); by default it is not in
 * force, being a draft for comment.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/division.h"

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
	{"serve", cmd_serve, "启动 HTTP 服务", "start the HTTP server"},
	{"demo", cmd_demo, "生成演示数据库（济南真实区县、街道、社区、网格和合成人员）",
	 "build the demo database (Jinan's real areas, synthetic residents)"},
	{"user", cmd_user, "管理账号：user add NAME --role ROLE [--area CODE]",
	 "manage accounts: user add NAME --role ROLE [--area CODE]"},
	{"audit", cmd_audit, "审计日志：audit verify 校验哈希链",
	 "audit trail: audit verify checks the hash chain"},
	{"keys", cmd_keys, "电子居住证签名密钥：keys generate | rotate | list",
	 "signing keys of the electronic permit: generate, rotate, list"},
	{"verify", cmd_verify, "离线核验电子居住证二维码内容（只需公钥）",
	 "verify a scanned electronic permit offline with the public key"},
	{"backup", cmd_backup, "在线备份：数据库、签名密钥、锚点日志副本和清单",
	 "online backup: database, signing keys, anchor log copy, manifest"},
	{"restore", cmd_restore, "从备份恢复数据目录（须停止服务），并记入锚点日志",
	 "restore a data directory from a backup (server stopped); recorded "
	 "in the anchor log"},
};

static void main_help(FILE *f)
{
	fputs("liudong — 济南市流动人口服务管理平台 / Jinan floating-population "
	      "service platform\n\n"
	      "用法 usage: liudong [--holidays DIR] [--divisions DIR] "
	      "[--notice-effective DATE] <命令 command> [选项 options]\n\n"
	      "命令 commands:\n",
	      f);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(f, "  %-8s %s\n           %s\n", commands[i].name,
			commands[i].summary_zh, commands[i].summary_en);
	fputs("\n全局选项 global options:\n"
	      "  --holidays DIR  载入目录中的节假日安排文件 YYYY.tsv（也可用环境变量 "
	      "LIUDONG_HOLIDAYS）\n"
	      "                  load holiday arrangement files YYYY.tsv from DIR "
	      "(or $LIUDONG_HOLIDAYS)\n"
	      "  --divisions DIR 载入目录中的行政区划代码文件 *.tsv，合并到内置代码表"
	      "（也可用环境变量 LIUDONG_DIVISIONS）\n"
	      "                  merge division code files *.tsv from DIR over "
	      "the built-in table (or $LIUDONG_DIVISIONS)\n"
	      "  --notice-effective DATE|none\n"
	      "                  济南市实施通知（2025年修订，征求意见稿）的施行日期；缺省 none（未施行，\n"
	      "                  引用当时施行的通知）；也可用环境变量 LIUDONG_NOTICE_EFFECTIVE\n"
	      "                  the day the Jinan notice took effect (default none: "
	      "a draft,\n"
	      "                  not in force; the notice then in force is cited), "
	      "or $LIUDONG_NOTICE_EFFECTIVE\n"
	      "  --help          显示帮助 show help\n"
	      "  --version       显示版本 show the version\n\n"
	      "每个命令输出一个 JSON 对象，完成计算时退出码为0，输入有误时为2。\n"
	      "Each command prints one JSON object; exit 0 when evaluated, 2 on "
	      "bad input.\n"
	      "详见 see: liudong <command> --help\n",
	      f);
}

static int load_calendar(struct cli_ctx *ctx, ld_calendar *cal,
			 const char *dir)
{
	ld_error err = {0};
	ld_status rc = ld_calendar_load_default(cal, dir, &err);
	if (rc == LD_OK)
		return LD_CLI_OK;
	if (dir || getenv("LIUDONG_HOLIDAYS"))
		return cli_usage_error(ctx, "--holidays", "%s", err.message);
	fprintf(ctx->err, "liudong: %s\n", err.message);
	return LD_CLI_FAIL;
}

static int load_divisions(struct cli_ctx *ctx, const char *dir)
{
	ld_error err = {0};
	if (ld_division_load_default(dir, NULL, &err) == LD_OK)
		return LD_CLI_OK;
	if (dir || getenv("LIUDONG_DIVISIONS"))
		return cli_usage_error(ctx, "--divisions", "%s", err.message);
	fprintf(ctx->err, "liudong: %s\n", err.message);
	return LD_CLI_FAIL;
}

int ld_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct cli_ctx ctx = {.out = out, .err = err,
			      .rules = LD_RULES_DEFAULTS};
	const char *holidays = NULL, *divisions = NULL;
	const char *notice = getenv("LIUDONG_NOTICE_EFFECTIVE");
	const char *notice_from = "LIUDONG_NOTICE_EFFECTIVE";
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
		if (strcmp(argv[i], "--divisions") == 0 && i + 1 < argc) {
			divisions = argv[++i];
			continue;
		}
		if (strcmp(argv[i], "--notice-effective") == 0 &&
		    i + 1 < argc) {
			notice = argv[++i];
			notice_from = "--notice-effective";
			continue;
		}
		return cli_usage_error(&ctx, argv[i],
				       "未知的全局选项 (unknown global option)");
	}
	if (i >= argc) {
		main_help(err);
		return LD_CLI_USAGE;
	}
	if (notice && *notice && !cli_parse_notice_effective(notice, &ctx.rules))
		return cli_usage_error(&ctx, notice_from,
				       "应为日期 YYYY-MM-DD 或 none");
	ld_calendar *cal = malloc(sizeof *cal);
	if (!cal) {
		fputs("liudong: 内存不足 (out of memory)\n", err);
		return LD_CLI_FAIL;
	}
	int rc = load_calendar(&ctx, cal, holidays);
	if (rc == LD_CLI_OK)
		rc = load_divisions(&ctx, divisions);
	if (rc != LD_CLI_OK)
		goto out;
	ctx.cal = cal;
	ctx.holidays_dir = holidays;
	ctx.divisions_dir = divisions;
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
