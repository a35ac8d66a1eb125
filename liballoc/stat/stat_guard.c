/*
 * stat_guard.c - run code that touches another process's shared mapping so
 * that a fault becomes an error return instead of killing the reader.
 *
 * The one mapping a reader holds is the control block of a segment opened
 * for writing (the switches need atomic operations on words the process
 * also writes). The file's owner may shrink it at any moment; the next
 * access past the new end raises SIGBUS. While a guarded function runs,
 * SIGBUS and SIGSEGV jump back here; the previous handlers (alloctop's
 * terminal restore, a sanitizer's) are put back as soon as it returns.
 */
#include <setjmp.h>
#include <signal.h>
#include <string.h>

#include "stat_internal.h"

static __thread sigjmp_buf *guard_env;
static __thread volatile sig_atomic_t guard_sig;

static void on_fault(int sig)
{
	sigjmp_buf *env = guard_env;
	guard_sig = sig;
	if (env) {
		guard_env = NULL;
		siglongjmp(*env, 1);
	}
	/* A fault outside any guarded access (not ours): die as without us. */
	signal(sig, SIG_DFL);
	raise(sig);
}

int as_guarded(void (*fn)(void *), void *arg)
{
	struct sigaction sa, old_bus, old_segv;
	sigjmp_buf env;
	volatile int sig = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	guard_sig = 0;
	if (sigsetjmp(env, 1) == 0) {
		guard_env = &env;
		fn(arg);
		guard_env = NULL;
	} else {
		sig = guard_sig ? guard_sig : SIGBUS;
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return sig;
}
