/* testutil.c - see testutil.h. */
#include "testutil.h"

#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* Any function of this file: its object is the test executable itself. */
static void locate_self(void)
{
}

bool liballoc_active(void)
{
	Dl_info mal, self;
	void *(*volatile mp)(size_t) = malloc;

	if (!dladdr((void *)mp, &mal) || !mal.dli_fname)
		return false;
	if (strstr(mal.dli_fname, "liballoc"))
		return true;
	/* Linked from liballoc.a: malloc lives in the executable. */
	return dladdr((void *)locate_self, &self) && self.dli_fbase == mal.dli_fbase;
}

int check_allocator_under_test(void **state)
{
	const char *want = getenv("TEST_ALLOCATOR");
	bool active = liballoc_active();

	(void)state;
	if (!want)
		return 0;
	if (strcmp(want, "liballoc") == 0 && !active) {
		fprintf(stderr, "TEST_ALLOCATOR=liballoc but malloc is not liballoc's "
				"(preload or link failed?)\n");
		return -1;
	}
	if (strcmp(want, "glibc") == 0 && active) {
		fprintf(stderr, "TEST_ALLOCATOR=glibc but malloc is liballoc's\n");
		return -1;
	}
	return 0;
}

bool debug_checks_requested(void)
{
	const char *conf = getenv("LIBALLOC_CONF");
	static const char *const keys[] = { "debug:true", "junk:", "redzone:", "check_free:true",
					    "quarantine:" };
	if (!liballoc_active() || !conf)
		return false;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strstr(conf, keys[i]))
			return true;
	return false;
}

static void *watchdog(void *arg)
{
	unsigned seconds = (unsigned)(uintptr_t)arg;
	char msg[160];

	sleep(seconds);
	int n = snprintf(msg, sizeof msg, "watchdog: still running after %u s; a hang "
				  "(after a crash inside the allocator?)\n", seconds);
	if (write(2, msg, (size_t)n) < 0)
		_exit(1);
	_exit(1);
}

void start_watchdog(unsigned seconds)
{
	pthread_t t;

	if (pthread_create(&t, NULL, watchdog, (void *)(uintptr_t)seconds) == 0)
		pthread_detach(t);
}

void print_skip_reason(const char *fmt, ...)
{
	va_list ap;

	printf("SKIP: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static size_t statm_field(int index)
{
	unsigned long v[2] = { 0, 0 };
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &v[0], &v[1]) != 2)
		v[0] = v[1] = 0;
	fclose(f);
	return (size_t)v[index] * (size_t)sysconf(_SC_PAGESIZE);
}

size_t rss_bytes(void)
{
	return statm_field(1);
}

size_t vm_size_bytes(void)
{
	return statm_field(0);
}

size_t count_anon_mappings(void *const *skip, size_t skip_n)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	size_t n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi, inode;
		char path[256] = "";
		bool foreign = false;

		if (sscanf(line, "%lx-%lx %*s %*s %*s %lu %255s", &lo, &hi, &inode, path) < 3)
			continue;
		if (inode != 0 || (path[0] && strcmp(path, "[heap]") != 0))
			continue;
		for (size_t i = 0; i < skip_n && !foreign; i++)
			foreign = (uintptr_t)skip[i] >= lo && (uintptr_t)skip[i] < hi;
		n += !foreign;
	}
	fclose(f);
	return n;
}

void fill_pattern(void *p, size_t n, uint64_t seed)
{
	unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = pattern_byte(seed, i);
}

size_t check_pattern(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != pattern_byte(seed, i))
			return i;
	return n;
}
