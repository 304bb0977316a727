/*
 * t_qr.c — QR codes of permit payloads (ISO/IEC 18004): symbol size at
 * error correction level M, and an SVG that draws exactly the symbol's
 * dark modules inside a 4-module quiet zone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/qr.h"

static void payload(char *out, size_t n)
{
	/* UTF-8 and ASCII mixed, like a permit: 3-byte characters first. */
	const char *head = "LDP1|张三|";
	size_t h = strlen(head);
	memcpy(out, head, h);
	for (size_t i = h; i < n; i++)
		out[i] = (char)('A' + i % 26);
	out[n] = '\0';
}

static void matrix_size(void **state)
{
	char text[201];
	payload(text, 200);
	int w = 0;
	unsigned char *m = NULL;
	assert_int_equal(ld_qr_matrix(text, 200, &w, &m), LD_OK);
	assert_non_null(m);
	/* A version v symbol is 17 + 4v modules wide. */
	assert_true(w >= 21 && w <= 177 && (w - 21) % 4 == 0);
	/* 200 bytes need version 10 at level M (216 bytes; version 9 holds
	 * 182), but only version 9 at level L. */
	assert_int_equal(w, 57);
	size_t dark = 0;
	for (int i = 0; i < w * w; i++) {
		assert_true(m[i] == 0 || m[i] == 1);
		dark += m[i];
	}
	assert_in_range(dark, (size_t)(w * w) / 4, (size_t)(w * w) * 3 / 4);
	/* The finder pattern's corner module is dark, the separator light. */
	assert_int_equal(m[0], 1);
	assert_int_equal(m[7], 0);
	free(m);

	assert_int_equal(ld_qr_matrix("x", 1, &w, &m), LD_OK);
	assert_int_equal(w, 21);
	free(m);
}

/* Non-ASCII text carries the UTF-8 designator (ECI 26, 12 more bits), so
 * readers need not guess: 14 bytes fill a version 1 symbol at level M
 * (128 data bits) as ASCII, but need version 2 as UTF-8. */
static void utf8_declared(void **state)
{
	int w;
	unsigned char *m;
	assert_int_equal(ld_qr_matrix("ABCDEFGHIJKLMN", 14, &w, &m), LD_OK);
	assert_int_equal(w, 21);
	free(m);
	assert_int_equal(ld_qr_matrix("ABCDEFGHIJK\xe5\xbc\xa0", 14, &w, &m),
			 LD_OK);
	assert_int_equal(w, 25);
	free(m);
}

static void too_big_or_empty(void **state)
{
	static char big[LD_QR_MAX_BYTES + 2];
	memset(big, 'a', sizeof big);
	int w;
	unsigned char *m = NULL;
	assert_int_equal(ld_qr_matrix(big, LD_QR_MAX_BYTES + 1, &w, &m),
			 LD_ETOOBIG);
	assert_null(m);
	assert_int_equal(ld_qr_matrix(big, LD_QR_MAX_BYTES, &w, &m), LD_OK);
	assert_int_equal(w, 177);
	free(m);
	ld_buf b;
	ld_buf_init(&b, 0);
	ld_buf_adds(&b, "keep");
	ld_error err = {0};
	assert_int_equal(ld_qr_svg(big, sizeof big, &b, &err), LD_ETOOBIG);
	assert_string_equal(err.field, "payload");
	assert_int_equal(ld_qr_svg("", 0, &b, &err), LD_EINVAL);
	assert_string_equal(b.data, "keep");
	/* A buffer too small for the image is left as it was. */
	ld_buf small;
	ld_buf_init(&small, 256);
	assert_int_equal(ld_qr_svg("hello", 5, &small, &err), LD_ETOOBIG);
	assert_int_equal(small.len, 0);
	ld_buf_release(&small);
	ld_buf_release(&b);
}

static void svg_draws_the_matrix(void **state)
{
	char text[201];
	payload(text, 200);
	int w;
	unsigned char *m;
	assert_int_equal(ld_qr_matrix(text, 200, &w, &m), LD_OK);
	ld_buf b;
	ld_buf_init(&b, 0);
	assert_int_equal(ld_qr_svg(text, 200, &b, NULL), LD_OK);
	const char *svg = b.data;
	assert_int_equal(strncmp(svg, "<svg ", 5), 0);
	assert_non_null(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
	char vb[64];
	snprintf(vb, sizeof vb, "viewBox=\"0 0 %d %d\"", w + 8, w + 8);
	assert_non_null(strstr(svg, vb));
	assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
	assert_non_null(strstr(svg, "fill=\"#fff\""));
	assert_int_equal(strcmp(svg + b.len - 7, "</svg>\n"), 0);
	/* One path: its runs, laid back on a grid, are the matrix. */
	const char *d = strstr(svg, " d=\"");
	assert_non_null(d);
	assert_null(strstr(d + 1, " d=\""));
	d += 4;
	unsigned char *drawn = calloc((size_t)(w * w), 1);
	assert_non_null(drawn);
	size_t dark = 0, runs = 0;
	while (*d == 'M') {
		int x, y, h, back, used = 0;
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &h, &back,
					&used),
				 4);
		assert_int_equal(h, back);
		/* Inside the quiet zone, never over it. */
		assert_true(x >= 4 && y >= 4 && h >= 1 && x + h <= w + 4 &&
			    y < w + 4);
		for (int i = 0; i < h; i++) {
			assert_int_equal(drawn[(y - 4) * w + x - 4 + i], 0);
			drawn[(y - 4) * w + x - 4 + i] = 1;
		}
		dark += (size_t)h;
		runs++;
		d += used;
	}
	assert_int_equal(*d, '"');
	size_t want = 0;
	for (int i = 0; i < w * w; i++)
		want += m[i];
	assert_int_equal(dark, want);
	assert_memory_equal(drawn, m, (size_t)(w * w));
	/* Runs are merged: fewer subpaths than dark modules. */
	assert_true(runs < dark);
	free(drawn);
	free(m);
	ld_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matrix_size),
		cmocka_unit_test(utf8_declared),
		cmocka_unit_test(too_big_or_empty),
		cmocka_unit_test(svg_draws_the_matrix),
	};
	return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}
