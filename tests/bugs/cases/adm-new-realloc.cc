// EXPECT: alloc-dealloc-mismatch
// CONF: check_free:true
// CHECKS-OFF: silent
// WHAT: an array from new int[4] grown with realloc(), which only takes blocks from the malloc family
#include <cstdlib>
#include "bug_support.h"

int main(void)
{
	int *a = new int[4];
	for (int i = 0; i < 4; i++)
		a[i] = i;
	bug_mark("array", a, 4 * sizeof(int));
	void *b = bug_got(realloc(bug_opaque(a), 1000));
	free(b);
	return bug_finish();
}
