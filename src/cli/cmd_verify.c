/*
 * cmd_verify.c — `liudong verify PAYLOAD --public-key PATH`: check a
 * scanned electronic permit offline, with nothing but the public key
 * (rules.md §6: SM2 over SM3, GB/T 32918).
 *
 * It prints what a verifier may see and whether the signature holds, and
 * exits 0 whenever it could judge, also for a forged or garbled payload:
 * "no" is an answer, not a failure. Exit 2 for bad arguments, 1 when a key
 * file that should be readable is not.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "core/epermit.h"
#include "crypto/keyring.h"
#include "crypto/sm2.h"
#include "util/json_out.h"

/* A QR code holds at most about 3 KB; more is not a scan. */
#define PAYLOAD_MAX 4096

static const struct cli_opt verify_opts[] = {
	{"public-key", OPT_STRING, true, false, NULL,
	 "公钥文件（.pub.pem）或密钥目录；目录中按二维码里的密钥编号取公钥",
	 "a .pub.pem file, or a keys directory where the payload's key id "
	 "picks the file"},
};

static const struct cli_spec verify_spec = {
	"verify PAYLOAD --public-key PATH",
	"离线核验电子居住证二维码内容（PAYLOAD 为 - 时从标准输入读取）",
	"verify an electronic permit's QR payload offline (PAYLOAD - reads "
	"standard input)",
	verify_opts, 1, 1, "PAYLOAD",
};

/* Read the payload from stdin into buf (PAYLOAD_MAX + 1 bytes); one
 * trailing newline is dropped. Returns the length, or -1 if too long. */
static long read_stdin(char *buf)
{
	size_t n = fread(buf, 1, PAYLOAD_MAX + 1, stdin);
	if (n > PAYLOAD_MAX)
		return -1;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return (long)n;
}

static void content(ld_jw *w, const ld_epermit *p)
{
	ld_jw_key(w, "content");
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "licence_id", p->licence_id);
	ld_jw_kstr(w, "name", p->name);
	ld_jw_kstr(w, "masked_id_number", p->masked_id_number);
	ld_jw_kstr(w, "district", p->district);
	ld_jw_kstr(w, "issue_date", p->issue_date);
	ld_jw_kstr(w, "permit_no", p->permit_no);
	ld_jw_kint(w, "version", p->version);
	ld_jw_kstr(w, "key_id", p->key_id);
	ld_jw_obj_close(w);
}

/* Judge the payload: reason NULL when the signature holds. file_key is the
 * key given as a single file, or NULL when dir names a keys directory. */
static int judge(struct cli_ctx *ctx, const char *text, size_t len,
		 ld_sm2_key *file_key, const char *dir, ld_jw *w)
{
	ld_epermit p;
	unsigned char sig[LD_EPERMIT_SIG_MAX];
	size_t sig_len, signed_len;
	ld_error err = {0};
	ld_jw_obj_open(w);
	if (ld_epermit_parse(text, len, &p, sig, &sig_len, &signed_len,
			     &err) != LD_OK) {
		ld_jw_kbool(w, "signature_valid", false);
		ld_jw_kstr(w, "reason", "malformed");
		ld_jw_kstr(w, "field", err.field);
		ld_jw_kstr(w, "message", err.message);
		ld_jw_knull(w, "content");
		ld_jw_obj_close(w);
		return LD_CLI_OK;
	}
	const char *reason = NULL;
	ld_sm2_key *dir_key = NULL;
	const ld_sm2_key *key = file_key;
	char file_id[LD_SM2_KEY_ID_LEN + 1];
	if (file_key) {
		ld_sm2_key_id(file_key, file_id);
		if (strcmp(file_id, p.key_id) != 0)
			reason = "unknown_key";
	} else {
		ld_status st = ld_keyring_load_public(dir, p.key_id, &dir_key,
						      &err);
		if (st == LD_ENOTFOUND && err.field &&
		    strcmp(err.field, "key_id") == 0) {
			reason = "unknown_key";
		} else if (st != LD_OK) {
			fprintf(ctx->err, "liudong: %s\n", err.message);
			return LD_CLI_FAIL;
		}
		key = dir_key;
	}
	if (!reason && !ld_sm2_verify(key, text, signed_len, sig, sig_len))
		reason = "tampered";
	ld_sm2_free(dir_key);
	ld_jw_kbool(w, "signature_valid", reason == NULL);
	ld_jw_kstr(w, "reason", reason);
	content(w, &p);
	ld_jw_obj_close(w);
	return LD_CLI_OK;
}

int cmd_verify(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[1];
	char *payload = NULL;
	char input[PAYLOAD_MAX + 2];
	ld_sm2_key *file_key = NULL;
	int rc = cli_parse(ctx, &verify_spec, argc, argv, v, &payload);
	if (rc)
		goto out;
	const char *path = v[0].str;
	const char *text = payload;
	size_t len;
	if (strcmp(payload, "-") == 0) {
		long n = read_stdin(input);
		if (n < 0) {
			rc = cli_usage_error(ctx, "PAYLOAD",
					     "标准输入超过 %d 字节", PAYLOAD_MAX);
			goto out;
		}
		text = input;
		len = (size_t)n;
	} else {
		len = strlen(payload);
		if (len > PAYLOAD_MAX) {
			rc = cli_usage_error(ctx, "PAYLOAD", "内容超过 %d 字节",
					     PAYLOAD_MAX);
			goto out;
		}
	}

	struct stat st;
	if (stat(path, &st) != 0) {
		rc = cli_usage_error(ctx, "--public-key", "无法访问 %s", path);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		ld_error err = {0};
		if (ld_keyring_load_public(path, NULL, &file_key, &err) !=
		    LD_OK) {
			rc = cli_usage_error(ctx, "--public-key", "%s",
					     err.message);
			goto out;
		}
	}

	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	rc = judge(ctx, text, len, file_key, path, &w);
	if (rc == LD_CLI_OK) {
		if (ld_jw_finish(&w) != LD_OK) {
			fputs("liudong: 输出失败 (output failed)\n", ctx->err);
			rc = LD_CLI_FAIL;
		} else {
			fwrite(b.data, 1, b.len, ctx->out);
			fputc('\n', ctx->out);
		}
	}
	ld_buf_release(&b);
out:
	ld_sm2_free(file_key);
	cli_vals_release(&verify_spec, v);
	return rc < 0 ? 0 : rc;
}
