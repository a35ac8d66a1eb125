/*
 * seg_file.h - the stats segment's file, DIR/liballoc.<pid>: created with
 * O_EXCL|O_NOFOLLOW, mode 0600, locked (shared/liveness.h) before anything
 * is written, then sized. A file already at that path is replaced only when
 * it is a stale segment of this user (see seg_file_is_stale); anything else
 * (another user's file, a symbolic link, a live segment) is refused, and
 * the reason is said once on stderr: the process runs on with private
 * statistics.
 */
#ifndef LA_SEG_FILE_H
#define LA_SEG_FILE_H

#include <sys/types.h>

#include "sys/internal.h"

/* The kept descriptor's lowest number (or half the descriptor limit, when
 * that is lower): above what programs open and close themselves. */
#define SEG_FD_FLOOR 512

/* The file for this process, `size` bytes, its path in path[]; *locked
 * says the liveness lock is held through the returned descriptor
 * (close-on-exec, numbered SEG_FD_FLOOR or above when it can be, to be
 * kept open). -1 when refused or failed. */
LA_HIDDEN int seg_file_create(const char *dir, size_t size, char *path, size_t pathlen,
			      bool *locked);
/* The segment open at fd, named for `pid`, is stale: its process is gone
 * (a zombie too, once the lock is gone), or executed another program
 * (the lock it promised is not held), or its pid was recycled; for this
 * process's own pid, any file (this process before an execve, which may
 * have been killed while it made the file). */
LA_HIDDEN bool seg_file_is_stale(int fd, int pid);
/* Which file a descriptor is open on, to tell later whether that number
 * still is the segment's: a program may have closed it and reused it. */
struct seg_file_id {
	dev_t dev;
	ino_t ino;
};
LA_HIDDEN bool seg_file_identify(int fd, struct seg_file_id *id);
LA_HIDDEN bool seg_file_is(int fd, const struct seg_file_id *id);
/* In a forked child: the child speaks for itself again. */
LA_HIDDEN void seg_file_fork_child(void);

#endif
