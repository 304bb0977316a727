/*
 * password.c — libargon2 adapter. Parameters follow OWASP's Argon2id
 * baseline: 19 MiB, 2 iterations, 1 lane.
 */
#include "password.h"

#include <string.h>

#include <argon2.h>

#include "random.h"

#define T_COST 2
#define M_COST (19 * 1024)
#define LANES 1
#define SALT_LEN 16
#define HASH_LEN 32

ld_status ld_password_hash(const char *password, char out[LD_PASSWORD_HASH_MAX])
{
	unsigned char salt[SALT_LEN];
	if (ld_random_bytes(salt, sizeof salt) != LD_OK)
		return LD_EINTERNAL;
	int rc = argon2id_hash_encoded(T_COST, M_COST, LANES, password,
				       strlen(password), salt, sizeof salt,
				       HASH_LEN, out, LD_PASSWORD_HASH_MAX);
	return rc == ARGON2_OK ? LD_OK : LD_EINTERNAL;
}

bool ld_password_verify(const char *password, const char *hash)
{
	if (strncmp(hash, "$argon2id$", 10) != 0)
		return false;
	return argon2id_verify(hash, password, strlen(password)) == ARGON2_OK;
}

ld_status ld_password_generate(char *out, size_t len)
{
	static const char alphabet[] =
		"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	const size_t n = sizeof alphabet - 1;
	for (size_t i = 0; i < len;) {
		unsigned char b;
		if (ld_random_bytes(&b, 1) != LD_OK)
			return LD_EINTERNAL;
		/* Reject bytes past the last full multiple: no modulo bias. */
		if (b >= 256 / n * n)
			continue;
		out[i++] = alphabet[b % n];
	}
	out[len] = '\0';
	return LD_OK;
}
