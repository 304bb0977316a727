/*
 * netaddr.h — IPv4 and IPv6 addresses as values (parsing, printing,
 * masking), and finding the client behind trusted reverse proxies in an
 * X-Forwarded-For list. Lists of address ranges are cidr.h's. Pure
 * functions, no I/O.
 */
#ifndef LD_NETADDR_H
#define LD_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

#include "util/cidr.h"

#define LD_NETADDR_TEXT 46 /* INET6_ADDRSTRLEN */

/* An address. IPv4 is kept as IPv4 (bytes 0-3), and an IPv4-mapped IPv6
 * address (::ffff:a.b.c.d) is read as the IPv4 address it maps, so the
 * same client has one form whatever socket it came through. */
typedef struct {
	int family; /* 4 or 6 */
	unsigned char b[16];
} ld_netaddr;

/* Parse an address of len bytes (no brackets, no port, no zone).
 * Returns false when it is not one. */
bool ld_netaddr_parse(const char *s, size_t len, ld_netaddr *out);
/* The address as text (inet_ntop's form) into out[LD_NETADDR_TEXT]. */
void ld_netaddr_format(const ld_netaddr *a, char *out);
/* Keep the first `bits` bits, zero the rest. */
void ld_netaddr_mask(ld_netaddr *a, int bits);

/* Whether a lies in one of the n ranges (cidr.h). */
bool ld_netaddr_in(const ld_netaddr *a, const struct ld_cidr *list, int n);

/*
 * The client of a request that reached us through trusted proxies, from
 * its X-Forwarded-For list (len bytes, comma-separated, every header line
 * of it joined with commas in order): the rightmost address that is not
 * itself a trusted proxy, or the leftmost when all are. Each proxy appends
 * the address it received the request from, so everything left of the
 * first untrusted address was written by that client and proves nothing.
 * Returns false when an element that must be read is not an address
 * (empty, "unknown", a port, garbage): the caller then uses the peer.
 */
bool ld_forwarded_client(const char *xff, size_t len,
			 const struct ld_cidr *trusted, int ntrusted,
			 ld_netaddr *out);

#endif
