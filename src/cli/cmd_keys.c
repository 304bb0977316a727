/*
 * cmd_keys.c — `liudong keys generate|rotate|list [--data DIR]`: the SM2
 * keys that sign electronic permits (rules.md §6), kept in DIR/keys.
 *
 * generate adds a key and makes it current only when none is; rotate adds
 * one and always makes it current. Old keys are never removed, so permits
 * they signed still verify. Each prints one JSON object.
 */
#include <string.h>

#include "cli.h"
#include "crypto/keyring.h"
#include "util/json_out.h"

static const struct cli_opt data_opts[] = {
	{"data", OPT_STRING, false, false, NULL,
	 "数据目录，缺省 ./data（密钥在其下 keys/ 中）",
	 "data directory (default ./data); keys live in DIR/keys"},
};

static const struct cli_spec generate_spec = {
	"keys generate [--data DIR]",
	"生成一对 SM2 签名密钥；尚无当前密钥时设为当前密钥",
	"generate an SM2 key pair; it becomes current if no key is",
	data_opts, 1, 0, NULL,
};

static const struct cli_spec rotate_spec = {
	"keys rotate [--data DIR]",
	"轮换签名密钥：生成新密钥并设为当前，旧密钥保留以核验已签发的证照",
	"rotate: generate a key and make it current; old keys stay so earlier "
	"permits still verify",
	data_opts, 1, 0, NULL,
};

static const struct cli_spec list_spec = {
	"keys list [--data DIR]", "列出签名密钥及当前密钥",
	"list the signing keys and which one is current", data_opts, 1, 0,
	NULL,
};

/* Print the finished JSON object w wrote into b. */
static int emit(struct cli_ctx *ctx, ld_jw *w, ld_buf *b)
{
	if (ld_jw_finish(w) != LD_OK) {
		fputs("liudong: 输出失败 (output failed)\n", ctx->err);
		return LD_CLI_FAIL;
	}
	fwrite(b->data, 1, b->len, ctx->out);
	fputc('\n', ctx->out);
	return LD_CLI_OK;
}

static int fail(struct cli_ctx *ctx, const ld_error *err)
{
	fprintf(ctx->err, "liudong: %s\n", err->message);
	return LD_CLI_FAIL;
}

static void key_paths(ld_jw *w, const char *data, const char *id)
{
	ld_buf p;
	ld_buf_init(&p, 8192);
	ld_buf_addf(&p, "%s/keys/%s.pub.pem", data, id);
	ld_jw_key(w, "public_key");
	ld_jw_strn(w, p.data, p.len);
	ld_buf_reset(&p);
	ld_buf_addf(&p, "%s/keys/%s.key.pem", data, id);
	ld_jw_key(w, "private_key");
	ld_jw_strn(w, p.data, p.len);
	ld_buf_release(&p);
}

/* Parse the common options; *data receives the data directory. */
static int parse(struct cli_ctx *ctx, const struct cli_spec *spec, int argc,
		 char **argv, const char **data)
{
	struct cli_val v[1];
	int rc = cli_parse(ctx, spec, argc, argv, v, NULL);
	*data = v[0].set ? v[0].str : "./data";
	cli_vals_release(spec, v);
	if (rc == LD_CLI_OK && **data == '\0')
		return cli_usage_error(ctx, "--data", "数据目录不能为空");
	return rc;
}

static int keys_new(struct cli_ctx *ctx, bool rotate, int argc, char **argv)
{
	const char *data;
	int rc = parse(ctx, rotate ? &rotate_spec : &generate_spec, argc, argv,
		       &data);
	if (rc)
		return rc < 0 ? LD_CLI_OK : rc;
	ld_error err = {0};
	char previous[LD_SM2_KEY_ID_LEN + 1], id[LD_SM2_KEY_ID_LEN + 1];
	ld_status st = ld_keyring_current(data, previous, &err);
	bool had_current = st == LD_OK;
	/* A damaged `current` stops generate, which would otherwise replace
	 * it unasked; rotate replaces it anyway, so it may repair it. */
	if (st != LD_OK && st != LD_ENOTFOUND && !rotate)
		return fail(ctx, &err);
	bool make_current = rotate || !had_current;
	if (ld_keyring_generate(data, make_current, id, &err) != LD_OK)
		return fail(ctx, &err);

	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "key_id", id);
	ld_jw_kbool(&w, "current", make_current);
	if (rotate)
		ld_jw_kstr(&w, "previous", had_current ? previous : NULL);
	key_paths(&w, data, id);
	ld_jw_obj_close(&w);
	rc = emit(ctx, &w, &b);
	ld_buf_release(&b);
	return rc;
}

static int list_one(void *p, const char *key_id, bool current,
		    const char *pub_path, bool has_private)
{
	ld_jw *w = p;
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "key_id", key_id);
	ld_jw_kbool(w, "current", current);
	ld_jw_kstr(w, "public_key", pub_path);
	ld_jw_kbool(w, "has_private_key", has_private);
	ld_jw_obj_close(w);
	return 0;
}

static int keys_list(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *data;
	int rc = parse(ctx, &list_spec, argc, argv, &data);
	if (rc)
		return rc < 0 ? LD_CLI_OK : rc;
	ld_error err = {0};
	char current[LD_SM2_KEY_ID_LEN + 1];
	ld_status st = ld_keyring_current(data, current, &err);
	if (st != LD_OK && st != LD_ENOTFOUND)
		return fail(ctx, &err);

	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "current", st == LD_OK ? current : NULL);
	ld_jw_key(&w, "keys");
	ld_jw_arr_open(&w);
	st = ld_keyring_list(data, list_one, &w, &err);
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	rc = st == LD_OK ? emit(ctx, &w, &b) : fail(ctx, &err);
	ld_buf_release(&b);
	return rc;
}

int cmd_keys(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *sub = argc >= 1 ? argv[0] : "";
	if (strcmp(sub, "generate") == 0)
		return keys_new(ctx, false, argc - 1, argv + 1);
	if (strcmp(sub, "rotate") == 0)
		return keys_new(ctx, true, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return keys_list(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		cli_print_help(ctx->out, &generate_spec);
		fputc('\n', ctx->out);
		cli_print_help(ctx->out, &rotate_spec);
		fputc('\n', ctx->out);
		cli_print_help(ctx->out, &list_spec);
		return LD_CLI_OK;
	}
	return cli_usage_error(ctx, argc ? argv[0] : "keys",
			       "用法 usage: liudong keys generate|rotate|list "
			       "[--data DIR]");
}
