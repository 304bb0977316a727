/*
 * upload_worker.c — the uploads' own thread (upload_worker.h): the checks
 * of previews, in the order they come, and the expiry of unconfirmed
 * uploads. Everything it finds goes back to the loop that asked, as a
 * message; every change goes through the writer.
 */
#include "http/upload_worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/audit.h"

/* Expired uploads dropped per sweep; more wait for the next one. */
#define SWEEP_MAX 64

struct ld_upload_worker {
	struct ld_server *srv;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* a task queued, an expiry done, or stop */
	struct ld_upload_task *head, *tail;
	int queued;
	bool stopping;
	atomic_bool cancel; /* read by the check running */
	int expiries;	    /* expiry jobs in the writer */
	ld_conn *reader;
};

/* ---- tasks ----------------------------------------------------------- */

/* On the loop thread: hand the task to its done. */
static void task_finished(struct ld_msg *m)
{
	struct ld_upload_task *t =
		H2O_STRUCT_FROM_MEMBER(struct ld_upload_task, msg, m);
	if (t->r)
		t->r->watch = NULL;
	/* Delivered after the writer stopped (the loop's last messages):
	 * nothing more can be written. */
	if (!t->th->srv->writer)
		t->cancelled = true;
	t->done(t);
}

bool ld_upload_submit(struct ld_req *r, struct ld_upload_task *t)
{
	struct ld_upload_worker *w = r->srv->uploads;
	if (!w)
		return false;
	t->next = NULL;
	t->th = r->th;
	t->r = r;
	t->cancelled = false;
	t->msg.fn = task_finished;
	pthread_mutex_lock(&w->lock);
	bool queued = !w->stopping && w->queued < LD_UPLOAD_QUEUE_MAX;
	if (queued) {
		if (w->tail)
			w->tail->next = t;
		else
			w->head = t;
		w->tail = t;
		w->queued++;
		r->watch = &t->r;
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return queued;
}

/* With the lock held: the next task, or NULL. */
static struct ld_upload_task *take(struct ld_upload_worker *w)
{
	struct ld_upload_task *t = w->head;
	if (t) {
		w->head = t->next;
		if (!w->head)
			w->tail = NULL;
		w->queued--;
	}
	return t;
}

static void give_back(struct ld_upload_task *t)
{
	h2o_multithread_send_message(&t->th->receiver, &t->msg.super);
}

/* ---- expiry ---------------------------------------------------------- */

struct expiry {
	ld_write_job job;
	struct ld_upload_worker *w;
	ld_id id;
	char at[32];
	char target[32];
};

static ld_status expiry_run(ld_write_job *job, const struct ld_store_ops *ops,
			    ld_conn *c)
{
	struct expiry *e = job->ctx;
	ld_status rc = ops->upload_drop(c, e->id, "expired", e->at);
	if (rc == LD_ECONFLICT) {
		/* Confirmed or discarded meanwhile: nothing to record. */
		job->n_audit = 0;
		return LD_OK;
	}
	return rc;
}

/* In the writer (or its syncer): one expiry is over. */
static void expiry_done(ld_write_job *job)
{
	struct expiry *e = job->ctx;
	struct ld_upload_worker *w = e->w;
	if (job->status != LD_OK)
		fprintf(stderr, "liudong: 上传 %lld 过期删除失败（下次重试）\n",
			(long long)e->id);
	free(e);
	pthread_mutex_lock(&w->lock);
	w->expiries--;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Drop what is past its expiry: each upload in a write job of its own,
 * audited as the system's doing. */
static void sweep(struct ld_upload_worker *w)
{
	const struct ld_store_ops *ops = w->srv->ops;
	ld_arena ar;
	ld_arena_init_sized(&ar, 0, 1024);
	ld_id *ids = NULL;
	size_t n = 0;
	ops->read_begin(w->reader);
	ld_status rc = ops->uploads_expired(w->reader, (int64_t)time(NULL),
					    SWEEP_MAX, &ar, &ids, &n);
	ops->read_end(w->reader);
	if (rc != LD_OK)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct expiry *e = calloc(1, sizeof *e);
		if (!e)
			break;
		e->w = w;
		e->id = ids[i];
		ld_audit_now(e->at);
		snprintf(e->target, sizeof e->target, "upload:%lld",
			 (long long)e->id);
		e->job.run = expiry_run;
		e->job.done = expiry_done;
		e->job.ctx = e;
		e->job.lazy = true; /* nobody waits for it */
		e->job.n_audit = 1;
		e->job.audit[0] = (ld_audit_entry){
			.user_id = 0,
			.username = "system",
			.action = "upload:expire",
			.target = e->target,
			.reason = "",
			.detail = "",
		};
		pthread_mutex_lock(&w->lock);
		w->expiries++;
		pthread_mutex_unlock(&w->lock);
		ld_writer_submit(w->srv->writer, &e->job);
	}
	ld_arena_release(&ar);
}

/* ---- the thread ------------------------------------------------------ */

static int64_t monotonic_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void *worker_main(void *arg)
{
	struct ld_upload_worker *w = arg;
	const struct ld_store_ops *ops = w->srv->ops;
	/* Often enough that an upload is dropped soon after its expiry,
	 * at least once a minute. */
	int64_t period = w->srv->cfg.upload_expiry_s / 4;
	if (period < 1)
		period = 1;
	if (period > 60)
		period = 60;
	int64_t next_sweep = 0; /* at start */
	pthread_mutex_lock(&w->lock);
	while (!w->stopping) {
		if (monotonic_s() >= next_sweep) {
			pthread_mutex_unlock(&w->lock);
			sweep(w);
			next_sweep = monotonic_s() + period;
			pthread_mutex_lock(&w->lock);
			continue;
		}
		struct ld_upload_task *t = take(w);
		if (t) {
			pthread_mutex_unlock(&w->lock);
			ops->read_begin(w->reader);
			t->run(t, w->reader, &w->cancel);
			ops->read_end(w->reader);
			give_back(t);
			pthread_mutex_lock(&w->lock);
			continue;
		}
		struct timespec until = {.tv_sec = (time_t)next_sweep};
		pthread_cond_timedwait(&w->cond, &w->lock, &until);
	}
	/* Stopping: what is queued goes back unchecked; expiries in the
	 * writer are waited for (it still runs). */
	for (struct ld_upload_task *t; (t = take(w));) {
		t->cancelled = true;
		give_back(t);
	}
	while (w->expiries > 0)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int ld_upload_worker_start(struct ld_server *srv)
{
	struct ld_upload_worker *w = calloc(1, sizeof *w);
	if (!w)
		return -1;
	w->srv = srv;
	ld_error err = {0};
	if (srv->ops->connect(srv->store, false, &w->reader, &err) != LD_OK) {
		fprintf(stderr, "liudong: %s\n", err.message);
		free(w);
		return -1;
	}
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&w->lock, NULL);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		fprintf(stderr, "liudong: 无法启动上传检查线程\n");
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		srv->ops->disconnect(w->reader);
		free(w);
		return -1;
	}
	srv->uploads = w;
	return 0;
}

void ld_upload_worker_stop(struct ld_server *srv)
{
	struct ld_upload_worker *w = srv->uploads;
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	atomic_store(&w->cancel, true);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	srv->ops->disconnect(w->reader);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
	srv->uploads = NULL;
}
