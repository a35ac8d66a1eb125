/*
 * broken_malloc.c - a deliberately wrong malloc for the smoke test: every
 * 997th malloc flips the last byte of the block the same thread got just
 * before (if still live), as an allocator that hands out overlapping blocks
 * would. The workloads must notice (non-zero errors, exit 1) and the
 * harness must report the run as failed.
 */
#include <stddef.h>

void *__libc_malloc(size_t size);
void __libc_free(void *ptr);

static __thread unsigned char *last_block;
static __thread size_t last_size;
static __thread unsigned long calls;

void *malloc(size_t size)
{
	void *p = __libc_malloc(size);
	if (last_block && last_size >= 16 && ++calls % 997 == 0)
		last_block[last_size - 1] ^= 0xff;
	last_block = p;
	last_size = size;
	return p;
}

void free(void *ptr)
{
	if (ptr && ptr == last_block)
		last_block = NULL;
	__libc_free(ptr);
}
