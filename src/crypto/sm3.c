/*
 * sm3.c — OpenSSL adapter for SM3.
 */
#include "sm3.h"

#include <stdlib.h>

#include <openssl/evp.h>

struct ld_sm3 {
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
};

ld_sm3 *ld_sm3_new(void)
{
	ld_sm3 *h = malloc(sizeof *h);
	if (!h)
		return NULL;
	h->md = EVP_sm3();
	h->ctx = EVP_MD_CTX_new();
	if (!h->md || !h->ctx || EVP_DigestInit_ex(h->ctx, h->md, NULL) != 1) {
		ld_sm3_free(h);
		return NULL;
	}
	return h;
}

void ld_sm3_free(ld_sm3 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void ld_sm3_update(ld_sm3 *h, const void *data, size_t len)
{
	EVP_DigestUpdate(h->ctx, data, len);
}

ld_status ld_sm3_final_hex(ld_sm3 *h, char out[LD_SM3_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != LD_SM3_LEN)
		return LD_EINTERNAL;
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[LD_SM3_HEX_LEN] = '\0';
	if (EVP_DigestInit_ex(h->ctx, h->md, NULL) != 1)
		return LD_EINTERNAL;
	return LD_OK;
}

ld_status ld_sm3_hex(const void *data, size_t len,
		     char out[LD_SM3_HEX_LEN + 1])
{
	ld_sm3 *h = ld_sm3_new();
	if (!h)
		return LD_EINTERNAL;
	ld_sm3_update(h, data, len);
	ld_status rc = ld_sm3_final_hex(h, out);
	ld_sm3_free(h);
	return rc;
}
