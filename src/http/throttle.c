/*
 * throttle.c — failed-attempt counters per key and per address, with
 * reservations (see throttle.h for what holds and why).
 */
#include "http/throttle.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/random.h"
#include "util/netaddr.h"
#include "util/siphash.h"

const struct ld_throttle_limits ld_login_limits = {
	.key_limit = 5,
	.address_limit = 20,
	.window = 900,
	.lock = 900,
};

/* Refused while attempts in flight fill the limit: they settle within a
 * hash or two, so the client may ask again soon. */
#define IN_FLIGHT_WAIT 1
/* An exhausted table is swept for idle entries at most this often. */
#define SWEEP_SECONDS 1
#define HEADS 16384

struct counter {
	int failures; /* since window_start */
	int inflight; /* reserved, not yet settled */
	time_t window_start;
	time_t locked_until;
};

struct ld_throttle_entry {
	struct ld_throttle_entry *next;
	uint64_t hash;
	bool pinned; /* a known key: not counted against the cap */
	struct counter c;
	char key[];
};

struct table {
	struct ld_throttle_entry *head[HEADS];
	size_t entries, unpinned, cap;
	time_t swept_at;
};

struct ld_throttle {
	pthread_mutex_t lock;
	struct ld_throttle_limits lim;
	unsigned char secret[LD_SIPHASH_KEY_LEN];
	struct table keys, addresses;
	struct counter overflow[LD_THROTTLE_OVERFLOW];
	struct ld_throttle_stats stats;
};

struct ld_throttle *ld_throttle_new(const struct ld_throttle_limits *limits)
{
	struct ld_throttle *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	if (ld_random_bytes(t->secret, sizeof t->secret) != LD_OK) {
		free(t);
		return NULL;
	}
	t->lim = *limits;
	t->keys.cap = LD_THROTTLE_KEY_CAP;
	t->addresses.cap = LD_THROTTLE_ADDRESS_CAP;
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

static void table_clear(struct table *tb)
{
	for (size_t i = 0; i < HEADS; i++)
		for (struct ld_throttle_entry *e = tb->head[i], *next; e;
		     e = next) {
			next = e->next;
			free(e);
		}
}

void ld_throttle_free(struct ld_throttle *t)
{
	if (!t)
		return;
	table_clear(&t->keys);
	table_clear(&t->addresses);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* ---- one counter ---------------------------------------------------- */

static void expire(struct counter *c, int window, time_t now)
{
	if (c->failures && now - c->window_start >= window)
		c->failures = 0;
}

static bool is_idle(struct counter *c, int window, time_t now)
{
	expire(c, window, now);
	return c->inflight == 0 && c->failures == 0 && c->locked_until <= now;
}

/* Seconds to wait before another attempt may be reserved. */
static int wait_of(struct counter *c, int limit, int window, time_t now)
{
	if (!c)
		return 0;
	if (c->locked_until > now)
		return (int)(c->locked_until - now);
	expire(c, window, now);
	return c->failures + c->inflight >= limit ? IN_FLIGHT_WAIT : 0;
}

static void fail(struct counter *c, const struct ld_throttle_limits *lim,
		 int limit, time_t now)
{
	expire(c, lim->window, now);
	if (c->failures == 0)
		c->window_start = now;
	if (++c->failures >= limit) {
		c->locked_until = now + lim->lock;
		c->failures = 0;
	}
}

/* ---- tables --------------------------------------------------------- */

static void unlink_entry(struct table *tb, struct ld_throttle_entry **link)
{
	struct ld_throttle_entry *e = *link;
	*link = e->next;
	tb->entries--;
	if (!e->pinned)
		tb->unpinned--;
	free(e);
}

/* Free every idle entry (the table is full). */
static void sweep(struct table *tb, int window, time_t now)
{
	if (now - tb->swept_at < SWEEP_SECONDS)
		return;
	tb->swept_at = now;
	for (size_t i = 0; i < HEADS; i++)
		for (struct ld_throttle_entry **link = &tb->head[i]; *link;)
			if (is_idle(&(*link)->c, window, now))
				unlink_entry(tb, link);
			else
				link = &(*link)->next;
}

/*
 * The entry of `key`, NULL when absent and !create, or when the table has
 * no room for an unpinned key. Idle entries met on the way are reclaimed
 * (never the one asked for: the caller is about to use it).
 */
static struct ld_throttle_entry *lookup(struct ld_throttle *t,
					struct table *tb, const char *key,
					bool create, bool pin, time_t now)
{
	size_t len = strlen(key);
	uint64_t h = ld_siphash(t->secret, key, len);
	struct ld_throttle_entry **link = &tb->head[h % HEADS];
	while (*link) {
		struct ld_throttle_entry *e = *link;
		if (e->hash == h && strcmp(e->key, key) == 0) {
			if (pin && !e->pinned) {
				e->pinned = true;
				tb->unpinned--;
			}
			return e;
		}
		if (is_idle(&e->c, t->lim.window, now))
			unlink_entry(tb, link);
		else
			link = &e->next;
	}
	if (!create)
		return NULL;
	if (!pin && tb->unpinned >= tb->cap) {
		sweep(tb, t->lim.window, now);
		if (tb->unpinned >= tb->cap)
			return NULL;
	}
	struct ld_throttle_entry *e = calloc(1, sizeof *e + len + 1);
	if (!e)
		return NULL;
	e->hash = h;
	e->pinned = pin;
	memcpy(e->key, key, len + 1);
	e->next = tb->head[h % HEADS];
	tb->head[h % HEADS] = e;
	tb->entries++;
	if (!pin)
		tb->unpinned++;
	return e;
}

/* How an address is counted: IPv6 per /64, in its canonical text. */
static void address_key(const char *address, char out[LD_NETADDR_TEXT])
{
	ld_netaddr a;
	if (!ld_netaddr_parse(address, strlen(address), &a)) {
		snprintf(out, LD_NETADDR_TEXT, "%.45s", address);
		return;
	}
	if (a.family == 6)
		ld_netaddr_mask(&a, 64);
	ld_netaddr_format(&a, out);
}

static int overflow_of(struct ld_throttle *t, const char *key)
{
	/* A second hash (the key with a suffix) so that the bucket does not
	 * follow the chain. */
	uint64_t h = ld_siphash(t->secret, key, strlen(key) + 1);
	return (int)(h % LD_THROTTLE_OVERFLOW);
}

/*
 * Find (creating, when asked) the counters of key and address. *kc is the
 * key's own counter, or its overflow counter when the table had no room
 * (tk->bucket set); NULL when absent and not created. *oc is the overflow
 * counter an unknown key must also respect (it may have been counted
 * there while the table was full), NULL for a known key. *ac is NULL when
 * the address is not (or cannot be) counted.
 */
static void counters(struct ld_throttle *t, const char *key, bool known,
		     const char *address, time_t now, bool create,
		     ld_throttle_ticket *tk, struct counter **kc,
		     struct counter **oc, struct counter **ac)
{
	char akey[LD_NETADDR_TEXT];
	address_key(address, akey);
	int bucket = overflow_of(t, key);
	tk->key = lookup(t, &t->keys, key, create, known, now);
	tk->bucket = -1;
	*oc = known ? NULL : &t->overflow[bucket];
	if (tk->key) {
		*kc = &tk->key->c;
	} else if (create) {
		tk->bucket = bucket;
		*kc = &t->overflow[bucket];
	} else {
		*kc = NULL;
	}
	tk->address = lookup(t, &t->addresses, akey, create, false, now);
	*ac = tk->address ? &tk->address->c : NULL;
}

/* The longest wait any of the counters imposes. */
static int wait_all(struct ld_throttle *t, struct counter *kc,
		    struct counter *oc, struct counter *ac, time_t now)
{
	const struct ld_throttle_limits *l = &t->lim;
	int w = wait_of(kc, l->key_limit, l->window, now);
	int o = oc != kc ? wait_of(oc, l->key_limit, l->window, now) : 0;
	int a = wait_of(ac, l->address_limit, l->window, now);
	if (o > w)
		w = o;
	return a > w ? a : w;
}

/* ---- the interface -------------------------------------------------- */

int ld_throttle_reserve(struct ld_throttle *t, const char *key, bool known,
			const char *address, time_t now,
			ld_throttle_ticket *tk)
{
	struct counter *kc, *oc, *ac;
	pthread_mutex_lock(&t->lock);
	counters(t, key, known, address, now, true, tk, &kc, &oc, &ac);
	int wait = wait_all(t, kc, oc, ac, now);
	if (wait > 0) {
		t->stats.refused++;
	} else {
		kc->inflight++;
		if (ac)
			ac->inflight++;
		if (tk->bucket >= 0)
			t->stats.keys_overflowed++;
		if (!ac)
			t->stats.addresses_uncounted++;
	}
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void ld_throttle_settle(struct ld_throttle *t, ld_throttle_ticket *tk,
			enum ld_attempt outcome, time_t now)
{
	pthread_mutex_lock(&t->lock);
	struct counter *kc = tk->key ? &tk->key->c : &t->overflow[tk->bucket];
	struct counter *ac = tk->address ? &tk->address->c : NULL;
	kc->inflight--;
	if (ac)
		ac->inflight--;
	if (outcome == LD_ATTEMPT_FAILED) {
		fail(kc, &t->lim, t->lim.key_limit, now);
		if (ac)
			fail(ac, &t->lim, t->lim.address_limit, now);
	} else if (outcome == LD_ATTEMPT_SUCCEEDED && tk->key) {
		/* The address keeps its count: one's own account must not
		 * reset the count of guesses at others'. */
		tk->key->c.failures = 0;
		tk->key->c.locked_until = 0;
	}
	pthread_mutex_unlock(&t->lock);
	tk->key = tk->address = NULL;
}

int ld_throttle_wait(struct ld_throttle *t, const char *key,
		     const char *address, time_t now)
{
	ld_throttle_ticket tk;
	struct counter *kc, *oc, *ac;
	pthread_mutex_lock(&t->lock);
	counters(t, key, false, address, now, false, &tk, &kc, &oc, &ac);
	int wait = wait_all(t, kc, oc, ac, now);
	if (wait > 0)
		t->stats.refused++;
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void ld_throttle_failure(struct ld_throttle *t, const char *key,
			 const char *address, time_t now)
{
	ld_throttle_ticket tk;
	struct counter *kc, *oc, *ac;
	pthread_mutex_lock(&t->lock);
	counters(t, key, false, address, now, true, &tk, &kc, &oc, &ac);
	fail(kc, &t->lim, t->lim.key_limit, now);
	if (ac)
		fail(ac, &t->lim, t->lim.address_limit, now);
	pthread_mutex_unlock(&t->lock);
}

void ld_throttle_stats(struct ld_throttle *t, struct ld_throttle_stats *out)
{
	pthread_mutex_lock(&t->lock);
	*out = t->stats;
	out->keys = t->keys.entries;
	out->addresses = t->addresses.entries;
	pthread_mutex_unlock(&t->lock);
}
