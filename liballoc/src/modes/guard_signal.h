/*
 * guard_signal.h - SIGSEGV for the guarded pool: one handler of liballoc's,
 * kept first in line whatever the program installs, and the program's own
 * view of SIGSEGV (sigaction and signal are interposed). What a fault
 * means is the caller's (guard_fault.c): this module only installs, asks
 * and chains.
 */
#ifndef LA_GUARD_SIGNAL_H
#define LA_GUARD_SIGNAL_H

#include <signal.h>
#include <ucontext.h>

#include "sys/internal.h"

/* Asked about every SIGSEGV that a page protection raised: true when the
 * fault was the pool's and the access may go on; false to hand it to the
 * program's disposition. */
typedef bool (*guard_fault_fn)(const siginfo_t *si, ucontext_t *uc);

/* Install the handler (once); false if the kernel refused it. */
LA_HIDDEN bool guard_signal_install(guard_fault_fn on_fault);

#endif
