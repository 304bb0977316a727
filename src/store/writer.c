/*
 * writer.c — the group-commit writer thread.
 */
#include "store/writer.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/anchor.h"
#include "store/audit.h"

/* Internal: a job failed in an optimistic batch; run the batch again with
 * a savepoint per job. Never returned to callers. */
#define LD_EAGAIN_BATCH ((ld_status)1000)
/* Internal: the chain's head in the database is not the one this writer
 * committed last: someone else wrote. */
#define LD_EOUTSIDE ((ld_status)1001)

/* Anchor the durable head at most this often. */
#define ANCHOR_INTERVAL_MS 1000
/* How long a chain extended by someone else may wait for the signed anchor
 * of what they wrote (`liudong user add` anchors right after its commit)
 * before the writer calls it a forgery and stops. */
#define OUTSIDE_WAIT_MS 5000
#define OUTSIDE_STEP_MS 50
/* How many of the anchor log's last records to look through for it. */
#define OUTSIDE_RECORDS 64

#define LAZY_WAIT_US 2000
#define LAZY_BATCH 256

/* Committed batches waiting for the log to reach the disk. */
struct synced_batch {
	struct synced_batch *next;
	ld_write_job *jobs;
	int64_t seq; /* the chain's head once the batch is on disk */
	char hash[65];
};

struct ld_writer {
	const struct ld_store_ops *ops;
	ld_store *store;
	ld_conn *conn;
	bool deferred; /* commits are made durable by the syncer thread */
	pthread_t syncer;
	pthread_mutex_t sync_lock;
	pthread_cond_t sync_cond;
	struct synced_batch *sync_head, *sync_tail;
	bool sync_stopping;
	ld_conn *upkeep_conn;
	pthread_t upkeep;
	bool group_commit;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	ld_write_job *head, *tail;
	size_t n_queued;   /* jobs in head..tail */
	bool lazy_waiting; /* the writer is gathering lazy jobs */
	bool stopping;
	atomic_bool failing;
	struct ld_writer_stats stats;

	/* Anchoring (anchor.h); none when anchors is NULL. */
	ld_anchor_log *anchors;
	/* The database was written by someone else: no more writes. */
	atomic_bool halted;
	/* The chain's head as this writer committed it last, and the anchor
	 * record the database names as written by it (writer thread). */
	int64_t head_seq;
	char head_hash[65];
	int64_t ref_put_n;
	/* Shared with the syncer and the anchor thread, under anchor_lock:
	 * the head known to be on disk, the head anchored last, the record
	 * that anchored it. */
	pthread_t anchor_thread;
	pthread_mutex_t anchor_lock;
	pthread_cond_t anchor_cond;
	bool anchor_stopping;
	int64_t durable_seq, anchored_seq;
	char durable_hash[65], anchored_hash[65];
	int64_t ref_n;
	char ref_hash[65];
};

#define HALTED_MESSAGE                                                      \
	"审计日志在本服务之外被改动，已停止写入；请联系系统管理员核查（liudong "  \
	"audit verify）"

static int bucket(uint64_t v, uint64_t unit)
{
	int b = 0;
	uint64_t limit = unit;
	while (b < LD_WRITER_HIST - 1 && v > limit) {
		limit *= 2;
		b++;
	}
	return b;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/*
 * Run one job, then append its audit entries. In careful mode the job runs
 * under its own savepoint, so a job that fails is undone alone and its
 * refusal is still audited; in optimistic mode there is no savepoint, and a
 * job that fails makes the caller start the batch over carefully.
 */
static ld_status run_job(const struct ld_store_ops *ops, ld_conn *c,
			 ld_audit_head *head, ld_write_job *j, bool careful)
{
	j->status = LD_OK;
	if (j->run) {
		if (careful && ops->savepoint(c) != LD_OK)
			return LD_EIO;
		j->status = j->run(j, ops, c);
		if (j->status != LD_OK && !careful)
			return LD_EAGAIN_BATCH;
		if (careful && j->status != LD_OK &&
		    ops->rollback_to(c) != LD_OK)
			return LD_EIO;
		if (careful && ops->release(c) != LD_OK)
			return LD_EIO;
	}
	for (int i = 0; i < j->n_audit; i++)
		if (!j->audit[i].result)
			j->audit[i].result = j->status == LD_OK ? "ok" : "failed";
	if (j->n_audit &&
	    ld_audit_append(ops, c, head, j->audit, j->n_audit) != LD_OK)
		return LD_EIO;
	return LD_OK;
}

static void fail_jobs_with(ld_write_job *jobs, const char *message)
{
	for (ld_write_job *j = jobs; j; j = j->next) {
		j->status = LD_EIO;
		ld_fail(&j->err, LD_EIO, NULL, "%s", message);
	}
}

static void fail_jobs(ld_write_job *jobs)
{
	fail_jobs_with(jobs, "数据库写入失败，请稍后重试");
}

/* What a committed transaction leaves for the writer to remember. */
struct batch_state {
	ld_audit_head head;
	int64_t ref_n; /* the anchor record it named in the database, or -1 */
};

/*
 * At the start of each transaction of an anchored writer: the chain's head
 * must be the one this writer committed last, or someone else wrote
 * (LD_EOUTSIDE). The head read is kept for the batch's entries. Also
 * records in the database the anchor record written last, when it is new.
 */
static ld_status guard_begin(ld_writer *w, ld_conn *c, struct batch_state *st)
{
	ld_audit_head *head = &st->head;
	ld_status rc = w->ops->audit_head(c, &head->seq, head->hash);
	if (rc != LD_OK)
		return rc;
	if (head->seq != w->head_seq || strcmp(head->hash, w->head_hash) != 0)
		return LD_EOUTSIDE;
	head->loaded = true;
	ld_audit_now(head->now);
	char ref_hash[65];
	pthread_mutex_lock(&w->anchor_lock);
	int64_t ref_n = w->ref_n;
	memcpy(ref_hash, w->ref_hash, sizeof ref_hash);
	pthread_mutex_unlock(&w->anchor_lock);
	if (ref_n > 0 && ref_n != w->ref_put_n) {
		rc = w->ops->audit_anchor_put(c, ref_n, ref_hash, head->now);
		st->ref_n = ref_n;
	}
	return rc;
}

enum batch_mode {
	BATCH_OPTIMISTIC, /* no savepoints; a failed job fails the batch */
	BATCH_CAREFUL,	  /* a savepoint per job */
	BATCH_REFUSAL,	  /* a lone job that failed: only its audit entries */
};

static ld_status try_batch(ld_writer *w, const struct ld_store_ops *ops,
			   ld_conn *c, ld_write_job *jobs, enum batch_mode mode,
			   struct batch_state *st)
{
	*st = (struct batch_state){.head = {.loaded = false}, .ref_n = -1};
	ld_status rc = ops->begin(c);
	if (rc == LD_OK && w && w->anchors)
		rc = guard_begin(w, c, st);
	for (ld_write_job *j = jobs; rc == LD_OK && j; j = j->next) {
		if (mode != BATCH_REFUSAL) {
			rc = run_job(ops, c, &st->head, j,
				     mode == BATCH_CAREFUL);
			continue;
		}
		for (int i = 0; i < j->n_audit; i++)
			if (!j->audit[i].result)
				j->audit[i].result = "failed";
		if (j->n_audit)
			rc = ld_audit_append(ops, c, &st->head, j->audit,
					     j->n_audit);
	}
	if (rc == LD_OK)
		rc = ops->commit(c);
	if (rc != LD_OK)
		ops->rollback(c);
	return rc;
}

/*
 * The chain in the database is not the one this writer left. That is
 * legitimate only when another liudong command wrote on the live database
 * and anchored what it wrote (it signs with the anchor key, which a forger
 * does not have): the head is then named by a recent anchor record, and
 * the entries after ours link to it. Wait a moment for that record; else
 * stop writing for good, rather than extend a chain someone else forged or
 * rolled back. Returns true when the writer may try again.
 */
struct outside_ctx {
	int64_t seq;
	const char *hash;
	bool found;
};

static int outside_match(void *p, const ld_anchor *r)
{
	struct outside_ctx *o = p;
	o->found = r->seq == o->seq && strcmp(r->hash, o->hash) == 0;
	return o->found;
}

static bool resolve_outside(ld_writer *w, ld_conn *c)
{
	const struct ld_store_ops *ops = w->ops;
	int64_t seq = -1;
	char hash[65] = "";
	for (int waited = 0; waited <= OUTSIDE_WAIT_MS;
	     waited += OUTSIDE_STEP_MS) {
		if (ops->audit_head(c, &seq, hash) == LD_OK) {
			if (seq == w->head_seq && strcmp(hash, w->head_hash) == 0)
				return true; /* as we left it after all */
			struct outside_ctx o = {seq, hash, false};
			bool links = false;
			if (ld_anchor_each_back(w->anchors, OUTSIDE_RECORDS,
						outside_match, &o, NULL) == LD_OK &&
			    o.found &&
			    ld_audit_check_range(ops, c, w->head_seq, w->head_hash,
						 seq, hash, &links) == LD_OK &&
			    links) {
				fprintf(stderr,
					"liudong: 审计日志由本服务之外的命令续写至第 %" PRId64
					" 条（已签锚点），予以接受 (the chain was extended "
					"outside this server up to entry %" PRId64
					", anchored by the anchor key)\n",
					seq, seq);
				w->head_seq = seq;
				memcpy(w->head_hash, hash, sizeof w->head_hash);
				return true;
			}
		}
		nanosleep(&(struct timespec){0, OUTSIDE_STEP_MS * 1000000L},
			  NULL);
	}
	atomic_store(&w->halted, true);
	fprintf(stderr,
		"liudong: 严重：审计日志在本服务之外被改动（本服务最后写入的是第 %" PRId64
		" 条，数据库中现为第 %" PRId64
		" 条，且无锚点记录为证），已停止一切写入，写请求一律答复 503。请运行 "
		"liudong audit verify 核查，查明前勿再启动写入。如系用 liudong 命令"
		"在运行中的数据库上所写，请为该命令指定与服务相同的 --anchor-dir。"
		" / FATAL: the audit chain was changed outside this server (it "
		"wrote up to entry %" PRId64 ", the database now ends at %" PRId64
		", and no anchor record vouches for it); all writes are refused "
		"(503). Run liudong audit verify.\n",
		w->head_seq, seq, w->head_seq, seq);
	return false;
}

/* One attempt in the given mode, again after a legitimate outside write;
 * LD_EOUTSIDE when the writer has stopped for good. */
static ld_status attempt(ld_writer *w, const struct ld_store_ops *ops,
			 ld_conn *c, ld_write_job *jobs, enum batch_mode mode,
			 struct batch_state *st)
{
	ld_status rc = try_batch(w, ops, c, jobs, mode, st);
	while (rc == LD_EOUTSIDE && resolve_outside(w, c))
		rc = try_batch(w, ops, c, jobs, mode, st);
	return rc;
}

/* Commit jobs as one transaction: optimistically first; if a job fails,
 * again with a savepoint per job, or, when it was the only one, just its
 * audit entries (an upload's confirmation is not checked twice to be
 * refused). On failure every job is marked failed. With an anchored
 * writer, *head receives the chain's head after the commit. */
static ld_status commit_jobs(ld_writer *w, const struct ld_store_ops *ops,
			    ld_conn *c, ld_write_job *jobs)
{
	if (w && atomic_load(&w->halted)) {
		fail_jobs_with(jobs, HALTED_MESSAGE);
		return LD_EIO;
	}
	bool own = jobs->alone && jobs->own_references && !jobs->next;
	if (own && ops->foreign_keys(c, false) != LD_OK) {
		fail_jobs(jobs);
		return LD_EIO;
	}
	struct batch_state st;
	ld_status rc = attempt(w, ops, c, jobs, BATCH_OPTIMISTIC, &st);
	if (rc == LD_EAGAIN_BATCH)
		rc = attempt(w, ops, c, jobs,
			     jobs->next ? BATCH_CAREFUL : BATCH_REFUSAL, &st);
	/* Not in a transaction here, so this does not fail; were it to, the
	 * writer waits rather than write anything unchecked. */
	for (bool told = false; own && ops->foreign_keys(c, true) != LD_OK;
	     told = true) {
		if (!told)
			fprintf(stderr, "liudong: 无法恢复外键检查 cannot turn "
					"foreign keys back on; retrying\n");
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	if (rc == LD_OK && w && w->anchors) {
		w->head_seq = st.head.seq;
		memcpy(w->head_hash, st.head.hash, sizeof w->head_hash);
		if (st.ref_n > 0)
			w->ref_put_n = st.ref_n;
	}
	if (rc == LD_EOUTSIDE) {
		fail_jobs_with(jobs, HALTED_MESSAGE);
		return LD_EIO;
	}
	if (rc != LD_OK)
		fail_jobs(jobs);
	return rc;
}

static void finish_jobs(ld_write_job *jobs)
{
	/* done may free the job: read next first. */
	for (ld_write_job *j = jobs, *next; j; j = next) {
		next = j->next;
		if (j->done)
			j->done(j);
	}
}

void ld_write_batch(const struct ld_store_ops *ops, ld_conn *c,
		    ld_write_job *jobs)
{
	commit_jobs(NULL, ops, c, jobs);
	finish_jobs(jobs);
}

/* Batches up to the head (seq, hash) are on disk: the anchor thread may
 * anchor it. */
static void mark_durable(ld_writer *w, int64_t seq, const char *hash)
{
	if (!w->anchors)
		return;
	pthread_mutex_lock(&w->anchor_lock);
	w->durable_seq = seq;
	memcpy(w->durable_hash, hash, sizeof w->durable_hash);
	pthread_cond_signal(&w->anchor_cond);
	pthread_mutex_unlock(&w->anchor_lock);
}

/*
 * The syncer: the writer commits with the log write deferred and moves on
 * to the next batch at once; this thread flushes the log (one fdatasync
 * for every batch committed meanwhile) and only then acknowledges their
 * jobs. An acknowledged job is on disk; the writer never idles in fsync.
 */
static void *syncer_main(void *arg)
{
	ld_writer *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->sync_lock);
		while (!w->sync_head && !w->sync_stopping)
			pthread_cond_wait(&w->sync_cond, &w->sync_lock);
		struct synced_batch *b = w->sync_head;
		w->sync_head = w->sync_tail = NULL;
		bool stop = w->sync_stopping;
		pthread_mutex_unlock(&w->sync_lock);
		if (!b && stop)
			break;
		atomic_store(&w->stats.sync_since_us, now_us() | 1);
		ld_status rc = w->ops->log_sync(w->store);
		atomic_store(&w->stats.sync_since_us, 0);
		if (rc != LD_OK) {
			atomic_fetch_add(&w->stats.failed_commits, 1);
			atomic_store(&w->failing, true);
			fprintf(stderr, "liudong: 日志落盘失败 log sync failed\n");
		} else {
			struct synced_batch *last = b;
			while (last->next)
				last = last->next;
			mark_durable(w, last->seq, last->hash);
		}
		while (b) {
			struct synced_batch *next = b->next;
			if (rc != LD_OK)
				fail_jobs(b->jobs);
			finish_jobs(b->jobs);
			free(b);
			b = next;
		}
	}
	return NULL;
}

static void sync_enqueue(ld_writer *w, ld_write_job *jobs)
{
	struct synced_batch *b = malloc(sizeof *b);
	if (!b) {
		/* Cannot queue: flush here, then acknowledge. */
		if (w->ops->log_sync(w->store) != LD_OK)
			fail_jobs(jobs);
		else
			mark_durable(w, w->head_seq, w->head_hash);
		finish_jobs(jobs);
		return;
	}
	b->next = NULL;
	b->jobs = jobs;
	b->seq = w->head_seq;
	memcpy(b->hash, w->head_hash, sizeof b->hash);
	pthread_mutex_lock(&w->sync_lock);
	if (w->sync_tail)
		w->sync_tail->next = b;
	else
		w->sync_head = b;
	w->sync_tail = b;
	pthread_cond_signal(&w->sync_cond);
	pthread_mutex_unlock(&w->sync_lock);
}

/* With the lock held and jobs queued: while every queued job is lazy and
 * there are fewer than LAZY_BATCH, wait (at most LAZY_WAIT_US in all) for
 * more, so one commit carries many audit entries. A job someone waits for
 * ends the wait at once. */
static void gather_lazy(ld_writer *w)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += LAZY_WAIT_US * 1000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	bool all_lazy = true;
	for (ld_write_job *j = w->head; j; j = j->next)
		all_lazy = all_lazy && j->lazy;
	w->lazy_waiting = true;
	/* Submitters wake us only for a job someone waits for, or when the
	 * batch is full (see ld_writer_submit). */
	while (all_lazy && w->n_queued < LAZY_BATCH && !w->stopping) {
		if (pthread_cond_timedwait(&w->cond, &w->lock, &until) != 0)
			break;
		all_lazy = w->tail == NULL || w->tail->lazy;
		for (ld_write_job *j = w->head; all_lazy && j; j = j->next)
			all_lazy = j->lazy;
	}
	w->lazy_waiting = false;
}

/* With the lock held: take the next batch off the queue (n jobs). With
 * group commit that is every job up to the first that runs alone, or that
 * one by itself; else one job. */
static ld_write_job *take_batch(ld_writer *w, uint64_t *n)
{
	ld_write_job *batch = w->head, *last = batch;
	*n = 1;
	if (w->group_commit && !batch->alone)
		for (; last->next && !last->next->alone; last = last->next)
			++*n;
	w->head = last->next;
	if (!w->head)
		w->tail = NULL;
	last->next = NULL;
	w->n_queued -= *n;
	return batch;
}

static void *writer_main(void *arg)
{
	ld_writer *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->cond, &w->lock);
		if (!w->head && w->stopping) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		if (w->group_commit)
			gather_lazy(w);
		uint64_t n = 0;
		ld_write_job *batch = take_batch(w, &n);
		pthread_mutex_unlock(&w->lock);

		atomic_fetch_sub(&w->stats.queued, (int_fast64_t)n);
		uint64_t t0 = now_us();
		atomic_store(&w->stats.busy_since_us, t0 | 1);
		ld_status rc = commit_jobs(w, w->ops, w->conn, batch);
		atomic_store(&w->stats.busy_since_us, 0);
		uint64_t dt = now_us() - t0;
		if (rc != LD_OK) {
			atomic_fetch_add(&w->stats.failed_commits, 1);
			if (!atomic_load(&w->halted))
				fprintf(stderr,
					"liudong: 写入失败 commit failed (%s)\n",
					ld_strerror(rc));
		}
		atomic_store(&w->failing,
			     rc != LD_OK || atomic_load(&w->halted));
		if (rc == LD_OK && w->deferred) {
			sync_enqueue(w, batch);
		} else {
			if (rc == LD_OK)
				mark_durable(w, w->head_seq, w->head_hash);
			finish_jobs(batch);
		}
		atomic_fetch_add(&w->stats.batches, 1);
		atomic_fetch_add(&w->stats.jobs, n);
		atomic_fetch_add(&w->stats.batch_size[bucket(n, 1)], 1);
		atomic_fetch_add(&w->stats.commit_us[bucket(dt, 100)], 1);
		atomic_fetch_add(&w->stats.commit_us_sum, dt);
	}
	return NULL;
}

/* The upkeep thread: store maintenance (checkpoints) off the writer. */
static void *upkeep_main(void *arg)
{
	ld_writer *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		bool stop = w->stopping;
		pthread_mutex_unlock(&w->lock);
		if (stop)
			break;
		w->ops->maintain(w->upkeep_conn);
		struct timespec ts = {0, 200 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void stop_syncer(ld_writer *w)
{
	pthread_mutex_lock(&w->sync_lock);
	w->sync_stopping = true;
	pthread_cond_signal(&w->sync_cond);
	pthread_mutex_unlock(&w->sync_lock);
	pthread_join(w->syncer, NULL);
}

/* ---- anchoring --------------------------------------------------------- */

static bool heads_equal(int64_t a, const char *ha, int64_t b, const char *hb)
{
	return a == b && strcmp(ha, hb) == 0;
}

/* Append a record of the durable head (a checkpoint, or the close at
 * stop), with anchor_lock held (released while the record is signed and
 * flushed). */
static void checkpoint_locked(ld_writer *w, enum ld_anchor_kind kind)
{
	ld_anchor rec = {.kind = kind, .seq = w->durable_seq};
	memcpy(rec.hash, w->durable_hash, sizeof rec.hash);
	pthread_mutex_unlock(&w->anchor_lock);
	ld_error err = {0};
	ld_status rc = ld_anchor_append(w->anchors, &rec, &err);
	pthread_mutex_lock(&w->anchor_lock);
	if (rc != LD_OK) {
		fprintf(stderr,
			"liudong: 无法写入审计锚点，第 %" PRId64
			" 条之后的审计记录尚未锚定 (cannot write an audit anchor): "
			"%s\n",
			w->anchored_seq, err.message);
		return;
	}
	w->anchored_seq = rec.seq;
	memcpy(w->anchored_hash, rec.hash, sizeof w->anchored_hash);
	w->ref_n = rec.n;
	memcpy(w->ref_hash, rec.line_hash, sizeof w->ref_hash);
}

/*
 * The anchor thread: whenever the durable head moves, append a signed
 * checkpoint of it, at most once per ANCHOR_INTERVAL_MS (signing and the
 * flush of the anchor log stay off the writer and the syncer). Only heads
 * the syncer has seen on disk are anchored, and only this writer's own.
 */
static void *anchor_main(void *arg)
{
	ld_writer *w = arg;
	struct timespec next = {0, 0};
	pthread_mutex_lock(&w->anchor_lock);
	while (!w->anchor_stopping) {
		if (heads_equal(w->durable_seq, w->durable_hash,
				w->anchored_seq, w->anchored_hash)) {
			pthread_cond_wait(&w->anchor_cond, &w->anchor_lock);
			continue;
		}
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec < next.tv_sec ||
		    (now.tv_sec == next.tv_sec && now.tv_nsec < next.tv_nsec)) {
			pthread_cond_timedwait(&w->anchor_cond, &w->anchor_lock,
					       &next);
			continue;
		}
		checkpoint_locked(w, LD_ANCHOR_CHECKPOINT);
		clock_gettime(CLOCK_REALTIME, &next);
		next.tv_nsec += (ANCHOR_INTERVAL_MS % 1000) * 1000000L;
		next.tv_sec += ANCHOR_INTERVAL_MS / 1000 +
			       next.tv_nsec / 1000000000L;
		next.tv_nsec %= 1000000000L;
	}
	pthread_mutex_unlock(&w->anchor_lock);
	return NULL;
}

struct ref_find {
	int64_t n;
	const char *hash;
	bool found;
};

static int ref_match(void *p, const ld_anchor *r)
{
	struct ref_find *f = p;
	if (r->n > f->n)
		return 0;
	f->found = r->n == f->n && strcmp(r->line_hash, f->hash) == 0;
	return 1;
}

struct last_state {
	bool found;
	ld_anchor rec;
};

static int last_state_of(void *p, const ld_anchor *r)
{
	struct last_state *l = p;
	if (r->kind == LD_ANCHOR_BACKUP)
		return 0;
	l->found = true;
	l->rec = *r;
	return 1;
}

/*
 * Before the first write: the database must be the one the anchor log
 * knows. It must hold the entry the last anchor record names and go on
 * from it unbroken (not at all when the log left it closed), and the
 * anchor record the database names must be in the log. Otherwise the
 * database was rolled back, cut, rewritten or added to while no server ran
 * (or the log is not this database's): refuse to start. A closed chain is
 * opened again by a checkpoint.
 */
static ld_status anchor_start(ld_writer *w, ld_error *err)
{
	const struct ld_store_ops *ops = w->ops;
	const char *dir = ld_anchor_dir(w->anchors);
	ld_anchor last = {.n = 0};
	ld_status rc = ld_anchor_last(w->anchors, &last, err);
	if (rc != LD_OK && rc != LD_ENOTFOUND)
		return rc;
	int64_t seq, ref_n = 0;
	char hash[65], ref_hash[65];
	rc = ops->audit_head(w->conn, &seq, hash);
	if (rc == LD_OK) {
		rc = ops->audit_anchor_get(w->conn, &ref_n, ref_hash);
		if (rc == LD_ENOTFOUND) {
			ref_n = 0;
			rc = LD_OK;
		}
	}
	if (rc != LD_OK)
		return ld_fail(err, rc, NULL, "无法读取审计日志");
	if (ref_n > 0) {
		struct ref_find f = {ref_n, ref_hash, false};
		rc = ld_anchor_each_back(w->anchors, 0, ref_match, &f, err);
		if (rc != LD_OK)
			return rc;
		if (!f.found)
			return ld_fail(
				err, LD_EINVAL, "anchor_dir",
				"数据库记有锚点记录第 %" PRId64
				" 条，锚点日志 %s 中却没有：它被截断、替换，或不是本库的",
				ref_n, dir);
	}
	/* The last record that says where the chain stands (a backup record
	 * only says what was copied). */
	struct last_state ls = {.found = false};
	if (last.n) {
		rc = ld_anchor_each_back(w->anchors, 0, last_state_of, &ls, err);
		if (rc != LD_OK)
			return rc;
	}
	if (last.n) {
		bool ok = false;
		rc = ld_audit_check_range(ops, w->conn, last.seq, last.hash, seq,
					  hash, &ok);
		if (rc != LD_OK)
			return ld_fail(err, rc, NULL, "无法读取审计日志");
		if (!ok)
			return ld_fail(
				err, LD_EINVAL, "anchor_dir",
				"审计日志与锚点不符：锚点记录第 %" PRId64 " 条锚定第 %" PRId64
				" 条，而数据库中的审计日志止于第 %" PRId64 " 条或已被改写",
				last.n, last.seq, seq);
	}
	if (ls.found && ld_anchor_kind_closes(ls.rec.kind) &&
	    (seq != ls.rec.seq || strcmp(hash, ls.rec.hash) != 0))
		return ld_fail(
			err, LD_EINVAL, "anchor_dir",
			"第 %" PRId64 " 至 %" PRId64 " 条审计记录写在锚点记录第 %" PRId64
			" 条（%s）封闭审计日志之后，且无锚点为证",
			ls.rec.seq + 1, seq, ls.rec.n, ld_anchor_kind_name(ls.rec.kind));
	w->head_seq = seq;
	memcpy(w->head_hash, hash, sizeof w->head_hash);
	w->ref_put_n = ref_n;
	/* What the log anchors already, and what it should (once on disk). */
	w->anchored_seq = last.n ? last.seq : -1;
	memcpy(w->anchored_hash, last.n ? last.hash : "", last.n ? 65 : 1);
	w->durable_seq = w->anchored_seq;
	memcpy(w->durable_hash, w->anchored_hash, sizeof w->durable_hash);
	if (last.n) {
		w->ref_n = last.n;
		memcpy(w->ref_hash, last.line_hash, sizeof w->ref_hash);
	}
	if (!heads_equal(seq, hash, w->anchored_seq, w->anchored_hash) &&
	    ops->log_sync(w->store) == LD_OK) {
		/* Entries written while no server ran: on disk now. */
		w->durable_seq = seq;
		memcpy(w->durable_hash, hash, sizeof w->durable_hash);
	}
	if (ls.found && ld_anchor_kind_closes(ls.rec.kind)) {
		/* Open it again: from here entries follow the last anchor
		 * until the next (what a crash may leave unanchored). */
		ld_anchor rec = {.kind = LD_ANCHOR_CHECKPOINT, .seq = seq};
		memcpy(rec.hash, hash, sizeof rec.hash);
		rc = ld_anchor_append(w->anchors, &rec, err);
		if (rc != LD_OK)
			return rc;
		w->ref_n = rec.n;
		memcpy(w->ref_hash, rec.line_hash, sizeof w->ref_hash);
	}
	return LD_OK;
}

/* At stop, after the syncer: anchor what is on disk, and name the record
 * in the database. */
static void anchor_stop(ld_writer *w)
{
	pthread_mutex_lock(&w->anchor_lock);
	w->anchor_stopping = true;
	pthread_cond_signal(&w->anchor_cond);
	pthread_mutex_unlock(&w->anchor_lock);
	pthread_join(w->anchor_thread, NULL);
	pthread_mutex_lock(&w->anchor_lock);
	/* Closed at what is on disk: whatever follows it was not written
	 * by a server. (The close also anchors it when the anchor thread had
	 * not yet.) */
	if (w->durable_seq >= 0)
		checkpoint_locked(w, LD_ANCHOR_CLOSE);
	int64_t ref_n = w->ref_n;
	char ref_hash[65];
	memcpy(ref_hash, w->ref_hash, sizeof ref_hash);
	pthread_mutex_unlock(&w->anchor_lock);
	if (ref_n <= 0 || ref_n == w->ref_put_n || atomic_load(&w->halted))
		return;
	const struct ld_store_ops *ops = w->ops;
	char now[32];
	ld_audit_now(now);
	if (ops->begin(w->conn) != LD_OK)
		return;
	if (ops->audit_anchor_put(w->conn, ref_n, ref_hash, now) != LD_OK ||
	    ops->commit(w->conn) != LD_OK) {
		ops->rollback(w->conn);
		return;
	}
	ops->log_sync(w->store);
}

ld_writer *ld_writer_start(const struct ld_store_ops *ops, ld_store *store,
			   bool group_commit, bool durable, ld_error *err)
{
	return ld_writer_start_anchored(ops, store, group_commit, durable, NULL,
					err);
}

ld_writer *ld_writer_start_anchored(const struct ld_store_ops *ops,
				    ld_store *store, bool group_commit,
				    bool durable, ld_anchor_log *anchors,
				    ld_error *err)
{
	ld_writer *w = calloc(1, sizeof *w);
	if (!w) {
		ld_fail(err, LD_ENOMEM, NULL, "内存不足");
		return NULL;
	}
	w->ops = ops;
	w->store = store;
	w->group_commit = group_commit;
	w->deferred = durable && group_commit;
	w->anchors = anchors;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	pthread_mutex_init(&w->sync_lock, NULL);
	pthread_cond_init(&w->sync_cond, NULL);
	pthread_mutex_init(&w->anchor_lock, NULL);
	pthread_cond_init(&w->anchor_cond, NULL);
	if (ops->connect(store, true, &w->conn, err) != LD_OK)
		goto fail_sync_objects;
	if (ops->set_sync(w->conn, !durable	      ? LD_SYNC_OFF
				   : w->deferred ? LD_SYNC_DEFERRED
						 : LD_SYNC_FULL) != LD_OK) {
		ld_fail(err, LD_EIO, NULL, "无法设置写入方式");
		goto fail_disconnect;
	}
	if (anchors && anchor_start(w, err) != LD_OK)
		goto fail_disconnect;
	if (ops->connect(store, true, &w->upkeep_conn, err) != LD_OK)
		goto fail_disconnect;
	if (anchors &&
	    pthread_create(&w->anchor_thread, NULL, anchor_main, w) != 0) {
		ld_fail(err, LD_EINTERNAL, NULL, "无法启动锚点线程");
		goto fail_upkeep_conn;
	}
	if (pthread_create(&w->syncer, NULL, syncer_main, w) != 0) {
		ld_fail(err, LD_EINTERNAL, NULL, "无法启动落盘线程");
		goto fail_anchor;
	}
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		ld_fail(err, LD_EINTERNAL, NULL, "无法启动写入线程");
		goto fail_syncer;
	}
	if (pthread_create(&w->upkeep, NULL, upkeep_main, w) != 0) {
		ld_fail(err, LD_EINTERNAL, NULL, "无法启动维护线程");
		goto fail_writer;
	}
	return w;
fail_writer:
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
fail_syncer:
	stop_syncer(w);
fail_anchor:
	if (anchors) {
		pthread_mutex_lock(&w->anchor_lock);
		w->anchor_stopping = true;
		pthread_cond_signal(&w->anchor_cond);
		pthread_mutex_unlock(&w->anchor_lock);
		pthread_join(w->anchor_thread, NULL);
	}
fail_upkeep_conn:
	ops->disconnect(w->upkeep_conn);
fail_disconnect:
	ops->disconnect(w->conn);
fail_sync_objects:
	pthread_cond_destroy(&w->anchor_cond);
	pthread_mutex_destroy(&w->anchor_lock);
	pthread_cond_destroy(&w->sync_cond);
	pthread_mutex_destroy(&w->sync_lock);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
	return NULL;
}

void ld_writer_submit(ld_writer *w, ld_write_job *job)
{
	job->next = NULL;
	atomic_fetch_add(&w->stats.queued, 1);
	pthread_mutex_lock(&w->lock);
	bool was_empty = w->head == NULL;
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	w->n_queued++;
	/* Wake the writer when it sleeps on an empty queue, or when it is
	 * gathering lazy jobs and this one cannot wait or fills the batch. */
	if ((was_empty && !w->lazy_waiting) ||
	    (w->lazy_waiting && (!job->lazy || w->n_queued >= LAZY_BATCH)))
		pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void ld_writer_stop(ld_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_join(w->upkeep, NULL);
	/* The syncer acknowledges what the writer committed last. */
	stop_syncer(w);
	if (w->anchors)
		anchor_stop(w);
	pthread_cond_destroy(&w->anchor_cond);
	pthread_mutex_destroy(&w->anchor_lock);
	pthread_cond_destroy(&w->sync_cond);
	pthread_mutex_destroy(&w->sync_lock);
	w->ops->maintain(w->upkeep_conn);
	w->ops->disconnect(w->upkeep_conn);
	w->ops->disconnect(w->conn);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

bool ld_writer_failing(const ld_writer *w)
{
	return atomic_load(&w->failing) || atomic_load(&w->halted);
}

bool ld_writer_halted(const ld_writer *w)
{
	return atomic_load(&w->halted);
}

const struct ld_writer_stats *ld_writer_stats(const ld_writer *w)
{
	return &w->stats;
}

uint64_t ld_writer_busy_us(const ld_writer *w)
{
	uint64_t now = now_us(), busy = 0;
	uint64_t since[2] = {atomic_load(&w->stats.busy_since_us),
			     atomic_load(&w->stats.sync_since_us)};
	for (int i = 0; i < 2; i++)
		if (since[i] && now > since[i] && now - since[i] > busy)
			busy = now - since[i];
	return busy;
}
