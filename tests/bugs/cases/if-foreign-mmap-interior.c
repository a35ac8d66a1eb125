// EXPECT: invalid-free
// CONF:
// CHECKS-OFF: invalid-free
// WHAT: with no check switched on, free() of an address 64 KiB into a foreign mmap region
#include <sys/mman.h>
#include "bug_support.h"

int main(void)
{
	size_t size = 4u << 20;
	char *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 4;
	bug_mark("mmap", m + 65536, size);
	free(bug_opaque(m + 65536));
	munmap(m, size);
	return bug_finish();
}
