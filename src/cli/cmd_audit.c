/*
 * cmd_audit.c — `liudong audit verify`: walk the audit hash chain and hold
 * it against the signed anchors kept outside the database (store/anchor.h).
 * Exit 0 when everything holds; 1 naming the first problem (an altered or
 * missing entry, a chain cut short or rewritten, an anchor record altered
 * or removed, a missing anchor log).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store/audit.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/json_out.h"

static const struct cli_opt verify_opts[] = {
	{"data", OPT_STRING, false, false, NULL, "数据目录，缺省 ./data",
	 "data directory (default ./data)"},
	{"anchor-dir", OPT_STRING, false, false, NULL,
	 "审计锚点目录，缺省 DATA/anchors", "anchor directory (default "
					     "DATA/anchors)"},
	{"public-key", OPT_STRING, false, false, NULL,
	 "可信的锚点公钥（.pub.pem 文件或其目录）；缺省取锚点目录中的密钥",
	 "trusted anchor public key (a .pub.pem file or a directory of them); "
	 "default: the anchor directory's own"},
};

static const struct cli_spec verify_spec = {
	"audit verify [--data DIR] [--anchor-dir DIR] [--public-key FILE]",
	"校验审计日志的 SM3 哈希链及其签名锚点",
	"verify the audit trail's SM3 hash chain against its signed anchors",
	verify_opts, 3, 0, NULL,
};

static int verify(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[3];
	char anchor_buf[4200];
	int rc = cli_parse(ctx, &verify_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	const char *data = v[0].set ? v[0].str : "./data";
	const char *anchor_dir = v[1].str;
	if (!v[1].set) {
		snprintf(anchor_buf, sizeof anchor_buf, "%s/anchors", data);
		anchor_dir = anchor_buf;
	}
	const struct ld_store_ops *ops = ld_store_find("sqlite");
	ld_store *store = NULL;
	ld_conn *conn = NULL;
	ld_error err = {0};
	ld_audit_report rep;
	ld_anchor_list list = {0};
	if (ops->open(data, &store, &err) != LD_OK ||
	    ops->connect(store, false, &conn, &err) != LD_OK) {
		fprintf(ctx->err, "liudong: %s\n", err.message);
		rc = LD_CLI_FAIL;
		goto out_close;
	}
	if (ld_audit_verify_all(ops, conn, anchor_dir,
				v[2].set ? v[2].str : NULL, &list, &rep,
				&err) != LD_OK) {
		fprintf(ctx->err, "liudong: 读取审计日志或锚点失败：%s\n",
			err.message);
		rc = LD_CLI_FAIL;
		goto out_close;
	}
	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_audit_report_json(&w, &rep, &list, anchor_dir,
			     v[2].set ? v[2].str : NULL);
	ld_jw_obj_close(&w);
	if (ld_jw_finish(&w) == LD_OK)
		fprintf(ctx->out, "%.*s\n", (int)b.len, b.data);
	ld_buf_release(&b);
	if (!rep.intact) {
		fprintf(ctx->err, "liudong: 审计日志有误：%s / %s\n",
			rep.problem_zh, rep.problem);
		rc = LD_CLI_FAIL;
	} else {
		for (size_t i = 0; i < list.n; i++)
			if (list.rec[i].kind == LD_ANCHOR_RESTORE)
				fprintf(ctx->err,
					"liudong: %s 从 %s 的备份恢复至第 %" PRId64
					" 条 (restored from a backup of %s)\n",
					list.rec[i].at, list.rec[i].backup_at,
					list.rec[i].seq, list.rec[i].backup_at);
		if (rep.unanchored > 0)
			fprintf(ctx->err,
				"liudong: 最后 %" PRId64
				" 条审计记录尚未锚定，仅受哈希链保护 (%" PRId64
				" entries after the last anchor)\n",
				rep.unanchored, rep.unanchored);
	}
out_close:
	ld_anchor_list_release(&list);
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
			       "用法 usage: liudong audit verify [--data DIR] "
			       "[--anchor-dir DIR] [--public-key FILE]");
}
