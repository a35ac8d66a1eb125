/*
 * guard_signal.c - SIGSEGV while the guarded pool exists.
 *
 * liballoc's handler stays installed; what the program asks for (with
 * sigaction, signal, bsd_signal or sysv_signal, before or after the pool
 * was made) is recorded as the program's disposition and reported back to
 * it, exactly as the kernel would. A fault in the pool is reported first
 * (guard_fault.c); every other SIGSEGV goes to the program's disposition as
 * if liballoc were not there: its handler (with its mask and flags), the
 * default action (the disposition is reset and the fault happens again,
 * or a sent signal is raised again), or nothing for an ignored sent signal.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "modes/guard_signal.h"

/* glibc's own sigaction, behind the one this file exports. */
extern int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);

static bool installed;
static int ours_flags;
static guard_fault_fn pool_fault;
/* The program's disposition: the writer fills the next of a few copies
 * and publishes its index, so the handler never reads a half-written one. */
#define NCOPIES 4
static struct sigaction program[NCOPIES];
static unsigned current;
static int writer; /* spin lock, taken with every signal blocked */

static void on_segv(int sig, siginfo_t *si, void *ucv);

static void lock_writer(sigset_t *saved)
{
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, saved);
	while (__atomic_exchange_n(&writer, 1, __ATOMIC_ACQUIRE))
		;
}

static void unlock_writer(const sigset_t *saved)
{
	__atomic_store_n(&writer, 0, __ATOMIC_RELEASE);
	pthread_sigmask(SIG_SETMASK, saved, NULL);
}

static void publish(const struct sigaction *act)
{
	unsigned next = (__atomic_load_n(&current, __ATOMIC_RELAXED) + 1) % NCOPIES;
	program[next] = *act;
	__atomic_store_n(&current, next, __ATOMIC_RELEASE);
}

/* Ours runs on the alternate stack exactly when the program's would. */
static int install_ours(int onstack, struct sigaction *old)
{
	struct sigaction ours;
	memset(&ours, 0, sizeof(ours));
	ours.sa_sigaction = on_segv;
	ours.sa_flags = SA_SIGINFO | SA_RESTART | onstack;
	sigfillset(&ours.sa_mask);
	int rc = __sigaction(SIGSEGV, &ours, old);
	if (rc == 0)
		ours_flags = ours.sa_flags;
	return rc;
}

bool guard_signal_install(guard_fault_fn on_fault)
{
	sigset_t saved;
	struct sigaction old;
	bool ok = true;
	lock_writer(&saved);
	if (!installed) {
		__atomic_store_n(&pool_fault, on_fault, __ATOMIC_RELEASE);
		if (__sigaction(SIGSEGV, NULL, &old) != 0 ||
		    install_ours(old.sa_flags & SA_ONSTACK, NULL) != 0) {
			ok = false;
		} else {
			publish(&old);
			__atomic_store_n(&installed, true, __ATOMIC_RELEASE);
		}
	}
	unlock_writer(&saved);
	return ok;
}

static int segv_action(const struct sigaction *act, struct sigaction *old)
{
	sigset_t saved;
	int rc = 0;
	lock_writer(&saved);
	if (!installed) {
		rc = __sigaction(SIGSEGV, act, old);
	} else {
		struct sigaction prev = program[__atomic_load_n(&current, __ATOMIC_RELAXED)];
		if (act) {
			publish(act);
			int onstack = act->sa_flags & SA_ONSTACK;
			if (onstack != (ours_flags & SA_ONSTACK))
				install_ours(onstack, NULL);
		}
		if (old)
			*old = prev;
	}
	unlock_writer(&saved);
	return rc;
}

LA_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (sig != SIGSEGV)
		return __sigaction(sig, act, old);
	return segv_action(act, old);
}

/* signal() as glibc has it: BSD semantics (restart, the signal blocked in
 * its handler). ssignal is glibc's name for that same function. */
LA_EXPORT __sighandler_t signal(int sig, __sighandler_t handler)
{
	if (sig != SIGSEGV)
		return ssignal(sig, handler);
	struct sigaction act, old;
	memset(&act, 0, sizeof(act));
	act.sa_handler = handler;
	sigemptyset(&act.sa_mask);
	sigaddset(&act.sa_mask, sig);
	act.sa_flags = SA_RESTART;
	if (segv_action(&act, &old) != 0)
		return SIG_ERR;
	return old.sa_handler;
}

LA_EXPORT __sighandler_t bsd_signal(int sig, __sighandler_t handler)
{
	return signal(sig, handler);
}

/* System V semantics: one shot, not blocked in its handler. */
LA_EXPORT __sighandler_t sysv_signal(int sig, __sighandler_t handler)
{
	if (sig != SIGSEGV)
		return __sysv_signal(sig, handler);
	struct sigaction act, old;
	memset(&act, 0, sizeof(act));
	act.sa_handler = handler;
	sigemptyset(&act.sa_mask);
	act.sa_flags = SA_RESETHAND | SA_NODEFER;
	if (segv_action(&act, &old) != 0)
		return SIG_ERR;
	return old.sa_handler;
}

/* What the kernel would have done with this SIGSEGV without liballoc. */
static void chain(int sig, siginfo_t *si, ucontext_t *uc)
{
	struct sigaction h = program[__atomic_load_n(&current, __ATOMIC_ACQUIRE)];
	bool sent = si->si_code <= 0; /* kill, tgkill, sigqueue: not a fault */
	if (h.sa_handler == SIG_IGN && sent)
		return;
	if (h.sa_handler == SIG_DFL || h.sa_handler == SIG_IGN) {
		/* A fault cannot be ignored either: the kernel kills. Back to
		 * the default; a fault then happens again when this returns,
		 * a sent signal is sent again (delivered once this returns). */
		struct sigaction dfl;
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		__sigaction(SIGSEGV, &dfl, NULL);
		if (sent)
			raise(sig);
		return;
	}
	if (h.sa_flags & SA_RESETHAND) {
		sigset_t saved;
		struct sigaction dfl;
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		lock_writer(&saved);
		publish(&dfl);
		unlock_writer(&saved);
	}
	/* the mask the kernel would have given the program's handler */
	sigset_t mask = uc->uc_sigmask, saved;
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&h.sa_mask, s) == 1)
			sigaddset(&mask, s);
	if (h.sa_flags & SA_NODEFER)
		sigdelset(&mask, sig);
	else
		sigaddset(&mask, sig);
	pthread_sigmask(SIG_SETMASK, &mask, &saved);
	if (h.sa_flags & SA_SIGINFO)
		h.sa_sigaction(sig, si, uc);
	else
		((void (*)(int, siginfo_t *, void *))(void (*)(void))h.sa_handler)(sig, si, uc);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
}

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	int saved_errno = errno;
	ucontext_t *uc = ucv;
	guard_fault_fn fault = __atomic_load_n(&pool_fault, __ATOMIC_ACQUIRE);
	if (si->si_code == SEGV_ACCERR && fault && fault(si, uc)) {
		errno = saved_errno;
		return;
	}
	errno = saved_errno;
	chain(sig, si, uc);
}
