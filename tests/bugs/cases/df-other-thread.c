// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: caught
// THREAD: bugs-freer
// WHAT: allocated and freed by main, freed again by another thread
#include "bug_support.h"

static void *free_again(void *p)
{
	free(bug_opaque(p));
	return NULL;
}

int main(void)
{
	char *p = bug_xmalloc(48);
	bug_mark("small", p, 48);
	free(p);
	bug_in_thread("bugs-freer", free_again, p);
	return bug_finish();
}
