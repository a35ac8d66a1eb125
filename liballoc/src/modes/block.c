/*
 * block.c - what a pointer handed to the check modes is (block_classify),
 * handing a checked block back for reuse (block_release), the list of
 * large runs laid out with a debug header, and the pattern compare that
 * every check of fills and redzones uses.
 */
#include <pthread.h>
#include <string.h>

#include "core/arena.h"
#include "core/large.h"
#include "core/pagemap.h"
#include "core/tcache.h"
#include "modes/block.h"
#include "modes/debug_cache.h"
#include "modes/freed_large.h"
#include "modes/report.h"
#include "modes/settings.h"

static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct extent *debug_runs; /* large runs with a debug header */

#define PATTERN_CHUNK 256
static const uint8_t junk_free_run[PATTERN_CHUNK] = { [0 ... PATTERN_CHUNK - 1] = JUNK_FREE_BYTE };
static const uint8_t redzone_run[PATTERN_CHUNK] = { [0 ... PATTERN_CHUNK - 1] = REDZONE_BYTE };

static const uint8_t *first_mismatch_bytes(const uint8_t *b, size_t len, uint8_t byte)
{
	for (size_t i = 0; i < len; i++)
		if (b[i] != byte)
			return b + i;
	return NULL;
}

/* Every byte of every freed or guarded block passes through here: compare
 * whole chunks with libc's vectorised memcmp, bytes only to locate damage. */
const uint8_t *first_mismatch(const void *p, size_t len, uint8_t byte)
{
	const uint8_t *run = byte == JUNK_FREE_BYTE ? junk_free_run
			     : byte == REDZONE_BYTE ? redzone_run
						    : NULL;
	const uint8_t *b = p;
	if (!run)
		return first_mismatch_bytes(b, len, byte);
	if (len <= 64)
		return bytes_all(b, len, byte) ? NULL : first_mismatch_bytes(b, len, byte);
	while (len) {
		size_t n = len < PATTERN_CHUNK ? len : PATTERN_CHUNK;
		if (memcmp(b, run, n) != 0)
			return first_mismatch_bytes(b, n, byte);
		b += n;
		len -= n;
	}
	return NULL;
}

void block_list_run(struct extent *e)
{
	pthread_mutex_lock(&list_lock);
	e->owner_prev = NULL;
	e->owner_next = debug_runs;
	if (debug_runs)
		debug_runs->owner_prev = e;
	debug_runs = e;
	pthread_mutex_unlock(&list_lock);
}
void block_unlist_run(struct extent *e)
{
	pthread_mutex_lock(&list_lock);
	if (e->owner_prev)
		e->owner_prev->owner_next = e->owner_next;
	else
		debug_runs = e->owner_next;
	if (e->owner_next)
		e->owner_next->owner_prev = e->owner_prev;
	e->owner_next = e->owner_prev = NULL;
	pthread_mutex_unlock(&list_lock);
}

void block_walk_runs(void (*fn)(struct extent *run, void *arg), void *arg)
{
	pthread_mutex_lock(&list_lock);
	for (struct extent *e = debug_runs; e; e = e->owner_next)
		fn(e, arg);
	pthread_mutex_unlock(&list_lock);
}

/* The list lock nests inside arena bin locks: taken last before fork. */
void block_fork_prepare(void)
{
	pthread_mutex_lock(&list_lock);
}

void block_fork_parent(void)
{
	pthread_mutex_unlock(&list_lock);
}

void block_fork_child(void)
{
	pthread_mutex_init(&list_lock, NULL);
}
void block_classify(void *p, uintptr_t pm, struct block_info *bi)
{
	memset(bi, 0, sizeof(*bi));
	bi->kind = BK_FOREIGN;
	bi->cls = -1;
	if (!pm)
		return;
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	struct extent *e = (struct extent *)(pm & ~PM_CLASS_MASK);
	bi->e = e;
	if (tag) {
		size_t size = class_size(tag - 1);
		uintptr_t off = (uintptr_t)p - e->addr;
		bi->cls = (int)tag - 1;
		bi->base = e->addr + (uintptr_t)class_slot_index(tag - 1, off) * size;
		bi->slot_size = size;
		bi->kind = bi->base == (uintptr_t)p ? BK_PLAIN_SMALL : BK_FOREIGN;
		return;
	}
	uint8_t state = __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);
	if (state == EX_DIRTY || state == EX_CLEAN || state == EX_BUSY) {
		bi->kind = BK_FREED_RUN;
		return;
	}
	if (state == EX_SLAB && e->special) {
		size_t size = class_size(e->cls);
		bi->cls = e->cls;
		bi->base = e->addr + (uintptr_t)class_slot_index(e->cls, (uintptr_t)p - e->addr) * size;
		bi->slot_size = size;
	} else if (state == EX_LARGE) {
		bi->base = e->addr;
		bi->slot_size = e->size;
		if (!e->special) {
			bi->kind = e->addr == (uintptr_t)p ? BK_PLAIN_LARGE : BK_FOREIGN;
			return;
		}
	} else {
		return;
	}
	bi->kind = BK_DEBUG;
	bi->hdr = (struct debug_hdr *)bi->base;
}
void block_release_claimed_run(struct extent *e)
{
	if (la_checks.check_free)
		freed_large_note(e->addr);
	large_release_claimed(e);
}

void block_release(const struct block_info *bi)
{
	if (bi->cls >= 0) {
		void *slot = (void *)bi->base;
		struct release_faults f = {0};
		if (bi->kind != BK_DEBUG || !debug_cache_give((unsigned)bi->cls, slot))
			arena_release(&slot, 1, (unsigned)bi->cls, &f);
		if (f.dups) {
			if (la_checks.check_free)
				debug_violation(LAS_EV_DOUBLE_FREE, slot, bi->slot_size, bi->cls,
						"free", NULL, 0);
			return;
		}
		tcache_count_small((unsigned)bi->cls, -1);
		return;
	}
	struct extent *e = bi->e;
	if (la_checks.check_free)
		freed_large_note(bi->hdr ? bi->base + bi->hdr->user_off : bi->base);
	if (e->special) {
		if (bi->hdr && bi->hdr->user_off >= PAGE)
			pagemap_set(e->addr + (bi->hdr->user_off & ~PAGE_MASK), 0);
		block_unlist_run(e);
		e->special = 0;
	}
	if (!large_free(e) && la_checks.check_free)
		debug_violation(LAS_EV_DOUBLE_FREE, (void *)bi->base, 0, -1, "free", NULL, 0);
}
