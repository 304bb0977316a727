/*
 * cmd_serve.c — `liudong serve`: start the HTTP server.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "http/http.h"

static const char *const on_off[] = {"on", "off", NULL};
static const char *const read_audit[] = {"queued", "durable", NULL};

static const struct cli_opt serve_opts[] = {
	{"listen", OPT_STRING, false, false, NULL,
	 "监听地址，缺省 127.0.0.1:8080", "address to listen on (default "
					   "127.0.0.1:8080)"},
	{"data", OPT_STRING, false, false, NULL, "数据目录，缺省 ./data",
	 "data directory (default ./data)"},
	{"threads", OPT_UINT, false, false, NULL, "事件循环线程数，缺省为CPU核数",
	 "event-loop threads (default: one per core)"},
	{"access-log", OPT_STRING, false, false, NULL,
	 "访问日志文件；- 为标准错误，off 为关闭；缺省 DATA/access.log",
	 "access log file, - for stderr, off to disable"},
	{"group-commit", OPT_ENUM, false, false, on_off,
	 "合并提交（仅供性能对比时关闭）",
	 "group commit (turn off only to benchmark)"},
	{"session-minutes", OPT_UINT, false, false, NULL,
	 "会话有效期（分钟），缺省480", "session lifetime in minutes (480)"},
	{"read-audit", OPT_ENUM, false, false, read_audit,
	 "查阅审计：queued 审计记录入队即答复（随下一次合并提交落盘），durable "
	 "落盘后才答复",
	 "answer a read once its audit entry is queued (default) or on disk"},
};

static const struct cli_spec serve_spec = {
	"serve [--listen ADDR:PORT] [--data DIR] [--threads N]",
	"启动平台的 HTTP 服务（接口、审计、监控）",
	"start the platform's HTTP server",
	serve_opts, 7, 0, NULL,
};

int cmd_serve(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[7];
	int rc = cli_parse(ctx, &serve_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	struct ld_server_config cfg = {
		.listen = v[0].set ? v[0].str : "127.0.0.1:8080",
		.data_dir = v[1].set ? v[1].str : "./data",
		.threads = v[2].set ? v[2].num : 0,
		.access_log = v[3].set ? v[3].str : NULL,
		.group_commit = !v[4].set || v[4].num == 0,
		.durable = true,
		.session_minutes = v[5].set && v[5].num > 0 ? v[5].num : 480,
		.holidays_dir = getenv("LIUDONG_HOLIDAYS"),
		.read_audit_durable = v[6].set && v[6].num == 1,
	};
	if (v[2].set && (v[2].num < 1 || v[2].num > 64)) {
		rc = cli_usage_error(ctx, "--threads", "应为1至64");
		goto out;
	}
	rc = ld_server_run(&cfg);
out:
	cli_vals_release(&serve_spec, v);
	return rc < 0 ? 0 : rc;
}
