/* size_class.c - the size-class tables (built from size_class_rules.h) and
 * their geometry in the statistics. */
#include "core/size_class.h"
#include "sys/counters.h"

/* la_classes and la_size_tag, constant: made by the build. */
#include "size_class_table.h"

unsigned size_to_class_slow(size_t size)
{
	return size_class_rule(size);
}

void size_classes_init(void)
{
	for (unsigned c = 0; c < NCLASSES; c++) {
		struct las_class *cs = &la_class_stats[c];
		cs->size = la_classes[c].size;
		cs->slab_size = (uint64_t)la_classes[c].slab_pages * PAGE;
		cs->objs_per_slab = la_classes[c].nobjs;
	}
}
