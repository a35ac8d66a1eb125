// EXPECT: buffer-overflow
// CONF: redzone:16
// CHECKS-OFF: silent
// WHAT: a block grown by realloc to 300 bytes is written at offset 300, caught on free
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(10);
	memcpy(p, "123456789", 10);
	p = bug_got(realloc(p, 300));
	bug_mark("realloc", p, 300);
	bug_poke(p, 300, 'X');
	free(p);
	return bug_finish();
}
