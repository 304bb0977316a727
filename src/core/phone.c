/*
 * phone.c — the form of a contact number (phone.h).
 */
#include "core/phone.h"

#include <string.h>

bool ld_phone_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return true;
	if (n == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9') {
		for (size_t i = 0; i < n; i++)
			if (s[i] < '0' || s[i] > '9')
				return false;
		return true;
	}
	if (n < 7 || n > 20)
		return false;
	int hyphens = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-' && i > 0 && ++hyphens <= 2)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}
