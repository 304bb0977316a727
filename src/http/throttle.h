/*
 * throttle.h — counting failed attempts per key (a staff account, a
 * resident's phone) and per client address, and refusing further attempts
 * for a while once a limit is reached (GB/T 22239-2019 8.1.4.1 b):
 * 登录失败处理功能，限制非法登录次数).
 *
 * What holds, whatever the attacker does:
 * - Concurrency: an attempt is reserved before it is checked. While the
 *   failures plus the attempts in flight reach a limit, further attempts are
 *   refused without being checked, so a burst of concurrent guesses gets no
 *   more tries than a sequence.
 * - Table pressure: entries are kept in chained hash tables keyed with
 *   SipHash under a per-process secret; a live entry (failures in the
 *   window, a lock, an attempt in flight) is never evicted. An idle entry is
 *   the same as none and is reclaimed.
 * - Addresses: the key's counter is independent of the address, so
 *   spreading guesses over many addresses does not help against one
 *   account. IPv6 addresses are counted per /64 (one subscriber's prefix).
 *
 * Memory is bounded: keys that are `known` (existing accounts) are always
 * counted exactly; other keys (unknown user names, phones) take at most
 * LD_THROTTLE_KEY_CAP entries, and past that share LD_THROTTLE_OVERFLOW
 * counters chosen by the keyed hash, so an unknown name may be locked
 * sooner but never later than its own failures say. Addresses take at most
 * LD_THROTTLE_ADDRESS_CAP entries; a new address past that is not counted
 * (the key limits still hold), and ld_throttle_stats says how often.
 *
 * Thread-safe: one mutex per throttle.
 */
#ifndef LD_THROTTLE_H
#define LD_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define LD_THROTTLE_KEY_CAP 65536
#define LD_THROTTLE_OVERFLOW 16384
#define LD_THROTTLE_ADDRESS_CAP 65536

struct ld_throttle_limits {
	int key_limit;	   /* failures per key within the window */
	int address_limit; /* failures per address within the window */
	int window;	   /* seconds */
	int lock;	   /* seconds a key or address stays refused */
};

/* Staff sign-in: 5 failures per account, 20 per address, in 15 minutes,
 * lock 15 minutes. Residents' code requests use the same numbers in a
 * throttle of their own. */
extern const struct ld_throttle_limits ld_login_limits;

struct ld_throttle;

/* A reserved attempt; settle it exactly once. */
typedef struct {
	struct ld_throttle_entry *key, *address;
	int bucket; /* overflow counter of an unknown key, or -1 */
} ld_throttle_ticket;

enum ld_attempt {
	LD_ATTEMPT_FAILED,    /* checked and wrong: counts */
	LD_ATTEMPT_SUCCEEDED, /* checked and right: clears the key's counter */
	LD_ATTEMPT_UNCHECKED, /* never checked (refused as busy, client gone) */
};

struct ld_throttle_stats {
	uint64_t refused;	      /* attempts refused as locked */
	uint64_t keys_overflowed;     /* attempts counted in shared counters */
	uint64_t addresses_uncounted; /* address table full */
	uint64_t keys, addresses;     /* entries now */
};

/* Returns NULL when out of memory. */
struct ld_throttle *ld_throttle_new(const struct ld_throttle_limits *limits);
void ld_throttle_free(struct ld_throttle *t);

/*
 * Reserve an attempt for `key` from `address` (text; IPv6 is counted per
 * /64). `known`: the key names an existing account. Returns 0 with *tk
 * filled, or the seconds the caller must wait (nothing reserved).
 */
int ld_throttle_reserve(struct ld_throttle *t, const char *key, bool known,
			const char *address, time_t now,
			ld_throttle_ticket *tk);
/* Settle a reserved attempt. */
void ld_throttle_settle(struct ld_throttle *t, ld_throttle_ticket *tk,
			enum ld_attempt outcome, time_t now);

/* The plain form, for requests that count whatever their outcome (codes
 * sent to a phone): seconds to wait before another (0: go ahead), and
 * count one. Keys are not `known`. */
int ld_throttle_wait(struct ld_throttle *t, const char *key,
		     const char *address, time_t now);
void ld_throttle_failure(struct ld_throttle *t, const char *key,
			 const char *address, time_t now);

void ld_throttle_stats(struct ld_throttle *t, struct ld_throttle_stats *out);

#endif
