/*
 * check.h - invariants. LA_ASSERT is checked in debug builds (make DEBUG=1,
 * which defines LIBALLOC_DEBUG) and compiles to nothing in release builds;
 * LA_STATIC_ASSERT holds at compile time in every build.
 */
#ifndef LA_CHECK_H
#define LA_CHECK_H

#include "sys/internal.h"

#define LA_STATIC_ASSERT(cond, why) _Static_assert(cond, why)

#ifdef LIBALLOC_DEBUG
LA_HIDDEN void la_assert_fail(const char *cond, const char *file, int line)
	__attribute__((noreturn, cold));
#define LA_ASSERT(cond) (likely(cond) ? (void)0 : la_assert_fail(#cond, __FILE__, __LINE__))
#else
#define LA_ASSERT(cond) ((void)sizeof(!(cond)))
#endif

#endif
