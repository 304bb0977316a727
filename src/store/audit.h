/*
 * audit.h — the hash-chained audit trail.
 *
 * Each entry's hash is SM3 over the previous entry's hash and the entry's
 * own fields, each written as "<length>:<bytes>" so no field can bleed into
 * the next. The first entry's previous hash is 64 zeros. Changing, removing
 * or reordering any entry breaks every later link, which ld_audit_verify
 * finds. What the chain alone cannot show (entries cut off its end, a
 * rewrite that recomputes every later hash) is found against the anchors
 * kept outside the database (anchor.h).
 */
#ifndef LD_AUDIT_H
#define LD_AUDIT_H

#include <stdint.h>

#include "store/anchor.h"
#include "store/store.h"
#include "util/json_out.h"

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
	bool intact;	 /* no problem of any kind */
	int64_t entries; /* entries read */
	int64_t head_seq;
	char head_hash[65];
	int64_t bad_seq; /* first entry at fault, 0 when none is */
	char problem[240];    /* the first problem, English ... */
	char problem_zh[240]; /* ... and Chinese; empty when intact */
	/* With anchors (ld_audit_verify_anchored, ld_audit_verify_all): */
	int64_t anchors;      /* records of the anchor log */
	int64_t bad_anchor;   /* anchor record at fault, 0 when none is */
	int64_t anchored_seq; /* the last entry an anchor in force covers */
	int64_t unanchored;   /* entries after it: protected by the chain only */
	char last_anchor_at[32]; /* when the last record was written */
	int64_t ref_n;	      /* the anchor record the database names, or 0 */
} ld_audit_report;

/* Walk the whole chain; report->bad_seq names the first bad entry. */
ld_status ld_audit_verify(const struct ld_store_ops *ops, ld_conn *c,
			  ld_audit_report *report);

/*
 * Walk the whole chain and hold it against anchor records (rec[0..n),
 * in log order, already checked by ld_anchor_read_all): every record not
 * superseded must name an entry of the chain by number and hash. A record
 * is superseded by a later restore record of a lower entry number: the
 * entries after the restored backup's head were lost by that restore, and
 * the chain went on differently. So truncation, deletion of everything, a
 * rewrite with recomputed hashes and a rollback to an old copy are found,
 * and a recorded restore is not mistaken for one. The anchor record the
 * database names is not checked here (see ld_audit_verify_all).
 */
ld_status ld_audit_verify_anchored(const struct ld_store_ops *ops,
				   ld_conn *c, const ld_anchor *rec, size_t n,
				   ld_audit_report *report);

/*
 * The whole check behind `liudong audit verify` and GET /audit/verify: read
 * and check the anchor log in anchor_dir (signatures by public_key, a file
 * or directory, or NULL for the directory's own key), then on one snapshot
 * of the store (a read transaction begun and ended here, after the log was
 * read, so that every anchored entry is in it) walk the chain against the
 * anchors, and require the log to hold the anchor record the database
 * names (so records cut off the log's end are found). A missing anchor
 * log is a problem too. list receives the records (release it); the
 * report names the first problem. Errors only when something could not be
 * read.
 */
ld_status ld_audit_verify_all(const struct ld_store_ops *ops, ld_conn *c,
			      const char *anchor_dir, const char *public_key,
			      ld_anchor_list *list, ld_audit_report *report,
			      ld_error *err);

/*
 * Whether the store's chain holds the entry (from_seq, from_hash) (nothing
 * to hold for seq 0), and the entries after it link and hash correctly up
 * to a head that is exactly (to_seq, to_hash). For the writer, which
 * trusts a chain only as far as it knows it.
 */
ld_status ld_audit_check_range(const struct ld_store_ops *ops, ld_conn *c,
				int64_t from_seq, const char *from_hash,
				int64_t to_seq, const char *to_hash, bool *ok);

/*
 * For a command that wrote audit entries on connection c (a writer
 * connection, committed with a full sync) to the database in data_dir,
 * outside the server: anchor the chain's head in anchor_dir and name the
 * record in the database. A checkpoint when a server runs on data_dir (it
 * accepts a chain extended by someone else only with such an anchor, see
 * writer.h), else a close. Nothing is done when anchor_dir does not exist
 * (no server has run: the first to start anchors what it finds).
 * *anchored tells whether a record was written.
 */
ld_status ld_audit_anchor_head(const struct ld_store_ops *ops, ld_conn *c,
			       const char *data_dir, const char *anchor_dir,
			       bool *anchored, ld_error *err);

/* Write the report's fields into the JSON object open in w, the same for
 * the command and the API: intact, entries, head_seq; when not intact
 * first_bad_seq, bad_anchor, problem, problem_zh; anchors {dir,
 * public_key, records, last, torn_tail, database_names}, anchored_seq,
 * unanchored (and unanchored_note), restores (each with its lost range
 * and a note in English and Chinese). list may be NULL. */
void ld_audit_report_json(ld_jw *w, const ld_audit_report *r,
			  const ld_anchor_list *list, const char *anchor_dir,
			  const char *public_key);

/* Current time as "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" (UTC). */
void ld_audit_now(char out[32]);

#endif
