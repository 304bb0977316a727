/*
 * certificate.c — registration certificate numbers.
 */
#include "certificate.h"

#include <stdio.h>
#include <string.h>

#include "idnum.h"

bool ld_certificate_format(int32_t district, int year, long serial,
			   char out[LD_CERT_NO_LEN + 1])
{
	if (district < 100000 || district > 999999 || year < 1000 ||
	    year > 9999 || serial < 1 || serial > 9999999)
		return false;
	char digits[18];
	snprintf(digits, sizeof digits, "%06d%04d%07ld", (int)district, year,
		 serial);
	out[0] = 'D';
	out[1] = 'J';
	memcpy(out + 2, digits, 17);
	out[19] = ld_idnum_check_char(digits);
	out[20] = '\0';
	return true;
}

bool ld_certificate_is_valid(const char *s)
{
	if (strlen(s) != LD_CERT_NO_LEN || s[0] != 'D' || s[1] != 'J')
		return false;
	for (int i = 2; i < 19; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return ld_idnum_check_char(s + 2) == s[19];
}
