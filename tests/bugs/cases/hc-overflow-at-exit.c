// EXPECT: heap-corruption
// CONF: check_free:true
// CHECKS-OFF: caught
// WHAT: an overflow of a live block over the free-list link of the free block after it, then the program ends: the exit path must report the link, not follow it
#include "bug_support.h"

#include <malloc.h>

/* The block that follows another one closest in the same slab (exit 6
 * when no two lie within a page): without checks the second starts where
 * the first's slot ends, with them a redzone and a header lie between. */
static char *adjacent_pair(size_t size, char **second)
{
	char *blocks[64], *best = NULL;
	for (int i = 0; i < 64; i++)
		blocks[i] = bug_xmalloc(size);
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 64; j++)
			if (blocks[j] > blocks[i] && blocks[j] - blocks[i] < 4096 &&
			    (best == NULL || blocks[j] - blocks[i] < *second - best)) {
				best = blocks[i];
				*second = blocks[j];
			}
	if (best == NULL) {
		fprintf(stderr, "bugs: no two blocks of %zu bytes within a page\n", size);
		exit(6);
	}
	return best;
}

int main(void)
{
	char *next;
	char *p = adjacent_pair(48, &next);
	size_t usable = malloc_usable_size(p);
	free(next);
	bug_mark("small", next, 48);
	/* the bug: from p's end over the start of next (its link) */
	memset(bug_opaque(p) + usable, 'X', (size_t)(next - p) - usable + 16);
	return bug_finish();
}
