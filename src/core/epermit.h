/*
 * epermit.h — the signed content of an electronic residence permit
 * (电子居住证) and its compact text form, which its QR code holds.
 *
 * A verifier sees only what 个人信息保护法's minimum-necessary principle
 * allows (rules.md §6): the licence identifier (GB/T 36904), the name, the
 * ID number masked to its first 6 and last 4 characters, the residence
 * district, the issue date, the permit number and version, and the id of
 * the key that signed it. The text form is
 *
 *   LDP1|<licence id>|<name>|<masked id>|<district>|<issue date>|
 *        <permit no>|<version>|<key id>|<signature>
 *
 * on one line, with no spaces around the '|'. The signature (SM2 over SM3,
 * GB/T 32918; DER, then base64url without padding) covers exactly the bytes
 * before the last '|'. No field may contain '|' or a control character.
 *
 * Pure: no I/O and no cryptography. Signing and checking the signature are
 * crypto/sm2.h's; the caller passes the bytes between the two.
 */
#ifndef LD_EPERMIT_H
#define LD_EPERMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "licence.h"
#include "status.h"
#include "util/buf.h"

#define LD_EPERMIT_MAGIC "LDP1"
#define LD_EPERMIT_NAME_MAX 120 /* bytes of UTF-8: 40 Chinese characters */
#define LD_EPERMIT_NO_MAX 64    /* bytes */
#define LD_EPERMIT_SIG_MAX 80   /* = LD_SM2_SIG_MAX */
#define LD_EPERMIT_KEY_ID_LEN 16
/* No well-formed payload is longer; parsing refuses longer text. */
#define LD_EPERMIT_TEXT_MAX 1024

/*
 * The fields, each a NUL-terminated string held in the struct itself, so a
 * parsed permit owns its content and needs no freeing.
 *   licence_id        a valid GB/T 36904 identifier (ld_licence_is_valid)
 *   name              1..LD_EPERMIT_NAME_MAX bytes of valid UTF-8
 *   masked_id_number  ld_mask_id_number of a normalized ID number: 6 digits,
 *                     8 '*', 3 digits and a digit or 'X' (18 characters),
 *                     or 6 digits, 5 '*', 4 digits for a 15-digit number
 *   district          6-digit division code of the place of residence
 *   issue_date        YYYY-MM-DD, a real date
 *   permit_no         1..LD_EPERMIT_NO_MAX bytes of valid UTF-8
 *   version           1..999, written without leading zeros
 *   key_id            16 lowercase hex characters (crypto/keyring.h)
 */
typedef struct {
	char licence_id[LD_LICENCE_MAX];
	char name[LD_EPERMIT_NAME_MAX + 1];
	char masked_id_number[19];
	char district[7];
	char issue_date[LD_DATE_STRLEN];
	char permit_no[LD_EPERMIT_NO_MAX + 1];
	int version;
	char key_id[LD_EPERMIT_KEY_ID_LEN + 1];
} ld_epermit;

/* Check every field as described above. On failure LD_EINVAL with
 * err->field set to the field's name ("licence_id", "name",
 * "masked_id_number", "district", "issue_date", "permit_no", "version",
 * "key_id") and a Chinese message. */
ld_status ld_epermit_check(const ld_epermit *p, ld_error *err);

/*
 * Append to out the bytes a signature covers: "LDP1|...|<key id>", without
 * a trailing '|'. Checks the fields first (as ld_epermit_check). On any
 * failure out is left as it was.
 */
ld_status ld_epermit_signed_part(const ld_epermit *p, ld_buf *out,
				 ld_error *err);

/*
 * Append the whole text form to out: the signed part, '|', and sig (DER,
 * 1..LD_EPERMIT_SIG_MAX bytes) in base64url without padding. On any
 * failure out is left as it was (err->field "signature" for a bad sig_len).
 */
ld_status ld_epermit_format(const ld_epermit *p, const unsigned char *sig,
			    size_t sig_len, ld_buf *out, ld_error *err);

/*
 * Parse len bytes of text (no NUL needed; no trailing newline allowed) into
 * *out, the decoded signature into sig and its length into *sig_len, and
 * the length of the signed part (the offset of the last '|') into
 * *signed_len: verify the signature over text[0..*signed_len).
 * Every field is checked; on failure LD_EINVAL (LD_ETOOBIG past
 * LD_EPERMIT_TEXT_MAX) with err->field naming the bad field, "signature"
 * for the signature, or "payload" when the text is not an LDP1 payload of
 * ten fields. *out is then unspecified.
 */
ld_status ld_epermit_parse(const char *text, size_t len, ld_epermit *out,
			   unsigned char sig[LD_EPERMIT_SIG_MAX],
			   size_t *sig_len, size_t *signed_len, ld_error *err);

/* Append the base64url encoding of len bytes (RFC 4648 §5, no padding). */
ld_status ld_base64url_encode(const void *data, size_t len, ld_buf *out);

/*
 * Decode len characters of unpadded base64url into out (cap bytes) and set
 * *out_len. Strict: only the URL alphabet, no '=', no whitespace, and the
 * unused low bits of the last character must be zero, so each byte string
 * has exactly one text. LD_EINVAL for bad text, LD_ETOOBIG when the result
 * would exceed cap.
 */
ld_status ld_base64url_decode(const char *s, size_t len, unsigned char *out,
			      size_t cap, size_t *out_len);

#endif
