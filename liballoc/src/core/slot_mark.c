/* slot_mark.c - the per-process secret of slot marks (slot_mark.h). */
#include <sys/auxv.h>

#include "core/slot_mark.h"

uintptr_t la_slot_secret;

void slot_mark_init(void)
{
	/* The kernel's 16 random bytes for this process; bit 3 set keeps the
	 * marker of a 16-byte aligned slot away from 0 and from its address. */
	const uint64_t *r = (const uint64_t *)getauxval(AT_RANDOM);
	uintptr_t x = r ? (uintptr_t)(r[0] ^ r[1]) : (uintptr_t)&la_slot_secret * 0x9e3779b97f4a7c15ull;
	la_slot_secret = x | 8;
}
