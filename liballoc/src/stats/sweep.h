/*
 * sweep.h - removing the stale segments of this user that earlier processes
 * left behind (killed, or executed a program without liballoc), by the
 * next process that publishes: a bounded look at the directory, so that a
 * directory full of other files costs little. allocdump --gc removes the
 * rest.
 */
#ifndef LA_SWEEP_H
#define LA_SWEEP_H

#include "sys/internal.h"

/* Entries looked at, files examined and files removed, at most, per call. */
#define SWEEP_MAX_ENTRIES 512
#define SWEEP_MAX_EXAMINED 64
#define SWEEP_MAX_REMOVED 32

/* Remove stale liballoc.<pid> files of this user in dir; the number removed. */
LA_HIDDEN unsigned sweep_stale(const char *dir);

#endif
