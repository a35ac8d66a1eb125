/*
 * syscalls.c - libc's system-call wrappers that liballoc calls, as its own
 * hidden definitions (see syscalls.h for why): the same names, arguments,
 * results and errno. Those with a path take the *at form of the call (the
 * one both architectures have).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sys/syscalls.h"

#if defined(__x86_64__) || defined(__aarch64__)

long sys_raw(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
#if defined(__x86_64__)
	register long r10 __asm__("r10") = a4, r8 __asm__("r8") = a5, r9 __asm__("r9") = a6;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
#else
	register long x8 __asm__("x8") = nr, x0 __asm__("x0") = a1, x1 __asm__("x1") = a2,
		     x2 __asm__("x2") = a3, x3 __asm__("x3") = a4, x4 __asm__("x4") = a5,
		     x5 __asm__("x5") = a6;
	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory", "cc");
	return x0;
#endif
}

/* libc's convention: -1 and errno on failure. */
static long result(long r)
{
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

#define CALL(nr, a1, a2, a3, a4, a5, a6)                                                       \
	result(sys_raw(nr, (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5), (long)(a6)))

LA_HIDDEN void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)CALL(SYS_mmap, addr, len, prot, flags, fd, off);
}

LA_HIDDEN int munmap(void *addr, size_t len)
{
	return (int)CALL(SYS_munmap, addr, len, 0, 0, 0, 0);
}

LA_HIDDEN int madvise(void *addr, size_t len, int advice)
{
	return (int)CALL(SYS_madvise, addr, len, advice, 0, 0, 0);
}

LA_HIDDEN int mprotect(void *addr, size_t len, int prot)
{
	return (int)CALL(SYS_mprotect, addr, len, prot, 0, 0, 0);
}

LA_HIDDEN void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	void *to = NULL;
	if (flags & MREMAP_FIXED) {
		va_list ap;
		va_start(ap, flags);
		to = va_arg(ap, void *);
		va_end(ap);
	}
	return (void *)CALL(SYS_mremap, old, old_len, new_len, flags, to, 0);
}

/* The mode argument is there only with O_CREAT or O_TMPFILE. */
#define MODE_ARG(flags, mode)                                                                  \
	do {                                                                                   \
		if ((flags) & (O_CREAT | __O_TMPFILE)) {                                       \
			va_list ap;                                                            \
			va_start(ap, flags);                                                   \
			mode = va_arg(ap, int);                                                \
			va_end(ap);                                                            \
		}                                                                              \
	} while (0)

LA_HIDDEN int openat(int dirfd, const char *path, int flags, ...)
{
	int mode = 0;
	MODE_ARG(flags, mode);
	return (int)CALL(SYS_openat, dirfd, path, flags, mode, 0, 0);
}

LA_HIDDEN int open(const char *path, int flags, ...)
{
	int mode = 0;
	MODE_ARG(flags, mode);
	return (int)CALL(SYS_openat, AT_FDCWD, path, flags, mode, 0, 0);
}

LA_HIDDEN ssize_t read(int fd, void *buf, size_t n)
{
	return CALL(SYS_read, fd, buf, n, 0, 0, 0);
}

LA_HIDDEN ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	return CALL(SYS_pread64, fd, buf, n, off, 0, 0);
}

LA_HIDDEN ssize_t write(int fd, const void *buf, size_t n)
{
	return CALL(SYS_write, fd, buf, n, 0, 0, 0);
}

LA_HIDDEN int close(int fd)
{
	return (int)CALL(SYS_close, fd, 0, 0, 0, 0, 0);
}

LA_HIDDEN int fstat(int fd, struct stat *st)
{
	return (int)CALL(SYS_fstat, fd, st, 0, 0, 0, 0);
}

LA_HIDDEN int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return (int)CALL(SYS_newfstatat, dirfd, path, st, flags, 0, 0);
}

LA_HIDDEN int lstat(const char *path, struct stat *st)
{
	return (int)CALL(SYS_newfstatat, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW, 0, 0);
}

LA_HIDDEN int ftruncate(int fd, off_t len)
{
	return (int)CALL(SYS_ftruncate, fd, len, 0, 0, 0, 0);
}

LA_HIDDEN int fchmod(int fd, mode_t mode)
{
	return (int)CALL(SYS_fchmod, fd, mode, 0, 0, 0, 0);
}

LA_HIDDEN int unlinkat(int dirfd, const char *path, int flags)
{
	return (int)CALL(SYS_unlinkat, dirfd, path, flags, 0, 0, 0);
}

LA_HIDDEN int unlink(const char *path)
{
	return (int)CALL(SYS_unlinkat, AT_FDCWD, path, 0, 0, 0, 0);
}

LA_HIDDEN ssize_t readlink(const char *restrict path, char *restrict buf, size_t n)
{
	return CALL(SYS_readlinkat, AT_FDCWD, path, buf, n, 0, 0);
}

LA_HIDDEN ssize_t getdents64(int fd, void *buf, size_t n)
{
	return CALL(SYS_getdents64, fd, buf, n, 0, 0, 0);
}

LA_HIDDEN pid_t getpid(void)
{
	return (pid_t)sys_raw(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

LA_HIDDEN uid_t getuid(void)
{
	return (uid_t)sys_raw(SYS_getuid, 0, 0, 0, 0, 0, 0);
}

LA_HIDDEN uid_t geteuid(void)
{
	return (uid_t)sys_raw(SYS_geteuid, 0, 0, 0, 0, 0, 0);
}

LA_HIDDEN int kill(pid_t pid, int sig)
{
	return (int)CALL(SYS_kill, pid, sig, 0, 0, 0, 0);
}

/* To this thread, as glibc's raise. */
LA_HIDDEN int raise(int sig)
{
	long tid = sys_raw(SYS_gettid, 0, 0, 0, 0, 0, 0);
	return (int)CALL(SYS_tgkill, getpid(), tid, sig, 0, 0, 0);
}

LA_HIDDEN int prctl(int option, ...)
{
	va_list ap;
	unsigned long a[4];
	va_start(ap, option);
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	return (int)CALL(SYS_prctl, option, a[0], a[1], a[2], a[3], 0);
}

LA_HIDDEN int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)CALL(SYS_nanosleep, req, rem, 0, 0, 0, 0);
}

/* Returns the error number itself, as POSIX has it (errno is left alone). */
LA_HIDDEN int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
			      struct timespec *rem)
{
	return (int)-sys_raw(SYS_clock_nanosleep, clock, flags, (long)req, (long)rem, 0, 0);
}

/* The kernel fills as many bytes as it has CPUs for; glibc clears the rest. */
LA_HIDDEN int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set)
{
	long n = CALL(SYS_sched_getaffinity, pid, size, set, 0, 0, 0);
	if (n < 0)
		return -1;
	memset((char *)set + n, 0, size - (size_t)n);
	return 0;
}

LA_HIDDEN int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	long arg = va_arg(ap, long);
	va_end(ap);
	return (int)CALL(SYS_fcntl, fd, cmd, arg, 0, 0, 0);
}

LA_HIDDEN long syscall(long nr, ...)
{
	va_list ap;
	long a[6];
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	return result(sys_raw(nr, a[0], a[1], a[2], a[3], a[4], a[5]));
}

#endif
