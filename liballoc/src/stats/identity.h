/*
 * identity.h - who the process is, from /proc, for the segment header and
 * for telling a recycled pid from the process a segment was made by.
 * Read with open and read into the caller's buffers: no allocation.
 */
#ifndef LA_IDENTITY_H
#define LA_IDENTITY_H

#include "liballoc_stats.h"
#include "sys/internal.h"

/* Field 22 of /proc/<pid>/stat (start time in clock ticks since boot);
 * pid 0 is this process. 0 when it cannot be read. */
LA_HIDDEN uint64_t identity_start_ticks(int pid);
/* pid, uid, start time, creation time, exe basename and command line. */
LA_HIDDEN void identity_fill(struct las_header *h);

#endif
