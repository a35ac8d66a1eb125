/* init.h - one-time initialisation, fork handling and exit. */
#ifndef LA_INIT_H
#define LA_INIT_H

#include "internal.h"

extern bool la_initialized LA_HIDDEN;
LA_HIDDEN void la_init(void);
LA_HIDDEN size_t la_malloc_usable_size_impl(void *p);
LA_HIDDEN void *la_alloc_plain(size_t size, bool zero);
LA_HIDDEN void la_free_plain(void *p, uintptr_t pm, const char *what);
LA_HIDDEN void *la_alloc_small(unsigned cls);
LA_HIDDEN void la_free_small(void *p, unsigned cls);

#endif
