/*
 * writer.h — the one writer: every change goes through it, and concurrent
 * changes are gathered into one transaction (group commit).
 *
 * Producers (HTTP threads) submit jobs. The writer thread takes everything
 * queued, opens one transaction, runs each job under its own savepoint (a
 * failed job is rolled back alone), appends each job's audit entries to the
 * hash chain, commits — one fsync for the whole batch — and only then calls
 * each job's `done`. So a job is acknowledged only once it is durable, and
 * audit entries cost no flush of their own.
 *
 * If the commit fails, every job of the batch fails with LD_EIO.
 */
#ifndef LD_WRITER_H
#define LD_WRITER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define LD_JOB_MAX_AUDIT 4

typedef struct ld_write_job ld_write_job;

struct ld_write_job {
	ld_write_job *next; /* queue link, owned by the writer */
	/* Runs inside the transaction; NULL for audit-only jobs. */
	ld_status (*run)(ld_write_job *job, const struct ld_store_ops *ops,
			 ld_conn *c);
	/* Called once the outcome is final (in the writer thread). */
	void (*done)(ld_write_job *job);
	/* Appended after run whatever its result; a NULL result becomes "ok",
	 * or "failed" when run failed. */
	ld_audit_entry audit[LD_JOB_MAX_AUDIT];
	int n_audit;
	ld_status status;
	ld_error err;
	void *ctx; /* for run and done */
	/* Nobody waits for this job (an audit entry of a read answered
	 * already): the writer may hold it briefly to commit it together
	 * with more. */
	bool lazy;
	/* Runs in a transaction of its own: no job of the same batch writes
	 * before it (it reads through other connections too). */
	bool alone;
	/* With alone: the job reads, in its transaction, every row that what
	 * it writes refers to (once each), so the store's own check of each
	 * written row's references (SQLite's foreign keys) is switched off
	 * for that transaction. For bulk writes, where that check is about a
	 * sixth of the cost. */
	bool own_references;
};

#define LD_WRITER_HIST 12

struct ld_writer_stats {
	atomic_uint_fast64_t batches;
	atomic_uint_fast64_t jobs;
	atomic_uint_fast64_t failed_commits;
	atomic_int_fast64_t queued; /* jobs waiting now */
	/* Batch sizes: bucket i counts batches of size <= 2^i. */
	atomic_uint_fast64_t batch_size[LD_WRITER_HIST];
	/* Commit latency: bucket i counts commits of <= 2^i * 100 us. */
	atomic_uint_fast64_t commit_us[LD_WRITER_HIST];
	atomic_uint_fast64_t commit_us_sum;
	/* When (CLOCK_MONOTONIC, us) the writer began the transaction it is
	 * working on, and the syncer the flush it is waiting for; 0 when
	 * idle. */
	atomic_uint_fast64_t busy_since_us;
	atomic_uint_fast64_t sync_since_us;
};

typedef struct ld_writer ld_writer;

/*
 * Start the writer thread on its own connection. With group_commit false,
 * each job gets its own transaction (for benchmarks); with durable false,
 * commits do not fsync (benchmarks only). Returns NULL on failure.
 */
ld_writer *ld_writer_start(const struct ld_store_ops *ops, ld_store *store,
			   bool group_commit, bool durable, ld_error *err);
/*
 * The same, anchoring the audit chain in `anchors` (anchor.h; owned by the
 * caller, open until ld_writer_stop returns). First the database must be
 * the one the anchor log knows (else NULL, and err says why: the database
 * was rolled back, cut or rewritten, or the log is not its own). Then an
 * anchor thread appends a signed checkpoint of the chain's head once it is
 * on disk, at most once a second, and once more at stop; the database
 * records which anchor record it has seen. Before each transaction the
 * writer checks that the chain's head is the one it committed last: a
 * chain extended by someone else is accepted only when a recent anchor
 * record vouches for its new head (another liudong command anchored what
 * it wrote); otherwise the writer halts and every job fails with LD_EIO.
 */
struct ld_anchor_log;
ld_writer *ld_writer_start_anchored(const struct ld_store_ops *ops,
				    ld_store *store, bool group_commit,
				    bool durable, struct ld_anchor_log *anchors,
				    ld_error *err);
/* Queue a job; it must stay valid until its done callback. */
void ld_writer_submit(ld_writer *w, ld_write_job *job);
/* Finish queued jobs and stop the thread. */
void ld_writer_stop(ld_writer *w);
const struct ld_writer_stats *ld_writer_stats(const ld_writer *w);
/* Whether the last transaction failed to commit (cleared by the next one
 * that succeeds), or the writer has halted. */
bool ld_writer_failing(const ld_writer *w);
/* How long (us) the writer has been on its current transaction, or the
 * syncer on its current flush, whichever is longer; 0 when both are idle.
 * A large value means the writer is stuck (readiness, h_meta.c). */
uint64_t ld_writer_busy_us(const ld_writer *w);
/* Whether the writer has stopped for good: the database was written by
 * someone else (see ld_writer_start_anchored). */
bool ld_writer_halted(const ld_writer *w);

/* Run jobs as one transaction on connection c in the calling thread (the
 * command line's path; also the writer's own). Calls each done. */
void ld_write_batch(const struct ld_store_ops *ops, ld_conn *c,
		    ld_write_job *jobs);

#endif
