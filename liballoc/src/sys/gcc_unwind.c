/*
 * gcc_unwind.c - a stack through libgcc_s's _Unwind_Backtrace.
 *
 * libgcc_s (GCC 12, glibc 2.35 and later) finds a frame's CFI with glibc's
 * _dl_find_object, which takes no lock and allocates nothing. Only frames
 * a program registered itself (__register_frame_info: JITs) are searched
 * under libgcc's object lock, and the first search after a registration
 * sorts them into a table it allocates with malloc. Such a malloc comes
 * from inside libgcc_s with that lock held: if it is sampled, its stack
 * must not enter libgcc again (sys/unwinder.c asks gcc_unwind_inside of
 * the allocation's caller, and of the pc a signal interrupted); one that
 * our own unwind makes finds stack_capture busy in this thread and follows
 * frame pointers (sys/stack_capture.c). Nothing else here allocates.
 */
#include <dlfcn.h>
#include <unwind.h>

#include "sys/elf_image.h"
#include "sys/gcc_unwind.h"

#pragma weak dlsym
#pragma weak dladdr

static _Unwind_Reason_Code (*backtrace_fn)(_Unwind_Trace_Fn, void *);
static _Unwind_Ptr (*get_ip)(struct _Unwind_Context *);
static uintptr_t image_lo, image_hi;

bool gcc_unwind_bind(void *library)
{
	Dl_info info;
	if (!library || !dlsym || !dladdr)
		return false;
	void *trace = dlsym(library, "_Unwind_Backtrace");
	get_ip = (_Unwind_Ptr(*)(struct _Unwind_Context *))(uintptr_t)dlsym(library, "_Unwind_GetIP");
	if (!trace || !get_ip || !dladdr(trace, &info) || !info.dli_fbase)
		return false;
	image_lo = (uintptr_t)info.dli_fbase;
	image_hi = elf_image_end(image_lo);
	if (!image_hi)
		return false;
	__atomic_store_n(&backtrace_fn, (_Unwind_Reason_Code(*)(_Unwind_Trace_Fn, void *))(uintptr_t)trace,
			 __ATOMIC_RELEASE);
	return true;
}

bool gcc_unwind_inside(uintptr_t pc)
{
	return pc >= image_lo && pc < image_hi;
}

struct trace {
	void **buffer;
	int size, n;
};

static _Unwind_Reason_Code one_frame(struct _Unwind_Context *context, void *arg)
{
	struct trace *t = arg;
	uintptr_t ip = (uintptr_t)get_ip(context);
	if (t->n >= t->size || !ip)
		return _URC_END_OF_STACK;
	t->buffer[t->n++] = (void *)ip;
	return _URC_NO_REASON;
}

/* The first frame reported is this function's own, as unw_backtrace's. */
LA_NOINLINE int gcc_unwind_backtrace(void **buffer, int size)
{
	_Unwind_Reason_Code (*trace)(_Unwind_Trace_Fn, void *) =
		__atomic_load_n(&backtrace_fn, __ATOMIC_ACQUIRE);
	struct trace t = {buffer, size, 0};
	if (!trace || size <= 0)
		return 0;
	trace(one_frame, &t);
	return t.n;
}
