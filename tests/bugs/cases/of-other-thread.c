// EXPECT: buffer-overflow
// CONF: redzone:16
// CHECKS-OFF: silent
// THREAD: bugs-writer
// WHAT: allocated by main; another thread overflows it and frees it
#include "bug_support.h"

static void *overflow_and_free(void *p)
{
	bug_poke(p, 90, 'X');
	free(p);
	return NULL;
}

int main(void)
{
	char *p = bug_xmalloc(90);
	bug_mark("small", p, 90);
	bug_in_thread("bugs-writer", overflow_and_free, p);
	return bug_finish();
}
