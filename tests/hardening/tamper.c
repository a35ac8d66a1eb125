/*
 * tamper - a process whose own stats segment is rewritten from outside (a
 * second mapping of the file, as any process of the same user may make)
 * keeps running correctly: mallinfo2 and alloc_ctl give the true numbers,
 * threads come and go, forked children allocate and exit cleanly.
 *
 * Linked with liballoc.a; run with LIBALLOC_CONF=stats_publish:eager and
 * LIBALLOC_STATS_DIR set. Exits 0 when all of that holds.
 */
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "liballoc.h"
#include "liballoc_stats.h"

#define HELD 500
#define HELD_SIZE 200

static int failures;

#define EXPECT(cond, ...)                                   \
	do {                                                \
		if (!(cond)) {                              \
			fprintf(stderr, "tamper: FAIL: " __VA_ARGS__); \
			fputc('\n', stderr);                \
			failures++;                         \
		}                                           \
	} while (0)

static uint64_t live_bytes(void)
{
	uint64_t v = 0;
	size_t len = sizeof(v);
	alloc_ctl("thread.tcache.flush", NULL, NULL, NULL, 0);
	alloc_ctl("stats.live_bytes", &v, &len, NULL, 0);
	return v;
}

/* What another process of the same user can do to the header, the slot
 * states, the event ring and the control block. Counters are left alone:
 * the numbers checked afterwards are the process's own. */
static struct las_header orig; /* the header as the process wrote it */

static void tamper(unsigned char *m, size_t len, unsigned round)
{
	struct las_header *h = (struct las_header *)m;
	h->max_threads = 0xffffffffu - round;
	h->narenas = 0xfffffff0u + round;
	h->nclasses = 1000000 + round;
	h->segment_size = round;
	h->header_size = 1;
	for (int t = 0; t < LAS_T_COUNT; t++) {
		h->tables[t].offset = ~(uint64_t)0 - round * 4096u;
		h->tables[t].count = 0x7fffffffu;
		h->tables[t].entry_size = 0xffffffffu;
	}
	uint64_t toff = orig.tables[LAS_T_THREADS].offset, tsz = orig.tables[LAS_T_THREADS].entry_size;
	for (uint32_t i = 0; i < orig.max_threads && toff + (i + 1) * tsz <= len; i++) {
		struct las_thread *s = (struct las_thread *)(m + toff + i * tsz);
		s->state = s->state == LAS_SLOT_LIVE ? LAS_SLOT_FREE : LAS_SLOT_LIVE;
		s->arena = 0xffffffffu;
	}
	struct las_event_ring *ev = (struct las_event_ring *)(m + orig.tables[LAS_T_EVENTS].offset);
	ev->head = ~(uint64_t)0 - round;
	/* A request for the settings in force (what a request may change is
	 * its own business, tested elsewhere), from a nonsensical requester. */
	struct las_control *c = (struct las_control *)(m + orig.tables[LAS_T_CONTROL].offset);
	c->requested = c->applied;
	c->requester_pid = -1;
	c->applied_gen = ~(uint64_t)0 - round;
	__atomic_add_fetch(&c->request_gen, 1, __ATOMIC_SEQ_CST);
	__atomic_or_fetch(&c->gate, LAS_GATE_PENDING, __ATOMIC_SEQ_CST);
}

static void *churn(void *arg)
{
	(void)arg;
	void *v[64];
	for (int r = 0; r < 200; r++) {
		for (int i = 0; i < 64; i++)
			v[i] = malloc(16 + (size_t)(r * 64 + i) % 5000);
		for (int i = 0; i < 64; i++)
			free(v[i]);
	}
	return NULL;
}

static void threads_come_and_go(void)
{
	pthread_t t[8];
	for (int i = 0; i < 8; i++)
		EXPECT(pthread_create(&t[i], NULL, churn, NULL) == 0, "pthread_create");
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
}

int main(void)
{
	static void *volatile held[HELD];
	for (int i = 0; i < HELD; i++)
		held[i] = malloc(HELD_SIZE);
	const char *dir = NULL;
	size_t len = sizeof(dir);
	if (alloc_ctl("opt.stats_dir", &dir, &len, NULL, 0) || !dir) {
		fprintf(stderr, "tamper: no stats_dir\n");
		return 1;
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/liballoc.%d", dir, (int)getpid());
	int fd = open(path, O_RDWR);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "tamper: no segment at %s (run with stats_publish:eager)\n", path);
		return 1;
	}
	size_t seg_len = (size_t)st.st_size;
	unsigned char *m = mmap(NULL, seg_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return 1;
	/* glibc keeps what it allocates for the first threads (their stacks'
	 * descriptors stay cached): count from after one such round. */
	threads_come_and_go();
	uint64_t base = live_bytes();
	memcpy(&orig, m, sizeof(orig));
	EXPECT(base >= (uint64_t)HELD * HELD_SIZE, "live bytes %llu before tampering",
	       (unsigned long long)base);
	for (unsigned round = 0; round < 4; round++) {
		tamper(m, seg_len, round);
		threads_come_and_go();
		struct mallinfo2 mi = mallinfo2();
		uint64_t now = live_bytes();
		EXPECT(now == base, "round %u: live bytes %llu, expected %llu", round,
		       (unsigned long long)now, (unsigned long long)base);
		EXPECT(mi.uordblks == base, "round %u: mallinfo2 uordblks %zu, expected %llu", round,
		       mi.uordblks, (unsigned long long)base);
		uint64_t threads = 0;
		size_t tl = sizeof(threads);
		EXPECT(alloc_ctl("stats.allocs", &threads, &tl, NULL, 0) == 0, "alloc_ctl stats.allocs");
		if (round == 0)
			malloc_stats();
		/* Children copy the tables the header describes wrongly. */
		pid_t kids[3];
		for (int k = 0; k < 3; k++) {
			kids[k] = fork();
			if (kids[k] == 0) {
				threads_come_and_go();
				void *p = malloc(1 << 20);
				free(p);
				uint64_t lb = live_bytes();
				if (lb != base)
					fprintf(stderr, "tamper: child: live bytes %llu, expected %llu\n",
						(unsigned long long)lb, (unsigned long long)base);
				_exit(lb == base && failures == 0 ? 0 : 9);
			}
		}
		for (int k = 0; k < 3; k++) {
			int status = 0;
			waitpid(kids[k], &status, 0);
			EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			       "round %u: child %d ended with status 0x%x", round, k, status);
		}
	}
	for (int i = 0; i < HELD; i++)
		free(held[i]);
	printf("tamper: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
