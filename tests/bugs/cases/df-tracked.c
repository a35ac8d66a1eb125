// EXPECT: double-free
// CONF: check_free:true,track:true
// CHECKS-OFF: caught
// TRACK: allocated freed
// WHAT: with track:true the double-free report also says where the block was allocated and first freed
#include "bug_support.h"

static __attribute__((noinline)) char *make_block(void)
{
	return bug_xmalloc(56);
}

static __attribute__((noinline)) void drop_block(char *p)
{
	free(bug_opaque(p));
}

int main(void)
{
	char *p = make_block();
	bug_mark("small", p, 56);
	drop_block(p);
	drop_block(p);
	return bug_finish();
}
