/*
 * datalock.c — the data directory's lock (flock).
 */
#include "store/datalock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

ld_status ld_datalock_take(const char *dir, int *fd, ld_error *err)
{
	char path[4200];
	*fd = -1;
	if ((size_t)snprintf(path, sizeof path, "%s/" LD_DATALOCK_FILE, dir) >=
	    sizeof path)
		return ld_fail(err, LD_EINVAL, "data", "数据目录路径过长");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return ld_fail(err, LD_EIO, "data", "无法创建数据目录 %s：%s", dir,
			       strerror(errno));
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f < 0)
		return ld_fail(err, LD_EIO, "data", "无法打开 %s：%s", path,
			       strerror(errno));
	if (flock(f, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(f);
		if (e == EWOULDBLOCK)
			return ld_fail(err, LD_ECONFLICT, "data",
				       "数据目录 %s 正被另一个 liudong serve 使用"
				       "（或正在恢复）",
				       dir);
		return ld_fail(err, LD_EIO, "data", "无法锁定 %s：%s", path,
			       strerror(e));
	}
	*fd = f;
	return LD_OK;
}

void ld_datalock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
