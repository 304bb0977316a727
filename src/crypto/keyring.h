/*
 * keyring.h — the signing keys of electronic permits, kept in DATA/keys/:
 *
 *   current           the id of the key that signs new permits, and '\n'
 *   <id>.key.pem      a private key (0600)
 *   <id>.pub.pem      its public key (0644)
 *
 * Rotating adds a key and makes it current; older keys stay, so permits
 * they signed still verify. A verifier needs only the .pub.pem files.
 * Key ids are 16 lowercase hex characters (see sm2.h) and are checked
 * before they become part of a path. This file does not sign anything.
 */
#ifndef LD_KEYRING_H
#define LD_KEYRING_H

#include <stdbool.h>

#include "core/status.h"
#include "crypto/sm2.h"

/* Whether s is a well-formed key id: exactly 16 of [0-9a-f]. */
bool ld_keyring_id_is_valid(const char *s);

/*
 * Generate a key pair in DATA/keys (created 0700, as is data_dir if
 * missing). With make_current, `current` is then replaced atomically (a
 * temporary file renamed over it), which is a rotation. key_id receives
 * the new id. Errors as ld_sm2_generate, or LD_EIO writing `current`.
 */
ld_status ld_keyring_generate(const char *data_dir, bool make_current,
			      char key_id[LD_SM2_KEY_ID_LEN + 1],
			      ld_error *err);

/* The current key id into key_id. LD_ENOTFOUND when there is none yet;
 * LD_EINVAL when `current` does not hold a well-formed id. */
ld_status ld_keyring_current(const char *data_dir,
			     char key_id[LD_SM2_KEY_ID_LEN + 1],
			     ld_error *err);

/*
 * Load the current private key for signing into *priv (the caller frees it
 * with ld_sm2_free) and its id into key_id. LD_ENOTFOUND when no key is
 * current (run `liudong keys generate`); LD_EDENIED when the private key
 * file is readable by others; LD_EINVAL when the file's key does not have
 * the id it is named by.
 */
ld_status ld_keyring_load_signer(const char *data_dir, ld_sm2_key **priv,
				 char key_id[LD_SM2_KEY_ID_LEN + 1],
				 ld_error *err);

/*
 * Load the public key with id key_id from path, which is either a keys
 * directory (path/<key_id>.pub.pem is read) or a single .pub.pem file
 * (whose key must have that id; key_id NULL accepts any). The caller frees
 * *pub. Errors: LD_ENOTFOUND with field "key_id" when that key is not
 * there (an unknown key), LD_ENOTFOUND with field "public_key" when path
 * does not exist, LD_EINVAL for a malformed id or file.
 */
ld_status ld_keyring_load_public(const char *path, const char *key_id,
				 ld_sm2_key **pub, ld_error *err);

/* Called once per key by ld_keyring_list: its id, whether it is current,
 * the path of its public key file, and whether its private key file is
 * present. Strings are valid during the call only. A non-zero return
 * stops the listing. */
typedef int (*ld_keyring_each_fn)(void *ctx, const char *key_id,
				  bool current, const char *pub_path,
				  bool has_private);

/*
 * Call fn for each public key in DATA/keys, oldest first (by the public
 * file's modification time, then id). A missing keys directory lists
 * nothing. LD_EIO when the directory cannot be read.
 */
ld_status ld_keyring_list(const char *data_dir, ld_keyring_each_fn fn,
			  void *ctx, ld_error *err);

#endif
