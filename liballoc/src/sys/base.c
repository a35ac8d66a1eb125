/* base.c - bump allocator for metadata over geometrically growing regions. */
#include <pthread.h>

#include "sys/base.h"
#include "sys/os.h"
#include "sys/counters.h"

#define BASE_FIRST_REGION ((size_t)4 << 20)
#define BASE_MIN_REGION ((size_t)64 << 10)

static pthread_mutex_t base_lock = PTHREAD_MUTEX_INITIALIZER;
static uintptr_t base_cur, base_end;
static size_t base_next_size = BASE_FIRST_REGION;

void *base_alloc(size_t size, size_t align)
{
	pthread_mutex_lock(&base_lock);
	uintptr_t p = ALIGN_UP(base_cur, align);
	if (p + size > base_end || base_cur == 0) {
		size_t region = base_next_size;
		while (region < size + align)
			region <<= 1;
		void *m = os_map(region);
		if (!m) {
			/* Out of address space for the doubled region: what this
			 * request needs may still fit. Growth resumes afterwards. */
			region = ALIGN_UP(size + align, BASE_MIN_REGION);
			m = region < base_next_size ? os_map(region) : NULL;
		}
		if (!m) {
			pthread_mutex_unlock(&base_lock);
			return NULL;
		}
		/* Regions double every time: metadata mappings stay O(log N). */
		if (region << 1 > base_next_size)
			base_next_size = region << 1;
		base_cur = (uintptr_t)m;
		base_end = base_cur + region;
		p = ALIGN_UP(base_cur, align);
	}
	base_cur = p + size;
	STAT_ADD(&la_globals->metadata_bytes, size);
	pthread_mutex_unlock(&base_lock);
	return (void *)p;
}

void base_fork_prepare(void)
{
	pthread_mutex_lock(&base_lock);
}

void base_fork_parent(void)
{
	pthread_mutex_unlock(&base_lock);
}

void base_fork_child(void)
{
	pthread_mutex_init(&base_lock, NULL);
}
