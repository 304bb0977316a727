/*
 * image.c — JPEG (ITU-T T.81 / JFIF) and PNG (ISO/IEC 15948) files read
 * segment by segment and chunk by chunk, never decoded: enough to know
 * what a file is, how many pixels it declares, and to copy it without
 * what is not the picture. See image.h for what is checked and dropped.
 */
#include "util/image.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

const char *ld_image_media_type(enum ld_image_type t)
{
	switch (t) {
	case LD_IMAGE_JPEG:
		return "image/jpeg";
	case LD_IMAGE_PNG:
		return "image/png";
	default:
		return NULL;
	}
}

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static ld_status broken(ld_error *err, const char *field)
{
	return ld_fail(err, LD_EINVAL, field, "相片文件已损坏或不完整");
}

static ld_status copy(ld_buf *out, const unsigned char *p, size_t n,
		      ld_error *err, const char *field)
{
	ld_status rc = ld_buf_add(out, p, n);
	if (rc == LD_ETOOBIG)
		return ld_fail(err, rc, field, "相片文件过大");
	if (rc != LD_OK)
		return ld_fail(err, rc, field, "内存不足");
	return LD_OK;
}

static ld_status check_size(ld_image_info *info, ld_error *err,
			    const char *field)
{
	if (info->width < LD_IMAGE_MIN_SIDE || info->height < LD_IMAGE_MIN_SIDE ||
	    info->width > LD_IMAGE_MAX_SIDE || info->height > LD_IMAGE_MAX_SIDE)
		return ld_fail(err, LD_EINVAL, field,
			       "相片的宽和高应各在%d至%d像素之间（此图为%u×%u）",
			       LD_IMAGE_MIN_SIDE, LD_IMAGE_MAX_SIDE,
			       info->width, info->height);
	return LD_OK;
}

/* ---- JPEG ----------------------------------------------------------- */

/* Whether an APPn segment (its data after the length) is one kept: the
 * JFIF header, an ICC colour profile, the Adobe colour transform. */
static bool jpeg_app_kept(unsigned marker, const unsigned char *p, size_t n)
{
	switch (marker) {
	case 0xE0:
		return n >= 5 && memcmp(p, "JFIF\0", 5) == 0;
	case 0xE2:
		return n >= 12 && memcmp(p, "ICC_PROFILE\0", 12) == 0;
	case 0xEE:
		return n >= 5 && memcmp(p, "Adobe", 5) == 0;
	default:
		return false;
	}
}

/* The entropy-coded data of a scan starting at `pos`: up to the next
 * marker that is not a restart marker or a stuffed 0xFF. Returns the
 * position of that marker's 0xFF, or len when there is none. */
static size_t jpeg_scan_end(const unsigned char *d, size_t len, size_t pos)
{
	while (pos < len) {
		if (d[pos] != 0xFF) {
			pos++;
			continue;
		}
		size_t m = pos + 1;
		while (m < len && d[m] == 0xFF)
			m++; /* fill bytes */
		if (m >= len)
			return len;
		if (d[m] == 0x00 || (d[m] >= 0xD0 && d[m] <= 0xD7)) {
			pos = m + 1;
			continue;
		}
		return pos;
	}
	return len;
}

static ld_status jpeg_check(const unsigned char *d, size_t len,
			    const char *field, ld_image_info *info, ld_buf *out,
			    ld_error *err)
{
	bool frame = false, scanned = false;
	size_t pos = 2;
	ld_status rc = copy(out, d, 2, err, field); /* SOI */
	while (rc == LD_OK) {
		if (pos >= len || d[pos] != 0xFF)
			return broken(err, field);
		while (pos < len && d[pos] == 0xFF)
			pos++;
		if (pos >= len)
			return broken(err, field);
		unsigned marker = d[pos++];
		if (marker == 0xD9) { /* EOI: what follows is dropped */
			if (!frame || !scanned)
				return broken(err, field);
			return copy(out, (const unsigned char *)"\xFF\xD9", 2,
				    err, field);
		}
		if (marker == 0x00 || marker == 0x01 || marker == 0xD8 ||
		    (marker >= 0xD0 && marker <= 0xD7))
			return broken(err, field);
		if (pos + 2 > len)
			return broken(err, field);
		size_t seg = be16(d + pos);
		if (seg < 2 || pos + seg > len)
			return broken(err, field);
		const unsigned char *p = d + pos + 2;
		size_t n = seg - 2;
		bool keep = true;
		switch (marker) {
		case 0xC0: /* baseline */
		case 0xC1: /* extended sequential */
		case 0xC2: /* progressive; the ones browsers show */
			if (frame || n < 6 || n != 6 + 3u * p[5] ||
			    (p[5] != 1 && p[5] != 3))
				return frame ? ld_fail(err, LD_EINVAL, field,
						       "相片应只含一幅图像")
					     : broken(err, field);
			if (p[0] != 8)
				return ld_fail(err, LD_EINVAL, field,
					       "不支持的 JPEG 编码方式，请改存为普通 JPEG 或 PNG");
			info->height = be16(p + 1);
			info->width = be16(p + 3);
			frame = true;
			rc = check_size(info, err, field);
			break;
		case 0xC4: /* DHT */
		case 0xCC: /* DAC */
		case 0xDB: /* DQT */
		case 0xDD: /* DRI */
			break;
		case 0xDA: /* SOS, then the scan's data */
			if (!frame || n < 1 || n != 4 + 2u * p[0] || p[0] < 1 ||
			    p[0] > 3)
				return broken(err, field);
			scanned = true;
			break;
		case 0xFE: /* comment */
			keep = false;
			break;
		default:
			if (marker >= 0xE0 && marker <= 0xEF) {
				keep = jpeg_app_kept(marker, p, n);
				break;
			}
			return ld_fail(err, LD_EINVAL, field,
				       "不支持的 JPEG 编码方式，请改存为普通 JPEG 或 PNG");
		}
		if (rc == LD_OK && keep)
			rc = copy(out, d + pos - 2, seg + 2, err, field);
		pos += seg;
		if (rc == LD_OK && marker == 0xDA) {
			size_t end = jpeg_scan_end(d, len, pos);
			if (end >= len)
				return broken(err, field);
			rc = copy(out, d + pos, end - pos, err, field);
			pos = end;
		}
	}
	return rc;
}

/* ---- PNG ------------------------------------------------------------ */

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t table[256];
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++)
		c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

/* Ancillary chunks kept: what says how the pixels look, nothing else. */
static bool png_ancillary_kept(const unsigned char *type)
{
	static const char kept[][5] = {"tRNS", "gAMA", "cHRM", "sRGB",
				       "iCCP", "sBIT", "pHYs", "bKGD"};
	for (size_t i = 0; i < sizeof kept / sizeof *kept; i++)
		if (memcmp(type, kept[i], 4) == 0)
			return true;
	return false;
}

static bool png_depth_ok(unsigned colour, unsigned depth)
{
	switch (colour) {
	case 0:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8 ||
		       depth == 16;
	case 3:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8;
	case 2:
	case 4:
	case 6:
		return depth == 8 || depth == 16;
	default:
		return false;
	}
}

static ld_status png_check(const unsigned char *d, size_t len,
			   const char *field, ld_image_info *info, ld_buf *out,
			   ld_error *err)
{
	bool header = false, palette = false, data = false, data_done = false;
	unsigned colour = 0;
	size_t pos = 8;
	ld_status rc = copy(out, d, 8, err, field); /* signature */
	while (rc == LD_OK) {
		if (pos + 12 > len)
			return broken(err, field);
		uint32_t n = be32(d + pos);
		const unsigned char *type = d + pos + 4, *p = d + pos + 8;
		if (n > 0x7FFFFFFFu || n > len - pos - 12)
			return broken(err, field);
		for (int i = 0; i < 4; i++)
			if (!((type[i] >= 'A' && type[i] <= 'Z') ||
			      (type[i] >= 'a' && type[i] <= 'z')))
				return broken(err, field);
		if (crc32_of(type, (size_t)n + 4) != be32(p + n))
			return broken(err, field);
		bool is_header = memcmp(type, "IHDR", 4) == 0;
		if (header == is_header) /* IHDR first, and only there */
			return broken(err, field);
		bool keep = true, is_data = memcmp(type, "IDAT", 4) == 0;
		if (data && !is_data)
			data_done = true;
		if (is_header) {
			if (n != 13)
				return broken(err, field);
			info->width = be32(p);
			info->height = be32(p + 4);
			colour = p[9];
			if (!png_depth_ok(colour, p[8]) || p[10] != 0 ||
			    p[11] != 0 || p[12] > 1)
				return broken(err, field);
			header = true;
			rc = check_size(info, err, field);
		} else if (is_data) {
			if (data_done || (colour == 3 && !palette))
				return broken(err, field);
			data = true;
		} else if (memcmp(type, "PLTE", 4) == 0) {
			if (palette || data || n == 0 || n % 3 || n > 768)
				return broken(err, field);
			palette = true;
		} else if (memcmp(type, "IEND", 4) == 0) {
			if (n != 0 || !data)
				return broken(err, field);
			/* Anything after IEND is dropped. */
			return copy(out, d + pos, 12, err, field);
		} else if (type[0] >= 'A' && type[0] <= 'Z') {
			return ld_fail(err, LD_EINVAL, field,
				       "不支持的 PNG 文件，请改存为普通 PNG 或 JPEG");
		} else {
			keep = png_ancillary_kept(type);
		}
		if (rc == LD_OK && keep)
			rc = copy(out, d + pos, (size_t)n + 12, err, field);
		pos += (size_t)n + 12;
	}
	return rc;
}

ld_status ld_image_check(const unsigned char *data, size_t len,
			 const char *field, ld_image_info *info, ld_buf *clean,
			 ld_error *err)
{
	static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G',
						 '\r', '\n', 0x1A, '\n'};
	memset(info, 0, sizeof *info);
	if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
		info->type = LD_IMAGE_JPEG;
		return jpeg_check(data, len, field, info, clean, err);
	}
	if (len >= 8 && memcmp(data, png_sig, 8) == 0) {
		info->type = LD_IMAGE_PNG;
		return png_check(data, len, field, info, clean, err);
	}
	return ld_fail(err, LD_EINVAL, field,
		       "相片应为 JPEG 或 PNG 格式的图像文件");
}
