/*
 * guard_fault.h - a fault in the guarded pool becomes a report (see
 * guard_fault.c), through liballoc's SIGSEGV handler (guard_signal.h).
 */
#ifndef LA_GUARD_FAULT_H
#define LA_GUARD_FAULT_H

#include "sys/internal.h"

/* Install the handler that turns pool faults into reports (once). */
LA_HIDDEN bool guard_fault_install(void);

#endif
