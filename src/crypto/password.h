/*
 * password.h — password hashing with Argon2id (RFC 9106), through libargon2.
 * Hashes are PHC strings ($argon2id$v=19$m=...,t=...,p=...$salt$hash) so the
 * parameters travel with each hash and can be raised later.
 */
#ifndef LD_PASSWORD_H
#define LD_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#define LD_PASSWORD_HASH_MAX 128

/* Hash `password` with a fresh random salt into out (NUL-terminated). */
ld_status ld_password_hash(const char *password, char out[LD_PASSWORD_HASH_MAX]);
/* Constant-time check of password against a PHC string. */
bool ld_password_verify(const char *password, const char *hash);

/* A random password of `len` characters from an alphabet without look-alike
 * characters (no 0/O, 1/l/I), for generated accounts. */
ld_status ld_password_generate(char *out, size_t len);

#endif
