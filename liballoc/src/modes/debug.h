/* debug.h - the debug layout and the checked free (debug.c). */
#ifndef LA_DEBUG_H
#define LA_DEBUG_H

#include "sys/internal.h"

/* A block with a header and redzones (align: a power of two); kind: the
 * family asking (modes/alloc_kind.h), kept in the header. */
LA_HIDDEN void *debug_malloc(size_t size, size_t align, bool zero, unsigned kind);
/* Free with checks; `what` names the calling function in reports. */
LA_HIDDEN void debug_free(void *p, uintptr_t pm, const char *what);
/* Usable size of a debug block (the requested size); false if not one. */
LA_HIDDEN bool debug_usable_size(void *p, uintptr_t pm, size_t *out);
/* Bytes of a live block to keep across realloc; false (after reporting
 * what is wrong) when p is not one. */
LA_HIDDEN bool debug_live_size(void *p, uintptr_t pm, size_t *out);
/* Check every live debug block and the quarantine; `what` names the
 * occasion in reports ("alloc_check", "exit"). Returns the violations. */
LA_HIDDEN int debug_check_all(const char *what);

#endif
