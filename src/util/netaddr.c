/*
 * netaddr.c — IPv4/IPv6 addresses, prefixes and X-Forwarded-For
 * (see netaddr.h). inet_pton and inet_ntop do the parsing and printing.
 */
#include "util/netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
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

bool ld_netaddr_in(const ld_netaddr *a, const struct ld_cidr *list, int n)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	if (a->family == 4) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
		v4->sin_family = AF_INET;
		memcpy(&v4->sin_addr, a->b, 4);
	} else {
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
		v6->sin6_family = AF_INET6;
		memcpy(&v6->sin6_addr, a->b, 16);
	}
	return ld_cidr_match(list, n, (const struct sockaddr *)&ss);
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

bool ld_forwarded_client(const char *xff, size_t len,
			 const struct ld_cidr *trusted, int ntrusted,
			 ld_netaddr *out)
{
	size_t end = len;
	for (;;) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		if (!element(xff + start, end - start, out))
			return false;
		if (!ld_netaddr_in(out, trusted, ntrusted) || start == 0)
			return true;
		end = start - 1;
	}
}
