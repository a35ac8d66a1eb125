/* safe_link.c - the per-process key of stored links (safe_link.h). */
#include <sys/auxv.h>

#include "core/safe_link.h"

uintptr_t la_link_key;

void safe_link_init(void)
{
	/* The kernel's random bytes also feed the slot marks' secret; the
	 * key is a different mix of them: 48 random bits under the mark. */
	const uint64_t *r = (const uint64_t *)getauxval(AT_RANDOM);
	uint64_t x = r ? (r[0] * 0x9e3779b97f4a7c15ull) ^ (r[1] >> 7)
		       : (uintptr_t)&la_link_key * 0xc2b2ae3d27d4eb4full;
	la_link_key = (x & (((uint64_t)1 << 48) - 1)) | ((uint64_t)LINK_MARK << 48);
}
