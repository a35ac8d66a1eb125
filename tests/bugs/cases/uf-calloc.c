// EXPECT: buffer-underflow
// CONF: redzone:16
// CHECKS-OFF: silent-ub
// BYTE: 41
// WHAT: an int array from calloc written at index -1, caught on free
#include "bug_support.h"

int main(void)
{
	int *a = bug_got(calloc(25, sizeof(int)));
	bug_mark("calloc", a, 25 * sizeof(int));
	volatile int *v = bug_opaque(a);
	v[-1] = 0x41414141;
	free(a);
	return bug_finish();
}
