/*
 * fuzz_framing.c — the second reading of an HTTP/1 request head
 * (framing.h), which reads bytes as a client sent them: any bytes must give
 * a verdict, never a read past them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/framing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly `size` bytes, so ASan sees any read beyond. */
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	(void)ld_framing_check(copy, size, "POST", 4, "/api/v1/x", 9);
	free(copy);
	return 0;
}
