/*
 * t_throttle.c — failed-attempt counters (src/http/throttle.c): five per
 * account whatever the concurrency (attempts are reserved before they are
 * checked), whatever the table pressure (no live counter is ever evicted),
 * whatever the address; twenty per address, IPv6 per /64; and what happens
 * when the tables are full. Time is an argument, so no test waits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/throttle.h"

#define T0 1000000

static struct ld_throttle *make(void)
{
	struct ld_throttle *t = ld_throttle_new(&ld_login_limits);
	assert_non_null(t);
	return t;
}

/* One checked attempt with the given outcome; the wait when refused. */
static int attempt(struct ld_throttle *t, const char *key, bool known,
		   const char *addr, time_t now, enum ld_attempt outcome)
{
	ld_throttle_ticket tk;
	int wait = ld_throttle_reserve(t, key, known, addr, now, &tk);
	if (wait == 0)
		ld_throttle_settle(t, &tk, outcome, now);
	return wait;
}

static void five_failures_lock_for_fifteen_minutes(void **state)
{
	struct ld_throttle *t = make();
	for (int i = 0; i < 5; i++)
		assert_int_equal(attempt(t, "alice", true, "192.0.2.1", T0 + i,
					 LD_ATTEMPT_FAILED),
				 0);
	/* Locked: even the right password is not checked. */
	assert_int_equal(attempt(t, "alice", true, "192.0.2.2", T0 + 5,
				 LD_ATTEMPT_SUCCEEDED),
			 900 - 1);
	assert_true(attempt(t, "alice", true, "192.0.2.3", T0 + 903,
			    LD_ATTEMPT_SUCCEEDED) > 0);
	assert_int_equal(attempt(t, "alice", true, "192.0.2.3", T0 + 904,
				 LD_ATTEMPT_SUCCEEDED),
			 0);
	ld_throttle_free(t);
}

static void attempts_in_flight_count(void **state)
{
	struct ld_throttle *t = make();
	ld_throttle_ticket tk[40];
	int reserved = 0;
	for (int i = 0; i < 40; i++)
		if (ld_throttle_reserve(t, "bob", true, "192.0.2.1", T0,
					&tk[reserved]) == 0)
			reserved++;
	assert_int_equal(reserved, 5);
	/* An unchecked attempt (the client left) gives its place back. */
	ld_throttle_settle(t, &tk[4], LD_ATTEMPT_UNCHECKED, T0);
	assert_int_equal(ld_throttle_reserve(t, "bob", true, "192.0.2.1", T0,
					     &tk[4]),
			 0);
	for (int i = 0; i < 5; i++)
		ld_throttle_settle(t, &tk[i], LD_ATTEMPT_FAILED, T0);
	assert_int_equal(attempt(t, "bob", true, "192.0.2.9", T0 + 1,
				 LD_ATTEMPT_SUCCEEDED),
			 899);
	ld_throttle_free(t);
}

static void success_clears_the_account_not_the_address(void **state)
{
	struct ld_throttle *t = make();
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 4; i++)
			assert_int_equal(attempt(t, "carol", true, "192.0.2.1",
						 T0, LD_ATTEMPT_FAILED),
					 0);
		assert_int_equal(attempt(t, "carol", true, "192.0.2.1", T0,
					 LD_ATTEMPT_SUCCEEDED),
				 0);
	}
	/* 20 failures from the address, whatever the successes between:
	 * one's own account must not reset the count of guesses at others'. */
	for (int i = 0; i < 4; i++)
		assert_int_equal(attempt(t, "dave", true, "192.0.2.1", T0,
					 LD_ATTEMPT_FAILED),
				 0);
	assert_true(attempt(t, "carol", true, "192.0.2.1", T0,
			    LD_ATTEMPT_SUCCEEDED) > 0);
	ld_throttle_free(t);
}

static void window_of_fifteen_minutes(void **state)
{
	struct ld_throttle *t = make();
	for (int i = 0; i < 4; i++)
		attempt(t, "erin", true, "192.0.2.1", T0, LD_ATTEMPT_FAILED);
	/* The window has passed: the count starts again. */
	for (int i = 0; i < 4; i++)
		assert_int_equal(attempt(t, "erin", true, "192.0.2.1",
					 T0 + 900, LD_ATTEMPT_FAILED),
				 0);
	assert_int_equal(attempt(t, "erin", true, "192.0.2.1", T0 + 901,
				 LD_ATTEMPT_FAILED),
			 0);
	assert_true(attempt(t, "erin", true, "192.0.2.1", T0 + 902,
			    LD_ATTEMPT_FAILED) > 0);
	ld_throttle_free(t);
}

static void addresses_and_ipv6_prefixes(void **state)
{
	struct ld_throttle *t = make();
	char name[32], addr[64];
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "u%d", i);
		snprintf(addr, sizeof addr, "2001:db8:0:1::%x", i + 1);
		assert_int_equal(attempt(t, name, false, addr, T0,
					 LD_ATTEMPT_FAILED),
				 0);
	}
	/* The whole /64 is one client. */
	assert_true(attempt(t, "v", false, "2001:db8:0:1:ffff::", T0,
			    LD_ATTEMPT_FAILED) > 0);
	assert_int_equal(attempt(t, "v", false, "2001:db8:0:2::1", T0,
				 LD_ATTEMPT_FAILED),
			 0);
	/* An IPv4-mapped address is its IPv4 address. */
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "w%d", i);
		attempt(t, name, false, "198.51.100.1", T0, LD_ATTEMPT_FAILED);
	}
	assert_true(attempt(t, "x", false, "::ffff:198.51.100.1", T0,
			    LD_ATTEMPT_FAILED) > 0);
	ld_throttle_free(t);
}

/* Many other keys and addresses, each failing once, from `count` on. */
static void pressure(struct ld_throttle *t, int from, int count, time_t now)
{
	char name[32], addr[32];
	for (int i = from; i < from + count; i++) {
		snprintf(name, sizeof name, "flood%d", i);
		snprintf(addr, sizeof addr, "10.%d.%d.%d", i >> 16 & 255,
			 i >> 8 & 255, i & 255);
		ld_throttle_failure(t, name, addr, now);
	}
}

static void no_live_counter_is_evicted(void **state)
{
	struct ld_throttle *t = make();
	for (int i = 0; i < 5; i++)
		attempt(t, "frank", true, "192.0.2.1", T0, LD_ATTEMPT_FAILED);
	for (int i = 0; i < 20; i++)
		ld_throttle_failure(t, "otp:x", "192.0.2.77", T0);
	/* Both tables fill past their caps. */
	pressure(t, 0, LD_THROTTLE_KEY_CAP + 5000, T0 + 1);
	struct ld_throttle_stats st;
	ld_throttle_stats(t, &st);
	assert_true(st.keys >= LD_THROTTLE_KEY_CAP);
	assert_true(st.addresses <= LD_THROTTLE_ADDRESS_CAP);
	assert_true(st.addresses_uncounted == 0); /* ld_throttle_failure */
	assert_true(attempt(t, "frank", true, "192.0.2.9", T0 + 2,
			    LD_ATTEMPT_SUCCEEDED) > 0);
	assert_true(ld_throttle_wait(t, "otp:y", "192.0.2.77", T0 + 2) > 0);
	/* An unknown name past the cap is counted in a shared counter: it is
	 * locked after at most five of its own failures. */
	int checked = 0;
	while (attempt(t, "late_name", false, "192.0.2.50", T0 + 3,
		       LD_ATTEMPT_FAILED) == 0)
		checked++;
	assert_true(checked <= 5);
	ld_throttle_stats(t, &st);
	assert_true(st.keys_overflowed > 0);
	/* A new address past the cap is not counted, but its account is. */
	ld_throttle_ticket tk;
	assert_int_equal(ld_throttle_reserve(t, "grace", true, "203.0.113.1",
					     T0 + 3, &tk),
			 0);
	ld_throttle_settle(t, &tk, LD_ATTEMPT_FAILED, T0 + 3);
	ld_throttle_stats(t, &st);
	assert_true(st.addresses_uncounted > 0);
	/* Once the flood's counters are idle, they make room again. */
	uint64_t uncounted = st.addresses_uncounted;
	pressure(t, 10000000, 1000, T0 + 2000);
	assert_int_equal(ld_throttle_reserve(t, "grace", true, "203.0.113.2",
					     T0 + 2000, &tk),
			 0);
	ld_throttle_settle(t, &tk, LD_ATTEMPT_FAILED, T0 + 2000);
	ld_throttle_stats(t, &st);
	assert_true(st.addresses_uncounted == uncounted);
	ld_throttle_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(five_failures_lock_for_fifteen_minutes),
		cmocka_unit_test(attempts_in_flight_count),
		cmocka_unit_test(success_clears_the_account_not_the_address),
		cmocka_unit_test(window_of_fifteen_minutes),
		cmocka_unit_test(addresses_and_ipv6_prefixes),
		cmocka_unit_test(no_live_counter_is_evicted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
