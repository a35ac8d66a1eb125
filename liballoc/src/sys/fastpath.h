/*
 * fastpath.h - two instruction patterns the compiler will not produce by
 * itself for the malloc/free fast paths: compare a word in memory with
 * zero and branch (not load, test, branch), and decrement a word in memory
 * branching on borrow (not load, test, branch, subtract, store).
 */
#ifndef LA_FASTPATH_H
#define LA_FASTPATH_H

#if defined(__x86_64__)
/* Jump to `label` when the 32-bit word `w` is not zero. */
#define JUMP_IF_NONZERO32(w, label) \
	__asm__ goto("cmpl $0, %0\n\tjne %l[" #label "]" : : "m"(w) : "cc" : label)
/* Decrement the 32-bit word `w`; when it was already zero (it wraps to
 * UINT32_MAX) jump to `label`, which must put it back. */
#define DECREMENT_OR_JUMP(w, label) \
	__asm__ goto("subl $1, %0\n\tjb %l[" #label "]" : "+m"(w) : : "cc" : label)
#else
#define JUMP_IF_NONZERO32(w, label) \
	do { if (__builtin_expect((w) != 0, 0)) goto label; } while (0)
#define DECREMENT_OR_JUMP(w, label) \
	do { if (__builtin_expect((w)-- == 0, 0)) goto label; } while (0)
#endif

#endif
