/*
 * image.h — checking a photo someone sent (JPEG or PNG) without decoding
 * it, and copying it without its metadata.
 *
 * What it checks: the magic bytes; that the file's structure holds from
 * its first byte to its last (JPEG markers and segment lengths up to the
 * end-of-image marker; PNG chunks with their CRCs, IHDR first and IEND
 * last); one frame, of 1 or 3 colour components (JPEG) or a valid colour
 * type and bit depth (PNG); and the picture's size as the file declares it
 * (width and height each within [LD_IMAGE_MIN_SIDE, LD_IMAGE_MAX_SIDE]), so
 * nobody who shows it later decodes more than that many pixels.
 *
 * What it drops: everything that is not the picture — JPEG APPn segments
 * other than JFIF, Adobe and ICC profiles, comments and bytes after the
 * end-of-image marker (EXIF: camera, time, GPS position); PNG ancillary
 * chunks other than those about colour and pixel size (text, time, EXIF,
 * animation). It is not a decoder: a file whose compressed data is damaged
 * passes, and a browser shows it damaged.
 */
#ifndef LD_IMAGE_H
#define LD_IMAGE_H

#include <stddef.h>

#include "core/status.h"
#include "util/buf.h"

#define LD_IMAGE_MIN_SIDE 100
#define LD_IMAGE_MAX_SIDE 2000

enum ld_image_type {
	LD_IMAGE_UNKNOWN = 0,
	LD_IMAGE_JPEG,
	LD_IMAGE_PNG,
};

typedef struct {
	enum ld_image_type type;
	unsigned width, height;
} ld_image_info;

/* The media type of a checked image ("image/jpeg", "image/png"). */
const char *ld_image_media_type(enum ld_image_type t);

/*
 * Check `len` bytes of `data` as a JPEG or PNG file and append it, without
 * its metadata, to `clean` (which the caller owns; its maximum bounds the
 * copy). On failure returns LD_EINVAL with a Chinese message naming
 * `field` in err (LD_ENOMEM or LD_ETOOBIG when `clean` cannot take it);
 * `clean` may then hold part of the file.
 */
ld_status ld_image_check(const unsigned char *data, size_t len,
			 const char *field, ld_image_info *info, ld_buf *clean,
			 ld_error *err);

#endif
