/*
 * audit.c — hashing, appending and verifying the audit chain.
 */
#include "store/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "crypto/sm3.h"

static void field(ld_sm3 *h, const char *s)
{
	char len[24];
	if (!s)
		s = "";
	size_t n = strlen(s);
	int k = snprintf(len, sizeof len, "%zu:", n);
	ld_sm3_update(h, len, (size_t)k);
	ld_sm3_update(h, s, n);
}

ld_status ld_audit_hash(const ld_audit_entry *e, char hash_out[65])
{
	ld_sm3 *h = ld_sm3_thread();
	if (!h)
		return LD_EINTERNAL;
	char num[32];
	field(h, e->prev_hash);
	snprintf(num, sizeof num, "%" PRId64, e->seq);
	field(h, num);
	field(h, e->at);
	snprintf(num, sizeof num, "%" PRId64, (int64_t)e->user_id);
	field(h, num);
	field(h, e->username);
	field(h, e->action);
	field(h, e->target);
	field(h, e->reason);
	field(h, e->result);
	field(h, e->detail);
	return ld_sm3_final_hex(h, hash_out);
}

void ld_audit_now(char out[32])
{
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%06uZ", (unsigned)tv.tv_usec % 1000000u);
}

ld_status ld_audit_append(const struct ld_store_ops *ops, ld_conn *c,
			  ld_audit_head *head, ld_audit_entry *entries, int n)
{
	char hash[65];
	ld_status rc;
	if (!head->loaded) {
		rc = ops->audit_head(c, &head->seq, head->hash);
		if (rc != LD_OK)
			return rc;
		ld_audit_now(head->now);
		head->loaded = true;
	}
	const char *now = head->now;
	for (int i = 0; i < n; i++) {
		ld_audit_entry e = entries[i];
		e.seq = head->seq + 1;
		if (!e.at)
			e.at = now;
		if (!e.result)
			e.result = "ok";
		e.prev_hash = head->hash;
		rc = ld_audit_hash(&e, hash);
		if (rc != LD_OK)
			return rc;
		e.hash = hash;
		rc = ops->audit_insert(c, &e);
		if (rc != LD_OK)
			return rc;
		head->seq = e.seq;
		memcpy(head->hash, hash, sizeof hash);
	}
	return LD_OK;
}

struct verify_ctx {
	ld_audit_report *r;
	char prev[65];
	int64_t expect_seq;
};

static int verify_one(void *p, const ld_audit_entry *e)
{
	struct verify_ctx *v = p;
	char hash[65];
	v->r->entries++;
	if (e->seq != v->expect_seq) {
		v->r->bad_seq = v->expect_seq;
		snprintf(v->r->problem, sizeof v->r->problem,
			 "entry %" PRId64 " is missing (next present is %" PRId64
			 ")",
			 v->expect_seq, e->seq);
		return 1;
	}
	if (!e->prev_hash || strcmp(e->prev_hash, v->prev) != 0) {
		v->r->bad_seq = e->seq;
		snprintf(v->r->problem, sizeof v->r->problem,
			 "entry %" PRId64 " does not link to the entry before it",
			 e->seq);
		return 1;
	}
	if (ld_audit_hash(e, hash) != LD_OK || !e->hash ||
	    strcmp(hash, e->hash) != 0) {
		v->r->bad_seq = e->seq;
		snprintf(v->r->problem, sizeof v->r->problem,
			 "entry %" PRId64 " was altered (hash mismatch)", e->seq);
		return 1;
	}
	memcpy(v->prev, hash, sizeof v->prev);
	v->expect_seq++;
	return 0;
}

ld_status ld_audit_verify(const struct ld_store_ops *ops, ld_conn *c,
			  ld_audit_report *report)
{
	struct verify_ctx v = {.r = report, .expect_seq = 1};
	memset(report, 0, sizeof *report);
	memset(v.prev, '0', 64);
	v.prev[64] = '\0';
	return ops->audit_scan(c, verify_one, &v);
}
