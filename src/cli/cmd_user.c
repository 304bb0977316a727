/*
 * cmd_user.c — `liudong user add NAME --role ROLE [--area CODE]`: create an
 * account and print its generated password once; `liudong user passwd
 * NAME`: give an account a new generated password (printed once) and end
 * its sessions, e.g. when the only admin has forgotten theirs. Only the
 * Argon2id hash is stored, and a generated password must be changed at the
 * first sign-in (docs/security/staff.md).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "crypto/password.h"
#include "store/audit.h"
#include "store/store.h"
#include "store/writer.h"

static const char *const roles[] = {"admin", "clerk", "grid", "auditor", NULL};

static const struct cli_opt add_opts[] = {
	{"role", OPT_ENUM, true, false, roles, "角色：管理员、派出所民警、网格员、审计员",
	 "role"},
	{"area", OPT_STRING, false, false, NULL,
	 "辖区：民警为派出所代码，网格员为网格代码",
	 "area: a station code for clerks, a grid code for grid workers"},
	{"data", OPT_STRING, false, false, NULL, "数据目录，缺省 ./data",
	 "data directory (default ./data)"},
	{"display-name", OPT_STRING, false, false, NULL, "显示名称",
	 "display name"},
	{"anchor-dir", OPT_STRING, false, false, NULL,
	 "审计锚点目录，缺省 DATA/anchors（须与运行中的服务相同）",
	 "audit anchor directory (default DATA/anchors; the server's own)"},
};

static const struct cli_spec add_spec = {
	"user add NAME --role admin|clerk|grid|auditor [--area CODE] [--data DIR] "
	"[--anchor-dir DIR]",
	"新建账号，生成的密码只显示一次，首次登录须修改",
	"create an account; the generated password is shown once and must be "
	"changed at the first sign-in",
	add_opts, 5, 1, "NAME",
};

struct add_job {
	ld_user user;
	ld_status area_rc;
	const char *area_problem;
};

static ld_status add_run(ld_write_job *job, const struct ld_store_ops *ops,
			 ld_conn *c)
{
	struct add_job *a = job->ctx;
	ld_arena ar;
	ld_arena_init(&ar, 0);
	ld_status rc = LD_OK;
	if (a->user.role == LD_ROLE_CLERK) {
		ld_station st;
		if (ops->station_get(c, a->user.area, &ar, &st) != LD_OK)
			rc = ld_fail(&job->err, LD_EINVAL, "area",
				     "派出所代码不存在：%s", a->user.area);
	} else if (a->user.role == LD_ROLE_GRID) {
		ld_area g;
		if (ops->area_get(c, a->user.area, &ar, &g) != LD_OK ||
		    g.level != LD_LEVEL_GRID)
			rc = ld_fail(&job->err, LD_EINVAL, "area",
				     "网格代码不存在：%s", a->user.area);
	}
	ld_arena_release(&ar);
	if (rc != LD_OK)
		return rc;
	rc = ops->user_insert(c, &a->user);
	if (rc == LD_ECONFLICT)
		return ld_fail(&job->err, rc, "name", "用户名已存在：%s",
			       a->user.username);
	return rc;
}

static int user_add(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[5];
	char *name = NULL;
	int rc = cli_parse(ctx, &add_spec, argc, argv, v, &name);
	if (rc)
		goto out;
	size_t len = strlen(name);
	if (len < 2 || len > 64 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
						"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						"0123456789_.-") != len) {
		rc = cli_usage_error(ctx, "NAME",
				     "用户名应为2至64位字母、数字、_ . -");
		goto out;
	}
	enum ld_role role = (enum ld_role)v[0].num;
	if ((role == LD_ROLE_CLERK || role == LD_ROLE_GRID) && !v[1].set) {
		rc = cli_usage_error(ctx, "--area",
				     "民警和网格员账号须指定辖区");
		goto out;
	}
	char password[13], hash[LD_PASSWORD_HASH_MAX], now[32];
	if (ld_password_generate(password, 12) != LD_OK ||
	    ld_password_hash(password, hash) != LD_OK) {
		fputs("liudong: 无法生成密码\n", ctx->err);
		rc = LD_CLI_FAIL;
		goto out;
	}
	ld_audit_now(now);
	const struct ld_store_ops *ops = ld_store_find("sqlite");
	ld_store *store = NULL;
	ld_conn *conn = NULL;
	ld_error err = {0};
	if (ops->open(v[2].set ? v[2].str : "./data", &store, &err) != LD_OK ||
	    ops->connect(store, true, &conn, &err) != LD_OK) {
		fprintf(ctx->err, "liudong: %s\n", err.message);
		rc = LD_CLI_FAIL;
		goto out_close;
	}
	struct add_job a = {
		.user = {.username = name,
			 .display_name = v[3].set ? v[3].str : name,
			 .role = role,
			 .area = v[1].set ? v[1].str : NULL,
			 .password_hash = hash,
			 .created_at = now,
			 .must_change_password = true},
	};
	ld_write_job job = {.run = add_run, .ctx = &a, .n_audit = 1};
	job.audit[0] = (ld_audit_entry){.username = "cli",
					.action = "user:create",
					.target = name,
					.detail = ld_role_code(role)};
	ld_write_batch(ops, conn, &job);
	/* The audit entry is written whether the job succeeded or failed; a
	 * server running on this database accepts it only once it is
	 * anchored (see writer.h). */
	char anchor_buf[4200];
	const char *anchor_dir = v[4].str;
	if (!v[4].set) {
		snprintf(anchor_buf, sizeof anchor_buf, "%s/anchors",
			 v[2].set ? v[2].str : "./data");
		anchor_dir = anchor_buf;
	}
	bool anchored;
	if (ld_audit_anchor_head(ops, conn, v[2].set ? v[2].str : "./data",
				 anchor_dir, &anchored, &err) != LD_OK)
		fprintf(ctx->err,
			"liudong: 警告：审计记录未能锚定（%s）；若服务正在此数据库上"
			"运行，它会因审计日志被外部改动而停止写入 / WARNING: the "
			"audit entry could not be anchored\n",
			err.message);
	if (job.status != LD_OK) {
		if (job.err.field && strcmp(job.err.field, "area") == 0)
			rc = cli_usage_error(ctx, "--area", "%s", job.err.message);
		else if (job.err.field && strcmp(job.err.field, "name") == 0)
			rc = cli_usage_error(ctx, "NAME", "%s", job.err.message);
		else {
			fprintf(ctx->err, "liudong: %s\n", job.err.message);
			rc = LD_CLI_FAIL;
		}
		goto out_close;
	}
	fprintf(ctx->out,
		"{\"username\":\"%s\",\"role\":\"%s\",\"area\":%s%s%s,"
		"\"password\":\"%s\"}\n",
		name, ld_role_code(role), a.user.area ? "\"" : "",
		a.user.area ? a.user.area : "null", a.user.area ? "\"" : "",
		password);
	fputs("liudong: 密码仅显示这一次，请妥善保存 (the password is shown only "
	      "once)\n",
	      ctx->err);
out_close:
	explicit_bzero(password, sizeof password);
	ops->disconnect(conn);
	if (store)
		ops->close(store);
out:
	cli_vals_release(&add_spec, v);
	return rc < 0 ? 0 : rc;
}

/* ---- user passwd --------------------------------------------------- */

static const struct cli_opt passwd_opts[] = {
	{"data", OPT_STRING, false, false, NULL, "数据目录，缺省 ./data",
	 "data directory (default ./data)"},
	{"anchor-dir", OPT_STRING, false, false, NULL,
	 "审计锚点目录，缺省 DATA/anchors（须与运行中的服务相同）",
	 "audit anchor directory (default DATA/anchors; the server's own)"},
};

static const struct cli_spec passwd_spec = {
	"user passwd NAME [--data DIR] [--anchor-dir DIR]",
	"重置账号密码：生成新密码（只显示一次），下次登录须修改，现有会话失效",
	"reset an account's password: a generated one, shown once, to be "
	"changed at the next sign-in; the account's sessions end",
	passwd_opts, 2, 1, "NAME",
};

struct passwd_job {
	const char *name;
	const char *hash;
	const char *now;
	ld_id id;
};

static ld_status passwd_run(ld_write_job *job, const struct ld_store_ops *ops,
			    ld_conn *c)
{
	struct passwd_job *p = job->ctx;
	ld_arena ar;
	ld_arena_init(&ar, 0);
	ld_user u;
	ld_status rc = ops->user_by_name(c, p->name, &ar, &u);
	ld_arena_release(&ar);
	if (rc == LD_ENOTFOUND)
		return ld_fail(&job->err, rc, "name", "用户不存在：%s", p->name);
	if (rc == LD_OK)
		rc = ops->user_set_password(c, u.id, p->hash, true, p->now);
	if (rc == LD_OK)
		rc = ops->sessions_revoke(c, u.id, NULL);
	p->id = u.id;
	return rc;
}

static int user_passwd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[2];
	char *name = NULL;
	int rc = cli_parse(ctx, &passwd_spec, argc, argv, v, &name);
	if (rc)
		goto out;
	char password[13], hash[LD_PASSWORD_HASH_MAX], now[32];
	if (ld_password_generate(password, 12) != LD_OK ||
	    ld_password_hash(password, hash) != LD_OK) {
		fputs("liudong: 无法生成密码\n", ctx->err);
		rc = LD_CLI_FAIL;
		goto out;
	}
	ld_audit_now(now);
	const struct ld_store_ops *ops = ld_store_find("sqlite");
	ld_store *store = NULL;
	ld_conn *conn = NULL;
	ld_error err = {0};
	if (ops->open(v[0].set ? v[0].str : "./data", &store, &err) != LD_OK ||
	    ops->connect(store, true, &conn, &err) != LD_OK) {
		fprintf(ctx->err, "liudong: %s\n", err.message);
		rc = LD_CLI_FAIL;
		goto out_close;
	}
	struct passwd_job p = {.name = name, .hash = hash, .now = now};
	char target[96];
	snprintf(target, sizeof target, "user:%s", name);
	ld_write_job job = {.run = passwd_run, .ctx = &p, .n_audit = 1};
	job.audit[0] = (ld_audit_entry){.username = "cli",
					.action = "user:reset-password",
					.target = target,
					.detail = "sessions ended; must change "
						  "at next sign-in"};
	ld_write_batch(ops, conn, &job);
	/* The audit entry is written whether the job succeeded or failed; a
	 * server running on this database accepts it only once it is
	 * anchored (see writer.h). */
	const char *data = v[0].set ? v[0].str : "./data";
	char anchor_buf[4200];
	const char *anchor_dir = v[1].str;
	if (!v[1].set) {
		snprintf(anchor_buf, sizeof anchor_buf, "%s/anchors", data);
		anchor_dir = anchor_buf;
	}
	bool anchored;
	if (ld_audit_anchor_head(ops, conn, data, anchor_dir, &anchored,
				 &err) != LD_OK)
		fprintf(ctx->err,
			"liudong: 警告：审计记录未能锚定（%s）；若服务正在此数据库上"
			"运行，它会因审计日志被外部改动而停止写入 / WARNING: the "
			"audit entry could not be anchored\n",
			err.message);
	if (job.status != LD_OK) {
		if (job.err.field && strcmp(job.err.field, "name") == 0)
			rc = cli_usage_error(ctx, "NAME", "%s", job.err.message);
		else {
			fprintf(ctx->err, "liudong: %s\n", job.err.message);
			rc = LD_CLI_FAIL;
		}
		goto out_close;
	}
	fprintf(ctx->out,
		"{\"username\":\"%s\",\"password\":\"%s\","
		"\"must_change_password\":true}\n",
		name, password);
	fputs("liudong: 密码仅显示这一次，下次登录须修改；运行中的服务在30秒内"
	      "结束该账号的会话 (the password is shown only once; a running "
	      "server ends the account's sessions within 30 s)\n",
	      ctx->err);
out_close:
	explicit_bzero(password, sizeof password);
	if (conn)
		ops->disconnect(conn);
	if (store)
		ops->close(store);
out:
	cli_vals_release(&passwd_spec, v);
	return rc < 0 ? 0 : rc;
}

int cmd_user(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "add") == 0)
		return user_add(ctx, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "passwd") == 0)
		return user_passwd(ctx, argc - 1, argv + 1);
	if (argc >= 1 && (strcmp(argv[0], "--help") == 0 ||
			  strcmp(argv[0], "-h") == 0)) {
		cli_print_help(ctx->out, &add_spec);
		cli_print_help(ctx->out, &passwd_spec);
		return LD_CLI_OK;
	}
	return cli_usage_error(ctx, argc ? argv[0] : "user",
			       "用法 usage: liudong user add NAME --role ROLE | "
			       "liudong user passwd NAME");
}
