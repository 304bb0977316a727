/*
 * t_anchor.c — the audit chain's anchors: the anchor log (records written,
 * read back, each kind; altered, removed, reordered, foreign and torn
 * records), the chain held against anchors (truncation, rewrites, a restore
 * that supersedes anchors, a close that nothing may follow), and the
 * anchored writer (checkpoints, the close at stop, refusing to start on a
 * rolled-back database, halting on an outside write, accepting one that is
 * anchored).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#define _XOPEN_SOURCE_EXTENDED 1
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/anchor.h"
#include "store/audit.h"
#include "store/datalock.h"
#include "store/store.h"
#include "store/writer.h"

/* ---- fixture -------------------------------------------------------- */

struct fx {
	char dir[64];	  /* the data directory */
	char anchors[96]; /* the anchor directory, beside it */
	const struct ld_store_ops *ops;
	ld_store *store;
	ld_conn *c; /* a writer connection */
	ld_conn *r; /* a reader */
};

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/ld_t_anchor_XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->anchors, sizeof f->anchors, "%s-anchors", f->dir);
	f->ops = ld_store_find("sqlite");
	ld_error err = {0};
	if (f->ops->open(f->dir, &f->store, &err) != LD_OK ||
	    f->ops->connect(f->store, true, &f->c, &err) != LD_OK ||
	    f->ops->connect(f->store, false, &f->r, &err) != LD_OK) {
		fprintf(stderr, "setup: %s\n", err.message);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	f->ops->disconnect(f->r);
	f->ops->disconnect(f->c);
	f->ops->close(f->store);
	rm_tree(f->dir);
	rm_tree(f->anchors);
	free(f);
	return 0;
}

static void raw_exec(const struct fx *f, const char *sql)
{
	char path[128];
	sqlite3 *db;
	snprintf(path, sizeof path, "%s/liudong.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "raw_exec: %s\n", msg ? msg : "?");
	sqlite3_free(msg);
	sqlite3_close(db);
	assert_int_equal(rc, SQLITE_OK);
}

/* Append n audit entries in one transaction on the writer connection. */
static void append_entries(struct fx *f, int n)
{
	ld_audit_entry e[8];
	assert_true(n <= 8);
	for (int i = 0; i < n; i++)
		e[i] = (ld_audit_entry){.username = "clerk",
					.action = "person.view",
					.target = "person:1",
					.reason = "核查"};
	ld_audit_head head = {.loaded = false};
	assert_int_equal(f->ops->begin(f->c), LD_OK);
	assert_int_equal(ld_audit_append(f->ops, f->c, &head, e, n), LD_OK);
	assert_int_equal(f->ops->commit(f->c), LD_OK);
}

static void head_of(struct fx *f, int64_t *seq, char hash[65])
{
	assert_int_equal(f->ops->audit_head(f->r, seq, hash), LD_OK);
}

static ld_anchor_log *open_log(struct fx *f)
{
	ld_anchor_log *a;
	ld_error err = {0};
	assert_int_equal(ld_anchor_open(f->anchors, true, &a, NULL, &err),
			 LD_OK);
	return a;
}

/* Append a record of kind for the chain's head now. */
static ld_anchor anchor_head(struct fx *f, ld_anchor_log *a,
			     enum ld_anchor_kind kind)
{
	ld_anchor rec = {.kind = kind};
	head_of(f, &rec.seq, rec.hash);
	if (kind == LD_ANCHOR_BACKUP || kind == LD_ANCHOR_RESTORE)
		memset(rec.manifest, 'a', 64);
	if (kind == LD_ANCHOR_RESTORE) {
		snprintf(rec.backup_at, sizeof rec.backup_at,
			 "2026-01-01T00:00:00Z");
		snprintf(rec.by, sizeof rec.by, "tester@host");
	}
	ld_error err = {0};
	assert_int_equal(ld_anchor_append(a, &rec, &err), LD_OK);
	return rec;
}

static void read_log(struct fx *f, ld_anchor_list *l)
{
	ld_error err = {0};
	assert_int_equal(ld_anchor_read_all(f->anchors, NULL, l, &err), LD_OK);
}

static void verify_all(struct fx *f, ld_audit_report *r)
{
	ld_anchor_list l;
	ld_error err = {0};
	assert_int_equal(ld_audit_verify_all(f->ops, f->r, f->anchors, NULL, &l,
					     r, &err),
			 LD_OK);
	ld_anchor_list_release(&l);
}

/* The log's lines, to alter them as an attacker would. */
static char *log_text(struct fx *f, size_t *len)
{
	char path[160];
	snprintf(path, sizeof path, "%s/" LD_ANCHOR_LOG, f->anchors);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char *buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 20) - 1, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

static void put_log_text(struct fx *f, const char *text, size_t len)
{
	char path[160];
	snprintf(path, sizeof path, "%s/" LD_ANCHOR_LOG, f->anchors);
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	fclose(fp);
}

/* ---- the anchor log --------------------------------------------------- */

static void log_records_read_back(void **state)
{
	struct fx *f = *state;
	ld_error err = {0};
	ld_anchor_log *a;
	assert_int_equal(ld_anchor_open(f->anchors, false, &a, NULL, &err),
			 LD_ENOTFOUND);
	bool created = false;
	assert_int_equal(ld_anchor_open(f->anchors, true, &a, &created, &err),
			 LD_OK);
	assert_true(created);
	struct stat st;
	char path[160];
	snprintf(path, sizeof path, "%s/" LD_ANCHOR_LOG, f->anchors);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(f->anchors, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	ld_anchor last;
	assert_int_equal(ld_anchor_last(a, &last, &err), LD_ENOTFOUND);

	append_entries(f, 2);
	ld_anchor c1 = anchor_head(f, a, LD_ANCHOR_CHECKPOINT);
	ld_anchor b = anchor_head(f, a, LD_ANCHOR_BACKUP);
	append_entries(f, 1);
	ld_anchor r = anchor_head(f, a, LD_ANCHOR_RESTORE);
	ld_anchor c2 = anchor_head(f, a, LD_ANCHOR_CLOSE);
	assert_int_equal(c1.n, 1);
	assert_int_equal(c2.n, 4);
	assert_string_equal(b.prev, c1.line_hash);
	assert_string_equal(ld_anchor_key_id(a), c1.key_id);
	assert_int_equal(ld_anchor_last(a, &last, &err), LD_OK);
	assert_int_equal(last.n, 4);
	assert_int_equal(last.kind, LD_ANCHOR_CLOSE);
	ld_anchor_close(a);

	/* Opened again (no new key, not created). */
	assert_int_equal(ld_anchor_open(f->anchors, true, &a, &created, &err),
			 LD_OK);
	assert_false(created);
	assert_string_equal(ld_anchor_key_id(a), c1.key_id);
	ld_anchor_close(a);

	ld_anchor_list l;
	read_log(f, &l);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.bad_n, 0);
	assert_false(l.torn);
	assert_int_equal(l.rec[0].seq, 2);
	assert_int_equal(l.rec[1].kind, LD_ANCHOR_BACKUP);
	assert_string_equal(l.rec[1].manifest, b.manifest);
	assert_int_equal(l.rec[2].kind, LD_ANCHOR_RESTORE);
	assert_int_equal(l.rec[2].seq, 3);
	assert_string_equal(l.rec[2].by, "tester@host");
	assert_string_equal(l.rec[2].backup_at, r.backup_at);
	assert_string_equal(l.rec[2].line_hash, r.line_hash);
	assert_string_equal(l.rec[3].line_hash, c2.line_hash);
	ld_anchor_list_release(&l);
}

struct back {
	int64_t expect;
	int seen;
};

static int count_back(void *p, const ld_anchor *r)
{
	struct back *b = p;
	assert_int_equal(r->n, b->expect);
	b->expect--;
	b->seen++;
	return 0;
}

/* Many records: reading from the end crosses read chunks. */
static void log_read_backwards(void **state)
{
	struct fx *f = *state;
	ld_anchor_log *a = open_log(f);
	append_entries(f, 1);
	enum { N = 400 }; /* about 120 KiB */
	for (int i = 0; i < N; i++)
		anchor_head(f, a, i % 7 ? LD_ANCHOR_CHECKPOINT : LD_ANCHOR_RESTORE);
	struct back b = {N, 0};
	ld_error err = {0};
	assert_int_equal(ld_anchor_each_back(a, 0, count_back, &b, &err), LD_OK);
	assert_int_equal(b.seen, N);
	b = (struct back){N, 0};
	assert_int_equal(ld_anchor_each_back(a, 5, count_back, &b, &err), LD_OK);
	assert_int_equal(b.seen, 5);
	ld_anchor_close(a);
	ld_anchor_list l;
	read_log(f, &l);
	assert_int_equal(l.n, N);
	assert_int_equal(l.bad_n, 0);
	ld_anchor_list_release(&l);
}

/* Altering, removing, swapping or adding a record is found at it. */
static void log_tampering(void **state)
{
	struct fx *f = *state;
	ld_anchor_log *a = open_log(f);
	for (int i = 0; i < 4; i++) {
		append_entries(f, 1);
		anchor_head(f, a, LD_ANCHOR_CHECKPOINT);
	}
	ld_anchor_close(a);
	size_t len;
	char *orig = log_text(f, &len);
	char *lines[4];
	size_t lens[4];
	char *p = orig;
	for (int i = 0; i < 4; i++) {
		lines[i] = p;
		char *nl = strchr(p, '\n');
		lens[i] = (size_t)(nl + 1 - p);
		p = nl + 1;
	}
	ld_anchor_list l;
	char *buf = malloc(len + 1);
	assert_non_null(buf);

	/* One character of record 2's hash changed. */
	memcpy(buf, orig, len);
	char *h = strstr(buf + lens[0], " hash=") + 6;
	*h = *h == 'a' ? 'b' : 'a';
	put_log_text(f, buf, len);
	read_log(f, &l);
	assert_int_equal(l.bad_n, 2);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.problem, "signature"));
	assert_non_null(strstr(l.problem_zh, "签名无效"));
	ld_anchor_list_release(&l);

	/* Record 2 removed. */
	size_t k = 0;
	for (int i = 0; i < 4; i++)
		if (i != 1) {
			memcpy(buf + k, lines[i], lens[i]);
			k += lens[i];
		}
	put_log_text(f, buf, k);
	read_log(f, &l);
	assert_int_equal(l.bad_n, 2);
	assert_non_null(strstr(l.problem, "out of order"));
	ld_anchor_list_release(&l);

	/* Records 3 and 4 swapped. */
	k = 0;
	int order[4] = {0, 1, 3, 2};
	for (int i = 0; i < 4; i++) {
		memcpy(buf + k, lines[order[i]], lens[order[i]]);
		k += lens[order[i]];
	}
	put_log_text(f, buf, k);
	read_log(f, &l);
	assert_int_equal(l.bad_n, 3);
	ld_anchor_list_release(&l);

	/* A line that is not a record. */
	memcpy(buf, orig, len);
	put_log_text(f, buf, len);
	char *more = malloc(len + 64);
	assert_non_null(more);
	memcpy(more, orig, len);
	memcpy(more + len, "LDA1 n=5 kind=checkpoint\n", 25);
	put_log_text(f, more, len + 25);
	read_log(f, &l);
	assert_int_equal(l.bad_n, 5);
	assert_non_null(strstr(l.problem, "malformed"));
	assert_int_equal(l.n, 4);
	ld_anchor_list_release(&l);

	/* A record that does not verify is not built on. */
	ld_error err = {0};
	a = open_log(f);
	ld_anchor rec = {.kind = LD_ANCHOR_CHECKPOINT, .seq = 1};
	memset(rec.hash, '0', 64);
	assert_int_equal(ld_anchor_append(a, &rec, &err), LD_EINVAL);
	ld_anchor_close(a);
	free(more);
	free(buf);
	free(orig);
}

/* A log signed by another key fails against a trusted public key, and
 * against its own directory it verifies. */
static void log_trusted_key(void **state)
{
	struct fx *f = *state;
	ld_anchor_log *a = open_log(f);
	append_entries(f, 1);
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT);
	char trusted[200];
	snprintf(trusted, sizeof trusted, "%s/keys/%s.pub.pem", f->anchors,
		 ld_anchor_key_id(a));
	char copy[200];
	snprintf(copy, sizeof copy, "%s/trusted.pub.pem", f->dir);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "cp %s %s && rm -rf %s", trusted, copy,
		 f->anchors);
	assert_int_equal(system(cmd), 0);
	ld_anchor_close(a);

	a = open_log(f); /* a new directory, a new key */
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT);
	ld_anchor_close(a);
	ld_anchor_list l;
	read_log(f, &l);
	assert_int_equal(l.bad_n, 0);
	ld_anchor_list_release(&l);
	ld_error err = {0};
	assert_int_equal(ld_anchor_read_all(f->anchors, copy, &l, &err), LD_OK);
	assert_int_equal(l.bad_n, 1);
	assert_non_null(strstr(l.problem, "not a trusted anchor key"));
	ld_anchor_list_release(&l);
}

/* A line cut short by a crash is ignored, and removed by the next append. */
static void log_torn_tail(void **state)
{
	struct fx *f = *state;
	ld_anchor_log *a = open_log(f);
	append_entries(f, 1);
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT);
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT);
	size_t len;
	char *text = log_text(f, &len);
	char *torn = malloc(len + 100);
	assert_non_null(torn);
	memcpy(torn, text, len);
	memcpy(torn + len, text, 40); /* half a record, no newline */
	put_log_text(f, torn, len + 40);
	ld_anchor_list l;
	read_log(f, &l);
	assert_true(l.torn);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.bad_n, 0);
	ld_anchor_list_release(&l);
	ld_anchor last;
	ld_error err = {0};
	assert_int_equal(ld_anchor_last(a, &last, &err), LD_OK);
	assert_int_equal(last.n, 2);

	anchor_head(f, a, LD_ANCHOR_CHECKPOINT);
	read_log(f, &l);
	assert_false(l.torn);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.bad_n, 0);
	ld_anchor_list_release(&l);
	ld_anchor_close(a);
	free(torn);
	free(text);
}

/* ---- the chain against its anchors --------------------------------------- */

static void chain_against_anchors(void **state)
{
	struct fx *f = *state;
	ld_audit_report r;
	ld_anchor_log *a = open_log(f);
	append_entries(f, 4);
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT); /* 4 */
	append_entries(f, 2);
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT); /* 6 */
	append_entries(f, 1);			 /* 7: unanchored */
	ld_anchor_close(a);
	verify_all(f, &r);
	assert_true(r.intact);
	assert_int_equal(r.entries, 7);
	assert_int_equal(r.anchored_seq, 6);
	assert_int_equal(r.unanchored, 1);
	assert_int_equal(r.anchors, 2);

	/* The unanchored entry may go unnoticed; an anchored one may not. */
	raw_exec(f, "DELETE FROM audit WHERE seq = 7");
	verify_all(f, &r);
	assert_true(r.intact);
	raw_exec(f, "DELETE FROM audit WHERE seq = 6");
	verify_all(f, &r);
	assert_false(r.intact);
	assert_int_equal(r.bad_seq, 6);
	assert_int_equal(r.bad_anchor, 2);
	assert_non_null(strstr(r.problem, "removed"));
	raw_exec(f, "DELETE FROM audit");
	verify_all(f, &r);
	assert_false(r.intact);
	assert_int_equal(r.bad_seq, 1);
}

/* A backup copies the database, then the anchor log, while the server
 * goes on anchoring: the copy of the log ends where the database copy does,
 * so the backup verifies (before, it named entries the copy cannot hold). */
static void copy_ends_with_the_database(void **state)
{
	struct fx *f = *state;
	ld_anchor_log *a = open_log(f);
	append_entries(f, 3);
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT); /* 3 */
	append_entries(f, 2);
	anchor_head(f, a, LD_ANCHOR_BACKUP); /* 5 */
	append_entries(f, 2);
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT); /* 7: after the copy */
	ld_anchor_close(a);

	char whole[160], cut[160];
	snprintf(whole, sizeof whole, "%s/whole.log", f->dir);
	snprintf(cut, sizeof cut, "%s/cut.log", f->dir);
	ld_error err = {0};
	assert_int_equal(ld_anchor_copy(f->anchors, whole, -1, &err), LD_OK);
	assert_int_equal(ld_anchor_copy(f->anchors, cut, 6, &err), LD_OK);
	struct stat sw, sc;
	assert_int_equal(stat(whole, &sw), 0);
	assert_int_equal(stat(cut, &sc), 0);
	assert_true(sc.st_size < sw.st_size);

	/* The cut copy holds the first two records, whole. */
	char dir[160];
	snprintf(dir, sizeof dir, "%s/cut", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	char log[200];
	snprintf(log, sizeof log, "%s/" LD_ANCHOR_LOG, dir);
	assert_int_equal(rename(cut, log), 0);
	char keys[224], link_to[200];
	snprintf(keys, sizeof keys, "%s/keys", dir);
	snprintf(link_to, sizeof link_to, "%s/keys", f->anchors);
	assert_int_equal(symlink(link_to, keys), 0); /* the paths are absolute */
	ld_anchor_list l;
	assert_int_equal(ld_anchor_read_all(dir, NULL, &l, &err), LD_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.bad_n, 0);
	assert_int_equal(l.rec[1].seq, 5);
	ld_anchor_list_release(&l);

	/* As the database stood at entry 5: verified against the cut copy,
	 * not against the whole log (which anchors entry 7). */
	raw_exec(f, "DELETE FROM audit WHERE seq > 5");
	ld_audit_report r;
	assert_int_equal(ld_audit_verify_all(f->ops, f->r, dir, NULL, &l, &r,
					     &err),
			 LD_OK);
	ld_anchor_list_release(&l);
	assert_true(r.intact);
	verify_all(f, &r);
	assert_false(r.intact);

	/* A bound beyond every record copies the whole log. */
	char all[160];
	snprintf(all, sizeof all, "%s/all.log", f->dir);
	assert_int_equal(ld_anchor_copy(f->anchors, all, 100, &err), LD_OK);
	assert_int_equal(stat(all, &sc), 0);
	assert_int_equal(sc.st_size, sw.st_size);
}

/* Every later hash recomputed after a change: the anchor at or after it
 * names another hash. */
static void chain_rewritten(void **state)
{
	struct fx *f = *state;
	ld_anchor_log *a = open_log(f);
	append_entries(f, 5);
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT);
	ld_anchor_close(a);
	/* Rewrite entry 5 with a valid hash: what audit_append would make. */
	raw_exec(f, "DELETE FROM audit WHERE seq = 5");
	ld_audit_entry e = {.username = "forger", .action = "person.view",
			    .target = "person:2"};
	ld_audit_head head = {.loaded = false};
	assert_int_equal(f->ops->begin(f->c), LD_OK);
	assert_int_equal(ld_audit_append(f->ops, f->c, &head, &e, 1), LD_OK);
	assert_int_equal(f->ops->commit(f->c), LD_OK);
	ld_audit_report r;
	assert_int_equal(ld_audit_verify(f->ops, f->r, &r), LD_OK);
	assert_true(r.intact); /* the chain alone cannot tell */
	verify_all(f, &r);
	assert_false(r.intact);
	assert_int_equal(r.bad_seq, 5);
	assert_non_null(strstr(r.problem_zh, "改写"));
}

/* A restore record supersedes the anchors after the head it restored; the
 * anchors up to it still hold; a close forbids what follows it. */
static void chain_restore_and_close(void **state)
{
	struct fx *f = *state;
	ld_anchor_log *a = open_log(f);
	append_entries(f, 3);
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT); /* 3 */
	append_entries(f, 3);
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT); /* 6 */
	/* The database goes back to entry 3 (a backup) and on differently. */
	raw_exec(f, "DELETE FROM audit WHERE seq > 3");
	ld_audit_report r;
	verify_all(f, &r);
	assert_false(r.intact);
	anchor_head(f, a, LD_ANCHOR_RESTORE); /* 3: entries 4..6 lost */
	verify_all(f, &r);
	assert_true(r.intact);
	append_entries(f, 2); /* a new 4 and 5 */
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT);
	verify_all(f, &r);
	assert_true(r.intact);
	assert_int_equal(r.anchored_seq, 5);

	/* Closed at 5: an entry after it, with no record, is forged. */
	anchor_head(f, a, LD_ANCHOR_CLOSE);
	anchor_head(f, a, LD_ANCHOR_BACKUP); /* a backup does not reopen */
	append_entries(f, 1);
	verify_all(f, &r);
	assert_false(r.intact);
	assert_int_equal(r.bad_seq, 6);
	assert_non_null(strstr(r.problem, "forged"));
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT);
	verify_all(f, &r);
	assert_true(r.intact);

	/* A restore does not excuse a rewrite below the head it restored. */
	raw_exec(f, "UPDATE audit SET reason = 'x' WHERE seq = 2");
	verify_all(f, &r);
	assert_false(r.intact);
	assert_int_equal(r.bad_seq, 2);
	ld_anchor_close(a);
}

/* The database names the anchor record it saw: a log cut short of it, or
 * missing, is a problem. */
static void chain_database_names_record(void **state)
{
	struct fx *f = *state;
	ld_anchor_log *a = open_log(f);
	append_entries(f, 2);
	anchor_head(f, a, LD_ANCHOR_CHECKPOINT);
	ld_anchor rec = anchor_head(f, a, LD_ANCHOR_CLOSE);
	ld_anchor_close(a);
	assert_int_equal(f->ops->begin(f->c), LD_OK);
	assert_int_equal(f->ops->audit_anchor_put(f->c, rec.n, rec.line_hash,
						  rec.at),
			 LD_OK);
	assert_int_equal(f->ops->commit(f->c), LD_OK);
	int64_t n;
	char hash[65];
	assert_int_equal(f->ops->audit_anchor_get(f->r, &n, hash), LD_OK);
	assert_int_equal(n, rec.n);
	ld_audit_report r;
	verify_all(f, &r);
	assert_true(r.intact);
	assert_int_equal(r.ref_n, 2);

	size_t len;
	char *text = log_text(f, &len);
	char *second = strchr(text, '\n') + 1;
	put_log_text(f, text, (size_t)(second - text));
	verify_all(f, &r);
	assert_false(r.intact);
	assert_int_equal(r.bad_anchor, 2);
	assert_non_null(strstr(r.problem, "does not hold"));
	free(text);

	char path[160];
	snprintf(path, sizeof path, "%s/" LD_ANCHOR_LOG, f->anchors);
	unlink(path);
	verify_all(f, &r);
	assert_false(r.intact);
	assert_non_null(strstr(r.problem, "no anchor log"));
}

/* ---- the anchored writer ------------------------------------------------- */

struct waited {
	ld_write_job job;
	atomic_int done;
};

static void on_done(ld_write_job *j)
{
	struct waited *w = (struct waited *)j;
	atomic_store(&w->done, 1);
}

/* Submit one audit-only job and wait for its outcome. */
static ld_status submit_wait(ld_writer *w, const char *action)
{
	struct waited *j = calloc(1, sizeof *j);
	assert_non_null(j);
	j->job.done = on_done;
	j->job.audit[0] = (ld_audit_entry){.username = "clerk",
					   .action = action,
					   .target = "person:1"};
	j->job.n_audit = 1;
	ld_writer_submit(w, &j->job);
	while (!atomic_load(&j->done))
		usleep(1000);
	ld_status rc = j->job.status;
	free(j);
	return rc;
}

static ld_writer *start_anchored(struct fx *f, ld_anchor_log **a,
				 ld_error *err)
{
	*a = open_log(f);
	ld_writer *w = ld_writer_start_anchored(f->ops, f->store, true, true,
						*a, err);
	if (!w) {
		ld_anchor_close(*a);
		*a = NULL;
	}
	return w;
}

static void writer_anchors_and_closes(void **state)
{
	struct fx *f = *state;
	ld_anchor_log *a;
	ld_error err = {0};
	ld_writer *w = start_anchored(f, &a, &err);
	assert_non_null(w);
	for (int i = 0; i < 20; i++)
		assert_int_equal(submit_wait(w, "person.view"), LD_OK);
	ld_writer_stop(w);
	ld_anchor last;
	assert_int_equal(ld_anchor_last(a, &last, &err), LD_OK);
	assert_int_equal(last.kind, LD_ANCHOR_CLOSE);
	assert_int_equal(last.seq, 20);
	ld_anchor_close(a);
	ld_audit_report r;
	verify_all(f, &r);
	assert_true(r.intact);
	assert_int_equal(r.unanchored, 0);
	assert_int_equal(r.ref_n, last.n);

	/* Started again: the chain is opened by a checkpoint, and goes on. */
	w = start_anchored(f, &a, &err);
	assert_non_null(w);
	assert_int_equal(ld_anchor_last(a, &last, &err), LD_OK);
	assert_int_equal(last.kind, LD_ANCHOR_CHECKPOINT);
	assert_int_equal(submit_wait(w, "person.view"), LD_OK);
	ld_writer_stop(w);
	ld_anchor_close(a);
	verify_all(f, &r);
	assert_true(r.intact);
	assert_int_equal(r.head_seq, 21);
}

static void writer_refuses_a_changed_database(void **state)
{
	struct fx *f = *state;
	ld_anchor_log *a;
	ld_error err = {0};
	ld_writer *w = start_anchored(f, &a, &err);
	assert_non_null(w);
	for (int i = 0; i < 5; i++)
		assert_int_equal(submit_wait(w, "person.view"), LD_OK);
	ld_writer_stop(w);
	ld_anchor_close(a);

	/* Cut while stopped: refused. */
	raw_exec(f, "CREATE TABLE saved AS SELECT * FROM audit WHERE seq = 5;"
		    "DELETE FROM audit WHERE seq = 5");
	assert_null(start_anchored(f, &a, &err));
	assert_string_equal(err.field, "anchor_dir");
	assert_non_null(strstr(err.message, "审计日志与锚点不符"));

	/* Put back, then added to while stopped: refused too. */
	raw_exec(f, "INSERT INTO audit SELECT * FROM saved; DROP TABLE saved");
	append_entries(f, 1);
	memset(&err, 0, sizeof err);
	assert_null(start_anchored(f, &a, &err));
	assert_non_null(strstr(err.message, "封闭"));
}

static void writer_halts_on_outside_write(void **state)
{
	struct fx *f = *state;
	ld_anchor_log *a;
	ld_error err = {0};
	ld_writer *w = start_anchored(f, &a, &err);
	assert_non_null(w);
	assert_int_equal(submit_wait(w, "person.view"), LD_OK);
	/* Appended behind its back with a valid hash, no anchor. */
	append_entries(f, 1);
	assert_int_equal(submit_wait(w, "person.view"), LD_EIO);
	assert_true(ld_writer_halted(w));
	assert_true(ld_writer_failing(w));
	assert_int_equal(submit_wait(w, "person.view"), LD_EIO);
	ld_writer_stop(w);
	ld_anchor_close(a);
	int64_t seq;
	char hash[65];
	head_of(f, &seq, hash);
	assert_int_equal(seq, 2); /* nothing after the forged entry */
	ld_audit_report r;
	verify_all(f, &r);
	assert_false(r.intact); /* closed at 1, entry 2 after it */
	assert_int_equal(r.bad_seq, 2);
}

static void writer_accepts_an_anchored_outside_write(void **state)
{
	struct fx *f = *state;
	ld_anchor_log *a;
	ld_error err = {0};
	ld_writer *w = start_anchored(f, &a, &err);
	assert_non_null(w);
	assert_int_equal(submit_wait(w, "person.view"), LD_OK);
	/* A command beside the server (which holds the data directory's
	 * lock): writes, then anchors what it wrote. */
	int lock;
	assert_int_equal(ld_datalock_take(f->dir, &lock, &err), LD_OK);
	append_entries(f, 2);
	bool anchored = false;
	assert_int_equal(ld_audit_anchor_head(f->ops, f->c, f->dir, f->anchors,
					      &anchored, &err),
			 LD_OK);
	assert_true(anchored);
	ld_anchor last;
	assert_int_equal(ld_anchor_last(a, &last, &err), LD_OK);
	assert_int_equal(last.kind, LD_ANCHOR_CHECKPOINT);
	assert_int_equal(last.seq, 3);
	assert_int_equal(submit_wait(w, "person.view"), LD_OK);
	assert_false(ld_writer_halted(w));
	ld_writer_stop(w);
	ld_datalock_release(lock);
	ld_anchor_close(a);
	ld_audit_report r;
	verify_all(f, &r);
	assert_true(r.intact);
	assert_int_equal(r.head_seq, 4);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(log_records_read_back),
	    T(log_read_backwards),
	    T(log_tampering),
	    T(log_trusted_key),
	    T(log_torn_tail),
	    T(chain_against_anchors),
	    T(copy_ends_with_the_database),
	    T(chain_rewritten),
	    T(chain_restore_and_close),
	    T(chain_database_names_record),
	    T(writer_anchors_and_closes),
	    T(writer_refuses_a_changed_database),
	    T(writer_halts_on_outside_write),
	    T(writer_accepts_an_anchored_outside_write),
	};
#undef T
	return cmocka_run_group_tests_name("anchor", tests, NULL, NULL);
}
