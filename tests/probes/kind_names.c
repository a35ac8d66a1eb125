/*
 * kind_names.c - prints "NUMBER ID" for every violation kind of the shared
 * vocabulary (liballoc/shared/vocab.c), for check_kinds.sh: the one table
 * bpftrace cannot include must say the same.
 */
#include <stdio.h>

#include "liballoc_stats.h"
#include "vocab.h"

int main(void)
{
	for (unsigned k = 0; k < LAS_EV_KIND_COUNT; k++)
		if (las_event_is_violation(k))
			printf("%u %s\n", k, las_event_kind_id(k));
	return 0;
}
