// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: caught
// WHAT: realloc moves a block (freeing the old one); the stale old pointer is then freed
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(16);
	char *keep = bug_xmalloc(16); /* makes in-place growth less likely */
	char *q = bug_realloc_moved(p, 256 * 1024);
	bug_mark("realloc-old", p, 16);
	free(bug_opaque(p));
	free(q);
	free(keep);
	return bug_finish();
}
