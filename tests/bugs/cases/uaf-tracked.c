// EXPECT: use-after-free
// CONF: quarantine:1M,junk:true,track:true
// CHECKS-OFF: silent
// TRACK: allocated freed
// WHAT: with track:true the use-after-free report also says where the block was allocated and freed
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(500);
	bug_mark("small", p, 500);
	free(p);
	bug_poke(p, 499, 'X');
	bug_flush_quarantine(2u << 20, 1024);
	return bug_finish();
}
