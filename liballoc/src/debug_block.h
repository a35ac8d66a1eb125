/*
 * debug_block.h - the layout of a block made while checks are on:
 *
 *   slot: [header 48 B][pre-zone][user bytes (requested)][post-zone to slot end]
 *
 * The pre-zone holds at least `redzone` guard bytes (and alignment
 * padding), the post-zone everything from the end of the requested size to
 * the end of the slot, so the slack of the size class counts as redzone.
 * The header carries its own checksum: a smashed header is an underflow.
 */
#ifndef LA_DEBUG_BLOCK_H
#define LA_DEBUG_BLOCK_H

#include "extent.h"
#include "internal.h"

#define REDZONE_BYTE 0xfa
#define HDR_LIVE 0x4c495645u  /* "LIVE" */
#define HDR_FREED 0x46524545u /* "FREE" */
#define HDR_QUAR 0x51554152u  /* "QUAR" */

struct debug_hdr {
	uint32_t magic;
	uint32_t redzone;
	uint64_t requested;
	uint32_t user_off;
	uint32_t alloc_tid;
	uint32_t free_tid;
	uint32_t check;
	uint64_t alloc_pc;
	uint64_t free_pc;
};

/* What a pointer handed to free/realloc turned out to be. */
enum block_kind {
	BK_FOREIGN = 0,   /* not ours, or not the start of a block */
	BK_PLAIN_SMALL,   /* slot of a normal slab */
	BK_PLAIN_LARGE,   /* normal large block */
	BK_DEBUG,         /* debug-layout block (small or large) */
	BK_FREED_RUN,     /* inside pages already returned to the page heap */
};

struct block_info {
	enum block_kind kind;
	int cls;                /* size class, -1 for large */
	uintptr_t base;         /* slot / run start */
	size_t slot_size;       /* bytes of the slot or run */
	struct extent *e;
	struct debug_hdr *hdr;  /* BK_DEBUG only */
};

LA_HIDDEN void block_classify(void *p, uintptr_t pm, struct block_info *bi);
LA_HIDDEN uint32_t hdr_checksum(const struct debug_hdr *h, uintptr_t base);

/* Hand a block back for reuse (after checks / quarantine). */
LA_HIDDEN void block_release(const struct block_info *bi);

/* Quarantine (quarantine.c). */
/* Hold a freed block whose len bytes at user are filled with
 * JUNK_FREE_BYTE: the user bytes of a debug-layout block, or a whole plain
 * slot or run (`plain`). `held` is the memory it keeps from reuse, which
 * is what the quarantine limit counts. */
LA_HIDDEN void quarantine_push(void *user, size_t len, size_t held, bool plain);
LA_HIDDEN bool quarantine_holds_plain(uintptr_t p);
LA_HIDDEN void quarantine_trim(uint64_t limit);
/* Move this thread's staged blocks into the quarantine proper. */
LA_HIDDEN void quarantine_stage_flush(void);
LA_HIDDEN int quarantine_verify_all(void);
LA_HIDDEN void quarantine_fork_prepare(void);
LA_HIDDEN void quarantine_fork_parent(void);
LA_HIDDEN void quarantine_fork_child(void);

/* Do all len bytes at p equal `byte`? Inline for the short runs that
 * redzones and small blocks have: word compares, the last one overlapping
 * the one before, so no byte loop. */
static inline bool bytes_all(const void *p, size_t len, uint8_t byte)
{
	const uint8_t *b = p;
	uint64_t pattern = 0x0101010101010101ull * byte, w, diff = 0;
	if (len >= 8) {
		for (size_t i = 0; i + 8 < len; i += 8) {
			__builtin_memcpy(&w, b + i, 8);
			diff |= w ^ pattern;
		}
		__builtin_memcpy(&w, b + len - 8, 8);
		return (diff | (w ^ pattern)) == 0;
	}
	if (len >= 4) {
		uint32_t x, y;
		__builtin_memcpy(&x, b, 4);
		__builtin_memcpy(&y, b + len - 4, 4);
		return ((x ^ (uint32_t)pattern) | (y ^ (uint32_t)pattern)) == 0;
	}
	for (size_t i = 0; i < len; i++)
		diff |= (uint64_t)(b[i] ^ byte);
	return diff == 0;
}

/* Set len bytes at p to `byte` the same way; memset beyond 64 bytes. */
static inline void fill_bytes(void *p, size_t len, uint8_t byte)
{
	uint8_t *b = p;
	uint64_t pattern = 0x0101010101010101ull * byte;
	if (len > 64) {
		__builtin_memset(p, byte, len);
	} else if (len >= 8) {
		for (size_t i = 0; i + 8 < len; i += 8)
			__builtin_memcpy(b + i, &pattern, 8);
		__builtin_memcpy(b + len - 8, &pattern, 8);
	} else {
		for (size_t i = 0; i < len; i++)
			b[i] = byte;
	}
}

/* First byte in [p, p+len) that differs from `byte`, or NULL. */
LA_HIDDEN const uint8_t *first_mismatch(const void *p, size_t len, uint8_t byte);

/* Large blocks freed while check_free is on (freed_large.c). */
LA_HIDDEN void freed_large_note(uintptr_t addr);
LA_HIDDEN bool freed_large_contains(uintptr_t addr);
LA_HIDDEN void freed_large_forget(uintptr_t start, size_t size);
LA_HIDDEN void freed_large_fork_child(void);

/* Debug slabs and large blocks, for alloc_check (debug.c). */
LA_HIDDEN void debug_slab_created(struct extent *s);
LA_HIDDEN void debug_slab_released(struct extent *s);

#endif
