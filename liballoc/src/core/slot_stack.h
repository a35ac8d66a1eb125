/*
 * slot_stack.h - a per-thread stack of free slots for each size class,
 * linked through the slots at a fixed offset, filled from an arena and
 * flushed back to the slabs in batches. The layers above keep caches of
 * their own this way: the link may sit past a header of theirs, and the
 * slots may be marked while held (slot_mark.h).
 */
#ifndef LA_SLOT_STACK_H
#define LA_SLOT_STACK_H

#include "core/safe_link.h"
#include "core/size_class.h"
#include "sys/check.h"

#define SLOT_STACK_MAX 64  /* a full stack is flushed to half of this */
#define SLOT_STACK_FILL 16 /* slots taken from the arena at once */

struct arena;

struct slot_stack {
	void *head[NCLASSES];
	uint16_t count[NCLASSES];
};

/* How a stack links and hands back its slots. */
struct slot_stack_kind {
	size_t link_off; /* where in a free slot the link lives */
	bool marked;     /* slots are marked while held (slot_mark.h) */
};

/* Links are stored encoded (safe_link.h) and checked before they are
 * followed. */
static inline uintptr_t *slot_stack_link(const struct slot_stack_kind *k, void *slot)
{
	return (uintptr_t *)((char *)slot + k->link_off);
}

/* The stack's link in `slot` was overwritten: the stack ends there (the
 * slots below are lost to it) and the core's hook reports it. */
LA_HIDDEN void slot_stack_cut(struct slot_stack *st, unsigned cls, void *slot);

static inline void *slot_stack_pop(struct slot_stack *st, const struct slot_stack_kind *k,
				   unsigned cls)
{
	void *slot = st->head[cls];
	LA_ASSERT(!slot == !st->count[cls]);
	if (slot) {
		uintptr_t next = *slot_stack_link(k, slot) ^ la_link_key;
		if (unlikely(!link_valid(next)))
			slot_stack_cut(st, cls, slot);
		else
			st->head[cls] = (void *)next;
		st->count[cls]--;
	}
	return slot;
}

/* The top slot of class cls if it can be popped without a cut (its link
 * is sound), with the slot below it in *next; else NULL. Changes nothing. */
static inline void *slot_stack_peek(const struct slot_stack *st, const struct slot_stack_kind *k,
				    unsigned cls, uintptr_t *next)
{
	void *slot = st->head[cls];
	if (!slot)
		return NULL;
	*next = *slot_stack_link(k, slot) ^ la_link_key;
	return likely(link_valid(*next)) ? slot : NULL;
}

/* Pop the slot slot_stack_peek returned; next is the one it gave. */
static inline void slot_stack_take(struct slot_stack *st, unsigned cls, uintptr_t next)
{
	st->head[cls] = (void *)next;
	st->count[cls]--;
}

static inline void slot_stack_push(struct slot_stack *st, const struct slot_stack_kind *k,
				   unsigned cls, void *slot)
{
	*slot_stack_link(k, slot) = link_encode(st->head[cls], la_link_key);
	st->head[cls] = slot;
	st->count[cls]++;
}

/* Fill an empty stack with up to SLOT_STACK_FILL slots from arena a, the
 * lowest address on top; returns how many. Counted as this thread's fills. */
LA_HIDDEN unsigned slot_stack_refill(struct slot_stack *st, const struct slot_stack_kind *k,
				     unsigned cls, struct arena *a);
/* Hand all but `keep` slots back to their slabs. Counted as flushes. */
LA_HIDDEN void slot_stack_flush(struct slot_stack *st, const struct slot_stack_kind *k,
				unsigned cls, unsigned keep);
LA_HIDDEN void slot_stack_flush_all(struct slot_stack *st, const struct slot_stack_kind *k);

#endif
