/*
 * fuzz_epermit.c — the text of a scanned electronic permit, which anyone
 * can put in /verify?c=...: parse it and, when it parses, format it again.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/epermit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_epermit e;
	unsigned char sig[LD_EPERMIT_SIG_MAX];
	size_t sig_len, signed_len;
	ld_error err;
	if (ld_epermit_parse((const char *)data, size, &e, sig, &sig_len,
			     &signed_len, &err) == LD_OK) {
		ld_buf b;
		ld_buf_init(&b, 8192);
		ld_epermit_format(&e, sig, sig_len, &b, &err);
		ld_buf_release(&b);
	}
	return 0;
}
