/*
 * idnum.h — citizen identity numbers (GB 11643-1999).
 *
 * An 18-character number is a 6-digit address code, an 8-digit birth date,
 * a 3-digit sequence code (odd for men, even for women) and an ISO 7064
 * MOD 11-2 check character (0-9 or X). Numbers issued before 1999 have 15
 * digits: the birth year has two digits (19YY) and there is no check
 * character; they are recognised as legacy numbers.
 */
#ifndef LD_IDNUM_H
#define LD_IDNUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"

typedef enum {
	LD_ID_OK = 0,
	LD_ID_LENGTH,
	LD_ID_CHARSET,
	LD_ID_CHECKSUM,
	LD_ID_BIRTH_DATE,
	LD_ID_ADDRESS_CODE,
	/* The number is of another document (document.h): a resident ID
	 * card's number beginning 810000, 820000 or 830000 is that of a Hong
	 * Kong, Macao or Taiwan resident's residence permit. */
	LD_ID_DOCUMENT_TYPE,
} ld_id_reason;

enum ld_sex { LD_SEX_UNKNOWN = 0, LD_SEX_MALE = 1, LD_SEX_FEMALE = 2 };

typedef struct {
	bool valid;
	ld_id_reason reason; /* the first failed check, LD_ID_OK if valid */
	bool legacy15;       /* 15 characters long */
	/* Set only when valid: */
	ld_day birth;
	enum ld_sex sex;
	int32_t address_code;
	char normalized[19]; /* as given, with a lowercase x made X */
} ld_idnum;

/*
 * Check an ID number of `len` bytes against `today` (a birth date after it is
 * invalid). Checks run in the order of ld_id_reason and stop at the first
 * failure. Never fails as a program: the answer is in *out.
 */
void ld_idnum_check(const char *s, size_t len, ld_day today, ld_idnum *out);

/*
 * The same checks for the number of a 港澳台居民居住证 (GB 11643 with the
 * address code 810000, 820000 or 830000): 18 characters only, and any other
 * address code is LD_ID_ADDRESS_CODE.
 */
void ld_idnum_check_hmt(const char *s, size_t len, ld_day today, ld_idnum *out);

/* A GB 11643 number of either: a resident ID card, or (when it begins
 * 810000, 820000 or 830000) a 港澳台居民居住证. For the reports of
 * landlords and employers and the grid's visits, which name whoever lives
 * there. */
void ld_idnum_check_person(const char *s, size_t len, ld_day today,
			   ld_idnum *out);

/* Whether an address code is one of the three of 港澳台居民居住证 numbers. */
bool ld_idnum_is_hmt_code(int32_t code);

/* Stable code of a reason ("length", "checksum", ...); NULL for LD_ID_OK. */
const char *ld_id_reason_code(ld_id_reason r);
/* Chinese explanation of a reason, for people. */
const char *ld_id_reason_message(ld_id_reason r);

/* The ISO 7064 MOD 11-2 check character for 17 digits. */
char ld_idnum_check_char(const char digits17[17]);

#endif
