// EXPECT: invalid-free
// CONF: check_free:true
// CHECKS-OFF: invalid-free
// WHAT: free() of a global array
#include "bug_support.h"

static char global_buffer[256];

int main(void)
{
	bug_mark("global", global_buffer, sizeof global_buffer);
	free(bug_opaque(global_buffer));
	return bug_finish();
}
