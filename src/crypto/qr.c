/*
 * qr.c — libqrencode adapter: encode, then draw the modules as SVG.
 */
#include "qr.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <qrencode.h>

/* ECI assignment number of UTF-8 (AIM ITS/04-023). */
#define ECI_UTF8 26

static bool has_non_ascii(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] >= 0x80)
			return true;
	return false;
}

/* The symbol for text, or NULL with the reason. The caller frees it with
 * QRcode_free. */
static QRcode *encode(const char *text, size_t len, ld_status *rc)
{
	if (len == 0 || len > LD_QR_MAX_BYTES) {
		*rc = len ? LD_ETOOBIG : LD_EINVAL;
		return NULL;
	}
	QRcode *q = NULL;
	errno = 0;
	QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
	/* Without ECI 26 readers guess the 8-bit data's character set, and
	 * some (zbar) take UTF-8 Chinese for Shift JIS. */
	if (in &&
	    (!has_non_ascii(text, len) ||
	     QRinput_appendECIheader(in, ECI_UTF8) == 0) &&
	    QRinput_append(in, QR_MODE_8, (int)len,
			   (const unsigned char *)text) == 0)
		q = QRcode_encodeInput(in);
	if (!q)
		*rc = errno == ERANGE ? LD_ETOOBIG
		      : errno == ENOMEM ? LD_ENOMEM
					: LD_EINTERNAL;
	QRinput_free(in);
	return q;
}

ld_status ld_qr_matrix(const char *text, size_t len, int *width,
		       unsigned char **modules)
{
	ld_status rc = LD_OK;
	QRcode *q = encode(text, len, &rc);
	if (!q)
		return rc;
	size_t n = (size_t)q->width * (size_t)q->width;
	unsigned char *m = malloc(n);
	if (!m) {
		QRcode_free(q);
		return LD_ENOMEM;
	}
	/* libqrencode keeps other flags in the high bits; bit 0 is dark. */
	for (size_t i = 0; i < n; i++)
		m[i] = q->data[i] & 1;
	*width = q->width;
	*modules = m;
	QRcode_free(q);
	return LD_OK;
}

ld_status ld_qr_svg(const char *text, size_t len, ld_buf *out, ld_error *err)
{
	ld_status rc = LD_OK;
	QRcode *q = encode(text, len, &rc);
	if (!q) {
		if (rc == LD_ETOOBIG)
			return ld_fail(err, rc, "payload",
				       "内容过长，无法生成二维码（至多%d字节）",
				       LD_QR_MAX_BYTES);
		return ld_fail(err, rc, "payload", "无法生成二维码");
	}
	const int w = q->width, side = w + 2 * LD_QR_QUIET;
	const size_t start = out->len;
	rc = ld_buf_addf(out,
			 "<svg xmlns=\"http://www.w3.org/2000/svg\" "
			 "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
			 "shape-rendering=\"crispEdges\">"
			 "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
			 "<path fill=\"#000\" d=\"",
			 side, side, side * 4, side * 4, side, side);
	for (int y = 0; y < w && rc == LD_OK; y++)
		for (int x = 0; x < w && rc == LD_OK;) {
			if (!(q->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (q->data[y * w + x + run] & 1))
				run++;
			rc = ld_buf_addf(out, "M%d %dh%dv1h-%dz", x + LD_QR_QUIET,
					 y + LD_QR_QUIET, run, run);
			x += run;
		}
	if (rc == LD_OK)
		rc = ld_buf_adds(out, "\"/></svg>\n");
	QRcode_free(q);
	if (rc != LD_OK) {
		if (out->data) {
			out->len = start;
			out->data[start] = '\0';
		}
		return ld_fail(err, rc, "payload", "无法生成二维码图像");
	}
	return LD_OK;
}
