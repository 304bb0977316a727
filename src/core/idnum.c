/*
 * idnum.c — GB 11643 identity number checks.
 */
#include "idnum.h"

#include <string.h>

#include "division.h"

char ld_idnum_check_char(const char digits17[17])
{
	/* Weights are 2^(17-i) mod 11 (ISO 7064 MOD 11-2). */
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6,
				  3, 7, 9, 10, 5, 8, 4, 2};
	static const char map[11] = {'1', '0', 'X', '9', '8', '7',
				     '6', '5', '4', '3', '2'};
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (digits17[i] - '0') * w[i];
	return map[sum % 11];
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static void fail(ld_idnum *out, ld_id_reason r)
{
	out->valid = false;
	out->reason = r;
}

bool ld_idnum_is_hmt_code(int32_t code)
{
	return code == 810000 || code == 820000 || code == 830000;
}

/* `hmt`: the number of a 港澳台居民居住证 (18 characters, address code
 * 810000/820000/830000) rather than of a resident ID card. */
static void check(const char *s, size_t len, ld_day today, bool hmt,
		  ld_idnum *out)
{
	memset(out, 0, sizeof *out);
	out->legacy15 = len == 15 && !hmt;
	if (len != 18 && (len != 15 || hmt)) {
		fail(out, LD_ID_LENGTH);
		return;
	}

	memcpy(out->normalized, s, len);
	out->normalized[len] = '\0';
	char *n = out->normalized;
	if (len == 18 && n[17] == 'x')
		n[17] = 'X';
	if (len == 18 ? !all_digits(n, 17) || !(n[17] == 'X' ||
						 (n[17] >= '0' && n[17] <= '9'))
		      : !all_digits(n, 15))
		{
		fail(out, LD_ID_CHARSET);
		return;
	}

	if (len == 18 && ld_idnum_check_char(n) != n[17])
		{
		fail(out, LD_ID_CHECKSUM);
		return;
	}

	int y, m, d, sex_digit;
	if (len == 18) {
		y = num(n + 6, 4), m = num(n + 10, 2), d = num(n + 12, 2);
		sex_digit = n[16] - '0';
	} else {
		y = 1900 + num(n + 6, 2), m = num(n + 8, 2), d = num(n + 10, 2);
		sex_digit = n[14] - '0';
	}
	if (!ld_date_is_valid(y, m, d) || ld_day_from_ymd(y, m, d) > today)
		{
		fail(out, LD_ID_BIRTH_DATE);
		return;
	}

	int32_t code = num(n, 6);
	if (!hmt && ld_idnum_is_hmt_code(code)) {
		fail(out, LD_ID_DOCUMENT_TYPE);
		return;
	}
	if (hmt ? !ld_idnum_is_hmt_code(code) : !ld_division_latest(code)) {
		fail(out, LD_ID_ADDRESS_CODE);
		return;
	}

	out->valid = true;
	out->reason = LD_ID_OK;
	out->birth = ld_day_from_ymd(y, m, d);
	out->sex = sex_digit % 2 ? LD_SEX_MALE : LD_SEX_FEMALE;
	out->address_code = code;
}

void ld_idnum_check(const char *s, size_t len, ld_day today, ld_idnum *out)
{
	check(s, len, today, false, out);
}

void ld_idnum_check_hmt(const char *s, size_t len, ld_day today, ld_idnum *out)
{
	check(s, len, today, true, out);
}

void ld_idnum_check_person(const char *s, size_t len, ld_day today,
			   ld_idnum *out)
{
	check(s, len, today, false, out);
	if (out->reason == LD_ID_DOCUMENT_TYPE)
		check(s, len, today, true, out);
}

const char *ld_id_reason_code(ld_id_reason r)
{
	switch (r) {
	case LD_ID_LENGTH:
		return "length";
	case LD_ID_CHARSET:
		return "charset";
	case LD_ID_CHECKSUM:
		return "checksum";
	case LD_ID_BIRTH_DATE:
		return "birth_date";
	case LD_ID_ADDRESS_CODE:
		return "address_code";
	case LD_ID_DOCUMENT_TYPE:
		return "document_type";
	case LD_ID_OK:
		break;
	}
	return NULL;
}

const char *ld_id_reason_message(ld_id_reason r)
{
	switch (r) {
	case LD_ID_LENGTH:
		return "公民身份号码应为18位（或15位旧号码）";
	case LD_ID_CHARSET:
		return "公民身份号码只能由数字和末位的X组成";
	case LD_ID_CHECKSUM:
		return "公民身份号码校验码不正确";
	case LD_ID_BIRTH_DATE:
		return "公民身份号码中的出生日期无效";
	case LD_ID_ADDRESS_CODE:
		return "公民身份号码中的地址码不存在";
	case LD_ID_DOCUMENT_TYPE:
		return "以810000、820000、830000开头的是港澳台居民居住证号码，请按“港澳台居民居住证”办理";
	case LD_ID_OK:
		break;
	}
	return "公民身份号码有效";
}
