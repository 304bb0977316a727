/*
 * redecide.c — the provisional deadlines of the store counted again with a
 * calendar that now holds their years (see redecide.h).
 *
 * Not for: counting itself (core/deadline.c, core/report.c,
 * core/calendar.c), which this calls exactly as the handlers did when they
 * stored each decision.
 */
#include "http/redecide.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/deadline.h"
#include "core/report.h"
#include "http/reporting.h"
#include "store/audit.h"

/* At most this many records are named in the audit entry; the counts
 * cover them all. */
#define DETAIL_MAX 2000

struct redecide_job {
	ld_write_job job;
	struct ld_server *srv;
	const ld_calendar *cal;
	ld_arena arena;
	ld_id user_id;
	char username[64];
	struct ld_redecide_result res;
	void (*done)(void *arg, const struct ld_redecide_result *res);
	void *arg;
};

static const char *const kind_key[LD_PROV__COUNT] = {
	[LD_PROV_REGISTRATION] = "registrations",
	[LD_PROV_ADDRESS_CHANGE] = "address_changes",
	[LD_PROV_REPORT] = "reports",
	[LD_PROV_TASK] = "tasks",
	[LD_PROV_PERMIT] = "permits",
	[LD_PROV_DECLARATION] = "declarations",
};

/* The decision of `it` counted with cal, as the handler that stored it
 * counted it. False when the stored inputs cannot be read (left alone). */
static bool decide(const ld_calendar *cal, const ld_provisional *it,
		   ld_day *deadline, bool *late, bool *complete)
{
	ld_day from, done = 0;
	if (!it->from || !ld_report_parse_day(it->from, &from))
		return false;
	bool judged = it->done && ld_report_parse_day(it->done, &done);
	ld_event ev;
	switch (it->kind) {
	case LD_PROV_REGISTRATION:
	case LD_PROV_DECLARATION:
		ev = LD_EV_ARRIVAL;
		break;
	case LD_PROV_ADDRESS_CHANGE:
		ev = LD_EV_ADDRESS_CHANGE;
		break;
	case LD_PROV_PERMIT:
		ev = LD_EV_PERMIT_ACCEPTANCE;
		break;
	case LD_PROV_REPORT: {
		ld_report_kind k;
		ld_report_check chk;
		if (!it->sub || !judged || !ld_report_kind_from(it->sub, &k) ||
		    ld_report_check_deadlines(
			    cal, k, from,
			    it->from_minute < 0 ? LD_MINUTE_UNKNOWN
						: it->from_minute,
			    done, LD_MINUTE_UNKNOWN, &chk, NULL) != LD_OK ||
		    chk.n == 0)
			return false;
		/* The report's deadline is its own duty's, the last one. */
		*deadline = chk.duties[chk.n - 1].deadline.deadline;
		*late = chk.late;
		*complete = chk.calendar_complete;
		return true;
	}
	case LD_PROV_TASK: {
		int missing;
		if (it->days <= 0)
			return false;
		*deadline = ld_calendar_add_working_days(cal, from, it->days,
							 complete, &missing);
		*late = false;
		return true;
	}
	default:
		return false;
	}
	ld_deadline dl;
	ld_deadline_compute(cal, ev, from, LD_MINUTE_UNKNOWN, &dl);
	*deadline = dl.deadline;
	*late = judged && done > dl.deadline;
	*complete = dl.calendar_complete;
	return true;
}

static ld_status redecide_run(ld_write_job *job, const struct ld_store_ops *ops,
			      ld_conn *c)
{
	struct redecide_job *j = job->ctx;
	/* A batch may be run again: start from nothing each time. */
	memset(&j->res, 0, sizeof j->res);
	job->n_audit = 0;
	ld_provisional *items;
	size_t n;
	ld_status rc = ops->provisional_list(c, &j->arena, &items, &n);
	if (rc != LD_OK)
		return rc;
	json_t *detail = json_object();
	json_t *lists[LD_PROV__COUNT] = {0};
	int named = 0;
	if (!detail)
		return LD_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const ld_provisional *it = &items[i];
		ld_day day;
		bool late, complete;
		j->res.checked++;
		if (!decide(j->cal, it, &day, &late, &complete)) {
			j->res.remaining++;
			continue;
		}
		char d[LD_DATE_STRLEN];
		ld_day_format(day, d);
		bool judged = it->kind != LD_PROV_TASK &&
			      it->kind != LD_PROV_PERMIT;
		bool same = it->deadline && strcmp(it->deadline, d) == 0 &&
			    (!judged || late == it->late);
		if (!complete)
			j->res.remaining++;
		if (same && !complete)
			continue; /* still provisional, and as it was */
		ld_provisional upd = *it;
		upd.deadline = d;
		upd.late = late;
		rc = ops->provisional_set(c, &upd, !complete);
		if (rc != LD_OK)
			goto out;
		j->res.changed++;
		if (judged && it->late && !late)
			j->res.late_cleared++;
		if (judged && !it->late && late)
			j->res.late_set++;
		if (named++ >= DETAIL_MAX)
			continue;
		if (!lists[it->kind]) {
			lists[it->kind] = json_array();
			json_object_set_new(detail, kind_key[it->kind],
					    lists[it->kind]);
		}
		json_t *rec = json_pack("{s:I, s:[s?,s], s:b}", "id",
					(json_int_t)it->id, "deadline",
					it->deadline, d, "provisional",
					!complete);
		if (rec && judged)
			json_object_set_new(rec, "late",
					    json_pack("[b,b]", it->late, late));
		if (rec)
			json_array_append_new(lists[it->kind], rec);
	}
	if (j->res.changed > 0) {
		/* One entry for the run: what the calendar now holds, the
		 * counts, and the records written. */
		json_t *years = json_array();
		for (int y = 0; y < j->cal->n_years; y++)
			json_array_append_new(
				years, json_integer(j->cal->years[y].year));
		json_object_set_new(detail, "years", years);
		json_object_set_new(detail, "checked",
				    json_integer(j->res.checked));
		json_object_set_new(detail, "changed",
				    json_integer(j->res.changed));
		json_object_set_new(detail, "still_provisional",
				    json_integer(j->res.remaining));
		json_object_set_new(detail, "late_cleared",
				    json_integer(j->res.late_cleared));
		json_object_set_new(detail, "late_set",
				    json_integer(j->res.late_set));
		if (named > DETAIL_MAX)
			json_object_set_new(detail, "records_truncated",
					    json_true());
		char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
		ld_audit_entry *e = &job->audit[job->n_audit++];
		memset(e, 0, sizeof *e);
		e->user_id = j->user_id;
		e->username = j->username;
		e->action = "calendar:redecide";
		e->target = "calendar";
		e->reason = "载入节假日安排后重新判定暂定期限";
		e->detail = text ? ld_arena_strdup(&j->arena, text) : "{}";
		free(text);
		if (!e->detail)
			e->detail = "{}";
	}
out:
	json_decref(detail);
	return rc;
}

static void redecide_done(ld_write_job *job)
{
	struct redecide_job *j = job->ctx;
	j->res.status = job->status;
	j->res.err = job->err;
	if (j->done)
		j->done(j->arg, &j->res);
	ld_arena_release(&j->arena);
	free(j);
}

ld_status ld_redecide_submit(struct ld_server *srv, const ld_calendar *cal,
			     ld_id user_id, const char *username,
			     void (*done)(void *arg,
					  const struct ld_redecide_result *res),
			     void *arg)
{
	struct redecide_job *j = calloc(1, sizeof *j);
	if (!j)
		return LD_ENOMEM;
	ld_arena_init(&j->arena, (size_t)1 << 30);
	j->srv = srv;
	j->cal = cal;
	j->user_id = user_id;
	snprintf(j->username, sizeof j->username, "%s",
		 username ? username : "system");
	j->done = done;
	j->arg = arg;
	j->job.run = redecide_run;
	j->job.done = redecide_done;
	j->job.ctx = j;
	/* It reads and may write many rows: a transaction of its own. */
	j->job.alone = true;
	ld_writer_submit(srv->writer, &j->job);
	return LD_OK;
}

struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	struct ld_redecide_result *out;
};

static void wake(void *arg, const struct ld_redecide_result *res)
{
	struct waiter *w = arg;
	pthread_mutex_lock(&w->lock);
	*w->out = *res;
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

ld_status ld_redecide_run(struct ld_server *srv, const ld_calendar *cal,
			  struct ld_redecide_result *out)
{
	struct waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			   false, out};
	memset(out, 0, sizeof *out);
	ld_status rc = ld_redecide_submit(srv, cal, 0, "system", wake, &w);
	if (rc == LD_OK) {
		pthread_mutex_lock(&w.lock);
		while (!w.done)
			pthread_cond_wait(&w.cond, &w.lock);
		pthread_mutex_unlock(&w.lock);
		rc = out->status;
	}
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	return rc;
}
