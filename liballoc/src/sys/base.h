/*
 * base.h - metadata memory (extent records, page-map leaves, arenas, thread
 * slots of overflow threads). Never freed; carved from regions that grow
 * geometrically so that metadata adds few kernel mappings.
 */
#ifndef LA_BASE_H
#define LA_BASE_H

#include "sys/internal.h"

/* Zeroed memory, aligned to `align` (power of two, <= PAGE). NULL on OOM. */
LA_HIDDEN void *base_alloc(size_t size, size_t align);
LA_HIDDEN void base_fork_prepare(void);
LA_HIDDEN void base_fork_parent(void);
LA_HIDDEN void base_fork_child(void);

#endif
