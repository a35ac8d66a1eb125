/*
 * alloc_kind.c - the kind map's leaves and the names of the allocation
 * families (alloc_kind.h; the reads and writes are inline there).
 *
 * One byte per 16 bytes of address space: the smallest slot, and the grid
 * every block starts on, so each block owns its byte and plain stores
 * suffice. A leaf (64 MiB for 1 GiB) is mapped without reserving memory the
 * first time a block of its GiB is recorded, so only the pages of recorded
 * blocks become resident: 1/16 of the heap that the checked mode allocates
 * while a C++ program runs with check_free.
 */
#include "modes/alloc_kind.h"
#include "sys/os.h"

bool la_cxx_seen, la_kind_checks;
_Atomic(uint8_t *) la_kind_map_root[KM_ROOT_ENTRIES];
/* Root entries ever filled lie in [km_lo, km_hi]: the wipe looks only there. */
static size_t km_lo = KM_ROOT_ENTRIES, km_hi;

/* The C++ runtime, if the program links one (weak: NULL otherwise). */
extern void *cxx_get_new_handler(void) __asm__("_ZSt15get_new_handlerv") __attribute__((weak));

void alloc_kind_init(void)
{
	if (cxx_get_new_handler)
		la_cxx_seen = true;
	alloc_kind_settings_changed();
}

void alloc_kind_settings_changed(void)
{
	__atomic_store_n(&la_kind_checks, la_cxx_seen && la_checks.check_free, __ATOMIC_RELAXED);
}

void alloc_kind_first_cxx(void)
{
	__atomic_store_n(&la_cxx_seen, true, __ATOMIC_RELAXED);
	alloc_kind_settings_changed();
}

const char *alloc_kind_alloc_name(unsigned kind)
{
	switch (kind & LA_KIND_MASK) {
	case LA_KIND_MALLOC: return "malloc";
	case LA_KIND_NEW: return "operator new";
	case LA_KIND_NEW_ARRAY: return "operator new[]";
	default: return "unknown";
	}
}

LA_NOINLINE __attribute__((cold)) uint8_t *kind_map_leaf_make(size_t i)
{
	uint8_t *leaf = os_map(KM_LEAF_BYTES);
	if (!leaf)
		return NULL;
	uint8_t *none = NULL;
	if (!atomic_compare_exchange_strong(&la_kind_map_root[i], &none, leaf)) {
		os_unmap(leaf, KM_LEAF_BYTES); /* another thread was first */
		return none;
	}
	/* Only a bound for the wipe: a lost race here just widens it. */
	size_t lo = __atomic_load_n(&km_lo, __ATOMIC_RELAXED);
	while (i < lo && !__atomic_compare_exchange_n(&km_lo, &lo, i, false, __ATOMIC_RELAXED,
						      __ATOMIC_RELAXED))
		;
	size_t hi = __atomic_load_n(&km_hi, __ATOMIC_RELAXED);
	while (i > hi && !__atomic_compare_exchange_n(&km_hi, &hi, i, false, __ATOMIC_RELAXED,
						      __ATOMIC_RELAXED))
		;
	return leaf;
}

void kind_map_epoch_changed(uint32_t epoch)
{
	if ((epoch & 63) != 0)
		return;
	/* Generations start over: bytes written 64 epochs ago would look new.
	 * Zero every leaf (a thread still writing one just loses its record). */
	size_t hi = __atomic_load_n(&km_hi, __ATOMIC_RELAXED);
	for (size_t i = __atomic_load_n(&km_lo, __ATOMIC_RELAXED); i <= hi && i < KM_ROOT_ENTRIES;
	     i++) {
		uint8_t *leaf = atomic_load_explicit(&la_kind_map_root[i], memory_order_acquire);
		if (leaf)
			os_purge(leaf, KM_LEAF_BYTES);
	}
}
