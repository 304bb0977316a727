/*
 * cmd_audit.c — `liudong audit verify [--data DIR]`: walk the audit hash
 * chain. Exit 0 when intact; 1 naming the first altered or missing entry.
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "store/audit.h"
#include "store/store.h"

static const struct cli_opt verify_opts[] = {
	{"data", OPT_STRING, false, false, NULL, "数据目录，缺省 ./data",
	 "data directory (default ./data)"},
};

static const struct cli_spec verify_spec = {
	"audit verify [--data DIR]", "校验审计日志的 SM3 哈希链",
	"verify the SM3 hash chain of the audit trail",
	verify_opts, 1, 0, NULL,
};

static int verify(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[1];
	int rc = cli_parse(ctx, &verify_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	const struct ld_store_ops *ops = ld_store_find("sqlite");
	ld_store *store = NULL;
	ld_conn *conn = NULL;
	ld_error err = {0};
	ld_audit_report rep;
	if (ops->open(v[0].set ? v[0].str : "./data", &store, &err) != LD_OK ||
	    ops->connect(store, false, &conn, &err) != LD_OK) {
		fprintf(ctx->err, "liudong: %s\n", err.message);
		rc = LD_CLI_FAIL;
		goto out_close;
	}
	if (ld_audit_verify(ops, conn, &rep) != LD_OK) {
		fputs("liudong: 读取审计日志失败\n", ctx->err);
		rc = LD_CLI_FAIL;
		goto out_close;
	}
	if (rep.bad_seq) {
		fprintf(ctx->out,
			"{\"intact\":false,\"entries\":%" PRId64
			",\"first_bad_seq\":%" PRId64 ",\"problem\":\"%s\"}\n",
			rep.entries, rep.bad_seq, rep.problem);
		fprintf(ctx->err, "liudong: 审计日志第 %" PRId64 " 条有误：%s\n",
			rep.bad_seq, rep.problem);
		rc = LD_CLI_FAIL;
	} else {
		fprintf(ctx->out, "{\"intact\":true,\"entries\":%" PRId64 "}\n",
			rep.entries);
	}
out_close:
	ops->disconnect(conn);
	if (store)
		ops->close(store);
out:
	cli_vals_release(&verify_spec, v);
	return rc < 0 ? 0 : rc;
}

int cmd_audit(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "verify") == 0)
		return verify(ctx, argc - 1, argv + 1);
	if (argc >= 1 && (strcmp(argv[0], "--help") == 0 ||
			  strcmp(argv[0], "-h") == 0)) {
		cli_print_help(ctx->out, &verify_spec);
		return LD_CLI_OK;
	}
	return cli_usage_error(ctx, argc ? argv[0] : "audit",
			       "用法 usage: liudong audit verify [--data DIR]");
}
