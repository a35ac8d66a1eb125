/*
 * new_delete.c - the C++ operator new and operator delete family: plain,
 * array, nothrow, sized, aligned (std::align_val_t) and their combinations,
 * the twenty symbols a C++ compiler calls. Written in C under their mangled
 * names, so that liballoc.so needs no C++ runtime: a C program that
 * preloads it loads no libstdc++, and a C++ program, preloaded or linked
 * with liballoc.a, gets liballoc's operators instead of the runtime's
 * (which would call malloc: one more hop, and the size of a sized delete
 * lost).
 *
 * Each operator is a jump into the malloc family's paths (api/malloc.h):
 * the same fast paths as malloc and free, the family and what a delete was
 * told passed on for check_free (modes/free_checks.h). A failed operator
 * new is the C++ runtime's business (api/cxx_runtime.h). Compiled with
 * -fexceptions, as std::bad_alloc may pass through.
 */
#include "api/cxx_runtime.h"
#include "api/malloc.h"
#include "modes/alloc_kind.h"

#if __SIZEOF_SIZE_T__ != 8 || __SIZEOF_LONG__ != 8
#error "the mangled names below spell size_t as unsigned long (LP64 only)"
#endif

/* Each operator under its mangled name (Itanium C++ ABI, LP64). Each one
 * is a jump into the malloc family's paths. */
#define OPERATOR(ret, name, mangled, ...) \
	LA_EXPORT ret name(__VA_ARGS__) __asm__(mangled); \
	ret name(__VA_ARGS__)

#define NEW (LA_KIND_NEW | LA_NEW_OPERATOR)
#define NEW_ARRAY (LA_KIND_NEW_ARRAY | LA_NEW_OPERATOR)

/* Aligned forms: the compiler calls them only beyond 16, but a program may
 * ask for less, which every block has. */
static inline void *new_aligned(size_t size, size_t align, unsigned kind)
{
	return align <= 16 ? la_new(size, kind) : la_new_aligned(size, align, kind);
}

OPERATOR(void *, op_new, "_Znwm", size_t size)
{
	return la_operator_new(size);
}

OPERATOR(void *, op_new_array, "_Znam", size_t size)
{
	return la_operator_new_array(size);
}

OPERATOR(void *, op_new_nothrow, "_ZnwmRKSt9nothrow_t", size_t size, const void *nt)
{
	(void)nt;
	return la_new(size, NEW | LA_NEW_NOTHROW);
}

OPERATOR(void *, op_new_array_nothrow, "_ZnamRKSt9nothrow_t", size_t size, const void *nt)
{
	(void)nt;
	return la_new(size, NEW_ARRAY | LA_NEW_NOTHROW);
}

OPERATOR(void *, op_new_aligned, "_ZnwmSt11align_val_t", size_t size, size_t align)
{
	return new_aligned(size, align, NEW);
}

OPERATOR(void *, op_new_array_aligned, "_ZnamSt11align_val_t", size_t size, size_t align)
{
	return new_aligned(size, align, NEW_ARRAY);
}

OPERATOR(void *, op_new_aligned_nothrow, "_ZnwmSt11align_val_tRKSt9nothrow_t", size_t size,
	 size_t align, const void *nt)
{
	(void)nt;
	return new_aligned(size, align, NEW | LA_NEW_NOTHROW);
}

OPERATOR(void *, op_new_array_aligned_nothrow, "_ZnamSt11align_val_tRKSt9nothrow_t",
	 size_t size, size_t align, const void *nt)
{
	(void)nt;
	return new_aligned(size, align, NEW_ARRAY | LA_NEW_NOTHROW);
}

/* The deletes: what each was told goes along for check_free; in
 * production the size is not used (see bench/README.md, "Sized delete"). */
#define DELETE LA_KIND_NEW
#define DELETE_ARRAY LA_KIND_NEW_ARRAY
#define SIZED LA_FREE_SIZED
#define ALIGNED LA_FREE_ALIGNED

OPERATOR(void, op_delete, "_ZdlPv", void *p)
{
	la_operator_delete(p);
}

OPERATOR(void, op_delete_array, "_ZdaPv", void *p)
{
	la_operator_delete_array(p);
}

OPERATOR(void, op_delete_sized, "_ZdlPvm", void *p, size_t size)
{
	la_operator_delete_sized(p, size);
}

OPERATOR(void, op_delete_array_sized, "_ZdaPvm", void *p, size_t size)
{
	la_operator_delete_array_sized(p, size);
}

OPERATOR(void, op_delete_nothrow, "_ZdlPvRKSt9nothrow_t", void *p, const void *nt)
{
	(void)nt;
	la_operator_delete(p);
}

OPERATOR(void, op_delete_array_nothrow, "_ZdaPvRKSt9nothrow_t", void *p, const void *nt)
{
	(void)nt;
	la_operator_delete_array(p);
}

OPERATOR(void, op_delete_aligned, "_ZdlPvSt11align_val_t", void *p, size_t align)
{
	la_delete(p, 0, align, DELETE | ALIGNED);
}

OPERATOR(void, op_delete_array_aligned, "_ZdaPvSt11align_val_t", void *p, size_t align)
{
	la_delete(p, 0, align, DELETE_ARRAY | ALIGNED);
}

OPERATOR(void, op_delete_sized_aligned, "_ZdlPvmSt11align_val_t", void *p, size_t size,
	 size_t align)
{
	la_delete(p, size, align, DELETE | SIZED | ALIGNED);
}

OPERATOR(void, op_delete_array_sized_aligned, "_ZdaPvmSt11align_val_t", void *p, size_t size,
	 size_t align)
{
	la_delete(p, size, align, DELETE_ARRAY | SIZED | ALIGNED);
}

OPERATOR(void, op_delete_aligned_nothrow, "_ZdlPvSt11align_val_tRKSt9nothrow_t", void *p,
	 size_t align, const void *nt)
{
	(void)nt;
	la_delete(p, 0, align, DELETE | ALIGNED);
}

OPERATOR(void, op_delete_array_aligned_nothrow, "_ZdaPvSt11align_val_tRKSt9nothrow_t", void *p,
	 size_t align, const void *nt)
{
	(void)nt;
	la_delete(p, 0, align, DELETE_ARRAY | ALIGNED);
}
