/* counters.c - the bootstrap tables and the pointers to the live ones. */
#include "sys/counters.h"

struct las_globals la_boot_globals;
struct las_large_band la_boot_large[LAS_LARGE_BANDS];
struct las_class la_boot_classes[LAS_NCLASSES_MAX];
struct las_arena la_boot_arenas[COUNTERS_MAX_ARENAS];
struct las_control la_boot_control;
volatile uint32_t la_boot_gate;
struct las_profile la_boot_profile;

struct las_globals *la_globals = &la_boot_globals;
struct las_large_band *la_large_bands = la_boot_large;
struct las_class *la_class_stats = la_boot_classes;
struct las_arena *la_arena_stats = la_boot_arenas;
struct las_control *la_control = &la_boot_control;
volatile uint32_t *la_gate = &la_boot_gate;
struct las_profile *la_profile = &la_boot_profile;
struct las_stack *la_stacks;
