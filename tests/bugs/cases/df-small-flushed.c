// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: caught
// WHAT: a small block freed, pushed out of the thread cache by many frees of its class, freed again
#include "bug_support.h"

#define CHURN 4096

int main(void)
{
	static void *others[CHURN];
	char *p = bug_xmalloc(40);
	for (int i = 0; i < CHURN; i++)
		others[i] = bug_xmalloc(40);
	bug_mark("small", p, 40);
	free(p);
	for (int i = 0; i < CHURN; i++)
		free(others[i]);
	free(bug_opaque(p));
	return bug_finish();
}
