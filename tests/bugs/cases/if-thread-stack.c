// EXPECT: invalid-free
// CONF: check_free:true
// CHECKS-OFF: invalid-free
// THREAD: bugs-stackfree
// WHAT: a thread frees an address on its own stack
#include "bug_support.h"

static void *free_own_stack(void *unused)
{
	(void)unused;
	char local[100];
	memset(local, 7, sizeof local);
	bug_mark("stack", local, sizeof local);
	free(bug_opaque(local));
	return NULL;
}

int main(void)
{
	bug_in_thread("bugs-stackfree", free_own_stack, NULL);
	return bug_finish();
}
