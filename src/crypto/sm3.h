/*
 * sm3.h — SM3 digests (GB/T 32905-2016) and HMAC-SM3, through OpenSSL 3.
 * The one file that knows OpenSSL's digest and MAC APIs.
 */
#ifndef LD_SM3_H
#define LD_SM3_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#define LD_SM3_LEN 32
#define LD_SM3_HEX_LEN 64

typedef struct ld_sm3 ld_sm3;

/* Incremental digest. ld_sm3_new returns NULL when OpenSSL lacks SM3. */
ld_sm3 *ld_sm3_new(void);
void ld_sm3_free(ld_sm3 *h);
void ld_sm3_update(ld_sm3 *h, const void *data, size_t len);
/* Finish into 64 lowercase hex characters and a NUL; the context is reset
 * and can be reused. */
ld_status ld_sm3_final_hex(ld_sm3 *h, char out[LD_SM3_HEX_LEN + 1]);

/* This thread's reusable context (never freed; one per thread), or NULL.
 * Do not free it; it is reset by each ld_sm3_final_hex. */
ld_sm3 *ld_sm3_thread(void);

/* One-shot digest of data as hex, on this thread's context. */
ld_status ld_sm3_hex(const void *data, size_t len,
		     char out[LD_SM3_HEX_LEN + 1]);

/* HMAC-SM3 (the HMAC of GB/T 15852.2 over SM3; GM/T 0042-2015 Appendix D.3
 * has test vectors) of data under key, as 64 lowercase hex characters and
 * a NUL. LD_EINTERNAL when OpenSSL lacks it. */
ld_status ld_hmac_sm3_hex(const void *key, size_t key_len, const void *data,
			  size_t len, char out[LD_SM3_HEX_LEN + 1]);

#endif
