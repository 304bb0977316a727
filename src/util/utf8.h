/*
 * utf8.h — checking text received from outside (bodies, query strings,
 * uploaded files) before anything reads it as UTF-8.
 */
#ifndef LD_UTF8_H
#define LD_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the n bytes at s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
bool ld_utf8_valid(const char *s, size_t n);

#endif
