/*
 * writer.c — the group-commit writer thread.
 */
#include "store/writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/audit.h"

/* Internal: a job failed in an optimistic batch; run the batch again with
 * a savepoint per job. Never returned to callers. */
#define LD_EAGAIN_BATCH ((ld_status)1000)

#define LAZY_WAIT_US 2000
#define LAZY_BATCH 256

/* Committed batches waiting for the log to reach the disk. */
struct synced_batch {
	struct synced_batch *next;
	ld_write_job *jobs;
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
};

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

static void fail_jobs(ld_write_job *jobs)
{
	for (ld_write_job *j = jobs; j; j = j->next) {
		j->status = LD_EIO;
		ld_fail(&j->err, LD_EIO, NULL, "数据库写入失败，请稍后重试");
	}
}

static ld_status try_batch(const struct ld_store_ops *ops, ld_conn *c,
			   ld_write_job *jobs, bool careful)
{
	ld_audit_head head = {.loaded = false};
	ld_status rc = ops->begin(c);
	for (ld_write_job *j = jobs; rc == LD_OK && j; j = j->next)
		rc = run_job(ops, c, &head, j, careful);
	if (rc == LD_OK)
		rc = ops->commit(c);
	if (rc != LD_OK)
		ops->rollback(c);
	return rc;
}

/* A batch of one job that failed (and was rolled back): record its audit
 * entries as failed, without running it again. */
static ld_status record_failure(const struct ld_store_ops *ops, ld_conn *c,
				ld_write_job *j)
{
	ld_audit_head head = {.loaded = false};
	for (int i = 0; i < j->n_audit; i++)
		if (!j->audit[i].result)
			j->audit[i].result = "failed";
	ld_status rc = ops->begin(c);
	if (rc == LD_OK && j->n_audit)
		rc = ld_audit_append(ops, c, &head, j->audit, j->n_audit);
	if (rc == LD_OK)
		rc = ops->commit(c);
	if (rc != LD_OK)
		ops->rollback(c);
	return rc;
}

/* Commit jobs as one transaction: optimistically first; if a job fails,
 * again with a savepoint per job, or, when it was the only one, just its
 * audit entries (an upload's confirmation is not checked twice to be
 * refused). On failure every job is marked failed. */
static ld_status commit_jobs(const struct ld_store_ops *ops, ld_conn *c,
			     ld_write_job *jobs)
{
	bool own = jobs->alone && jobs->own_references && !jobs->next;
	if (own && ops->foreign_keys(c, false) != LD_OK) {
		fail_jobs(jobs);
		return LD_EIO;
	}
	ld_status rc = try_batch(ops, c, jobs, false);
	if (rc == LD_EAGAIN_BATCH)
		rc = jobs->next ? try_batch(ops, c, jobs, true)
				: record_failure(ops, c, jobs);
	/* Not in a transaction here, so this does not fail; were it to, the
	 * writer waits rather than write anything unchecked. */
	for (bool told = false; own && ops->foreign_keys(c, true) != LD_OK;
	     told = true) {
		if (!told)
			fprintf(stderr, "liudong: 无法恢复外键检查 cannot turn "
					"foreign keys back on; retrying\n");
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
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
	commit_jobs(ops, c, jobs);
	finish_jobs(jobs);
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
		finish_jobs(jobs);
		return;
	}
	b->next = NULL;
	b->jobs = jobs;
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
		ld_status rc = commit_jobs(w->ops, w->conn, batch);
		atomic_store(&w->stats.busy_since_us, 0);
		uint64_t dt = now_us() - t0;
		if (rc != LD_OK) {
			atomic_fetch_add(&w->stats.failed_commits, 1);
			fprintf(stderr, "liudong: 写入失败 commit failed (%s)\n",
				ld_strerror(rc));
		}
		atomic_store(&w->failing, rc != LD_OK);
		if (rc == LD_OK && w->deferred)
			sync_enqueue(w, batch);
		else
			finish_jobs(batch);
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

ld_writer *ld_writer_start(const struct ld_store_ops *ops, ld_store *store,
			   bool group_commit, bool durable, ld_error *err)
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
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	pthread_mutex_init(&w->sync_lock, NULL);
	pthread_cond_init(&w->sync_cond, NULL);
	if (ops->connect(store, true, &w->conn, err) != LD_OK)
		goto fail_sync_objects;
	if (ops->set_sync(w->conn, !durable	      ? LD_SYNC_OFF
				   : w->deferred ? LD_SYNC_DEFERRED
						 : LD_SYNC_FULL) != LD_OK) {
		ld_fail(err, LD_EIO, NULL, "无法设置写入方式");
		goto fail_disconnect;
	}
	if (ops->connect(store, true, &w->upkeep_conn, err) != LD_OK)
		goto fail_disconnect;
	if (pthread_create(&w->syncer, NULL, syncer_main, w) != 0) {
		ld_fail(err, LD_EINTERNAL, NULL, "无法启动落盘线程");
		goto fail_upkeep_conn;
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
fail_upkeep_conn:
	ops->disconnect(w->upkeep_conn);
fail_disconnect:
	ops->disconnect(w->conn);
fail_sync_objects:
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
	return atomic_load(&w->failing);
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
