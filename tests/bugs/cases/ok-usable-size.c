// EXPECT: none
// CONF: redzone:16,junk:true,check_free:true
// CHECKS-OFF: silent
// WHAT: with redzones on, writing every byte up to malloc_usable_size() is legal: no report
#include <malloc.h>
#include "bug_support.h"

int main(void)
{
	static const size_t sizes[] = {1, 7, 13, 100, 4095, 100 * 1024 - 3, (8u << 20) + 1};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char *p = bug_xmalloc(sizes[i]);
		size_t usable = malloc_usable_size(p);
		if (usable < sizes[i]) {
			printf("usable size %zu < requested %zu\n", usable, sizes[i]);
			return 1;
		}
		memset(p, 'm', usable);
		p = bug_opaque(realloc(p, sizes[i] * 2));
		if (p == NULL)
			return 4;
		memset(p, 'n', malloc_usable_size(p));
		free(p);
	}
	return bug_finish();
}
