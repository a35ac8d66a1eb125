/*
 * bug_support.h - helpers shared by the bug-corpus programs in tests/bugs/cases/.
 *
 * Each corpus program commits exactly one heap bug (or, for the "none" cases,
 * deliberately none) and is run by tests/bugs/run.sh (its contract) and
 * tests/bugs/run-modes.sh (its outcome in each mode) under
 * LD_PRELOAD=build/liballoc.so. The programs are built against plain glibc so
 * that the same binary also runs under glibc, valgrind or ASan (verify-asan.sh):
 * liballoc's own entry points (alloc_ctl, alloc_check) are therefore looked up
 * at run time with dlsym() instead of being linked.
 *
 * Environment understood by these helpers:
 *   BUGS_CHECKS_OFF=1   runtime switches (bug_ctl) are skipped: the runner's
 *                       "checks off" pass.
 *   BUGS_PAUSE=PATH     bug_finish() pauses (bug_rendezvous) so the runner
 *                       can read the stats segment of the live process.
 *   BUGS_SWITCH=PATH    bug_wait_for_outside_switch() pauses so the runner
 *                       can switch checks with allocdump --set.
 */
#ifndef BUG_SUPPORT_H
#define BUG_SUPPORT_H

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "liballoc.h"

/*
 * Hide a pointer from the optimiser: the compiler can no longer prove where
 * it points, so it neither removes the malloc/free pair nor warns (-Werror)
 * about the bug we commit on purpose.
 */
static inline void *bug_opaque(void *p)
{
	__asm__ volatile("" : "+r"(p) : : "memory");
	return p;
}

/* Store one byte through an opaque pointer so the write really happens. */
static inline void bug_poke(void *base, long offset, unsigned char value)
{
	volatile unsigned char *q = (volatile unsigned char *)bug_opaque(base) + offset;
	*q = value;
}

/* bug_poke for a byte whose content is random (a field holding an address
 * under ASLR, or a thread id): when it already holds `value`, the store
 * would change nothing and there would be no bug to find (about 1 run in
 * 256), so the next byte that does not hold it is written instead, which
 * keeps the write inside the same field for the fields these cases aim at
 * (the byte after an address's random one is too). */
static inline void bug_poke_changing(void *base, long offset, unsigned char value)
{
	volatile unsigned char *q = (volatile unsigned char *)bug_opaque(base) + offset;
	for (int i = 0; i < 3 && *q == value; i++)
		q++;
	*q = value;
}

/*
 * Tell the runner which block the bug is about (checked against the report).
 * Written with write(2): printf's first call allocates stdout's buffer, and
 * an allocation here, between a program's frees and its bug, may be the one
 * the heap profile samples, whose first stack loads libunwind, whose own
 * allocations then take the freed blocks back (the bug would hit a live
 * block of the loader's instead).
 */
static inline void bug_mark(const char *what, const void *p, size_t size)
{
	char line[256];
	fflush(stdout);
	int n = snprintf(line, sizeof line, "bug-block: %s %p size %zu\n", what, p, size);
	if (n > 0 && write(1, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0)
		perror("bugs: writing the bug-block line");
}

static inline int bug_checks_off(void)
{
	const char *v = getenv("BUGS_CHECKS_OFF");
	return v != NULL && strcmp(v, "1") == 0;
}

typedef int (*bug_alloc_ctl_fn)(const char *, void *, size_t *, const void *, size_t);
typedef int (*bug_alloc_check_fn)(void);

/*
 * Switch a debug check at run time through alloc_ctl("debug.<key>").
 * Without liballoc (glibc, ASan) there is nothing to switch: say so and go
 * on, the bug itself is still committed. Under liballoc a refused switch is
 * a test failure (exit 3), never silently ignored.
 */
static inline void bug_ctl(const char *name, uint64_t value)
{
	if (bug_checks_off())
		return;
	bug_alloc_ctl_fn ctl = (bug_alloc_ctl_fn)dlsym(RTLD_DEFAULT, "alloc_ctl");
	if (ctl == NULL) {
		fprintf(stderr, "bugs: alloc_ctl not found, %s not switched\n", name);
		return;
	}
	int rc = ctl(name, NULL, NULL, &value, sizeof value);
	if (rc != 0) {
		fprintf(stderr, "bugs: alloc_ctl(\"%s\", %llu) failed: %s\n", name,
			(unsigned long long)value, strerror(rc));
		exit(3);
	}
}

/* Run alloc_check() when liballoc is there; returns its violation count. */
static inline int bug_alloc_check(void)
{
	bug_alloc_check_fn check = (bug_alloc_check_fn)dlsym(RTLD_DEFAULT, "alloc_check");
	if (check == NULL) {
		fprintf(stderr, "bugs: alloc_check not found\n");
		return 0;
	}
	return check();
}

/*
 * Push earlier frees out of a quarantine of up to `bytes`: free at least that
 * much fresh memory in blocks of `block` bytes. Blocks are freed right away,
 * so the program never holds more than one of them.
 */
static inline void bug_flush_quarantine(size_t bytes, size_t block)
{
	for (size_t done = 0; done <= bytes; done += block) {
		void *p = bug_opaque(malloc(block));
		if (p == NULL) {
			perror("bugs: malloc while flushing quarantine");
			exit(4);
		}
		free(p);
	}
}

static inline void bug_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/*
 * Rendezvous with the runner through the file named by environment variable
 * `var` (nothing to do when it is unset): write our pid to PATH.ready (the
 * runner may only know the pid of a wrapper), then wait at most 30 s until
 * PATH exists, i.e. until the runner has done its part. With
 * keep_allocating, allocate while waiting: a request from outside is applied
 * at a thread's next allocation, and allocdump --set waits for that.
 */
static inline void bug_rendezvous(const char *var, int keep_allocating)
{
	const char *path = getenv(var);
	if (path == NULL || *path == '\0')
		return;
	char ready[4096], partial[4200];
	snprintf(ready, sizeof ready, "%s.ready", path);
	snprintf(partial, sizeof partial, "%s.tmp", ready);
	FILE *f = fopen(partial, "w");
	if (f == NULL) {
		perror("bugs: cannot write the rendezvous file");
		return;
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	rename(partial, ready);
	for (int i = 0; i < 3000 && access(path, F_OK) != 0; i++) {
		if (keep_allocating)
			free(bug_opaque(malloc(16)));
		bug_sleep_ms(10);
	}
}

/* Let the runner switch checks from outside (BUGS_SWITCH), see above. */
static inline void bug_wait_for_outside_switch(void)
{
	bug_rendezvous("BUGS_SWITCH", 1);
}

/* Every program ends here: the runner looks for "done" on stdout. Written
 * with write(2), for the reason bug_mark gives: a program whose bug waits in
 * the thread cache until exit (a free into an unused slot, found when the
 * cache flushes) must not allocate after it, or a sampled stdout buffer
 * loads libunwind, and the loader's allocations take the bad pointer back
 * out of the cache before the flush can see it. */
static inline int bug_finish(void)
{
	bug_rendezvous("BUGS_PAUSE", 0);
	fflush(stdout);
	if (write(1, "done\n", 5) != 5)
		perror("bugs: writing done");
	return 0;
}

struct bug_thread {
	const char *name;
	void *(*fn)(void *);
	void *arg;
};

/* Name the thread from inside, before it does anything, so reports see it. */
static inline void *bug_thread_main(void *opaque_thread)
{
	struct bug_thread *t = (struct bug_thread *)opaque_thread;
	pthread_setname_np(pthread_self(), t->name);
	return t->fn(t->arg);
}

/* Run fn(arg) in a new thread called `name` and wait for it: a
 * deterministic cross-thread step. */
static inline void bug_in_thread(const char *name, void *(*fn)(void *), void *arg)
{
	struct bug_thread t = {name, fn, arg};
	pthread_t id;
	if (pthread_create(&id, NULL, bug_thread_main, &t) != 0) {
		perror("bugs: pthread_create");
		exit(4);
	}
	pthread_join(id, NULL);
}

/* The result of an allocation the program cannot do without (exit 4). */
static inline void *bug_got(void *p)
{
	if (p == NULL) {
		fprintf(stderr, "bugs: out of memory\n");
		exit(4);
	}
	return bug_opaque(p);
}

/* realloc that must move the block (exit 5 if it grew in place): the
 * stale old pointer is what the bug is about. */
static inline void *bug_realloc_moved(void *p, size_t size)
{
	void *q = bug_got(realloc(p, size));
	if (q == p) {
		fprintf(stderr, "bugs: realloc did not move the block\n");
		exit(5);
	}
	return q;
}

typedef void (*bug_free_sized_fn)(void *, size_t);
typedef void (*bug_free_aligned_sized_fn)(void *, size_t, size_t);

/* C23's free_sized and free_aligned_sized, which glibc 2.36 lacks: looked
 * up at run time, plain free() where there are none (ASan, glibc). */
static inline void bug_free_sized(void *p, size_t size)
{
	bug_free_sized_fn f = (bug_free_sized_fn)dlsym(RTLD_DEFAULT, "free_sized");
	if (f)
		f(p, size);
	else
		free(p);
}

static inline void bug_free_aligned_sized(void *p, size_t align, size_t size)
{
	bug_free_aligned_sized_fn f =
		(bug_free_aligned_sized_fn)dlsym(RTLD_DEFAULT, "free_aligned_sized");
	if (f)
		f(p, align, size);
	else
		free(p);
}

static inline void *bug_xmalloc(size_t size)
{
	void *p = bug_opaque(malloc(size));
	if (p == NULL) {
		fprintf(stderr, "bugs: malloc(%zu) failed\n", size);
		exit(4);
	}
	return p;
}

/* The block that follows another one closest in the same slab (exit 6
 * when no two lie within a page): without checks the second starts where
 * the first's slot ends, with them a redzone and a header lie between. */
static inline char *bug_adjacent_pair(size_t size, char **second)
{
	char *blocks[64], *best = NULL;
	for (int i = 0; i < 64; i++)
		blocks[i] = (char *)bug_xmalloc(size);
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 64; j++)
			if (blocks[j] > blocks[i] && blocks[j] - blocks[i] < 4096 &&
			    (best == NULL || blocks[j] - blocks[i] < *second - best)) {
				best = blocks[i];
				*second = blocks[j];
			}
	if (best == NULL) {
		fprintf(stderr, "bugs: no two blocks of %zu bytes within a page\n", size);
		exit(6);
	}
	return best;
}

#endif
