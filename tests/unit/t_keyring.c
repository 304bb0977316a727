/*
 * t_keyring.c — the permit signing keys in DATA/keys (rules.md §6): which
 * key is current, rotation that keeps old keys, public keys found by id;
 * and, in-process, `liudong keys generate|rotate|list` and `liudong
 * verify` on a payload signed here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli/cli.h"
#include "core/epermit.h"
#include "core/licence.h"
#include "crypto/keyring.h"

typedef char key_id[LD_SM2_KEY_ID_LEN + 1];

struct fx {
	char data[64];
	char keys[96];
};

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	strcpy(f->data, "/tmp/t_keyring.XXXXXX");
	if (!mkdtemp(f->data))
		return -1;
	snprintf(f->keys, sizeof f->keys, "%s/keys", f->data);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	nftw(f->data, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void read_text(const char *path, char *buf, size_t cap)
{
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	size_t n = fread(buf, 1, cap - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

static void write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void generate_current_rotate(void **state)
{
	struct fx *f = *state;
	key_id a, b, c, cur;
	ld_error err = {0};
	assert_int_equal(ld_keyring_current(f->data, cur, &err), LD_ENOTFOUND);
	assert_non_null(strstr(err.message, "keys generate"));
	/* Without make_current the key is only added. */
	assert_int_equal(ld_keyring_generate(f->data, false, a, &err), LD_OK);
	assert_true(ld_keyring_id_is_valid(a));
	assert_int_equal(ld_keyring_current(f->data, cur, NULL), LD_ENOTFOUND);
	ld_sm2_key *k = NULL;
	assert_int_equal(ld_keyring_load_signer(f->data, &k, cur, NULL),
			 LD_ENOTFOUND);
	assert_null(k);

	assert_int_equal(ld_keyring_generate(f->data, true, b, &err), LD_OK);
	assert_int_equal(ld_keyring_current(f->data, cur, &err), LD_OK);
	assert_string_equal(cur, b);
	assert_int_equal(ld_keyring_generate(f->data, true, c, &err), LD_OK);
	assert_int_equal(ld_keyring_current(f->data, cur, &err), LD_OK);
	assert_string_equal(cur, c);

	/* The signer is the current key; what it signed verifies with the
	 * public key found by id, and old keys are all still there. */
	key_id signer_id;
	assert_int_equal(ld_keyring_load_signer(f->data, &k, signer_id, &err),
			 LD_OK);
	assert_string_equal(signer_id, c);
	unsigned char sig[LD_SM2_SIG_MAX];
	size_t n;
	assert_int_equal(ld_sm2_sign(k, "permit", 6, sig, &n), LD_OK);
	ld_sm2_free(k);
	const char *ids[] = {a, b, c};
	for (int i = 0; i < 3; i++) {
		ld_sm2_key *pub;
		assert_int_equal(ld_keyring_load_public(f->keys, ids[i], &pub,
							&err),
				 LD_OK);
		assert_true(ld_sm2_verify(pub, "permit", 6, sig, n) == (i == 2));
		ld_sm2_free(pub);
	}
}

static void current_written_atomically(void **state)
{
	struct fx *f = *state;
	key_id a, b;
	char path[200], old[200], text[64];
	assert_int_equal(ld_keyring_generate(f->data, true, a, NULL), LD_OK);
	snprintf(path, sizeof path, "%s/current", f->keys);
	read_text(path, text, sizeof text);
	char want[32];
	snprintf(want, sizeof want, "%s\n", a);
	assert_string_equal(text, want);
	struct stat st_a, st_b;
	assert_int_equal(stat(path, &st_a), 0);
	assert_int_equal(st_a.st_mode & 0777, 0644);
	/* Keep a second name for the old file: a rename leaves it whole,
	 * where writing in place would change it under any reader. */
	snprintf(old, sizeof old, "%s/old-current", f->data);
	assert_int_equal(link(path, old), 0);
	assert_int_equal(ld_keyring_generate(f->data, true, b, NULL), LD_OK);
	assert_int_equal(stat(path, &st_b), 0);
	assert_true(st_a.st_ino != st_b.st_ino);
	read_text(old, text, sizeof text);
	assert_string_equal(text, want);
	read_text(path, text, sizeof text);
	snprintf(want, sizeof want, "%s\n", b);
	assert_string_equal(text, want);
	/* No temporary file is left behind. */
	DIR *d = opendir(f->keys);
	assert_non_null(d);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		files++;
		assert_true(strcmp(e->d_name, "current") == 0 ||
			    strlen(e->d_name) == 24);
	}
	closedir(d);
	assert_int_equal(files, 5);
	struct stat st;
	assert_int_equal(stat(f->keys, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
}

static void bad_key_ids(void **state)
{
	struct fx *f = *state;
	const char *bad[] = {"",
			     "0123456789abcde",
			     "0123456789abcdef0",
			     "0123456789ABCDEF",
			     "../../../etc/pas",
			     "0123456789abcdeg",
			     "0123456789abcd/f"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(ld_keyring_id_is_valid(bad[i]));
	assert_true(ld_keyring_id_is_valid("0123456789abcdef"));

	key_id a, cur;
	ld_error err = {0};
	ld_sm2_key *k = NULL;
	assert_int_equal(ld_keyring_generate(f->data, true, a, NULL), LD_OK);
	/* A `current` naming a path, not an id, is refused before use. */
	char path[200];
	snprintf(path, sizeof path, "%s/current", f->keys);
	write_text(path, "../../../etc/pas\n");
	assert_int_equal(ld_keyring_current(f->data, cur, &err), LD_EINVAL);
	assert_int_equal(ld_keyring_load_signer(f->data, &k, cur, &err),
			 LD_EINVAL);
	assert_null(k);
	write_text(path, "");
	assert_int_equal(ld_keyring_current(f->data, cur, &err), LD_EINVAL);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err.field = NULL;
		assert_int_equal(ld_keyring_load_public(f->keys, bad[i], &k, &err),
				 LD_EINVAL);
		assert_string_equal(err.field, "key_id");
		assert_null(k);
	}
	/* No trailing newline is fine too. */
	write_text(path, a);
	assert_int_equal(ld_keyring_current(f->data, cur, &err), LD_OK);
	assert_string_equal(cur, a);
}

static void public_lookup(void **state)
{
	struct fx *f = *state;
	key_id a, b, got;
	ld_error err = {0};
	ld_sm2_key *k = NULL;
	assert_int_equal(ld_keyring_generate(f->data, true, a, NULL), LD_OK);
	assert_int_equal(ld_keyring_generate(f->data, false, b, NULL), LD_OK);
	/* By id in a directory. */
	assert_int_equal(ld_keyring_load_public(f->keys, b, &k, &err), LD_OK);
	ld_sm2_key_id(k, got);
	assert_string_equal(got, b);
	ld_sm2_free(k);
	assert_int_equal(ld_keyring_load_public(f->keys, "00000000000000ff",
						&k, &err),
			 LD_ENOTFOUND);
	assert_string_equal(err.field, "key_id");
	assert_null(k);
	/* A single file: the id must be the file's. */
	char file[200];
	snprintf(file, sizeof file, "%s/%s.pub.pem", f->keys, a);
	assert_int_equal(ld_keyring_load_public(file, a, &k, &err), LD_OK);
	ld_sm2_free(k);
	assert_int_equal(ld_keyring_load_public(file, NULL, &k, &err), LD_OK);
	ld_sm2_key_id(k, got);
	assert_string_equal(got, a);
	ld_sm2_free(k);
	assert_int_equal(ld_keyring_load_public(file, b, &k, &err),
			 LD_ENOTFOUND);
	assert_string_equal(err.field, "key_id");
	/* A path that is not there. */
	char missing[200];
	snprintf(missing, sizeof missing, "%s/nope", f->data);
	assert_int_equal(ld_keyring_load_public(missing, a, &k, &err),
			 LD_ENOTFOUND);
	assert_string_equal(err.field, "public_key");
	/* A key filed under another key's id is refused. */
	char wrong[200];
	snprintf(wrong, sizeof wrong, "%s/00000000000000aa.pub.pem", f->keys);
	assert_int_equal(link(file, wrong), 0);
	assert_int_equal(ld_keyring_load_public(f->keys, "00000000000000aa",
						&k, &err),
			 LD_EINVAL);
	assert_null(k);
}

static void signer_key_must_be_private(void **state)
{
	struct fx *f = *state;
	key_id a, id;
	char path[200];
	ld_error err = {0};
	ld_sm2_key *k = NULL;
	assert_int_equal(ld_keyring_generate(f->data, true, a, NULL), LD_OK);
	snprintf(path, sizeof path, "%s/%s.key.pem", f->keys, a);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(ld_keyring_load_signer(f->data, &k, id, &err),
			 LD_EDENIED);
	assert_non_null(strstr(err.message, path));
	assert_null(k);
}

struct seen {
	int n;
	key_id ids[8];
	bool current[8], has_private[8];
	int stop_after;
};

static int collect(void *ctx, const char *id, bool current,
		   const char *pub_path, bool has_private)
{
	struct seen *s = ctx;
	assert_true(s->n < 8);
	assert_non_null(strstr(pub_path, id));
	assert_int_equal(access(pub_path, R_OK), 0);
	strcpy(s->ids[s->n], id);
	s->current[s->n] = current;
	s->has_private[s->n++] = has_private;
	return s->n == s->stop_after;
}

static void set_mtime(struct fx *f, const char *id, time_t t)
{
	char path[200];
	snprintf(path, sizeof path, "%s/%s.pub.pem", f->keys, id);
	struct timespec ts[2] = {{t, 0}, {t, 0}};
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void listing(void **state)
{
	struct fx *f = *state;
	struct seen s = {0};
	assert_int_equal(ld_keyring_list(f->data, collect, &s, NULL), LD_OK);
	assert_int_equal(s.n, 0);
	key_id a, b, c;
	assert_int_equal(ld_keyring_generate(f->data, true, a, NULL), LD_OK);
	assert_int_equal(ld_keyring_generate(f->data, true, b, NULL), LD_OK);
	assert_int_equal(ld_keyring_generate(f->data, false, c, NULL), LD_OK);
	set_mtime(f, a, 1000);
	set_mtime(f, b, 3000);
	set_mtime(f, c, 2000);
	char path[200];
	snprintf(path, sizeof path, "%s/%s.key.pem", f->keys, a);
	assert_int_equal(unlink(path), 0);
	/* Stray files are not keys. */
	snprintf(path, sizeof path, "%s/README.pub.pem", f->keys);
	write_text(path, "x");
	snprintf(path, sizeof path, "%s/current.tmp", f->keys);
	write_text(path, "x");

	assert_int_equal(ld_keyring_list(f->data, collect, &s, NULL), LD_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ids[0], a);
	assert_string_equal(s.ids[1], c);
	assert_string_equal(s.ids[2], b);
	assert_false(s.current[0] || s.current[1]);
	assert_true(s.current[2]);
	assert_false(s.has_private[0]);
	assert_true(s.has_private[1] && s.has_private[2]);
	/* A non-zero return stops the listing. */
	memset(&s, 0, sizeof s);
	s.stop_after = 2;
	assert_int_equal(ld_keyring_list(f->data, collect, &s, NULL), LD_OK);
	assert_int_equal(s.n, 2);
}

/* ---- the commands, run in-process ---- */

struct run {
	int status;
	json_t *json; /* stdout as JSON, or NULL */
	char *out, *err;
};

static struct run cli(const char *first, ...)
{
	char *argv[16];
	int argc = 0;
	argv[argc++] = "liudong";
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	struct run r = {0};
	size_t on = 0, en = 0;
	FILE *out = open_memstream(&r.out, &on);
	FILE *err = open_memstream(&r.err, &en);
	assert_non_null(out);
	assert_non_null(err);
	r.status = ld_cli_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	r.json = json_loads(r.out, 0, NULL);
	if (r.status == 0) {
		if (!json_is_object(r.json) || en != 0)
			fail_msg("stdout is not one JSON object or stderr not "
				 "empty: %s / %s",
				 r.out, r.err);
	} else if (on != 0 || !strchr(r.err, '\n')) {
		fail_msg("a failure prints one line on stderr only: %s / %s",
			 r.out, r.err);
	}
	return r;
}

static void run_release(struct run *r)
{
	json_decref(r->json);
	free(r->out);
	free(r->err);
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static bool jbool(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	assert_true(json_is_boolean(v));
	return json_is_true(v);
}

static void cli_keys(void **state)
{
	struct fx *f = *state;
	key_id a, b, c;
	struct run r = cli("keys", "generate", "--data", f->data, NULL);
	assert_int_equal(r.status, 0);
	strcpy(a, jstr(r.json, "key_id"));
	assert_true(jbool(r.json, "current"));
	assert_non_null(strstr(jstr(r.json, "public_key"), a));
	assert_int_equal(access(jstr(r.json, "private_key"), R_OK), 0);
	run_release(&r);

	/* A second generate adds a key; the current one stays. */
	r = cli("keys", "generate", "--data", f->data, NULL);
	assert_int_equal(r.status, 0);
	strcpy(b, jstr(r.json, "key_id"));
	assert_false(jbool(r.json, "current"));
	run_release(&r);

	r = cli("keys", "rotate", "--data", f->data, NULL);
	assert_int_equal(r.status, 0);
	strcpy(c, jstr(r.json, "key_id"));
	assert_true(jbool(r.json, "current"));
	assert_string_equal(jstr(r.json, "previous"), a);
	run_release(&r);

	r = cli("keys", "list", "--data", f->data, NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(jstr(r.json, "current"), c);
	json_t *keys = json_object_get(r.json, "keys");
	assert_int_equal(json_array_size(keys), 3);
	int currents = 0;
	for (size_t i = 0; i < 3; i++) {
		json_t *k = json_array_get(keys, i);
		const char *id = jstr(k, "key_id");
		assert_true(!strcmp(id, a) || !strcmp(id, b) || !strcmp(id, c));
		assert_true(jbool(k, "has_private_key"));
		assert_non_null(strstr(jstr(k, "public_key"), id));
		if (jbool(k, "current")) {
			currents++;
			assert_string_equal(id, c);
		}
	}
	assert_int_equal(currents, 1);
	run_release(&r);

	/* An empty data directory lists nothing. */
	char empty[200];
	snprintf(empty, sizeof empty, "%s/none", f->data);
	r = cli("keys", "list", "--data", empty, NULL);
	assert_int_equal(r.status, 0);
	assert_true(json_is_null(json_object_get(r.json, "current")));
	assert_int_equal(json_array_size(json_object_get(r.json, "keys")), 0);
	run_release(&r);

	/* Bad input names what was wrong and exits 2. */
	r = cli("keys", "generate", "--bogus", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--bogus"));
	run_release(&r);
	r = cli("keys", "remove", NULL);
	assert_int_equal(r.status, 2);
	run_release(&r);
	r = cli("keys", "list", "--data", "", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--data"));
	run_release(&r);
	/* A failure exits 1 with a Chinese message. */
	r = cli("keys", "rotate", "--data", "/proc/version/x", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "无法"));
	run_release(&r);
}

/* Sign a sample permit with the current key of data into out. */
static void sign_sample(const char *data, const char *name, ld_buf *out)
{
	ld_epermit p;
	memset(&p, 0, sizeof p);
	ld_sm2_key *k;
	ld_error err = {0};
	assert_int_equal(ld_keyring_load_signer(data, &k, p.key_id, &err),
			 LD_OK);
	assert_true(ld_licence_format("JZZ", "11370100MB0000000X",
				      "370102202600007", 2, p.licence_id));
	strcpy(p.name, name);
	ld_mask_id_number("370102199003071234", p.masked_id_number);
	strcpy(p.district, "370102");
	strcpy(p.issue_date, "2026-03-05");
	strcpy(p.permit_no, "JZ370102202600007");
	p.version = 2;
	ld_buf part;
	ld_buf_init(&part, 0);
	unsigned char sig[LD_SM2_SIG_MAX];
	size_t n;
	assert_int_equal(ld_epermit_signed_part(&p, &part, &err), LD_OK);
	assert_int_equal(ld_sm2_sign(k, part.data, part.len, sig, &n), LD_OK);
	assert_int_equal(ld_epermit_format(&p, sig, n, out, &err), LD_OK);
	ld_buf_release(&part);
	ld_sm2_free(k);
}

static void expect_verdict(struct run *r, bool valid, const char *reason)
{
	assert_int_equal(r->status, 0);
	assert_int_equal(jbool(r->json, "signature_valid"), valid);
	json_t *why = json_object_get(r->json, "reason");
	if (reason)
		assert_string_equal(json_string_value(why), reason);
	else
		assert_true(json_is_null(why));
}

static void cli_verify(void **state)
{
	struct fx *f = *state;
	key_id a, b;
	assert_int_equal(ld_keyring_generate(f->data, true, a, NULL), LD_OK);
	ld_buf text;
	ld_buf_init(&text, 0);
	sign_sample(f->data, "张三", &text);
	char pub_a[200], pub_b[200];
	snprintf(pub_a, sizeof pub_a, "%s/%s.pub.pem", f->keys, a);

	/* Valid, with the directory and with the single file. */
	struct run r = cli("verify", text.data, "--public-key", f->keys, NULL);
	expect_verdict(&r, true, NULL);
	json_t *c = json_object_get(r.json, "content");
	assert_string_equal(jstr(c, "name"), "张三");
	assert_string_equal(jstr(c, "masked_id_number"), "370102********1234");
	assert_string_equal(jstr(c, "district"), "370102");
	assert_string_equal(jstr(c, "issue_date"), "2026-03-05");
	assert_string_equal(jstr(c, "permit_no"), "JZ370102202600007");
	assert_string_equal(jstr(c, "key_id"), a);
	assert_true(ld_licence_is_valid(jstr(c, "licence_id"), NULL));
	assert_int_equal(json_integer_value(json_object_get(c, "version")), 2);
	run_release(&r);
	r = cli("verify", text.data, "--public-key", pub_a, NULL);
	expect_verdict(&r, true, NULL);
	run_release(&r);

	/* After a rotation the old permit still verifies. */
	assert_int_equal(ld_keyring_generate(f->data, true, b, NULL), LD_OK);
	snprintf(pub_b, sizeof pub_b, "%s/%s.pub.pem", f->keys, b);
	r = cli("verify", text.data, "--public-key", f->keys, NULL);
	expect_verdict(&r, true, NULL);
	run_release(&r);
	/* Another key's file: the payload's key is not the one given. */
	r = cli("verify", text.data, "--public-key", pub_b, NULL);
	expect_verdict(&r, false, "unknown_key");
	assert_true(json_is_object(json_object_get(r.json, "content")));
	run_release(&r);

	/* One changed character of the name: tampered. */
	char *forged = strdup(text.data);
	assert_non_null(forged);
	char *name = strstr(forged, "张三");
	memcpy(name, "李四", strlen("李四"));
	r = cli("verify", forged, "--public-key", f->keys, NULL);
	expect_verdict(&r, false, "tampered");
	run_release(&r);
	/* A payload whose key id was swapped for another key's, which does
	 * not verify under that key either. */
	strcpy(forged, text.data);
	char *kid = strstr(forged, a);
	memcpy(kid, b, LD_SM2_KEY_ID_LEN);
	r = cli("verify", forged, "--public-key", f->keys, NULL);
	expect_verdict(&r, false, "tampered");
	run_release(&r);
	free(forged);

	/* A key id absent from the directory. */
	assert_int_equal(unlink(pub_a), 0);
	r = cli("verify", text.data, "--public-key", f->keys, NULL);
	expect_verdict(&r, false, "unknown_key");
	run_release(&r);

	/* Malformed: evaluated, exit 0, the field named. */
	r = cli("verify", "LDP1|x|y", "--public-key", f->keys, NULL);
	expect_verdict(&r, false, "malformed");
	assert_string_equal(jstr(r.json, "field"), "payload");
	assert_true(json_is_null(json_object_get(r.json, "content")));
	run_release(&r);
	char *bad = strdup(text.data);
	assert_non_null(bad);
	*strstr(bad, "|370102|") = '#'; /* the bar before the district */
	r = cli("verify", bad, "--public-key", f->keys, NULL);
	expect_verdict(&r, false, "malformed");
	run_release(&r);
	strcpy(bad, text.data);
	memcpy(strstr(bad, "2026-03-05"), "2026-02-30", 10);
	r = cli("verify", bad, "--public-key", f->keys, NULL);
	expect_verdict(&r, false, "malformed");
	assert_string_equal(jstr(r.json, "field"), "issue_date");
	run_release(&r);
	free(bad);

	/* Bad arguments exit 2, naming them. */
	r = cli("verify", text.data, NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--public-key"));
	run_release(&r);
	r = cli("verify", text.data, "--public-key", "/nonexistent/k.pem",
		NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--public-key"));
	run_release(&r);
	char junk[200];
	snprintf(junk, sizeof junk, "%s/junk.pem", f->data);
	write_text(junk, "junk");
	r = cli("verify", text.data, "--public-key", junk, NULL);
	assert_int_equal(r.status, 2);
	run_release(&r);
	r = cli("verify", "--public-key", f->keys, NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "PAYLOAD"));
	run_release(&r);
	ld_buf_release(&text);
}

static void cli_verify_stdin(void **state)
{
	struct fx *f = *state;
	key_id a;
	assert_int_equal(ld_keyring_generate(f->data, true, a, NULL), LD_OK);
	ld_buf text;
	ld_buf_init(&text, 0);
	sign_sample(f->data, "王五", &text);
	char path[200];
	snprintf(path, sizeof path, "%s/payload.txt", f->data);
	ld_buf_addc(&text, '\n'); /* as a scanner or echo would give it */
	write_text(path, text.data);
	assert_non_null(freopen(path, "r", stdin));
	struct run r = cli("verify", "-", "--public-key", f->keys, NULL);
	expect_verdict(&r, true, NULL);
	assert_string_equal(jstr(json_object_get(r.json, "content"), "name"),
			    "王五");
	run_release(&r);

	/* More than 4 KiB on stdin is refused, not truncated. */
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 4097; i++)
		fputc('A', fp);
	fclose(fp);
	assert_non_null(freopen(path, "r", stdin));
	r = cli("verify", "-", "--public-key", f->keys, NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "PAYLOAD"));
	run_release(&r);
	ld_buf_release(&text);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(generate_current_rotate),
		T(current_written_atomically),
		T(bad_key_ids),
		T(public_lookup),
		T(signer_key_must_be_private),
		T(listing),
		T(cli_keys),
		T(cli_verify),
		T(cli_verify_stdin),
	};
	return cmocka_run_group_tests_name("keyring", tests, NULL, NULL);
}
