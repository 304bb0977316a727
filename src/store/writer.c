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

struct ld_writer {
	const struct ld_store_ops *ops;
	ld_conn *conn;
	bool group_commit;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	ld_write_job *head, *tail;
	bool stopping;
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
 * Run one job under its own savepoint, then append its audit entries outside
 * that savepoint, so a refused or failed action is still recorded. A
 * database error here fails the whole batch (the caller rolls back).
 */
static ld_status run_job(const struct ld_store_ops *ops, ld_conn *c,
			 ld_write_job *j)
{
	j->status = LD_OK;
	if (ops->savepoint(c) != LD_OK)
		return LD_EIO;
	if (j->run)
		j->status = j->run(j, ops, c);
	if (j->status != LD_OK && ops->rollback_to(c) != LD_OK)
		return LD_EIO;
	if (ops->release(c) != LD_OK)
		return LD_EIO;
	for (int i = 0; i < j->n_audit; i++)
		if (!j->audit[i].result)
			j->audit[i].result = j->status == LD_OK ? "ok" : "failed";
	if (j->n_audit && ld_audit_append(ops, c, j->audit, j->n_audit) != LD_OK)
		return LD_EIO;
	return LD_OK;
}

void ld_write_batch(const struct ld_store_ops *ops, ld_conn *c,
		    ld_write_job *jobs)
{
	ld_status rc = ops->begin(c);
	for (ld_write_job *j = jobs; rc == LD_OK && j; j = j->next)
		rc = run_job(ops, c, j);
	if (rc == LD_OK)
		rc = ops->commit(c);
	if (rc != LD_OK) {
		ops->rollback(c);
		for (ld_write_job *j = jobs; j; j = j->next) {
			j->status = LD_EIO;
			ld_fail(&j->err, LD_EIO, NULL, "数据库写入失败，请稍后重试");
		}
	}
	/* done may free the job: read next first. */
	for (ld_write_job *j = jobs, *next; j; j = next) {
		next = j->next;
		if (j->done)
			j->done(j);
	}
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
		ld_write_job *batch = w->head;
		if (w->group_commit) {
			w->head = w->tail = NULL;
		} else {
			w->head = batch->next;
			if (!w->head)
				w->tail = NULL;
			batch->next = NULL;
		}
		pthread_mutex_unlock(&w->lock);

		uint64_t n = 0;
		for (ld_write_job *j = batch; j; j = j->next)
			n++;
		atomic_fetch_sub(&w->stats.queued, (int_fast64_t)n);
		uint64_t t0 = now_us();
		ld_write_batch(w->ops, w->conn, batch);
		uint64_t dt = now_us() - t0;
		atomic_fetch_add(&w->stats.batches, 1);
		atomic_fetch_add(&w->stats.jobs, n);
		atomic_fetch_add(&w->stats.batch_size[bucket(n, 1)], 1);
		atomic_fetch_add(&w->stats.commit_us[bucket(dt, 100)], 1);
		atomic_fetch_add(&w->stats.commit_us_sum, dt);
	}
	return NULL;
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
	w->group_commit = group_commit;
	if (ops->connect(store, true, &w->conn, err) != LD_OK)
		goto fail_free;
	if (!durable && ops->set_durable(w->conn, false) != LD_OK)
		goto fail_disconnect;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		ld_fail(err, LD_EINTERNAL, NULL, "无法启动写入线程");
		goto fail_sync;
	}
	return w;
fail_sync:
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
fail_disconnect:
	ops->disconnect(w->conn);
fail_free:
	free(w);
	return NULL;
}

void ld_writer_submit(ld_writer *w, ld_write_job *job)
{
	job->next = NULL;
	atomic_fetch_add(&w->stats.queued, 1);
	pthread_mutex_lock(&w->lock);
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
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
	w->ops->disconnect(w->conn);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

const struct ld_writer_stats *ld_writer_stats(const ld_writer *w)
{
	return &w->stats;
}
