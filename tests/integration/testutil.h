/*
 * testutil.h - helpers shared by the allocator integration tests: which
 * allocator is really serving malloc, process memory figures from /proc,
 * and a compiler barrier so allocations under test are not optimised away.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Entry points glibc 2.36 lacks. Weak, so the same binary runs on glibc
 * (they are NULL there) and on liballoc. The statically linked variant
 * defines TEST_LINKED_LIBALLOC to make the references strong, so the linker
 * pulls them out of liballoc.a instead of leaving them NULL.
 */
#ifdef TEST_LINKED_LIBALLOC
#define TEST_OPTIONAL
#else
#define TEST_OPTIONAL __attribute__((weak))
#endif
TEST_OPTIONAL void free_sized(void *ptr, size_t size);
TEST_OPTIONAL void free_aligned_sized(void *ptr, size_t alignment, size_t size);
TEST_OPTIONAL int alloc_ctl(const char *name, void *oldp, size_t *oldlenp,
			    const void *newp, size_t newlen);

/* True when malloc resolves to liballoc (preloaded or linked in). */
bool liballoc_active(void);

/*
 * cmocka group setup: fails when the runner's TEST_ALLOCATOR (glibc or
 * liballoc) disagrees with the allocator actually in use, so a preload that
 * silently did not happen cannot pass as a liballoc run.
 */
int check_allocator_under_test(void **state);

/*
 * Ends the process with a message if it is still running after `seconds`:
 * cmocka survives a crash inside the allocator, but a lock the allocator
 * held at that moment then hangs every later test.
 */
void start_watchdog(unsigned seconds);

/* Prints "SKIP: <reason>" and marks the running cmocka test skipped. */
#define SKIP_TEST(...)                                                  \
	do {                                                            \
		print_skip_reason(__VA_ARGS__);                         \
		skip();                                                 \
	} while (0)
void print_skip_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True when LIBALLOC_CONF asks liballoc for its debug checks. */
bool debug_checks_requested(void);

size_t rss_bytes(void);     /* resident set, from /proc/self/statm */
size_t vm_size_bytes(void); /* total mapped, from /proc/self/statm */

/*
 * Anonymous mappings in /proc/self/maps (no backing file, or [heap]),
 * not counting any that contain one of the `skip_n` addresses in `skip`.
 */
size_t count_anon_mappings(void *const *skip, size_t skip_n);

/* Makes the compiler assume `p` is read and written: keeps allocations. */
static inline void escape(void *p)
{
	__asm__ volatile("" : : "g"(p) : "memory");
}

/* Deterministic byte pattern for block contents checks. */
static inline unsigned char pattern_byte(uint64_t seed, size_t i)
{
	return (unsigned char)((seed * 0x9e3779b97f4a7c15ULL + i * 31u) >> 24);
}
void fill_pattern(void *p, size_t n, uint64_t seed);
/* Index of the first byte that differs from the pattern, or n if none. */
size_t check_pattern(const void *p, size_t n, uint64_t seed);

#endif
