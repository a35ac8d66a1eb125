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
/* The settings changed (switch.c): evict down to the byte and block
 * limits, remake the storage for the block limit, or give it back when
 * the quarantine is off and empty. */
LA_HIDDEN void quarantine_limits_changed(void);
/* Blocks and bytes held now (not those waiting in a thread's batch). */
LA_HIDDEN void quarantine_held(uint64_t *blocks, uint64_t *bytes);
/* Move this thread's staged blocks into the quarantine proper. */
LA_HIDDEN void quarantine_stage_flush(void);
LA_HIDDEN int quarantine_verify_all(const char *what);
LA_HIDDEN void quarantine_fork_prepare(void);
LA_HIDDEN void quarantine_fork_parent(void);
LA_HIDDEN void quarantine_fork_child(void);

#endif
