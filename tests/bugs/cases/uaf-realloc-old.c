// EXPECT: use-after-free
// CONF: quarantine:1048576,junk:true
// CHECKS-OFF: silent
// WHAT: realloc moves a block; the program keeps writing through the old pointer
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(50);
	char *keep = bug_xmalloc(50); /* makes in-place growth less likely */
	memset(p, 'i', 50);
	char *q = bug_realloc_moved(p, 10000);
	bug_mark("realloc-old", p, 50);
	bug_poke(p, 20, 'X');
	free(q);
	free(keep);
	bug_flush_quarantine(2u << 20, 1024);
	return bug_finish();
}
