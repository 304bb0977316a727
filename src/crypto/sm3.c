/*
 * sm3.c — OpenSSL adapter for SM3 and HMAC-SM3.
 */
#include "sm3.h"

#include <stdlib.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <pthread.h>

struct ld_sm3 {
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
};

/* Fetching an algorithm is slow in OpenSSL 3 (a provider look-up under a
 * lock); fetch SM3 once for the process. */
static EVP_MD *sm3_md;
static pthread_once_t sm3_once = PTHREAD_ONCE_INIT;

static void fetch_sm3(void)
{
	sm3_md = EVP_MD_fetch(NULL, "SM3", NULL);
}

ld_sm3 *ld_sm3_new(void)
{
	ld_sm3 *h = malloc(sizeof *h);
	if (!h)
		return NULL;
	pthread_once(&sm3_once, fetch_sm3);
	h->md = sm3_md;
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

/* One context per thread, made on first use and freed when the thread
 * ends: hashing a token or an audit entry allocates nothing. */
static __thread ld_sm3 *thread_ctx;
static pthread_key_t thread_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void free_thread_ctx(void *p)
{
	ld_sm3_free(p);
}

static void make_key(void)
{
	pthread_key_create(&thread_key, free_thread_ctx);
}

ld_sm3 *ld_sm3_thread(void)
{
	if (!thread_ctx) {
		pthread_once(&key_once, make_key);
		thread_ctx = ld_sm3_new();
		pthread_setspecific(thread_key, thread_ctx);
	}
	return thread_ctx;
}

ld_status ld_sm3_hex(const void *data, size_t len,
		     char out[LD_SM3_HEX_LEN + 1])
{
	ld_sm3 *h = ld_sm3_thread();
	if (!h)
		return LD_EINTERNAL;
	ld_sm3_update(h, data, len);
	return ld_sm3_final_hex(h, out);
}

static const char hex_digits[] = "0123456789abcdef";

/* The HMAC algorithm, fetched once for the process like SM3 above. */
static EVP_MAC *hmac_alg;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void fetch_hmac(void)
{
	hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

ld_status ld_hmac_sm3_hex(const void *key, size_t key_len, const void *data,
			  size_t len, char out[LD_SM3_HEX_LEN + 1])
{
	pthread_once(&hmac_once, fetch_hmac);
	if (!hmac_alg)
		return LD_EINTERNAL;
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(hmac_alg);
	if (!ctx)
		return LD_ENOMEM;
	char digest[] = "SM3";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest,
						 0),
		OSSL_PARAM_construct_end(),
	};
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t n = 0;
	ld_status rc = LD_EINTERNAL;
	if (EVP_MAC_init(ctx, key, key_len, params) == 1 &&
	    EVP_MAC_update(ctx, data, len) == 1 &&
	    EVP_MAC_final(ctx, mac, &n, sizeof mac) == 1 && n == LD_SM3_LEN) {
		for (size_t i = 0; i < n; i++) {
			out[2 * i] = hex_digits[mac[i] >> 4];
			out[2 * i + 1] = hex_digits[mac[i] & 15];
		}
		out[LD_SM3_HEX_LEN] = '\0';
		rc = LD_OK;
	}
	OPENSSL_cleanse(mac, sizeof mac);
	EVP_MAC_CTX_free(ctx);
	return rc;
}
