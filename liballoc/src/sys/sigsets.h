/*
 * sigsets.h - sigemptyset, sigfillset, sigaddset, sigdelset and
 * sigismember, liballoc's own and hidden, as syscalls.h explains: plain
 * bit operations on glibc's sigset_t, with glibc's contracts (the two
 * signals glibc keeps for itself, SIGCANCEL and SIGSETXID, are never in a
 * filled set and cannot be added or removed).
 */
#ifndef LA_SIGSETS_H
#define LA_SIGSETS_H

#include "sys/internal.h"

#endif
