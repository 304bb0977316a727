/*
 * siphash.h — SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit
 * hash for tables whose keys come from clients (user names, addresses), so
 * that nobody who does not know the key can make their entries collide.
 * Not a MAC for anything stored or sent.
 */
#ifndef LD_SIPHASH_H
#define LD_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define LD_SIPHASH_KEY_LEN 16

uint64_t ld_siphash(const unsigned char key[LD_SIPHASH_KEY_LEN],
		    const void *data, size_t len);

#endif
