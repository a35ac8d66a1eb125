/* quarantine.h - freed blocks held back to catch writes after free. */
#ifndef LA_QUARANTINE_H
#define LA_QUARANTINE_H

#include "sys/internal.h"

/* Hold a freed block whose len bytes at user are filled with
 * JUNK_FREE_BYTE: the user bytes of a debug-layout block, or a whole plain
 * slot or run (`plain`). `held` is the memory it keeps from reuse, which
 * is what the quarantine limit counts. */
LA_HIDDEN void quarantine_push(void *user, size_t len, size_t held, bool plain);
LA_HIDDEN bool quarantine_holds_plain(uintptr_t p);
LA_HIDDEN void quarantine_trim(uint64_t limit);
/* Move this thread's staged blocks into the quarantine proper. */
LA_HIDDEN void quarantine_stage_flush(void);
LA_HIDDEN int quarantine_verify_all(const char *what);
LA_HIDDEN void quarantine_fork_prepare(void);
LA_HIDDEN void quarantine_fork_parent(void);
LA_HIDDEN void quarantine_fork_child(void);

#endif
