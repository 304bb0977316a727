/*
 * upload.c — checking an uploaded report file row by row (docs/grid.md).
 *
 * The file is read in chunks of rows. Whoever reads a chunk (a helper
 * thread, or the calling thread when it would otherwise wait) prepares its
 * rows with its own context and connection; the calling thread then takes
 * the chunks in the order of the file, settling, counting and, when
 * confirming, writing each row. A ring of chunks bounds the memory: a
 * reader waits while the oldest chunk is still being taken.
 */
#include "http/upload.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/licence.h"
#include "util/csv.h"

#define CHUNK_ROWS 256
#define RING 8
/* Smaller files are checked by the calling thread alone. */
#define PARALLEL_MIN ((size_t)256 << 10)
#define MAX_HELPERS 3

/* ---- the file ------------------------------------------------------- */

/* A file read into rows: the column of each field, then each row. */
struct upload_file {
	const char *utf8;
	size_t len;
	const char *encoding;
	const char *columns[LD_CSV_MAX_FIELDS];
	int ncol;
	ld_csv csv;
};

/* Decode and read the header. On bad input fills err (field "file"). */
static ld_status upload_open(struct upload_file *f, const char *data,
			     size_t len, ld_arena *ar, ld_error *err)
{
	memset(f, 0, sizeof *f);
	ld_status rc = ld_csv_to_utf8(data, len, ar, &f->utf8, &f->len,
				      &f->encoding, err);
	if (rc != LD_OK)
		return rc;
	ld_csv_init(&f->csv, f->utf8, f->len);
	const char *head[LD_CSV_MAX_FIELDS];
	int n = ld_csv_next(&f->csv, ar, head, err);
	if (n < 0)
		return LD_EINVAL;
	if (n == 0)
		return ld_fail(err, LD_EINVAL, "file", "文件是空的");
	for (int i = 0; i < n; i++) {
		const char *code = ld_report_column_code(head[i]);
		if (!code)
			return ld_fail(err, LD_EINVAL, "file",
				       "第1行第%d列“%.40s”不是可识别的列名",
				       i + 1, head[i]);
		if (strcmp(code, "reported_date") == 0)
			return ld_fail(err, LD_EINVAL, "file",
				       "报告日期由系统记录，文件中不能有“报告日期”列");
		for (int k = 0; k < i; k++)
			if (f->columns[k] == code)
				return ld_fail(err, LD_EINVAL, "file",
					       "列“%s”重复", head[i]);
		f->columns[i] = code;
	}
	f->ncol = n;
	static const char *const required[] = {"kind", "id_number", "name",
					       "event_date"};
	for (size_t q = 0; q < sizeof required / sizeof required[0]; q++) {
		bool found = false;
		for (int i = 0; i < n; i++)
			found |= strcmp(f->columns[i], required[q]) == 0;
		if (!found)
			return ld_fail(err, LD_EINVAL, "file",
				       "缺少必需的列“%s”",
				       ld_report_column_label(required[q]));
	}
	return LD_OK;
}

/* The next row as a report. Returns 1 with a row, 0 at the end, -1 for a
 * malformed row (err set, reading can go on). */
static int upload_row(struct upload_file *f, ld_arena *ar,
		      struct ld_report_in *in, ld_error *err)
{
	const char *v[LD_CSV_MAX_FIELDS];
	int n = ld_csv_next(&f->csv, ar, v, err);
	if (n <= 0)
		return n;
	if (n != f->ncol) {
		ld_fail(err, LD_EINVAL, "file", "该行有%d列，表头有%d列", n,
			f->ncol);
		return -1;
	}
	memset(in, 0, sizeof *in);
	for (int i = 0; i < n; i++) {
		const char *c = f->columns[i];
#define COL(name)                          \
	if (strcmp(c, #name) == 0) {       \
		in->name = v[i];           \
		continue;                  \
	}
		COL(kind)
		COL(id_number)
		COL(name)
		COL(phone)
		COL(hukou_code)
		COL(event_date)
		COL(event_time)
		COL(house)
		COL(grid)
		COL(address)
		COL(arrival_date)
#undef COL
	}
	return 1;
}

/* ---- the tally ------------------------------------------------------ */

void ld_upload_tally_init(struct ld_upload_tally *t)
{
	memset(t, 0, sizeof *t);
	ld_buf_init(&t->rows_json, (size_t)8 << 20);
	ld_buf_init(&t->errors_json, (size_t)8 << 20);
	ld_jw_init(&t->rw, &t->rows_json);
	ld_jw_init(&t->ew, &t->errors_json);
	ld_jw_arr_open(&t->rw);
	ld_jw_arr_open(&t->ew);
}

void ld_upload_tally_release(struct ld_upload_tally *t)
{
	ld_buf_release(&t->rows_json);
	ld_buf_release(&t->errors_json);
}

static void tally_error(struct ld_upload_tally *t, int line, const ld_error *e)
{
	t->bad++;
	if (t->bad > LD_UPLOAD_MAX_ERRORS)
		return;
	ld_jw_obj_open(&t->ew);
	ld_jw_kint(&t->ew, "line", line);
	ld_jw_kstr(&t->ew, "field",
		   e->field && strcmp(e->field, "file") != 0
			   ? ld_report_column_label(e->field)
			   : NULL);
	ld_jw_kstr(&t->ew, "message", e->message);
	ld_jw_obj_close(&t->ew);
}

static void tally_shown(struct ld_upload_tally *t, int line,
			const struct ld_report_out *out, bool task)
{
	char masked[19];
	ld_mask_id_number(out->rec.id_number, masked);
	t->shown++;
	ld_jw_obj_open(&t->rw);
	ld_jw_kint(&t->rw, "line", line);
	ld_jw_kstr(&t->rw, "kind", out->rec.kind);
	ld_jw_kstr(&t->rw, "id_number", masked);
	ld_jw_kstr(&t->rw, "name", out->rec.name);
	ld_jw_kstr(&t->rw, "event_date", out->rec.event_date);
	ld_jw_kstr(&t->rw, "deadline", out->rec.deadline);
	ld_jw_kbool(&t->rw, "late", out->check.late);
	if (!t->for_reporter)
		ld_jw_kbool(&t->rw, "task", task);
	ld_jw_obj_close(&t->rw);
}

/* ---- the chunks ----------------------------------------------------- */

/* One row as read and prepared. */
struct checked {
	int line;
	ld_status rc; /* LD_OK; LD_EINVAL: a bad row (e); else a failure */
	ld_error e;
	struct ld_report_out out;
};

struct chunk {
	enum { EMPTY, FILLING, READY } state;
	long seq;  /* which chunk of the file */
	bool end;  /* the file ends with it */
	int n;	   /* rows */
	ld_arena ar; /* the rows' memory, until they are taken */
	struct checked row[CHUNK_ROWS];
};

struct pipe {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* a chunk changed state, or stop */
	struct upload_file f; /* read under the lock */
	long next;	      /* the next chunk to read */
	bool eof;	      /* the file is read */
	bool stop;	      /* the check is over */
	struct chunk *ring;   /* RING chunks; chunk seq lives in seq % RING */
};

/* With the lock held: claim the next chunk and read its rows into it and
 * `in`. NULL when nothing is left to read, the check is over, or (unless
 * wait) the chunk's place in the ring is still taken. */
static struct chunk *claim(struct pipe *p, struct ld_report_in *in, bool wait)
{
	struct chunk *c;
	for (;;) {
		if (p->eof || p->stop)
			return NULL;
		c = &p->ring[p->next % RING];
		if (c->state == EMPTY)
			break;
		if (!wait)
			return NULL;
		pthread_cond_wait(&p->cond, &p->lock);
	}
	c->state = FILLING;
	c->seq = p->next++;
	c->end = false;
	c->n = 0;
	while (c->n < CHUNK_ROWS) {
		struct checked *k = &c->row[c->n];
		k->e = (ld_error){0};
		int got = upload_row(&p->f, &c->ar, &in[c->n], &k->e);
		if (got == 0) {
			p->eof = c->end = true;
			break;
		}
		k->line = p->f.csv.line;
		k->rc = got < 0 ? LD_EINVAL : LD_OK;
		c->n++;
	}
	return c;
}

/* Prepare a claimed chunk's rows with context x (without the lock). A
 * failure ends the chunk at its row: the taker stops there. */
static void prepare(struct pipe *p, struct chunk *c,
		    const struct ld_report_in *in, struct ld_report_ctx *x)
{
	ld_arena *outer = x->ar;
	x->ar = &c->ar;
	for (int i = 0; i < c->n; i++) {
		struct checked *k = &c->row[i];
		if (k->rc == LD_OK)
			k->rc = ld_report_prepare(x, &in[i], &k->out, &k->e);
		if (k->rc != LD_OK && k->rc != LD_EINVAL) {
			c->n = i + 1;
			break;
		}
	}
	x->ar = outer;
	pthread_mutex_lock(&p->lock);
	c->state = READY;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* ---- the helpers ---------------------------------------------------- */

struct helper {
	pthread_t thread;
	struct pipe *p;
	struct ld_report_ctx x; /* its own batch and connection */
	struct ld_report_in in[CHUNK_ROWS];
};

static void *helper_main(void *arg)
{
	struct helper *h = arg;
	struct pipe *p = h->p;
	/* One snapshot for all its reads (and one lock, not one a query). */
	h->x.ops->read_begin(h->x.c);
	pthread_mutex_lock(&p->lock);
	for (struct chunk *c; (c = claim(p, h->in, true));) {
		pthread_mutex_unlock(&p->lock);
		prepare(p, c, h->in, &h->x);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	h->x.ops->read_end(h->x.c);
	return NULL;
}

/* How many helpers a file of len bytes gets: one fewer than the cores,
 * the calling thread being one. */
static int helpers_wanted(const struct ld_upload_check *u, size_t len)
{
	if (!u->store || len < PARALLEL_MIN)
		return 0;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores <= 1)
		return 0;
	return cores - 1 < MAX_HELPERS ? (int)(cores - 1) : MAX_HELPERS;
}

/* Start up to n helpers, each with its own read connection. Fewer is not
 * an error: the calling thread reads whatever no helper does. */
static int helpers_start(const struct ld_upload_check *u, struct pipe *p,
			 struct helper *h, int n)
{
	const struct ld_store_ops *ops = u->x->ops;
	int started = 0;
	for (int i = 0; i < n; i++) {
		struct helper *k = &h[started];
		ld_conn *c;
		ld_error e = {0};
		if (ops->connect(u->store, false, &c, &e) != LD_OK)
			break;
		k->p = p;
		k->x = *u->x;
		k->x.c = c;
		k->x.ar = NULL;
		ld_report_ctx_open(&k->x);
		if (pthread_create(&k->thread, NULL, helper_main, k) != 0) {
			ld_report_ctx_close(&k->x);
			ops->disconnect(c);
			break;
		}
		started++;
	}
	return started;
}

static void helpers_stop(struct pipe *p, struct helper *h, int n)
{
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < n; i++) {
		pthread_join(h[i].thread, NULL);
		ld_conn *c = h[i].x.c;
		ld_report_ctx_close(&h[i].x);
		h[i].x.ops->disconnect(c);
	}
}

/* ---- taking the rows in order --------------------------------------- */

/* Settle, count and (with apply) write one chunk's rows. */
static ld_status take(const struct ld_upload_check *u, struct chunk *c,
		      struct ld_upload_tally *t)
{
	struct ld_report_ctx *x = u->x;
	for (int i = 0; i < c->n; i++) {
		struct checked *k = &c->row[i];
		t->rows++;
		if (k->rc == LD_EINVAL) {
			tally_error(t, k->line, &k->e);
			continue;
		}
		if (k->rc != LD_OK)
			return k->rc;
		struct ld_report_out *out = &k->out;
		ld_status rc = ld_report_settle(x, out);
		if (rc != LD_OK)
			return rc;
		t->by_kind[out->kind]++;
		t->late += out->check.late;
		bool task = out->task_needed;
		if (u->apply && t->bad == 0) {
			const struct ld_report_task *queued;
			rc = ld_report_apply(x, out, u->upload_id, &queued);
			if (rc != LD_OK)
				return rc;
			task = queued != NULL;
		}
		t->tasks += task;
		if (t->shown < LD_UPLOAD_MAX_ROWS_SHOWN)
			tally_shown(t, k->line, out, task);
	}
	return LD_OK;
}

/* Take every chunk in the order of the file, reading one here whenever the
 * next is not ready and a place in the ring is free. */
static ld_status take_all(const struct ld_upload_check *u, struct pipe *p,
			  struct ld_upload_tally *t)
{
	struct ld_report_in in[CHUNK_ROWS];
	for (long seq = 0;; seq++) {
		struct chunk *c = &p->ring[seq % RING];
		pthread_mutex_lock(&p->lock);
		while (c->state != READY || c->seq != seq) {
			struct chunk *mine = claim(p, in, false);
			if (mine) {
				pthread_mutex_unlock(&p->lock);
				prepare(p, mine, in, u->x);
				pthread_mutex_lock(&p->lock);
			} else {
				pthread_cond_wait(&p->cond, &p->lock);
			}
		}
		pthread_mutex_unlock(&p->lock);
		ld_status rc = u->cancel && atomic_load(u->cancel)
				       ? LD_EIO
				       : take(u, c, t);
		bool end = c->end;
		pthread_mutex_lock(&p->lock);
		ld_arena_reset(&c->ar);
		c->state = EMPTY;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		if (rc != LD_OK || end)
			return rc;
	}
}

ld_status ld_upload_check_file(const struct ld_upload_check *u,
			       const char *data, size_t len,
			       struct ld_upload_tally *t,
			       const char **encoding, ld_error *err)
{
	struct pipe p = {0};
	ld_status rc = upload_open(&p.f, data, len, u->x->ar, err);
	if (rc != LD_OK)
		return rc;
	*encoding = p.f.encoding;
	p.ring = calloc(RING, sizeof *p.ring);
	int want = helpers_wanted(u, len);
	struct helper *h = want ? calloc((size_t)want, sizeof *h) : NULL;
	if (!p.ring || (want && !h)) {
		free(p.ring);
		free(h);
		return LD_ENOMEM;
	}
	for (int i = 0; i < RING; i++)
		ld_arena_init(&p.ring[i].ar, (size_t)CHUNK_ROWS << 20);
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	int n = helpers_start(u, &p, h, want);
	rc = take_all(u, &p, t);
	helpers_stop(&p, h, n);
	pthread_cond_destroy(&p.cond);
	pthread_mutex_destroy(&p.lock);
	for (int i = 0; i < RING; i++)
		ld_arena_release(&p.ring[i].ar);
	free(p.ring);
	free(h);
	if (rc != LD_OK)
		return rc;
	ld_jw_arr_close(&t->rw);
	ld_jw_arr_close(&t->ew);
	if (ld_jw_finish(&t->rw) != LD_OK || ld_jw_finish(&t->ew) != LD_OK)
		return LD_ENOMEM;
	if (t->rows == 0)
		return ld_fail(err, LD_EINVAL, "file", "文件中没有数据行");
	return LD_OK;
}
