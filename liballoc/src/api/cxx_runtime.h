/*
 * cxx_runtime.h - what a C++ operator new does when liballoc cannot
 * allocate: the new-handler loop, std::bad_alloc, or NULL for the nothrow
 * forms, through the program's C++ runtime, which liballoc never links
 * (cxx_runtime.c).
 */
#ifndef LA_CXX_RUNTIME_H
#define LA_CXX_RUNTIME_H

#include "sys/internal.h"

/* In an operator's kind (modes/alloc_kind.h): a C++ operator new, whose
 * failure is cxx_new_failed's to handle; the nothrow forms. */
#define LA_NEW_OPERATOR 0x10u
#define LA_NEW_NOTHROW 0x20u

/* One more try once the new-handler has run: an allocation that returns
 * NULL on failure (kind without LA_NEW_OPERATOR; align 0 or <= 16 for the
 * forms without one). */
typedef void *(*cxx_retry_fn)(size_t size, size_t align, unsigned kind);

/* An operator new of `kind` could not allocate `size` bytes (align: 0 for
 * the forms without one): the block once a new-handler made room, NULL for
 * a nothrow form, or std::bad_alloc thrown (aborts, saying why, when the
 * process has no C++ runtime). */
LA_HIDDEN void *cxx_new_failed(size_t size, size_t align, unsigned kind, cxx_retry_fn retry);

#endif
