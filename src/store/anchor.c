/*
 * anchor.c — the anchor log: its records' text, signing and checking them,
 * appending under a lock shared with other processes, reading it back.
 */
#include "store/anchor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/keyring.h"
#include "crypto/sm3.h"
#include "store/audit.h"

#define PATH_LEN 4096
/* A record is about 300 bytes (a restore record about 500). */
#define LINE_MAX_LEN 2048
#define CHUNK 65536

static const char zeros[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

struct ld_anchor_log {
	pthread_mutex_t lock; /* one append or read at a time in here ... */
	int fd;		      /* ... and flock on fd against other processes */
	ld_sm2_key *key;
	char key_id[LD_SM2_KEY_ID_LEN + 1];
	char dir[PATH_LEN];
};

static const char *const kind_names[] = {
	[LD_ANCHOR_CHECKPOINT] = "checkpoint",
	[LD_ANCHOR_BACKUP] = "backup",
	[LD_ANCHOR_RESTORE] = "restore",
	[LD_ANCHOR_CLOSE] = "close",
};

const char *ld_anchor_kind_name(enum ld_anchor_kind k)
{
	return (unsigned)k <= LD_ANCHOR_CLOSE ? kind_names[k] : "?";
}

bool ld_anchor_kind_closes(enum ld_anchor_kind k)
{
	return k == LD_ANCHOR_CLOSE || k == LD_ANCHOR_RESTORE;
}

/* ---- the text of a record --------------------------------------------- */

static bool only(const char *s, const char *set, size_t max)
{
	size_t n = strlen(s);
	return n > 0 && n <= max && strspn(s, set) == n;
}

static bool is_hash(const char *s)
{
	return strlen(s) == 64 && only(s, "0123456789abcdef", 64);
}

#define TIME_CHARS "0123456789-:.TZ"
#define BY_CHARS                                                            \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-"

/* Whether the fields the caller fills make a record that can be written
 * and read back. */
static bool fields_valid(const ld_anchor *r)
{
	if ((unsigned)r->kind > LD_ANCHOR_CLOSE || r->seq < 0 ||
	    !is_hash(r->hash) || !only(r->at, TIME_CHARS, 31))
		return false;
	if (r->kind == LD_ANCHOR_CHECKPOINT || r->kind == LD_ANCHOR_CLOSE)
		return true;
	if (!is_hash(r->manifest))
		return false;
	if (r->kind == LD_ANCHOR_BACKUP)
		return true;
	return r->lost_from >= 0 && r->lost_to >= 0 &&
	       only(r->backup_at, TIME_CHARS, 31) && only(r->by, BY_CHARS, 64);
}

struct text {
	char *p;
	size_t len, cap;
	bool overflow;
};

static void addf(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= t->cap - t->len)
		t->overflow = true;
	else
		t->len += (size_t)k;
}

/* The signed part of the record: the line up to " sig=". */
static void format_signed(const ld_anchor *r, struct text *t)
{
	addf(t, "LDA1 n=%" PRId64 " kind=%s at=%s seq=%" PRId64 " hash=%s", r->n,
	     kind_names[r->kind], r->at, r->seq, r->hash);
	if (r->kind == LD_ANCHOR_BACKUP)
		addf(t, " manifest=%s", r->manifest);
	if (r->kind == LD_ANCHOR_RESTORE)
		addf(t,
		     " lost_from=%" PRId64 " lost_to=%" PRId64
		     " backup_at=%s manifest=%s by=%s",
		     r->lost_from, r->lost_to, r->backup_at, r->manifest, r->by);
	addf(t, " prev=%s key=%s", r->prev, r->key_id);
}

struct cursor {
	const char *p, *end;
	bool ok;
};

/* Take "key=value" (and the space after it) into out. */
static void take(struct cursor *c, const char *key, char *out, size_t cap)
{
	if (!c->ok)
		return;
	size_t kl = strlen(key);
	if ((size_t)(c->end - c->p) <= kl || memcmp(c->p, key, kl) != 0 ||
	    c->p[kl] != '=') {
		c->ok = false;
		return;
	}
	const char *v = c->p + kl + 1;
	const char *e = memchr(v, ' ', (size_t)(c->end - v));
	if (!e)
		e = c->end;
	size_t n = (size_t)(e - v);
	if (n == 0 || n >= cap) {
		c->ok = false;
		return;
	}
	memcpy(out, v, n);
	out[n] = '\0';
	c->p = e < c->end ? e + 1 : e;
}

static void take_num(struct cursor *c, const char *key, int64_t *out)
{
	char v[24];
	take(c, key, v, sizeof v);
	if (!c->ok)
		return;
	if (!only(v, "0123456789", 18) || (v[0] == '0' && v[1])) {
		c->ok = false;
		return;
	}
	*out = strtoll(v, NULL, 10);
}

static int hex_val(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/*
 * Parse one line (without its newline) strictly: every field in its place,
 * nothing more. *signed_len is the length of the part the signature
 * covers. False when the line is not a record.
 */
static bool parse_line(const char *line, size_t len, ld_anchor *r,
		       size_t *signed_len, unsigned char sig[LD_SM2_SIG_MAX],
		       size_t *sig_len)
{
	memset(r, 0, sizeof *r);
	if (len > LINE_MAX_LEN || len < 5 || memcmp(line, "LDA1 ", 5) != 0)
		return false;
	struct cursor c = {line + 5, line + len, true};
	char kind[16], sighex[2 * LD_SM2_SIG_MAX + 2];
	take_num(&c, "n", &r->n);
	take(&c, "kind", kind, sizeof kind);
	if (!c.ok)
		return false;
	if (strcmp(kind, "checkpoint") == 0)
		r->kind = LD_ANCHOR_CHECKPOINT;
	else if (strcmp(kind, "backup") == 0)
		r->kind = LD_ANCHOR_BACKUP;
	else if (strcmp(kind, "restore") == 0)
		r->kind = LD_ANCHOR_RESTORE;
	else if (strcmp(kind, "close") == 0)
		r->kind = LD_ANCHOR_CLOSE;
	else
		return false;
	take(&c, "at", r->at, sizeof r->at);
	take_num(&c, "seq", &r->seq);
	take(&c, "hash", r->hash, sizeof r->hash);
	if (r->kind == LD_ANCHOR_BACKUP)
		take(&c, "manifest", r->manifest, sizeof r->manifest);
	if (r->kind == LD_ANCHOR_RESTORE) {
		take_num(&c, "lost_from", &r->lost_from);
		take_num(&c, "lost_to", &r->lost_to);
		take(&c, "backup_at", r->backup_at, sizeof r->backup_at);
		take(&c, "manifest", r->manifest, sizeof r->manifest);
		take(&c, "by", r->by, sizeof r->by);
	}
	take(&c, "prev", r->prev, sizeof r->prev);
	take(&c, "key", r->key_id, sizeof r->key_id);
	if (!c.ok || c.p - line < 1)
		return false;
	*signed_len = (size_t)(c.p - line) - 1; /* before " sig=" */
	take(&c, "sig", sighex, sizeof sighex);
	if (!c.ok || c.p != c.end || r->n < 1 || !fields_valid(r) ||
	    !is_hash(r->prev) || !ld_keyring_id_is_valid(r->key_id))
		return false;
	size_t hl = strlen(sighex);
	if (hl % 2 || hl / 2 > LD_SM2_SIG_MAX)
		return false;
	for (size_t i = 0; i < hl / 2; i++) {
		int hi = hex_val(sighex[2 * i]), lo = hex_val(sighex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		sig[i] = (unsigned char)(hi << 4 | lo);
	}
	*sig_len = hl / 2;
	return ld_sm3_hex(line, len, r->line_hash) == LD_OK;
}

/* Parse a line and check its signature with key. */
static bool record_valid(const char *line, size_t len, const ld_sm2_key *key,
			 ld_anchor *r)
{
	unsigned char sig[LD_SM2_SIG_MAX];
	size_t signed_len, sig_len;
	return parse_line(line, len, r, &signed_len, sig, &sig_len) &&
	       ld_sm2_verify(key, line, signed_len, sig, sig_len);
}

/* ---- reading from the end --------------------------------------------- */

static bool read_at(int fd, char *buf, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t k = pread(fd, buf, n, off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		buf += k;
		n -= (size_t)k;
		off += k;
	}
	return true;
}

/* Where the last complete line ends (the log without a torn last line).
 * LD_EINVAL when the tail holds no line end within a line's length. */
static ld_status complete_end(int fd, off_t *end)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return LD_EIO;
	off_t size = st.st_size;
	size_t n = size < LINE_MAX_LEN + 1 ? (size_t)size : LINE_MAX_LEN + 1;
	char buf[LINE_MAX_LEN + 1];
	if (n && !read_at(fd, buf, n, size - (off_t)n))
		return LD_EIO;
	size_t i = n;
	while (i > 0 && buf[i - 1] != '\n')
		i--;
	if (i == 0 && n == LINE_MAX_LEN + 1)
		return LD_EINVAL;
	*end = size - (off_t)(n - i);
	return LD_OK;
}

/* Call fn for each complete line of the file, the last first, until fn
 * returns non-zero. LD_EINVAL for a line longer than any record. */
static ld_status lines_back(int fd, int (*fn)(void *, const char *, size_t),
			    void *ctx)
{
	off_t pos;
	ld_status rc = complete_end(fd, &pos);
	if (rc != LD_OK)
		return rc;
	char *buf = malloc(CHUNK + LINE_MAX_LEN + 2);
	if (!buf)
		return LD_ENOMEM;
	/* buf[CHUNK, CHUNK + carry) holds the front of the region read last:
	 * the end of a line whose start lies further back, with its '\n'. */
	size_t carry = 0;
	bool stop = false;
	while (pos > 0 && !stop) {
		size_t n = pos < CHUNK ? (size_t)pos : CHUNK;
		pos -= (off_t)n;
		if (!read_at(fd, buf + CHUNK - n, n, pos)) {
			rc = LD_EIO;
			break;
		}
		char *start = buf + CHUNK - n;
		char *e = buf + CHUNK + carry; /* one past a line's '\n' */
		for (;;) {
			char *q = e - 1; /* its '\n' */
			while (q > start && q[-1] != '\n')
				q--;
			if (q == start && pos > 0) {
				carry = (size_t)(e - start);
				if (carry > LINE_MAX_LEN + 1) {
					rc = LD_EINVAL;
					stop = true;
				} else {
					memmove(buf + CHUNK, start, carry);
				}
				break;
			}
			if (fn(ctx, q, (size_t)(e - 1 - q)) != 0) {
				stop = true;
				break;
			}
			if (q == start) {
				stop = true;
				break;
			}
			e = q;
		}
	}
	free(buf);
	return rc;
}

struct back_ctx {
	const ld_anchor_log *a;
	size_t left; /* records still wanted, or SIZE_MAX */
	ld_anchor_fn fn;
	void *ctx;
	ld_error *err;
	ld_status rc;
};

static int back_one(void *p, const char *line, size_t len)
{
	struct back_ctx *b = p;
	ld_anchor r;
	if (!record_valid(line, len, b->a->key, &r)) {
		b->rc = ld_fail(b->err, LD_EINVAL, "anchor_dir",
				"锚点日志 %s/" LD_ANCHOR_LOG " 中有无效的记录（格式或签名"
				"不符），请运行 liudong audit verify 核查",
				b->a->dir);
		return 1;
	}
	if (b->fn(b->ctx, &r) != 0)
		return 1;
	return --b->left == 0;
}

static ld_status each_back_locked(ld_anchor_log *a, size_t max,
				  ld_anchor_fn fn, void *ctx, ld_error *err)
{
	struct back_ctx b = {a, max ? max : SIZE_MAX, fn, ctx, err, LD_OK};
	ld_status rc = lines_back(a->fd, back_one, &b);
	if (rc == LD_OK)
		return b.rc;
	if (rc == LD_EINVAL)
		return ld_fail(err, rc, "anchor_dir",
			       "锚点日志 %s/" LD_ANCHOR_LOG " 中有过长的行，不是锚点记录",
			       a->dir);
	return ld_fail(err, rc, "anchor_dir", "无法读取锚点日志 %s/" LD_ANCHOR_LOG,
		       a->dir);
}

ld_status ld_anchor_each_back(ld_anchor_log *a, size_t max, ld_anchor_fn fn,
			      void *ctx, ld_error *err)
{
	pthread_mutex_lock(&a->lock);
	ld_status rc = LD_EIO;
	if (flock(a->fd, LOCK_SH) == 0) {
		rc = each_back_locked(a, max, fn, ctx, err);
		flock(a->fd, LOCK_UN);
	} else {
		ld_fail(err, rc, "anchor_dir", "无法锁定锚点日志：%s",
			strerror(errno));
	}
	pthread_mutex_unlock(&a->lock);
	return rc;
}

static int keep_first(void *ctx, const ld_anchor *r)
{
	*(ld_anchor *)ctx = *r;
	return 1;
}

ld_status ld_anchor_last(ld_anchor_log *a, ld_anchor *out, ld_error *err)
{
	out->n = 0;
	ld_status rc = ld_anchor_each_back(a, 1, keep_first, out, err);
	if (rc == LD_OK && out->n == 0)
		return LD_ENOTFOUND;
	return rc;
}

/* ---- opening and appending -------------------------------------------- */

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static bool path_of(char out[PATH_LEN], const char *dir, const char *name)
{
	int n = snprintf(out, PATH_LEN, "%s/%s", dir, name);
	return n > 0 && n < PATH_LEN;
}

ld_status ld_anchor_open(const char *dir, bool create, ld_anchor_log **out,
			 bool *created, ld_error *err)
{
	char log[PATH_LEN], current[PATH_LEN];
	struct stat st;
	if (created)
		*created = false;
	if (strlen(dir) >= PATH_LEN - 32 || !path_of(log, dir, LD_ANCHOR_LOG) ||
	    !path_of(current, dir, "keys/current"))
		return ld_fail(err, LD_EINVAL, "anchor_dir", "锚点目录路径过长");
	bool exists = stat(dir, &st) == 0;
	if (exists && !S_ISDIR(st.st_mode))
		return ld_fail(err, LD_EINVAL, "anchor_dir", "%s 不是目录", dir);
	if (!exists && !create)
		return ld_fail(err, LD_ENOTFOUND, "anchor_dir",
			       "锚点目录 %s 不存在", dir);
	bool have_log = stat(log, &st) == 0;
	bool have_key = stat(current, &st) == 0;
	if (!have_key && have_log)
		return ld_fail(err, LD_EINVAL, "anchor_dir",
			       "锚点目录 %s 中有锚点日志却没有它的签名密钥", dir);
	char id[LD_SM2_KEY_ID_LEN + 1];
	if (!have_key) {
		if (!create)
			return ld_fail(err, LD_ENOTFOUND, "anchor_dir",
				       "锚点目录 %s 中没有锚点日志", dir);
		ld_status rc = ld_keyring_generate(dir, true, id, err);
		if (rc != LD_OK)
			return rc;
	}
	ld_anchor_log *a = calloc(1, sizeof *a);
	if (!a)
		return ld_fail(err, LD_ENOMEM, NULL, "内存不足");
	snprintf(a->dir, sizeof a->dir, "%s", dir);
	ld_status rc = ld_keyring_load_signer(dir, &a->key, a->key_id, err);
	if (rc != LD_OK)
		goto fail;
	a->fd = open(log, O_RDWR | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0),
		     0600);
	if (a->fd < 0) {
		rc = ld_fail(err, errno == ENOENT ? LD_ENOTFOUND : LD_EIO,
			     "anchor_dir", "无法打开锚点日志 %s：%s", log,
			     strerror(errno));
		goto fail_key;
	}
	if (!have_log)
		sync_dir(dir);
	pthread_mutex_init(&a->lock, NULL);
	if (created) {
		/* New, or still empty: nothing anchors yet. */
		*created = fstat(a->fd, &st) == 0 && st.st_size == 0;
	}
	*out = a;
	return LD_OK;
fail_key:
	ld_sm2_free(a->key);
fail:
	free(a);
	return rc;
}

void ld_anchor_close(ld_anchor_log *a)
{
	if (!a)
		return;
	close(a->fd);
	ld_sm2_free(a->key);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

const char *ld_anchor_dir(const ld_anchor_log *a)
{
	return a->dir;
}

const char *ld_anchor_key_id(const ld_anchor_log *a)
{
	return a->key_id;
}

/* An append cut short by a crash left a line without its newline: remove
 * it (holding the exclusive lock), so the next record starts a line. */
static ld_status cut_torn_tail(ld_anchor_log *a, ld_error *err)
{
	struct stat st;
	off_t end;
	ld_status rc = complete_end(a->fd, &end);
	if (rc == LD_OK && fstat(a->fd, &st) != 0)
		rc = LD_EIO;
	if (rc != LD_OK)
		return ld_fail(err, rc, "anchor_dir",
			       "锚点日志 %s/" LD_ANCHOR_LOG " 的末尾无法读取或不是记录",
			       a->dir);
	if (end == st.st_size)
		return LD_OK;
	fprintf(stderr,
		"liudong: 锚点日志末尾有一条未写完的记录（写入时中断），已删去 "
		"(removed a record cut short at the end of %s/" LD_ANCHOR_LOG ")\n",
		a->dir);
	if (ftruncate(a->fd, end) != 0 || fdatasync(a->fd) != 0)
		return ld_fail(err, LD_EIO, "anchor_dir", "无法修整锚点日志：%s",
			       strerror(errno));
	return LD_OK;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

static ld_status append_locked(ld_anchor_log *a, ld_anchor *rec,
			       ld_error *err)
{
	ld_status rc = cut_torn_tail(a, err);
	if (rc != LD_OK)
		return rc;
	ld_anchor last = {.n = 0};
	rc = each_back_locked(a, 1, keep_first, &last, err);
	if (rc != LD_OK)
		return rc;
	rec->n = last.n + 1;
	memcpy(rec->prev, last.n ? last.line_hash : zeros, sizeof rec->prev);
	memcpy(rec->key_id, a->key_id, sizeof rec->key_id);
	if (!rec->at[0])
		ld_audit_now(rec->at);
	if (!fields_valid(rec))
		return ld_fail(err, LD_EINVAL, "anchor", "锚点记录的内容无效");

	char line[LINE_MAX_LEN + 2];
	struct text t = {line, 0, sizeof line, false};
	format_signed(rec, &t);
	unsigned char sig[LD_SM2_SIG_MAX];
	size_t sig_len = 0;
	if (t.overflow)
		return ld_fail(err, LD_EINVAL, "anchor", "锚点记录过长");
	if (ld_sm2_sign(a->key, line, t.len, sig, &sig_len) != LD_OK)
		return ld_fail(err, LD_EINTERNAL, "anchor", "锚点记录签名失败");
	addf(&t, " sig=");
	for (size_t i = 0; i < sig_len; i++)
		addf(&t, "%02x", sig[i]);
	if (t.overflow || t.len > LINE_MAX_LEN)
		return ld_fail(err, LD_EINVAL, "anchor", "锚点记录过长");
	if (ld_sm3_hex(line, t.len, rec->line_hash) != LD_OK)
		return ld_fail(err, LD_EINTERNAL, "anchor", "无法计算摘要");
	addf(&t, "\n");
	if (!write_all(a->fd, line, t.len) || fdatasync(a->fd) != 0)
		return ld_fail(err, LD_EIO, "anchor_dir",
			       "无法写入锚点日志 %s/" LD_ANCHOR_LOG "：%s", a->dir,
			       strerror(errno));
	return LD_OK;
}

ld_status ld_anchor_append(ld_anchor_log *a, ld_anchor *rec, ld_error *err)
{
	pthread_mutex_lock(&a->lock);
	ld_status rc;
	if (flock(a->fd, LOCK_EX) != 0) {
		rc = ld_fail(err, LD_EIO, "anchor_dir", "无法锁定锚点日志：%s",
			     strerror(errno));
	} else {
		rc = append_locked(a, rec, err);
		flock(a->fd, LOCK_UN);
	}
	pthread_mutex_unlock(&a->lock);
	return rc;
}

/* ---- reading the whole log -------------------------------------------- */

#define KEY_CACHE 8

struct key_cache {
	int n;
	char id[KEY_CACHE][LD_SM2_KEY_ID_LEN + 1];
	ld_sm2_key *key[KEY_CACHE];
};

static ld_sm2_key *key_for(struct key_cache *kc, const char *path,
			   const char *id)
{
	for (int i = 0; i < kc->n; i++)
		if (strcmp(kc->id[i], id) == 0)
			return kc->key[i];
	ld_sm2_key *k;
	if (ld_keyring_load_public(path, id, &k, NULL) != LD_OK)
		return NULL;
	if (kc->n == KEY_CACHE) {
		ld_sm2_free(kc->key[KEY_CACHE - 1]);
		kc->n--;
	}
	memcpy(kc->id[kc->n], id, LD_SM2_KEY_ID_LEN + 1);
	kc->key[kc->n++] = k;
	return k;
}

static void problem(ld_anchor_list *l, int64_t n, const char *en,
		    const char *zh)
{
	l->bad_n = n;
	snprintf(l->problem, sizeof l->problem, "anchor record %" PRId64 " %s",
		 n, en);
	snprintf(l->problem_zh, sizeof l->problem_zh, "锚点记录第 %" PRId64 " 条%s",
		 n, zh);
}

static bool push(ld_anchor_list *l, size_t *cap, const ld_anchor *r)
{
	if (l->n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		ld_anchor *p = realloc(l->rec, c * sizeof *p);
		if (!p)
			return false;
		l->rec = p;
		*cap = c;
	}
	l->rec[l->n++] = *r;
	return true;
}

ld_status ld_anchor_read_all(const char *dir, const char *public_key,
			     ld_anchor_list *list, ld_error *err)
{
	char log[PATH_LEN], keys[PATH_LEN];
	memset(list, 0, sizeof *list);
	if (!path_of(log, dir, LD_ANCHOR_LOG) || !path_of(keys, dir, "keys"))
		return ld_fail(err, LD_EINVAL, "anchor_dir", "锚点目录路径过长");
	int fd = open(log, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ld_fail(err, errno == ENOENT ? LD_ENOTFOUND : LD_EIO,
			       "anchor_dir", "无法打开锚点日志 %s：%s", log,
			       strerror(errno));
	flock(fd, LOCK_SH); /* whole records only, not one being appended */
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return ld_fail(err, LD_ENOMEM, NULL, "内存不足");
	}
	struct key_cache kc = {.n = 0};
	const char *trusted = public_key ? public_key : keys;
	char prev[65];
	memcpy(prev, zeros, sizeof prev);
	size_t cap = 0;
	char *line = NULL;
	size_t line_cap = 0;
	ssize_t len;
	ld_status rc = LD_OK;
	for (int64_t expect = 1; (len = getline(&line, &line_cap, f)) > 0;
	     expect++) {
		if (line[len - 1] != '\n') {
			list->torn = true; /* the last line, cut short */
			break;
		}
		line[--len] = '\0';
		ld_anchor r;
		unsigned char sig[LD_SM2_SIG_MAX];
		size_t signed_len, sig_len;
		if (!parse_line(line, (size_t)len, &r, &signed_len, sig,
				&sig_len)) {
			problem(list, expect, "is malformed", "格式错误");
			break;
		}
		if (r.n != expect) {
			problem(list, expect,
				"is out of order (records were removed or added)",
				"编号不连续（有记录被删除或插入）");
			break;
		}
		if (strcmp(r.prev, prev) != 0) {
			problem(list, expect,
				"does not link to the record before it",
				"与前一条记录不衔接");
			break;
		}
		ld_sm2_key *k = key_for(&kc, trusted, r.key_id);
		if (!k) {
			char en[120], zh[120];
			snprintf(en, sizeof en,
				 "is signed by key %s, not a trusted anchor key",
				 r.key_id);
			snprintf(zh, sizeof zh, "由密钥 %s 签名，不是可信的锚点密钥",
				 r.key_id);
			problem(list, expect, en, zh);
			break;
		}
		if (!ld_sm2_verify(k, line, signed_len, sig, sig_len)) {
			problem(list, expect, "has an invalid signature (altered)",
				"签名无效（已被改动）");
			break;
		}
		if (!push(list, &cap, &r)) {
			rc = ld_fail(err, LD_ENOMEM, NULL, "内存不足");
			break;
		}
		memcpy(prev, r.line_hash, sizeof prev);
	}
	if (rc == LD_OK && ferror(f))
		rc = ld_fail(err, LD_EIO, "anchor_dir", "无法读取锚点日志 %s", log);
	free(line);
	fclose(f);
	for (int i = 0; i < kc.n; i++)
		ld_sm2_free(kc.key[i]);
	if (rc != LD_OK)
		ld_anchor_list_release(list);
	return rc;
}

void ld_anchor_list_release(ld_anchor_list *list)
{
	free(list->rec);
	list->rec = NULL;
	list->n = 0;
}

/* ---- copying the log ---------------------------------------------------- */

/* The length of the records of fd (a copy, whole records) before the
 * first that anchors an entry after max_seq. */
static ld_status records_upto(int fd, int64_t max_seq, off_t *keep)
{
	FILE *f = fdopen(dup(fd), "r");
	if (!f)
		return LD_EIO;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	off_t off = 0;
	ld_status rc = LD_OK;
	*keep = -1;
	while ((len = getline(&line, &cap, f)) > 0) {
		ld_anchor r;
		size_t signed_len, sig_len;
		unsigned char sig[LD_SM2_SIG_MAX];
		size_t n = (size_t)len - (line[len - 1] == '\n');
		if (parse_line(line, n, &r, &signed_len, sig, &sig_len) &&
		    r.seq > max_seq) {
			*keep = off;
			break;
		}
		off += len;
	}
	if (ferror(f))
		rc = LD_EIO;
	free(line);
	fclose(f);
	return rc;
}

ld_status ld_anchor_copy(const char *dir, const char *dest, int64_t max_seq,
			 ld_error *err)
{
	char log[PATH_LEN];
	if (!path_of(log, dir, LD_ANCHOR_LOG))
		return ld_fail(err, LD_EINVAL, "anchor_dir", "锚点目录路径过长");
	int in = open(log, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return ld_fail(err, errno == ENOENT ? LD_ENOTFOUND : LD_EIO,
			       "anchor_dir", "无法打开锚点日志 %s：%s", log,
			       strerror(errno));
	int out = open(dest, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		int e = errno;
		close(in);
		return ld_fail(err, LD_EIO, "to", "无法创建 %s：%s", dest,
			       strerror(e));
	}
	ld_status rc = LD_OK;
	off_t end = 0;
	char *buf = malloc(CHUNK);
	/* Whole records only: not one being appended, not a torn one. */
	if (!buf || flock(in, LOCK_SH) != 0 || complete_end(in, &end) != LD_OK)
		rc = LD_EIO;
	for (off_t off = 0; rc == LD_OK && off < end;) {
		size_t n = end - off < CHUNK ? (size_t)(end - off) : CHUNK;
		if (!read_at(in, buf, n, off) || !write_all(out, buf, n))
			rc = LD_EIO;
		off += (off_t)n;
	}
	off_t keep = -1;
	if (rc == LD_OK && max_seq >= 0 &&
	    (lseek(out, 0, SEEK_SET) != 0 ||
	     records_upto(out, max_seq, &keep) != LD_OK ||
	     (keep >= 0 && ftruncate(out, keep) != 0)))
		rc = LD_EIO;
	if (rc == LD_OK && fsync(out) != 0)
		rc = LD_EIO;
	free(buf);
	close(in);
	if (close(out) != 0)
		rc = LD_EIO;
	if (rc != LD_OK) {
		unlink(dest);
		return ld_fail(err, rc, "to", "无法复制锚点日志 %s 到 %s", log,
			       dest);
	}
	return LD_OK;
}
