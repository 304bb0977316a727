/*
 * epermit.c — the electronic permit's text form: checking, writing and
 * parsing its fields, and the base64url the signature travels in.
 */
#include "epermit.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N_FIELDS 10

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* ---- base64url (RFC 4648 §5), no padding ---- */

ld_status ld_base64url_encode(const void *data, size_t len, ld_buf *out)
{
	const unsigned char *p = data;
	size_t start = out->len;
	ld_status rc = ld_buf_reserve(out, (len + 2) / 3 * 4);
	for (size_t i = 0; rc == LD_OK && i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		size_t n = len - i >= 3 ? 3 : len - i;
		if (n > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (n > 2)
			v |= p[i + 2];
		char q[4] = {b64url[v >> 18], b64url[(v >> 12) & 63],
			     b64url[(v >> 6) & 63], b64url[v & 63]};
		rc = ld_buf_add(out, q, n + 1);
	}
	if (rc != LD_OK && out->data) {
		out->len = start;
		out->data[start] = '\0';
	}
	return rc;
}

static int b64url_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

ld_status ld_base64url_decode(const char *s, size_t len, unsigned char *out,
			      size_t cap, size_t *out_len)
{
	/* One leftover character carries only 6 bits: never a whole byte. */
	if (len % 4 == 1)
		return LD_EINVAL;
	size_t n = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
	if (n > cap)
		return LD_ETOOBIG;
	uint32_t acc = 0;
	int bits = 0;
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		int v = b64url_value(s[i]);
		if (v < 0)
			return LD_EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[k++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Non-zero unused bits would give one signature two spellings. */
	if (acc != 0)
		return LD_EINVAL;
	*out_len = k;
	return LD_OK;
}

/* ---- field checks ---- */

/* Whether s[0..len) is valid UTF-8 (shortest forms, no surrogates, at most
 * U+10FFFF) free of '|', C0 and C1 control characters and DEL. */
static bool text_ok(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < len;) {
		unsigned c = s[i];
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f || c == '|')
				return false;
			i++;
			continue;
		}
		size_t n;
		uint32_t cp, min;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 2, cp = c & 0x1f, min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 3, cp = c & 0x0f, min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (len - i < n)
			return false;
		for (size_t j = 1; j < n; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp <= 0x9f))
			return false;
		i += n;
	}
	return true;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool all(const char *s, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != c)
			return false;
	return true;
}

/* The shape ld_mask_id_number gives a normalized 18- or 15-character ID
 * number: first 6 and last 4 kept (个人信息保护法, rules.md §6). */
static bool masked_id_ok(const char *s, size_t n)
{
	if (n == 18)
		return digits(s, 6) && all(s + 6, 8, '*') && digits(s + 14, 3) &&
		       (digits(s + 17, 1) || s[17] == 'X');
	if (n == 15)
		return digits(s, 6) && all(s + 6, 5, '*') && digits(s + 11, 4);
	return false;
}

static bool key_id_ok(const char *s, size_t n)
{
	if (n != LD_EPERMIT_KEY_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* "1".."999" without leading zeros. */
static bool version_parse(const char *s, size_t n, int *out)
{
	if (n < 1 || n > 3 || s[0] == '0' || !digits(s, n))
		return false;
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	*out = v;
	return true;
}

enum field {
	F_MAGIC,
	F_LICENCE,
	F_NAME,
	F_MASKED,
	F_DISTRICT,
	F_DATE,
	F_NO,
	F_VERSION,
	F_KEY,
	F_SIG,
};

static const char *const field_names[N_FIELDS] = {
	"payload",   "licence_id", "name",    "masked_id_number", "district",
	"issue_date", "permit_no", "version", "key_id",           "signature",
};

/* Check one textual field (F_LICENCE..F_KEY, version excluded). */
static ld_status check_field(enum field f, const char *s, size_t n,
			     ld_error *err)
{
	const char *name = field_names[f];
	switch (f) {
	case F_LICENCE: {
		char tmp[LD_LICENCE_MAX];
		if (n == 0 || n >= sizeof tmp || !text_ok(s, n))
			break;
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		if (ld_licence_is_valid(tmp, NULL))
			return LD_OK;
		break;
	}
	case F_NAME:
		if (n == 0 || n > LD_EPERMIT_NAME_MAX)
			return ld_fail(err, LD_EINVAL, name,
				       "姓名应为1至%d字节", LD_EPERMIT_NAME_MAX);
		if (!text_ok(s, n))
			return ld_fail(err, LD_EINVAL, name,
				       "姓名含有“|”、控制字符或无效的 UTF-8");
		return LD_OK;
	case F_MASKED:
		if (masked_id_ok(s, n))
			return LD_OK;
		break;
	case F_DISTRICT:
		if (n == 6 && digits(s, 6))
			return LD_OK;
		break;
	case F_DATE: {
		ld_day d;
		return ld_day_parse(s, (int)n, &d, name, err);
	}
	case F_NO:
		if (n == 0 || n > LD_EPERMIT_NO_MAX)
			return ld_fail(err, LD_EINVAL, name,
				       "居住证编号应为1至%d字节", LD_EPERMIT_NO_MAX);
		if (!text_ok(s, n))
			return ld_fail(err, LD_EINVAL, name,
				       "居住证编号含有“|”、控制字符或无效的 UTF-8");
		return LD_OK;
	case F_KEY:
		if (key_id_ok(s, n))
			return LD_OK;
		break;
	case F_MAGIC:
	case F_VERSION:
	case F_SIG:
		break;
	}
	static const char *const what[N_FIELDS] = {
		[F_LICENCE] = "电子证照标识无效（GB/T 36904：格式或校验位错误）",
		[F_MASKED] = "脱敏身份号码应只保留前6位和后4位，其余为*",
		[F_DISTRICT] = "居住地区县代码应为6位数字",
		[F_KEY] = "密钥编号应为16位小写十六进制",
	};
	return ld_fail(err, LD_EINVAL, name, "%s",
		       what[f] ? what[f] : "字段无效");
}

ld_status ld_epermit_check(const ld_epermit *p, ld_error *err)
{
	const char *text[N_FIELDS] = {
		[F_LICENCE] = p->licence_id, [F_NAME] = p->name,
		[F_MASKED] = p->masked_id_number, [F_DISTRICT] = p->district,
		[F_DATE] = p->issue_date, [F_NO] = p->permit_no,
		[F_KEY] = p->key_id,
	};
	for (int f = F_LICENCE; f <= F_KEY; f++) {
		if (f == F_VERSION) {
			if (p->version < 1 || p->version > 999)
				return ld_fail(err, LD_EINVAL, "version",
					       "版本号应为1至999");
			continue;
		}
		ld_status rc = check_field((enum field)f, text[f],
					   strlen(text[f]), err);
		if (rc != LD_OK)
			return rc;
	}
	return LD_OK;
}

ld_status ld_epermit_signed_part(const ld_epermit *p, ld_buf *out,
				 ld_error *err)
{
	ld_status rc = ld_epermit_check(p, err);
	if (rc != LD_OK)
		return rc;
	size_t start = out->len;
	const char *parts[] = {LD_EPERMIT_MAGIC, p->licence_id, p->name,
			       p->masked_id_number, p->district, p->issue_date,
			       p->permit_no};
	for (size_t i = 0; rc == LD_OK && i < sizeof parts / sizeof *parts;
	     i++) {
		rc = ld_buf_adds(out, parts[i]);
		if (rc == LD_OK)
			rc = ld_buf_addc(out, '|');
	}
	if (rc == LD_OK)
		rc = ld_buf_addf(out, "%d|%s", p->version, p->key_id);
	if (rc != LD_OK) {
		if (out->data) {
			out->len = start;
			out->data[start] = '\0';
		}
		return ld_fail(err, rc, "payload", "内容过长或内存不足");
	}
	return LD_OK;
}

ld_status ld_epermit_format(const ld_epermit *p, const unsigned char *sig,
			    size_t sig_len, ld_buf *out, ld_error *err)
{
	if (sig_len == 0 || sig_len > LD_EPERMIT_SIG_MAX)
		return ld_fail(err, LD_EINVAL, "signature",
			       "签名长度应为1至%d字节", LD_EPERMIT_SIG_MAX);
	size_t start = out->len;
	ld_status rc = ld_epermit_signed_part(p, out, err);
	if (rc != LD_OK)
		return rc;
	rc = ld_buf_addc(out, '|');
	if (rc == LD_OK)
		rc = ld_base64url_encode(sig, sig_len, out);
	if (rc != LD_OK) {
		out->len = start;
		out->data[start] = '\0';
		return ld_fail(err, rc, "payload", "内容过长或内存不足");
	}
	return LD_OK;
}

static void copy_field(char *dst, const char *s, size_t n)
{
	memcpy(dst, s, n);
	dst[n] = '\0';
}

ld_status ld_epermit_parse(const char *text, size_t len, ld_epermit *out,
			   unsigned char sig[LD_EPERMIT_SIG_MAX],
			   size_t *sig_len, size_t *signed_len, ld_error *err)
{
	if (len > LD_EPERMIT_TEXT_MAX)
		return ld_fail(err, LD_ETOOBIG, "payload",
			       "内容超过%d字节，不是电子居住证二维码",
			       LD_EPERMIT_TEXT_MAX);
	/* Split on '|': exactly ten fields. */
	const char *start[N_FIELDS];
	size_t n[N_FIELDS];
	int k = 0;
	size_t from = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '|')
			continue;
		if (k == N_FIELDS)
			return ld_fail(err, LD_EINVAL, "payload",
				       "字段过多：应为%d个以“|”分隔的字段",
				       N_FIELDS);
		start[k] = text + from;
		n[k++] = i - from;
		from = i + 1;
	}
	if (k != N_FIELDS)
		return ld_fail(err, LD_EINVAL, "payload",
			       "字段过少：应为%d个以“|”分隔的字段", N_FIELDS);
	if (n[F_MAGIC] != strlen(LD_EPERMIT_MAGIC) ||
	    memcmp(start[F_MAGIC], LD_EPERMIT_MAGIC, n[F_MAGIC]) != 0)
		return ld_fail(err, LD_EINVAL, "payload",
			       "不是电子居住证二维码内容（应以 " LD_EPERMIT_MAGIC
			       "| 开头）");

	for (int f = F_LICENCE; f <= F_KEY; f++) {
		ld_status rc;
		if (f == F_VERSION) {
			if (!version_parse(start[f], n[f], &out->version))
				return ld_fail(err, LD_EINVAL, "version",
					       "版本号应为1至999，不带前导零");
			continue;
		}
		rc = check_field((enum field)f, start[f], n[f], err);
		if (rc != LD_OK)
			return rc;
	}
	/* Each length was bounded by its check, so each copy fits. */
	copy_field(out->licence_id, start[F_LICENCE], n[F_LICENCE]);
	copy_field(out->name, start[F_NAME], n[F_NAME]);
	copy_field(out->masked_id_number, start[F_MASKED], n[F_MASKED]);
	copy_field(out->district, start[F_DISTRICT], n[F_DISTRICT]);
	copy_field(out->issue_date, start[F_DATE], n[F_DATE]);
	copy_field(out->permit_no, start[F_NO], n[F_NO]);
	copy_field(out->key_id, start[F_KEY], n[F_KEY]);

	size_t got = 0;
	if (n[F_SIG] == 0 ||
	    ld_base64url_decode(start[F_SIG], n[F_SIG], sig, LD_EPERMIT_SIG_MAX,
				&got) != LD_OK ||
	    got == 0)
		return ld_fail(err, LD_EINVAL, "signature",
			       "签名不是有效的 base64url（无填充，至多%d字节）",
			       LD_EPERMIT_SIG_MAX);
	*sig_len = got;
	*signed_len = (size_t)(start[F_SIG] - text) - 1;
	return LD_OK;
}
