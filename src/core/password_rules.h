/*
 * password_rules.h — what a password chosen by a member of staff must be
 * (GB/T 22239-2019 8.1.4.1 a): 身份鉴别信息具有复杂度要求). Generated
 * passwords are not judged here: they are random, and must be replaced at
 * first login anyway.
 */
#ifndef LD_PASSWORD_RULES_H
#define LD_PASSWORD_RULES_H

#include <stdbool.h>

#define LD_PASSWORD_MIN_CHARS 10
#define LD_PASSWORD_LONG_CHARS 16 /* from here on, any mix of characters */
#define LD_PASSWORD_MIN_CLASSES 3 /* of lower case, upper case, digits, other */
#define LD_PASSWORD_MIN_DISTINCT 5

/*
 * Whether `password` (valid UTF-8) may be chosen by account `username`:
 * at least 10 characters (code points, not bytes); with fewer than 16, at
 * least 3 of the 4 classes (lower-case, upper-case, digits, anything else,
 * Chinese characters included); at least 5 distinct characters; no control
 * characters; not containing the user name (ignoring ASCII case) when that
 * has 3 or more characters. When not, *why says why in Chinese (static).
 */
bool ld_password_acceptable(const char *password, const char *username,
			    const char **why);

#endif
