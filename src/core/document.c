/*
 * document.c — identity documents and the checks of their numbers
 * (document.h). The resident ID card's checks are idnum.c's.
 */
#include "document.h"

#include <stdio.h>
#include <string.h>

#include "division.h"

/* In ld_doc_type order. */
static const struct ld_code types[LD_DOC__COUNT] = {
	[LD_DOC_RESIDENT_ID] = {"resident_id_card", "居民身份证"},
	[LD_DOC_HMT_RESIDENCE_PERMIT] = {"hmt_residence_permit",
					 "港澳台居民居住证"},
	[LD_DOC_HK_MO_TRAVEL_PERMIT] = {"hk_mo_travel_permit",
					"港澳居民来往内地通行证"},
	[LD_DOC_TW_TRAVEL_PERMIT] = {"tw_travel_permit",
				     "台湾居民来往大陆通行证"},
	[LD_DOC_FOREIGN_PR_CARD] = {"foreign_permanent_residence",
				    "外国人永久居留身份证"},
	[LD_DOC_PASSPORT] = {"passport", "外国人护照"},
};
const struct ld_code_list ld_document_types = {"document_type", types,
					       LD_DOC__COUNT};

const char *ld_doc_type_code(ld_doc_type t)
{
	return types[t].code;
}

const char *ld_doc_type_label(ld_doc_type t)
{
	return types[t].label;
}

bool ld_doc_type_from_code(const char *s, ld_doc_type *out)
{
	for (int i = 0; i < LD_DOC__COUNT; i++)
		if (strcmp(s, types[i].code) == 0) {
			*out = (ld_doc_type)i;
			return true;
		}
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

static void fail(ld_document *out, ld_id_reason r)
{
	out->valid = false;
	out->reason = r;
}

static void from_idnum(ld_document *out, const ld_idnum *id)
{
	memcpy(out->normalized, id->normalized, sizeof out->normalized);
	out->legacy15 = id->legacy15;
	if (!id->valid) {
		fail(out, id->reason);
		return;
	}
	out->valid = true;
	out->region = id->address_code;
	out->has_birth = true;
	out->birth = id->birth;
	out->sex = id->sex;
}

/* 外国人永久居留身份证 of 2023: 9, 16 digits, a MOD 11-2 check; the birth
 * date in characters 7-14. */
static void check_pr18(const char *n, ld_day today, ld_document *out)
{
	if (n[0] != '9' || !digits(n, 17) ||
	    !(is_digit(n[17]) || n[17] == 'X')) {
		fail(out, LD_ID_CHARSET);
		return;
	}
	if (ld_idnum_check_char(n) != n[17]) {
		fail(out, LD_ID_CHECKSUM);
		return;
	}
	int y = 0, m = 0, d = 0;
	for (int i = 6; i < 10; i++)
		y = y * 10 + (n[i] - '0');
	m = (n[10] - '0') * 10 + (n[11] - '0');
	d = (n[12] - '0') * 10 + (n[13] - '0');
	if (!ld_date_is_valid(y, m, d) || ld_day_from_ymd(y, m, d) > today) {
		fail(out, LD_ID_BIRTH_DATE);
		return;
	}
	out->valid = true;
	out->has_birth = true;
	out->birth = ld_day_from_ymd(y, m, d);
}

void ld_document_check(ld_doc_type t, const char *s, size_t len, ld_day today,
		       ld_document *out)
{
	memset(out, 0, sizeof *out);
	out->type = t;
	if (t == LD_DOC_RESIDENT_ID || t == LD_DOC_HMT_RESIDENCE_PERMIT) {
		ld_idnum id;
		if (t == LD_DOC_RESIDENT_ID)
			ld_idnum_check(s, len, today, &id);
		else
			ld_idnum_check_hmt(s, len, today, &id);
		from_idnum(out, &id);
		if (out->valid)
			out->nationality = t == LD_DOC_RESIDENT_ID
						   ? LD_NAT_CN
						   : ld_region_nationality(
							     out->region);
		return;
	}
	if (len < 5 || len > 18) {
		fail(out, LD_ID_LENGTH);
		return;
	}
	char *n = out->normalized;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		n[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
		if (!is_digit(n[i]) && !is_upper(n[i])) {
			fail(out, LD_ID_CHARSET);
			return;
		}
	}
	n[len] = '\0';
	switch (t) {
	case LD_DOC_HK_MO_TRAVEL_PERMIT:
		if (len != 9 && len != 11) {
			fail(out, LD_ID_LENGTH);
			return;
		}
		if ((n[0] != 'H' && n[0] != 'M') || !digits(n + 1, len - 1)) {
			fail(out, LD_ID_CHARSET);
			return;
		}
		out->nationality = n[0] == 'H' ? LD_NAT_HK : LD_NAT_MO;
		out->region = n[0] == 'H' ? 810000 : 820000;
		break;
	case LD_DOC_TW_TRAVEL_PERMIT:
		if (len != 8 && len != 10) {
			fail(out, LD_ID_LENGTH);
			return;
		}
		if (!digits(n, len)) {
			fail(out, LD_ID_CHARSET);
			return;
		}
		out->nationality = LD_NAT_TW;
		out->region = 830000;
		break;
	case LD_DOC_FOREIGN_PR_CARD:
		out->nationality = LD_NAT_FOREIGN;
		if (len == 18) {
			check_pr18(n, today, out);
			return;
		}
		if (len != 15) {
			fail(out, LD_ID_LENGTH);
			return;
		}
		if (!is_upper(n[0]) || !is_upper(n[1]) || !is_upper(n[2]) ||
		    !digits(n + 3, 12)) {
			fail(out, LD_ID_CHARSET);
			return;
		}
		break;
	case LD_DOC_PASSPORT:
		if (len > 17) {
			fail(out, LD_ID_LENGTH);
			return;
		}
		if (strcspn(n, "0123456789") == len) {
			fail(out, LD_ID_CHARSET);
			return;
		}
		out->nationality = LD_NAT_FOREIGN;
		break;
	default:
		fail(out, LD_ID_LENGTH);
		return;
	}
	out->valid = true;
}

bool ld_region_full_name(int32_t code, char *buf, size_t cap)
{
	if (ld_division_full_name(code, buf, cap))
		return true;
	if (code != 830000) {
		if (cap)
			buf[0] = '\0';
		return false;
	}
	snprintf(buf, cap, "台湾地区");
	return true;
}

const char *ld_document_message(ld_doc_type t, ld_id_reason r)
{
	if (t == LD_DOC_RESIDENT_ID)
		return ld_id_reason_message(r);
	if (r == LD_ID_OK)
		return "证件号码有效";
	switch (t) {
	case LD_DOC_HMT_RESIDENCE_PERMIT:
		switch (r) {
		case LD_ID_LENGTH:
			return "港澳台居民居住证号码应为18位";
		case LD_ID_ADDRESS_CODE:
			return "港澳台居民居住证号码应以810000（香港）、820000（澳门）或830000（台湾）开头";
		default:
			return ld_id_reason_message(r);
		}
	case LD_DOC_HK_MO_TRAVEL_PERMIT:
		return r == LD_ID_LENGTH
			       ? "港澳居民来往内地通行证号码应为9位或11位"
			       : "港澳居民来往内地通行证号码应为H（香港）或M（澳门）加8位或10位数字";
	case LD_DOC_TW_TRAVEL_PERMIT:
		return r == LD_ID_LENGTH
			       ? "台湾居民来往大陆通行证号码应为8位或10位"
			       : "台湾居民来往大陆通行证号码只能由数字组成";
	case LD_DOC_FOREIGN_PR_CARD:
		switch (r) {
		case LD_ID_LENGTH:
			return "外国人永久居留身份证号码应为18位（以9开头）或15位（3个字母和12位数字）";
		case LD_ID_CHECKSUM:
			return "外国人永久居留身份证号码校验码不正确";
		case LD_ID_BIRTH_DATE:
			return "外国人永久居留身份证号码中的出生日期无效";
		default:
			return "外国人永久居留身份证号码应为9开头的18位数字（末位可为X），或3个字母加12位数字";
		}
	case LD_DOC_PASSPORT:
		return r == LD_ID_LENGTH
			       ? "护照号码应为5至17位字母或数字"
			       : "护照号码只能由字母和数字组成，且含有数字";
	default:
		return ld_id_reason_message(r);
	}
}
