/*
 * oom_fill - a fill / free-half / refill / resize / free workload in several
 * threads and sizes, then small blocks of many classes until memory runs
 * out, for running under `ulimit -v`: any allocation may fail
 * (NULL, and the workload goes on with what it has), none may abort, and no
 * byte of a block it holds may change.
 *
 *   oom_fill [SLOTS] [ROUNDS]      (defaults 1024 and 4)
 *
 * Prints "ok threads=T allocs=A nulls=N" and exits 0 when every block read
 * back what was written; exits 2 on the first wrong byte.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define MAX_THREADS 4

/* Many page runs of different lengths (36 KiB..300 KiB) between small
 * blocks: freeing every other one leaves many free runs, so the page
 * heap needs extent records (metadata) just as the address space ends. */
static const size_t sizes[] = {8,	24,	100,	500,	3000,	20000,	36000,
			       50000, 70000, 100000, 150000, 300000, (size_t)2 << 20};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static unsigned slots = 1024, rounds = 4;

struct block {
	unsigned char *p;
	size_t size;
	unsigned tag;
};

struct worker {
	unsigned id;
	uint64_t rng, allocs, nulls;
	int bad;
};

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static unsigned char pattern(unsigned tag, size_t off)
{
	return (unsigned char)(tag * 131u + off * 7u + (off >> 12));
}

/* Blocks up to 8 KiB are written whole; bigger ones every 64 KiB and at
 * both ends (the address space is what the limit counts, not the pages). */
#define STEP(size) ((size) <= 8192 ? 1 : 65536)

static void fill(struct block *b)
{
	size_t step = STEP(b->size);
	for (size_t o = 0; o < b->size; o += step)
		b->p[o] = pattern(b->tag, o);
	b->p[b->size - 1] = pattern(b->tag, b->size - 1);
}

static int intact(const struct block *b, size_t upto)
{
	size_t step = STEP(b->size);
	for (size_t o = 0; o < upto; o += step)
		if (b->p[o] != pattern(b->tag, o))
			return 0;
	return upto < b->size || b->p[b->size - 1] == pattern(b->tag, b->size - 1);
}

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(3);
}

static int get(struct worker *w, struct block *b, unsigned tag)
{
	b->size = sizes[next(&w->rng) % NSIZES];
	b->tag = tag;
	w->allocs++;
	/* calloc of a big block writes every page (it may reuse dirty ones):
	 * only small ones, so that runs stay quick. */
	if (b->size <= 65536 && next(&w->rng) % 4 == 0) {
		b->p = calloc(1, b->size);
		if (b->p)
			for (size_t o = 0; o < b->size; o += STEP(b->size))
				if (b->p[o]) {
					say("oom_fill: calloc block not zeroed\n");
					return -1;
				}
	} else {
		b->p = malloc(b->size);
	}
	if (!b->p) {
		w->nulls++;
		return 0;
	}
	fill(b);
	return 1;
}

static int check_all(struct worker *w, struct block *bl)
{
	for (unsigned k = 0; k < slots; k++)
		if (bl[k].p && !intact(&bl[k], bl[k].size)) {
			char msg[128];
			snprintf(msg, sizeof(msg), "oom_fill: thread %u block %u (%zu bytes) changed\n",
				 w->id, k, bl[k].size);
			say(msg);
			return -1;
		}
	return 0;
}

/* Small blocks of many classes until memory runs out, three in four freed
 * and the holes refilled with other sizes until it runs out again: slabs
 * of every class, each with its extent record, are made right where the
 * address space ends (the metadata then runs out as well). */
#define SMALL_CAP 60000

static int small_fill(struct worker *w)
{
	struct block *bl = calloc(SMALL_CAP, sizeof(*bl));
	if (!bl) {
		w->nulls++;
		return 0;
	}
	unsigned n = 0;
	int rc = 0;
	for (; n < SMALL_CAP; n++) {
		struct block *b = &bl[n];
		b->size = 16 + next(&w->rng) % 2000;
		b->tag = n;
		w->allocs++;
		if (!(b->p = malloc(b->size))) {
			w->nulls++;
			break;
		}
		fill(b);
	}
	for (unsigned k = 0; k < n; k++)
		if (k % 4) {
			free(bl[k].p);
			bl[k].p = NULL;
		}
	for (unsigned k = 0; k < n; k++) {
		struct block *b = &bl[k];
		if (b->p)
			continue;
		b->size = 16 + next(&w->rng) % 6000;
		b->tag = ~k;
		w->allocs++;
		if (!(b->p = malloc(b->size))) {
			w->nulls++;
			break;
		}
		fill(b);
	}
	for (unsigned k = 0; k < n; k++)
		if (bl[k].p && !intact(&bl[k], bl[k].size)) {
			say("oom_fill: a small block changed\n");
			rc = -1;
			break;
		}
	for (unsigned k = 0; k < n; k++)
		free(bl[k].p);
	free(bl);
	return rc;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct block *bl = calloc(slots, sizeof(*bl));
	if (!bl) {
		w->nulls++;
		return NULL;
	}
	for (unsigned r = 0; r < rounds && !w->bad; r++) {
		for (unsigned k = 0; k < slots; k++)
			if (get(w, &bl[k], r * slots + k) < 0)
				w->bad = 1;
		if (w->bad || check_all(w, bl) < 0)
			break;
		for (unsigned k = 0; k < slots; k += 2) {
			free(bl[k].p);
			bl[k].p = NULL;
			if (get(w, &bl[k], ~(r * slots + k)) < 0)
				w->bad = 1;
		}
		if (w->bad || check_all(w, bl) < 0)
			break;
		/* Resize some: the old contents must survive a move, and a
		 * failed realloc must leave the block as it was. */
		for (unsigned k = 1; k < slots; k += 8) {
			struct block *b = &bl[k];
			if (!b->p)
				continue;
			size_t want = sizes[next(&w->rng) % NSIZES];
			unsigned char *q = realloc(b->p, want);
			w->allocs++;
			if (!q) {
				w->nulls++;
				continue;
			}
			size_t keep = want < b->size ? want : b->size;
			struct block old = {q, b->size, b->tag};
			if (!intact(&old, keep)) {
				say("oom_fill: realloc lost contents\n");
				w->bad = 1;
				break;
			}
			b->p = q;
			b->size = want;
			fill(b);
		}
		if (w->bad || check_all(w, bl) < 0)
			break;
		for (unsigned k = 0; k < slots; k++) {
			free(bl[k].p);
			bl[k].p = NULL;
		}
	}
	if (!w->bad && check_all(w, bl) < 0)
		w->bad = 1;
	for (unsigned k = 0; k < slots; k++)
		free(bl[k].p);
	free(bl);
	if (!w->bad && small_fill(w) < 0)
		w->bad = 1;
	return NULL;
}

int main(int argc, char **argv)
{
	/* Sparse touches of big blocks must not fault in whole huge pages. */
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	if (argc > 1)
		slots = (unsigned)atoi(argv[1]);
	if (argc > 2)
		rounds = (unsigned)atoi(argv[2]);
	static struct worker w[MAX_THREADS];
	pthread_t t[MAX_THREADS];
	int started[MAX_THREADS] = {0};
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 << 10);
	unsigned threads = 0;
	for (unsigned i = 0; i < MAX_THREADS; i++) {
		w[i].id = i;
		w[i].rng = 0x9e3779b97f4a7c15ull * (i + 1);
		/* A thread that cannot be made (no address space for its
		 * stack) is not an allocator failure: its share is skipped. */
		started[i] = pthread_create(&t[i], &attr, work, &w[i]) == 0;
		threads += started[i];
	}
	if (!threads)
		work(&w[0]);
	uint64_t allocs = 0, nulls = 0;
	int bad = 0;
	for (unsigned i = 0; i < MAX_THREADS; i++) {
		if (started[i])
			pthread_join(t[i], NULL);
		allocs += w[i].allocs;
		nulls += w[i].nulls;
		bad |= w[i].bad;
	}
	char msg[128];
	snprintf(msg, sizeof(msg), "%s threads=%u allocs=%llu nulls=%llu\n", bad ? "BAD" : "ok",
		 threads, (unsigned long long)allocs, (unsigned long long)nulls);
	say(msg);
	return bad ? 2 : 0;
}
