/*
 * keyring.c — where the permit signing keys live and which one is current.
 * The keys themselves are sm2.c's; this file only names, finds and lists
 * their files.
 */
#include "keyring.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_MAX_LEN 4096
#define PUB_SUFFIX ".pub.pem"
#define KEY_SUFFIX ".key.pem"

bool ld_keyring_id_is_valid(const char *s)
{
	size_t i = 0;
	for (; s[i] && i <= LD_SM2_KEY_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == LD_SM2_KEY_ID_LEN;
}

/* out = data_dir/keys[/name]; false if it does not fit. */
static bool keys_path(char out[PATH_MAX_LEN], const char *data_dir,
		      const char *name)
{
	int n = name ? snprintf(out, PATH_MAX_LEN, "%s/keys/%s", data_dir, name)
		     : snprintf(out, PATH_MAX_LEN, "%s/keys", data_dir);
	return n > 0 && n < PATH_MAX_LEN;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Replace keys/current with id, atomically: a reader sees the old id or
 * the new one, never a torn file, even if the machine stops midway. */
static ld_status write_current(const char *keys_dir, const char *id,
			       ld_error *err)
{
	char tmp[PATH_MAX_LEN], dst[PATH_MAX_LEN], line[LD_SM2_KEY_ID_LEN + 2];
	if (snprintf(tmp, sizeof tmp, "%s/current.XXXXXX", keys_dir) >=
		    (int)sizeof tmp ||
	    snprintf(dst, sizeof dst, "%s/current", keys_dir) >=
		    (int)sizeof dst)
		return ld_fail(err, LD_EINVAL, "data", "数据目录路径过长");
	int fd = mkstemp(tmp);
	if (fd < 0)
		return ld_fail(err, LD_EIO, "data", "无法在 %s 中创建临时文件：%s",
			       keys_dir, strerror(errno));
	int n = snprintf(line, sizeof line, "%s\n", id);
	int e = 0;
	errno = 0;
	if (write(fd, line, (size_t)n) != n)
		e = errno ? errno : EIO;
	if (!e && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
		e = errno;
	if (close(fd) != 0 && !e)
		e = errno;
	if (!e && rename(tmp, dst) != 0)
		e = errno;
	if (e) {
		unlink(tmp);
		return ld_fail(err, LD_EIO, "data", "无法写入当前密钥标记 %s：%s",
			       dst, strerror(e));
	}
	sync_dir(keys_dir);
	return LD_OK;
}

ld_status ld_keyring_generate(const char *data_dir, bool make_current,
			      char key_id[LD_SM2_KEY_ID_LEN + 1],
			      ld_error *err)
{
	char dir[PATH_MAX_LEN];
	if (!keys_path(dir, data_dir, NULL))
		return ld_fail(err, LD_EINVAL, "data", "数据目录路径过长");
	if (mkdir(data_dir, 0700) != 0 && errno != EEXIST)
		return ld_fail(err, LD_EIO, "data", "无法创建数据目录 %s：%s",
			       data_dir, strerror(errno));
	char id[LD_SM2_KEY_ID_LEN + 1];
	ld_status rc = ld_sm2_generate(dir, id, err);
	if (rc != LD_OK)
		return rc;
	if (make_current) {
		rc = write_current(dir, id, err);
		if (rc != LD_OK)
			return rc;
	}
	memcpy(key_id, id, sizeof id);
	return LD_OK;
}

ld_status ld_keyring_current(const char *data_dir,
			     char key_id[LD_SM2_KEY_ID_LEN + 1],
			     ld_error *err)
{
	char path[PATH_MAX_LEN], text[64];
	if (!keys_path(path, data_dir, "current"))
		return ld_fail(err, LD_EINVAL, "data", "数据目录路径过长");
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return ld_fail(err, LD_ENOTFOUND, "key",
				       "尚无当前签名密钥，请先执行 liudong keys "
				       "generate");
		return ld_fail(err, LD_EIO, "key", "无法读取 %s：%s", path,
			       strerror(errno));
	}
	size_t n = fread(text, 1, sizeof text - 1, f);
	bool failed = ferror(f);
	fclose(f);
	if (failed)
		return ld_fail(err, LD_EIO, "key", "无法读取 %s", path);
	text[n] = '\0';
	if (n > 0 && text[n - 1] == '\n')
		text[--n] = '\0';
	if (!ld_keyring_id_is_valid(text))
		return ld_fail(err, LD_EINVAL, "key",
			       "%s 中的密钥编号格式错误（应为16位小写十六进制）",
			       path);
	memcpy(key_id, text, LD_SM2_KEY_ID_LEN + 1);
	return LD_OK;
}

/* The key must be the one its file name says: a file copied under the
 * wrong name would otherwise sign permits that name another key. */
static ld_status check_id(ld_sm2_key *k, const char *want, const char *path,
			  ld_error *err)
{
	char got[LD_SM2_KEY_ID_LEN + 1];
	ld_sm2_key_id(k, got);
	if (strcmp(got, want) == 0)
		return LD_OK;
	return ld_fail(err, LD_EINVAL, "key",
		       "密钥文件 %s 中的密钥编号为 %s，与文件名不符", path, got);
}

ld_status ld_keyring_load_signer(const char *data_dir, ld_sm2_key **priv,
				 char key_id[LD_SM2_KEY_ID_LEN + 1],
				 ld_error *err)
{
	*priv = NULL;
	char id[LD_SM2_KEY_ID_LEN + 1], name[64], path[PATH_MAX_LEN];
	ld_status rc = ld_keyring_current(data_dir, id, err);
	if (rc != LD_OK)
		return rc;
	snprintf(name, sizeof name, "%s" KEY_SUFFIX, id);
	if (!keys_path(path, data_dir, name))
		return ld_fail(err, LD_EINVAL, "data", "数据目录路径过长");
	ld_sm2_key *k;
	rc = ld_sm2_load_private(path, &k, err);
	if (rc != LD_OK)
		return rc;
	rc = check_id(k, id, path, err);
	if (rc != LD_OK) {
		ld_sm2_free(k);
		return rc;
	}
	*priv = k;
	memcpy(key_id, id, sizeof id);
	return LD_OK;
}

ld_status ld_keyring_load_public(const char *path, const char *key_id,
				 ld_sm2_key **pub, ld_error *err)
{
	*pub = NULL;
	struct stat st;
	if (stat(path, &st) != 0)
		return ld_fail(err, errno == ENOENT ? LD_ENOTFOUND : LD_EIO,
			       "public_key", "无法访问公钥路径 %s：%s", path,
			       strerror(errno));
	if (key_id && !ld_keyring_id_is_valid(key_id))
		return ld_fail(err, LD_EINVAL, "key_id",
			       "密钥编号应为16位小写十六进制");
	ld_sm2_key *k;
	ld_status rc;
	if (S_ISDIR(st.st_mode)) {
		char file[PATH_MAX_LEN];
		if (!key_id)
			return ld_fail(err, LD_EINVAL, "key_id",
				       "从密钥目录取公钥须指定密钥编号");
		if (snprintf(file, sizeof file, "%s/%s" PUB_SUFFIX, path,
			     key_id) >= (int)sizeof file)
			return ld_fail(err, LD_EINVAL, "public_key",
				       "公钥路径过长");
		rc = ld_sm2_load_public(file, &k, err);
		if (rc == LD_ENOTFOUND)
			return ld_fail(err, rc, "key_id",
				       "公钥目录 %s 中没有密钥 %s", path, key_id);
		if (rc != LD_OK)
			return rc;
		rc = check_id(k, key_id, file, err);
		if (rc != LD_OK) {
			ld_sm2_free(k);
			return rc;
		}
	} else {
		rc = ld_sm2_load_public(path, &k, err);
		if (rc != LD_OK)
			return rc;
		char got[LD_SM2_KEY_ID_LEN + 1];
		ld_sm2_key_id(k, got);
		if (key_id && strcmp(got, key_id) != 0) {
			ld_sm2_free(k);
			return ld_fail(err, LD_ENOTFOUND, "key_id",
				       "公钥文件 %s 是密钥 %s，不是签发所用的密钥 %s",
				       path, got, key_id);
		}
	}
	*pub = k;
	return LD_OK;
}

struct entry {
	char id[LD_SM2_KEY_ID_LEN + 1];
	struct timespec mtime;
};

static int by_age(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->id, y->id);
}

ld_status ld_keyring_list(const char *data_dir, ld_keyring_each_fn fn,
			  void *ctx, ld_error *err)
{
	char dir[PATH_MAX_LEN], path[PATH_MAX_LEN];
	char current[LD_SM2_KEY_ID_LEN + 1] = "";
	if (!keys_path(dir, data_dir, NULL))
		return ld_fail(err, LD_EINVAL, "data", "数据目录路径过长");
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return LD_OK;
		return ld_fail(err, LD_EIO, "data", "无法读取密钥目录 %s：%s",
			       dir, strerror(errno));
	}
	if (ld_keyring_current(data_dir, current, NULL) != LD_OK)
		current[0] = '\0';

	struct entry *list = NULL;
	size_t n = 0, cap = 0;
	ld_status rc = LD_OK;
	const size_t want = LD_SM2_KEY_ID_LEN + strlen(PUB_SUFFIX);
	struct dirent *e;
	while ((e = readdir(d))) {
		char id[LD_SM2_KEY_ID_LEN + 1];
		if (strlen(e->d_name) != want ||
		    strcmp(e->d_name + LD_SM2_KEY_ID_LEN, PUB_SUFFIX) != 0)
			continue;
		memcpy(id, e->d_name, LD_SM2_KEY_ID_LEN);
		id[LD_SM2_KEY_ID_LEN] = '\0';
		struct stat st;
		if (!ld_keyring_id_is_valid(id) ||
		    snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
			    (int)sizeof path ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct entry *p = realloc(list, cap * sizeof *list);
			if (!p) {
				rc = ld_fail(err, LD_ENOMEM, NULL, "内存不足");
				goto out_free;
			}
			list = p;
		}
		memcpy(list[n].id, id, sizeof id);
		list[n++].mtime = st.st_mtim;
	}
	if (n)
		qsort(list, n, sizeof *list, by_age);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		bool has_private =
			snprintf(path, sizeof path, "%s/%s" KEY_SUFFIX, dir,
				 list[i].id) < (int)sizeof path &&
			stat(path, &st) == 0;
		if (snprintf(path, sizeof path, "%s/%s" PUB_SUFFIX, dir,
			     list[i].id) >= (int)sizeof path)
			continue;
		if (fn(ctx, list[i].id, strcmp(list[i].id, current) == 0, path,
		       has_private) != 0)
			break;
	}
out_free:
	free(list);
	closedir(d);
	return rc;
}
