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
		vsnprintf(err->message, sizeof err->message, fmt, ap);
		va_end(ap);
	}
	return code;
}
