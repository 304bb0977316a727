/*
 * secret.c — reading and, the first time, making the server's secrets in
 * DATA/keys (see secret.h).
 */
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/random.h"

#define PATH_LEN 4096

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Write a new secret to a temporary file and link it to `path`; EEXIST
 * (someone else made it first) is no failure: theirs is read after. */
static ld_status create(const char *dir, const char *path, ld_error *err)
{
	char tmp[PATH_LEN];
	if (snprintf(tmp, sizeof tmp, "%s/.secret.XXXXXX", dir) >=
	    (int)sizeof tmp)
		return ld_fail(err, LD_EINVAL, "data", "数据目录路径过长");
	unsigned char bytes[LD_SECRET_LEN];
	if (ld_random_bytes(bytes, sizeof bytes) != LD_OK)
		return ld_fail(err, LD_EIO, "data", "无法取得随机数");
	int fd = mkstemp(tmp); /* created 0600 */
	if (fd < 0)
		return ld_fail(err, LD_EIO, "data", "无法在 %s 中创建文件：%s",
			       dir, strerror(errno));
	int e = 0;
	if (write(fd, bytes, sizeof bytes) != (ssize_t)sizeof bytes)
		e = errno ? errno : EIO;
	if (!e && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && !e)
		e = errno;
	explicit_bzero(bytes, sizeof bytes);
	if (!e && link(tmp, path) != 0 && errno != EEXIST)
		e = errno;
	unlink(tmp);
	if (e)
		return ld_fail(err, LD_EIO, "data", "无法写入 %s：%s", path,
			       strerror(e));
	sync_dir(dir);
	return LD_OK;
}

ld_status ld_secret_load(const char *data_dir, const char *name,
			 unsigned char out[LD_SECRET_LEN], ld_error *err)
{
	char dir[PATH_LEN], path[PATH_LEN];
	if (snprintf(dir, sizeof dir, "%s/keys", data_dir) >= (int)sizeof dir ||
	    snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return ld_fail(err, LD_EINVAL, "data", "数据目录路径过长");
	if ((mkdir(data_dir, 0700) != 0 && errno != EEXIST) ||
	    (mkdir(dir, 0700) != 0 && errno != EEXIST))
		return ld_fail(err, LD_EIO, "data", "无法创建目录 %s：%s", dir,
			       strerror(errno));
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		ld_status rc = create(dir, path, err);
		if (rc != LD_OK)
			return rc;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0)
		return ld_fail(err, LD_EIO, "data", "无法读取 %s：%s", path,
			       strerror(errno));
	ld_status rc = LD_OK;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		rc = ld_fail(err, LD_EIO, "data", "%s 不是普通文件", path);
	else if (st.st_mode & 077)
		rc = ld_fail(err, LD_EDENIED, "data",
			     "%s 可被其他用户读取，请执行 chmod 600 %s", path,
			     path);
	else if (st.st_size != LD_SECRET_LEN ||
		 read(fd, out, LD_SECRET_LEN) != LD_SECRET_LEN)
		rc = ld_fail(err, LD_EINVAL, "data",
			     "%s 应为%d字节；删除它则下次启动时重新生成", path,
			     LD_SECRET_LEN);
	close(fd);
	if (rc != LD_OK)
		explicit_bzero(out, LD_SECRET_LEN);
	return rc;
}
