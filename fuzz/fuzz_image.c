/*
 * fuzz_image.c — a photo as the server first reads it (src/util/image.c):
 * JPEG segments or PNG chunks, never decoded.
 *
 * Checks, besides "no crash": a file that passes declares a size within
 * the limits, its stripped copy is no longer than it, starts with the same
 * magic bytes, and passes again to an identical copy of itself (stripping
 * is idempotent).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_buf once, twice;
	ld_image_info info, again;
	ld_buf_init(&once, (size_t)1 << 20);
	ld_buf_init(&twice, (size_t)1 << 20);
	if (ld_image_check(data, size, "photo", &info, &once, NULL) == LD_OK) {
		if (info.width < LD_IMAGE_MIN_SIDE || info.width > LD_IMAGE_MAX_SIDE ||
		    info.height < LD_IMAGE_MIN_SIDE ||
		    info.height > LD_IMAGE_MAX_SIDE || once.len > size ||
		    memcmp(once.data, data, 2) != 0)
			abort();
		if (ld_image_check((const uint8_t *)once.data, once.len, "photo",
				   &again, &twice, NULL) != LD_OK ||
		    again.type != info.type || again.width != info.width ||
		    again.height != info.height || twice.len != once.len ||
		    memcmp(twice.data, once.data, once.len) != 0)
			abort();
	}
	ld_buf_release(&once);
	ld_buf_release(&twice);
	return 0;
}
