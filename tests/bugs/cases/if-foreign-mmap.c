// EXPECT: invalid-free
// CONF: check_free:true
// CHECKS-OFF: invalid-free
// WHAT: free() of a page-aligned address in memory the program mapped itself with mmap
#include <sys/mman.h>
#include "bug_support.h"

int main(void)
{
	/* one guard page stays mapped before the freed address: ASan, used to
	 * verify this corpus, reads the bytes before any pointer it is given */
	size_t page = (size_t)sysconf(_SC_PAGESIZE), size = (1u << 20) + page;
	char *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 4;
	m[page] = 1;
	bug_mark("mmap", m + page, size - page);
	free(bug_opaque(m + page));
	munmap(m, size);
	return bug_finish();
}
