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

/* Where the chain ends, as known inside one transaction. */
typedef struct {
	bool loaded;
	int64_t seq;
	char hash[65];
	char now[32]; /* the time stamped on entries of this transaction */
} ld_audit_head;

/*
 * Append entries to the chain inside the caller's transaction: numbers and
 * hashes each entry after *head (read from the store the first time), and
 * inserts it. `at` is stamped now when NULL. Pass a fresh head (loaded =
 * false) for each transaction.
 */
ld_status ld_audit_append(const struct ld_store_ops *ops, ld_conn *c,
			  ld_audit_head *head, ld_audit_entry *entries, int n);

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
