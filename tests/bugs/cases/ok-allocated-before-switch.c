// EXPECT: none
// CONF:
// CHECKS-OFF: silent
// WHAT: blocks of every kind allocated with checks off (and filled to their usable size) are freed and realloc'd correctly after every check is switched on: no report
#include <malloc.h>
#include "bug_support.h"
#include "liballoc_stats.h"

static const size_t sizes[] = {1, 13, 24, 100, 1000, 5000, 100 * 1024, 1u << 20, 64u << 20};
#define NSIZES (sizeof sizes / sizeof sizes[0])

int main(void)
{
	void *blocks[NSIZES], *aligned, *zeroed, *grown;
	for (size_t i = 0; i < NSIZES; i++) {
		blocks[i] = bug_xmalloc(sizes[i]);
		/* writing up to the usable size is legal */
		memset(blocks[i], 'k', malloc_usable_size(blocks[i]));
	}
	if (posix_memalign(&aligned, 4096, 3000) != 0)
		return 4;
	zeroed = bug_opaque(calloc(100, 3));
	grown = bug_xmalloc(40);
	bug_ctl("debug.junk", LAS_JUNK_BOTH);
	bug_ctl("debug.redzone", 32);
	bug_ctl("debug.check_free", 1);
	bug_ctl("debug.quarantine", 1u << 20);
	grown = bug_got(realloc(grown, 20000));
	for (size_t i = 0; i < NSIZES; i += 2)
		free(blocks[i]);
	if (bug_alloc_check() != 0)
		printf("alloc_check found violations\n");
	for (size_t i = 1; i < NSIZES; i += 2)
		free(blocks[i]);
	free(aligned);
	free(zeroed);
	free(grown);
	bug_flush_quarantine(2u << 20, 1024);
	return bug_finish();
}
