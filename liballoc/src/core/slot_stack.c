/* slot_stack.c - batch moves between a thread's slot stacks and the arenas. */
#include "core/arena.h"
#include "core/slot_stack.h"
#include "core/tcache.h"

void slot_stack_cut(struct slot_stack *st, unsigned cls, void *slot)
{
	la_tc.slot->class_flush[cls] += st->count[cls] - 1u;
	st->head[cls] = NULL;
	st->count[cls] = 1; /* the caller takes `slot` itself off */
	if (la_core_hooks.heap_corruption)
		la_core_hooks.heap_corruption(slot, true, cls, "slot cache");
}

unsigned slot_stack_refill(struct slot_stack *st, const struct slot_stack_kind *k, unsigned cls,
			   struct arena *a)
{
	void *objs[SLOT_STACK_FILL];
	unsigned got = k->marked ? arena_fill_marked(a, cls, objs, SLOT_STACK_FILL)
				 : arena_fill(a, cls, objs, SLOT_STACK_FILL);
	for (unsigned i = got; i-- > 0;)
		slot_stack_push(st, k, cls, objs[i]);
	/* cache occupancy = fill + free - flush - alloc */
	la_tc.slot->class_fill[cls] += got;
	return got;
}

void slot_stack_flush(struct slot_stack *st, const struct slot_stack_kind *k, unsigned cls,
		      unsigned keep)
{
	void *objs[SLOT_STACK_MAX];
	unsigned n = 0;
	while (st->count[cls] > keep && n < SLOT_STACK_MAX)
		objs[n++] = slot_stack_pop(st, k, cls);
	if (!n)
		return;
	struct release_faults f;
	if (k->marked)
		arena_release_marked(objs, n, cls, &f);
	else
		arena_release(objs, n, cls, &f);
	la_tc.slot->class_flush[cls] += n;
}

void slot_stack_flush_all(struct slot_stack *st, const struct slot_stack_kind *k)
{
	for (unsigned c = 0; c < NCLASSES; c++)
		if (st->count[c])
			slot_stack_flush(st, k, c, 0);
}
