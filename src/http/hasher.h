/*
 * hasher.h — password hashing off the event loops, on a thread of its own,
 * behind a bounded queue.
 *
 * Argon2id costs tens of milliseconds and 19 MiB by design, so a flood of
 * logins must not become a queue that real logins wait behind: at most
 * LD_HASH_QUEUE_MAX tasks wait for the hashing thread (besides the one it
 * is working on); past that, ld_hash_submit refuses at once and the caller
 * answers 503 without hashing. A task whose client has gone before its turn
 * is dropped without hashing: the request was disposed (an HTTP/2 stream
 * reset, a closed connection), or the connection's socket shows the client
 * closed it (HTTP/1, which h2o does not read while a request is handled).
 *
 * Other slow work (sending text messages) stays on the server's slow-work
 * thread, so a slow SMS gateway never delays a login.
 */
#ifndef LD_HASHER_H
#define LD_HASHER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

/* Tasks that may wait for the hashing thread. */
#define LD_HASH_QUEUE_MAX 16

struct ld_hasher;

struct ld_hash_task {
	struct ld_hash_task *next;
	struct ld_msg msg;
	struct ld_thread *th;
	struct ld_hasher *hasher;
	/* Loop thread: the request, NULL once the client has gone. */
	struct ld_req *r;
	/* Under the hasher's lock: the request was disposed. */
	bool gone;
	int fd; /* the client's socket, -1 when unknown */
	/* Set before done: fn never ran (the client had gone, or the server
	 * is stopping). */
	bool dropped;
	/* On the hashing thread. */
	void (*fn)(void *arg);
	/* On r's loop thread, after fn ran or was dropped; r NULL when the
	 * client has gone. Frees the task. */
	void (*done)(struct ld_req *r, struct ld_hash_task *t);
	void *arg;
};

struct ld_hasher_stats {
	atomic_uint_fast64_t hashed;  /* tasks whose fn ran */
	atomic_uint_fast64_t busy;    /* refused: the queue was full */
	atomic_uint_fast64_t dropped; /* the client had gone */
	atomic_int_fast64_t queued;   /* waiting now */
	atomic_int_fast64_t peak;     /* most ever waiting at once */
};

/* Start the hashing thread; NULL on failure. */
struct ld_hasher *ld_hasher_start(void);
/* Stop it: the task in hand finishes, waiting ones are dropped (their done
 * still runs, on their loop threads). NULL is fine. */
void ld_hasher_stop(struct ld_hasher *h);
const struct ld_hasher_stats *ld_hasher_stats(const struct ld_hasher *h);

/* Queue t (fn, done and arg set) for request r. Returns false, leaving t
 * untouched, when LD_HASH_QUEUE_MAX tasks already wait; the caller then
 * refuses with ld_hash_busy. */
bool ld_hash_submit(struct ld_req *r, struct ld_hash_task *t);
/* Answer 503 "too many logins", with Retry-After. */
void ld_hash_busy(struct ld_req *r);

#endif
