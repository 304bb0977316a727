/*
 * t_epermit.c — the electronic permit's text form (rules.md §6: GB/T 36904
 * identifier, masked ID number as 个人信息保护法's minimum necessary, SM2
 * signature over the bytes before the last '|') and strict base64url
 * (RFC 4648 §5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/epermit.h"
#include "core/licence.h"

static const unsigned char sig[] = {0x30, 0x44, 0x02, 0x20, 0xfb, 0xff,
				    0x00, 0x7e, 0x3f, 0x80, 0x01, 0xfe};

static void sample(ld_epermit *p)
{
	memset(p, 0, sizeof *p);
	assert_true(ld_licence_format("JZZ", "11370100MB0000000X",
				      "370102202600001", 1, p->licence_id));
	strcpy(p->name, "买买提·艾力");
	ld_mask_id_number("37010219900307123X", p->masked_id_number);
	strcpy(p->district, "370102");
	strcpy(p->issue_date, "2026-03-05");
	strcpy(p->permit_no, "JZ370102202600001");
	p->version = 1;
	strcpy(p->key_id, "0123456789abcdef");
}

static void roundtrip(void **state)
{
	ld_epermit p, q;
	sample(&p);
	ld_buf b, s;
	ld_buf_init(&b, 0);
	ld_buf_init(&s, 0);
	ld_error err = {0};
	assert_int_equal(ld_epermit_signed_part(&p, &s, &err), LD_OK);
	assert_int_equal(ld_epermit_format(&p, sig, sizeof sig, &b, &err),
			 LD_OK);
	char want[512];
	snprintf(want, sizeof want,
		 "LDP1|%s|买买提·艾力|370102********123X|370102|2026-03-05|"
		 "JZ370102202600001|1|0123456789abcdef|MEQCIPv_AH4_gAH-",
		 p.licence_id);
	assert_string_equal(b.data, want);
	/* The signed part is the text up to its last '|', exactly. */
	assert_int_equal(s.len, strrchr(b.data, '|') - b.data);
	assert_memory_equal(s.data, b.data, s.len);

	unsigned char got[LD_EPERMIT_SIG_MAX];
	size_t got_len = 0, signed_len = 0;
	assert_int_equal(ld_epermit_parse(b.data, b.len, &q, got, &got_len,
					  &signed_len, &err),
			 LD_OK);
	assert_int_equal(signed_len, s.len);
	assert_int_equal(got_len, sizeof sig);
	assert_memory_equal(got, sig, sizeof sig);
	assert_string_equal(q.licence_id, p.licence_id);
	assert_string_equal(q.name, "买买提·艾力");
	assert_string_equal(q.masked_id_number, "370102********123X");
	assert_string_equal(q.district, "370102");
	assert_string_equal(q.issue_date, "2026-03-05");
	assert_string_equal(q.permit_no, p.permit_no);
	assert_int_equal(q.version, 1);
	assert_string_equal(q.key_id, "0123456789abcdef");

	/* format appends, and leaves the buffer alone when it fails. */
	size_t before = b.len;
	p.version = 1000;
	assert_int_equal(ld_epermit_format(&p, sig, sizeof sig, &b, &err),
			 LD_EINVAL);
	assert_int_equal(b.len, before);
	assert_int_equal(ld_epermit_signed_part(&p, &s, &err), LD_EINVAL);
	p.version = 999;
	assert_int_equal(ld_epermit_format(&p, sig, 0, &b, &err), LD_EINVAL);
	assert_string_equal(err.field, "signature");
	assert_int_equal(ld_epermit_format(&p, sig, LD_EPERMIT_SIG_MAX + 1, &b,
					   &err),
			 LD_EINVAL);
	assert_int_equal(b.len, before);
	ld_buf_release(&b);
	ld_buf_release(&s);
}

/* The masked number keeps only the first 6 and last 4 characters
 * (rules.md §6). */
static void masked_id_shape(void **state)
{
	char m[19];
	ld_mask_id_number("110105199001011234", m);
	assert_string_equal(m, "110105********1234");
	ld_epermit p;
	sample(&p);
	strcpy(p.masked_id_number, m);
	assert_int_equal(ld_epermit_check(&p, NULL), LD_OK);
	ld_mask_id_number("110105900101123", m); /* 15-digit legacy */
	assert_string_equal(m, "110105*****1123");
	strcpy(p.masked_id_number, m);
	assert_int_equal(ld_epermit_check(&p, NULL), LD_OK);
	/* An unmasked number never passes, nor a differently masked one. */
	const char *bad[] = {"110105199001011234", "11010519900101123X",
			     "1101**********1234", "110105*********234",
			     "110105********123x", "110105********12 4",
			     "110105******1234",   "",
			     "110105********1234*", "11010*********1234"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ld_error err = {0};
		strcpy(p.masked_id_number, bad[i]);
		assert_int_equal(ld_epermit_check(&p, &err), LD_EINVAL);
		assert_string_equal(err.field, "masked_id_number");
	}
}

/* Replace field k (0 = "LDP1") of a well-formed text with repl and parse:
 * expect failure naming field. */
static void expect_bad(int k, const char *repl, const char *field)
{
	ld_epermit p, q;
	sample(&p);
	ld_buf b;
	ld_buf_init(&b, 0);
	assert_int_equal(ld_epermit_format(&p, sig, sizeof sig, &b, NULL),
			 LD_OK);
	char text[2048] = "";
	const char *s = b.data;
	for (int i = 0; i < 10; i++) {
		const char *bar = strchr(s, '|');
		size_t n = bar ? (size_t)(bar - s) : strlen(s);
		if (i)
			strcat(text, "|");
		if (i == k)
			strcat(text, repl);
		else
			strncat(text, s, n);
		s = bar ? bar + 1 : s + n;
	}
	ld_buf_release(&b);
	unsigned char got[LD_EPERMIT_SIG_MAX];
	size_t got_len, signed_len;
	ld_error err = {0};
	ld_status rc = ld_epermit_parse(text, strlen(text), &q, got, &got_len,
					&signed_len, &err);
	if (rc == LD_OK || !err.field || strcmp(err.field, field) != 0)
		fail_msg("field %d = \"%s\": rc %d, field %s (want %s)", k, repl,
			 rc, err.field ? err.field : "(null)", field);
	assert_true(err.message[0] != '\0');
}

static void each_field_rejected(void **state)
{
	expect_bad(0, "LDP2", "payload");
	expect_bad(0, "ldp1", "payload");
	expect_bad(1, "1.2.156.3005.2.JZZ.11370100MB0000000X.370102202600001."
		      "001.0",
		   "licence_id"); /* wrong check character */
	expect_bad(1, "", "licence_id");
	expect_bad(1, "1.2.156.3005.2", "licence_id");
	expect_bad(2, "", "name");
	expect_bad(2, "张\t三", "name");
	expect_bad(2, "张三\x7f", "name");
	expect_bad(2, "\xe5\xbc", "name");          /* truncated UTF-8 */
	expect_bad(2, "\xc0\xaf", "name");          /* overlong '/' */
	expect_bad(2, "\xed\xa0\x80", "name");      /* a surrogate */
	expect_bad(2, "\xc2\x85", "name");          /* C1 control NEL */
	expect_bad(3, "37010219900307123X", "masked_id_number");
	expect_bad(4, "37010", "district");
	expect_bad(4, "37010a", "district");
	expect_bad(4, "3701020", "district");
	expect_bad(5, "2026-02-30", "issue_date");
	expect_bad(5, "2026-3-05", "issue_date");
	expect_bad(5, "", "issue_date");
	expect_bad(6, "", "permit_no");
	expect_bad(6, "JZ\n1", "permit_no");
	expect_bad(7, "0", "version");
	expect_bad(7, "01", "version");
	expect_bad(7, "1000", "version");
	expect_bad(7, "-1", "version");
	expect_bad(7, "", "version");
	expect_bad(8, "0123456789ABCDEF", "key_id");
	expect_bad(8, "0123456789abcde", "key_id");
	expect_bad(8, "0123456789abcdef0", "key_id");
	expect_bad(8, "../../etc/passwd", "key_id");
	expect_bad(9, "", "signature");
	expect_bad(9, "MEQCIPv_AH4_gAH-=", "signature"); /* padding */
	expect_bad(9, "MEQCIPv/AH4+gAH-", "signature");  /* base64, not url */
	expect_bad(9, "MEQCIPv_AH4_gAH", "signature");   /* non-zero spare bits */
	expect_bad(9, "MEQCIPv_AH4_gAH-M", "signature"); /* 4n+1 characters */
	expect_bad(9, "MEQ CIPv_AH4_gAH-", "signature");
	/* A '|' inside the name makes eleven fields. */
	expect_bad(2, "张|三", "payload");
}

static void structure_rejected(void **state)
{
	unsigned char got[LD_EPERMIT_SIG_MAX];
	size_t got_len, signed_len;
	ld_epermit q;
	ld_error err = {0};
	const char *bad[] = {"", "LDP1", "LDP1|a|b", "hello world",
			     "LDP1|||||||||||"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err.field = NULL;
		assert_int_equal(ld_epermit_parse(bad[i], strlen(bad[i]), &q, got,
						  &got_len, &signed_len, &err),
				 LD_EINVAL);
		assert_string_equal(err.field, "payload");
	}
	/* Too long to be a permit, whatever it holds. */
	char big[LD_EPERMIT_TEXT_MAX + 2];
	memset(big, 'A', sizeof big);
	assert_int_equal(ld_epermit_parse(big, sizeof big, &q, got, &got_len,
					  &signed_len, &err),
			 LD_ETOOBIG);
	assert_string_equal(err.field, "payload");

	/* A signature longer than any SM2 signature. */
	ld_epermit p;
	sample(&p);
	ld_buf b;
	ld_buf_init(&b, 0);
	assert_int_equal(ld_epermit_signed_part(&p, &b, NULL), LD_OK);
	ld_buf_addc(&b, '|');
	unsigned char long_sig[LD_EPERMIT_SIG_MAX + 1] = {0};
	ld_base64url_encode(long_sig, sizeof long_sig, &b);
	assert_int_equal(ld_epermit_parse(b.data, b.len, &q, got, &got_len,
					  &signed_len, &err),
			 LD_EINVAL);
	assert_string_equal(err.field, "signature");
	/* A NUL inside the licence identifier is not hidden by strlen. */
	ld_buf_reset(&b);
	assert_int_equal(ld_epermit_format(&p, sig, sizeof sig, &b, NULL),
			 LD_OK);
	char *bar = strchr(b.data + 5, '|');
	memmove(bar + 2, bar, b.len - (size_t)(bar - b.data) + 1);
	bar[0] = '\0';
	bar[1] = 'X';
	assert_int_equal(ld_epermit_parse(b.data, b.len + 2, &q, got, &got_len,
					  &signed_len, &err),
			 LD_EINVAL);
	assert_string_equal(err.field, "licence_id");
	ld_buf_release(&b);
}

/* The checks made by format are those made by parse. */
static void format_rejects(void **state)
{
	ld_epermit p;
	ld_buf b;
	ld_buf_init(&b, 0);
	ld_error err;
	struct {
		size_t off;
		const char *value;
		const char *field;
	} cases[] = {
		{offsetof(ld_epermit, name), "张|三", "name"},
		{offsetof(ld_epermit, name), "张\r三", "name"},
		{offsetof(ld_epermit, permit_no), "JZ|1", "permit_no"},
		{offsetof(ld_epermit, licence_id), "1.2.3", "licence_id"},
		{offsetof(ld_epermit, district), "37010", "district"},
		{offsetof(ld_epermit, issue_date), "2026-13-01", "issue_date"},
		{offsetof(ld_epermit, key_id), "xyz", "key_id"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		sample(&p);
		strcpy((char *)&p + cases[i].off, cases[i].value);
		err.field = NULL;
		assert_int_equal(ld_epermit_format(&p, sig, sizeof sig, &b, &err),
				 LD_EINVAL);
		assert_string_equal(err.field, cases[i].field);
		assert_int_equal(b.len, 0);
	}
	sample(&p);
	memset(p.name, 0, sizeof p.name);
	memset(p.name, 'a', LD_EPERMIT_NAME_MAX);
	assert_int_equal(ld_epermit_format(&p, sig, sizeof sig, &b, &err),
			 LD_OK);
	ld_buf_reset(&b);
	p.version = 0;
	assert_int_equal(ld_epermit_format(&p, sig, sizeof sig, &b, &err),
			 LD_EINVAL);
	assert_string_equal(err.field, "version");
	ld_buf_release(&b);
}

static void base64url(void **state)
{
	/* RFC 4648 §10 test vectors, unpadded. */
	const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	const char *enc[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE",
			     "Zm9vYmFy"};
	ld_buf b;
	ld_buf_init(&b, 0);
	for (size_t i = 0; i < 7; i++) {
		ld_buf_reset(&b);
		assert_int_equal(ld_base64url_encode(plain[i], strlen(plain[i]),
						     &b),
				 LD_OK);
		assert_string_equal(b.len ? b.data : "", enc[i]);
		unsigned char out[16];
		size_t n = 99;
		assert_int_equal(ld_base64url_decode(enc[i], strlen(enc[i]), out,
						     sizeof out, &n),
				 LD_OK);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(out, plain[i], n);
	}
	/* The URL alphabet: 0xfb 0xef 0xbe is "----", 0xff 0xff "__8". */
	ld_buf_reset(&b);
	const unsigned char hi[] = {0xfb, 0xef, 0xbe, 0xff, 0xff};
	ld_base64url_encode(hi, sizeof hi, &b);
	assert_string_equal(b.data, "----__8");
	/* Every byte value survives. */
	unsigned char all[256], back[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	ld_buf_reset(&b);
	ld_base64url_encode(all, sizeof all, &b);
	size_t n;
	assert_int_equal(ld_base64url_decode(b.data, b.len, back, sizeof back,
					     &n),
			 LD_OK);
	assert_int_equal(n, 256);
	assert_memory_equal(all, back, 256);
	assert_int_equal(ld_base64url_decode(b.data, b.len, back, 255, &n),
			 LD_ETOOBIG);
	const char *bad[] = {"Zg==", "Z", "Zh", "Zm9", "Zm+v", "Zm/v", "Zm9v\n",
			     "Zm 9v"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(ld_base64url_decode(bad[i], strlen(bad[i]), back,
						     sizeof back, &n),
				 LD_EINVAL);
	/* A buffer at its size limit refuses and stays as it was. */
	ld_buf small;
	ld_buf_init(&small, 4);
	ld_buf_adds(&small, "ab");
	assert_int_equal(ld_base64url_encode("foo", 3, &small), LD_ETOOBIG);
	assert_string_equal(small.data, "ab");
	ld_buf_release(&small);
	ld_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip),
		cmocka_unit_test(masked_id_shape),
		cmocka_unit_test(each_field_rejected),
		cmocka_unit_test(structure_rejected),
		cmocka_unit_test(format_rejects),
		cmocka_unit_test(base64url),
	};
	return cmocka_run_group_tests_name("epermit", tests, NULL, NULL);
}
