/*
 * alloc_kind.h - which family made a block (malloc, operator new, operator
 * new[]), so that check_free can report a block freed by the wrong one
 * (alloc-dealloc-mismatch, free_checks.h).
 *
 * Debug-layout blocks keep their kind in the header (debug_layout.h).
 * Plain-layout blocks of the checked mode (junk/check_free only) keep it in
 * the kind map: one byte per 16 bytes of heap, written at allocation and
 * read and cleared at free while check_free is on, and only in a process
 * with a C++ runtime (a C program never touches it). A byte also carries
 * the settings epoch it was written in, so a byte left behind by a block
 * freed with the checks off is never believed: production paths write
 * nothing.
 */
#ifndef LA_ALLOC_KIND_H
#define LA_ALLOC_KIND_H

#include "core/tcache.h"
#include "modes/settings.h"
#include "sys/internal.h"

enum la_alloc_kind {
	LA_KIND_UNKNOWN = 0,   /* not recorded: made with the checks off, or before */
	LA_KIND_MALLOC = 1,    /* malloc, calloc, realloc, the aligned family; free */
	LA_KIND_NEW = 2,       /* operator new (any form); operator delete */
	LA_KIND_NEW_ARRAY = 3, /* operator new[]; operator delete[] */
};
#define LA_KIND_MASK 3u

/* What a free was told besides the pointer (with the kind of the freeing
 * function in the low bits): a size, an alignment. */
#define LA_FREE_SIZED 4u
#define LA_FREE_ALIGNED 8u

/* While set (never cleared), the checked paths record kinds: from the start
 * in a process with a C++ runtime, else from the first C++ operator that
 * reaches a slow path (a C program that loaded C++ code with dlopen). */
extern bool la_cxx_seen LA_HIDDEN;
/* la_cxx_seen and check_free: kinds are recorded and checked (one byte for
 * the checked paths to test). */
extern bool la_kind_checks LA_HIDDEN;
/* At start-up: is there a C++ runtime in the process? */
LA_HIDDEN void alloc_kind_init(void);
/* The settings changed (modes/switch.c). */
LA_HIDDEN void alloc_kind_settings_changed(void);

/* Name of a kind's allocating function, for reports. */
LA_HIDDEN const char *alloc_kind_alloc_name(unsigned kind);

/* The kind map: one byte per 16 bytes of address space below 2^48,
 * (generation << 2 | kind) with generation = epoch % 64, in leaves of 64 MiB
 * that each cover 1 GiB. A byte never written reads as unknown whatever the
 * generation. `epoch` is the settings epoch the calling thread works under. */
#define KM_REGION_BITS 30
#define KM_LEAF_BYTES ((size_t)1 << (KM_REGION_BITS - 4))
#define KM_ROOT_ENTRIES ((size_t)1 << (48 - KM_REGION_BITS))
extern _Atomic(uint8_t *) la_kind_map_root[KM_ROOT_ENTRIES] LA_HIDDEN;

/* The leaf for root entry i, made now (NULL without memory). */
LA_HIDDEN uint8_t *kind_map_leaf_make(size_t i);
/* Called at every change of the settings epoch: every 64 epochs the byte
 * values come round again, and the map is wiped so that none is believed. */
LA_HIDDEN void kind_map_epoch_changed(uint32_t epoch);

/* The byte for the block at p (a block liballoc made: below 2^48), or
 * NULL where no leaf was made. */
static inline uint8_t *kind_map_byte(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	uint8_t *leaf =
		atomic_load_explicit(&la_kind_map_root[a >> KM_REGION_BITS], memory_order_acquire);
	return leaf ? &leaf[(a >> 4) & (KM_LEAF_BYTES - 1)] : NULL;
}

/* Record `kind` in a block's byte. */
static inline void kind_map_set(uint8_t *b, unsigned kind, uint32_t epoch)
{
	__atomic_store_n(b, (uint8_t)((epoch & 63) << 2 | (kind & LA_KIND_MASK)), __ATOMIC_RELAXED);
}

static inline void kind_map_note(const void *p, unsigned kind, uint32_t epoch)
{
	uintptr_t a = (uintptr_t)p;
	uint8_t *leaf =
		atomic_load_explicit(&la_kind_map_root[a >> KM_REGION_BITS], memory_order_acquire);
	if (unlikely(!leaf) && !(leaf = kind_map_leaf_make(a >> KM_REGION_BITS)))
		return; /* no memory for the map: the block stays unknown */
	kind_map_set(&leaf[(a >> 4) & (KM_LEAF_BYTES - 1)], kind, epoch);
}

/* The kind recorded in this epoch for the block at p (any pointer), else
 * LA_KIND_UNKNOWN. */
static inline unsigned kind_map_get(const void *p, uint32_t epoch)
{
	const uint8_t *b = (uintptr_t)p >> 48 ? NULL : kind_map_byte(p);
	uint8_t v = b ? __atomic_load_n(b, __ATOMIC_RELAXED) : 0;
	return (v >> 2) == (epoch & 63) ? v & LA_KIND_MASK : LA_KIND_UNKNOWN;
}

/* Forget the record of a block being freed: a later block at the same
 * address made by a path that records nothing is then unknown, never the
 * kind of this one. */
static inline void kind_map_forget(const void *p)
{
	uint8_t *b = (uintptr_t)p >> 48 ? NULL : kind_map_byte(p);
	if (b && __atomic_load_n(b, __ATOMIC_RELAXED))
		__atomic_store_n(b, 0, __ATOMIC_RELAXED);
}

/* Record the kind of a plain block the checked paths just made. */
static inline void alloc_kind_note_plain(const void *p, unsigned kind)
{
	if (unlikely(la_kind_checks) && p)
		kind_map_note(p, kind, la_mt.epoch);
}

/* A C++ operator reached a slow path: the checked paths record kinds from now on. */
LA_HIDDEN void alloc_kind_first_cxx(void);
static inline void alloc_kind_seen(unsigned kind)
{
	if ((kind & LA_KIND_MASK) != LA_KIND_MALLOC && unlikely(!la_cxx_seen))
		alloc_kind_first_cxx();
}

#endif
