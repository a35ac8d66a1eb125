/*
 * malloc.h - the malloc family's own paths (malloc.c), for the entry points
 * that allocate and free like it: the C++ operators (new_delete.c). The
 * same fast paths as malloc and free; `kind` and `flags`
 * (modes/alloc_kind.h, api/cxx_runtime.h) tell the checked paths which
 * family asks and what a free was told. The operators jump to these, so
 * the return address that reports and probes show is the program's.
 */
#ifndef LA_MALLOC_H
#define LA_MALLOC_H

#include "sys/internal.h"

/* operator new(size) and operator new[](size). */
LA_HIDDEN void *la_operator_new(size_t size);
LA_HIDDEN void *la_operator_new_array(size_t size);
/* The other forms of operator new; align: a power of two above 16 (the
 * throwing forms throw, the nothrow ones return NULL, for any other). */
LA_HIDDEN void *la_new(size_t size, unsigned kind);
LA_HIDDEN void *la_new_aligned(size_t size, size_t align, unsigned kind);

/* operator delete(p), operator delete[](p) and their sized forms. */
LA_HIDDEN void la_operator_delete(void *p);
LA_HIDDEN void la_operator_delete_array(void *p);
LA_HIDDEN void la_operator_delete_sized(void *p, size_t size);
LA_HIDDEN void la_operator_delete_array_sized(void *p, size_t size);
/* Any free told the size and alignment that flags says it was. */
LA_HIDDEN void la_delete(void *p, size_t size, size_t align, unsigned flags);

#endif
