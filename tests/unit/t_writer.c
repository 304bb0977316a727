/*
 * t_writer.c — the group-commit writer: one batch on a direct connection
 * (a failed job is undone alone, its refusal still audited), the writer
 * thread fed from several threads, lazy jobs, and injected faults: a store
 * whose commit, log sync or connect fails on its Nth call (SQLite's crash
 * tests, curl's torture mode). Outcomes are checked, not the mechanism.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/store.h"
#include "store/writer.h"
#include "tmpdir.h"

/* ---- fixture -------------------------------------------------------- */

struct fx {
	char dir[64];
	const struct ld_store_ops *ops;
	ld_store *store;
	ld_conn *c; /* a writer connection for ld_write_batch */
	ld_conn *r; /* a reader: sees only what is committed */
	ld_arena ar;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/ld_t_writer_XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	f->ops = ld_store_find("sqlite");
	ld_error err = {0};
	if (!f->ops || f->ops->open(f->dir, &f->store, &err) != LD_OK ||
	    f->ops->connect(f->store, true, &f->c, &err) != LD_OK ||
	    f->ops->connect(f->store, false, &f->r, &err) != LD_OK) {
		fprintf(stderr, "setup: %s\n", err.message);
		if (f->c)
			f->ops->disconnect(f->c);
		if (f->store)
			f->ops->close(f->store);
		remove_dir(f->dir);
		free(f);
		return -1;
	}
	ld_arena_init(&f->ar, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	f->ops->disconnect(f->r);
	f->ops->disconnect(f->c);
	f->ops->close(f->store);
	ld_arena_release(&f->ar);
	remove_dir(f->dir);
	free(f);
	return 0;
}

/* Close and open the store again, as after a restart. */
static void reopen(struct fx *f)
{
	ld_error err = {0};
	f->ops->disconnect(f->r);
	f->ops->disconnect(f->c);
	f->ops->close(f->store);
	assert_int_equal(f->ops->open(f->dir, &f->store, &err), LD_OK);
	assert_int_equal(f->ops->connect(f->store, true, &f->c, &err), LD_OK);
	assert_int_equal(f->ops->connect(f->store, false, &f->r, &err), LD_OK);
}

static bool person_exists(struct fx *f, const char *idn)
{
	ld_person p;
	ld_status rc = f->ops->person_by_id_number(f->r, idn, &f->ar, &p);
	assert_true(rc == LD_OK || rc == LD_ENOTFOUND);
	return rc == LD_OK;
}

static void counts(struct fx *f, int64_t *persons, int64_t *audit)
{
	int64_t active;
	assert_int_equal(f->ops->counts(f->r, persons, &active, audit), LD_OK);
}

static void chain_intact(struct fx *f, int64_t entries)
{
	ld_audit_report r;
	assert_int_equal(ld_audit_verify(f->ops, f->r, &r), LD_OK);
	assert_int_equal(r.bad_seq, 0);
	assert_int_equal(r.entries, entries);
}

/* ---- jobs ----------------------------------------------------------- */

/* A job that inserts a person, then returns `ret`; fail_first returns
 * `ret` without writing. */
struct pjob {
	ld_write_job job;
	char idn[32];
	ld_status ret;
	bool fail_first;
	int runs;
	int dones;
	/* Set by done: whether the row was visible to another connection
	 * when the job was acknowledged. */
	bool seen_at_done;
	struct fx *f; /* for done's look, on the test's thread only */
};

static ld_status run_insert(ld_write_job *j, const struct ld_store_ops *ops,
                            ld_conn *c)
{
	struct pjob *p = j->ctx;
	p->runs++;
	if (p->fail_first)
		return p->ret;
	ld_person per = {
	    .id_number = p->idn,
	    .name = "测试",
	    .sex = "female",
	    .ethnicity = "01",
	    .birth = "1995-05-05",
	    .hukou_code = "370102",
	    .created_at = "2025-01-01T00:00:00Z",
	};
	ld_status rc = ops->person_insert(c, &per);
	return rc != LD_OK ? rc : p->ret;
}

static void done_count(ld_write_job *j)
{
	struct pjob *p = j->ctx;
	p->dones++;
	if (p->f)
		p->seen_at_done = person_exists(p->f, p->idn);
}

static void pjob_init(struct pjob *p, const char *idn, ld_status ret,
                      struct fx *f)
{
	memset(p, 0, sizeof *p);
	snprintf(p->idn, sizeof p->idn, "%s", idn);
	p->ret = ret;
	p->f = f;
	p->job.run = run_insert;
	p->job.done = done_count;
	p->job.ctx = p;
	p->job.status = (ld_status)-1;
	p->job.audit[0] = (ld_audit_entry){
	    .username = "clerk",
	    .user_id = 0,
	    .action = "person.create",
	    .target = p->idn,
	};
	p->job.n_audit = 1;
}

static ld_write_job *chain(struct pjob *jobs, int n)
{
	for (int i = 0; i < n; i++)
		jobs[i].job.next = i + 1 < n ? &jobs[i + 1].job : NULL;
	return &jobs[0].job;
}

/* The audit entries, oldest first. */
static size_t audit_entries(struct fx *f, ld_audit_entry **out)
{
	ld_audit_entry *list;
	size_t n;
	assert_int_equal(f->ops->audit_list(f->r, NULL, 0, (ld_page){0, 1000},
	                                    &f->ar, &list, &n),
	                 LD_OK);
	for (size_t i = 0; i < n / 2; i++) {
		ld_audit_entry t = list[i];
		list[i] = list[n - 1 - i];
		list[n - 1 - i] = t;
	}
	*out = list;
	return n;
}

/* ---- one batch on a direct connection --------------------------------- */

static void batch_middle_job_fails(void **state)
{
	struct fx *f = *state;
	struct pjob j[3];
	pjob_init(&j[0], "A", LD_OK, f);
	pjob_init(&j[1], "B", LD_EINVAL, f); /* writes, then fails */
	pjob_init(&j[2], "C", LD_OK, f);
	ld_write_batch(f->ops, f->c, chain(j, 3));

	assert_int_equal(j[0].job.status, LD_OK);
	assert_int_equal(j[1].job.status, LD_EINVAL);
	assert_int_equal(j[2].job.status, LD_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(j[i].dones, 1);
	/* Run again, each under a savepoint, once one failed. */
	assert_int_equal(j[0].runs, 2);
	assert_int_equal(j[1].runs, 2);
	/* Acknowledged only once committed. */
	assert_true(j[0].seen_at_done);
	assert_true(j[2].seen_at_done);
	assert_false(j[1].seen_at_done);

	assert_true(person_exists(f, "A"));
	assert_false(person_exists(f, "B"));
	assert_true(person_exists(f, "C"));
	int64_t np, nau;
	counts(f, &np, &nau);
	assert_int_equal(np, 2);
	assert_int_equal(nau, 3);

	/* Every job audited, in order, the failed one as failed. */
	ld_audit_entry *e;
	assert_int_equal(audit_entries(f, &e), 3);
	assert_string_equal(e[0].target, "A");
	assert_string_equal(e[0].result, "ok");
	assert_string_equal(e[1].target, "B");
	assert_string_equal(e[1].result, "failed");
	assert_string_equal(e[2].target, "C");
	assert_string_equal(e[2].result, "ok");
	assert_string_equal(e[1].action, "person.create");
	chain_intact(f, 3);
}

/* The failing job first, last, and alone; several failing together. */
static void batch_failures_anywhere(void **state)
{
	struct fx *f = *state;
	struct pjob j[5];
	pjob_init(&j[0], "F1", LD_ECONFLICT, f);
	pjob_init(&j[1], "K1", LD_OK, f);
	pjob_init(&j[2], "F2", LD_EINVAL, f);
	j[2].fail_first = true; /* fails before writing */
	pjob_init(&j[3], "K2", LD_OK, f);
	pjob_init(&j[4], "F3", LD_EINTERNAL, f);
	ld_write_batch(f->ops, f->c, chain(j, 5));
	assert_int_equal(j[0].job.status, LD_ECONFLICT);
	assert_int_equal(j[1].job.status, LD_OK);
	assert_int_equal(j[2].job.status, LD_EINVAL);
	assert_int_equal(j[3].job.status, LD_OK);
	assert_int_equal(j[4].job.status, LD_EINTERNAL);
	for (int i = 0; i < 5; i++)
		assert_int_equal(j[i].dones, 1);
	assert_false(person_exists(f, "F1"));
	assert_true(person_exists(f, "K1"));
	assert_false(person_exists(f, "F2"));
	assert_true(person_exists(f, "K2"));
	assert_false(person_exists(f, "F3"));
	ld_audit_entry *e;
	assert_int_equal(audit_entries(f, &e), 5);
	const char *want[] = {"failed", "ok", "failed", "ok", "failed"};
	for (int i = 0; i < 5; i++) {
		assert_string_equal(e[i].target, j[i].idn);
		assert_string_equal(e[i].result, want[i]);
	}
	chain_intact(f, 5);
}

/* A job whose run fails after writing leaves no row, alone in its batch. */
static void batch_failed_job_leaves_no_row(void **state)
{
	struct fx *f = *state;
	struct pjob j;
	pjob_init(&j, "W", LD_EINVAL, f);
	j.job.n_audit = 0;
	j.job.next = NULL;
	ld_write_batch(f->ops, f->c, &j.job);
	assert_int_equal(j.job.status, LD_EINVAL);
	assert_int_equal(j.dones, 1);
	assert_int_equal(j.runs, 1); /* alone: not run a second time */
	assert_false(person_exists(f, "W"));
	int64_t np, nau;
	counts(f, &np, &nau);
	assert_int_equal(np, 0);
	assert_int_equal(nau, 0);

	/* The connection is usable afterwards: no transaction left open. */
	pjob_init(&j, "W", LD_OK, f);
	j.job.next = NULL;
	ld_write_batch(f->ops, f->c, &j.job);
	assert_int_equal(j.job.status, LD_OK);
	assert_true(person_exists(f, "W"));
	assert_true(j.seen_at_done);
}

/* A job that fails alone in its batch runs once; its audit entry is
 * still recorded, as failed, and the chain stays whole. */
static void batch_lone_failure_audited(void **state)
{
	struct fx *f = *state;
	struct pjob j;
	pjob_init(&j, "L", LD_ECONFLICT, f);
	j.job.next = NULL;
	ld_write_batch(f->ops, f->c, &j.job);
	assert_int_equal(j.job.status, LD_ECONFLICT);
	assert_int_equal(j.runs, 1);
	assert_int_equal(j.dones, 1);
	assert_false(person_exists(f, "L"));
	ld_audit_entry *e;
	assert_int_equal(audit_entries(f, &e), 1);
	assert_string_equal(e[0].target, "L");
	assert_string_equal(e[0].result, "failed");
	chain_intact(f, 1);
}

/* A job with no run records its audit entries only. A result given by the
 * job is kept. */
static void batch_audit_only(void **state)
{
	struct fx *f = *state;
	struct pjob j[3];
	pjob_init(&j[0], "R1", LD_OK, f);
	j[0].job.run = NULL;
	j[0].job.audit[1] = (ld_audit_entry){.username = "auditor",
	                                     .action = "audit.read",
	                                     .target = "audit",
	                                     .result = "denied"};
	j[0].job.n_audit = 2;
	pjob_init(&j[1], "R2", LD_EINVAL, f); /* fails, result given */
	j[1].job.audit[0].result = "denied";
	pjob_init(&j[2], "R3", LD_OK, f);
	j[2].job.run = NULL;
	j[2].job.done = NULL; /* nobody to tell */
	ld_write_batch(f->ops, f->c, chain(j, 3));
	assert_int_equal(j[0].job.status, LD_OK);
	assert_int_equal(j[0].dones, 1);
	assert_int_equal(j[1].job.status, LD_EINVAL);
	assert_int_equal(j[1].dones, 1);
	assert_int_equal(j[2].job.status, LD_OK);
	assert_int_equal(j[2].dones, 0);
	int64_t np, nau;
	counts(f, &np, &nau);
	assert_int_equal(np, 0);
	assert_int_equal(nau, 4);
	ld_audit_entry *e;
	assert_int_equal(audit_entries(f, &e), 4);
	assert_string_equal(e[0].target, "R1");
	assert_string_equal(e[0].result, "ok");
	assert_string_equal(e[1].action, "audit.read");
	assert_string_equal(e[1].result, "denied");
	assert_string_equal(e[2].target, "R2");
	assert_string_equal(e[2].result, "denied");
	assert_string_equal(e[3].target, "R3");
	assert_string_equal(e[3].result, "ok");
	/* One transaction: one time stamp. */
	assert_string_equal(e[0].at, e[3].at);
	chain_intact(f, 4);
}

/* ---- fault injection: a store that fails its Nth call ----------------- */

static struct ld_store_ops faulty;
static atomic_int commit_calls, commit_fail_at;
static atomic_int sync_calls, sync_fail_at;
static atomic_int connect_calls, connect_fail_at;

static ld_status faulty_commit(ld_conn *c)
{
	int n = atomic_fetch_add(&commit_calls, 1) + 1;
	if (n == atomic_load(&commit_fail_at))
		return LD_EIO; /* the transaction stays open, as SQLite's does
		                */
	return ld_store_sqlite.commit(c);
}

static ld_status faulty_log_sync(ld_store *s)
{
	int n = atomic_fetch_add(&sync_calls, 1) + 1;
	if (n == atomic_load(&sync_fail_at))
		return LD_EIO;
	return ld_store_sqlite.log_sync(s);
}

static ld_status faulty_connect(ld_store *s, bool writer, ld_conn **out,
                                ld_error *err)
{
	int n = atomic_fetch_add(&connect_calls, 1) + 1;
	if (n == atomic_load(&connect_fail_at))
		return ld_fail(err, LD_EIO, "data", "injected");
	return ld_store_sqlite.connect(s, writer, out, err);
}

static void faulty_init(void)
{
	faulty = ld_store_sqlite;
	faulty.commit = faulty_commit;
	faulty.log_sync = faulty_log_sync;
	faulty.connect = faulty_connect;
	atomic_store(&commit_calls, 0);
	atomic_store(&commit_fail_at, 0);
	atomic_store(&sync_calls, 0);
	atomic_store(&sync_fail_at, 0);
	atomic_store(&connect_calls, 0);
	atomic_store(&connect_fail_at, 0);
}

static void batch_commit_fails(void **state)
{
	struct fx *f = *state;
	faulty_init();
	atomic_store(&commit_fail_at, 1);
	struct pjob j[3];
	pjob_init(&j[0], "X1", LD_OK, f);
	pjob_init(&j[1], "X2", LD_OK, f);
	pjob_init(&j[2], "X3", LD_OK, f);
	j[2].job.run = NULL; /* audit only */
	ld_write_batch(&faulty, f->c, chain(j, 3));
	assert_int_equal(atomic_load(&commit_calls), 1);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(j[i].job.status, LD_EIO);
		assert_int_equal(j[i].job.err.code, LD_EIO);
		assert_true(strlen(j[i].job.err.message) > 0);
		assert_int_equal(j[i].dones, 1);
		assert_false(j[i].seen_at_done);
	}
	int64_t np, nau;
	counts(f, &np, &nau);
	assert_int_equal(np, 0);
	assert_int_equal(nau, 0);

	/* The next batch commits; the chain has no gap where the failed
	 * batch was. */
	struct pjob k[2];
	pjob_init(&k[0], "Y1", LD_OK, f);
	pjob_init(&k[1], "Y2", LD_OK, f);
	ld_write_batch(&faulty, f->c, chain(k, 2));
	assert_int_equal(k[0].job.status, LD_OK);
	assert_int_equal(k[1].job.status, LD_OK);
	assert_true(person_exists(f, "Y1"));
	assert_false(person_exists(f, "X1"));
	ld_audit_entry *e;
	assert_int_equal(audit_entries(f, &e), 2);
	assert_int_equal(e[0].seq, 1);
	assert_string_equal(e[0].target, "Y1");
	chain_intact(f, 2);
}

/* A job fails, the batch is run again job by job, and that commit fails:
 * every job of the batch fails, the good ones included. */
static void batch_commit_fails_after_job_failure(void **state)
{
	struct fx *f = *state;
	faulty_init();
	struct pjob j[3];
	pjob_init(&j[0], "G1", LD_OK, f);
	pjob_init(&j[1], "B1", LD_EINVAL, f);
	pjob_init(&j[2], "G2", LD_OK, f);
	/* Fail whichever commit the batch reaches first. */
	atomic_store(&commit_fail_at, 1);
	ld_write_batch(&faulty, f->c, chain(j, 3));
	assert_true(atomic_load(&commit_calls) >= 1);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(j[i].job.status, LD_EIO);
		assert_int_equal(j[i].dones, 1);
	}
	int64_t np, nau;
	counts(f, &np, &nau);
	assert_int_equal(np, 0);
	assert_int_equal(nau, 0);
	chain_intact(f, 0);
}

/* ---- the writer thread ------------------------------------------------ */

struct waiter {
	pthread_mutex_t m;
	pthread_cond_t cv;
	int done;
};

struct tjob {
	ld_write_job job;
	char idn[32];
	ld_status ret;
	struct waiter *w;
	atomic_int dones;
};

static ld_status run_insert_t(ld_write_job *j, const struct ld_store_ops *ops,
                              ld_conn *c)
{
	struct tjob *t = j->ctx;
	ld_person per = {
	    .id_number = t->idn,
	    .name = "线程",
	    .sex = "male",
	    .ethnicity = "03",
	    .birth = "1988-08-08",
	    .hukou_code = "370103",
	    .created_at = "2025-01-01T00:00:00Z",
	};
	ld_status rc = ops->person_insert(c, &per);
	return rc != LD_OK ? rc : t->ret;
}

static void done_signal(ld_write_job *j)
{
	struct tjob *t = j->ctx;
	atomic_fetch_add(&t->dones, 1);
	pthread_mutex_lock(&t->w->m);
	t->w->done++;
	pthread_cond_broadcast(&t->w->cv);
	pthread_mutex_unlock(&t->w->m);
}

static void tjob_init(struct tjob *t, int i, struct waiter *w)
{
	memset(t, 0, sizeof *t);
	snprintf(t->idn, sizeof t->idn, "T%05d", i);
	t->w = w;
	t->job.run = run_insert_t;
	t->job.done = done_signal;
	t->job.ctx = t;
	t->job.status = (ld_status)-1;
	t->job.audit[0] = (ld_audit_entry){
	    .username = "clerk",
	    .action = "person.create",
	    .target = t->idn,
	};
	t->job.n_audit = 1;
}

/* Wait until `n` jobs are done; false after 60 s. */
static bool wait_done(struct waiter *w, int n)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	pthread_mutex_lock(&w->m);
	int rc = 0;
	while (w->done < n && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&w->cv, &w->m, &until);
	bool ok = w->done >= n;
	pthread_mutex_unlock(&w->m);
	return ok;
}

/* The statistics are updated after the done callbacks: wait for them. */
static bool wait_stats_jobs(const struct ld_writer_stats *st, uint64_t n)
{
	for (int i = 0; i < 60000; i++) {
		if (atomic_load(&st->jobs) >= n)
			return true;
		struct timespec ts = {0, 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return false;
}

struct producer {
	ld_writer *w;
	struct tjob *jobs;
	int n;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	for (int i = 0; i < p->n; i++)
		ld_writer_submit(p->w, &p->jobs[i].job);
	return NULL;
}

#define N_THREADS 4
#define N_JOBS 200

static void run_threaded(struct fx *f, bool group, int fail_every)
{
	struct waiter wt = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	                    0};
	struct tjob *jobs = calloc(N_JOBS, sizeof *jobs);
	assert_non_null(jobs);
	for (int i = 0; i < N_JOBS; i++) {
		tjob_init(&jobs[i], i, &wt);
		if (fail_every && i % fail_every == 0)
			jobs[i].ret = LD_EINVAL;
	}
	ld_error err = {0};
	ld_writer *w = ld_writer_start(f->ops, f->store, group, true, &err);
	assert_non_null(w);
	const struct ld_writer_stats *st = ld_writer_stats(w);

	pthread_t th[N_THREADS];
	struct producer pr[N_THREADS];
	for (int t = 0; t < N_THREADS; t++) {
		pr[t] = (struct producer){w, jobs + t * (N_JOBS / N_THREADS),
		                          N_JOBS / N_THREADS};
		assert_int_equal(pthread_create(&th[t], NULL, produce, &pr[t]),
		                 0);
	}
	for (int t = 0; t < N_THREADS; t++)
		pthread_join(th[t], NULL);
	assert_true(wait_done(&wt, N_JOBS));
	assert_true(wait_stats_jobs(st, N_JOBS));

	assert_int_equal(atomic_load(&st->jobs), N_JOBS);
	uint64_t batches = atomic_load(&st->batches);
	assert_true(batches >= 1);
	assert_true(batches <= N_JOBS);
	if (!group)
		assert_int_equal(batches, N_JOBS);
	assert_int_equal(atomic_load(&st->failed_commits), 0);
	assert_int_equal(atomic_load(&st->queued), 0);
	uint64_t hist = 0;
	for (int i = 0; i < LD_WRITER_HIST; i++)
		hist += atomic_load(&st->batch_size[i]);
	assert_int_equal(hist, batches);
	assert_false(ld_writer_failing(w));
	ld_writer_stop(w);

	int failed = 0;
	for (int i = 0; i < N_JOBS; i++) {
		assert_int_equal(atomic_load(&jobs[i].dones), 1);
		if (jobs[i].ret == LD_OK) {
			assert_int_equal(jobs[i].job.status, LD_OK);
		} else {
			assert_int_equal(jobs[i].job.status, LD_EINVAL);
			failed++;
		}
	}

	/* After a restart every acknowledged row is there, nothing else. */
	reopen(f);
	int64_t np, nau;
	counts(f, &np, &nau);
	assert_int_equal(np, N_JOBS - failed);
	assert_int_equal(nau, N_JOBS);
	for (int i = 0; i < N_JOBS; i++)
		assert_int_equal(person_exists(f, jobs[i].idn),
		                 jobs[i].ret == LD_OK);
	chain_intact(f, N_JOBS);
	ld_audit_entry *e;
	size_t n = audit_entries(f, &e);
	assert_int_equal(n, N_JOBS);
	int failed_audit = 0;
	for (size_t i = 0; i < n; i++)
		failed_audit += strcmp(e[i].result, "failed") == 0;
	assert_int_equal(failed_audit, failed);
	free(jobs);
}

static void writer_group_commit(void **state)
{
	run_threaded(*state, true, 0);
}

static void writer_one_job_per_commit(void **state)
{
	run_threaded(*state, false, 0);
}

/* Some jobs fail in the middle of batches: each is undone alone. */
static void writer_group_commit_with_failures(void **state)
{
	run_threaded(*state, true, 7);
}

static atomic_int lazy_dones;

static void lazy_done(ld_write_job *j)
{
	(void)j;
	atomic_fetch_add(&lazy_dones, 1);
}

/* Lazy jobs (nobody waits) are all committed when ld_writer_stop returns. */
static void writer_lazy_jobs_committed_at_stop(void **state)
{
	struct fx *f = *state;
	enum { N = 300 };
	ld_write_job *jobs = calloc(N, sizeof *jobs);
	assert_non_null(jobs);
	atomic_store(&lazy_dones, 0);
	ld_error err = {0};
	ld_writer *w = ld_writer_start(f->ops, f->store, true, true, &err);
	assert_non_null(w);
	for (int i = 0; i < N; i++) {
		jobs[i].lazy = true;
		jobs[i].done = i % 2 ? lazy_done : NULL;
		jobs[i].status = (ld_status)-1;
		jobs[i].audit[0] = (ld_audit_entry){.username = "grid1",
		                                    .action = "person.view",
		                                    .target = "person:1"};
		jobs[i].n_audit = 1;
		ld_writer_submit(w, &jobs[i]);
	}
	ld_writer_stop(w);
	assert_int_equal(atomic_load(&lazy_dones), N / 2);
	for (int i = 0; i < N; i++)
		assert_int_equal(jobs[i].status, LD_OK);
	int64_t np, nau;
	counts(f, &np, &nau);
	assert_int_equal(nau, N);
	reopen(f);
	counts(f, &np, &nau);
	assert_int_equal(nau, N);
	chain_intact(f, N);
	free(jobs);
}

/* A lazy job followed by one someone waits for: the wait is not held up
 * by the lazy gathering (it completes well before stop). */
static void writer_lazy_then_waited(void **state)
{
	struct fx *f = *state;
	struct waiter wt = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	                    0};
	ld_write_job lazy = {.lazy = true,
	                     .audit = {{.username = "u",
	                                .action = "person.view",
	                                .target = "t"}},
	                     .n_audit = 1};
	struct tjob t;
	tjob_init(&t, 1, &wt);
	ld_error err = {0};
	ld_writer *w = ld_writer_start(f->ops, f->store, true, true, &err);
	assert_non_null(w);
	ld_writer_submit(w, &lazy);
	ld_writer_submit(w, &t.job);
	assert_true(wait_done(&wt, 1));
	assert_int_equal(t.job.status, LD_OK);
	ld_writer_stop(w);
	int64_t np, nau;
	counts(f, &np, &nau);
	assert_int_equal(np, 1);
	assert_int_equal(nau, 2);
}

/* ---- jobs that run alone --------------------------------------------- */

/* A task whose grid is in no table: a row whose reference dangles. */
static ld_status run_dangling_task(ld_write_job *j,
				   const struct ld_store_ops *ops, ld_conn *c)
{
	(void)j;
	ld_task t = {.kind = "absent", .grid = "370102001001999",
		     .community = "370102001001", .name = "甲", .detail = "",
		     .due_date = "2026-12-01", .created_at = "t"};
	return ops->task_insert(c, &t);
}

/* A job that runs alone and reads what its rows refer to itself
 * (own_references) is written without the store's check of each row's
 * references; the next job has the check again, and so does a job that
 * claims own_references without running alone. */
static void batch_own_references(void **state)
{
	struct fx *f = *state;
	ld_write_job own = {.run = run_dangling_task,
			    .alone = true,
			    .own_references = true};
	ld_write_batch(f->ops, f->c, &own);
	assert_int_equal(own.status, LD_OK);
	ld_write_job plain = {.run = run_dangling_task};
	ld_write_batch(f->ops, f->c, &plain);
	assert_int_not_equal(plain.status, LD_OK);
	ld_write_job not_alone = {.run = run_dangling_task,
				  .own_references = true};
	ld_write_batch(f->ops, f->c, &not_alone);
	assert_int_not_equal(not_alone.status, LD_OK);
}

/* Jobs that see which batch they run in: the number of batches committed
 * before them. */
struct bjob {
	ld_write_job job;
	const ld_writer *w;
	struct waiter *wt;
	int sleep_ms;
	uint64_t batch;
};

static ld_status run_note_batch(ld_write_job *j, const struct ld_store_ops *ops,
				ld_conn *c)
{
	(void)ops;
	(void)c;
	struct bjob *b = j->ctx;
	b->batch = atomic_load(&ld_writer_stats(b->w)->batches);
	if (b->sleep_ms)
		nanosleep(&(struct timespec){0, b->sleep_ms * 1000000L}, NULL);
	return LD_OK;
}

static void bjob_done(ld_write_job *j)
{
	struct bjob *b = j->ctx;
	pthread_mutex_lock(&b->wt->m);
	b->wt->done++;
	pthread_cond_broadcast(&b->wt->cv);
	pthread_mutex_unlock(&b->wt->m);
}

/* With group commit, jobs queued together share a transaction, except one
 * that runs alone: the jobs before it commit first, it commits by itself,
 * and the jobs after it follow together. */
static void writer_alone_job_commits_by_itself(void **state)
{
	struct fx *f = *state;
	struct waiter wt = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			    0};
	ld_error err = {0};
	ld_writer *w = ld_writer_start(f->ops, f->store, true, false, &err);
	assert_non_null(w);
	struct bjob b[6];
	for (int i = 0; i < 6; i++)
		b[i] = (struct bjob){.job = {.run = run_note_batch,
					     .done = bjob_done,
					     .ctx = &b[i]},
				     .w = w,
				     .wt = &wt};
	b[0].sleep_ms = 200; /* the others queue up meanwhile */
	b[3].job.alone = true;
	ld_writer_submit(w, &b[0].job);
	nanosleep(&(struct timespec){0, 50 * 1000000L}, NULL);
	for (int i = 1; i < 6; i++)
		ld_writer_submit(w, &b[i].job);
	assert_true(wait_done(&wt, 6));
	ld_writer_stop(w);
	const uint64_t want[6] = {0, 1, 1, 2, 3, 3};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(b[i].job.status, LD_OK);
		assert_int_equal(b[i].batch, want[i]);
	}
}

/* The writer thread with a store whose commit fails once, then whose log
 * sync fails once: the jobs of those batches fail with LD_EIO, the writer
 * reports failing until a batch succeeds again. */
static void writer_faults(void **state)
{
	struct fx *f = *state;
	faulty_init();
	struct waiter wt = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	                    0};
	struct tjob t[4];
	for (int i = 0; i < 4; i++)
		tjob_init(&t[i], i, &wt);
	ld_error err = {0};
	ld_writer *w = ld_writer_start(&faulty, f->store, true, true, &err);
	assert_non_null(w);
	const struct ld_writer_stats *st = ld_writer_stats(w);

	atomic_store(&commit_fail_at, atomic_load(&commit_calls) + 1);
	ld_writer_submit(w, &t[0].job);
	assert_true(wait_done(&wt, 1));
	assert_int_equal(t[0].job.status, LD_EIO);
	assert_int_equal(t[0].job.err.code, LD_EIO);
	assert_true(ld_writer_failing(w));
	assert_int_equal(atomic_load(&st->failed_commits), 1);
	assert_false(person_exists(f, t[0].idn));

	ld_writer_submit(w, &t[1].job);
	assert_true(wait_done(&wt, 2));
	assert_int_equal(t[1].job.status, LD_OK);
	assert_false(ld_writer_failing(w));
	assert_true(person_exists(f, t[1].idn));

	/* The log cannot be made durable: not acknowledged as done. */
	atomic_store(&sync_fail_at, atomic_load(&sync_calls) + 1);
	ld_writer_submit(w, &t[2].job);
	assert_true(wait_done(&wt, 3));
	assert_int_equal(t[2].job.status, LD_EIO);
	assert_true(ld_writer_failing(w));
	assert_int_equal(atomic_load(&st->failed_commits), 2);

	ld_writer_submit(w, &t[3].job);
	assert_true(wait_done(&wt, 4));
	assert_int_equal(t[3].job.status, LD_OK);
	assert_false(ld_writer_failing(w));
	ld_writer_stop(w);
	for (int i = 0; i < 4; i++)
		assert_int_equal(atomic_load(&t[i].dones), 1);
	assert_false(person_exists(f, t[0].idn));
	assert_true(person_exists(f, t[3].idn));
	/* Whatever reached the table, the chain is whole. */
	ld_audit_report r;
	assert_int_equal(ld_audit_verify(f->ops, f->r, &r), LD_OK);
	assert_int_equal(r.bad_seq, 0);
	assert_true(r.entries >= 2);
}

/* Starting fails cleanly (nothing leaked; ASan checks) when any of its
 * connections cannot be made. */
static void writer_start_fails(void **state)
{
	struct fx *f = *state;
	for (int n = 1; n <= 2; n++) {
		faulty_init();
		atomic_store(&connect_fail_at, n);
		ld_error err = {0};
		ld_writer *w =
		    ld_writer_start(&faulty, f->store, true, true, &err);
		assert_null(w);
		assert_int_equal(err.code, LD_EIO);
		assert_int_equal(atomic_load(&connect_calls), n);
	}
	faulty_init();
	atomic_store(&connect_fail_at, 3);
	ld_writer *w = ld_writer_start(&faulty, f->store, false, false, NULL);
	assert_non_null(w);
	ld_writer_stop(w);
}

/* ---- readiness: how long the writer has been busy, the probe write --- */

struct gate {
	pthread_mutex_t m;
	pthread_cond_t cv;
	bool entered, open;
};

static ld_status run_gated(ld_write_job *j, const struct ld_store_ops *ops,
			   ld_conn *c)
{
	(void)ops;
	(void)c;
	struct gate *g = j->ctx;
	pthread_mutex_lock(&g->m);
	g->entered = true;
	pthread_cond_broadcast(&g->cv);
	while (!g->open)
		pthread_cond_wait(&g->cv, &g->m);
	pthread_mutex_unlock(&g->m);
	return LD_OK;
}

static void gated_done(ld_write_job *j)
{
	struct gate *g = j->ctx;
	pthread_mutex_lock(&g->m);
	g->entered = false; /* reused as "done" below */
	g->open = false;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->m);
}

/* Idle, the writer is busy for 0 us; inside a transaction, for longer than
 * 0; once the job is done, idle again. */
static void writer_busy_while_in_a_transaction(void **state)
{
	struct fx *f = *state;
	ld_error err = {0};
	ld_writer *w = ld_writer_start(f->ops, f->store, true, false, &err);
	assert_non_null(w);
	assert_int_equal(ld_writer_busy_us(w), 0);
	struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			 false, false};
	ld_write_job job = {.run = run_gated, .done = gated_done, .ctx = &g};
	ld_writer_submit(w, &job);
	pthread_mutex_lock(&g.m);
	while (!g.entered)
		pthread_cond_wait(&g.cv, &g.m);
	pthread_mutex_unlock(&g.m);
	nanosleep(&(struct timespec){0, 2 * 1000000L}, NULL);
	assert_true(ld_writer_busy_us(w) > 0);
	pthread_mutex_lock(&g.m);
	g.open = true;
	pthread_cond_broadcast(&g.cv);
	while (g.open)
		pthread_cond_wait(&g.cv, &g.m);
	pthread_mutex_unlock(&g.m);
	assert_int_equal(job.status, LD_OK);
	assert_int_equal(ld_writer_busy_us(w), 0);
	ld_writer_stop(w);
}

static ld_status run_probe(ld_write_job *j, const struct ld_store_ops *ops,
			   ld_conn *c)
{
	(void)j;
	return ops->probe_write(c);
}

/* The probe commits and changes nothing a reader sees. */
static void probe_write_changes_nothing(void **state)
{
	struct fx *f = *state;
	int version = f->ops->schema_version(f->r);
	int64_t persons, audit;
	counts(f, &persons, &audit);
	ld_write_job job = {.run = run_probe};
	ld_write_batch(f->ops, f->c, &job);
	assert_int_equal(job.status, LD_OK);
	assert_int_equal(f->ops->schema_version(f->r), version);
	int64_t persons2, audit2;
	counts(f, &persons2, &audit2);
	assert_int_equal(persons2, persons);
	assert_int_equal(audit2, audit);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(batch_middle_job_fails),
	    T(batch_failures_anywhere),
	    T(batch_failed_job_leaves_no_row),
	    T(batch_lone_failure_audited),
	    T(batch_audit_only),
	    T(batch_commit_fails),
	    T(batch_commit_fails_after_job_failure),
	    T(batch_own_references),
	    T(writer_group_commit),
	    T(writer_one_job_per_commit),
	    T(writer_group_commit_with_failures),
	    T(writer_lazy_jobs_committed_at_stop),
	    T(writer_lazy_then_waited),
	    T(writer_alone_job_commits_by_itself),
	    T(writer_faults),
	    T(writer_start_fails),
	    T(writer_busy_while_in_a_transaction),
	    T(probe_write_changes_nothing),
	};
#undef T
	return cmocka_run_group_tests_name("writer", tests, NULL, NULL);
}
