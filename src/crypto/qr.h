/*
 * qr.h — QR codes (GB/T 18284-2000, ISO/IEC 18004) through libqrencode:
 * the one file that knows libqrencode.
 *
 * Text is encoded as 8-bit bytes (it holds UTF-8) at error correction level
 * M (about 15% of the symbol may be damaged), in the smallest version that
 * fits. Text with any non-ASCII byte is preceded by the ECI designator 26
 * (UTF-8), so readers do not have to guess its character set. What the text says is not this file's business (see
 * core/epermit.h for the electronic permit's).
 */
#ifndef LD_QR_H
#define LD_QR_H

#include <stddef.h>

#include "core/status.h"
#include "util/buf.h"

/* The quiet zone around the symbol, in modules (ISO/IEC 18004 asks 4). */
#define LD_QR_QUIET 4
/* The most bytes a symbol of version 40 holds at level M in 8-bit mode
 * (two fewer when the UTF-8 designator goes first). */
#define LD_QR_MAX_BYTES 2331

/*
 * Append to out a standalone SVG image of the QR code of len bytes of text:
 * black modules on a white background, a viewBox of the symbol width plus
 * the quiet zone on each side (one unit per module), and one <path> whose
 * subpaths "M x y hNv1h-Nz" each draw a horizontal run of N dark modules.
 * shape-rendering="crispEdges" keeps the edges sharp at any scale.
 * LD_ETOOBIG (field "payload") when the text does not fit a QR symbol,
 * LD_EINVAL for empty text, LD_ENOMEM; out is left as it was on failure.
 */
ld_status ld_qr_svg(const char *text, size_t len, ld_buf *out, ld_error *err);

/*
 * The module matrix, for tests and other renderers: *width modules per
 * side (without the quiet zone) and *modules, width*width bytes in rows,
 * 1 for dark and 0 for light, malloc'd: the caller frees it with free().
 * LD_ETOOBIG when the text does not fit, LD_EINVAL for empty text,
 * LD_ENOMEM.
 */
ld_status ld_qr_matrix(const char *text, size_t len, int *width,
		       unsigned char **modules);

#endif
