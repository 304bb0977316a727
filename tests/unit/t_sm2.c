/*
 * t_sm2.c — SM2 keys and signatures over SM3 (GB/T 32918.2, GB/T 32905;
 * rules.md §6): key files and their modes, sign/verify, key ids, and a
 * signature made by the openssl command line with the default
 * distinguishing ID 1234567812345678.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/sm2.h"

/* Made with: openssl genpkey -algorithm SM2; openssl pkeyutl -sign -rawin
 * -digest sm3 -pkeyopt distid:1234567812345678 over IV_MSG. */
static const char iv_pub[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEF5H9hhJtmw4D90L9+lgbU3aF+I5D\n"
	"DX/dZf9m5TF57GjHxS0vBaRiFf+JAXXasmpjKOAkvY4IX3cCPRZQ2Xf7/A==\n"
	"-----END PUBLIC KEY-----\n";
#define IV_MSG "GB/T 32918 interop"
#define IV_ID "1934f21169e6b5ed" /* openssl pkey -outform DER | dgst -sm3 */
static const unsigned char iv_sig[] = {
	0x30, 0x45, 0x02, 0x20, 0x79, 0xdd, 0x8c, 0x7a, 0x4d, 0x16, 0xc0, 0xf3,
	0x3a, 0x18, 0x29, 0xe3, 0x91, 0x9c, 0x20, 0xfc, 0xf6, 0x40, 0x4c, 0x6a,
	0x57, 0x0e, 0xd1, 0x8c, 0x76, 0xaf, 0x25, 0x63, 0x50, 0x24, 0x84, 0x45,
	0x02, 0x21, 0x00, 0x94, 0xf9, 0xea, 0xbc, 0x9b, 0x19, 0x06, 0x6c, 0x1d,
	0x8f, 0x83, 0x30, 0xf6, 0x3e, 0xbb, 0xad, 0x77, 0xb3, 0xa1, 0xb7, 0x84,
	0xe5, 0x94, 0xac, 0x63, 0x0f, 0x35, 0x50, 0x69, 0xf4, 0x49, 0x20};

/* A NIST P-256 key: a valid EC key, but not SM2. */
static const char p256_pub[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE+0VfLLO/xzu/YVyLMqVZPCjpJis6\n"
	"pKa8j3WqPvL1AQx/C5bb7kv4kHqIOmBz4hFYibvje8g88GkPZ3FP+pwubg==\n"
	"-----END PUBLIC KEY-----\n";

/* An SM2 key encrypted with a passphrase: refused, never prompted for. */
static const char encrypted_key[] =
	"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	"MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiuEUwbhUjQPgICCAAw\n"
	"DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEED98T3jRtgd8i4WcK6PmJsQEgZA2\n"
	"pbX3sIFmgpBPrSnWc5pC3Xe22JtX6cYfFHUr01T2Eu5DKPh7Riv+70TwXNxJ/fQX\n"
	"lN1q7UWgOwEEHwXBNs+82yJ2r9b0GY1NVtRnDpp6dQCuRWA8qTlWa2C0qd5/PK2o\n"
	"251Fn490LE1PAun9nAT3QvVmZnkYUVpEr8zs0Me5mz+aQt+jAcZtb2Fa+Hgfc3Q=\n"
	"-----END ENCRYPTED PRIVATE KEY-----\n";

struct fx {
	char dir[64];     /* the temporary directory */
	char keys[96];    /* dir/keys, created by ld_sm2_generate */
	char id[LD_SM2_KEY_ID_LEN + 1];
	char priv[160], pub[160];
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
	strcpy(f->dir, "/tmp/t_sm2.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->keys, sizeof f->keys, "%s/keys", f->dir);
	ld_error err = {0};
	if (ld_sm2_generate(f->keys, f->id, &err) != LD_OK) {
		fprintf(stderr, "generate: %s\n", err.message);
		return -1;
	}
	snprintf(f->priv, sizeof f->priv, "%s/%s.key.pem", f->keys, f->id);
	snprintf(f->pub, sizeof f->pub, "%s/%s.pub.pem", f->keys, f->id);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static bool is_hex16(const char *s)
{
	return strlen(s) == 16 && strspn(s, "0123456789abcdef") == 16;
}

static void files_and_modes(void **state)
{
	struct fx *f = *state;
	struct stat st;
	assert_true(is_hex16(f->id));
	assert_int_equal(stat(f->keys, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(f->priv, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(f->pub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);

	/* Under a strict umask the public key is still readable by all, and
	 * the private key never more than by its owner. */
	char id[LD_SM2_KEY_ID_LEN + 1], path[200];
	mode_t old = umask(077);
	assert_int_equal(ld_sm2_generate(f->keys, id, NULL), LD_OK);
	umask(022);
	assert_string_not_equal(id, f->id);
	snprintf(path, sizeof path, "%s/%s.pub.pem", f->keys, id);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	umask(0);
	assert_int_equal(ld_sm2_generate(f->keys, id, NULL), LD_OK);
	umask(old);
	snprintf(path, sizeof path, "%s/%s.key.pem", f->keys, id);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void private_key_mode_refused(void **state)
{
	struct fx *f = *state;
	ld_sm2_key *k = NULL;
	ld_error err = {0};
	const mode_t bad[] = {0644, 0640, 0604, 0660, 0601};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(chmod(f->priv, bad[i]), 0);
		memset(&err, 0, sizeof err);
		assert_int_equal(ld_sm2_load_private(f->priv, &k, &err),
				 LD_EDENIED);
		assert_null(k);
		assert_non_null(strstr(err.message, f->priv));
		assert_non_null(strstr(err.message, "私钥"));
	}
	assert_int_equal(chmod(f->priv, 0400), 0);
	assert_int_equal(ld_sm2_load_private(f->priv, &k, &err), LD_OK);
	ld_sm2_free(k);
	assert_int_equal(chmod(f->priv, 0600), 0);
	assert_int_equal(ld_sm2_load_private(f->priv, &k, &err), LD_OK);
	ld_sm2_free(k);
	/* The public key has no such rule. */
	assert_int_equal(ld_sm2_load_public(f->pub, &k, &err), LD_OK);
	ld_sm2_free(k);
}

static void roundtrip_and_tampering(void **state)
{
	struct fx *f = *state;
	ld_sm2_key *priv, *pub;
	assert_int_equal(ld_sm2_load_private(f->priv, &priv, NULL), LD_OK);
	assert_int_equal(ld_sm2_load_public(f->pub, &pub, NULL), LD_OK);
	char msg[] = "LDP1|居住证|张三";
	size_t len = strlen(msg);
	unsigned char sig[LD_SM2_SIG_MAX], sig2[LD_SM2_SIG_MAX];
	size_t n = 0, n2 = 0;
	assert_int_equal(ld_sm2_sign(priv, msg, len, sig, &n), LD_OK);
	assert_in_range(n, 8, 72);
	assert_int_equal(sig[0], 0x30); /* DER SEQUENCE */
	assert_true(ld_sm2_verify(pub, msg, len, sig, n));
	assert_true(ld_sm2_verify(priv, msg, len, sig, n));
	/* SM2 signatures are randomised: a second one differs, and holds. */
	assert_int_equal(ld_sm2_sign(priv, msg, len, sig2, &n2), LD_OK);
	assert_false(n == n2 && memcmp(sig, sig2, n) == 0);
	assert_true(ld_sm2_verify(pub, msg, len, sig2, n2));

	/* Every single flipped bit of the message fails. */
	for (size_t i = 0; i < len * 8; i++) {
		msg[i / 8] ^= (char)(1 << (i % 8));
		assert_false(ld_sm2_verify(pub, msg, len, sig, n));
		msg[i / 8] ^= (char)(1 << (i % 8));
	}
	/* So does every flipped bit of the signature. */
	for (size_t i = 0; i < n * 8; i++) {
		sig[i / 8] ^= (unsigned char)(1 << (i % 8));
		assert_false(ld_sm2_verify(pub, msg, len, sig, n));
		sig[i / 8] ^= (unsigned char)(1 << (i % 8));
	}
	assert_true(ld_sm2_verify(pub, msg, len, sig, n));
	assert_false(ld_sm2_verify(pub, msg, len - 1, sig, n));
	assert_false(ld_sm2_verify(pub, msg, len, sig, n - 1));
	assert_false(ld_sm2_verify(pub, msg, len, sig, 0));
	/* A public key cannot sign. */
	assert_int_equal(ld_sm2_sign(pub, msg, len, sig2, &n2), LD_EINVAL);
	ld_sm2_free(priv);
	ld_sm2_free(pub);
}

static void other_key_fails(void **state)
{
	struct fx *f = *state;
	char id2[LD_SM2_KEY_ID_LEN + 1], path[200];
	assert_int_equal(ld_sm2_generate(f->keys, id2, NULL), LD_OK);
	assert_string_not_equal(id2, f->id);
	snprintf(path, sizeof path, "%s/%s.pub.pem", f->keys, id2);
	ld_sm2_key *priv, *other;
	assert_int_equal(ld_sm2_load_private(f->priv, &priv, NULL), LD_OK);
	assert_int_equal(ld_sm2_load_public(path, &other, NULL), LD_OK);
	unsigned char sig[LD_SM2_SIG_MAX];
	size_t n;
	assert_int_equal(ld_sm2_sign(priv, "abc", 3, sig, &n), LD_OK);
	assert_true(ld_sm2_verify(priv, "abc", 3, sig, n));
	assert_false(ld_sm2_verify(other, "abc", 3, sig, n));
	ld_sm2_free(priv);
	ld_sm2_free(other);
}

static void key_id_stable(void **state)
{
	struct fx *f = *state;
	char a[LD_SM2_KEY_ID_LEN + 1], b[LD_SM2_KEY_ID_LEN + 1];
	for (int round = 0; round < 2; round++) {
		ld_sm2_key *priv, *pub;
		assert_int_equal(ld_sm2_load_private(f->priv, &priv, NULL),
				 LD_OK);
		assert_int_equal(ld_sm2_load_public(f->pub, &pub, NULL), LD_OK);
		assert_int_equal(ld_sm2_key_id(priv, a), LD_OK);
		assert_int_equal(ld_sm2_key_id(pub, b), LD_OK);
		assert_string_equal(a, f->id);
		assert_string_equal(b, f->id);
		ld_sm2_free(priv);
		ld_sm2_free(pub);
	}
}

/* The distinguishing ID is the standard default: a signature made by
 * another implementation with it verifies here, and nothing else does. */
static void interop_default_id(void **state)
{
	struct fx *f = *state;
	char path[200], id[LD_SM2_KEY_ID_LEN + 1];
	snprintf(path, sizeof path, "%s/iv.pub.pem", f->dir);
	write_file(path, iv_pub, 0644);
	ld_sm2_key *k;
	assert_int_equal(ld_sm2_load_public(path, &k, NULL), LD_OK);
	ld_sm2_key_id(k, id);
	assert_string_equal(id, IV_ID);
	assert_true(ld_sm2_verify(k, IV_MSG, strlen(IV_MSG), iv_sig,
				  sizeof iv_sig));
	assert_false(ld_sm2_verify(k, IV_MSG "!", strlen(IV_MSG) + 1, iv_sig,
				   sizeof iv_sig));
	ld_sm2_free(k);
}

static void load_errors(void **state)
{
	struct fx *f = *state;
	char path[200];
	ld_sm2_key *k = (ld_sm2_key *)&k;
	ld_error err = {0};
	snprintf(path, sizeof path, "%s/missing.pem", f->dir);
	assert_int_equal(ld_sm2_load_public(path, &k, &err), LD_ENOTFOUND);
	assert_null(k);
	assert_int_equal(ld_sm2_load_private(path, &k, &err), LD_ENOTFOUND);

	snprintf(path, sizeof path, "%s/p256.pem", f->dir);
	write_file(path, p256_pub, 0600);
	assert_int_equal(ld_sm2_load_public(path, &k, &err), LD_EINVAL);
	assert_non_null(strstr(err.message, "SM2"));

	snprintf(path, sizeof path, "%s/junk.pem", f->dir);
	write_file(path, "not a key\n", 0600);
	assert_int_equal(ld_sm2_load_public(path, &k, &err), LD_EINVAL);
	assert_int_equal(ld_sm2_load_private(path, &k, &err), LD_EINVAL);
	snprintf(path, sizeof path, "%s/enc.pem", f->dir);
	write_file(path, encrypted_key, 0600);
	assert_int_equal(ld_sm2_load_private(path, &k, &err), LD_EINVAL);
	assert_null(k);
	/* A public key file is not a private key. */
	assert_int_equal(chmod(f->pub, 0600), 0);
	assert_int_equal(ld_sm2_load_private(f->pub, &k, &err), LD_EINVAL);
	/* A directory is not a key file. */
	assert_int_equal(ld_sm2_load_public(f->keys, &k, &err), LD_EINVAL);
	assert_null(k);
}

static void unwritable_dir(void **state)
{
	char id[LD_SM2_KEY_ID_LEN + 1];
	ld_error err = {0};
	assert_int_equal(ld_sm2_generate("/nonexistent-dir/a/b", id, &err),
			 LD_EIO);
	assert_non_null(strstr(err.message, "/nonexistent-dir/a/b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(files_and_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(private_key_mode_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(roundtrip_and_tampering, setup,
						teardown),
		cmocka_unit_test_setup_teardown(other_key_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(key_id_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(interop_default_id, setup,
						teardown),
		cmocka_unit_test_setup_teardown(load_errors, setup, teardown),
		cmocka_unit_test(unwritable_dir),
	};
	return cmocka_run_group_tests_name("sm2", tests, NULL, NULL);
}
