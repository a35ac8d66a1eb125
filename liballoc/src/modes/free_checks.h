/*
 * free_checks.h - what a free says about the block, checked against the
 * block while check_free is on: the family that frees it (free, operator
 * delete, operator delete[]) against the one that made it
 * (alloc-dealloc-mismatch, alloc_kind.h), and the size and alignment that
 * free_sized, free_aligned_sized and the sized and aligned operator
 * deletes pass (size-mismatch).
 */
#ifndef LA_FREE_CHECKS_H
#define LA_FREE_CHECKS_H

#include "core/pagemap.h"
#include "core/size_class.h"
#include "modes/alloc_kind.h"
#include "modes/settings.h"
#include "sys/internal.h"

/*
 * Before the free proper (flags: the freeing family | LA_FREE_SIZED |
 * LA_FREE_ALIGNED): report a wrong family, else a size or alignment that
 * does not fit. A pointer that is not a live block is left alone here: the
 * free reports it (invalid or double free). The block is freed normally
 * afterwards, whatever on_error says short of abort. `what` names the
 * freeing function in reports.
 */
LA_HIDDEN void free_request_check(void *p, uintptr_t pm, size_t size, size_t align,
				  unsigned flags, const char *what);

/* The same for a block of another mode that knows its requested size and
 * family exactly (a guarded sample, modes/guard_pool.h). */
LA_HIDDEN void free_request_check_exact(void *p, size_t requested, unsigned kind, size_t size,
					size_t align, unsigned flags, const char *what);

/* A small debug-layout block of the freeing family freed with the size it
 * was asked for: nothing to report. */
LA_HIDDEN bool free_request_quick_debug(void *p, uintptr_t pm, size_t size, unsigned flags);

/* A plain small block (page-map tag `tag`) of the freeing family or of none
 * recorded, freed with a size, if any, of its class: the common case of
 * free_request_check, tested without changing anything. *forget is the
 * kind-map byte to clear when the block goes (NULL: none). False means
 * "look closer", also for a free that must first note that C++ code runs. */
static LA_ALWAYS_INLINE bool free_request_plain_fits(void *p, unsigned tag, size_t size,
						     unsigned flags, uint8_t **forget)
{
	*forget = NULL;
	if ((flags & LA_FREE_ALIGNED) ||
	    ((flags & LA_FREE_SIZED) && !(size <= LOOKUP_MAX && la_size_tag[size] == tag)))
		return false;
	if (unlikely(!la_kind_checks))
		return (flags & LA_KIND_MASK) == LA_KIND_MALLOC || la_cxx_seen;
	uint8_t *b = kind_map_byte(p);
	uint8_t v = b ? __atomic_load_n(b, __ATOMIC_RELAXED) : 0;
	if (v) {
		if ((v >> 2) == (la_mt.epoch & 63) && (v & LA_KIND_MASK) != (flags & LA_KIND_MASK))
			return false;
		*forget = b;
	}
	return true;
}

/* The same, then it forgets a plain block's record and returns true; or a
 * small debug-layout block that fits. False means "look closer". */
static inline bool free_request_quick(void *p, uintptr_t pm, size_t size, unsigned flags)
{
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	uint8_t *forget;
	if (!tag)
		return free_request_quick_debug(p, pm, size, flags);
	if (!free_request_plain_fits(p, tag, size, flags, &forget))
		return false;
	if (forget)
		__atomic_store_n(forget, 0, __ATOMIC_RELAXED);
	return true;
}

/* Whether a checked free must look at what it was told: never for a C
 * program's free. */
static LA_ALWAYS_INLINE bool free_request_checked(unsigned flags)
{
	return la_kind_checks || ((flags & ~LA_KIND_MALLOC) && la_checks.check_free);
}

/* The test every checked free makes: nothing to do for a C program's free. */
static LA_ALWAYS_INLINE void free_request_checks(void *p, uintptr_t pm, size_t size, size_t align,
						 unsigned flags, const char *what)
{
	if (free_request_checked(flags) && !free_request_quick(p, pm, size, flags))
		free_request_check(p, pm, size, align, flags, what);
}

#endif
