// EXPECT: buffer-overflow
// CONF: redzone:16
// CHECKS-OFF: silent
// WHAT: a block shrunk by realloc to 50 bytes is still written at offset 50, caught on free
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(200);
	memset(p, 'c', 200);
	p = bug_got(realloc(p, 50));
	bug_mark("realloc", p, 50);
	bug_poke(p, 50, 'X');
	free(p);
	return bug_finish();
}
