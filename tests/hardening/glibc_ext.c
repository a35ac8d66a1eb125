/*
 * glibc_ext - mallopt and malloc_info are liballoc's own: mallopt changes
 * the options it names and answers 0 for the others; malloc_info writes
 * liballoc's arenas in glibc's XML shape, also to a stream that allocates.
 * Built twice: linked with liballoc.a (-DTEST_LINKED: the options are
 * read back with alloc_ctl) and dynamically, to run with LD_PRELOAD.
 *
 *   glibc_ext XMLFILE     writes one malloc_info document to XMLFILE
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef TEST_LINKED
#include "liballoc.h"
#endif

static int failures;

#define EXPECT(cond, ...)                                          \
	do {                                                       \
		if (!(cond)) {                                     \
			fprintf(stderr, "glibc_ext: FAIL: " __VA_ARGS__); \
			fputc('\n', stderr);                       \
			failures++;                                \
		}                                                  \
	} while (0)

#ifdef TEST_LINKED
static int64_t ctl(const char *name)
{
	uint64_t v = 0;
	size_t len = sizeof(v);
	if (alloc_ctl(name, &v, &len, NULL, 0) != 0)
		return -1;
	return (int64_t)v;
}
#endif

/* A stream whose writes allocate: malloc_info must hold no lock of the
 * allocator while it prints. */
static ssize_t cookie_write(void *c, const char *buf, size_t n)
{
	char *copy = malloc(n + 1);
	if (!copy)
		return -1;
	memcpy(copy, buf, n);
	void *junk = malloc(n * 3 + 100);
	free(junk);
	FILE *out = c;
	size_t w = fwrite(copy, 1, n, out);
	free(copy);
	return (ssize_t)w;
}

static pthread_barrier_t held, done;

static void *worker(void *arg)
{
	(void)arg;
	void *v[100];
	for (int i = 0; i < 100; i++)
		v[i] = malloc(64);
	for (int i = 0; i < 100; i += 2)
		free(v[i]); /* some free slots in the arena's slabs */
	pthread_barrier_wait(&held);
	pthread_barrier_wait(&done);
	for (int i = 1; i < 100; i += 2)
		free(v[i]);
	return NULL;
}

int main(int argc, char **argv)
{
	EXPECT(mallopt(99999, 1) == 0, "an unknown parameter must return 0");
	EXPECT(mallopt(M_MXFAST, 64) == 0, "M_MXFAST has no meaning in liballoc: 0");
	EXPECT(mallopt(M_MMAP_MAX, 0) == 0, "M_MMAP_MAX: 0");
	EXPECT(mallopt(M_ARENA_TEST, 2) == 0, "M_ARENA_TEST: 0");
	EXPECT(mallopt(M_ARENA_MAX, 0) == 0, "M_ARENA_MAX 0 is refused");
	EXPECT(mallopt(M_ARENA_MAX, 1) == 1, "M_ARENA_MAX 1 applies");
	EXPECT(mallopt(M_TOP_PAD, -1) == 0, "M_TOP_PAD -1 is refused");
	EXPECT(mallopt(M_MMAP_THRESHOLD, -5) == 0, "M_MMAP_THRESHOLD -5 is refused");
	EXPECT(mallopt(M_TRIM_THRESHOLD, 12345678) == 1, "M_TRIM_THRESHOLD applies");
#ifdef TEST_LINKED
	EXPECT(ctl("opt.dirty_min") == 12345678, "M_TRIM_THRESHOLD sets dirty_min (%lld)",
	       (long long)ctl("opt.dirty_min"));
	EXPECT(mallopt(M_TOP_PAD, 1 << 20) == 1, "M_TOP_PAD applies");
	EXPECT(ctl("opt.dirty_min") == 1 << 20, "M_TOP_PAD sets dirty_min");
	static const int actions[][2] = {{0, 2}, {1, 1}, {3, 0}, {5, 1}, {2, 0}};
	for (unsigned i = 0; i < 5; i++) {
		EXPECT(mallopt(M_CHECK_ACTION, actions[i][0]) == 1, "M_CHECK_ACTION applies");
		EXPECT(ctl("debug.on_error") == actions[i][1], "M_CHECK_ACTION %d: on_error %lld",
		       actions[i][0], (long long)ctl("debug.on_error"));
	}
	EXPECT(mallopt(M_PERTURB, 0x42) == 1, "M_PERTURB applies");
	EXPECT(ctl("debug.junk") == 3, "M_PERTURB switches junk on");
	unsigned char *volatile j = malloc(200);
	EXPECT(j && j[0] == 0xa5 && j[199] == 0xa5, "a new block is junk-filled");
	free(j);
	EXPECT(mallopt(M_PERTURB, 0) == 1 && ctl("debug.junk") == 0, "M_PERTURB 0 switches it off");
	/* Blocks from 256 KiB on get their own mapping, given back at free. */
	EXPECT(mallopt(M_MMAP_THRESHOLD, 256 << 10) == 1, "M_MMAP_THRESHOLD applies");
	int64_t maps = ctl("stats.mappings");
	void *volatile big = malloc(300 << 10);
	EXPECT(ctl("stats.mappings") == maps + 1, "a 300 KiB block above the threshold: %lld -> %lld",
	       (long long)maps, (long long)ctl("stats.mappings"));
	free(big);
	EXPECT(ctl("stats.mappings") == maps, "its mapping goes at free");
#endif
	EXPECT(malloc_info(1, stdout) == EINVAL, "malloc_info with options 1: EINVAL");
	EXPECT(malloc_info(0, NULL) == EINVAL, "malloc_info on no stream: EINVAL");

	/* With M_ARENA_MAX 1, every thread shares arena 0. */
	pthread_t t[4];
	pthread_barrier_init(&held, NULL, 5);
	pthread_barrier_init(&done, NULL, 5);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	pthread_barrier_wait(&held);
	char *mem = NULL;
	size_t memlen = 0;
	FILE *ms = open_memstream(&mem, &memlen);
	cookie_io_functions_t io = {.write = cookie_write};
	FILE *f = fopencookie(ms, "w", io);
	EXPECT(f && malloc_info(0, f) == 0, "malloc_info returns 0");
	if (f)
		fclose(f);
	fclose(ms);
	pthread_barrier_wait(&done);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	EXPECT(mem && strncmp(mem, "<malloc version=\"1\">\n", 21) == 0, "starts with <malloc version=\"1\">");
	EXPECT(mem && strstr(mem, "<heap nr=\"0\">"), "lists heap 0");
	EXPECT(mem && !strstr(mem, "<heap nr=\"1\">"), "M_ARENA_MAX 1: no heap 1");
	/* The 200 freed 64-byte blocks are in the threads' caches ("fast") or
	 * back in their slabs (listed by size). */
	unsigned long fast = 0, slots = 0;
	const char *at = mem ? strstr(mem, "<total type=\"fast\" count=\"") : NULL;
	if (at)
		fast = strtoul(at + 26, NULL, 10);
	at = mem ? strstr(mem, "<size from=\"49\" to=\"64\" total=\"") : NULL;
	if (at && (at = strstr(at, "count=\"")))
		slots = strtoul(at + 7, NULL, 10);
	EXPECT(fast + slots >= 200, "freed blocks: %lu cached, %lu free slots of 64 bytes", fast,
	       slots);
	if (argc > 1 && mem) {
		FILE *out = fopen(argv[1], "w");
		if (out) {
			fputs(mem, out);
			fclose(out);
		}
	}
	free(mem);
	printf("glibc_ext: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
