/*
 * netaddr.c — IPv4/IPv6 addresses, prefixes and X-Forwarded-For
 * (see netaddr.h). inet_pton and inet_ntop do the parsing and printing.
 */
#include "util/netaddr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 0xff, 0xff};

bool ld_netaddr_parse(const char *s, size_t len, ld_netaddr *out)
{
	char text[LD_NETADDR_TEXT];
	if (len == 0 || len >= sizeof text || memchr(s, '\0', len))
		return false;
	memcpy(text, s, len);
	text[len] = '\0';
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, text, out->b) == 1) {
		out->family = 4;
		return true;
	}
	if (inet_pton(AF_INET6, text, out->b) != 1)
		return false;
	out->family = 6;
	if (memcmp(out->b, v4_mapped, sizeof v4_mapped) == 0) {
		memmove(out->b, out->b + 12, 4);
		memset(out->b + 4, 0, 12);
		out->family = 4;
	}
	return true;
}

void ld_netaddr_format(const ld_netaddr *a, char *out)
{
	if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->b, out,
		       LD_NETADDR_TEXT))
		out[0] = '\0';
}

void ld_netaddr_mask(ld_netaddr *a, int bits)
{
	int total = a->family == 4 ? 32 : 128;
	for (int i = 0; i < total / 8; i++) {
		int keep = bits - i * 8;
		if (keep <= 0)
			a->b[i] = 0;
		else if (keep < 8)
			a->b[i] &= (unsigned char)(0xff << (8 - keep));
	}
}

bool ld_cidr_list_parse(const char *s, ld_cidr *out, size_t cap, size_t *n,
			const char **bad)
{
	*n = 0;
	const char *p = s;
	for (;;) {
		const char *next = strchr(p, ',');
		if (!next)
			next = p + strlen(p);
		while (*p == ' ')
			p++;
		const char *end = next;
		while (end > p && end[-1] == ' ')
			end--;
		*bad = p;
		const char *slash = memchr(p, '/', (size_t)(end - p));
		ld_cidr c;
		if (*n == cap ||
		    !ld_netaddr_parse(p, (size_t)((slash ? slash : end) - p),
				      &c.addr))
			return false;
		int max = c.addr.family == 4 ? 32 : 128;
		c.bits = max;
		if (slash) {
			/* An IPv4-mapped prefix counts its bits in IPv6. */
			bool mapped = c.addr.family == 4 &&
				      memchr(p, ':', (size_t)(slash - p));
			char digits[8];
			size_t dl = (size_t)(end - slash - 1);
			if (dl == 0 || dl >= sizeof digits)
				return false;
			memcpy(digits, slash + 1, dl);
			digits[dl] = '\0';
			char *e;
			long v = strtol(digits, &e, 10);
			if (*e || digits[0] < '0' || digits[0] > '9' ||
			    v > (mapped ? 128 : max) || (mapped && v < 96))
				return false;
			c.bits = mapped ? (int)v - 96 : (int)v;
		}
		ld_netaddr_mask(&c.addr, c.bits);
		out[(*n)++] = c;
		if (!*next)
			return true;
		p = next + 1;
	}
}

bool ld_cidr_list_contains(const ld_cidr *list, size_t n, const ld_netaddr *a)
{
	for (size_t i = 0; i < n; i++) {
		if (list[i].addr.family != a->family)
			continue;
		ld_netaddr m = *a;
		ld_netaddr_mask(&m, list[i].bits);
		if (memcmp(m.b, list[i].addr.b, sizeof m.b) == 0)
			return true;
	}
	return false;
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* One list element, without surrounding white space and, for IPv6, the
 * brackets some proxies add. */
static bool element(const char *s, size_t len, ld_netaddr *out)
{
	while (len && is_ows(*s))
		s++, len--;
	while (len && is_ows(s[len - 1]))
		len--;
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		ld_netaddr a;
		if (!ld_netaddr_parse(s + 1, len - 2, &a) || a.family != 6)
			return false;
		*out = a;
		return true;
	}
	return ld_netaddr_parse(s, len, out);
}

bool ld_forwarded_client(const char *xff, size_t len, const ld_cidr *trusted,
			 size_t ntrusted, ld_netaddr *out)
{
	size_t end = len;
	for (;;) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		if (!element(xff + start, end - start, out))
			return false;
		if (!ld_cidr_list_contains(trusted, ntrusted, out) || start == 0)
			return true;
		end = start - 1;
	}
}
