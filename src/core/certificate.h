/*
 * certificate.h — numbers of residence registration certificates
 * (居住登记凭证编号).
 *
 * Format (20 characters): "DJ", the 6-digit county-level code of the place of
 * residence, the 4-digit year of issue, a 7-digit serial within that county
 * and year, and a check character computed by ISO 7064 MOD 11-2 over the 17
 * digits (as in GB 11643): e.g. DJ37010220260000001X. Serials are allocated
 * by the store inside the write transaction, so numbers are unique.
 */
#ifndef LD_CERTIFICATE_H
#define LD_CERTIFICATE_H

#include <stdbool.h>
#include <stdint.h>

#define LD_CERT_NO_LEN 20

/* Write the number and a NUL into out. Returns false if serial or year is
 * out of range. */
bool ld_certificate_format(int32_t district, int year, long serial,
			   char out[LD_CERT_NO_LEN + 1]);
/* Whether s is a well-formed number with a correct check character. */
bool ld_certificate_is_valid(const char *s);

/* Residence permit numbers (居住证编号) have the same form with the prefix
 * "JZ": e.g. JZ37010220260000001X. */
bool ld_permit_no_format(int32_t district, int year, long serial,
			 char out[LD_CERT_NO_LEN + 1]);
bool ld_permit_no_is_valid(const char *s);

#endif
