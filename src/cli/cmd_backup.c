/*
 * cmd_backup.c — `liudong backup` and `liudong restore`.
 *
 * backup makes a consistent copy of a data directory while the server runs
 * and writes: the database through the store (a snapshot of everything
 * committed when it began), the files beside it that it needs to be useful
 * (the permit-signing keys, DATA/keys, and whatever else lies there except
 * the database's own files, the lock, the access log and the anchor
 * directory), a copy of the anchor log as of the backup with the anchor
 * public key (never its private key), and manifest.json: every file with
 * its size, mode and SM3, the schema version, the audit chain's head. The
 * backup is then recorded in the live anchor log (a signed "backup" record
 * naming the manifest's SM3).
 *
 * restore checks a backup completely before it touches anything: the
 * manifest and every file's digest, that the backup is recorded in the live
 * anchor log (else it is not this database's, or was altered), the copied
 * database's integrity, and that its audit chain holds every anchor in
 * force up to its head. It refuses while a server holds the data
 * directory's lock. It builds the new data directory beside the old one and
 * swaps the two (one atomic rename where the file system allows), keeps the
 * old one as DATA.replaced-<time>, carries the live anchor directory over
 * when it lives inside DATA (the backup's copy never replaces it), and
 * records the restore in the anchor log: the restored head, the entries
 * known to be lost, when, by whom. See docs/backup.md.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "crypto/sm3.h"
#include "store/anchor.h"
#include "store/audit.h"
#include "store/datalock.h"
#include "store/store.h"
#include "util/json_out.h"

#define MANIFEST "manifest.json"
#define MANIFEST_FORMAT "liudong-backup/1"
#define ANCHOR_COPY "anchor-copy"
#define MANIFEST_MAX (16 << 20)
#define PATH_LEN 4096
#define COPY_CHUNK 65536

/* ---- files ------------------------------------------------------------- */

struct file_entry {
	char path[PATH_LEN]; /* relative to the backup */
	uint64_t size;
	unsigned mode;
	char sm3[65];
};

struct file_list {
	struct file_entry *e;
	size_t n, cap;
};

static bool list_add(struct file_list *l, const struct file_entry *f)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct file_entry *p = realloc(l->e, cap * sizeof *p);
		if (!p)
			return false;
		l->e = p;
		l->cap = cap;
	}
	l->e[l->n++] = *f;
	return true;
}

static bool join(char out[PATH_LEN], const char *a, const char *b)
{
	int n = *b ? snprintf(out, PATH_LEN, "%s/%s", a, b)
		   : snprintf(out, PATH_LEN, "%s", a);
	return n > 0 && n < PATH_LEN;
}

static void sync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* SM3 and size of a whole file; false when it cannot be read. With out
 * >= 0 the bytes are written there too. */
static bool digest_fd(int in, int out, uint64_t *size, char sm3[65])
{
	ld_sm3 *h = ld_sm3_new();
	char *buf = malloc(COPY_CHUNK);
	bool ok = h && buf;
	*size = 0;
	while (ok) {
		ssize_t k = read(in, buf, COPY_CHUNK);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			ok = false;
		if (k <= 0)
			break;
		ld_sm3_update(h, buf, (size_t)k);
		*size += (uint64_t)k;
		for (ssize_t w = 0; ok && out >= 0 && w < k;) {
			ssize_t m = write(out, buf + w, (size_t)(k - w));
			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0)
				ok = false;
			else
				w += m;
		}
	}
	if (ok && ld_sm3_final_hex(h, sm3) != LD_OK)
		ok = false;
	free(buf);
	if (h)
		ld_sm3_free(h);
	return ok;
}

static bool file_digest(const char *path, uint64_t *size, char sm3[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	bool ok = digest_fd(fd, -1, size, sm3);
	close(fd);
	return ok;
}

/* Copy src to the new file dst with mode, flushed; size and SM3 of what was
 * copied. */
static ld_status copy_file(const char *src, const char *dst, unsigned mode,
			   uint64_t *size, char sm3[65], ld_error *err)
{
	int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return ld_fail(err, LD_EIO, NULL, "无法读取 %s：%s", src,
			       strerror(errno));
	int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		int e = errno;
		close(in);
		return ld_fail(err, LD_EIO, NULL, "无法创建 %s：%s", dst,
			       strerror(e));
	}
	bool ok = digest_fd(in, out, size, sm3) &&
		  fchmod(out, (mode_t)(mode & 07777)) == 0 && fsync(out) == 0;
	close(in);
	if (close(out) != 0)
		ok = false;
	if (!ok) {
		unlink(dst);
		return ld_fail(err, LD_EIO, NULL, "无法复制 %s 到 %s", src, dst);
	}
	return LD_OK;
}

/* Remove a directory tree this command made. */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			char p[PATH_LEN];
			struct stat st;
			if (!join(p, path, e->d_name) || lstat(p, &st) != 0)
				continue;
			if (S_ISDIR(st.st_mode))
				remove_tree(p);
			else
				unlink(p);
		}
		closedir(d);
	}
	rmdir(path);
}

/* Make the directories of rel's parent under root (0700). */
static bool make_parents(const char *root, const char *rel)
{
	char p[PATH_LEN];
	if (!join(p, root, rel))
		return false;
	size_t base = strlen(root) + 1;
	for (char *s = p + base; (s = strchr(s, '/')); s++) {
		*s = '\0';
		bool ok = mkdir(p, 0700) == 0 || errno == EEXIST;
		*s = '/';
		if (!ok)
			return false;
	}
	return true;
}

static bool same_path(const char *a, const char *b)
{
	char x[PATH_MAX], y[PATH_MAX];
	return realpath(a, x) && realpath(b, y) && strcmp(x, y) == 0;
}

/* Whether path is dir or lies inside it: by the real paths when path
 * exists, else by its text. */
static bool is_inside(const char *path, const char *dir)
{
	char p[PATH_MAX], d[PATH_MAX];
	if (!realpath(dir, d))
		return false;
	if (!realpath(path, p)) {
		size_t n = strlen(dir);
		return strncmp(path, dir, n) == 0 && path[n] == '/';
	}
	size_t n = strlen(d);
	return strncmp(p, d, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

/* "user@host", in the characters an anchor record allows. */
static void who(char out[65])
{
	char host[256] = "localhost", name[64] = "uid";
	struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_name)
		snprintf(name, sizeof name, "%s", pw->pw_name);
	else
		snprintf(name, sizeof name, "uid%u", (unsigned)geteuid());
	gethostname(host, sizeof host - 1);
	host[sizeof host - 1] = '\0';
	snprintf(out, 65, "%.30s@%.30s", name, host);
	for (char *c = out; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._@-",
			    *c))
			*c = '_';
}

static void utc_stamp(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y%m%dT%H%M%SZ", &tm);
}

static int emit(struct cli_ctx *ctx, ld_jw *w, ld_buf *b)
{
	if (ld_jw_finish(w) != LD_OK) {
		fputs("liudong: 输出失败 (output failed)\n", ctx->err);
		return LD_CLI_FAIL;
	}
	fwrite(b->data, 1, b->len, ctx->out);
	fputc('\n', ctx->out);
	return LD_CLI_OK;
}

/* ---- backup -------------------------------------------------------------- */

static const struct cli_opt backup_opts[] = {
	{"to", OPT_STRING, true, false, NULL,
	 "备份目录：须不存在或为空，且不在数据目录之内",
	 "backup directory: must not exist (or be empty), not inside DATA"},
	{"data", OPT_STRING, false, false, NULL, "数据目录，缺省 ./data",
	 "data directory (default ./data)"},
	{"anchor-dir", OPT_STRING, false, false, NULL,
	 "审计锚点目录，缺省 DATA/anchors", "anchor directory (default "
					     "DATA/anchors)"},
};

static const struct cli_spec backup_spec = {
	"backup --to DEST [--data DIR] [--anchor-dir DIR]",
	"在服务运行时做一致的在线备份：数据库、签名密钥、锚点日志副本和清单",
	"consistent online backup: database, signing keys, a copy of the "
	"anchor log, and a manifest",
	backup_opts, 3, 0, NULL,
};

struct backup {
	const struct ld_store_ops *ops;
	const char *data, *dest, *anchor_dir;
	struct file_list files;
	bool dest_made;	   /* DEST was made here ... */
	bool dest_emptied; /* ... or was an empty directory: ours to clear */
	ld_error err;
};

/* Whether a name directly in DATA is left out: the database's own files
 * (copied through the store), the lock, the access log. */
static bool skip_top(const struct backup *b, const char *name)
{
	size_t n = strlen(b->ops->file);
	return strncmp(name, b->ops->file, n) == 0 ||
	       strcmp(name, LD_DATALOCK_FILE) == 0 ||
	       strcmp(name, "access.log") == 0;
}

static ld_status add_file(struct backup *b, const char *rel)
{
	char path[PATH_LEN];
	struct file_entry f = {.mode = 0600};
	struct stat st;
	if (!join(path, b->dest, rel) || snprintf(f.path, sizeof f.path, "%s",
						  rel) >= (int)sizeof f.path)
		return ld_fail(&b->err, LD_EINVAL, "to", "路径过长");
	if (stat(path, &st) == 0)
		f.mode = st.st_mode & 07777;
	if (!file_digest(path, &f.size, f.sm3))
		return ld_fail(&b->err, LD_EIO, "to", "无法读取 %s", path);
	if (!list_add(&b->files, &f))
		return ld_fail(&b->err, LD_ENOMEM, NULL, "内存不足");
	return LD_OK;
}

/* Copy DATA/rel (a directory) into DEST/rel, recursively. */
static ld_status copy_tree(struct backup *b, const char *rel)
{
	char src[PATH_LEN], dst[PATH_LEN];
	if (!join(src, b->data, rel) || !join(dst, b->dest, rel))
		return ld_fail(&b->err, LD_EINVAL, "data", "路径过长");
	DIR *d = opendir(src);
	if (!d)
		return ld_fail(&b->err, LD_EIO, "data", "无法读取目录 %s：%s", src,
			       strerror(errno));
	ld_status rc = LD_OK;
	struct dirent *e;
	while (rc == LD_OK && (e = readdir(d))) {
		char child[PATH_LEN], from[PATH_LEN], to[PATH_LEN];
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    (!*rel && skip_top(b, e->d_name)))
			continue;
		int k = *rel ? snprintf(child, sizeof child, "%s/%s", rel, e->d_name)
			     : snprintf(child, sizeof child, "%s", e->d_name);
		if (k <= 0 || k >= (int)sizeof child || !join(from, b->data, child) ||
		    !join(to, b->dest, child)) {
			rc = ld_fail(&b->err, LD_EINVAL, "data", "路径过长");
			break;
		}
		if (lstat(from, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (same_path(b->anchor_dir, from))
				continue; /* the live anchors: copied apart */
			if (mkdir(to, 0700) != 0) {
				rc = ld_fail(&b->err, LD_EIO, "to",
					     "无法创建目录 %s：%s", to,
					     strerror(errno));
				break;
			}
			rc = copy_tree(b, child);
		} else if (S_ISREG(st.st_mode)) {
			struct file_entry f = {.mode = st.st_mode & 07777};
			snprintf(f.path, sizeof f.path, "%s", child);
			rc = copy_file(from, to, f.mode, &f.size, f.sm3, &b->err);
			if (rc == LD_OK && !list_add(&b->files, &f))
				rc = ld_fail(&b->err, LD_ENOMEM, NULL, "内存不足");
		} else {
			fprintf(stderr,
				"liudong: 略过不是普通文件的 %s (skipped: not a "
				"regular file)\n",
				from);
		}
	}
	closedir(d);
	if (rc == LD_OK)
		sync_path(dst);
	return rc;
}

/* The anchor log as of now, with the anchor public keys, in
 * DEST/anchor-copy. *records: how many records it holds (-1: no log). */
/* The last audit entry the database copy holds. */
static ld_status copy_head(struct backup *b, int64_t *seq)
{
	ld_store *store = NULL;
	ld_conn *c = NULL;
	char hash[65];
	*seq = 0;
	ld_status rc = b->ops->open(b->dest, &store, &b->err);
	if (rc == LD_OK)
		rc = b->ops->connect(store, false, &c, &b->err);
	if (rc == LD_OK) {
		rc = b->ops->audit_head(c, seq, hash);
		if (rc == LD_ENOTFOUND) {
			*seq = 0;
			rc = LD_OK;
		}
		if (rc != LD_OK)
			ld_fail(&b->err, rc, "data", "无法读取备份中审计日志的末条");
	}
	b->ops->disconnect(c);
	if (store)
		b->ops->close(store);
	return rc;
}

/* The anchor log as far as the database copy reaches (max_seq: its last
 * audit entry), with the public keys. */
static ld_status copy_anchors(struct backup *b, int64_t max_seq,
			      int64_t *records)
{
	char dir[PATH_LEN], keys[PATH_LEN], log[PATH_LEN], src[PATH_LEN];
	*records = -1;
	if (!join(dir, b->dest, ANCHOR_COPY) || !join(keys, dir, "keys") ||
	    !join(log, dir, LD_ANCHOR_LOG) || !join(src, b->anchor_dir, "keys"))
		return ld_fail(&b->err, LD_EINVAL, "to", "路径过长");
	if (mkdir(dir, 0700) != 0 || mkdir(keys, 0700) != 0)
		return ld_fail(&b->err, LD_EIO, "to", "无法创建目录 %s", dir);
	ld_status rc = ld_anchor_copy(b->anchor_dir, log, max_seq, &b->err);
	if (rc == LD_ENOTFOUND) {
		remove_tree(dir);
		return LD_OK;
	}
	if (rc == LD_OK)
		rc = add_file(b, ANCHOR_COPY "/" LD_ANCHOR_LOG);
	DIR *d = rc == LD_OK ? opendir(src) : NULL;
	struct dirent *e;
	while (d && rc == LD_OK && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char from[PATH_LEN], rel[PATH_LEN], to[PATH_LEN];
		if (n < 9 || strcmp(e->d_name + n - 8, ".pub.pem") != 0)
			continue; /* public keys only, never the private key */
		snprintf(rel, sizeof rel, ANCHOR_COPY "/keys/%s", e->d_name);
		struct file_entry f = {.mode = 0644};
		snprintf(f.path, sizeof f.path, "%s", rel);
		if (!join(from, src, e->d_name) || !join(to, b->dest, rel)) {
			rc = ld_fail(&b->err, LD_EINVAL, "to", "路径过长");
			break;
		}
		rc = copy_file(from, to, 0644, &f.size, f.sm3, &b->err);
		if (rc == LD_OK && !list_add(&b->files, &f))
			rc = ld_fail(&b->err, LD_ENOMEM, NULL, "内存不足");
	}
	if (d)
		closedir(d);
	if (rc != LD_OK)
		return rc;
	ld_anchor_list list;
	if (ld_anchor_read_all(dir, NULL, &list, NULL) == LD_OK) {
		*records = (int64_t)list.n;
		ld_anchor_list_release(&list);
	}
	sync_path(keys);
	sync_path(dir);
	return LD_OK;
}

/* What the copied database says of itself, read from the copy. */
struct db_facts {
	int schema_version;
	bool integrity_ok;
	ld_audit_report audit;
	ld_anchor_list anchors;
};

static ld_status read_copy(struct backup *b, struct db_facts *f)
{
	char anchors[PATH_LEN];
	ld_store *store = NULL;
	ld_conn *c = NULL;
	ld_buf report;
	ld_buf_init(&report, 1 << 20);
	memset(f, 0, sizeof *f);
	ld_status rc = b->ops->open(b->dest, &store, &b->err);
	if (rc == LD_OK)
		rc = b->ops->connect(store, false, &c, &b->err);
	if (rc == LD_OK)
		rc = b->ops->check(c, &f->integrity_ok, &report);
	if (rc == LD_OK) {
		f->schema_version = b->ops->schema_version(c);
		join(anchors, b->dest, ANCHOR_COPY);
		/* The copy checked as an auditor would check it later. */
		rc = ld_audit_verify_all(b->ops, c, anchors, NULL, &f->anchors,
					 &f->audit, &b->err);
	}
	b->ops->disconnect(c);
	if (store)
		b->ops->close(store);
	ld_buf_release(&report);
	return rc;
}

static ld_status write_manifest(struct backup *b, const struct db_facts *f,
				int64_t anchor_records, const char *at,
				char digest[65])
{
	char path[PATH_LEN], by[65], data_real[PATH_MAX];
	who(by);
	if (!realpath(b->data, data_real))
		snprintf(data_real, sizeof data_real, "%s", b->data);
	ld_buf out;
	ld_jw w;
	ld_buf_init(&out, MANIFEST_MAX);
	ld_jw_init(&w, &out);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "format", MANIFEST_FORMAT);
	ld_jw_kstr(&w, "created_at", at);
	ld_jw_kstr(&w, "by", by);
	ld_jw_kstr(&w, "data_dir", data_real);
	ld_jw_kstr(&w, "store", b->ops->name);
	ld_jw_kstr(&w, "database", b->ops->file);
	ld_jw_kint(&w, "schema_version", f->schema_version);
	ld_jw_key(&w, "audit");
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "entries", f->audit.entries);
	ld_jw_kint(&w, "head_seq", f->audit.head_seq);
	ld_jw_kstr(&w, "head_hash", f->audit.head_hash);
	ld_jw_kbool(&w, "verified", f->audit.intact);
	ld_jw_kstr(&w, "problem", f->audit.intact ? NULL : f->audit.problem);
	ld_jw_kint(&w, "unanchored", f->audit.unanchored);
	ld_jw_obj_close(&w);
	if (anchor_records >= 0) {
		ld_jw_key(&w, "anchor_copy");
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "dir", ANCHOR_COPY);
		ld_jw_kint(&w, "records", anchor_records);
		ld_jw_obj_close(&w);
	} else {
		ld_jw_knull(&w, "anchor_copy");
	}
	ld_jw_key(&w, "files");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < b->files.n; i++) {
		const struct file_entry *e = &b->files.e[i];
		char mode[8];
		snprintf(mode, sizeof mode, "%04o", e->mode);
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "path", e->path);
		ld_jw_kint(&w, "size", (int64_t)e->size);
		ld_jw_kstr(&w, "mode", mode);
		ld_jw_kstr(&w, "sm3", e->sm3);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	ld_status rc = ld_jw_finish(&w);
	if (rc == LD_OK)
		ld_buf_add(&out, "\n", 1);
	if (rc == LD_OK && !join(path, b->dest, MANIFEST))
		rc = LD_EINVAL;
	int fd = rc == LD_OK ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				    0600)
			     : -1;
	if (fd < 0 || write(fd, out.data, out.len) != (ssize_t)out.len ||
	    fsync(fd) != 0)
		rc = LD_EIO;
	if (fd >= 0)
		close(fd);
	if (rc == LD_OK)
		rc = ld_sm3_hex(out.data, out.len, digest);
	ld_buf_release(&out);
	if (rc != LD_OK)
		return ld_fail(&b->err, rc, "to", "无法写入备份清单 %s", path);
	sync_path(b->dest);
	return LD_OK;
}

/* DEST: made here, or an empty directory. */
static ld_status prepare_dest(struct backup *b)
{
	struct stat st;
	if (stat(b->dest, &st) != 0) {
		if (mkdir(b->dest, 0700) != 0)
			return ld_fail(&b->err, LD_EIO, "to",
				       "无法创建备份目录 %s：%s", b->dest,
				       strerror(errno));
		b->dest_made = true;
		return LD_OK;
	}
	if (!S_ISDIR(st.st_mode))
		return ld_fail(&b->err, LD_ECONFLICT, "to", "%s 已存在且不是目录",
			       b->dest);
	DIR *d = opendir(b->dest);
	if (!d)
		return ld_fail(&b->err, LD_EIO, "to", "无法读取 %s", b->dest);
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(d)))
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	if (!empty)
		return ld_fail(&b->err, LD_ECONFLICT, "to",
			       "备份目录 %s 已存在且不为空，不会覆盖", b->dest);
	b->dest_emptied = true;
	return LD_OK;
}

static ld_status run_backup(struct backup *b, ld_jw *w)
{
	char db[PATH_LEN], at[32], digest[65];
	struct stat st;
	if (!join(db, b->data, b->ops->file) || stat(db, &st) != 0)
		return ld_fail(&b->err, LD_ENOTFOUND, "data",
			       "数据目录 %s 中没有数据库", b->data);
	ld_status rc = prepare_dest(b);
	if (rc != LD_OK)
		return rc;
	/* Now that it exists, by its real path. */
	if (is_inside(b->dest, b->data))
		return ld_fail(&b->err, LD_EINVAL, "to",
			       "备份目录不能在数据目录之内（恢复时数据目录会被整体替换）");
	ld_audit_now(at);
	ld_store *store = NULL;
	char copy[PATH_LEN];
	join(copy, b->dest, b->ops->file);
	/* The database first: the anchor log copied after it holds every
	 * record the copy knows of; the records a running server wrote after
	 * the copy was taken are left out (copy_anchors). */
	rc = b->ops->open(b->data, &store, &b->err);
	if (rc == LD_OK)
		rc = b->ops->backup(store, copy, &b->err);
	/* Whatever the copy holds is on disk in the live database too,
	 * before a backup record anchors it. */
	if (rc == LD_OK && b->ops->log_sync(store) != LD_OK)
		rc = ld_fail(&b->err, LD_EIO, "data", "无法将数据库日志落盘");
	if (store)
		b->ops->close(store);
	if (rc != LD_OK)
		return rc;
	int64_t anchor_records = -1, head = 0;
	struct db_facts facts;
	memset(&facts, 0, sizeof facts);
	rc = copy_tree(b, "");
	if (rc == LD_OK)
		rc = copy_head(b, &head);
	if (rc == LD_OK)
		rc = copy_anchors(b, head, &anchor_records);
	if (rc == LD_OK)
		rc = read_copy(b, &facts);
	/* The database copy last: opening it may have changed its header. */
	if (rc == LD_OK)
		rc = add_file(b, b->ops->file);
	if (rc == LD_OK && !facts.integrity_ok)
		rc = ld_fail(&b->err, LD_EIO, "data",
			     "备份的数据库未通过完整性检查（PRAGMA integrity_check）");
	if (rc == LD_OK)
		rc = write_manifest(b, &facts, anchor_records, at, digest);
	if (rc != LD_OK)
		goto out;

	/* Recorded in the live anchor log: restore checks this record. */
	int64_t record = 0;
	ld_anchor_log *a = NULL;
	ld_error aerr = {0};
	ld_status arc = ld_anchor_open(b->anchor_dir, false, &a, NULL, &aerr);
	if (arc == LD_OK) {
		ld_anchor rec = {.kind = LD_ANCHOR_BACKUP,
				 .seq = facts.audit.head_seq};
		memcpy(rec.hash, facts.audit.head_hash, sizeof rec.hash);
		memcpy(rec.manifest, digest, sizeof rec.manifest);
		arc = ld_anchor_append(a, &rec, &aerr);
		if (arc == LD_OK)
			record = rec.n;
		ld_anchor_close(a);
	}
	if (arc != LD_OK)
		fprintf(stderr,
			"liudong: 警告：备份未能记入锚点日志（%s）；恢复此备份时将无法"
			"证明它未被改动 / WARNING: the backup is not recorded in the "
			"anchor log\n",
			aerr.message);
	if (!facts.audit.intact)
		fprintf(stderr,
			"liudong: 警告：被备份的审计日志未通过校验：%s / WARNING: the "
			"audit trail backed up does not verify: %s\n",
			facts.audit.problem_zh, facts.audit.problem);

	uint64_t bytes = 0;
	for (size_t i = 0; i < b->files.n; i++)
		bytes += b->files.e[i].size;
	ld_jw_obj_open(w);
	ld_jw_kstr(w, "backup", b->dest);
	ld_jw_kstr(w, "created_at", at);
	ld_jw_kint(w, "schema_version", facts.schema_version);
	ld_jw_key(w, "audit_head");
	ld_jw_obj_open(w);
	ld_jw_kint(w, "seq", facts.audit.head_seq);
	ld_jw_kstr(w, "hash", facts.audit.head_hash);
	ld_jw_obj_close(w);
	ld_jw_kbool(w, "audit_verified", facts.audit.intact);
	ld_jw_kint(w, "files", (int64_t)b->files.n);
	ld_jw_kint(w, "bytes", (int64_t)bytes);
	ld_jw_kstr(w, "manifest_sm3", digest);
	if (record)
		ld_jw_kint(w, "anchor_record", record);
	else
		ld_jw_knull(w, "anchor_record");
	ld_jw_obj_close(w);
out:
	ld_anchor_list_release(&facts.anchors);
	return rc;
}

int cmd_backup(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[3];
	char anchor_buf[PATH_LEN];
	int rc = cli_parse(ctx, &backup_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	struct backup b = {.ops = ld_store_find("sqlite"),
			   .data = v[1].set ? v[1].str : "./data",
			   .dest = v[0].str,
			   .anchor_dir = v[2].str};
	if (!v[2].set) {
		snprintf(anchor_buf, sizeof anchor_buf, "%s/anchors", b.data);
		b.anchor_dir = anchor_buf;
	}
	ld_buf out;
	ld_jw w;
	ld_buf_init(&out, 0);
	ld_jw_init(&w, &out);
	if (run_backup(&b, &w) != LD_OK) {
		fprintf(ctx->err, "liudong: 备份失败 (backup failed): %s\n",
			b.err.message);
		/* Leave nothing half made behind. */
		if (b.dest_made || b.dest_emptied)
			remove_tree(b.dest);
		if (b.dest_emptied)
			mkdir(b.dest, 0700);
		rc = LD_CLI_FAIL;
	} else {
		rc = emit(ctx, &w, &out);
		fprintf(ctx->err,
			"liudong: 备份完成：%s（请与锚点目录分开保存） / backup "
			"written to %s\n",
			b.dest, b.dest);
	}
	ld_buf_release(&out);
	free(b.files.e);
out:
	cli_vals_release(&backup_spec, v);
	return rc < 0 ? 0 : rc;
}

/* ---- restore ------------------------------------------------------------- */

static const struct cli_opt restore_opts[] = {
	{"from", OPT_STRING, true, false, NULL, "liudong backup 做的备份目录",
	 "a backup directory made by liudong backup"},
	{"data", OPT_STRING, false, false, NULL,
	 "要恢复到的数据目录，缺省 ./data；须无服务在其上运行",
	 "data directory to restore into (default ./data); no server may run "
	 "on it"},
	{"anchor-dir", OPT_STRING, false, false, NULL,
	 "审计锚点目录（现用的，不取备份中的副本），缺省 DATA/anchors",
	 "the live anchor directory (never the backup's copy); default "
	 "DATA/anchors"},
};

static const struct cli_spec restore_spec = {
	"restore --from SRC [--data DIR] [--anchor-dir DIR]",
	"从备份恢复数据目录：先完整校验，再整体替换，并在锚点日志中记下此次恢复",
	"restore a data directory from a backup: check it all, swap it in, "
	"record the restore in the anchor log",
	restore_opts, 3, 0, NULL,
};

struct restore {
	const struct ld_store_ops *ops;
	const char *from, *data, *anchor_dir;
	char digest[65];	/* SM3 of manifest.json */
	char backup_at[32];
	int64_t head_seq;
	char head_hash[65];
	struct file_list files; /* what goes into DATA */
	ld_error err;
};

static bool safe_rel(const char *p)
{
	if (!*p || *p == '/' || strlen(p) >= PATH_LEN - 64)
		return false;
	for (const char *s = p;;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		if (!e)
			break;
		s = e + 1;
	}
	return true;
}

/* Read manifest.json and check every file it lists against its size and
 * SM3. Nothing is touched. */
static ld_status check_manifest(struct restore *r)
{
	char path[PATH_LEN];
	uint64_t size;
	if (!join(path, r->from, MANIFEST))
		return ld_fail(&r->err, LD_EINVAL, "from", "路径过长");
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > MANIFEST_MAX)
		return ld_fail(&r->err, LD_EINVAL, "from",
			       "%s 中没有备份清单 " MANIFEST "（不是完整的备份）",
			       r->from);
	if (!file_digest(path, &size, r->digest))
		return ld_fail(&r->err, LD_EIO, "from", "无法读取 %s", path);
	json_error_t jerr;
	json_t *m = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!m)
		return ld_fail(&r->err, LD_EINVAL, "from", "备份清单不是有效的 JSON");
	ld_status rc = LD_OK;
	const char *format = json_string_value(json_object_get(m, "format"));
	const char *database = json_string_value(json_object_get(m, "database"));
	const char *at = json_string_value(json_object_get(m, "created_at"));
	json_t *audit = json_object_get(m, "audit");
	json_t *files = json_object_get(m, "files");
	const char *head_hash =
		json_string_value(json_object_get(audit, "head_hash"));
	json_t *head_seq = json_object_get(audit, "head_seq");
	if (!format || strcmp(format, MANIFEST_FORMAT) != 0 || !database ||
	    strcmp(database, r->ops->file) != 0 || !at || strlen(at) > 31 ||
	    !head_hash || strlen(head_hash) != 64 || !json_is_integer(head_seq) ||
	    !json_is_array(files)) {
		rc = ld_fail(&r->err, LD_EINVAL, "from",
			     "备份清单格式不符（应为 " MANIFEST_FORMAT "，数据库 %s）",
			     r->ops->file);
		goto out;
	}
	snprintf(r->backup_at, sizeof r->backup_at, "%s", at);
	snprintf(r->head_hash, sizeof r->head_hash, "%s", head_hash);
	r->head_seq = json_integer_value(head_seq);
	bool has_db = false;
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f)
	{
		const char *p = json_string_value(json_object_get(f, "path"));
		const char *mode = json_string_value(json_object_get(f, "mode"));
		const char *sm3 = json_string_value(json_object_get(f, "sm3"));
		json_t *sz = json_object_get(f, "size");
		struct file_entry e = {.mode = 0600};
		char *end = NULL;
		if (!p || !safe_rel(p) || !sm3 || strlen(sm3) != 64 ||
		    !json_is_integer(sz) || json_integer_value(sz) < 0 || !mode ||
		    (e.mode = (unsigned)strtoul(mode, &end, 8), *end) ||
		    e.mode > 07777) {
			rc = ld_fail(&r->err, LD_EINVAL, "from",
				     "备份清单第 %zu 项格式不符", i + 1);
			goto out;
		}
		snprintf(e.path, sizeof e.path, "%s", p);
		e.size = (uint64_t)json_integer_value(sz);
		memcpy(e.sm3, sm3, 65);
		char src[PATH_LEN], got[65];
		uint64_t got_size = 0;
		struct stat fst;
		if (!join(src, r->from, p) || lstat(src, &fst) != 0 ||
		    !S_ISREG(fst.st_mode) || !file_digest(src, &got_size, got) ||
		    got_size != e.size || strcmp(got, e.sm3) != 0) {
			rc = ld_fail(&r->err, LD_EINVAL, "from",
				     "备份中的文件 %s 缺失或与清单不符（大小或 SM3 摘要"
				     "不同）：备份不完整或已被改动",
				     p);
			goto out;
		}
		if (strcmp(p, r->ops->file) == 0)
			has_db = true;
		if (strncmp(p, ANCHOR_COPY "/", strlen(ANCHOR_COPY) + 1) == 0)
			continue; /* for auditors; never restored */
		if (!list_add(&r->files, &e)) {
			rc = ld_fail(&r->err, LD_ENOMEM, NULL, "内存不足");
			goto out;
		}
	}
	if (!has_db)
		rc = ld_fail(&r->err, LD_EINVAL, "from", "备份中没有数据库文件 %s",
			     r->ops->file);
out:
	json_decref(m);
	return rc;
}

/* Copy the backup's files into the new directory `stage`, checking each
 * copy's digest again. */
static ld_status stage_files(struct restore *r, const char *stage)
{
	for (size_t i = 0; i < r->files.n; i++) {
		const struct file_entry *e = &r->files.e[i];
		char src[PATH_LEN], dst[PATH_LEN], got[65];
		uint64_t size;
		if (!join(src, r->from, e->path) || !join(dst, stage, e->path) ||
		    !make_parents(stage, e->path))
			return ld_fail(&r->err, LD_EIO, "data", "无法创建 %s", dst);
		ld_status rc = copy_file(src, dst, e->mode, &size, got, &r->err);
		if (rc != LD_OK)
			return rc;
		if (size != e->size || strcmp(got, e->sm3) != 0)
			return ld_fail(&r->err, LD_EIO, "from",
				       "复制 %s 时内容改变：备份在恢复中被改动", e->path);
	}
	sync_path(stage);
	return LD_OK;
}

/* The entries a restore to (seq) loses: after it, up to the highest entry
 * an anchor in force names. 0 when none are known. */
static int64_t lost_to(const ld_anchor *rec, size_t n)
{
	int64_t highest = 0, restored_below = INT64_MAX;
	for (size_t k = n; k-- > 0;) {
		if (rec[k].seq <= restored_below && rec[k].seq > highest)
			highest = rec[k].seq;
		if (rec[k].kind == LD_ANCHOR_RESTORE &&
		    rec[k].seq < restored_below)
			restored_below = rec[k].seq;
	}
	return highest;
}

/* Open the staged database: its integrity, its head, and its chain held
 * against the live anchors as if restored already. */
static ld_status check_staged(struct restore *r, const char *stage,
			      const ld_anchor_list *live)
{
	ld_store *store = NULL;
	ld_conn *c = NULL;
	ld_buf report;
	bool ok = false;
	ld_buf_init(&report, 1 << 20);
	ld_status rc = r->ops->open(stage, &store, &r->err);
	if (rc == LD_OK)
		rc = r->ops->connect(store, false, &c, &r->err);
	if (rc == LD_OK)
		rc = r->ops->check(c, &ok, &report);
	if (rc == LD_OK && !ok)
		rc = ld_fail(&r->err, LD_EIO, "from",
			     "备份中的数据库未通过完整性检查：%.120s",
			     report.len ? report.data : "");
	int64_t seq = -1;
	char hash[65] = "";
	if (rc == LD_OK)
		rc = r->ops->audit_head(c, &seq, hash);
	if (rc == LD_OK && (seq != r->head_seq || strcmp(hash, r->head_hash)))
		rc = ld_fail(&r->err, LD_EINVAL, "from",
			     "备份中的数据库的审计日志链头与清单不符");
	ld_anchor *rec = NULL;
	if (rc == LD_OK) {
		rec = malloc((live->n + 1) * sizeof *rec);
		if (!rec)
			rc = ld_fail(&r->err, LD_ENOMEM, NULL, "内存不足");
	}
	if (rc == LD_OK) {
		if (live->n)
			memcpy(rec, live->rec, live->n * sizeof *rec);
		rec[live->n] = (ld_anchor){.n = (int64_t)live->n + 1,
					   .kind = LD_ANCHOR_RESTORE,
					   .seq = seq};
		memcpy(rec[live->n].hash, hash, sizeof hash);
		ld_audit_report rep;
		rc = ld_audit_verify_anchored(r->ops, c, rec, live->n + 1, &rep);
		if (rc == LD_OK && !rep.intact)
			rc = ld_fail(&r->err, LD_EINVAL, "from",
				     "备份中的审计日志与现有锚点不符：%s（它不是这个数据库"
				     "的备份，或已被改动）",
				     rep.problem_zh);
	}
	free(rec);
	r->ops->disconnect(c);
	if (store)
		r->ops->close(store);
	ld_buf_release(&report);
	return rc;
}

/* Name the restore record in the restored database. */
static ld_status name_record(struct restore *r, const char *dir,
			     const ld_anchor *rec)
{
	ld_store *store = NULL;
	ld_conn *c = NULL;
	ld_status rc = r->ops->open(dir, &store, &r->err);
	if (rc == LD_OK)
		rc = r->ops->connect(store, true, &c, &r->err);
	if (rc == LD_OK)
		rc = r->ops->begin(c);
	if (rc == LD_OK) {
		rc = r->ops->audit_anchor_put(c, rec->n, rec->line_hash, rec->at);
		if (rc == LD_OK)
			rc = r->ops->commit(c);
		else
			r->ops->rollback(c);
	}
	r->ops->disconnect(c);
	if (store)
		r->ops->close(store);
	return rc;
}

static bool has_backup_record(const ld_anchor_list *l, const char *digest)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->rec[i].kind == LD_ANCHOR_BACKUP &&
		    strcmp(l->rec[i].manifest, digest) == 0)
			return true;
	return false;
}

/* Swap stage and data (both exist): one atomic rename where the file
 * system can, else two. */
static bool swap_dirs(const char *stage, const char *data)
{
	if (renameat2(AT_FDCWD, stage, AT_FDCWD, data, RENAME_EXCHANGE) == 0)
		return true;
	if (errno != EINVAL && errno != ENOSYS)
		return false;
	char tmp[PATH_LEN];
	if (snprintf(tmp, sizeof tmp, "%s.swap", stage) >= (int)sizeof tmp ||
	    rename(data, tmp) != 0)
		return false;
	if (rename(stage, data) != 0) {
		rename(tmp, data);
		return false;
	}
	return rename(tmp, stage) == 0;
}

struct restore_out {
	ld_anchor record;
	char previous[PATH_LEN]; /* where the replaced data went, or "" */
	bool new_log;
};

static ld_status run_restore(struct restore *r, struct restore_out *o)
{
	char parent[PATH_LEN], stage[PATH_LEN] = "", rel[PATH_LEN] = "";
	char anchor_at[PATH_LEN], moved[PATH_LEN] = "";
	int lock = -1, stage_lock = -1;
	ld_anchor_list live = {0};
	ld_anchor_log *a = NULL;
	ld_status rc = check_manifest(r);
	if (rc != LD_OK)
		return rc;
	struct stat st;
	bool data_exists = stat(r->data, &st) == 0;
	if (data_exists && !S_ISDIR(st.st_mode))
		return ld_fail(&r->err, LD_EINVAL, "data", "%s 不是目录", r->data);

	/* No server may run on DATA meanwhile. */
	if (data_exists) {
		rc = ld_datalock_take(r->data, &lock, &r->err);
		if (rc == LD_ECONFLICT)
			return ld_fail(&r->err, rc, "data",
				       "数据目录 %s 上有服务正在运行，请先停止它（恢复会整"
				       "体替换数据目录）",
				       r->data);
		if (rc != LD_OK)
			return rc;
	}

	/* Where the live anchors are, and whether they move with DATA. */
	bool anchors_exist = stat(r->anchor_dir, &st) == 0;
	bool inside = data_exists ? is_inside(r->anchor_dir, r->data)
				  : strncmp(r->anchor_dir, r->data,
					    strlen(r->data)) == 0 &&
					    r->anchor_dir[strlen(r->data)] == '/';
	if (inside) {
		char dreal[PATH_MAX], areal[PATH_MAX];
		if (anchors_exist && realpath(r->data, dreal) &&
		    realpath(r->anchor_dir, areal))
			snprintf(rel, sizeof rel, "%s", areal + strlen(dreal) + 1);
		else
			snprintf(rel, sizeof rel, "%s",
				 r->anchor_dir + strlen(r->data) + 1);
		for (size_t i = 0; i < r->files.n; i++)
			if (strncmp(r->files.e[i].path, rel, strlen(rel)) == 0 &&
			    (r->files.e[i].path[strlen(rel)] == '/' ||
			     !r->files.e[i].path[strlen(rel)])) {
				rc = ld_fail(&r->err, LD_ECONFLICT, "anchor_dir",
					     "备份中有文件位于锚点目录 %s 处", rel);
				goto out_lock;
			}
	}

	/* The live anchor log, read and checked; the backup must be in it. */
	if (anchors_exist) {
		rc = ld_anchor_read_all(r->anchor_dir, NULL, &live, &r->err);
		if (rc == LD_ENOTFOUND)
			rc = LD_OK;
		if (rc != LD_OK)
			goto out_lock;
		if (live.bad_n) {
			rc = ld_fail(&r->err, LD_EINVAL, "anchor_dir",
				     "锚点日志有误：%s", live.problem_zh);
			goto out_live;
		}
		if (live.n && !has_backup_record(&live, r->digest)) {
			rc = ld_fail(&r->err, LD_EINVAL, "from",
				     "锚点日志 %s 中没有这份备份的记录：它不是这个数据库"
				     "的备份，或备份后被改动过",
				     r->anchor_dir);
			goto out_live;
		}
	}

	/* The new data directory beside the old one. */
	snprintf(parent, sizeof parent, "%s", r->data);
	char *slash = strrchr(parent, '/');
	if (snprintf(stage, sizeof stage, "%s.restore-XXXXXX", r->data) >=
		    (int)sizeof stage ||
	    !mkdtemp(stage)) {
		rc = ld_fail(&r->err, LD_EIO, "data", "无法在 %s 旁建立临时目录：%s",
			     r->data, strerror(errno));
		stage[0] = '\0';
		goto out_live;
	}
	if (slash)
		*slash = '\0';
	else
		snprintf(parent, sizeof parent, ".");
	rc = stage_files(r, stage);
	if (rc == LD_OK)
		rc = check_staged(r, stage, &live);
	if (rc == LD_OK)
		rc = ld_datalock_take(stage, &stage_lock, &r->err);
	if (rc != LD_OK)
		goto out_stage;

	/* Everything checked: now the live anchor log (made if it is new). */
	snprintf(anchor_at, sizeof anchor_at, "%s", r->anchor_dir);
	if (inside && !anchors_exist && !join(anchor_at, stage, rel)) {
		rc = ld_fail(&r->err, LD_EINVAL, "anchor_dir", "路径过长");
		goto out_stage;
	}
	if (inside && !anchors_exist && !make_parents(stage, rel)) {
		rc = ld_fail(&r->err, LD_EIO, "anchor_dir", "无法创建锚点目录");
		goto out_stage;
	}
	rc = ld_anchor_open(anchor_at, true, &a, &o->new_log, &r->err);
	if (rc != LD_OK)
		goto out_stage;
	if (inside && anchors_exist) {
		/* The live anchors go with the data, never the backup's copy. */
		if (!join(moved, stage, rel) || !make_parents(stage, rel) ||
		    rename(r->anchor_dir, moved) != 0) {
			rc = ld_fail(&r->err, LD_EIO, "anchor_dir",
				     "无法把锚点目录 %s 移入新的数据目录：%s",
				     r->anchor_dir, strerror(errno));
			moved[0] = '\0';
			goto out_anchor;
		}
	}
	if (data_exists && !swap_dirs(stage, r->data)) {
		rc = ld_fail(&r->err, LD_EIO, "data", "无法替换数据目录 %s：%s",
			     r->data, strerror(errno));
		goto out_anchor;
	}
	if (!data_exists && rename(stage, r->data) != 0) {
		rc = ld_fail(&r->err, LD_EIO, "data", "无法建立数据目录 %s：%s",
			     r->data, strerror(errno));
		goto out_anchor;
	}
	sync_path(parent);

	/* Recorded: the restored head, the entries lost, when, by whom. */
	ld_anchor *rec = &o->record;
	*rec = (ld_anchor){.kind = LD_ANCHOR_RESTORE, .seq = r->head_seq};
	memcpy(rec->hash, r->head_hash, sizeof rec->hash);
	memcpy(rec->manifest, r->digest, sizeof rec->manifest);
	snprintf(rec->backup_at, sizeof rec->backup_at, "%s", r->backup_at);
	who(rec->by);
	int64_t highest = lost_to(live.rec, live.n);
	if (highest > r->head_seq) {
		rec->lost_from = r->head_seq + 1;
		rec->lost_to = highest;
	}
	rc = ld_anchor_append(a, rec, &r->err);
	if (rc != LD_OK) {
		/* Not recorded: put everything back as it was. */
		if (data_exists)
			swap_dirs(stage, r->data);
		else
			rename(r->data, stage);
		goto out_anchor;
	}
	if (name_record(r, r->data, rec) != LD_OK)
		fprintf(stderr,
			"liudong: 警告：未能在恢复的数据库中记下锚点记录第 %" PRId64
			" 条 / WARNING: could not name the restore record in the "
			"database\n",
			rec->n);
	moved[0] = '\0'; /* it stays with the restored data */
	if (data_exists) {
		char stamp[32];
		utc_stamp(stamp);
		snprintf(o->previous, sizeof o->previous, "%s.replaced-%s",
			 r->data, stamp);
		if (rename(stage, o->previous) != 0)
			snprintf(o->previous, sizeof o->previous, "%s", stage);
		sync_path(parent);
	}
	stage[0] = '\0';
out_anchor:
	if (moved[0])
		rename(moved, r->anchor_dir);
	ld_anchor_close(a);
out_stage:
	ld_datalock_release(stage_lock);
	if (stage[0])
		remove_tree(stage);
out_live:
	ld_anchor_list_release(&live);
out_lock:
	ld_datalock_release(lock);
	return rc;
}

int cmd_restore(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[3];
	char anchor_buf[PATH_LEN];
	int rc = cli_parse(ctx, &restore_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	struct restore r = {.ops = ld_store_find("sqlite"),
			    .from = v[0].str,
			    .data = v[1].set ? v[1].str : "./data",
			    .anchor_dir = v[2].str};
	char data_buf[PATH_LEN];
	/* No trailing slash: DATA is renamed as a whole. */
	snprintf(data_buf, sizeof data_buf, "%s", r.data);
	for (size_t n = strlen(data_buf); n > 1 && data_buf[n - 1] == '/'; n--)
		data_buf[n - 1] = '\0';
	r.data = data_buf;
	if (!v[2].set) {
		snprintf(anchor_buf, sizeof anchor_buf, "%s/anchors", r.data);
		r.anchor_dir = anchor_buf;
	}
	struct restore_out o;
	memset(&o, 0, sizeof o);
	if (run_restore(&r, &o) != LD_OK) {
		fprintf(ctx->err, "liudong: 恢复失败，数据目录未改动 (restore "
				  "failed, nothing changed): %s\n",
			r.err.message);
		rc = LD_CLI_FAIL;
		goto out_files;
	}
	ld_buf b;
	ld_jw w;
	ld_buf_init(&b, 0);
	ld_jw_init(&w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kstr(&w, "restored", r.data);
	ld_jw_kstr(&w, "from", r.from);
	ld_jw_kstr(&w, "backup_at", r.backup_at);
	ld_jw_key(&w, "audit_head");
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "seq", r.head_seq);
	ld_jw_kstr(&w, "hash", r.head_hash);
	ld_jw_obj_close(&w);
	if (o.record.lost_from) {
		ld_jw_kint(&w, "lost_from", o.record.lost_from);
		ld_jw_kint(&w, "lost_to", o.record.lost_to);
	} else {
		ld_jw_knull(&w, "lost_from");
		ld_jw_knull(&w, "lost_to");
	}
	ld_jw_kstr(&w, "anchor_dir", r.anchor_dir);
	ld_jw_kint(&w, "anchor_record", o.record.n);
	ld_jw_kstr(&w, "previous_data", o.previous[0] ? o.previous : NULL);
	ld_jw_obj_close(&w);
	rc = emit(ctx, &w, &b);
	ld_buf_release(&b);
	if (o.record.lost_from)
		fprintf(ctx->err,
			"liudong: 已从 %s 的备份恢复至审计日志第 %" PRId64
			" 条；第 %" PRId64 " 至 %" PRId64
			" 条审计记录（及其间的变更）丢失，已记入锚点日志 / restored; "
			"entries %" PRId64 "..%" PRId64 " are lost\n",
			r.backup_at, r.head_seq, o.record.lost_from,
			o.record.lost_to, o.record.lost_from, o.record.lost_to);
	else
		fprintf(ctx->err,
			"liudong: 已从 %s 的备份恢复，已记入锚点日志 / restored\n",
			r.backup_at);
	if (o.previous[0])
		fprintf(ctx->err,
			"liudong: 原数据目录已移至 %s，确认无误后可删除 / the "
			"replaced data is in %s\n",
			o.previous, o.previous);
	if (o.new_log)
		fprintf(ctx->err,
			"liudong: 警告：锚点目录 %s 是新建的，此前的锚点不在其中 / "
			"WARNING: the anchor directory %s is new\n",
			r.anchor_dir, r.anchor_dir);
out_files:
	free(r.files.e);
out:
	cli_vals_release(&restore_spec, v);
	return rc < 0 ? 0 : rc;
}
