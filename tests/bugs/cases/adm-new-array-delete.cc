// EXPECT: alloc-dealloc-mismatch
// CONF: check_free:true
// CHECKS-OFF: silent
// RING: yes
// WHAT: an array from new int[10] freed with delete, not delete[]
#include "bug_support.h"

int main(void)
{
	int *a = new int[10];
	for (int i = 0; i < 10; i++)
		a[i] = i;
	bug_mark("array", a, 10 * sizeof(int));
	delete static_cast<int *>(bug_opaque(a));
	return bug_finish();
}
