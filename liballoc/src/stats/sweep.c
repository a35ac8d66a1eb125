/* sweep.c - removing stale segments of this user (sweep.h). */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/liveness.h"
#include "stats/seg_file.h"
#include "stats/sweep.h"

/* "liballoc.<pid>" -> pid, 0 for any other name (as the readers parse it). */
static int name_pid(const char *name)
{
	static const char prefix[] = "liballoc.";
	for (size_t i = 0; i < sizeof(prefix) - 1; i++)
		if (name[i] != prefix[i])
			return 0;
	const char *p = name + sizeof(prefix) - 1;
	if (*p < '1' || *p > '9')
		return 0;
	long v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
		if (v > 0x7fffffffL)
			return 0;
	}
	return (int)v;
}

/* Remove one candidate if it is a stale segment of ours; under our own
 * lock, after checking that the name still names the file examined. */
static bool remove_if_stale(int dfd, const char *name, int pid, const struct stat *seen)
{
	int fd = openat(dfd, name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st, again;
	bool removed = false;
	if (fstat(fd, &st) == 0 && st.st_ino == seen->st_ino && st.st_dev == seen->st_dev &&
	    seg_file_is_stale(fd, pid) && las_liveness_claim(fd) &&
	    fstatat(dfd, name, &again, AT_SYMLINK_NOFOLLOW) == 0 && again.st_ino == st.st_ino &&
	    again.st_dev == st.st_dev)
		removed = unlinkat(dfd, name, 0) == 0;
	close(fd);
	return removed;
}

unsigned sweep_stale(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	uid_t me = geteuid();
	int self = getpid();
	unsigned entries = 0, examined = 0, removed = 0;
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n;
	while (entries < SWEEP_MAX_ENTRIES && examined < SWEEP_MAX_EXAMINED &&
	       removed < SWEEP_MAX_REMOVED && (n = getdents64(dfd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			off += d->d_reclen;
			entries++;
			int pid = name_pid(d->d_name);
			if (!pid || pid == self || (d->d_type != DT_REG && d->d_type != DT_UNKNOWN))
				continue;
			struct stat st;
			if (examined >= SWEEP_MAX_EXAMINED || removed >= SWEEP_MAX_REMOVED)
				break;
			examined++;
			if (fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
			    !S_ISREG(st.st_mode) || st.st_uid != me)
				continue;
			if (remove_if_stale(dfd, d->d_name, pid, &st))
				removed++;
		}
	}
	close(dfd);
	return removed;
}
