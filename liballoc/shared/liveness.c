/* liveness.c - see liveness.h. */
#include <fcntl.h>
#include <errno.h>
#include <string.h>

#include "liballoc_stats.h"
#include "liveness.h"

static int lock_whole(int fd, int cmd, short type, struct flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = type;
	fl->l_whence = SEEK_SET; /* l_start 0, l_len 0: the whole file */
	return fcntl(fd, cmd, fl);
}

int las_liveness_hold(int fd)
{
	struct flock fl;
	return lock_whole(fd, F_OFD_SETLK, F_WRLCK, &fl) == 0 ? 0 : errno;
}

bool las_liveness_owner_gone(int fd, uint32_t ready)
{
	struct flock fl;
	if (!(ready & LAS_READY_OWNER_LOCK))
		return false; /* a writer that makes no such promise: ask elsewhere */
	if (lock_whole(fd, F_OFD_GETLK, F_WRLCK, &fl) != 0)
		return false; /* cannot tell: not gone */
	return fl.l_type == F_UNLCK;
}

bool las_liveness_claim(int fd)
{
	struct flock fl;
	return lock_whole(fd, F_OFD_SETLK, F_WRLCK, &fl) == 0;
}
