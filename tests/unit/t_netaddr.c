/*
 * t_netaddr.c — SipHash-2-4 against the reference vectors, and addresses:
 * parsing (IPv4-mapped IPv6 read as IPv4), membership of ranges (cidr.h),
 * and the client behind trusted proxies in X-Forwarded-For (the rightmost
 * untrusted address).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/netaddr.h"
#include "util/siphash.h"

static void siphash_reference(void **state)
{
	unsigned char key[16], msg[64];
	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	/* The paper's appendix and vectors.h of the reference code. */
	assert_true(ld_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
	assert_true(ld_siphash(key, msg, 15) == 0xa129ca6149be45e5ULL);
	assert_true(ld_siphash(key, msg, 8) == 0x93f5f5799a932462ULL);
	assert_true(ld_siphash(key, msg, 63) == 0x958a324ceb064572ULL);
}

static ld_netaddr A(const char *s)
{
	ld_netaddr a;
	assert_true(ld_netaddr_parse(s, strlen(s), &a));
	return a;
}

static void parse_and_format(void **state)
{
	char out[LD_NETADDR_TEXT];
	ld_netaddr a = A("192.0.2.7");
	assert_int_equal(a.family, 4);
	ld_netaddr_format(&a, out);
	assert_string_equal(out, "192.0.2.7");
	a = A("::ffff:192.0.2.7");
	assert_int_equal(a.family, 4);
	ld_netaddr_format(&a, out);
	assert_string_equal(out, "192.0.2.7");
	a = A("2001:DB8:0:0::1");
	assert_int_equal(a.family, 6);
	ld_netaddr_format(&a, out);
	assert_string_equal(out, "2001:db8::1");
	ld_netaddr_mask(&a, 64);
	a = A("2001:db8:1:2:3:4:5:6");
	ld_netaddr_mask(&a, 64);
	ld_netaddr_format(&a, out);
	assert_string_equal(out, "2001:db8:1:2::");
	const char *bad[] = {"", "1.2.3", "1.2.3.4:80", "[::1]", "unknown",
			     "1.2.3.4 ", "fe80::1%eth0", "::g"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(ld_netaddr_parse(bad[i], strlen(bad[i]), &a));
}

static void in_ranges(void **state)
{
	struct ld_cidr list[LD_CIDR_MAX];
	char msg[160];
	int n = ld_cidr_parse_list("127.0.0.1,10.0.0.0/8,2001:db8::/32", list,
				   msg, sizeof msg);
	assert_int_equal(n, 3);
	ld_netaddr a = A("127.0.0.1");
	assert_true(ld_netaddr_in(&a, list, n));
	a = A("127.0.0.2");
	assert_false(ld_netaddr_in(&a, list, n));
	a = A("10.200.3.4");
	assert_true(ld_netaddr_in(&a, list, n));
	a = A("::ffff:10.1.1.1"); /* an IPv4 client on an IPv6 socket */
	assert_true(ld_netaddr_in(&a, list, n));
	a = A("2001:db8:ffff::1");
	assert_true(ld_netaddr_in(&a, list, n));
	a = A("2001:db9::1");
	assert_false(ld_netaddr_in(&a, list, n));
}

static const char *client(const char *xff, const char *trusted)
{
	static char out[LD_NETADDR_TEXT];
	struct ld_cidr list[LD_CIDR_MAX];
	char msg[160];
	int n = ld_cidr_parse_list(trusted, list, msg, sizeof msg);
	assert_true(n > 0);
	ld_netaddr a;
	if (!ld_forwarded_client(xff, strlen(xff), list, n, &a))
		return NULL;
	ld_netaddr_format(&a, out);
	return out;
}

static void forwarded_for(void **state)
{
	const char *t = "127.0.0.1,10.0.0.0/8";
	assert_string_equal(client("203.0.113.9", t), "203.0.113.9");
	/* Whatever the client wrote on the left proves nothing. */
	assert_string_equal(client("1.1.1.1, 203.0.113.9", t), "203.0.113.9");
	/* Trusted proxies on the right are skipped. */
	assert_string_equal(client("1.1.1.1, 203.0.113.9, 10.0.0.5", t),
			    "203.0.113.9");
	/* All trusted: the leftmost. */
	assert_string_equal(client("10.1.1.1,10.0.0.5", t), "10.1.1.1");
	assert_string_equal(client(" [2001:db8::7] ", t), "2001:db8::7");
	assert_string_equal(client("::ffff:198.51.100.1", t), "198.51.100.1");
	/* Garbage where it must be read: the caller uses the peer. */
	assert_null(client("", t));
	assert_null(client("unknown", t));
	assert_null(client("203.0.113.9:4711", t));
	assert_null(client("203.0.113.9,", t));
	assert_null(client("1.1.1.1, garbage, 10.0.0.5", t));
	/* Garbage left of the client is never read. */
	assert_string_equal(client("garbage, 203.0.113.9", t), "203.0.113.9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(siphash_reference),
		cmocka_unit_test(parse_and_format),
		cmocka_unit_test(in_ranges),
		cmocka_unit_test(forwarded_for),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
