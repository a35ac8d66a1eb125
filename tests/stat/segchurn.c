/*
 * segchurn - test helper: processes whose stats segments change under the
 * readers, as a hostile (or broken) owner could make them.
 *
 *   segchurn DIR N SECONDS
 *
 * Forks N children. Each publishes a valid fabricated segment for its own
 * pid in DIR (tests/stat/segfab.h), then for SECONDS keeps doing, at
 * random and as fast as it can: truncate the file (to 0, to a few bytes,
 * to half, to just past the control block), grow it back and rewrite it
 * whole, scribble over the header or a table, replace the file by a new
 * one, and answer pending control requests. A reader that maps the file
 * and touches it after a shrink gets SIGBUS unless it guards the access.
 *
 * Prints one child pid per line, then "ready"; the children stop after
 * SECONDS (or at SIGTERM, or when the parent dies) and remove their files.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "segfab.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_all(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite(fd, buf, len, off) == (ssize_t)len ? 0 : -1;
}

/* Answer a pending request through the file, as --apply would. */
static void answer(int fd, const unsigned char *img)
{
	const struct las_header *h = (const struct las_header *)img;
	off_t off = (off_t)h->tables[LAS_T_CONTROL].offset;
	struct las_control c;
	if (pread(fd, &c, sizeof(c), off) != (ssize_t)sizeof(c) || c.request_gen == c.applied_gen)
		return;
	c.applied = c.requested;
	c.applied_gen = c.request_gen;
	c.gate = 0;
	write_all(fd, &c, sizeof(c), off);
}

static int child(const char *dir, unsigned seed, double seconds)
{
	char path[4096];
	struct segfab_spec spec = segfab_default(getpid());
	size_t len;
	unsigned char *img = segfab_build(&spec, &len);
	if (!img)
		return 1;
	const struct las_header *h = (const struct las_header *)img;
	uint64_t ctl_end = h->tables[LAS_T_CONTROL].offset + sizeof(struct las_control);
	snprintf(path, sizeof(path), "%s/liballoc.%d", dir, (int)getpid());
	if (segfab_write(path, img, len) != 0)
		return 1;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 1;
	srand(seed);
	double end = now_s() + seconds;
	unsigned char junk[512];
	while (!stop && now_s() < end) {
		int what = rand() % 10;
		switch (what) {
		case 0: /* gone to nothing, then back */
			if (ftruncate(fd, 0) == 0)
				usleep(rand() % 2000);
			break;
		case 1: /* a few bytes: no header */
			if (ftruncate(fd, rand() % 64) == 0)
				usleep(rand() % 2000);
			break;
		case 2: /* half: tables cut off */
			if (ftruncate(fd, (off_t)(len / 2)) == 0)
				usleep(rand() % 2000);
			break;
		case 3: /* the thread table and control block just fit, no more */
			if (ftruncate(fd, (off_t)(ctl_end < len ? ctl_end : len) - 8) == 0)
				usleep(rand() % 2000);
			break;
		case 4: /* scribble over the header */
			for (size_t i = 0; i < sizeof(junk); i++)
				junk[i] = (unsigned char)rand();
			write_all(fd, junk, 1 + rand() % 256, rand() % (off_t)sizeof(struct las_header));
			usleep(rand() % 1000);
			break;
		case 5: /* scribble over a table */
			for (size_t i = 0; i < sizeof(junk); i++)
				junk[i] = (unsigned char)rand();
			write_all(fd, junk, sizeof(junk), (off_t)(rand() % (len - sizeof(junk))));
			usleep(rand() % 1000);
			break;
		case 6: { /* a new file under the same name */
			close(fd);
			unlink(path);
			if (segfab_write(path, img, len) != 0 || (fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
				return 1;
			break;
		}
		default: /* valid for a while: readers get as far as the control block */
			break;
		}
		/* grow back and rewrite whole */
		if (ftruncate(fd, (off_t)len) != 0 || write_all(fd, img, len, 0) != 0)
			return 1;
		answer(fd, img);
		usleep(rand() % 3000);
	}
	close(fd);
	unlink(path);
	free(img);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: segchurn DIR N SECONDS\n");
		return 2;
	}
	int n = atoi(argv[2]);
	double seconds = atof(argv[3]);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	pid_t *kids = calloc((size_t)n + 1, sizeof(*kids));
	if (!kids || n < 1 || !(seconds > 0))
		return 2;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("segchurn: fork");
			break;
		}
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (getppid() == 1)
				_exit(0);
			_exit(child(argv[1], (unsigned)getpid() * 2654435761u, seconds));
		}
		kids[i] = pid;
		printf("%d\n", (int)pid);
	}
	for (int i = 0; i < n && kids[i]; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/liballoc.%d", argv[1], (int)kids[i]);
		for (int t = 0; t < 500 && access(path, F_OK) != 0; t++)
			usleep(10000);
	}
	printf("ready\n");
	fflush(stdout);
	int status = 0;
	for (int i = 0; i < n; i++) {
		int st;
		if (kids[i] > 0 && waitpid(kids[i], &st, 0) == kids[i] &&
		    !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
			status = 1;
	}
	free(kids);
	return status;
}
