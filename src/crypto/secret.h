/*
 * secret.h — the server's own secrets, kept as files in DATA/keys beside
 * the signing keys and never in the database: a copy of the database alone
 * does not reveal what they protect.
 *
 *   otp.secret    32 random bytes (0600): the key of the residents'
 *                 one-time code digests (HMAC-SM3, h_resident.c)
 *
 * A secret is made at first use when its file is absent. This file does no
 * cryptography with them.
 */
#ifndef LD_SECRET_H
#define LD_SECRET_H

#include "core/status.h"

#define LD_SECRET_LEN 32

/*
 * Read DATA/keys/<name> into out, first creating it (32 bytes from the
 * kernel's generator, mode 0600, written to a temporary file and linked
 * into place, so two processes starting at once end with the same secret)
 * when it does not exist. DATA/keys is created 0700 when missing.
 * Errors: LD_EDENIED when the file can be read by others than its owner,
 * LD_EINVAL when it is not exactly LD_SECRET_LEN bytes, LD_EIO otherwise.
 */
ld_status ld_secret_load(const char *data_dir, const char *name,
			 unsigned char out[LD_SECRET_LEN], ld_error *err);

#endif
