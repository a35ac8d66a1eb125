// EXPECT: alloc-dealloc-mismatch
// CONF: debug:true,track:true
// CHECKS-OFF: silent
// TRACK: allocated
// WHAT: in the debug layout the header knows the family: an array from new[] freed with free(), the report says where it was allocated (track)
#include <cstdlib>
#include "bug_support.h"

int main(void)
{
	long *p = new long[4];
	for (int i = 0; i < 4; i++)
		p[i] = i;
	bug_mark("array", p, 4 * sizeof(long));
	free(bug_opaque(p));
	return bug_finish();
}
