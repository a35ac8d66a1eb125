// EXPECT: none
// CONF: debug:true,redzone:16
// CHECKS-OFF: silent
// WHAT: blocks allocated with every check on (one still in the quarantine) are freed and realloc'd correctly after every check is switched off: no report
#include "bug_support.h"
#include "liballoc_stats.h"

static const size_t sizes[] = {1, 13, 24, 100, 1000, 5000, 100 * 1024, 1u << 20, 64u << 20};
#define NSIZES (sizeof sizes / sizeof sizes[0])

int main(void)
{
	void *blocks[NSIZES];
	for (size_t i = 0; i < NSIZES; i++) {
		blocks[i] = bug_xmalloc(sizes[i]);
		memset(blocks[i], 'l', sizes[i]);
	}
	char *grown = bug_xmalloc(40);
	char *freed_early = bug_xmalloc(64);
	free(freed_early); /* sits in the quarantine when the checks go off */
	bug_ctl("debug.quarantine", 0);
	bug_ctl("debug.check_free", 0);
	bug_ctl("debug.redzone", 0);
	bug_ctl("debug.junk", LAS_JUNK_OFF);
	grown = bug_got(realloc(grown, 20000));
	for (size_t i = 0; i < NSIZES; i++)
		free(blocks[i]);
	free(grown);
	if (bug_alloc_check() != 0)
		printf("alloc_check found violations\n");
	for (int i = 0; i < 10000; i++)
		free(bug_xmalloc((size_t)(i % 300) + 1));
	return bug_finish();
}
