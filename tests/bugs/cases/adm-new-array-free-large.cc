// EXPECT: alloc-dealloc-mismatch
// CONF: check_free:true
// CHECKS-OFF: silent
// WHAT: a large array from new char[100000] freed with free()
#include <cstdlib>
#include "bug_support.h"

int main(void)
{
	char *p = new char[100000];
	memset(p, 'l', 100000);
	bug_mark("large", p, 100000);
	free(bug_opaque(p));
	return bug_finish();
}
