/*
 * probes.c - the is-enabled semaphores of every probe in the list. A tracer
 * attaching to liballoc:<name> increments liballoc_<name>_semaphore.
 */
#include "sys/probes.h"

#ifndef LIBALLOC_NO_PROBES
LA_DEFINE_SEMAPHORES()
#else
typedef int la_probes_disabled;
#endif
