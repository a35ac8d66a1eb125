/*
 * counters.h - where every counter lives. Until the stats writer maps the
 * segment (and when stats:false) the tables are private bootstrap copies,
 * so every counter update anywhere is an unconditional store; the writer
 * (stats/stats.c) then points these at the tables inside the segment.
 */
#ifndef LA_COUNTERS_H
#define LA_COUNTERS_H

#include "liballoc_stats.h"
#include "sys/internal.h"

/* Arena records the tables hold (the core's arenas plus the debug arena). */
#define COUNTERS_MAX_ARENAS 65

extern struct las_globals *la_globals LA_HIDDEN;
extern struct las_large_band *la_large_bands LA_HIDDEN;
extern struct las_class *la_class_stats LA_HIDDEN;
extern struct las_arena *la_arena_stats LA_HIDDEN;
extern struct las_control *la_control LA_HIDDEN;
extern volatile uint32_t *la_gate LA_HIDDEN;
/* The heap profile's tables (modes/prof_table.c writes them): la_stacks is
 * NULL until the segment exists, and when prof_stacks is 0. */
extern struct las_profile *la_profile LA_HIDDEN;
extern struct las_stack *la_stacks LA_HIDDEN;

/* The bootstrap tables, for the writer to carry over. */
extern struct las_globals la_boot_globals LA_HIDDEN;
extern struct las_large_band la_boot_large[LAS_LARGE_BANDS] LA_HIDDEN;
extern struct las_class la_boot_classes[LAS_NCLASSES_MAX] LA_HIDDEN;
extern struct las_arena la_boot_arenas[COUNTERS_MAX_ARENAS] LA_HIDDEN;
extern struct las_control la_boot_control LA_HIDDEN;
extern volatile uint32_t la_boot_gate LA_HIDDEN;
extern struct las_profile la_boot_profile LA_HIDDEN;

#endif
