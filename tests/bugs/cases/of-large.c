// EXPECT: buffer-overflow
// CONF: redzone:32
// CHECKS-OFF: silent
// WHAT: two bytes written past a large (100 KiB - 3) block, caught on free
#include "bug_support.h"

int main(void)
{
	size_t size = 100 * 1024 - 3;
	char *p = bug_xmalloc(size);
	memset(p, 'b', size);
	bug_mark("large", p, size);
	bug_poke(p, (long)size, 'X');
	bug_poke(p, (long)size + 1, 'Y');
	free(p);
	return bug_finish();
}
