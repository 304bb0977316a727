/*
 * audit.h — the hash-chained audit trail.
 *
 * Each entry's hash is SM3 over the previous entry's hash and the entry's
 * own fields, each written as "<length>:<bytes>" so no field can bleed into
 * the next. The first entry's previous hash is 64 zeros. Changing, removing
 * or reordering any entry breaks every later link, which ld_audit_verify
 * finds.
 */
#ifndef LD_AUDIT_H
#define LD_AUDIT_H

#include <stdint.h>

#include "store/store.h"

/* Compute e->hash (into hash_out) from e->prev_hash and e's fields. */
ld_status ld_audit_hash(const ld_audit_entry *e, char hash_out[65]);

/*
 * Append entries to the chain inside the caller's transaction: reads the
 * head, numbers and hashes each entry, inserts it. `at` is stamped now when
 * NULL.
 */
ld_status ld_audit_append(const struct ld_store_ops *ops, ld_conn *c,
			  ld_audit_entry *entries, int n);

typedef struct {
	int64_t entries;
	int64_t bad_seq; /* first entry that fails, 0 when intact */
	char problem[160];
} ld_audit_report;

/* Walk the whole chain; report->bad_seq names the first bad entry. */
ld_status ld_audit_verify(const struct ld_store_ops *ops, ld_conn *c,
			  ld_audit_report *report);

/* Current time as "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" (UTC). */
void ld_audit_now(char out[32]);

#endif
