/*
 * notify.h — sending a text message to a phone (the one-time codes of the
 * residents' sign-in). A notifier is chosen at start: "demo" writes the
 * message to the server's log, clearly marked as a demonstration; an
 * http(s) URL posts it to the operator's SMS gateway (webhook.c).
 *
 * send may block (network): call it from the slow-work thread, never from
 * an event loop.
 */
#ifndef LD_NOTIFY_H
#define LD_NOTIFY_H

#include <stdbool.h>

#include "core/status.h"

typedef struct ld_notifier ld_notifier;

struct ld_notifier {
	const char *name; /* "demo" or "webhook" */
	bool demo;	  /* codes may be echoed to the client (demo only) */
	ld_status (*send)(ld_notifier *n, const char *phone, const char *text,
			  ld_error *err);
	void (*free)(ld_notifier *n);
};

/* The notifier for `spec`: "demo", or an http:// or https:// URL. NULL
 * with err set when spec is neither. */
ld_notifier *ld_notifier_new(const char *spec, ld_error *err);

#endif
