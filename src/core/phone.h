/*
 * phone.h — whether a contact number is written as a Chinese phone number:
 * a mobile number (11 digits, 13x–19x) or a landline (digits with at most
 * two hyphens, not first, 7 to 20 characters: 0531-86001234, 0531-8600-1234).
 */
#ifndef LD_PHONE_H
#define LD_PHONE_H

#include <stdbool.h>

/* True for a mobile or landline number as above, and for "" (no number). */
bool ld_phone_valid(const char *s);

#endif
