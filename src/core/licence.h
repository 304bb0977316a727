/*
 * licence.h — electronic licence identifiers (电子证照标识, GB/T 36904-2018)
 * and the masking of what a verifier may see (个人信息保护法: minimum
 * necessary).
 *
 * An identifier reads 1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check>:
 * the licence type code, the issuing authority's code, a serial, a 3-digit
 * version, and one check character computed by ISO 7064 MOD 37,36 over the
 * parts after the root, without the dots. Type and issuer codes are
 * settings, made of digits and capital letters.
 */
#ifndef LD_LICENCE_H
#define LD_LICENCE_H

#include <stdbool.h>
#include <stddef.h>

#define LD_LICENCE_ROOT "1.2.156.3005.2"
#define LD_LICENCE_MAX 128

/* The ISO 7064 MOD 37,36 check character ('0'-'9', 'A'-'Z') of s, which
 * must hold only digits and capital letters; '\0' if it holds others. */
char ld_mod37_36_check(const char *s, size_t len);

/*
 * Compose an identifier into out (at least LD_LICENCE_MAX bytes). type and
 * issuer: 1-32 digits or capital letters; serial: 1-20 of the same; version
 * 1-999. Returns false on any bad part.
 */
bool ld_licence_format(const char *type, const char *issuer,
		       const char *serial, int version, char *out);

/* Whether s is a well-formed identifier with a correct check character; on
 * success the version is stored in *version (if not NULL). */
bool ld_licence_is_valid(const char *s, int *version);

/* The ID number as a verifier may see it: first 6 and last 4 characters,
 * the rest '*' (out holds at least 19 bytes). A number of other documents
 * shorter than 15 characters (a passport, a travel permit) shows its first
 * and last 2 only, so at least half of it stays hidden; one shorter than 8
 * is masked whole. */
void ld_mask_id_number(const char *id, char out[19]);

#endif
