/*
 * status.h — the program's numbered status codes and the error detail struct.
 *
 * A status says whether the program did what was asked. It is not a legal
 * answer: a rule that says "no" returns LD_OK with a decision that carries its
 * reasons. Codes are never renumbered (curl's CURLcode); new ones go at the end.
 */
#ifndef LD_STATUS_H
#define LD_STATUS_H

#include <stddef.h>

typedef enum {
	LD_OK = 0,
	LD_EINVAL = 1,   /* bad input: a field is missing, malformed or out of range */
	LD_ENOMEM = 2,   /* out of memory */
	LD_EIO = 3,      /* a file or device failed */
	LD_ENOTFOUND = 4,/* the thing asked for does not exist */
	LD_ETOOBIG = 5,  /* input exceeds a size limit */
	LD_ECONFLICT = 6,/* the request conflicts with the current state */
	LD_EDENIED = 7,  /* not allowed for this caller */
	LD_EINTERNAL = 8,/* a bug or an impossible state */
	LD_STATUS__COUNT
} ld_status;

/* Optional detail filled in by a failing function. `field` names the input
 * that was wrong (a static string, or NULL); `message` is Simplified Chinese
 * for the person who typed it (or the operator who must act on it), cut at
 * a whole character when it is longer. */
typedef struct {
	ld_status code;
	const char *field;
	char message[192];
} ld_error;

/* A short stable English name of `s` ("invalid", "no_memory", ...). Static. */
const char *ld_strerror(ld_status s);

/* Record `code`, `field` and a printf-style Chinese message into `err` if it
 * is not NULL. Returns `code`, so callers can `return ld_fail(...)`. */
ld_status ld_fail(ld_error *err, ld_status code, const char *field,
		  const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
