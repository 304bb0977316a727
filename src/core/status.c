/*
 * status.c — names of status codes and the helper that fills ld_error.
 */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const names[LD_STATUS__COUNT] = {
	[LD_OK] = "ok",
	[LD_EINVAL] = "invalid",
	[LD_ENOMEM] = "no_memory",
	[LD_EIO] = "io",
	[LD_ENOTFOUND] = "not_found",
	[LD_ETOOBIG] = "too_big",
	[LD_ECONFLICT] = "conflict",
	[LD_EDENIED] = "denied",
	[LD_EINTERNAL] = "internal",
};

const char *ld_strerror(ld_status s)
{
	if ((unsigned)s >= LD_STATUS__COUNT)
		return "unknown";
	return names[s];
}

ld_status ld_fail(ld_error *err, ld_status code, const char *field,
		  const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		err->field = field;
		va_start(ap, fmt);
		int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
		va_end(ap);
		if (n >= (int)sizeof err->message) {
			/* Cut short: never in the middle of a UTF-8 character. */
			const unsigned char *m = (unsigned char *)err->message;
			size_t end = sizeof err->message - 1, i = end - 1;
			while (i > 0 && (m[i] & 0xc0) == 0x80)
				i--;
			size_t len = m[i] < 0x80 ? 1 : m[i] >= 0xf0 ? 4
						: m[i] >= 0xe0 ? 3 : 2;
			if (i + len > end)
				err->message[i] = '\0';
		}
	}
	return code;
}
