/*
 * licence.c — GB/T 36904 identifiers and masking.
 */
#include "licence.h"

#include <stdio.h>
#include <string.h>

static int char_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return -1;
}

/* ISO 7064 hybrid system with M = 36: start with p = M; for each character
 * s = (p + value) mod M (0 becomes M) and p = 2s mod (M + 1); the check
 * value makes (p + check) mod M equal 1. */
char ld_mod37_36_check(const char *s, size_t len)
{
	const int m = 36;
	int p = m;
	for (size_t i = 0; i < len; i++) {
		int v = char_value(s[i]);
		if (v < 0)
			return '\0';
		int t = (p + v) % m;
		if (t == 0)
			t = m;
		p = (2 * t) % (m + 1);
	}
	int check = (m + 1 - p) % m;
	return check < 10 ? (char)('0' + check) : (char)('A' + check - 10);
}

static bool part_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (char_value(s[i]) < 0)
			return false;
	return true;
}

bool ld_licence_format(const char *type, const char *issuer,
		       const char *serial, int version, char *out)
{
	if (!part_ok(type, 32) || !part_ok(issuer, 32) || !part_ok(serial, 20) ||
	    version < 1 || version > 999)
		return false;
	char body[100];
	int n = snprintf(body, sizeof body, "%s%s%s%03d", type, issuer, serial,
			 version);
	if (n < 0 || (size_t)n >= sizeof body)
		return false;
	char check = ld_mod37_36_check(body, (size_t)n);
	n = snprintf(out, LD_LICENCE_MAX, LD_LICENCE_ROOT ".%s.%s.%s.%03d.%c",
		     type, issuer, serial, version, check);
	return n > 0 && n < LD_LICENCE_MAX;
}

bool ld_licence_is_valid(const char *s, int *version)
{
	const size_t root = strlen(LD_LICENCE_ROOT);
	size_t n = strlen(s);
	if (n <= root + 1 || n >= LD_LICENCE_MAX ||
	    strncmp(s, LD_LICENCE_ROOT ".", root + 1) != 0)
		return false;
	/* Five parts after the root: type, issuer, serial, version, check. */
	char buf[LD_LICENCE_MAX], body[LD_LICENCE_MAX];
	memcpy(buf, s + root + 1, n - root);
	char *parts[6];
	int k = 0;
	for (char *p = buf, *dot; k < 6; p = dot + 1) {
		parts[k++] = p;
		dot = strchr(p, '.');
		if (!dot)
			break;
		*dot = '\0';
	}
	if (k != 5)
		return false;
	for (int i = 0; i < 4; i++)
		if (!part_ok(parts[i], i == 2 ? 20 : 32))
			return false;
	if (strlen(parts[3]) != 3 || strlen(parts[4]) != 1)
		return false;
	int v = (parts[3][0] - '0') * 100 + (parts[3][1] - '0') * 10 +
		(parts[3][2] - '0');
	if (parts[3][0] > '9' || parts[3][1] > '9' || parts[3][2] > '9' ||
	    v < 1)
		return false;
	int m = snprintf(body, sizeof body, "%s%s%s%s", parts[0], parts[1],
			 parts[2], parts[3]);
	if (m < 0 || (size_t)m >= sizeof body ||
	    ld_mod37_36_check(body, (size_t)m) != parts[4][0])
		return false;
	if (version)
		*version = v;
	return true;
}

void ld_mask_id_number(const char *id, char out[19])
{
	size_t n = strlen(id);
	if (n > 18)
		n = 18;
	size_t head = n >= 15 ? 6 : n >= 8 ? 1 : 0;
	size_t tail = n >= 15 ? 4 : n >= 8 ? 2 : 0;
	for (size_t i = 0; i < n; i++)
		out[i] = (i < head || i + tail >= n) && head ? id[i] : '*';
	out[n] = '\0';
}
