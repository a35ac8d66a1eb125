/*
 * unwinder.c - the CFI unwinders, loaded when the first stacks are taken.
 *
 * Linking libunwind into liballoc.so would make every process load it and
 * liblzma at start (and libgcc_s before them, to keep the C++ exception
 * unwinder libgcc's): about half again the CPU of a /bin/true, for a
 * process that may never take a stack. So liballoc.so links neither.
 * A program linked with -lunwind gives liballoc its unw_backtrace through
 * the weak reference below, at once. Otherwise a process's first stacks
 * (GCC_UNWIND_STACKS) come from libgcc_s's _Unwind_Backtrace
 * (sys/gcc_unwind.c), loaded with dlopen at the first: a library with no
 * dependency but libc and no start of its own, already there in every C++
 * program. Its loading costs about what libunwind's does, but a process
 * that takes a stack or two is spared libunwind's start and liblzma (an
 * `ls` that takes a sample: some 1.5 % less CPU, bench/README.md). The
 * stack after those loads libunwind.so.8 the same way, whose warm stacks
 * cost a fraction of libgcc's (it caches frame layouts). Both are loaded
 * RTLD_LOCAL (their _Unwind_* symbols stay out of the global scope);
 * stacks taken before one is there follow frame pointers.
 *
 * Where a dlopen runs: in a process that never started a thread, right
 * there, in the sampled allocation, unless the allocation comes from the
 * dynamic loader itself (ld.so's own malloc calls, in the middle of
 * loading something): then a later stack loads it.
 * In a process with threads, by a detached thread of its own, since a
 * malloc may run where the loader is busy in another thread (under its
 * lock in a dlopen, in a constructor that waits for this thread): that
 * thread may wait, the allocating thread never does. Either way the
 * loader's allocations are the process's own, as glibc's backtrace()
 * loading libgcc_s are; loading in place keeps them in the order the
 * program's own allocations come in, where a thread's would land at any
 * moment (and could take the pages of a slab the program just emptied).
 *
 * A loaded libunwind gives each thread's first stack (UNWIND_CURSOR_STACKS)
 * its cursor walk (sys/unwind_cursor.c), the later ones unw_backtrace: a
 * thread that takes one stack with it does not make the trace cache of
 * unw_backtrace (about 0.3 ms).
 *
 * Static links (liballoc.a) refer to dlopen weakly: a static program
 * without dlopen keeps the frame-pointer walk.
 */
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/single_threaded.h>

#include "sys/conf.h"
#include "sys/elf_image.h"
#include "sys/gcc_unwind.h"
#include "sys/unwind_cursor.h"
#include "sys/unwinder.h"

#pragma weak unw_backtrace
extern int unw_backtrace(void **buffer, int size);
#pragma weak dlopen
#pragma weak dlsym
#pragma weak dlinfo
/* The x86-64 and AArch64 psABI's argument of __tls_get_addr. */
struct tls_index {
	unsigned long module, offset;
};
#pragma weak __tls_get_addr
extern void *__tls_get_addr(struct tls_index *index);

enum load_state { LOAD_IDLE, LOAD_RUNNING, LOAD_DONE };

/* A library loaded on demand, and what takes its functions once it is. */
struct on_demand {
	const char *name;
	void (*bind)(void *library);
	int state;
};

/* libunwind's unw_backtrace, once it is loaded. */
static unwinder_fn loaded;
/* libgcc_s's _Unwind_Backtrace is bound (sys/gcc_unwind.c). */
static bool gcc_bound;
/* Stacks asked for before libunwind was there, in all threads. */
static unsigned long early_stacks;
/* The cursor walk is bound, and how many stacks this thread took with it
 * (sys/unwind_cursor.c: a thread's first stack needs no trace cache). */
static bool cursor_bound;
static __thread unsigned char cursor_stacks;
/* The loaded library, its thread-local block's module id and size (0: none). */
static void *library;
static size_t tls_modid, tls_size;
/* This thread's block of the library's thread-local data exists. */
static __thread bool tls_ready;
static void *(*process_alloc)(size_t);
static void (*process_free)(void *);

void unwinder_set_allocator(void *(*alloc)(size_t), void (*release)(void *))
{
	process_free = release;
	__atomic_store_n(&process_alloc, alloc, __ATOMIC_RELEASE);
}

/* Held for the whole of a dlopen (in place, or by the loader thread). */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
/* Set by a constructor: no thread is started while the program loads. */
static bool started;

__attribute__((constructor)) static void unwinder_started(void)
{
	__atomic_store_n(&started, true, __ATOMIC_RELAXED);
}

/* Is pc in the dynamic loader's own code? Its mapping, from the program
 * headers of its ELF image at AT_BASE (0 in a static program). */
static bool in_dynamic_loader(uintptr_t pc)
{
	static uintptr_t lo, hi;
	if (!hi) {
		uintptr_t base = (uintptr_t)getauxval(AT_BASE), end = elf_image_end(base);
		lo = base;
		__atomic_store_n(&hi, (end ? end : base) + 1, __ATOMIC_RELAXED); /* never 0 again */
	}
	return pc >= lo && pc < hi - 1;
}

static int find_tls_size(struct dl_phdr_info *info, size_t len, void *arg)
{
	(void)len;
	size_t modid = *(size_t *)arg;
	if (!modid || info->dlpi_tls_modid != modid)
		return 0;
	for (unsigned i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_TLS)
			tls_size = info->dlpi_phdr[i].p_memsz;
	return 1;
}

static void bind_libunwind(void *lib)
{
	unwinder_fn fn = (unwinder_fn)(uintptr_t)dlsym(lib, "unw_backtrace");
	size_t modid = 0;
	if (fn && dlinfo && dlinfo(lib, RTLD_DI_TLS_MODID, &modid) == 0 && modid)
		dl_iterate_phdr(find_tls_size, &modid);
	tls_modid = modid;
	cursor_bound = fn && unwind_cursor_bind(lib);
	library = lib;
	__atomic_store_n(&loaded, fn, __ATOMIC_RELEASE);
}

static void bind_libgcc(void *lib)
{
	__atomic_store_n(&gcc_bound, gcc_unwind_bind(lib), __ATOMIC_RELEASE);
}

static struct on_demand libgcc = {"libgcc_s.so.1", bind_libgcc, LOAD_IDLE};
static struct on_demand libunwind = {"libunwind.so.8", bind_libunwind, LOAD_IDLE};

static void load_now(struct on_demand *l)
{
	pthread_mutex_lock(&load_lock);
	void *lib = dlopen(l->name, RTLD_NOW | RTLD_LOCAL);
	if (lib)
		l->bind(lib);
	__atomic_store_n(&l->state, LOAD_DONE, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&load_lock);
}

/*
 * A library loaded with dlopen gets each thread's block of its
 * thread-local data from glibc at the thread's first use, with malloc,
 * and glibc ends the process when that malloc fails ("cannot allocate
 * memory for thread-local data"). libunwind uses it in unw_backtrace and
 * wherever it must check addresses, which the cursor walk may do too (a
 * frame without CFI). So before this thread's first unwind, a block of
 * that size is allocated and freed here, and glibc is made to take its
 * block at once (__tls_get_addr, as compiled code does): the memory was
 * just given back to this thread's cache. Out of memory, or in a signal
 * handler (`may_allocate` false), the stack follows frame pointers
 * instead, and the next one tries again.
 */
static bool thread_ready(bool may_allocate)
{
	if (tls_ready || !tls_size)
		return true;
	void *block = NULL;
	if (!dlinfo || (dlinfo(library, RTLD_DI_TLS_DATA, &block) == 0 && block))
		return tls_ready = true;
	void *(*alloc)(size_t) = __atomic_load_n(&process_alloc, __ATOMIC_ACQUIRE);
	if (!may_allocate || !alloc)
		return false;
	void *volatile room = alloc(tls_size);
	if (!room)
		return false;
	process_free(room);
	if (!__tls_get_addr)
		return true; /* glibc takes it at libunwind's first use */
	struct tls_index index = {tls_modid, 0};
	return tls_ready = __tls_get_addr(&index) != NULL;
}

static void *loader_thread(void *arg)
{
	prctl(PR_SET_NAME, "liballoc-unwind");
	load_now(arg);
	return NULL;
}

static bool claim(struct on_demand *l)
{
	int idle = LOAD_IDLE;
	return __atomic_compare_exchange_n(&l->state, &idle, LOAD_RUNNING, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_RELAXED);
}

static void start_loader_thread(struct on_demand *l)
{
	if (!claim(l))
		return;
	pthread_attr_t attr;
	pthread_t t;
	bool ok = pthread_attr_init(&attr) == 0;
	if (ok) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		ok = pthread_create(&t, &attr, loader_thread, l) == 0;
		pthread_attr_destroy(&attr);
	}
	if (!ok) /* no thread (limits, a sandbox): not this library from now on */
		__atomic_store_n(&l->state, LOAD_DONE, __ATOMIC_RELEASE);
}

/* Loads l where that is safe (see the top): in place, or by a thread that
 * the caller does not wait for. */
static void load(struct on_demand *l, uintptr_t caller)
{
	if (!caller || !dlopen || !dlsym || __atomic_load_n(&l->state, __ATOMIC_RELAXED) != LOAD_IDLE ||
	    !__atomic_load_n(&started, __ATOMIC_RELAXED))
		return;
	if (!__libc_single_threaded)
		start_loader_thread(l);
	else if (!in_dynamic_loader(caller) && claim(l))
		load_now(l);
}

/* The loaded unw_backtrace, or the cursor walk for this thread's first
 * UNWIND_CURSOR_STACKS stacks. */
static unwinder_fn choose(unwinder_fn backtrace)
{
	if (!cursor_bound || cursor_stacks >= UNWIND_CURSOR_STACKS)
		return backtrace;
	cursor_stacks++;
	return unwind_cursor_backtrace;
}

unwinder_fn unwinder_get(uintptr_t caller, uintptr_t interrupted)
{
	if (la_conf.frame_pointers_only)
		return NULL;
	if (unw_backtrace)
		return unw_backtrace;
	unwinder_fn fn = __atomic_load_n(&loaded, __ATOMIC_ACQUIRE);
	if (!fn && __atomic_add_fetch(&early_stacks, 1, __ATOMIC_RELAXED) > GCC_UNWIND_STACKS) {
		load(&libunwind, caller);
		fn = __atomic_load_n(&loaded, __ATOMIC_ACQUIRE);
	}
	if (fn && thread_ready(caller != 0))
		return choose(fn);
	if (!__atomic_load_n(&gcc_bound, __ATOMIC_ACQUIRE))
		load(&libgcc, caller);
	if (__atomic_load_n(&gcc_bound, __ATOMIC_ACQUIRE) && !gcc_unwind_inside(caller) &&
	    !gcc_unwind_inside(interrupted))
		return gcc_unwind_backtrace;
	return NULL;
}

bool unwinder_available(void)
{
	return !la_conf.frame_pointers_only &&
	       (unwinder_libunwind() || __atomic_load_n(&gcc_bound, __ATOMIC_ACQUIRE));
}

bool unwinder_libunwind(void)
{
	return !la_conf.frame_pointers_only &&
	       (unw_backtrace || __atomic_load_n(&loaded, __ATOMIC_ACQUIRE));
}

const char *unwinder_status(void)
{
	if (unwinder_libunwind())
		return "libunwind";
	if (unwinder_available())
		return "libgcc";
	return __atomic_load_n(&libgcc.state, __ATOMIC_ACQUIRE) == LOAD_RUNNING ? "loading"
										 : "frame pointers";
}

void unwinder_fork_prepare(void)
{
	pthread_mutex_lock(&load_lock);
}

void unwinder_fork_parent(void)
{
	pthread_mutex_unlock(&load_lock);
}

void unwinder_fork_child(void)
{
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	load_lock = fresh;
	/* The parent's loader thread is not here: load again when asked. */
	struct on_demand *libs[] = {&libgcc, &libunwind};
	for (unsigned i = 0; i < 2; i++)
		if (__atomic_load_n(&libs[i]->state, __ATOMIC_RELAXED) == LOAD_RUNNING)
			__atomic_store_n(&libs[i]->state, LOAD_IDLE, __ATOMIC_RELAXED);
}
