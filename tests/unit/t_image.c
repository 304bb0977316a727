/*
 * t_image.c — checking photos without decoding them (src/util/image.c):
 * JPEG (ITU-T T.81) and PNG (ISO/IEC 15948) files made here, well formed
 * and broken in each way the checker must notice; the metadata it drops;
 * and that no prefix of a good file, and no single damaged byte, gets
 * past it with another size or breaks it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/image.h"

/* ---- making files ----------------------------------------------------- */

struct file {
	unsigned char d[8192];
	size_t n;
};

static void put(struct file *f, const void *p, size_t n)
{
	assert_true(f->n + n <= sizeof f->d);
	memcpy(f->d + f->n, p, n);
	f->n += n;
}

static void put16(struct file *f, unsigned v)
{
	unsigned char b[2] = {(unsigned char)(v >> 8), (unsigned char)v};
	put(f, b, 2);
}

static void put32(struct file *f, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 8), (unsigned char)v};
	put(f, b, 4);
}

static void segment(struct file *f, unsigned marker, const void *p, size_t n)
{
	unsigned char m[2] = {0xFF, (unsigned char)marker};
	put(f, m, 2);
	put16(f, (unsigned)n + 2);
	put(f, p, n);
}

struct jpeg_opts {
	unsigned w, h, components, precision, sof;
	bool exif, comment, second_frame, sos_first, trailing;
};

/* A baseline JPEG of mid-grey blocks (as tests/e2e/images.py makes). */
static void jpeg(struct file *f, const struct jpeg_opts *o)
{
	static const unsigned char jfif[] = "JFIF\0\1\1\0\0\1\0\1\0\0";
	unsigned char sof[6 + 3 * 4];
	f->n = 0;
	put(f, "\xFF\xD8", 2);
	segment(f, 0xE0, jfif, sizeof jfif - 1);
	if (o->exif)
		segment(f, 0xE1, "Exif\0\0GPS 36N 117E", 18);
	if (o->comment)
		segment(f, 0xFE, "camera X", 8);
	unsigned char dqt[65] = {0};
	memset(dqt + 1, 1, 64);
	segment(f, 0xDB, dqt, sizeof dqt);
	unsigned nc = o->components ? o->components : 1;
	sof[0] = (unsigned char)(o->precision ? o->precision : 8);
	sof[1] = (unsigned char)(o->h >> 8), sof[2] = (unsigned char)o->h;
	sof[3] = (unsigned char)(o->w >> 8), sof[4] = (unsigned char)o->w;
	sof[5] = (unsigned char)nc;
	for (unsigned i = 0; i < nc; i++) {
		sof[6 + 3 * i] = (unsigned char)(i + 1);
		sof[7 + 3 * i] = 0x11;
		sof[8 + 3 * i] = 0;
	}
	unsigned char dht[18] = {0x00, 1};
	unsigned char sos[6] = {1, 1, 0x00, 0, 63, 0};
	if (o->sos_first)
		segment(f, 0xDA, sos, sizeof sos);
	segment(f, o->sof ? o->sof : 0xC0, sof, 6 + 3 * nc);
	if (o->second_frame)
		segment(f, 0xC0, sof, 6 + 3 * nc);
	segment(f, 0xC4, dht, sizeof dht);
	dht[0] = 0x10;
	segment(f, 0xC4, dht, sizeof dht);
	segment(f, 0xDA, sos, sizeof sos);
	size_t bits = 2 * (size_t)((o->w + 7) / 8) * ((o->h + 7) / 8);
	static const unsigned char zero[256];
	for (size_t left = (bits + 7) / 8; left;) {
		size_t n = left < sizeof zero ? left : sizeof zero;
		put(f, zero, n);
		left -= n;
	}
	put(f, "\xFF\xD9", 2);
	if (o->trailing)
		put(f, "hidden", 6);
}

static uint32_t crc(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void chunk(struct file *f, const char *type, const void *p, size_t n)
{
	put32(f, (uint32_t)n);
	size_t at = f->n;
	put(f, type, 4);
	put(f, p, n);
	put32(f, crc(f->d + at, n + 4));
}

struct png_opts {
	unsigned w, h, colour, depth;
	bool text, exif, split_idat, unknown_critical, trailing, no_plte;
};

/* A PNG whose image data is a stored (uncompressed) zlib stream is more
 * than a test needs: the checker does not inflate, so any bytes do. */
static void png(struct file *f, const struct png_opts *o)
{
	unsigned char ihdr[13];
	f->n = 0;
	put(f, "\x89PNG\r\n\x1a\n", 8);
	ihdr[0] = (unsigned char)(o->w >> 24), ihdr[1] = (unsigned char)(o->w >> 16);
	ihdr[2] = (unsigned char)(o->w >> 8), ihdr[3] = (unsigned char)o->w;
	ihdr[4] = (unsigned char)(o->h >> 24), ihdr[5] = (unsigned char)(o->h >> 16);
	ihdr[6] = (unsigned char)(o->h >> 8), ihdr[7] = (unsigned char)o->h;
	ihdr[8] = (unsigned char)(o->depth ? o->depth : 8);
	ihdr[9] = (unsigned char)(o->colour ? o->colour : 2);
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	chunk(f, "IHDR", ihdr, 13);
	if (o->text)
		chunk(f, "tEXt", "Comment\0camera X", 16);
	if (o->colour == 3 && !o->no_plte)
		chunk(f, "PLTE", "\0\0\0\xff\xff\xff", 6);
	if (o->exif)
		chunk(f, "eXIf", "GPS 36N 117E", 12);
	if (o->unknown_critical)
		chunk(f, "ABCD", "x", 1);
	chunk(f, "IDAT", "\x78\x01", 2);
	chunk(f, "IDAT", "\x03\x00", 2);
	if (o->split_idat) {
		chunk(f, "tIME", "\x07\xe6\x01\x01\x00\x00\x00", 7);
		chunk(f, "IDAT", "\x00", 1);
	}
	chunk(f, "IEND", "", 0);
	if (o->trailing)
		put(f, "hidden", 6);
}

static ld_status check(const struct file *f, ld_image_info *info, ld_buf *out,
		       ld_error *err)
{
	ld_buf_reset(out);
	memset(err, 0, sizeof *err);
	return ld_image_check(f->d, f->n, "photo", info, out, err);
}

static bool contains(const ld_buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; b->len >= n && i <= b->len - n; i++)
		if (memcmp(b->data + i, s, n) == 0)
			return true;
	return false;
}

/* ---- JPEG ------------------------------------------------------------- */

static void jpeg_good(void **state)
{
	struct file f;
	ld_image_info info;
	ld_buf out;
	ld_error err;
	ld_buf_init(&out, 1 << 20);
	jpeg(&f, &(struct jpeg_opts){.w = 358, .h = 441});
	assert_int_equal(check(&f, &info, &out, &err), LD_OK);
	assert_int_equal(info.type, LD_IMAGE_JPEG);
	assert_int_equal(info.width, 358);
	assert_int_equal(info.height, 441);
	assert_string_equal(ld_image_media_type(info.type), "image/jpeg");
	/* Nothing to drop: the same bytes. */
	assert_int_equal(out.len, f.n);
	assert_memory_equal(out.data, f.d, f.n);
	/* Three components (YCbCr), progressive: shown by browsers. */
	jpeg(&f, &(struct jpeg_opts){.w = 100, .h = 2000, .components = 3,
				     .sof = 0xC2});
	assert_int_equal(check(&f, &info, &out, &err), LD_OK);
	ld_buf_release(&out);
}

static void jpeg_metadata_dropped(void **state)
{
	struct file f, plain;
	ld_image_info info;
	ld_buf out;
	ld_error err;
	ld_buf_init(&out, 1 << 20);
	jpeg(&f, &(struct jpeg_opts){.w = 300, .h = 400, .exif = true,
				     .comment = true, .trailing = true});
	jpeg(&plain, &(struct jpeg_opts){.w = 300, .h = 400});
	assert_int_equal(check(&f, &info, &out, &err), LD_OK);
	assert_false(contains(&out, "GPS"));
	assert_false(contains(&out, "camera"));
	assert_false(contains(&out, "hidden"));
	/* What is left is exactly the file without them. */
	assert_int_equal(out.len, plain.n);
	assert_memory_equal(out.data, plain.d, plain.n);
	ld_buf_release(&out);
}

static void jpeg_refused(void **state)
{
	static const struct {
		const char *what;
		struct jpeg_opts o;
	} cases[] = {
		{"too wide", {.w = 2001, .h = 400}},
		{"too low", {.w = 300, .h = 99}},
		{"height 0 (DNL)", {.w = 300, .h = 0}},
		{"four components (CMYK)", {.w = 300, .h = 400, .components = 4}},
		{"12-bit samples", {.w = 300, .h = 400, .precision = 12}},
		{"arithmetic coding", {.w = 300, .h = 400, .sof = 0xC9}},
		{"lossless", {.w = 300, .h = 400, .sof = 0xC3}},
		{"two frames", {.w = 300, .h = 400, .second_frame = true}},
		{"a scan before the frame", {.w = 300, .h = 400, .sos_first = true}},
	};
	struct file f;
	ld_image_info info;
	ld_buf out;
	ld_error err;
	ld_buf_init(&out, 1 << 20);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		jpeg(&f, &cases[i].o);
		if (check(&f, &info, &out, &err) != LD_EINVAL)
			fail_msg("accepted: %s", cases[i].what);
		assert_string_equal(err.field, "photo");
		assert_true(strlen(err.message) > 0);
	}
	ld_buf_release(&out);
}

/* ---- PNG -------------------------------------------------------------- */

static void png_good_and_stripped(void **state)
{
	struct file f, plain;
	ld_image_info info;
	ld_buf out;
	ld_error err;
	ld_buf_init(&out, 1 << 20);
	png(&plain, &(struct png_opts){.w = 300, .h = 400});
	assert_int_equal(check(&plain, &info, &out, &err), LD_OK);
	assert_int_equal(info.type, LD_IMAGE_PNG);
	assert_int_equal(info.width, 300);
	assert_int_equal(info.height, 400);
	assert_int_equal(out.len, plain.n);
	png(&f, &(struct png_opts){.w = 300, .h = 400, .text = true, .exif = true,
				   .trailing = true});
	assert_int_equal(check(&f, &info, &out, &err), LD_OK);
	assert_false(contains(&out, "camera"));
	assert_false(contains(&out, "GPS"));
	assert_false(contains(&out, "hidden"));
	assert_int_equal(out.len, plain.n);
	assert_memory_equal(out.data, plain.d, plain.n);
	/* The stripped file checks again, to itself. */
	struct file again = {.n = out.len};
	memcpy(again.d, out.data, out.len);
	assert_int_equal(check(&again, &info, &out, &err), LD_OK);
	assert_int_equal(out.len, plain.n);
	/* A palette image with its palette; grey with 16 bits. */
	png(&f, &(struct png_opts){.w = 120, .h = 160, .colour = 3, .depth = 4});
	assert_int_equal(check(&f, &info, &out, &err), LD_OK);
	png(&f, &(struct png_opts){.w = 120, .h = 160, .colour = 4, .depth = 16});
	assert_int_equal(check(&f, &info, &out, &err), LD_OK);
	ld_buf_release(&out);
}

static void png_refused(void **state)
{
	static const struct {
		const char *what;
		struct png_opts o;
	} cases[] = {
		{"too high", {.w = 300, .h = 2001}},
		{"a width past 2^31", {.w = 0x80000000u, .h = 400}},
		{"too small", {.w = 60, .h = 80}},
		{"RGB with 4 bits", {.w = 300, .h = 400, .colour = 2, .depth = 4}},
		{"colour type 5", {.w = 300, .h = 400, .colour = 5}},
		{"palette without PLTE", {.w = 300, .h = 400, .colour = 3, .no_plte = true}},
		{"an unknown critical chunk", {.w = 300, .h = 400, .unknown_critical = true}},
		{"image data split by another chunk",
		 {.w = 300, .h = 400, .split_idat = true}},
	};
	struct file f;
	ld_image_info info;
	ld_buf out;
	ld_error err;
	ld_buf_init(&out, 1 << 20);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		png(&f, &cases[i].o);
		if (check(&f, &info, &out, &err) != LD_EINVAL)
			fail_msg("accepted: %s", cases[i].what);
		assert_string_equal(err.field, "photo");
	}
	/* A damaged CRC; IHDR not first; a second IHDR. */
	png(&f, &(struct png_opts){.w = 300, .h = 400});
	f.d[8 + 8 + 3] ^= 1; /* inside IHDR's data */
	assert_int_equal(check(&f, &info, &out, &err), LD_EINVAL);
	ld_buf_release(&out);
}

/* ---- anything else ---------------------------------------------------- */

static void not_an_image(void **state)
{
	static const char *const files[] = {
		"", "GIF89a\1\0\1\0", "%PDF-1.4\n", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
		"\xFF\xD8", "\x89PNG\r\n\x1a", "BM6\0\0\0",
	};
	ld_image_info info;
	ld_buf out;
	ld_error err = {0};
	ld_buf_init(&out, 1 << 20);
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		assert_int_equal(ld_image_check((const unsigned char *)files[i],
						strlen(files[i]), "photo",
						&info, &out, &err),
				 LD_EINVAL);
		assert_string_equal(err.field, "photo");
	}
	ld_buf_release(&out);
}

/* No prefix of a good file passes (the end marker is required), and no
 * single damaged byte makes it crash or pass with another size. */
static void prefixes_and_damage(void **state)
{
	struct file good[2], f;
	ld_image_info info;
	ld_buf out;
	ld_error err;
	ld_buf_init(&out, 1 << 20);
	jpeg(&good[0], &(struct jpeg_opts){.w = 160, .h = 200, .exif = true});
	png(&good[1], &(struct png_opts){.w = 160, .h = 200, .text = true});
	for (int g = 0; g < 2; g++) {
		for (size_t n = 0; n < good[g].n; n++) {
			f.n = n;
			memcpy(f.d, good[g].d, n);
			if (check(&f, &info, &out, &err) == LD_OK)
				fail_msg("file %d cut at %zu passed", g, n);
		}
		for (size_t i = 0; i < good[g].n; i++)
			for (unsigned x = 1; x < 256; x <<= 1) {
				f = good[g];
				f.d[i] ^= (unsigned char)x;
				if (check(&f, &info, &out, &err) == LD_OK)
					assert_true(info.width >= LD_IMAGE_MIN_SIDE &&
						    info.width <= LD_IMAGE_MAX_SIDE &&
						    info.height >= LD_IMAGE_MIN_SIDE &&
						    info.height <= LD_IMAGE_MAX_SIDE);
			}
	}
	ld_buf_release(&out);
}

/* The copy is bounded by the caller's buffer. */
static void bounded_copy(void **state)
{
	struct file f;
	ld_image_info info;
	ld_buf out;
	ld_error err = {0};
	jpeg(&f, &(struct jpeg_opts){.w = 300, .h = 400});
	ld_buf_init(&out, 100);
	assert_int_equal(ld_image_check(f.d, f.n, "photo", &info, &out, &err),
			 LD_ETOOBIG);
	ld_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jpeg_good),
		cmocka_unit_test(jpeg_metadata_dropped),
		cmocka_unit_test(jpeg_refused),
		cmocka_unit_test(png_good_and_stripped),
		cmocka_unit_test(png_refused),
		cmocka_unit_test(not_an_image),
		cmocka_unit_test(prefixes_and_damage),
		cmocka_unit_test(bounded_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
