/*
 * cidr.h — lists of address ranges ("127.0.0.0/8,::1"), for settings that
 * admit some clients by their address (who may read /metrics).
 */
#ifndef LD_CIDR_H
#define LD_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define LD_CIDR_MAX 32 /* ranges in one list */

struct ld_cidr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16]; /* network byte order; 4 bytes for IPv4 */
	int bits; /* prefix length */
};

/*
 * Parse "ADDR[/BITS][,ADDR[/BITS]...]" (IPv4 or IPv6 addresses; without
 * BITS a single address) into out[0..LD_CIDR_MAX). Returns how many, or -1
 * with a Chinese message in msg when the text is malformed, a prefix is too
 * long, an address has bits set beyond its prefix, or there are more than
 * LD_CIDR_MAX.
 */
int ld_cidr_parse_list(const char *text, struct ld_cidr *out, char *msg,
		       size_t cap);

/* Whether the address sa (AF_INET or AF_INET6; an IPv4-mapped IPv6 address
 * counts as IPv4) lies in one of the n ranges. */
bool ld_cidr_match(const struct ld_cidr *list, int n,
		   const struct sockaddr *sa);

#endif
