// EXPECT: alloc-dealloc-mismatch
// CONF:
// CHECKS-OFF: silent
// WHAT: check_free switched on at run time with alloc_ctl: an array made after the switch and freed with delete is reported
#include "bug_support.h"

int main(void)
{
	bug_ctl("debug.check_free", 1);
	int *a = new int[8];
	for (int i = 0; i < 8; i++)
		a[i] = i;
	bug_mark("array", a, 8 * sizeof(int));
	delete static_cast<int *>(bug_opaque(a));
	return bug_finish();
}
