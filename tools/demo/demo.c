/*
 * liballoc-demo - a workload to watch with alloctop: several threads in
 * phases (steady churn of mixed sizes, a slow leak, periodic bursts of large
 * blocks) and a planted bug that fires only while a debug check that
 * catches it is switched on, so that turning checks on from alloctop shows
 * a violation in ERR and the event ring.
 *
 *   liballoc-demo [--duration SECONDS] [--churn-threads N]
 *
 * Run it under liballoc (LD_PRELOAD=build/liballoc.so) with
 * LIBALLOC_CONF=on_error:report so a caught bug is reported, not fatal;
 * tools/demo/run-demo.sh does all of that.
 */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "allocstat.h"

#define CHURN_SLOTS 4096
#define CHURN_MAX_THREADS 16
#define LEAK_CAP (256u << 20)   /* stop leaking here: a demo, not a DoS */
#define BURST_BLOCKS 24
#define BURST_EVERY_S 8
#define BURST_HOLD_MS 1500
#define BUG_EVERY_MS 1000

static atomic_int stop;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop, 1);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !atomic_load(&stop))
		;
}

/* Sleep in short steps so that stop is noticed quickly. */
static void nap_ms(long ms)
{
	for (long left = ms; left > 0 && !atomic_load(&stop); left -= 100)
		sleep_ms(left < 100 ? left : 100);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift: each thread its own, no shared state. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Mostly small, some medium, a few up to 64 KiB: a typical server mix. */
static size_t churn_size(uint64_t *rng)
{
	uint64_t r = next_rand(rng);
	unsigned pick = (unsigned)(r % 100);
	if (pick < 70)
		return 16 + (size_t)((r >> 8) % 241);
	if (pick < 95)
		return 257 + (size_t)((r >> 8) % 3840);
	return 4097 + (size_t)((r >> 8) % 61440);
}

/* Named by the thread itself before its first allocation, so that the
 * allocator's thread slot (and alloctop's Threads table) shows the name. */
static void name_self(const char *fmt, int n)
{
	char name[32];
	snprintf(name, sizeof(name), fmt, n);
	name[15] = 0; /* the kernel's limit for thread names */
	pthread_setname_np(pthread_self(), name);
}

/* Steady churn with a slow rhythm: 10 s busy, 5 s quiet. */
static void *churn_thread(void *arg)
{
	uint64_t rng = 0x9e3779b97f4a7c15ULL ^ (uintptr_t)arg;
	name_self("churn-%d", (int)(uintptr_t)arg);
	void **slot = calloc(CHURN_SLOTS, sizeof(*slot));
	double start = now_s();

	if (!slot)
		return NULL;
	while (!atomic_load(&stop)) {
		int busy = ((long)(now_s() - start) % 15) < 10;
		int ops = busy ? 500 : 50;
		for (int i = 0; i < ops; i++) {
			size_t k = (size_t)(next_rand(&rng) % CHURN_SLOTS);
			free(slot[k]);
			size_t n = churn_size(&rng);
			slot[k] = malloc(n);
			if (slot[k])
				memset(slot[k], (int)k, n < 64 ? n : 64);
		}
		sleep_ms(10);
	}
	for (size_t k = 0; k < CHURN_SLOTS; k++)
		free(slot[k]);
	free(slot);
	return NULL;
}

/* A slow leak: blocks chained together and never freed (until exit). */
struct leaked {
	struct leaked *next;
	char payload[];
};

static void *leak_thread(void *arg)
{
	uint64_t rng = 0x1234567ULL;
	size_t total = 0;
	(void)arg;
	name_self("leak", 0);
	while (!atomic_load(&stop)) {
		if (total < LEAK_CAP) {
			size_t n = 256 + (size_t)(next_rand(&rng) % 1793);
			struct leaked *l = malloc(sizeof(*l) + n);
			if (l) {
				memset(l->payload, 'L', n);
				static struct leaked *head;
				l->next = head; /* reachable, so tools call it a leak by growth */
				head = l;
				total += n;
			}
		}
		sleep_ms(20);
	}
	return NULL;
}

/* Every few seconds: a burst of large blocks, touched, held, released. */
static void *burst_thread(void *arg)
{
	uint64_t rng = 0xabcdef01ULL;
	void *block[BURST_BLOCKS];
	(void)arg;
	name_self("burst", 0);
	while (!atomic_load(&stop)) {
		nap_ms(BURST_EVERY_S * 1000);
		if (atomic_load(&stop))
			break;
		for (int i = 0; i < BURST_BLOCKS; i++) {
			size_t n = (256u << 10) + (size_t)(next_rand(&rng) % (4u << 20));
			block[i] = malloc(n);
			if (block[i])
				memset(block[i], 'B', n);
		}
		nap_ms(BURST_HOLD_MS);
		for (int i = 0; i < BURST_BLOCKS; i++)
			free(block[i]);
	}
	return NULL;
}

/* The checks the process runs with right now, from its own segment. */
static int read_checks(struct as_segment *seg, struct las_checks *out)
{
	struct las_control c;
	struct as_error err;
	if (!seg || as_control_read(seg, &c, &err) != AS_OK)
		return -1;
	*out = c.applied;
	return 0;
}

/* Is p a guarded sample (its pages between guard pages)? Asked of
 * liballoc, which the demo may run without. */
static int guarded(const void *p)
{
	typedef int (*ctl_fn)(const char *, void *, size_t *, const void *, size_t);
	ctl_fn ctl = (ctl_fn)dlsym(RTLD_DEFAULT, "alloc_ctl");
	uint64_t base = 0, bytes = 0;
	size_t len = sizeof(base);
	if (!ctl || ctl("stats.guard_pool_base", &base, &len, NULL, 0) ||
	    ctl("stats.guard_pool_bytes", &bytes, &len, NULL, 0))
		return 0;
	return (uintptr_t)p - base < bytes;
}

/*
 * The planted bugs. Each is committed only while the check that catches it
 * is on (read just before), so with checks off the demo is a correct
 * program; with them on, liballoc reports the violation. With the
 * guard_sample rate raised, a read past the end of a 4 KiB block when it
 * is a guarded sample, which only its guard page sees.
 */
static void *bug_thread(void *arg)
{
	struct as_segment *seg = NULL;
	struct las_checks ck;
	struct as_error err;
	(void)arg;
	name_self("planted-bug", 0);
	while (!atomic_load(&stop)) {
		nap_ms(BUG_EVERY_MS);
		/* liballoc publishes the segment once the process has lived a
		 * second: until then the checks are off and so is the bug. */
		if (!seg && as_open_pid(getpid(), NULL, 0, &seg, &err) != AS_OK)
			seg = NULL;
		char *p = malloc(48);
		char *q = malloc(40);
		if (!p || !q || read_checks(seg, &ck) != 0) {
			free(p);
			free(q);
			continue;
		}
		if (ck.redzone) {
			/* one byte past the usable end: inside the redzone */
			q[malloc_usable_size(q)] = 'X';
		}
		if (ck.guard_sample && ck.guard_sample != LAS_GUARD_SAMPLE_DEFAULT) {
			/* samples are picked in proportion to their size: a
			 * few hundred 4 KiB blocks find a guarded one soon */
			for (int i = 0; i < 512; i++) {
				char *volatile g = malloc(4096);
				int hit = g && guarded(g);
				if (hit)
					(void)((volatile char *)g)[4096]; /* the guard page */
				free(g);
				if (hit)
					break;
			}
		}
		free(q);
		/* volatile: the compiler must not see (and refuse) the bug */
		char *volatile again = p;
		free(p);
		if (ck.check_free)
			free(again); /* double free */
	}
	if (seg)
		as_close(seg);
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: liballoc-demo [--duration SECONDS] [--churn-threads N]\n"
		"A demo workload for alloctop: churn, a slow leak, bursts of large blocks,\n"
		"and a planted double free / overflow committed only while check_free /\n"
		"redzones are on, and a read past a guarded block's end while the\n"
		"guard_sample rate is raised.\n"
		"Run it with tools/demo/run-demo.sh (make demo).\n");
}

int main(int argc, char **argv)
{
	double duration = 0;
	int churners = 2;
	pthread_t tids[CHURN_MAX_THREADS + 3];
	int nt = 0;
	struct sigaction sa;

	for (int i = 1; i < argc; i++) {
		char *end = NULL;
		if (!strcmp(argv[i], "--duration") && i + 1 < argc) {
			duration = strtod(argv[++i], &end);
			if (*end || duration < 0) {
				fprintf(stderr, "liballoc-demo: invalid duration '%s'\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--churn-threads") && i + 1 < argc) {
			churners = (int)strtol(argv[++i], &end, 10);
			if (*end || churners < 1 || churners > CHURN_MAX_THREADS) {
				fprintf(stderr, "liballoc-demo: churn threads must be 1..%d\n",
					CHURN_MAX_THREADS);
				return 2;
			}
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "liballoc-demo: unknown argument '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	fprintf(stderr, "liballoc-demo: pid %d, %d churn threads, leak, bursts, planted bug\n",
		(int)getpid(), churners);

	for (int i = 0; i < churners; i++)
		if (pthread_create(&tids[nt], NULL, churn_thread, (void *)(uintptr_t)(i + 1)) == 0)
			nt++;
	if (pthread_create(&tids[nt], NULL, leak_thread, NULL) == 0)
		nt++;
	if (pthread_create(&tids[nt], NULL, burst_thread, NULL) == 0)
		nt++;
	if (pthread_create(&tids[nt], NULL, bug_thread, NULL) == 0)
		nt++;

	double start = now_s();
	while (!atomic_load(&stop) && (duration <= 0 || now_s() - start < duration))
		sleep_ms(100);
	atomic_store(&stop, 1);
	for (int i = 0; i < nt; i++)
		pthread_join(tids[i], NULL);
	return 0;
}
