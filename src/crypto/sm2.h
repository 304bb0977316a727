/*
 * sm2.h — SM2 signatures over SM3 (GB/T 32918.2-2016, GB/T 32905-2016),
 * through OpenSSL 3: key generation, PEM key files, signing, verifying.
 *
 * The one file that knows OpenSSL's key and signature API. Every signature
 * uses the default distinguishing ID of GB/T 35276-2017, "1234567812345678",
 * set explicitly, so any conforming SM2 verifier can check it. Which key is
 * current, and where key files live, is keyring.h's business, not this one's.
 */
#ifndef LD_SM2_H
#define LD_SM2_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

/* The distinguishing ID hashed into every signature (GB/T 35276 §8.2). */
#define LD_SM2_ID "1234567812345678"
/* Room for a DER-encoded SM2 signature (at most 72 bytes in practice). */
#define LD_SM2_SIG_MAX 80
/* A key id: the first 16 lowercase hex characters of SM3 over the DER
 * SubjectPublicKeyInfo. */
#define LD_SM2_KEY_ID_LEN 16

typedef struct ld_sm2_key ld_sm2_key;

/*
 * Generate a key pair into directory dir, created 0700 if missing:
 *   dir/<id>.key.pem  PKCS#8 private key, mode 0600, created with O_EXCL
 *   dir/<id>.pub.pem  SubjectPublicKeyInfo, mode 0644
 * Neither file is ever overwritten. key_id receives the id and a NUL.
 * Errors: LD_EIO (directory or file), LD_ECONFLICT (a file of that id
 * already exists), LD_EINTERNAL (OpenSSL), each with a Chinese message.
 */
ld_status ld_sm2_generate(const char *dir, char key_id[LD_SM2_KEY_ID_LEN + 1],
			  ld_error *err);

/*
 * Load a PEM private key. Refuses (LD_EDENIED) a file that group or others
 * may read or write, or that is not a regular file. LD_ENOTFOUND when the
 * file does not exist, LD_EINVAL when it holds no SM2 private key.
 * On success *out is a new key the caller frees with ld_sm2_free.
 */
ld_status ld_sm2_load_private(const char *path, ld_sm2_key **out,
			      ld_error *err);

/* Load a PEM public key (SubjectPublicKeyInfo). Errors as for
 * ld_sm2_load_private, without the mode check. The caller frees *out. */
ld_status ld_sm2_load_public(const char *path, ld_sm2_key **out,
			     ld_error *err);

/* Free a key from either loader; NULL is allowed. */
void ld_sm2_free(ld_sm2_key *k);

/* The key's id (computed when it was loaded) and a NUL. A private key has
 * the id of its public half. */
ld_status ld_sm2_key_id(const ld_sm2_key *k,
			char key_id[LD_SM2_KEY_ID_LEN + 1]);

/*
 * Sign len bytes of msg with a private key. sig must have LD_SM2_SIG_MAX
 * bytes; *sig_len receives the length of the DER signature. Safe to call
 * from several threads with the same key. LD_EINVAL for a public-only key,
 * LD_EINTERNAL when OpenSSL fails.
 */
ld_status ld_sm2_sign(const ld_sm2_key *priv, const void *msg, size_t len,
		      unsigned char sig[LD_SM2_SIG_MAX], size_t *sig_len);

/* Whether sig is a valid SM2 signature of msg under the key (public or
 * private). Malformed signatures are simply not valid. */
bool ld_sm2_verify(const ld_sm2_key *pub, const void *msg, size_t len,
		   const unsigned char *sig, size_t sig_len);

#endif
