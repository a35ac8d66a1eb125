// EXPECT: heap-corruption
// CONF: check_free:true
// CHECKS-OFF: caught
// WHAT: an overflow of a live block over the free-list link of the free block after it, then the program ends: the exit path must report the link, not follow it
#include "bug_support.h"

#include <malloc.h>

int main(void)
{
	char *next;
	char *p = bug_adjacent_pair(48, &next);
	size_t usable = malloc_usable_size(p);
	free(next);
	bug_mark("small", next, 48);
	/* the bug: from p's end over the start of next (its link) */
	memset(bug_opaque(p) + usable, 'X', (size_t)(next - p) - usable + 16);
	return bug_finish();
}
