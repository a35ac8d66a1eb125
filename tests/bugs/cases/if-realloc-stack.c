// EXPECT: invalid-free
// CONF: check_free:true
// CHECKS-OFF: invalid-free
// WHAT: realloc() of a stack address (realloc frees its argument, so it is an invalid free)
#include "bug_support.h"

int main(void)
{
	char local[32] = "not from malloc";
	bug_mark("stack", local, sizeof local);
	char *q = bug_opaque(realloc(bug_opaque(local), 100));
	/* with on_error:report liballoc may refuse (NULL) or hand out a new block */
	free(q);
	return bug_finish();
}
