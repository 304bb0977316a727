/*
 * password_rules.c — the staff password policy (see password_rules.h).
 */
#include "core/password_rules.h"

#include <string.h>
#include <strings.h>

/* The code point at s (valid UTF-8) and its length in bytes. */
static unsigned decode(const unsigned char *s, int *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	int n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	unsigned cp = s[0] & (0x7f >> n);
	for (int i = 1; i < n && s[i]; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	*len = n;
	return cp;
}

static bool contains_ignoring_case(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, n) == 0)
			return true;
	return false;
}

bool ld_password_acceptable(const char *password, const char *username,
			    const char **why)
{
	enum { DISTINCT_SEEN = 16 };
	unsigned seen[DISTINCT_SEEN];
	int chars = 0, distinct = 0;
	bool lower = false, upper = false, digit = false, other = false;
	for (const unsigned char *p = (const unsigned char *)password; *p;) {
		int len;
		unsigned cp = decode(p, &len);
		p += len;
		chars++;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			*why = "新密码不能含有控制字符";
			return false;
		}
		if (cp >= 'a' && cp <= 'z')
			lower = true;
		else if (cp >= 'A' && cp <= 'Z')
			upper = true;
		else if (cp >= '0' && cp <= '9')
			digit = true;
		else
			other = true;
		bool known = false;
		for (int i = 0; i < distinct && !known; i++)
			known = seen[i] == cp;
		if (!known && distinct < DISTINCT_SEEN)
			seen[distinct++] = cp;
	}
	int classes = lower + upper + digit + other;
	if (chars < LD_PASSWORD_MIN_CHARS) {
		*why = "新密码至少10个字符";
		return false;
	}
	if (chars < LD_PASSWORD_LONG_CHARS &&
	    classes < LD_PASSWORD_MIN_CLASSES) {
		*why = "新密码须包含小写字母、大写字母、数字和其他符号中的至少三类"
		       "（16个字符及以上的不限）";
		return false;
	}
	if (distinct < LD_PASSWORD_MIN_DISTINCT) {
		*why = "新密码不能由少数几个字符重复组成（至少5个不同的字符）";
		return false;
	}
	if (username && strlen(username) >= 3 &&
	    contains_ignoring_case(password, username)) {
		*why = "新密码不能包含用户名";
		return false;
	}
	return true;
}
