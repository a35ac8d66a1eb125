// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: caught
// WHAT: a, b, a: the second free of a finds it in the thread cache behind b (the "tcache dup" of heap-exploitation tutorials), caught with no settings
#include "bug_support.h"

int main(void)
{
	char *a = bug_xmalloc(40);
	char *b = bug_xmalloc(40);
	free(a);
	free(b);
	bug_mark("small", a, 40);
	free(bug_opaque(a));
	return bug_finish();
}
