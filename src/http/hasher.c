/*
 * hasher.c — the password-hashing thread and its bounded queue (see
 * hasher.h).
 *
 * Whether a client has gone is decided under the hasher's lock, so the
 * socket looked at is the request's own: h2o closes a connection's socket
 * only after disposing of its requests, and disposing of a request whose
 * task waits here takes this lock first (task_gone) and marks the task.
 */
#include "http/hasher.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http/reply.h"

struct ld_hasher {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ld_hash_task *head, *tail;
	int queued;
	bool stopping;
	struct ld_hasher_stats stats;
};

/* Whether the peer has closed (or reset) the connection on fd: a read
 * that would return end of file or an error. Data waiting (a pipelined
 * request, HTTP/2 frames) or nothing yet means it is still there. */
static bool peer_closed(int fd)
{
	if (fd < 0)
		return false;
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0)
		return true;
	return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	       errno != EINTR;
}

static void *hasher_main(void *arg)
{
	struct ld_hasher *h = arg;
	for (;;) {
		pthread_mutex_lock(&h->lock);
		while (!h->head && !h->stopping)
			pthread_cond_wait(&h->cond, &h->lock);
		struct ld_hash_task *t = h->head;
		if (!t) {
			pthread_mutex_unlock(&h->lock);
			break;
		}
		h->head = t->next;
		if (!h->head)
			h->tail = NULL;
		h->queued--;
		atomic_store(&h->stats.queued, h->queued);
		t->dropped = h->stopping || t->gone || peer_closed(t->fd);
		pthread_mutex_unlock(&h->lock);
		if (t->dropped) {
			atomic_fetch_add(&h->stats.dropped, 1);
		} else {
			t->fn(t->arg);
			atomic_fetch_add(&h->stats.hashed, 1);
		}
		h2o_multithread_send_message(&t->th->receiver, &t->msg.super);
	}
	return NULL;
}

struct ld_hasher *ld_hasher_start(void)
{
	struct ld_hasher *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	if (pthread_create(&h->thread, NULL, hasher_main, h) != 0) {
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	return h;
}

void ld_hasher_stop(struct ld_hasher *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

const struct ld_hasher_stats *ld_hasher_stats(const struct ld_hasher *h)
{
	return &h->stats;
}

/* The request is being disposed of (loop thread). */
static void task_gone(void *arg)
{
	struct ld_hash_task *t = arg;
	pthread_mutex_lock(&t->hasher->lock);
	t->gone = true;
	pthread_mutex_unlock(&t->hasher->lock);
	t->r = NULL;
}

/* Back on the loop thread. */
static void task_finished(struct ld_msg *m)
{
	struct ld_hash_task *t =
		H2O_STRUCT_FROM_MEMBER(struct ld_hash_task, msg, m);
	struct ld_req *r = t->r;
	if (r) {
		r->on_gone = NULL;
		r->on_gone_arg = NULL;
	}
	t->done(r, t);
}

bool ld_hash_submit(struct ld_req *r, struct ld_hash_task *t)
{
	struct ld_hasher *h = r->srv->hasher;
	h2o_socket_t *sock = r->h2o && r->h2o->conn->callbacks->get_socket
				     ? r->h2o->conn->callbacks->get_socket(
					       r->h2o->conn)
				     : NULL;
	pthread_mutex_lock(&h->lock);
	if (h->queued >= LD_HASH_QUEUE_MAX || h->stopping) {
		pthread_mutex_unlock(&h->lock);
		atomic_fetch_add(&h->stats.busy, 1);
		return false;
	}
	t->next = NULL;
	t->th = r->th;
	t->hasher = h;
	t->r = r;
	t->gone = false;
	t->dropped = false;
	t->fd = sock ? h2o_socket_get_fd(sock) : -1;
	t->msg.fn = task_finished;
	if (h->tail)
		h->tail->next = t;
	else
		h->head = t;
	h->tail = t;
	h->queued++;
	atomic_store(&h->stats.queued, h->queued);
	if (h->queued > atomic_load(&h->stats.peak))
		atomic_store(&h->stats.peak, h->queued);
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
	r->on_gone = task_gone;
	r->on_gone_arg = t;
	return true;
}

void ld_hash_busy(struct ld_req *r)
{
	if (r->h2o)
		h2o_add_header(&r->h2o->pool, &r->h2o->res.headers,
			       H2O_TOKEN_RETRY_AFTER, NULL, H2O_STRLIT("1"));
	ld_reply_error(r, LD_HE_UNAVAILABLE, "登录请求过多，请稍后再试", NULL);
}
