// EXPECT: alloc-dealloc-mismatch
// CONF: check_free:true
// CHECKS-OFF: silent
// WHAT: a block from malloc freed with delete
#include <cstdlib>
#include "bug_support.h"

int main(void)
{
	char *p = static_cast<char *>(bug_xmalloc(32));
	memset(p, 'm', 32);
	bug_mark("malloc", p, 32);
	delete static_cast<char *>(bug_opaque(p));
	return bug_finish();
}
