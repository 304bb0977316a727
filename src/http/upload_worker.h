/*
 * upload_worker.h — the uploads' own thread (docs/grid.md). It checks the
 * files of previews, one at a time, so that no event loop ever does: a
 * large file takes seconds to check, and a loop that checked it would
 * answer nothing else meanwhile. It also drops unconfirmed uploads past
 * their expiry (at start, then every minute or sooner).
 *
 * Not for other slow work: password hashing has its own thread (server.c),
 * so a login never waits behind a file.
 */
#ifndef LD_UPLOAD_WORKER_H
#define LD_UPLOAD_WORKER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "http/http.h"

/* Files waiting to be checked, at most; past it a preview is refused with
 * 503 at once (each holds at most one request body). */
#define LD_UPLOAD_QUEUE_MAX 32

/*
 * A check to run on the worker. The caller allocates it (not from the
 * request, which may go before it is done) and sets run and done:
 *   run  on the worker thread, with the worker's read connection inside a
 *        read transaction; `cancel` is set when the server stops (pass it
 *        to the check). It must not touch the request.
 *   done then on the loop thread of the request, r NULL when the client
 *        has gone; `cancelled` when run never ran (the server stopped), or
 *        the writer is gone. done owns the task from then on.
 */
struct ld_upload_task {
	struct ld_upload_task *next;
	struct ld_msg msg;
	struct ld_thread *th;
	struct ld_req *r;
	void (*run)(struct ld_upload_task *t, ld_conn *c,
		    const atomic_bool *cancel);
	void (*done)(struct ld_upload_task *t);
	bool cancelled;
};

/* Queue t for request r. False, queuing nothing, when the queue is full. */
bool ld_upload_submit(struct ld_req *r, struct ld_upload_task *t);

/* Start the worker for srv (srv->uploads) once the writer runs; -1 with a
 * message on stderr on failure. */
int ld_upload_worker_start(struct ld_server *srv);
/* Stop it before the writer: the check running stops at its next chunk,
 * queued tasks are handed back cancelled, expiries in flight are waited
 * for. NULL is fine. */
void ld_upload_worker_stop(struct ld_server *srv);

#endif
