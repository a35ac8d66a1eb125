/* slab_heap.c - pairing heap (two-pass) keyed by slab address. */
#include "core/slab_heap.h"

static struct extent *meld(struct extent *a, struct extent *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (b->addr < a->addr) {
		struct extent *t = a;
		a = b;
		b = t;
	}
	b->heap.prev = a;
	b->heap.sibling = a->heap.child;
	if (a->heap.child)
		a->heap.child->heap.prev = b;
	a->heap.child = b;
	return a;
}

/* Combine a sibling list into one heap: pair left to right, then meld the
 * pairs right to left. */
static struct extent *combine(struct extent *first)
{
	struct extent *pairs = NULL;
	while (first) {
		struct extent *a = first, *b = a->heap.sibling;
		first = b ? b->heap.sibling : NULL;
		a->heap.sibling = a->heap.prev = NULL;
		if (b)
			b->heap.sibling = b->heap.prev = NULL;
		struct extent *m = meld(a, b);
		m->heap.sibling = pairs;
		pairs = m;
	}
	struct extent *root = NULL;
	while (pairs) {
		struct extent *next = pairs->heap.sibling;
		pairs->heap.sibling = NULL;
		root = meld(root, pairs);
		pairs = next;
	}
	if (root)
		root->heap.prev = NULL;
	return root;
}

struct extent *slab_heap_insert(struct extent *root, struct extent *e)
{
	e->heap.child = e->heap.sibling = e->heap.prev = NULL;
	root = meld(root, e);
	root->heap.prev = NULL;
	return root;
}

struct extent *slab_heap_pop(struct extent *root)
{
	struct extent *rest = combine(root->heap.child);
	root->heap.child = root->heap.sibling = root->heap.prev = NULL;
	return rest;
}

struct extent *slab_heap_remove(struct extent *root, struct extent *e)
{
	if (e == root)
		return slab_heap_pop(root);
	struct extent *p = e->heap.prev;
	if (p->heap.child == e)
		p->heap.child = e->heap.sibling;
	else
		p->heap.sibling = e->heap.sibling;
	if (e->heap.sibling)
		e->heap.sibling->heap.prev = p;
	struct extent *sub = slab_heap_pop(e);
	root = meld(root, sub);
	root->heap.prev = NULL;
	return root;
}
