/*
 * cidr.c — parsing and matching address ranges (cidr.h).
 */
#include "util/cidr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_one(const char *s, size_t n, struct ld_cidr *c, char *msg,
		      size_t cap)
{
	char text[64];
	if (n == 0 || n >= sizeof text) {
		snprintf(msg, cap, "地址“%.*s”无效", (int)(n < 40 ? n : 40), s);
		return false;
	}
	memcpy(text, s, n);
	text[n] = '\0';
	char *slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	memset(c, 0, sizeof *c);
	int max;
	if (inet_pton(AF_INET, text, c->addr) == 1) {
		c->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, text, c->addr) == 1) {
		c->family = AF_INET6;
		max = 128;
	} else {
		snprintf(msg, cap, "地址“%s”无效", text);
		return false;
	}
	c->bits = max;
	if (slash) {
		const char *b = slash + 1;
		char *end;
		long v = strtol(b, &end, 10);
		if (!*b || *end || strspn(b, "0123456789") != strlen(b) ||
		    v < 0 || v > max) {
			snprintf(msg, cap, "前缀长度“%s”无效（应为0至%d）", b, max);
			return false;
		}
		c->bits = (int)v;
	}
	/* No bit of the address beyond the prefix: "10.0.0.1/8" is
	 * probably a mistake for 10.0.0.0/8 or 10.0.0.1/32. */
	for (int i = c->bits; i < max; i++)
		if (c->addr[i / 8] & (0x80 >> (i % 8))) {
			snprintf(msg, cap,
				 "“%s/%d”的主机位不为零（网段应写作网络地址）",
				 text, c->bits);
			return false;
		}
	return true;
}

int ld_cidr_parse_list(const char *text, struct ld_cidr *out, char *msg,
		       size_t cap)
{
	int n = 0;
	const char *p = text;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		while (len && (*p == ' ')) /* "a, b" */
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (n == LD_CIDR_MAX) {
			snprintf(msg, cap, "最多%d个地址或网段", LD_CIDR_MAX);
			return -1;
		}
		if (!parse_one(p, len, &out[n], msg, cap))
			return -1;
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return n;
}

static bool prefix_equal(const unsigned char *a, const unsigned char *b,
			 int bits)
{
	int bytes = bits / 8, rest = bits % 8;
	if (memcmp(a, b, (size_t)bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

bool ld_cidr_match(const struct ld_cidr *list, int n,
		   const struct sockaddr *sa)
{
	int family;
	const unsigned char *addr;
	if (sa->sa_family == AF_INET) {
		family = AF_INET;
		addr = (const unsigned char *)&((const struct sockaddr_in *)sa)
			       ->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 =
			&((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			family = AF_INET;
			addr = a6->s6_addr + 12;
		} else {
			family = AF_INET6;
			addr = a6->s6_addr;
		}
	} else {
		return false;
	}
	for (int i = 0; i < n; i++)
		if (list[i].family == family &&
		    prefix_equal(list[i].addr, addr, list[i].bits))
			return true;
	return false;
}
