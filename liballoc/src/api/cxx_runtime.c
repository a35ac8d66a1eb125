/*
 * cxx_runtime.c - the C++ runtime, reached only when an operator new
 * fails (cxx_runtime.h). liballoc is C and links no C++ runtime: a C
 * program that preloads liballoc.so loads no libstdc++. The runtime's parts
 * are weak references (NULL in a program without one) or, for a runtime
 * loaded later with dlopen, found with dlsym: std::get_new_handler for the
 * new-handler loop, and the Itanium C++ ABI (__cxa_allocate_exception,
 * __cxa_throw, std::bad_alloc's typeinfo, vtable and destructor) to throw
 * std::bad_alloc from here. Compiled with -fexceptions: the exception
 * unwinds through these frames (and malloc.c's) to the program's catch.
 */
#include <dlfcn.h>

#include "api/cxx_runtime.h"
#include "modes/alloc_kind.h"

typedef void (*new_handler_fn)(void);
typedef void (*dtor_fn)(void *);

extern new_handler_fn cxx_get_new_handler(void) __asm__("_ZSt15get_new_handlerv")
	__attribute__((weak));
extern void *cxx_allocate_exception(size_t) __asm__("__cxa_allocate_exception")
	__attribute__((weak));
extern void cxx_throw(void *, void *, dtor_fn) __asm__("__cxa_throw") __attribute__((weak));
extern char cxx_bad_alloc_typeinfo[] __asm__("_ZTISt9bad_alloc") __attribute__((weak));
extern void *cxx_bad_alloc_vtable[] __asm__("_ZTVSt9bad_alloc") __attribute__((weak));
extern void cxx_bad_alloc_dtor(void *) __asm__("_ZNSt9bad_allocD1Ev") __attribute__((weak));

struct cxx_runtime {
	new_handler_fn (*get_new_handler)(void);
	void *(*allocate_exception)(size_t);
	void (*throw_exception)(void *, void *, dtor_fn);
	void *bad_alloc_typeinfo;
	void **bad_alloc_vtable;
	dtor_fn bad_alloc_dtor;
};

/* A weak reference, or the same symbol looked up now (a C program may have
 * loaded a C++ library with dlopen since it started). */
static void *runtime_symbol(void *weak, const char *name)
{
	return weak ? weak : dlsym(RTLD_DEFAULT, name);
}

static void find_runtime(struct cxx_runtime *rt)
{
	*(void **)&rt->get_new_handler =
		runtime_symbol((void *)cxx_get_new_handler, "_ZSt15get_new_handlerv");
	*(void **)&rt->allocate_exception =
		runtime_symbol((void *)cxx_allocate_exception, "__cxa_allocate_exception");
	*(void **)&rt->throw_exception = runtime_symbol((void *)cxx_throw, "__cxa_throw");
	rt->bad_alloc_typeinfo = runtime_symbol(cxx_bad_alloc_typeinfo, "_ZTISt9bad_alloc");
	rt->bad_alloc_vtable = runtime_symbol(cxx_bad_alloc_vtable, "_ZTVSt9bad_alloc");
	*(void **)&rt->bad_alloc_dtor =
		runtime_symbol((void *)cxx_bad_alloc_dtor, "_ZNSt9bad_allocD1Ev");
}

static new_handler_fn current_handler(const struct cxx_runtime *rt)
{
	return rt->get_new_handler ? rt->get_new_handler() : NULL;
}

/* throw std::bad_alloc(); without a C++ runtime, say so and abort. */
static __attribute__((noreturn)) void throw_bad_alloc(const struct cxx_runtime *rt, size_t size)
{
	if (rt->allocate_exception && rt->throw_exception && rt->bad_alloc_typeinfo &&
	    rt->bad_alloc_vtable && rt->bad_alloc_dtor) {
		/* A std::bad_alloc is its vtable pointer alone, which points
		 * past the vtable's offset-to-top and typeinfo entries. */
		void **e = rt->allocate_exception(sizeof(void *));
		e[0] = rt->bad_alloc_vtable + 2;
		rt->throw_exception(e, rt->bad_alloc_typeinfo, rt->bad_alloc_dtor);
	}
	char buf[128];
	struct la_buf b = {buf, 0, sizeof(buf)};
	buf_str(&b, "operator new: out of memory for ");
	buf_u64(&b, size);
	buf_str(&b, " bytes, and no C++ runtime to throw std::bad_alloc");
	la_fatal(buf);
}

static bool pow2(size_t x)
{
	return x && (x & (x - 1)) == 0;
}

typedef void *(*nothrow_new_fn)(size_t, const void *);
typedef void *(*nothrow_new_aligned_fn)(size_t, size_t, const void *);

/* The C++ runtime's own nothrow operator new of this form, defined by the
 * same library as std::get_new_handler (not another allocator's), or NULL. */
static void *runtime_nothrow_operator(const struct cxx_runtime *rt, unsigned kind, size_t align)
{
	static const char *const names[2][2] = {
		{"_ZnwmRKSt9nothrow_t", "_ZnwmSt11align_val_tRKSt9nothrow_t"},
		{"_ZnamRKSt9nothrow_t", "_ZnamSt11align_val_tRKSt9nothrow_t"},
	};
	void *f = dlsym(RTLD_NEXT, names[(kind & LA_KIND_MASK) == LA_KIND_NEW_ARRAY][align != 0]);
	Dl_info fi, hi;
	if (!f || !dladdr(f, &fi) || !dladdr(*(void **)&rt->get_new_handler, &hi) ||
	    fi.dli_fbase != hi.dli_fbase)
		return NULL;
	return f;
}

/*
 * The standard's loop: call the new-handler and try again until the
 * allocation succeeds; without a handler, throw std::bad_alloc, or for the
 * nothrow forms return NULL. A handler may itself throw; a nothrow form
 * must then return NULL, which C cannot do (it cannot catch): such a
 * request goes to the C++ runtime's own nothrow operator, which calls our
 * throwing one inside its try block. (A runtime without one gets the loop
 * here, and a throwing handler ends the program, as out of any noexcept
 * function.) An alignment that is not a power of two never succeeds.
 */
LA_NOINLINE __attribute__((cold)) void *cxx_new_failed(size_t size, size_t align, unsigned kind,
							 cxx_retry_fn retry)
{
	struct cxx_runtime rt;
	find_runtime(&rt);
	bool nothrow = kind & LA_NEW_NOTHROW;
	new_handler_fn h = align && !pow2(align) ? NULL : current_handler(&rt);
	if (h && nothrow) {
		static const char nothrow_tag; /* std::nothrow_t is empty: any address */
		void *f = runtime_nothrow_operator(&rt, kind, align);
		if (f && align)
			return ((nothrow_new_aligned_fn)f)(size, align, &nothrow_tag);
		if (f)
			return ((nothrow_new_fn)f)(size, &nothrow_tag);
	}
	for (; h; h = current_handler(&rt)) {
		h();
		void *p = retry(size, align, kind & LA_KIND_MASK);
		if (p)
			return p;
	}
	if (nothrow)
		return NULL;
	throw_bad_alloc(&rt, size);
}
