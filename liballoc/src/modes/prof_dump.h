/*
 * prof_dump.h - alloc_ctl("prof.dump"): the heap profile written from
 * inside the process, in pprof's legacy heap format (prof_dump.c).
 */
#ifndef LA_PROF_DUMP_H
#define LA_PROF_DUMP_H

#include "sys/internal.h"

/* Write the profile to path (created 0600, not through a symlink);
 * 0 or an errno value. Never allocates. */
LA_HIDDEN int prof_dump(const char *path);

/* prof_final: the profile as the process exits, to PREFIX.PID.final.heap
 * (prof_prefix); a failure is said on stderr. */
LA_HIDDEN void prof_dump_at_exit(void);

#endif
