/*
 * no_runtime.c - a C program, with no C++ runtime in the process, that
 * calls liballoc's operator new for more than any allocator can give:
 * there is no std::bad_alloc to throw, so liballoc must say so and abort.
 * The nothrow form returns NULL first (no new-handler either).
 *
 * Built dynamically (run with LD_PRELOAD, operators found with dlsym) and
 * linked with liballoc.a (TEST_LINKED_LIBALLOC, operators called directly).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

typedef void *(*new_fn)(size_t);
typedef void *(*new_nothrow_fn)(size_t, const void *);

#ifdef TEST_LINKED_LIBALLOC
void *operator_new(size_t size) __asm__("_Znwm");
void *operator_new_nothrow(size_t size, const void *tag) __asm__("_ZnwmRKSt9nothrow_t");
#endif

int main(void)
{
#ifdef TEST_LINKED_LIBALLOC
	new_fn op_new = operator_new;
	new_nothrow_fn op_new_nothrow = operator_new_nothrow;
#else
	new_fn op_new = (new_fn)dlsym(RTLD_DEFAULT, "_Znwm");
	new_nothrow_fn op_new_nothrow = (new_nothrow_fn)dlsym(RTLD_DEFAULT, "_ZnwmRKSt9nothrow_t");
#endif
	static const char tag;
	if (!op_new || !op_new_nothrow || dlsym(RTLD_DEFAULT, "_ZSt15get_new_handlerv")) {
		printf("setup: operator new %s, a C++ runtime %s\n", op_new ? "found" : "missing",
		       dlsym(RTLD_DEFAULT, "_ZSt15get_new_handlerv") ? "present" : "absent");
		return 2;
	}
	void *q = op_new_nothrow((size_t)1 << 50, &tag);
	printf("nothrow: %p\n", q);
	void *p = op_new(64);
	printf("small: %s\n", p ? "ok" : "NULL");
	fflush(stdout);
	p = op_new((size_t)1 << 50);
	printf("returned %p\n", p);
	return 1;
}
