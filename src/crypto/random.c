/*
 * random.c — getrandom(2) wrapper.
 */
#include "random.h"

#include <errno.h>
#include <sys/random.h>

ld_status ld_random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;
	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return LD_EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return LD_OK;
}

ld_status ld_random_hex(char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[64];
	if (n > sizeof b || ld_random_bytes(b, n) != LD_OK)
		return LD_EIO;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
	return LD_OK;
}
