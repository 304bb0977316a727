/*
 * anchor.h — anchors of the audit chain: signed records of the chain's head
 * kept in a log outside the database, so that what the database alone
 * cannot show (entries cut off its end, all of them deleted, a chain
 * rewritten with every hash recomputed, the whole database rolled back to
 * an old copy) is found by comparing the two. See docs/backup.md.
 *
 * An anchor directory holds
 *   keys/current, keys/<id>.key.pem (0600), keys/<id>.pub.pem
 *                 its own SM2 key (keyring.h's layout), never the key
 *                 that signs permits;
 *   anchors.log   (0600) one record per line, only ever appended to.
 *
 * A record is one line of space-separated fields in this order:
 *   LDA1 n=<n> kind=<kind> at=<time> seq=<seq> hash=<entry hash>
 *        [the kind's fields] prev=<SM3 of the previous line> key=<key id>
 *        sig=<SM2 signature, DER, hex, over the line up to " sig=">
 * n counts records from 1; the first record's prev is 64 zeros, so the log
 * is a chain of its own. Kinds:
 *   checkpoint  (seq, hash) is the chain's head, committed and on disk,
 *               while a server writes: more entries may follow it (the
 *               unanchored window) until the next record;
 *   close       the head when the database is left with no server writing
 *               it (a clean stop; a command that wrote while none ran):
 *               no entry may follow it until the next record;
 *   backup      the head of a backup copy; manifest=<SM3 of its manifest>;
 *   restore     the head of the backup a database was restored from:
 *               lost_from=<seq> lost_to=<seq> (entries known to be lost,
 *               0 0 when none), backup_at=<time>, manifest=<SM3>,
 *               by=<user@host>. Like close, nothing may follow it.
 *
 * Appends come from several processes (the server, `liudong user add`,
 * backup, restore); each takes an exclusive flock on the log, re-reads its
 * last record and appends a whole line, flushed (fdatasync) before it
 * returns. A last line without its newline is an append cut short by a
 * crash: readers ignore it and the next append removes it.
 *
 * What is not here: comparing anchors with the chain (audit.h), and where
 * the directory is (the caller's option --anchor-dir).
 */
#ifndef LD_ANCHOR_H
#define LD_ANCHOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "crypto/sm2.h"

#define LD_ANCHOR_LOG "anchors.log"

enum ld_anchor_kind {
	LD_ANCHOR_CHECKPOINT = 0,
	LD_ANCHOR_BACKUP,
	LD_ANCHOR_RESTORE,
	LD_ANCHOR_CLOSE,
};

typedef struct {
	int64_t n;
	enum ld_anchor_kind kind;
	char at[32];
	int64_t seq;   /* the chain's head: entry number ... */
	char hash[65]; /* ... and its hash (64 zeros for the empty chain) */
	char manifest[65];	    /* backup, restore */
	int64_t lost_from, lost_to; /* restore: 0, 0 when none are known */
	char backup_at[32];	    /* restore */
	char by[65];		    /* restore */
	char prev[65];
	char key_id[LD_SM2_KEY_ID_LEN + 1];
	char line_hash[65]; /* SM3 of this record's line: the next one's prev */
} ld_anchor;

/* "checkpoint", "backup", "restore", "close". */
const char *ld_anchor_kind_name(enum ld_anchor_kind k);
/* Whether no entry may follow the record's head until the next record
 * (close, restore). */
bool ld_anchor_kind_closes(enum ld_anchor_kind k);

/* An anchor directory opened for appending. One object may be used from
 * several threads; appends are serialised inside. */
typedef struct ld_anchor_log ld_anchor_log;

/*
 * Open the anchor directory `dir` and load its private key. With create,
 * a missing directory is made (0700) with a new key, and so is the key of
 * an existing empty directory; *created (may be NULL) tells whether the log
 * is new (empty). Without create, a missing directory is LD_ENOTFOUND.
 * A log without its key, or a key readable by others, is refused.
 * The caller closes *out with ld_anchor_close.
 */
ld_status ld_anchor_open(const char *dir, bool create, ld_anchor_log **out,
			 bool *created, ld_error *err);
void ld_anchor_close(ld_anchor_log *a);
/* The directory as given, and the id of the key that signs. */
const char *ld_anchor_dir(const ld_anchor_log *a);
const char *ld_anchor_key_id(const ld_anchor_log *a);

/*
 * Append a record. The caller fills kind, seq, hash and the kind's fields
 * (and `at`, or leaves it empty for now); n, prev, key_id and line_hash are
 * filled in here. On LD_OK the record is on disk. A last record that does
 * not verify is not built on: LD_EINVAL.
 */
ld_status ld_anchor_append(ld_anchor_log *a, ld_anchor *rec, ld_error *err);

/* Call fn for the log's records from the last backwards, at most `max`
 * of them (0: all), each checked (form, signature with this log's key);
 * a non-zero return from fn stops. LD_EINVAL with err at a record that is
 * not valid. */
typedef int (*ld_anchor_fn)(void *ctx, const ld_anchor *rec);
ld_status ld_anchor_each_back(ld_anchor_log *a, size_t max, ld_anchor_fn fn,
			      void *ctx, ld_error *err);

/* The last record: LD_ENOTFOUND when the log is empty. */
ld_status ld_anchor_last(ld_anchor_log *a, ld_anchor *out, ld_error *err);

/* Every record of a log, read for verification. */
typedef struct {
	ld_anchor *rec; /* the records up to the first bad one */
	size_t n;
	bool torn;     /* a last line cut short by a crash was ignored */
	int64_t bad_n; /* the first bad record's line number, 0 when none */
	char problem[200];    /* English */
	char problem_zh[200]; /* Chinese */
} ld_anchor_list;

/*
 * Read and check every record of the anchor log in `dir`: well-formed,
 * numbered in order, linked to the one before, signed by a key found at
 * public_key (a .pub.pem file or a directory of them; NULL for dir/keys).
 * The first problem is described in list (bad_n, problem, problem_zh), and
 * the records before it are kept. LD_ENOTFOUND when dir holds no log; LD_EIO
 * when it cannot be read. Release the list with ld_anchor_list_release.
 */
ld_status ld_anchor_read_all(const char *dir, const char *public_key,
			     ld_anchor_list *list, ld_error *err);
void ld_anchor_list_release(ld_anchor_list *list);

/* Copy the anchor log of dir, as it is now (whole records only), to the
 * new file dest (0600, flushed). LD_ENOTFOUND when dir holds no log.
 * With max_seq >= 0 the copy ends before the first record anchoring an
 * entry after max_seq: a backup's database copy was taken before its log
 * copy, and a server still running has anchored entries since, which the
 * database copy cannot hold. */
ld_status ld_anchor_copy(const char *dir, const char *dest, int64_t max_seq,
			 ld_error *err);

#endif
