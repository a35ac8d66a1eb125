/*
 * debug_layout.h - the layout of a block made while checks need a header:
 *
 *   slot: [header 48 B][pre-zone][user bytes (requested)][post-zone to slot end]
 *
 * The pre-zone holds at least `redzone` guard bytes (and alignment
 * padding), the post-zone everything from the end of the requested size to
 * the end of the slot, so the slack of the size class counts as redzone.
 * The header carries its own checksum: a smashed header is an underflow.
 * Also the pattern fills and compares that zones and fills are made of.
 */
#ifndef LA_DEBUG_LAYOUT_H
#define LA_DEBUG_LAYOUT_H

#include "sys/check.h"
#include "sys/internal.h"

#define REDZONE_BYTE 0xfa
#define HDR_LIVE 0x4c495645u  /* "LIVE" */
#define HDR_FREED 0x46524545u /* "FREE" */
#define HDR_QUAR 0x51554152u  /* "QUAR" */
#define HDR_BAD 0x21444142u   /* "BAD!": damage reported, kept out of use */

struct debug_hdr {
	uint32_t magic;
	/* One word (debug_hdr_set_zone_kind): */
	uint16_t redzone; /* at most LAS_REDZONE_MAX, 4096 */
	uint8_t kind;     /* the family that made the block (modes/alloc_kind.h) */
	uint8_t pad;      /* 0 */
	uint64_t requested;
	uint32_t user_off;
	uint32_t alloc_tid;
	uint32_t free_tid;
	uint32_t check;
	uint64_t alloc_pc;
	uint64_t free_pc;
};
LA_STATIC_ASSERT(sizeof(struct debug_hdr) == 48, "the debug header is 48 bytes (liballoc-debug(7))");
LA_STATIC_ASSERT(__builtin_offsetof(struct debug_hdr, kind) ==
			 __builtin_offsetof(struct debug_hdr, redzone) + 2 &&
		 __builtin_offsetof(struct debug_hdr, pad) ==
			 __builtin_offsetof(struct debug_hdr, redzone) + 3,
		 "redzone, kind and pad make one word (debug_hdr_set_zone_kind)");

/* The redzone, kind and pad fields as the one word they share. */
static inline uint32_t debug_hdr_zone_kind(const struct debug_hdr *h)
{
	uint32_t w;
	__builtin_memcpy(&w, &h->redzone, sizeof(w));
	return w;
}

/* The word made in a register: built in a header on the stack, it was read
 * back by one 4-byte load from narrower stores, which cannot be forwarded
 * (a stall at every debug allocation). */
static inline void debug_hdr_set_zone_kind(struct debug_hdr *h, uint32_t redzone, unsigned kind)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t w = (uint32_t)(uint16_t)redzone | (uint32_t)(uint8_t)kind << 16;
	__builtin_memcpy(&h->redzone, &w, sizeof(w));
#else
	h->redzone = (uint16_t)redzone;
	h->kind = (uint8_t)kind;
	h->pad = 0;
#endif
}

/* The header's own checksum: a smashed header is an underflow. */
static inline uint32_t hdr_checksum(const struct debug_hdr *h, uintptr_t base)
{
	/* Every field that stays the same while the block is live; the
	 * magic's damage shows by itself, and free_tid and free_pc must read
	 * zero until the free (hdr_intact): a write to any byte of a live
	 * block's header is caught. */
	uint64_t x = h->requested * 0x9e3779b97f4a7c15ull;
	x ^= ((uint64_t)h->user_off << 32 | debug_hdr_zone_kind(h)) * 0xc2b2ae3d27d4eb4full;
	x ^= (h->alloc_pc ^ ((uint64_t)h->alloc_tid << 40)) * 0xd6e8feb86659fd93ull;
	x ^= base * 0x165667b19e3779f9ull;
	return (uint32_t)(x ^ (x >> 32));
}

/* The header of a live block is intact: its checksum, and the fields that
 * only the free writes still zero. */
static inline bool hdr_intact(const struct debug_hdr *h, uintptr_t base)
{
	return hdr_checksum(h, base) == h->check && (h->free_tid | h->free_pc) == 0;
}

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

#endif
