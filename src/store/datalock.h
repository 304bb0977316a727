/*
 * datalock.h — the data directory's lock. A running server holds it for
 * its whole life, so what must not run beside one (a restore, a second
 * server on the same data) can tell. It is an flock on DIR/liudong.lock,
 * which the kernel drops when the process ends, however it ends.
 */
#ifndef LD_DATALOCK_H
#define LD_DATALOCK_H

#include "core/status.h"

#define LD_DATALOCK_FILE "liudong.lock"

/*
 * Take the lock of data directory dir (made 0700 if missing) without
 * waiting. *fd receives the descriptor that holds it: keep it open, and
 * release it with ld_datalock_release. LD_ECONFLICT when another process
 * holds it (a server is running on dir), LD_EIO when it cannot be taken.
 */
ld_status ld_datalock_take(const char *dir, int *fd, ld_error *err);
/* Release it (a negative fd is ignored). */
void ld_datalock_release(int fd);

#endif
