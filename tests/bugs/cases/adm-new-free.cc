// EXPECT: alloc-dealloc-mismatch
// CONF: check_free:true
// CHECKS-OFF: silent
// WHAT: an object from new freed with free()
#include <cstdlib>
#include "bug_support.h"

struct Point {
	double x, y, z;
};

int main(void)
{
	Point *p = new Point{1, 2, 3};
	bug_mark("object", p, sizeof(Point));
	free(bug_opaque(p));
	return bug_finish();
}
