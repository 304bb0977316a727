/*
 * document.h — the identity documents a person may be registered with at
 * the desk, and the checks of each document's number.
 *
 * A mainland citizen shows the resident ID card (居民身份证, GB 11643).
 * Hong Kong, Macao and Taiwan residents and foreigners follow national
 * rules (办法 第二条第二款) and show their own documents:
 *
 *   hmt_residence_permit  港澳台居民居住证: an 18-character GB 11643 number
 *                         whose address code is 810000 (Hong Kong), 820000
 *                         (Macao) or 830000 (Taiwan)
 *   hk_mo_travel_permit   港澳居民来往内地通行证: H (Hong Kong) or M (Macao)
 *                         and 8 digits (the card issued since 2013), or 10
 *                         (8 digits and a 2-digit issue count, before it)
 *   tw_travel_permit      台湾居民来往大陆通行证: 8 digits (the card issued
 *                         since 2015) or 10 (the booklet before it)
 *   foreign_permanent_residence
 *                         外国人永久居留身份证: 18 characters beginning with
 *                         9, the last an ISO 7064 MOD 11-2 check as in
 *                         GB 11643, with the birth date in characters 7-14
 *                         (the card issued since 2023-12-01); or 15
 *                         characters, 3 Latin letters and 12 digits (the
 *                         2004 and 2017 cards)
 *   passport              a foreigner's passport: 5 to 17 letters and
 *                         digits, at least one digit
 *
 * What a number does not carry (birth date, sex) the clerk enters.
 */
#ifndef LD_DOCUMENT_H
#define LD_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "date.h"
#include "idnum.h"
#include "scope.h"

typedef enum {
	LD_DOC_RESIDENT_ID = 0,
	LD_DOC_HMT_RESIDENCE_PERMIT,
	LD_DOC_HK_MO_TRAVEL_PERMIT,
	LD_DOC_TW_TRAVEL_PERMIT,
	LD_DOC_FOREIGN_PR_CARD,
	LD_DOC_PASSPORT,
	LD_DOC__COUNT
} ld_doc_type;

typedef struct {
	bool valid;
	ld_id_reason reason; /* the first failed check, LD_ID_OK if valid */
	ld_doc_type type;
	bool legacy15;       /* a 15-digit resident ID number */
	char normalized[19]; /* upper case */
	/* Set only when valid: */
	ld_nationality nationality; /* CN for the resident ID card */
	int32_t region;      /* the address code (resident ID card, or
				810000/820000/830000), else 0 */
	bool has_birth;      /* the number carries the birth date */
	ld_day birth;
	enum ld_sex sex;     /* LD_SEX_UNKNOWN when the number does not say */
} ld_document;

/* Check the number of a document of type t against `today`. Never fails as
 * a program: the answer is in *out. */
void ld_document_check(ld_doc_type t, const char *s, size_t len, ld_day today,
		       ld_document *out);

/* The types as a code list (the API's document_type). */
extern const struct ld_code_list ld_document_types;

/* Stable code ("resident_id_card", ...), Chinese name, and the reverse. */
const char *ld_doc_type_code(ld_doc_type t);
const char *ld_doc_type_label(ld_doc_type t);
bool ld_doc_type_from_code(const char *s, ld_doc_type *out);

/* The full name of a place code as ld_division_full_name gives it, and
 * "台湾地区" for 830000, the Taiwan code of 港澳台居民居住证 numbers, which
 * GB/T 2260 does not list. False (and buf empty) for an unknown code. */
bool ld_region_full_name(int32_t code, char *buf, size_t cap);

/* Chinese explanation of a failed check of a document of type t. */
const char *ld_document_message(ld_doc_type t, ld_id_reason r);

#endif
