/*
 * division_load.c — division codes an operator adds without a rebuild: TSV
 * files in the format of data/gb2260-history.tsv, parsed, checked line by
 * line and merged over the compiled-in table, which is then installed as
 * the table in force (division_int.h).
 *
 * The only file I/O of the division module; it runs once at start, before
 * any thread reads the table.
 */
#include "division.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "division_int.h"
#include "util/utf8.h"

#define MAX_FILE (4 * 1024 * 1024)
#define MAX_NAME 60
#define MAX_FILES 64

/* The merged table this module installed (NULL: the compiled-in one). */
static struct ld_division_rec *installed;
static size_t installed_n, installed_added;
/* The names of the operator's records, owned here. */
static struct ld_division_rec *extra;
static size_t extra_n;

size_t ld_division_added(void)
{
	return installed ? installed_added : 0;
}

void ld_division_free_records(struct ld_division_rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)recs[i].name);
	free(recs);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* YYYYMM of a real month from 1980 on; -1 otherwise. */
static int32_t parse_month(const char *s, size_t n)
{
	if (n != 6)
		return -1;
	int32_t v = 0;
	for (size_t i = 0; i < 6; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	int month = v % 100, year = v / 100;
	return year >= 1980 && month >= 1 && month <= 12 ? v : -1;
}

#define BAD(...)                                                               \
	do {                                                                   \
		rc = ld_fail(err, LD_EINVAL, "divisions", __VA_ARGS__);        \
		goto fail;                                                     \
	} while (0)

ld_status ld_division_parse_tsv(const char *text, size_t len,
				const char *file,
				struct ld_division_rec **out, size_t *n,
				ld_error *err)
{
	ld_status rc = LD_OK;
	struct ld_division_rec *recs = NULL;
	size_t count = 0, cap = 0;
	size_t pos = 0;
	int line = 0;
	const char *fname = base_name(file);

	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t ln = nl ? (size_t)(nl - s) : len - pos;
		pos += ln + (nl != NULL);
		line++;
		if (ln > 0 && s[ln - 1] == '\r')
			ln--;
		if (ln == 0 || s[0] == '#')
			continue;
		if (count == 0 && ln >= 5 && memcmp(s, "code\t", 5) == 0)
			continue;

		const char *f[4];
		size_t fl[4];
		int nf = 0;
		const char *p = s, *end = s + ln;
		while (nf < 4) {
			const char *tab = memchr(p, '\t', (size_t)(end - p));
			f[nf] = p;
			fl[nf] = tab ? (size_t)(tab - p) : (size_t)(end - p);
			nf++;
			if (!tab)
				break;
			p = tab + 1;
			if (nf == 4)
				BAD("行政区划文件 %.40s 第%d行：应为4列（代码、名称、"
				    "首次列入、最后列入），以制表符分隔",
				    fname, line);
		}
		if (nf != 4)
			BAD("行政区划文件 %.40s 第%d行：应为4列（代码、名称、首次列入、"
			    "最后列入），以制表符分隔",
			    fname, line);

		int32_t code;
		if (ld_division_parse(f[0], (int)fl[0], &code, NULL, NULL) !=
			    LD_OK ||
		    code < 110000)
			BAD("行政区划文件 %.40s 第%d行：代码应为6位数字", fname,
			    line);
		if (fl[1] == 0 || fl[1] > MAX_NAME ||
		    !ld_utf8_valid(f[1], fl[1]) ||
		    ld_utf8_find_unsafe(f[1], fl[1], NULL) != LD_UTF8_SAFE ||
		    f[1][0] == ' ' || f[1][fl[1] - 1] == ' ')
			BAD("行政区划文件 %.40s 第%d行：名称应为1至%d字节的文字，"
			    "不含控制字符或不可见字符",
			    fname, line, MAX_NAME);
		int32_t first = parse_month(f[2], fl[2]);
		if (first < 0)
			BAD("行政区划文件 %.40s 第%d行：首次列入应为年月 YYYYMM",
			    fname, line);
		int32_t last = 0;
		if (!(fl[3] == 7 && memcmp(f[3], "current", 7) == 0)) {
			last = parse_month(f[3], fl[3]);
			if (last < 0)
				BAD("行政区划文件 %.40s 第%d行：最后列入应为年月 "
				    "YYYYMM 或 current",
				    fname, line);
			if (last < first)
				BAD("行政区划文件 %.40s 第%d行：最后列入早于首次列入",
				    fname, line);
		}
		for (size_t i = 0; i < count; i++)
			if (recs[i].code == code &&
			    strlen(recs[i].name) == fl[1] &&
			    memcmp(recs[i].name, f[1], fl[1]) == 0)
				BAD("行政区划文件 %.40s 第%d行：代码和名称重复",
				    fname, line);

		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct ld_division_rec *nr =
				realloc(recs, ncap * sizeof *nr);
			if (!nr) {
				rc = ld_fail(err, LD_ENOMEM, "divisions",
					     "内存不足");
				goto fail;
			}
			recs = nr;
			cap = ncap;
		}
		char *name = malloc(fl[1] + 1);
		if (!name) {
			rc = ld_fail(err, LD_ENOMEM, "divisions", "内存不足");
			goto fail;
		}
		memcpy(name, f[1], fl[1]);
		name[fl[1]] = '\0';
		recs[count++] = (struct ld_division_rec){code, name, first, last};
	}
	*out = recs;
	*n = count;
	return LD_OK;
fail:
	ld_division_free_records(recs, count);
	return rc;
}

static int by_code(const void *a, const void *b)
{
	const struct ld_division_rec *x = a, *y = b;
	if (x->code != y->code)
		return x->code < y->code ? -1 : 1;
	if (x->first_seen != y->first_seen)
		return x->first_seen < y->first_seen ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Read a whole file, bounded; *buf is malloc'd. */
static ld_status read_file(const char *path, char **buf, size_t *len,
			   ld_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ld_fail(err, LD_EIO, "divisions",
			       "无法读取行政区划文件 %.120s", path);
	ld_status rc = LD_OK;
	*buf = malloc(MAX_FILE + 1);
	if (!*buf) {
		rc = ld_fail(err, LD_ENOMEM, "divisions", "内存不足");
		goto out;
	}
	*len = fread(*buf, 1, MAX_FILE + 1, f);
	if (ferror(f))
		rc = ld_fail(err, LD_EIO, "divisions",
			     "无法读取行政区划文件 %.120s", path);
	else if (*len > MAX_FILE)
		rc = ld_fail(err, LD_ETOOBIG, "divisions",
			     "行政区划文件过大（至多4 MiB）：%.120s", path);
	if (rc != LD_OK) {
		free(*buf);
		*buf = NULL;
	}
out:
	fclose(f);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append the records of every *.tsv file of dir to *recs. */
static ld_status load_dir(const char *dir, bool optional,
			  struct ld_division_rec **recs, size_t *n,
			  ld_error *err)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (optional && (errno == ENOENT || errno == ENOTDIR))
			return LD_OK;
		return ld_fail(err, LD_EIO, "divisions",
			       "无法打开行政区划目录 %.120s", dir);
	}
	char *names[MAX_FILES];
	int nn = 0;
	ld_status rc = LD_OK;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l < 5 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + l - 4, ".tsv") != 0)
			continue;
		if (nn == MAX_FILES) {
			rc = ld_fail(err, LD_ETOOBIG, "divisions",
				     "行政区划目录中的文件过多（至多%d个）：%.120s",
				     MAX_FILES, dir);
			break;
		}
		names[nn] = strdup(e->d_name);
		if (!names[nn]) {
			rc = ld_fail(err, LD_ENOMEM, "divisions", "内存不足");
			break;
		}
		nn++;
	}
	closedir(d);
	qsort(names, (size_t)nn, sizeof names[0], cmp_str);
	for (int i = 0; i < nn && rc == LD_OK; i++) {
		char path[4096];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir,
				     names[i]) >= sizeof path) {
			rc = ld_fail(err, LD_EINVAL, "divisions", "路径过长");
			break;
		}
		char *buf = NULL;
		size_t len = 0;
		rc = read_file(path, &buf, &len, err);
		if (rc != LD_OK)
			break;
		struct ld_division_rec *got = NULL;
		size_t ng = 0;
		rc = ld_division_parse_tsv(buf, len, path, &got, &ng, err);
		free(buf);
		if (rc != LD_OK)
			break;
		struct ld_division_rec *more =
			realloc(*recs, (*n + ng + 1) * sizeof *more);
		if (!more) {
			ld_division_free_records(got, ng);
			rc = ld_fail(err, LD_ENOMEM, "divisions", "内存不足");
			break;
		}
		*recs = more;
		memcpy(*recs + *n, got, ng * sizeof *got);
		*n += ng;
		free(got); /* the names now belong to *recs */
	}
	for (int i = 0; i < nn; i++)
		free(names[i]);
	return rc;
}

/* The data/divisions directory beside the executable, or "". */
static void default_dir(char *out, size_t cap)
{
	char exe[PATH_MAX];
	out[0] = '\0';
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	static const char *const rel[] = {"/../data/divisions",
					  "/../share/liudong/divisions"};
	for (size_t i = 0; i < 2; i++) {
		int w = snprintf(out, cap, "%s%s", exe, rel[i]);
		if (w > 0 && (size_t)w < cap && access(out, R_OK) == 0)
			return;
	}
	out[0] = '\0';
}

/* The index of r's (code, name) in merged[0..m), or m: a binary search
 * over the compiled-in part (sorted by code), a scan of what was added. */
static size_t find(const struct ld_division_rec *merged, size_t m,
		   const struct ld_division_rec *r)
{
	size_t lo = 0, hi = ld_division_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (merged[mid].code < r->code)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t j = lo; j < ld_division_count && merged[j].code == r->code;
	     j++)
		if (strcmp(merged[j].name, r->name) == 0)
			return j;
	for (size_t j = ld_division_count; j < m; j++)
		if (merged[j].code == r->code &&
		    strcmp(merged[j].name, r->name) == 0)
			return j;
	return m;
}

/* Install compiled-in + recs (which this takes over). */
static ld_status install(struct ld_division_rec *recs, size_t n,
			 ld_error *err)
{
	struct ld_division_rec *merged = NULL;
	size_t added = 0, m = ld_division_count;
	if (n > 0) {
		merged = malloc((ld_division_count + n) * sizeof *merged);
		if (!merged) {
			ld_division_free_records(recs, n);
			return ld_fail(err, LD_ENOMEM, "divisions", "内存不足");
		}
		memcpy(merged, ld_division_table,
		       ld_division_count * sizeof *merged);
		/* A later file's row for the same (code, name) wins. */
		for (size_t i = 0; i < n; i++) {
			size_t j = find(merged, m, &recs[i]);
			if (j < m) {
				merged[j].first_seen = recs[i].first_seen;
				merged[j].last_seen = recs[i].last_seen;
				merged[j].name = recs[i].name;
			} else {
				merged[m++] = recs[i];
			}
			added++;
		}
		qsort(merged, m, sizeof *merged, by_code);
	}
	/* Swap in; free the previous tables (nothing reads them now). */
	ld_division_current_table = merged ? merged : ld_division_table;
	ld_division_current_count = m;
	free(installed);
	ld_division_free_records(extra, extra_n);
	installed = merged;
	installed_n = m;
	installed_added = added;
	extra = recs;
	extra_n = n;
	return LD_OK;
}

ld_status ld_division_load_default(const char *dir, const char *more,
				   ld_error *err)
{
	struct ld_division_rec *recs = NULL;
	size_t n = 0;
	char def[PATH_MAX];
	bool optional = false;
	if (!dir)
		dir = getenv("LIUDONG_DIVISIONS");
	if (!dir || !*dir) {
		default_dir(def, sizeof def);
		dir = def;
		optional = true;
	}
	ld_status rc = LD_OK;
	if (*dir)
		rc = load_dir(dir, optional, &recs, &n, err);
	if (rc == LD_OK && more)
		rc = load_dir(more, true, &recs, &n, err);
	if (rc != LD_OK) {
		ld_division_free_records(recs, n);
		return rc;
	}
	return install(recs, n, err);
}
