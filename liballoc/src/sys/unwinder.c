/*
 * unwinder.c - libunwind, loaded when the first stack is taken.
 *
 * Linking libunwind into liballoc.so would make every process load it and
 * liblzma at start (and libgcc_s before them, to keep the C++ exception
 * unwinder libgcc's): about half again the CPU of a /bin/true, for a
 * process that may never take a stack. So liballoc.so does not link it.
 * A program linked with -lunwind gives liballoc its unw_backtrace through
 * the weak reference below, at once. Otherwise the first stack_capture
 * starts one detached thread that dlopens libunwind.so.8 RTLD_LOCAL (its
 * _Unwind_* symbols stay out of the global scope) and publishes
 * unw_backtrace; stacks taken before it is there follow frame pointers.
 *
 * Why a thread, not a dlopen right in the sampled malloc: a malloc may run
 * where the dynamic loader is busy (inside ld.so, under its lock in another
 * thread's dlopen or dl_iterate_phdr, from a constructor that waits for
 * another thread). The thread may wait there; the allocating thread never
 * does. Its own allocations (the loader's) are counted as the process's,
 * as glibc's backtrace() loading libgcc_s is.
 *
 * Static links (liballoc.a) refer to dlopen weakly: a static program
 * without dlopen keeps the frame-pointer walk.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <sys/prctl.h>

#include "sys/unwinder.h"

#pragma weak unw_backtrace
extern int unw_backtrace(void **buffer, int size);
#pragma weak dlopen
#pragma weak dlsym

#define UNWINDER_LIBRARY "libunwind.so.8"

enum load_state { LOAD_IDLE, LOAD_RUNNING, LOAD_DONE };

static unwinder_fn loaded;
static int state = LOAD_IDLE;
/* Held by the loader thread for the whole of its dlopen. */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
/* Set by a constructor: no thread is started while the program loads. */
static bool started;

__attribute__((constructor)) static void unwinder_started(void)
{
	__atomic_store_n(&started, true, __ATOMIC_RELAXED);
}

static void *load(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "liballoc-unwind");
	pthread_mutex_lock(&load_lock);
	void *lib = dlopen(UNWINDER_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	unwinder_fn fn = lib ? (unwinder_fn)(uintptr_t)dlsym(lib, "unw_backtrace") : NULL;
	__atomic_store_n(&loaded, fn, __ATOMIC_RELEASE);
	__atomic_store_n(&state, LOAD_DONE, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&load_lock);
	return NULL;
}

static void start_loading(void)
{
	int idle = LOAD_IDLE;
	if (!__atomic_compare_exchange_n(&state, &idle, LOAD_RUNNING, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED))
		return;
	pthread_attr_t attr;
	pthread_t t;
	bool ok = pthread_attr_init(&attr) == 0;
	if (ok) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		ok = pthread_create(&t, &attr, load, NULL) == 0;
		pthread_attr_destroy(&attr);
	}
	if (!ok) /* no thread (limits, a sandbox): frame pointers from now on */
		__atomic_store_n(&state, LOAD_DONE, __ATOMIC_RELEASE);
}

unwinder_fn unwinder_get(bool may_load)
{
	if (unw_backtrace)
		return unw_backtrace;
	unwinder_fn fn = __atomic_load_n(&loaded, __ATOMIC_ACQUIRE);
	if (fn || !may_load || !dlopen || !dlsym)
		return fn;
	if (__atomic_load_n(&state, __ATOMIC_RELAXED) == LOAD_IDLE &&
	    __atomic_load_n(&started, __ATOMIC_RELAXED))
		start_loading();
	return NULL;
}

const char *unwinder_status(void)
{
	if (unwinder_get(false))
		return "libunwind";
	return __atomic_load_n(&state, __ATOMIC_ACQUIRE) == LOAD_RUNNING ? "loading"
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
	if (__atomic_load_n(&state, __ATOMIC_RELAXED) == LOAD_RUNNING)
		__atomic_store_n(&state, LOAD_IDLE, __ATOMIC_RELAXED);
}
