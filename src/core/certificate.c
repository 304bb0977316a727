/*
 * certificate.c — registration certificate numbers.
 */
#include "certificate.h"

#include <stdio.h>
#include <string.h>

#include "idnum.h"

static bool format_with(const char *prefix, int32_t district, int year,
			long serial, char out[LD_CERT_NO_LEN + 1]);
static bool valid_with(const char *prefix, const char *s);

bool ld_certificate_format(int32_t district, int year, long serial,
			   char out[LD_CERT_NO_LEN + 1])
{
	return format_with("DJ", district, year, serial, out);
}

bool ld_certificate_is_valid(const char *s)
{
	return valid_with("DJ", s);
}

bool ld_permit_no_format(int32_t district, int year, long serial,
			 char out[LD_CERT_NO_LEN + 1])
{
	return format_with("JZ", district, year, serial, out);
}

bool ld_permit_no_is_valid(const char *s)
{
	return valid_with("JZ", s);
}

static bool format_with(const char *prefix, int32_t district, int year,
			long serial, char out[LD_CERT_NO_LEN + 1])
{
	if (district < 100000 || district > 999999 || year < 1000 ||
	    year > 9999 || serial < 1 || serial > 9999999)
		return false;
	char digits[18];
	snprintf(digits, sizeof digits, "%06d%04d%07ld", (int)district, year,
		 serial);
	out[0] = prefix[0];
	out[1] = prefix[1];
	memcpy(out + 2, digits, 17);
	out[19] = ld_idnum_check_char(digits);
	out[20] = '\0';
	return true;
}

static bool valid_with(const char *prefix, const char *s)
{
	if (strlen(s) != LD_CERT_NO_LEN || s[0] != prefix[0] ||
	    s[1] != prefix[1])
		return false;
	for (int i = 2; i < 19; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return ld_idnum_check_char(s + 2) == s[19];
}
