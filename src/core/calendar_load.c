/*
 * calendar_load.c — reads a directory of holiday arrangement files.
 *
 * The one place where the rules engine touches the file system: each file
 * named YYYY.tsv is read whole (bounded in size) and handed to the parser.
 */
#include "calendar.h"

#include "util/embed.h"

extern const struct ld_embedded_file ld_embedded_holidays[];

#include <dirent.h>
#include <limits.h>
#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE (64 * 1024)

static int year_of_name(const char *name)
{
	if (strlen(name) != 8 || strcmp(name + 4, ".tsv") != 0)
		return 0;
	int y = 0;
	for (int i = 0; i < 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		y = y * 10 + (name[i] - '0');
	}
	return y >= LD_DATE_MIN_YEAR ? y : 0;
}

static ld_status load_file(ld_calendar *cal, const char *path, int year,
			   ld_error *err)
{
	ld_status rc = LD_OK;
	char *buf = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return ld_fail(err, LD_EIO, "holidays", "无法读取节假日文件 %s",
			       path);
	buf = malloc(MAX_FILE + 1);
	if (!buf) {
		rc = ld_fail(err, LD_ENOMEM, "holidays", "内存不足");
		goto out_close;
	}
	size_t n = fread(buf, 1, MAX_FILE + 1, f);
	if (ferror(f)) {
		rc = ld_fail(err, LD_EIO, "holidays", "无法读取节假日文件 %s",
			     path);
		goto out_free;
	}
	if (n > MAX_FILE) {
		rc = ld_fail(err, LD_ETOOBIG, "holidays", "节假日文件过大：%s",
			     path);
		goto out_free;
	}
	rc = ld_calendar_add_tsv(cal, buf, n, year, err);
	if (rc != LD_OK && err) {
		/* Prefix the file name to the parser's message. */
		char msg[sizeof err->message];
		const char *base = strrchr(path, '/');
		int w = snprintf(msg, sizeof msg, "%.40s: %.140s",
				 base ? base + 1 : path, err->message);
		if (w > 0)
			memcpy(err->message, msg, sizeof msg);
	}
out_free:
	free(buf);
out_close:
	fclose(f);
	return rc;
}

ld_status ld_calendar_load_dir(ld_calendar *cal, const char *dir,
			       bool optional, ld_error *err)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (optional && (errno == ENOENT || errno == ENOTDIR))
			return LD_OK;
		return ld_fail(err, LD_EIO, "holidays",
			       "无法打开节假日目录 %s", dir);
	}
	ld_status rc = LD_OK;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		int year = year_of_name(e->d_name);
		if (!year)
			continue;
		char path[4096];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir,
				     e->d_name) >= sizeof path) {
			rc = ld_fail(err, LD_EINVAL, "holidays", "路径过长");
			break;
		}
		rc = load_file(cal, path, year, err);
		if (rc != LD_OK)
			break;
	}
	closedir(d);
	return rc;
}

/* The holidays directory beside the executable: <bin>/../data/holidays or
 * <bin>/../share/liudong/holidays. Empty when neither exists. */
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
	static const char *const rel[] = {"/../data/holidays",
					  "/../share/liudong/holidays"};
	for (size_t i = 0; i < 2; i++) {
		int w = snprintf(out, cap, "%s%s", exe, rel[i]);
		if (w > 0 && (size_t)w < cap && access(out, R_OK) == 0)
			return;
	}
	out[0] = '\0';
}

ld_status ld_calendar_load_default(ld_calendar *cal, const char *dir,
				   ld_error *err)
{
	ld_calendar_init(cal);
	for (const struct ld_embedded_file *f = ld_embedded_holidays; f->name;
	     f++) {
		ld_status rc = ld_calendar_add_tsv(cal, f->data, f->len,
						   atoi(f->name), err);
		if (rc != LD_OK)
			return rc;
	}
	char def[PATH_MAX];
	bool optional = false;
	if (!dir)
		dir = getenv("LIUDONG_HOLIDAYS");
	if (!dir || !*dir) {
		default_dir(def, sizeof def);
		dir = def;
		optional = true;
	}
	if (!*dir)
		return LD_OK;
	return ld_calendar_load_dir(cal, dir, optional, err);
}
