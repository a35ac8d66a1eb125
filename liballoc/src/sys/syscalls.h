/*
 * syscalls.h - the system calls liballoc makes, its own (syscalls.c).
 *
 * Every function liballoc.so imports costs every process a symbol lookup
 * when it is loaded (-z now: some 800 of the loader's instructions each),
 * and most of liballoc's imports were libc's thin wrappers of system calls.
 * syscalls.c defines those it calls under libc's names and contracts (-1
 * and errno, as the manual pages say), hidden: liballoc's own calls bind
 * to them when it is linked, and a program's calls still reach libc's. Only
 * on x86-64 and AArch64; elsewhere libc's are used.
 */
#ifndef LA_SYSCALLS_H
#define LA_SYSCALLS_H

#include "sys/internal.h"

/* The kernel's own result: the value, or -errno. */
LA_HIDDEN long sys_raw(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

#endif
