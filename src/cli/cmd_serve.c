/*
 * cmd_serve.c — `liudong serve`: start the HTTP server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "http/authority.h"
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
	{"issuing-authority", OPT_STRING, false, false, NULL,
	 "居住证签发机关名称，缺省“济南市公安局”",
	 "issuing authority printed on permits"},
	{"licence-type", OPT_STRING, false, false, NULL,
	 "电子证照类型代码（GB/T 36904，数字和大写字母），缺省 JZZ",
	 "licence type code of the electronic permit (GB/T 36904)"},
	{"issuer-code", OPT_STRING, false, false, NULL,
	 "电子证照发证机关代码（数字和大写字母），缺省 370100GA（演示值，请设为实际代码）",
	 "issuer code of the electronic permit (a demo value by default)"},
	{"web", OPT_STRING, false, false, NULL,
	 "网页端目录（构建后的 web/dist），缺省为程序旁的 web/dist；off 为不提供",
	 "the built web application (default: web/dist beside the program)"},
	{"sms", OPT_STRING, false, false, NULL,
	 "短信验证码：短信网关的 http(s) 网址；demo 为演示模式（验证码写入日志并显示在页面上，"
	 "只能用于 liudong demo 生成的演示数据库，缺省时演示数据库即用此模式；其他数据库必须指定网关）",
	 "one-time codes: an SMS webhook URL, or demo (codes in the log and on "
	 "the page; only for a database made by liudong demo, where it is the "
	 "default; any other database must name its gateway)"},
	{"read-audit", OPT_ENUM, false, false, read_audit,
	 "查阅审计：queued 审计记录入队即答复（随下一次合并提交落盘），durable "
	 "落盘后才答复",
	 "answer a read once its audit entry is queued (default) or on disk"},
	{"group-rental-per-room", OPT_UINT, false, false, NULL,
	 "疑似群租：每个房间最多居住人数，缺省2；0为不限",
	 "group rental: most occupants per room (default 2, 0 = no limit)"},
	{"group-rental-min-area", OPT_UINT, false, false, NULL,
	 "疑似群租：人均最小居住面积（平方米），缺省5；0为不限",
	 "group rental: least m2 per occupant (default 5, 0 = no limit)"},
	{"task-days", OPT_UINT, false, false, NULL,
	 "疑似群租、入户走访生成的任务的办理期限（工作日），缺省5",
	 "working days given to group-rental and visit tasks (default 5)"},
	{"metrics-allow", OPT_STRING, false, false, NULL,
	 "允许读取 /metrics 的客户端地址或网段，逗号分隔（按连接的对端地址），"
	 "缺省 127.0.0.0/8,::1（仅本机）",
	 "addresses or networks (ADDR[/BITS],...) that may read /metrics, by "
	 "the connection's peer address (default 127.0.0.0/8,::1)"},
	{"anchor-dir", OPT_STRING, false, false, NULL,
	 "审计锚点目录（签名的审计日志链头），缺省 DATA/anchors；应放在恢复数据库"
	 "触及不到的地方：另一块磁盘或另一台机器",
	 "audit anchor directory (default DATA/anchors); keep it on another "
	 "disk or machine, out of reach of a database restore"},
	{"upload-expiry", OPT_UINT, false, false, NULL,
	 "未确认导入的上传保留多少秒后连同文件删除，缺省86400（24小时）",
	 "seconds an unconfirmed upload is kept (default 86400)"},
	{"upload-pending", OPT_UINT, false, false, NULL,
	 "每个报告单位、每名工作人员最多可有几个未确认导入的上传，缺省3",
	 "unconfirmed uploads allowed per organisation and clerk (3)"},
	{"trusted-proxy", OPT_STRING, false, false, NULL,
	 "可信反向代理的地址或网段（ADDR[/BITS]，逗号分隔，IPv4 或 IPv6）："
	 "只对来自这些地址的请求按 X-Forwarded-For 认定客户端地址；缺省不信任任何代理",
	 "reverse proxies whose X-Forwarded-For names the client "
	 "(ADDR[/BITS],…; default: none, the header is ignored)"},
	{"issuing-authorities", OPT_STRING, false, false, NULL,
	 "居住证签发机关文件：每行“区县代码 签发机关名称”（如 370102 "
	 "济南市公安局历下区分局），覆盖数据库中该区县的签发机关；未列出的区县按数据库，"
	 "数据库也没有的按 --issuing-authority",
	 "file of permit issuing authorities, one \"CODE NAME\" line per "
	 "district, overriding the database's for this run"},
	{"anniversary-in-window", OPT_ENUM, false, false, on_off,
	 "周年日当日是否仍在签注期内（条例第十条“之日前1个月内”，规范认为此点有歧义）："
	 "on 当日签注按期，off 当日签注为逾期并重新计算居住年限；缺省 off，与命令行 "
	 "liudong rules endorsement 相同",
	 "whether the anniversary day itself is in the endorsement window "
	 "(the spec calls the point ambiguous); default off, as on the command "
	 "line"},
	{"notice-effective", OPT_STRING, false, false, NULL,
	 "济南市实施通知（2025年修订，征求意见稿未定施行日期）的施行日期 YYYY-MM-DD："
	 "此日及以后发生的事项引用该通知的条目，此前引用当时施行的通知；none 为尚未施行。"
	 "缺省取全局选项或环境变量 LIUDONG_NOTICE_EFFECTIVE，均未给出时为 none",
	 "the day the Jinan notice took effect (YYYY-MM-DD), or none: events "
	 "from that day cite its items, earlier ones the notice then in force; "
	 "default the global option or $LIUDONG_NOTICE_EFFECTIVE, else none"},
	{"backdate-days", OPT_UINT, false, false, NULL,
	 "补录期限：申报日期、居住证受理发证等办理日期、纸质报告的报告日期最多可早于"
	 "今天几天（早于今天的须填写补录事由），缺省30；0为不允许补录",
	 "how many days before today the date of an act may lie (a "
	 "back-dated entry needs a reason; default 30, 0 = none)"},
	{"accept-days", OPT_UINT, false, false, NULL,
	 "网上申领居住证待受理、网上申报待核验的办理期限（工作日），缺省5",
	 "working days the station has to act on an online permit "
	 "application or declaration (default 5)"},
};

static const struct cli_spec serve_spec = {
	"serve [--listen ADDR:PORT] [--data DIR] [--threads N]",
	"启动平台的 HTTP 服务（接口、审计、监控）",
	"start the platform's HTTP server",
	serve_opts, 25, 0, NULL,
};

/* web/dist beside the program (build/liudong -> ../web/dist), if built. */
static const char *default_web_dir(char *buf, size_t cap)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	int w = snprintf(buf, cap, "%s/../web/dist", exe);
	if (w <= 0 || (size_t)w >= cap)
		return NULL;
	char index[4200];
	snprintf(index, sizeof index, "%s/index.html", buf);
	return access(index, R_OK) == 0 ? buf : NULL;
}

/* The --issuing-authorities file (at most 64 KiB): its entries, or -1
 * with the reason in msg. */
static int read_authorities(const char *path, struct ld_authority *out,
			    char *msg, size_t cap)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(msg, cap, "无法打开 %s", path);
		return -1;
	}
	static char text[64 * 1024 + 1];
	size_t n = fread(text, 1, sizeof text, f);
	bool failed = ferror(f);
	fclose(f);
	if (failed || n == sizeof text) {
		snprintf(msg, cap, "%s：%s", path,
			 failed ? "读取失败" : "文件过大（最多64 KiB）");
		return -1;
	}
	char why[160];
	int k = ld_authorities_parse(text, n, out, LD_AUTHORITIES_MAX, why,
				     sizeof why);
	if (k < 0)
		snprintf(msg, cap, "%s %s", path, why);
	return k;
}

int cmd_serve(struct cli_ctx *ctx, int argc, char **argv)
{
	char web_buf[4096];
	struct cli_val v[25];
	struct ld_authority *overrides = NULL;
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
		.holidays_dir = ctx->holidays_dir ? ctx->holidays_dir
						  : getenv("LIUDONG_HOLIDAYS"),
		.divisions_dir = ctx->divisions_dir
					 ? ctx->divisions_dir
					 : getenv("LIUDONG_DIVISIONS"),
		.issuing_authority = v[6].set ? v[6].str : "济南市公安局",
		.licence_type = v[7].set ? v[7].str : "JZZ",
		.issuer_code = v[8].set ? v[8].str : "370100GA",
		.web_dir = v[9].set ? (strcmp(v[9].str, "off") == 0 ? NULL
								    : v[9].str)
				    : default_web_dir(web_buf, sizeof web_buf),
		.sms = v[10].set ? v[10].str : NULL,
		.group_rental_per_room = v[12].set ? v[12].num : 2,
		.group_rental_min_area = v[13].set ? v[13].num : 5,
		.task_days = v[14].set && v[14].num > 0 ? v[14].num : 5,
		.read_audit_durable = v[11].set && v[11].num == 1,
		.anchor_dir = v[16].set ? v[16].str : NULL,
		.upload_expiry_s = v[17].set ? v[17].num : 86400,
		.upload_pending = v[18].set ? v[18].num : 3,
		.backdate_days = v[23].set ? v[23].num : 30,
		.accept_days = v[24].set ? v[24].num : 5,
	};
	const char *codes[2] = {cfg.licence_type, cfg.issuer_code};
	const char *flags[2] = {"--licence-type", "--issuer-code"};
	for (int i = 0; i < 2; i++) {
		size_t n = strlen(codes[i]);
		if (n < 1 || n > 32 ||
		    strspn(codes[i], "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != n) {
			rc = cli_usage_error(ctx, flags[i],
					     "应为1至32位数字或大写字母");
			goto out;
		}
	}
	char msg[512];
	cfg.n_metrics_allow = ld_cidr_parse_list(
		v[15].set ? v[15].str : "127.0.0.0/8,::1", cfg.metrics_allow, msg,
		sizeof msg);
	if (cfg.n_metrics_allow < 0) {
		rc = cli_usage_error(ctx, "--metrics-allow", "%s", msg);
		goto out;
	}
	if (v[17].set && (v[17].num < 1 || v[17].num > 366 * 86400)) {
		rc = cli_usage_error(ctx, "--upload-expiry",
				     "应为1至31622400（秒）");
		goto out;
	}
	if (v[18].set && (v[18].num < 1 || v[18].num > 100)) {
		rc = cli_usage_error(ctx, "--upload-pending", "应为1至100");
		goto out;
	}
	cfg.n_trusted_proxies =
		v[19].set ? ld_cidr_parse_list(v[19].str, cfg.trusted_proxies,
					       msg, sizeof msg)
			  : 0;
	if (cfg.n_trusted_proxies < 0) {
		rc = cli_usage_error(ctx, "--trusted-proxy", "%s", msg);
		goto out;
	}
	if (v[20].set) {
		overrides = calloc(LD_AUTHORITIES_MAX, sizeof *overrides);
		cfg.n_authority_overrides =
			overrides ? read_authorities(v[20].str, overrides, msg,
						     sizeof msg)
				  : -1;
		if (cfg.n_authority_overrides < 0) {
			rc = cli_usage_error(ctx, "--issuing-authorities", "%s",
					     overrides ? msg : "内存不足");
			goto out;
		}
		cfg.authority_overrides = overrides;
	}
	cfg.rules = ctx->rules;
	cfg.rules.anniversary_in_window = v[21].set && v[21].num == 0;
	if (v[22].set && !cli_parse_notice_effective(v[22].str, &cfg.rules)) {
		rc = cli_usage_error(ctx, "--notice-effective",
				     "应为日期 YYYY-MM-DD 或 none");
		goto out;
	}
	if (v[23].set && v[23].num > 3660) {
		rc = cli_usage_error(ctx, "--backdate-days", "应为0至3660");
		goto out;
	}
	if (v[24].set && (v[24].num < 1 || v[24].num > 60)) {
		rc = cli_usage_error(ctx, "--accept-days", "应为1至60");
		goto out;
	}
	if (v[2].set && (v[2].num < 1 || v[2].num > 64)) {
		rc = cli_usage_error(ctx, "--threads", "应为1至64");
		goto out;
	}
	rc = ld_server_run(&cfg);
out:
	free(overrides);
	cli_vals_release(&serve_spec, v);
	return rc < 0 ? 0 : rc;
}
