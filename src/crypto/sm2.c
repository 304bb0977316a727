/*
 * sm2.c — OpenSSL 3 adapter for SM2 keys and signatures.
 *
 * Signing and verifying follow OpenSSL's SM2(7): a key context carrying the
 * distinguishing ID is attached to the digest context before
 * EVP_DigestSignInit/EVP_DigestVerifyInit with SM3. Key files are read with
 * open/fstat first, so the mode checked is the mode of the file read.
 */
#include "sm2.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "sm3.h"

/* A PEM key file is a few hundred bytes; anything this big is not one. */
#define KEY_FILE_MAX (64 * 1024)

struct ld_sm2_key {
	EVP_PKEY *pkey;
	bool has_private;
	char id[LD_SM2_KEY_ID_LEN + 1];
};

static ld_status compute_id(EVP_PKEY *pkey, char id[LD_SM2_KEY_ID_LEN + 1])
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(pkey, &der);
	if (n <= 0)
		return LD_EINTERNAL;
	char hex[LD_SM3_HEX_LEN + 1];
	ld_status rc = ld_sm3_hex(der, (size_t)n, hex);
	OPENSSL_free(der);
	if (rc != LD_OK)
		return rc;
	memcpy(id, hex, LD_SM2_KEY_ID_LEN);
	id[LD_SM2_KEY_ID_LEN] = '\0';
	return LD_OK;
}

/* Write a whole new file: never replaces one (O_EXCL), mode set exactly
 * (the umask could only narrow it), synced before it counts as written.
 * A file left half-written is removed. */
static ld_status write_new_file(const char *path, const void *data,
				size_t len, mode_t mode, ld_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		if (errno == EEXIST)
			return ld_fail(err, LD_ECONFLICT, "key",
				       "密钥文件已存在，不会覆盖：%s", path);
		return ld_fail(err, LD_EIO, "key", "无法创建密钥文件 %s：%s",
			       path, strerror(errno));
	}
	const char *p = data;
	size_t left = len;
	int e = 0;
	while (left > 0 && !e) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w < 0 ? errno : EIO;
			break;
		}
		p += w;
		left -= (size_t)w;
	}
	if (!e && (fchmod(fd, mode) != 0 || fsync(fd) != 0))
		e = errno;
	if (close(fd) != 0 && !e)
		e = errno;
	if (!e)
		return LD_OK;
	unlink(path);
	return ld_fail(err, LD_EIO, "key", "写入密钥文件 %s 失败：%s", path,
		       strerror(e));
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* PEM text of the key: PKCS#8 private or SubjectPublicKeyInfo. The caller
 * frees the BIO (which owns *text). */
static BIO *pem_of(EVP_PKEY *pkey, bool private_key, char **text,
		   size_t *len)
{
	BIO *b = BIO_new(BIO_s_secmem());
	if (!b)
		return NULL;
	int ok = private_key ? PEM_write_bio_PKCS8PrivateKey(b, pkey, NULL,
							     NULL, 0, NULL,
							     NULL)
			     : PEM_write_bio_PUBKEY(b, pkey);
	long n = BIO_get_mem_data(b, text);
	if (ok != 1 || n <= 0) {
		BIO_free(b);
		return NULL;
	}
	*len = (size_t)n;
	return b;
}

ld_status ld_sm2_generate(const char *dir, char key_id[LD_SM2_KEY_ID_LEN + 1],
			  ld_error *err)
{
	ld_status rc;
	EVP_PKEY *pkey = NULL;
	BIO *priv_pem = NULL, *pub_pem = NULL;
	char priv_path[4096], pub_path[4096];

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return ld_fail(err, LD_EIO, "data", "无法创建密钥目录 %s：%s",
			       dir, strerror(errno));

	EVP_PKEY_CTX *gen = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
	if (!gen || EVP_PKEY_keygen_init(gen) != 1 ||
	    EVP_PKEY_generate(gen, &pkey) != 1) {
		ERR_clear_error();
		rc = ld_fail(err, LD_EINTERNAL, NULL,
			     "无法生成 SM2 密钥（OpenSSL 不支持 SM2？）");
		goto out_free;
	}
	char id[LD_SM2_KEY_ID_LEN + 1];
	if (compute_id(pkey, id) != LD_OK) {
		rc = ld_fail(err, LD_EINTERNAL, NULL, "无法计算密钥编号");
		goto out_free;
	}
	if ((size_t)snprintf(priv_path, sizeof priv_path, "%s/%s.key.pem", dir,
			     id) >= sizeof priv_path ||
	    (size_t)snprintf(pub_path, sizeof pub_path, "%s/%s.pub.pem", dir,
			     id) >= sizeof pub_path) {
		rc = ld_fail(err, LD_EINVAL, "data", "密钥目录路径过长");
		goto out_free;
	}
	char *priv_text, *pub_text;
	size_t priv_len, pub_len;
	priv_pem = pem_of(pkey, true, &priv_text, &priv_len);
	pub_pem = pem_of(pkey, false, &pub_text, &pub_len);
	if (!priv_pem || !pub_pem) {
		rc = ld_fail(err, LD_EINTERNAL, NULL, "无法编码 SM2 密钥");
		goto out_free;
	}
	/* Private first: a public key without its private half is harmless;
	 * the reverse would be a key nobody can verify. */
	rc = write_new_file(priv_path, priv_text, priv_len, 0600, err);
	if (rc != LD_OK)
		goto out_free;
	rc = write_new_file(pub_path, pub_text, pub_len, 0644, err);
	if (rc != LD_OK) {
		unlink(priv_path);
		goto out_free;
	}
	sync_dir(dir);
	memcpy(key_id, id, sizeof id);

out_free:
	BIO_free(priv_pem);
	BIO_free(pub_pem);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(gen);
	return rc;
}

/* Read a key file into a secure-heap BIO the caller frees. */
static ld_status read_key_file(const char *path, bool private_key, BIO **out,
			       ld_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return ld_fail(err, LD_ENOTFOUND, "key",
				       "密钥文件不存在：%s", path);
		return ld_fail(err, LD_EIO, "key", "无法打开密钥文件 %s：%s",
			       path, strerror(errno));
	}
	ld_status rc = LD_OK;
	BIO *b = NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = ld_fail(err, LD_EINVAL, "key", "不是普通文件：%s", path);
		goto out_close;
	}
	/* A signing key others can read is a signing key others may have. */
	if (private_key && (st.st_mode & 077)) {
		rc = ld_fail(err, LD_EDENIED, "key",
			     "私钥文件 %s 的权限为 %04o，同组或其他用户可访问；"
			     "请执行 chmod 600 后重试",
			     path, (unsigned)(st.st_mode & 07777));
		goto out_close;
	}
	if (st.st_size <= 0 || st.st_size > KEY_FILE_MAX) {
		rc = ld_fail(err, LD_EINVAL, "key", "不是 PEM 密钥文件：%s",
			     path);
		goto out_close;
	}
	b = BIO_new(BIO_s_secmem());
	char chunk[4096];
	size_t total = 0;
	ssize_t n;
	while (b && (n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (total += (size_t)n) > KEY_FILE_MAX ||
		    BIO_write(b, chunk, (int)n) != (int)n) {
			rc = ld_fail(err, LD_EIO, "key", "读取密钥文件 %s 失败",
				     path);
			goto out_cleanse;
		}
	}
	if (!b)
		rc = ld_fail(err, LD_ENOMEM, NULL, "内存不足");
out_cleanse:
	OPENSSL_cleanse(chunk, sizeof chunk);
	if (rc != LD_OK) {
		BIO_free(b);
		b = NULL;
	}
out_close:
	close(fd);
	*out = b;
	return rc;
}

/* Key files are not encrypted; without this OpenSSL would ask for a
 * passphrase on the terminal, and a server would hang. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

static ld_status load(const char *path, bool private_key, ld_sm2_key **out,
		      ld_error *err)
{
	*out = NULL;
	BIO *b;
	ld_status rc = read_key_file(path, private_key, &b, err);
	if (rc != LD_OK)
		return rc;
	EVP_PKEY *pkey = private_key ? PEM_read_bio_PrivateKey(
					       b, NULL, no_passphrase, NULL)
				     : PEM_read_bio_PUBKEY(b, NULL, no_passphrase,
							   NULL);
	BIO_free(b);
	if (!pkey || !EVP_PKEY_is_a(pkey, "SM2")) {
		EVP_PKEY_free(pkey);
		ERR_clear_error();
		return ld_fail(err, LD_EINVAL, "key", "%s 中没有 SM2 %s", path,
			       private_key ? "私钥" : "公钥");
	}
	ld_sm2_key *k = calloc(1, sizeof *k);
	if (!k) {
		EVP_PKEY_free(pkey);
		return ld_fail(err, LD_ENOMEM, NULL, "内存不足");
	}
	k->pkey = pkey;
	k->has_private = private_key;
	if (compute_id(pkey, k->id) != LD_OK) {
		ld_sm2_free(k);
		return ld_fail(err, LD_EINTERNAL, NULL, "无法计算密钥编号");
	}
	*out = k;
	return LD_OK;
}

ld_status ld_sm2_load_private(const char *path, ld_sm2_key **out,
			      ld_error *err)
{
	return load(path, true, out, err);
}

ld_status ld_sm2_load_public(const char *path, ld_sm2_key **out,
			     ld_error *err)
{
	return load(path, false, out, err);
}

void ld_sm2_free(ld_sm2_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

ld_status ld_sm2_key_id(const ld_sm2_key *k,
			char key_id[LD_SM2_KEY_ID_LEN + 1])
{
	memcpy(key_id, k->id, sizeof k->id);
	return LD_OK;
}

/* A digest context set up for signing or verifying with the SM2 ID. The
 * caller frees *mctx and then *pctx, whatever the result (the digest
 * context does not own a key context attached with
 * EVP_MD_CTX_set_pkey_ctx). */
static bool sig_init(const ld_sm2_key *k, bool sign, EVP_MD_CTX **mctx,
		     EVP_PKEY_CTX **pctx)
{
	*mctx = EVP_MD_CTX_new();
	*pctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	if (!*mctx || !*pctx ||
	    EVP_PKEY_CTX_set1_id(*pctx, LD_SM2_ID, strlen(LD_SM2_ID)) <= 0)
		return false;
	EVP_MD_CTX_set_pkey_ctx(*mctx, *pctx);
	return (sign ? EVP_DigestSignInit(*mctx, NULL, EVP_sm3(), NULL,
					  k->pkey)
		     : EVP_DigestVerifyInit(*mctx, NULL, EVP_sm3(), NULL,
					    k->pkey)) == 1;
}

ld_status ld_sm2_sign(const ld_sm2_key *priv, const void *msg, size_t len,
		      unsigned char sig[LD_SM2_SIG_MAX], size_t *sig_len)
{
	if (!priv->has_private)
		return LD_EINVAL;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	ld_status rc = LD_EINTERNAL;
	size_t n = LD_SM2_SIG_MAX;
	if (sig_init(priv, true, &mctx, &pctx) &&
	    EVP_DigestSign(mctx, sig, &n, msg, len) == 1) {
		*sig_len = n;
		rc = LD_OK;
	} else {
		ERR_clear_error();
	}
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_CTX_free(pctx);
	return rc;
}

bool ld_sm2_verify(const ld_sm2_key *pub, const void *msg, size_t len,
		   const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	bool ok = sig_len > 0 && sig_len <= LD_SM2_SIG_MAX &&
		  sig_init(pub, false, &mctx, &pctx) &&
		  EVP_DigestVerify(mctx, sig, sig_len, msg, len) == 1;
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_CTX_free(pctx);
	/* A forged signature is an answer, not an error: leave no trace in
	 * this thread's OpenSSL error queue for a later TLS call to find. */
	if (!ok)
		ERR_clear_error();
	return ok;
}
