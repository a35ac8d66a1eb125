/*
 * safe_link.h - the links of free blocks held in per-thread lists, stored
 * so that an overwritten link is caught before it is followed (in the
 * manner of glibc's safe-linking): a link is the next block's address XOR
 * a per-process key. The key's top 16 bits are LINK_MARK and a user-space
 * address has its top 17 bits clear, so
 *   - every stored link carries LINK_MARK in bytes 6-7 of the block: a
 *     block about to be freed that carries it may already be in a list (a
 *     double free; the caller confirms before reporting, since a live
 *     block's data can hold the mark by chance);
 *   - a decoded link whose top 17 bits are not clear was not written by
 *     the allocator: heap corruption, reported instead of followed. Data
 *     written over a link decodes to such a value unless it guessed the
 *     key's other 47 bits.
 */
#ifndef LA_SAFE_LINK_H
#define LA_SAFE_LINK_H

#include "sys/internal.h"

#define LINK_MARK 0xb9feu /* bytes fe b9: never in UTF-8 text, rare in data */

extern uintptr_t la_link_key LA_HIDDEN;

/* Draws the key; called once, before the first allocation. */
LA_HIDDEN void safe_link_init(void);

static inline uintptr_t link_encode(const void *next, uintptr_t key)
{
	return (uintptr_t)next ^ key;
}

/* The cheap test of the fast paths: the decoded link is a user-space
 * address or NULL. */
static inline bool link_plausible(uintptr_t next)
{
	return (next >> 47) == 0;
}

/* The full test of the slow paths: also on the 16-byte grid. */
static inline bool link_valid(uintptr_t next)
{
	return link_plausible(next) && (next & 15) == 0;
}

static inline bool link_marked(const void *block)
{
	return ((const uint16_t *)block)[3] == LINK_MARK;
}

#endif
