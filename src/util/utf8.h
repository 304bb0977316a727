/*
 * utf8.h — checking text received from outside (bodies, query strings,
 * uploaded files) before anything reads it as UTF-8, and before it is kept
 * as free text (names, addresses, notes) that others will read.
 */
#ifndef LD_UTF8_H
#define LD_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether the n bytes at s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
bool ld_utf8_valid(const char *s, size_t n);

/* Characters that free text must not hold, by kind. */
enum ld_utf8_unsafe {
	LD_UTF8_SAFE = 0,
	/* C0 and C1 controls, DEL, and the line and paragraph separators
	 * U+2028/U+2029. */
	LD_UTF8_CONTROL,
	/* Bidirectional controls, which reorder what is displayed around
	 * them ("Trojan Source", CVE-2021-42574): the embeddings, overrides
	 * and isolates U+202A-U+202E and U+2066-U+2069, and the implicit
	 * marks U+200E, U+200F and U+061C. */
	LD_UTF8_BIDI,
	/* Invisible characters that make two equal-looking names differ:
	 * U+200B, U+2060-U+2064, U+FEFF, U+FFF9-U+FFFB. (The joiners
	 * U+200C/U+200D are allowed: some scripts need them.) */
	LD_UTF8_INVISIBLE,
};

/*
 * The first character of the n bytes at s (well-formed UTF-8, as checked by
 * ld_utf8_valid) that free text must not hold: its kind, and its code point
 * in *cp (when cp is not NULL). LD_UTF8_SAFE when there is none. Used once
 * for every string of every request body (body.c) and every query value
 * (dispatch.c); uploaded files' cells can use it too.
 */
enum ld_utf8_unsafe ld_utf8_find_unsafe(const char *s, size_t n, uint32_t *cp);

#endif
