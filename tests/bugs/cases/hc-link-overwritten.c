// EXPECT: heap-corruption
// CONF: check_free:true
// CHECKS-OFF: caught
// WHAT: a write after free over the first 16 bytes of a small free block, where the allocator keeps its free-list link; the next allocations must report it, not follow it
#include "bug_support.h"

#include <string.h>

int main(void)
{
	char *a = bug_xmalloc(48);
	char *b = bug_xmalloc(48);
	free(b);
	free(a);
	bug_mark("small", a, 48);
	memset(bug_opaque(a), 'X', 16); /* the bug: a is free */
	for (int i = 0; i < 4; i++)
		bug_opaque(bug_xmalloc(48));
	return bug_finish();
}
