/*
 * utf8.c — UTF-8 well-formedness (RFC 3629).
 */
#include "util/utf8.h"

bool ld_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned min;
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, min = 0x10000;
		else
			return false;
		if (i + len > n)
			return false;
		unsigned cp = c & (0x7fu >> len);
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3fu);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

static enum ld_utf8_unsafe classify(uint32_t c)
{
	if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029)
		return LD_UTF8_CONTROL;
	if (c == 0x061c || c == 0x200e || c == 0x200f ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
		return LD_UTF8_BIDI;
	if (c == 0x200b || (c >= 0x2060 && c <= 0x2064) || c == 0xfeff ||
	    (c >= 0xfff9 && c <= 0xfffb))
		return LD_UTF8_INVISIBLE;
	return LD_UTF8_SAFE;
}

enum ld_utf8_unsafe ld_utf8_find_unsafe(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		if (i + len > n)
			len = n - i; /* not well-formed: decode what is there */
		uint32_t v = len == 1 ? c : c & (0x7fu >> len);
		for (size_t k = 1; k < len; k++)
			v = v << 6 | (s[i + k] & 0x3fu);
		enum ld_utf8_unsafe kind = classify(v);
		if (kind != LD_UTF8_SAFE) {
			if (cp)
				*cp = v;
			return kind;
		}
		i += len;
	}
	return LD_UTF8_SAFE;
}
