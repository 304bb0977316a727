/*
 * random.h — cryptographically secure random bytes from the kernel
 * (getrandom(2)). Tokens, salts and generated passwords come from here.
 */
#ifndef LD_RANDOM_H
#define LD_RANDOM_H

#include <stddef.h>

#include "core/status.h"

ld_status ld_random_bytes(void *buf, size_t len);
/* 2*n lowercase hex characters of n random bytes, and a NUL. */
ld_status ld_random_hex(char *out, size_t n);

#endif
