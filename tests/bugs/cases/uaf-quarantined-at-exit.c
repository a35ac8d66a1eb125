// EXPECT: use-after-free
// CONF: quarantine:1m
// CHECKS-OFF: silent
// WHAT: a write after free to a block still in quarantine when the program ends: the quarantine is verified at exit
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(40);
	bug_mark("small", p, 40);
	free(p);
	bug_poke(bug_opaque(p), 20, 'X'); /* past the free-list link */
	return bug_finish();
}
