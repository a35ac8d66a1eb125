/*
 * three_sites.c - a program whose heap is known exactly, for the heap
 * profile's accuracy test (run_prof.sh): three allocation sites, each its
 * own function,
 *   site_small   64 MiB in 100-byte blocks
 *   site_large   16 MiB in 1 MiB blocks
 *   site_pages    1 MiB in 4 KiB blocks
 * then "ready" on stdout. Commands on stdin: "free" (site_small frees its
 * blocks; answers "freed"), "dump PATH" (alloc_ctl("prof.dump"); answers
 * "dumped" or "dump failed: ..."), "alloc" (a few allocations, so that a
 * pending control request is applied; answers "allocated"); end of input
 * exits.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_SIZE 100
#define SMALL_COUNT ((64u << 20) / SMALL_SIZE)
#define LARGE_COUNT 16
#define PAGE_COUNT 256

static void *small[SMALL_COUNT];
static void *large[LARGE_COUNT];
static void *pages[PAGE_COUNT];

/* noinline + a use of each block: the sites stay distinct frames, and
 * the compiler cannot drop the allocations. */
__attribute__((noinline)) static void *site_small(void)
{
	char *p = malloc(SMALL_SIZE);
	if (p)
		p[0] = 1;
	return p;
}

__attribute__((noinline)) static void *site_large(void)
{
	char *p = malloc(1u << 20);
	if (p)
		memset(p, 2, 64);
	return p;
}

__attribute__((noinline)) static void *site_pages(void)
{
	char *p = malloc(4096);
	if (p)
		p[100] = 3;
	return p;
}

int main(void)
{
	for (unsigned i = 0; i < SMALL_COUNT; i++)
		small[i] = site_small();
	for (unsigned i = 0; i < LARGE_COUNT; i++)
		large[i] = site_large();
	for (unsigned i = 0; i < PAGE_COUNT; i++)
		pages[i] = site_pages();
	for (unsigned i = 0; i < SMALL_COUNT; i++)
		if (!small[i])
			return 1;
	printf("ready\n");
	fflush(stdout);
	char line[512];
	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "alloc", 5)) {
			for (int i = 0; i < 100; i++) {
				char *volatile p = malloc(64 + (size_t)i);
				if (p)
					p[0] = 1;
				free(p);
			}
			printf("allocated\n");
			fflush(stdout);
		}
		if (!strncmp(line, "dump ", 5)) {
			/* liballoc's alloc_ctl when it is the allocator (preloaded or linked) */
			int (*ctl)(const char *, void *, size_t *, const void *, size_t) =
				(int (*)(const char *, void *, size_t *, const void *, size_t))dlsym(
					RTLD_DEFAULT, "alloc_ctl");
			line[strcspn(line, "\n")] = '\0';
			const char *path = line + 5;
			int rc = ctl ? ctl("prof.dump", NULL, NULL, &path, sizeof(path)) : -1;
			if (rc)
				printf("dump failed: %s\n", rc < 0 ? "no alloc_ctl" : strerror(rc));
			else
				printf("dumped\n");
			fflush(stdout);
		}
		if (!strncmp(line, "free", 4)) {
			for (unsigned i = 0; i < SMALL_COUNT; i++) {
				free(small[i]);
				small[i] = NULL;
			}
			printf("freed\n");
			fflush(stdout);
		}
	}
	for (unsigned i = 0; i < LARGE_COUNT; i++)
		free(large[i]);
	for (unsigned i = 0; i < PAGE_COUNT; i++)
		free(pages[i]);
	return 0;
}
