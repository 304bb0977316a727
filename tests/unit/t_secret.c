/*
 * t_secret.c — the server's secrets (crypto/secret.c) and HMAC-SM3, the
 * digest they key (crypto/sm3.c): the published vectors of GM/T 0042-2015
 * Appendix D.3, and a secret file made once, kept private, and refused
 * when others can read it or it has the wrong size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/secret.h"
#include "crypto/sm3.h"

/* GM/T 0042-2015 Appendix D.3, counts 1 and 2 (also in OpenSSL's
 * evpmac_sm3.txt). */
static void hmac_sm3_published_vectors(void **state)
{
	(void)state;
	unsigned char key1[32], key2[37], data2[50];
	for (int i = 0; i < 32; i++)
		key1[i] = (unsigned char)(i + 1);
	for (int i = 0; i < 37; i++)
		key2[i] = (unsigned char)(i + 1);
	memset(data2, 0xcd, sizeof data2);
	const char *data1 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
			    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char out[LD_SM3_HEX_LEN + 1];
	assert_int_equal(ld_hmac_sm3_hex(key1, sizeof key1, data1, strlen(data1),
					 out),
			 LD_OK);
	assert_string_equal(out, "ca05e144ed05d1857840d1f318a4a866"
				 "9e559fc8391f414485bfdf7bb408963a");
	assert_int_equal(ld_hmac_sm3_hex(key2, sizeof key2, data2, sizeof data2,
					 out),
			 LD_OK);
	assert_string_equal(out, "220bf579ded555393f0159f66c998778"
				 "22a3ecf610d1552154b41d44b94db3ae");
}

/* The shape of the one-time code digest, cross-checked when this test was
 * written with `printf '123456|110105199001011232|13912345678' | openssl
 * dgst -sm3 -mac HMAC -macopt hexkey:000102…1f` (OpenSSL 3.0.19): not the
 * plain SM3 of the same text, and another key gives another digest. */
static void hmac_sm3_is_keyed(void **state)
{
	(void)state;
	unsigned char key[32];
	for (int i = 0; i < 32; i++)
		key[i] = (unsigned char)i;
	const char *text = "123456|110105199001011232|13912345678";
	char keyed[LD_SM3_HEX_LEN + 1], plain[LD_SM3_HEX_LEN + 1],
		other[LD_SM3_HEX_LEN + 1];
	assert_int_equal(ld_hmac_sm3_hex(key, sizeof key, text, strlen(text),
					 keyed),
			 LD_OK);
	assert_string_equal(keyed, "c2eee0f4438c863ef8bfef86e8c9c0dd"
				   "79cfc81897402ebdc672f559e2c60646");
	assert_int_equal(ld_sm3_hex(text, strlen(text), plain), LD_OK);
	assert_string_not_equal(keyed, plain);
	key[0] ^= 1;
	assert_int_equal(ld_hmac_sm3_hex(key, sizeof key, text, strlen(text),
					 other),
			 LD_OK);
	assert_string_not_equal(keyed, other);
}

struct fx {
	char dir[64];
	char keys[96];
	char path[128];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/ld-secret-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->keys, sizeof f->keys, "%s/keys", f->dir);
	snprintf(f->path, sizeof f->path, "%s/otp.secret", f->keys);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	unlink(f->path);
	rmdir(f->keys);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void made_once_and_private(void **state)
{
	struct fx *f = *state;
	unsigned char a[LD_SECRET_LEN], b[LD_SECRET_LEN], zero[LD_SECRET_LEN] = {0};
	ld_error err = {0};
	assert_int_equal(ld_secret_load(f->dir, "otp.secret", a, &err), LD_OK);
	assert_memory_not_equal(a, zero, sizeof a);
	struct stat st;
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, LD_SECRET_LEN);
	assert_int_equal(stat(f->keys, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* The next start reads the same secret. */
	assert_int_equal(ld_secret_load(f->dir, "otp.secret", b, &err), LD_OK);
	assert_memory_equal(a, b, sizeof a);
}

static void refused_when_readable_or_wrong_size(void **state)
{
	struct fx *f = *state;
	unsigned char a[LD_SECRET_LEN];
	ld_error err = {0};
	assert_int_equal(ld_secret_load(f->dir, "otp.secret", a, &err), LD_OK);
	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(ld_secret_load(f->dir, "otp.secret", a, &err),
			 LD_EDENIED);
	assert_non_null(strstr(err.message, "chmod 600"));
	assert_int_equal(chmod(f->path, 0600), 0);
	assert_int_equal(truncate(f->path, 16), 0);
	assert_int_equal(ld_secret_load(f->dir, "otp.secret", a, &err),
			 LD_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hmac_sm3_published_vectors),
		cmocka_unit_test(hmac_sm3_is_keyed),
		cmocka_unit_test_setup_teardown(made_once_and_private, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			refused_when_readable_or_wrong_size, setup, teardown),
	};
	return cmocka_run_group_tests_name("secret", tests, NULL, NULL);
}
