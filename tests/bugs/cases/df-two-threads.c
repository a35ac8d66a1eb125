// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: caught
// THREAD: bugs-second
// WHAT: allocated in one thread, freed by a second thread, then again by a third
#include "bug_support.h"

static void *allocate(void *out)
{
	*(void **)out = bug_xmalloc(72);
	return NULL;
}

static void *release(void *p)
{
	free(bug_opaque(p));
	return NULL;
}

int main(void)
{
	void *p = NULL;
	bug_in_thread("bugs-alloc", allocate, &p);
	bug_mark("small", p, 72);
	bug_in_thread("bugs-first", release, p);
	bug_in_thread("bugs-second", release, p);
	return bug_finish();
}
