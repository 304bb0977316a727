/*
 * t_framing.c — the second reading of an HTTP/1 request head (framing.h):
 * which framing headers make a request's length ambiguous (RFC 9112 §6.3),
 * and that the head is only judged when it is the one of the request.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/framing.h"

static enum ld_framing check(const char *head)
{
	return ld_framing_check(head, strlen(head), "POST", 4, "/api/x", 6);
}

static void sound_heads(void **state)
{
	(void)state;
	assert_int_equal(check("POST /api/x HTTP/1.1\r\nHost: a\r\n\r\n"),
			 LD_FRAMING_OK);
	assert_int_equal(check("POST /api/x HTTP/1.1\r\nContent-Length: 2\r\n"
			       "\r\n{}"),
			 LD_FRAMING_OK);
	assert_int_equal(check("POST /api/x HTTP/1.1\r\ntransfer-encoding: "
			       "chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
			 LD_FRAMING_OK);
	/* Bare LF line ends, and the one empty line h2o skips first. */
	assert_int_equal(check("POST /api/x HTTP/1.1\nContent-Length: 0\n\n"),
			 LD_FRAMING_OK);
	assert_int_equal(check("\r\nPOST /api/x HTTP/1.1\r\n\r\n"), LD_FRAMING_OK);
	/* A body that looks like headers is not read as headers. */
	assert_int_equal(check("POST /api/x HTTP/1.1\r\nContent-Length: 38\r\n"
			       "\r\nContent-Length: 1\r\nContent-Length: 2\r\n"),
			 LD_FRAMING_OK);
	/* Names that merely start alike. */
	assert_int_equal(check("POST /api/x HTTP/1.1\r\nContent-Length: 0\r\n"
			       "Content-Length-X: 5\r\n\r\n"),
			 LD_FRAMING_OK);
}

static void ambiguous_heads(void **state)
{
	(void)state;
	assert_int_equal(check("POST /api/x HTTP/1.1\r\nContent-Length: 2\r\n"
			       "Content-Length: 40\r\n\r\n{}"),
			 LD_FRAMING_DUP_LENGTH);
	assert_int_equal(check("POST /api/x HTTP/1.1\r\nContent-Length: 2\r\n"
			       "CONTENT-LENGTH: 2\r\n\r\n{}"),
			 LD_FRAMING_DUP_LENGTH);
	assert_int_equal(check("POST /api/x HTTP/1.1\r\nTransfer-Encoding: "
			       "chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
			 LD_FRAMING_DUP_ENCODING);
	assert_int_equal(check("POST /api/x HTTP/1.1\r\nContent-Length: 5\r\n"
			       "Transfer-Encoding: chunked\r\n\r\n"),
			 LD_FRAMING_LENGTH_AND_ENCODING);
	assert_int_equal(check("POST /api/x HTTP/1.0\r\nTransfer-Encoding: "
			       "chunked\r\n\r\n"),
			 LD_FRAMING_ENCODING_HTTP10);
}

static void other_heads_are_not_judged(void **state)
{
	(void)state;
	/* Another request's head, or none. */
	assert_int_equal(check("GET /api/x HTTP/1.1\r\n\r\n"), LD_FRAMING_UNKNOWN);
	assert_int_equal(check("POST /api/y HTTP/1.1\r\n\r\n"), LD_FRAMING_UNKNOWN);
	assert_int_equal(check("POST /api/xy HTTP/1.1\r\n\r\n"),
			 LD_FRAMING_UNKNOWN);
	assert_int_equal(check("POST /api/x HTTP/1.1\r\nHost: a\r\n"),
			 LD_FRAMING_UNKNOWN);
	assert_int_equal(check(""), LD_FRAMING_UNKNOWN);
	assert_int_equal(check("POST"), LD_FRAMING_UNKNOWN);
	assert_int_equal(check("\rPOST /api/x HTTP/1.1\r\n\r\n"),
			 LD_FRAMING_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sound_heads),
		cmocka_unit_test(ambiguous_heads),
		cmocka_unit_test(other_heads_are_not_judged),
	};
	return cmocka_run_group_tests_name("framing", tests, NULL, NULL);
}
