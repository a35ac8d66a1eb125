// EXPECT: alloc-dealloc-mismatch
// CONF: check_free:true
// CHECKS-OFF: silent
// WHAT: one object from new int freed with delete[]
#include "bug_support.h"

int main(void)
{
	int *p = new int(42);
	bug_mark("object", p, sizeof(int));
	delete[] static_cast<int *>(bug_opaque(p));
	return bug_finish();
}
