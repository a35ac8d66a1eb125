/* seg_file.c - creating the segment file, and leftovers at its path (seg_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "liballoc_stats.h"
#include "shared/liveness.h"
#include "stats/identity.h"
#include "stats/seg_file.h"

static bool said; /* the one message of this process */

static void say_once(const char *path, const char *why)
{
	if (said)
		return;
	said = true;
	char buf[512];
	struct la_buf b = {buf, 0, sizeof(buf)};
	buf_str(&b, "liballoc: stats: cannot publish ");
	buf_str(&b, path);
	buf_str(&b, ": ");
	buf_str(&b, why);
	buf_str(&b, "; statistics stay private\n");
	la_write_stderr(buf);
}

void seg_file_fork_child(void)
{
	said = false;
}

bool seg_file_is_stale(int fd, int pid)
{
	if (pid == getpid())
		return true; /* ours from before an execve (this process makes one) */
	if (kill(pid, 0) != 0 && errno == ESRCH)
		return true;
	struct las_header h;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || h.magic != LAS_MAGIC ||
	    h.pid != pid)
		return false; /* a live pid and no segment we can read: leave it */
	if (las_liveness_owner_gone(fd, h.ready))
		return true;
	uint64_t now = identity_start_ticks(pid);
	return now && h.start_time_ticks && now != h.start_time_ticks;
}

/* A file at our path: remove it if it is a stale segment of ours (our own
 * pid's is one: this process before an execve). NULL when it was removed,
 * else why it stays. */
static const char *clear_leftover(const char *path)
{
	int fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP	 ? "a symbolic link is in the way"
		       : errno == EACCES ? "a file of another user is in the way"
		       : errno == EISDIR ? "something that is not a regular file is in the way"
					 : "a file is in the way that cannot be opened";
	struct stat st, again;
	const char *why = NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		why = "something that is not a regular file is in the way";
	else if (st.st_uid != geteuid())
		why = "a file of another user is in the way";
	else if (!seg_file_is_stale(fd, getpid()))
		why = "a file that is not a stale segment is in the way";
	else if (!las_liveness_claim(fd))
		why = "a stale segment in the way is held by another process";
	else if (lstat(path, &again) != 0 || again.st_ino != st.st_ino || again.st_dev != st.st_dev)
		why = NULL; /* replaced meanwhile: try again */
	else if (unlink(path) != 0)
		why = "a stale segment in the way cannot be removed";
	close(fd);
	return why;
}

/* The descriptor is kept for the process's life, and it is made inside
 * some malloc call: at the lowest free number it may be one the program
 * still takes for its own. bash closes a pipe's descriptor twice; a publish
 * between the two closes lost the segment's descriptor to the second, and
 * each child after that, closing "the parent's segment", closed bash's new
 * pipe of that number. So it moves up, past the numbers programs reuse
 * (the lock belongs to the open file, which the copy keeps). */
static int move_out_of_the_way(int fd)
{
	int floor = SEG_FD_FLOOR;
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY &&
	    r.rlim_cur < (rlim_t)SEG_FD_FLOOR * 2)
		floor = (int)(r.rlim_cur / 2);
	if (fd >= floor)
		return fd;
	int high = fcntl(fd, F_DUPFD_CLOEXEC, floor);
	if (high < 0)
		return fd; /* no room up there: stay */
	close(fd);
	return high;
}

bool seg_file_identify(int fd, struct seg_file_id *id)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return false;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return true;
}

bool seg_file_is(int fd, const struct seg_file_id *id)
{
	struct seg_file_id now;
	return seg_file_identify(fd, &now) && now.dev == id->dev && now.ino == id->ino;
}

int seg_file_create(const char *dir, size_t size, char *path, size_t pathlen, bool *locked)
{
	struct la_buf b = {path, 0, pathlen};
	buf_str(&b, dir);
	buf_str(&b, "/liballoc.");
	buf_u64(&b, (uint64_t)getpid());
	const char *why = "cannot be created";
	for (int attempt = 0; attempt < 3; attempt++) {
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
		if (fd >= 0) {
			/* The lock before any content: a reader that sees the
			 * header's promise always finds the lock of a live writer. */
			*locked = las_liveness_hold(fd) == 0;
			fchmod(fd, 0600);
			if (ftruncate(fd, (off_t)size) == 0)
				return move_out_of_the_way(fd);
			close(fd);
			unlink(path);
			say_once(path, "the file cannot be sized (no space?)");
			return -1;
		}
		if (errno != EEXIST) {
			why = errno == EACCES ? "no permission in the directory"
			      : errno == ENOENT ? "no such directory"
						: "the file cannot be created";
			break;
		}
		why = clear_leftover(path);
		if (why)
			break;
		why = "a file keeps reappearing in the way";
	}
	say_once(path, why);
	return -1;
}
