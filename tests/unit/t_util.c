/*
 * t_util.c — the growable buffer (its size limit and invariants), the
 * JSON writer (nesting, commas, escaping, sticky errors), the characters
 * free text must not hold (utf8.h) and address ranges (cidr.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "util/buf.h"
#include "util/cidr.h"
#include "util/json_out.h"
#include "util/utf8.h"

static void buf_append(void **state)
{
	ld_buf b;
	ld_buf_init(&b, 0);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, LD_BUF_DEFAULT_MAX);

	assert_int_equal(ld_buf_add(&b, "ab", 2), LD_OK);
	assert_int_equal(ld_buf_adds(&b, "cd"), LD_OK);
	assert_int_equal(ld_buf_addc(&b, 'e'), LD_OK);
	assert_int_equal(ld_buf_addf(&b, "%d-%s", 42, "济南"), LD_OK);
	assert_int_equal(ld_buf_add(&b, "", 0), LD_OK);
	assert_int_equal(ld_buf_adds(&b, ""), LD_OK);
	assert_string_equal(b.data, "abcde42-济南");
	assert_int_equal(b.len, strlen("abcde42-济南"));
	assert_true(b.cap > b.len);
	/* Binary data, embedded NUL included. */
	assert_int_equal(ld_buf_add(&b, "x\0y", 3), LD_OK);
	assert_int_equal(b.len, strlen("abcde42-济南") + 3);
	assert_memory_equal(b.data + b.len - 3, "x\0y", 3);
	assert_int_equal(b.data[b.len], '\0');
	ld_buf_release(&b);
}

/* An empty append still allocates so that data is a string. */
static void buf_empty_append_terminates(void **state)
{
	ld_buf b;
	ld_buf_init(&b, 0);
	assert_int_equal(ld_buf_add(&b, "", 0), LD_OK);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	ld_buf_release(&b);
	ld_buf_init(&b, 0);
	assert_int_equal(ld_buf_addf(&b, "%s", ""), LD_OK);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	ld_buf_release(&b);
}

/* addf formats into a 256-byte scratch first; longer output takes the
 * second path straight into the buffer. */
static void buf_addf_long(void **state)
{
	char big[1001];
	for (size_t i = 0; i < sizeof big - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[sizeof big - 1] = '\0';

	ld_buf b;
	ld_buf_init(&b, 0);
	assert_int_equal(ld_buf_adds(&b, "<"), LD_OK);
	assert_int_equal(ld_buf_addf(&b, "%s|%d", big, 7), LD_OK);
	assert_int_equal(b.len, 1 + 1000 + 2);
	assert_int_equal(b.data[0], '<');
	assert_memory_equal(b.data + 1, big, 1000);
	assert_string_equal(b.data + 1001, "|7");

	/* Exactly 255 and 256 characters: either side of the scratch. */
	for (int n = 254; n <= 258; n++) {
		ld_buf_reset(&b);
		assert_int_equal(ld_buf_addf(&b, "%.*s", n, big), LD_OK);
		assert_int_equal(b.len, (size_t)n);
		assert_memory_equal(b.data, big, (size_t)n);
		assert_int_equal(b.data[n], '\0');
	}
	/* Long appends after short ones keep what was there. */
	ld_buf_reset(&b);
	assert_int_equal(ld_buf_adds(&b, "head"), LD_OK);
	for (int i = 0; i < 10; i++)
		assert_int_equal(ld_buf_addf(&b, "%s", big), LD_OK);
	assert_int_equal(b.len, 4 + 10 * 1000);
	assert_memory_equal(b.data, "headabc", 7);
	assert_memory_equal(b.data + 4 + 9 * 1000, big, 1000);
	assert_int_equal(strlen(b.data), b.len);
	ld_buf_release(&b);
}

/* An append that would pass max returns LD_ETOOBIG and changes nothing. */
static void buf_max(void **state)
{
	ld_buf b;
	ld_buf_init(&b, 8);
	assert_int_equal(b.max, 8);
	assert_int_equal(ld_buf_adds(&b, "12345"), LD_OK);
	assert_int_equal(ld_buf_adds(&b, "6789"), LD_ETOOBIG);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "12345");
	assert_int_equal(ld_buf_addf(&b, "%d", 6789), LD_ETOOBIG);
	assert_string_equal(b.data, "12345");

	char big[300];
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(ld_buf_addf(&b, "%s", big), LD_ETOOBIG);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "12345");
	assert_int_equal(ld_buf_adds(&b, big), LD_ETOOBIG);
	assert_string_equal(b.data, "12345");

	/* Up to max exactly. */
	assert_int_equal(ld_buf_adds(&b, "678"), LD_OK);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	assert_int_equal(ld_buf_addc(&b, '9'), LD_ETOOBIG);
	assert_int_equal(ld_buf_add(&b, "", 0), LD_OK);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");

	/* A huge length does not wrap around. */
	assert_int_equal(ld_buf_add(&b, "x", SIZE_MAX), LD_ETOOBIG);
	assert_int_equal(b.len, 8);

	/* One long addf into an empty bounded buffer. */
	ld_buf c;
	ld_buf_init(&c, 299);
	assert_int_equal(ld_buf_addf(&c, "%s", big), LD_OK);
	assert_int_equal(c.len, 299);
	assert_int_equal(ld_buf_addc(&c, 'x'), LD_ETOOBIG);
	ld_buf_release(&c);
	ld_buf_init(&c, 298);
	assert_int_equal(ld_buf_addf(&c, "%s", big), LD_ETOOBIG);
	assert_int_equal(c.len, 0);
	ld_buf_release(&c);
	ld_buf_release(&b);
}

static void buf_reset_release(void **state)
{
	ld_buf b;
	ld_buf_init(&b, 0);
	ld_buf_reset(&b); /* before any allocation */
	assert_null(b.data);
	assert_int_equal(b.len, 0);

	assert_int_equal(ld_buf_adds(&b, "hello"), LD_OK);
	size_t cap = b.cap;
	ld_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(b.cap, cap); /* storage is kept */
	assert_int_equal(ld_buf_adds(&b, "again"), LD_OK);
	assert_string_equal(b.data, "again");

	ld_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	ld_buf_release(&b); /* twice is harmless */

	ld_buf_init(&b, 16);
	assert_int_equal(ld_buf_adds(&b, "reused"), LD_OK);
	assert_string_equal(b.data, "reused");
	ld_buf_release(&b);
}

/* Writes with `fill` into a fresh buffer and compares the text. */
static void expect_json(void (*fill)(ld_jw *), const char *want)
{
	ld_buf b;
	ld_buf_init(&b, 0);
	ld_jw w;
	ld_jw_init(&w, &b);
	fill(&w);
	ld_status rc = ld_jw_finish(&w);
	if (rc != LD_OK) {
		ld_buf_release(&b);
		fail_msg("status %d", (int)rc);
	}
	const char *got = b.data ? b.data : "";
	if (strcmp(got, want) != 0) {
		print_error("got  %s\nwant %s\n", got, want);
		ld_buf_release(&b);
		fail();
	}
	ld_buf_release(&b);
}

static void fill_nested(ld_jw *w)
{
	ld_jw_obj_open(w);
	ld_jw_kint(w, "a", 1);
	ld_jw_key(w, "b");
	ld_jw_arr_open(w);
	ld_jw_bool(w, true);
	ld_jw_bool(w, false);
	ld_jw_null(w);
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "c", "d");
	ld_jw_obj_close(w);
	ld_jw_arr_open(w);
	ld_jw_arr_close(w);
	ld_jw_int(w, -7);
	ld_jw_arr_close(w);
	ld_jw_key(w, "e");
	ld_jw_obj_open(w);
	ld_jw_obj_close(w);
	ld_jw_kbool(w, "f", true);
	ld_jw_knull(w, "g");
	ld_jw_key(w, "h");
	ld_jw_obj_open(w);
	ld_jw_key(w, "i");
	ld_jw_arr_open(w);
	ld_jw_arr_open(w);
	ld_jw_int(w, 1);
	ld_jw_arr_close(w);
	ld_jw_arr_open(w);
	ld_jw_int(w, 2);
	ld_jw_int(w, 3);
	ld_jw_arr_close(w);
	ld_jw_arr_close(w);
	ld_jw_kstr(w, "j", "k");
	ld_jw_obj_close(w);
	ld_jw_obj_close(w);
}

static void fill_top_array(ld_jw *w)
{
	ld_jw_arr_open(w);
	ld_jw_int(w, INT64_MIN);
	ld_jw_int(w, INT64_MAX);
	ld_jw_int(w, 0);
	ld_jw_str(w, "");
	ld_jw_str(w, NULL);
	ld_jw_strn(w, "abcdef", 3);
	ld_jw_arr_close(w);
}

static void fill_null_string(ld_jw *w)
{
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "k", NULL);
	ld_jw_kstr(w, "l", "v");
	ld_jw_obj_close(w);
}

static void jw_nesting(void **state)
{
	expect_json(fill_nested,
		    "{\"a\":1,\"b\":[true,false,null,{\"c\":\"d\"},[],-7],"
		    "\"e\":{},\"f\":true,\"g\":null,"
		    "\"h\":{\"i\":[[1],[2,3]],\"j\":\"k\"}}");
	expect_json(fill_top_array,
		    "[-9223372036854775808,9223372036854775807,0,\"\",null,"
		    "\"abc\"]");
	expect_json(fill_null_string, "{\"k\":null,\"l\":\"v\"}");
}

static void fill_escapes(ld_jw *w)
{
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "q\"k", "a\"b\\c\nd\re\tf/g");
	ld_jw_kstr(w, "ctl", "\x01\x08\x0c\x1f\x7f|");
	ld_jw_kstr(w, "zh", "济南市历下区“签注”");
	ld_jw_key(w, "nul");
	ld_jw_strn(w, "a\0b", 3);
	ld_jw_obj_close(w);
}

static void jw_escaping(void **state)
{
	expect_json(fill_escapes,
		    "{\"q\\\"k\":\"a\\\"b\\\\c\\nd\\re\\tf/g\","
		    "\"ctl\":\"\\u0001\\u0008\\u000c\\u001f\x7f|\","
		    "\"zh\":\"济南市历下区“签注”\","
		    "\"nul\":\"a\\u0000b\"}");
}

/* Every byte 1..127 and some UTF-8 survive a round trip through a real
 * JSON parser. */
static void jw_round_trip(void **state)
{
	char s[128 + 32];
	size_t n = 0;
	for (int c = 1; c < 128; c++)
		s[n++] = (char)c;
	const char *zh = "流动人口";
	memcpy(s + n, zh, strlen(zh));
	n += strlen(zh);

	ld_buf b;
	ld_buf_init(&b, 0);
	ld_jw w;
	ld_jw_init(&w, &b);
	ld_jw_arr_open(&w);
	ld_jw_strn(&w, s, n);
	ld_jw_arr_close(&w);
	assert_int_equal(ld_jw_finish(&w), LD_OK);

	json_error_t jerr;
	json_t *v = json_loadb(b.data, b.len, 0, &jerr);
	ld_buf_release(&b);
	assert_non_null(v);
	assert_true(json_is_array(v));
	json_t *str = json_array_get(v, 0);
	assert_true(json_is_string(str));
	assert_int_equal(json_string_length(str), n);
	assert_memory_equal(json_string_value(str), s, n);
	json_decref(v);
}

/* Unbalanced nesting is a programmer error, reported by finish. */
static ld_status finish_after(void (*fill)(ld_jw *), ld_buf *b)
{
	ld_jw w;
	ld_buf_init(b, 0);
	ld_jw_init(&w, b);
	fill(&w);
	return ld_jw_finish(&w);
}

static void fill_unclosed_obj(ld_jw *w)
{
	ld_jw_obj_open(w);
	ld_jw_kint(w, "a", 1);
}

static void fill_unclosed_arr(ld_jw *w)
{
	ld_jw_obj_open(w);
	ld_jw_key(w, "a");
	ld_jw_arr_open(w);
	ld_jw_obj_close(w);
}

static void fill_extra_close(ld_jw *w)
{
	ld_jw_obj_open(w);
	ld_jw_obj_close(w);
	ld_jw_obj_close(w);
}

static void fill_too_deep(ld_jw *w)
{
	for (int i = 0; i < LD_JW_MAX_DEPTH + 2; i++)
		ld_jw_arr_open(w);
	for (int i = 0; i < LD_JW_MAX_DEPTH + 2; i++)
		ld_jw_arr_close(w);
}

static void fill_deepest(ld_jw *w)
{
	for (int i = 0; i < LD_JW_MAX_DEPTH - 1; i++)
		ld_jw_arr_open(w);
	for (int i = 0; i < LD_JW_MAX_DEPTH - 1; i++)
		ld_jw_arr_close(w);
}

static void jw_unbalanced(void **state)
{
	ld_buf b;
	assert_int_equal(finish_after(fill_unclosed_obj, &b), LD_EINTERNAL);
	ld_buf_release(&b);
	assert_int_equal(finish_after(fill_unclosed_arr, &b), LD_EINTERNAL);
	ld_buf_release(&b);
	assert_int_equal(finish_after(fill_too_deep, &b), LD_EINTERNAL);
	ld_buf_release(&b);
	assert_int_equal(finish_after(fill_deepest, &b), LD_OK);
	assert_int_equal(b.len, 2 * (LD_JW_MAX_DEPTH - 1));
	ld_buf_release(&b);
}

/* "{}}" is not JSON: a close with nothing open must be reported too. */
static void jw_extra_close(void **state)
{
	ld_buf b;
	ld_status rc = finish_after(fill_extra_close, &b);
	ld_buf_release(&b);
	assert_int_equal(rc, LD_EINTERNAL);
}

static void fill_long(ld_jw *w)
{
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "message", "a string longer than the buffer allows");
	ld_jw_kint(w, "n", 12345);
	ld_jw_obj_close(w);
}

/* A size limit in the buffer is sticky and reported by finish. */
static void jw_too_big(void **state)
{
	ld_buf b;
	ld_buf_init(&b, 16);
	ld_jw w;
	ld_jw_init(&w, &b);
	fill_long(&w);
	assert_int_equal(ld_jw_finish(&w), LD_ETOOBIG);
	assert_int_equal(ld_jw_finish(&w), LD_ETOOBIG);
	assert_true(b.len <= 16);
	/* Nothing of the string that did not fit was written. */
	assert_string_equal(b.data, "{\"message\":");
	ld_buf_release(&b);

	/* The first error wins over unbalanced nesting. */
	ld_buf_init(&b, 4);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "long key", "v");
	assert_int_equal(ld_jw_finish(&w), LD_ETOOBIG);
	ld_buf_release(&b);
}

/* ---- characters free text must not hold ----------------------------- */

static enum ld_utf8_unsafe unsafe(const char *s, uint32_t *cp)
{
	return ld_utf8_find_unsafe(s, strlen(s), cp);
}

static void utf8_unsafe(void **state)
{
	(void)state;
	uint32_t cp = 0;
	assert_int_equal(unsafe("张三 O'Neil 经十路88号-2", &cp), LD_UTF8_SAFE);
	assert_int_equal(unsafe("", &cp), LD_UTF8_SAFE);
	/* Joiners some scripts need, and a 4-byte character. */
	assert_int_equal(unsafe("a\u200cb\u200dc\U0001F600", &cp),
			 LD_UTF8_SAFE);
	static const uint32_t bidi[] = {0x202a, 0x202b, 0x202c, 0x202d,
					0x202e, 0x2066, 0x2067, 0x2068,
					0x2069, 0x200e, 0x200f, 0x061c};
	for (size_t i = 0; i < sizeof bidi / sizeof *bidi; i++) {
		char s[16];
		char *p = s;
		*p++ = 'x';
		uint32_t c = bidi[i];
		if (c < 0x800) {
			*p++ = (char)(0xc0 | c >> 6);
		} else {
			*p++ = (char)(0xe0 | c >> 12);
			*p++ = (char)(0x80 | (c >> 6 & 0x3f));
		}
		*p++ = (char)(0x80 | (c & 0x3f));
		*p = '\0';
		cp = 0;
		assert_int_equal(unsafe(s, &cp), LD_UTF8_BIDI);
		assert_int_equal(cp, c);
	}
	assert_int_equal(unsafe("a\tb", &cp), LD_UTF8_CONTROL);
	assert_int_equal(cp, 9);
	assert_int_equal(unsafe("a\x7f", &cp), LD_UTF8_CONTROL);
	assert_int_equal(unsafe("a\xc2\x85", &cp), LD_UTF8_CONTROL);
	assert_int_equal(cp, 0x85);
	assert_int_equal(unsafe("a\u2029", &cp), LD_UTF8_CONTROL);
	assert_int_equal(unsafe("\u200b", &cp), LD_UTF8_INVISIBLE);
	assert_int_equal(unsafe("x\ufeff", &cp), LD_UTF8_INVISIBLE);
	assert_int_equal(cp, 0xfeff);
	assert_int_equal(unsafe("\u2060", NULL), LD_UTF8_INVISIBLE);
	/* The first one found is reported. */
	assert_int_equal(unsafe("\u202e\u200b", &cp), LD_UTF8_BIDI);
	assert_int_equal(cp, 0x202e);
}

/* ---- address ranges -------------------------------------------------- */

static bool match4(const struct ld_cidr *l, int n, const char *addr)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	inet_pton(AF_INET, addr, &sa.sin_addr);
	return ld_cidr_match(l, n, (struct sockaddr *)&sa);
}

static bool match6(const struct ld_cidr *l, int n, const char *addr)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
	inet_pton(AF_INET6, addr, &sa.sin6_addr);
	return ld_cidr_match(l, n, (struct sockaddr *)&sa);
}

static void cidr_lists(void **state)
{
	(void)state;
	struct ld_cidr l[LD_CIDR_MAX];
	char msg[160];
	int n = ld_cidr_parse_list("127.0.0.0/8,::1", l, msg, sizeof msg);
	assert_int_equal(n, 2);
	assert_true(match4(l, n, "127.0.0.1"));
	assert_true(match4(l, n, "127.255.1.2"));
	assert_false(match4(l, n, "128.0.0.1"));
	assert_false(match4(l, n, "10.0.0.1"));
	assert_true(match6(l, n, "::1"));
	assert_false(match6(l, n, "::2"));
	/* An IPv4-mapped address is the IPv4 address. */
	assert_true(match6(l, n, "::ffff:127.0.0.9"));
	assert_false(match6(l, n, "::ffff:10.0.0.9"));

	n = ld_cidr_parse_list("10.0.0.0/8, 192.168.1.7 ,fd00::/8", l, msg,
			       sizeof msg);
	assert_int_equal(n, 3);
	assert_true(match4(l, n, "10.200.3.4"));
	assert_true(match4(l, n, "192.168.1.7"));
	assert_false(match4(l, n, "192.168.1.8"));
	assert_true(match6(l, n, "fd12::1"));
	assert_false(match6(l, n, "fe80::1"));
	assert_false(match4(l, n, "127.0.0.1"));

	/* Prefixes that are not on a byte boundary. */
	n = ld_cidr_parse_list("172.16.0.0/12", l, msg, sizeof msg);
	assert_true(match4(l, n, "172.31.255.255"));
	assert_false(match4(l, n, "172.32.0.0"));
	n = ld_cidr_parse_list("0.0.0.0/0", l, msg, sizeof msg);
	assert_true(match4(l, n, "8.8.8.8"));
	assert_false(match6(l, n, "2001:db8::1"));

	static const char *const bad[] = {
		"", ",", "10.0.0.1/8", "10.0.0.0/33", "::1/129", "localhost",
		"10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x", "1.2.3.4,", "1.2.3",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		msg[0] = '\0';
		assert_int_equal(ld_cidr_parse_list(bad[i], l, msg, sizeof msg),
				 -1);
		assert_true(msg[0] != '\0');
	}
	char many[40 * 16] = "";
	for (int i = 0; i <= LD_CIDR_MAX; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many),
			 "%s10.0.%d.0/24", i ? "," : "", i);
	assert_int_equal(ld_cidr_parse_list(many, l, msg, sizeof msg), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_append),
		cmocka_unit_test(buf_empty_append_terminates),
		cmocka_unit_test(buf_addf_long),
		cmocka_unit_test(buf_max),
		cmocka_unit_test(buf_reset_release),
		cmocka_unit_test(jw_nesting),
		cmocka_unit_test(jw_escaping),
		cmocka_unit_test(jw_round_trip),
		cmocka_unit_test(jw_unbalanced),
		cmocka_unit_test(jw_extra_close),
		cmocka_unit_test(jw_too_big),
		cmocka_unit_test(utf8_unsafe),
		cmocka_unit_test(cidr_lists),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
