// EXPECT: use-after-free
// CONF: quarantine:1048576,junk:true
// CHECKS-OFF: silent
// WHAT: main frees a block, another thread still writes to it, main's later frees push it out of the quarantine
#include "bug_support.h"

static void *late_writer(void *p)
{
	bug_poke(p, 100, 'X');
	return NULL;
}

int main(void)
{
	char *p = bug_xmalloc(200);
	bug_mark("small", p, 200);
	free(p);
	bug_in_thread("bugs-late", late_writer, p);
	bug_flush_quarantine(2u << 20, 1024);
	return bug_finish();
}
