/*
 * fastpath.h - instruction patterns the compiler will not produce by
 * itself for the malloc/free fast paths: compare a word in memory with
 * zero and branch (not load, test, branch), and decrement a word in memory
 * branching on borrow (not load, test, branch, subtract, store); for a
 * thread-local word, through %fs (not the 3 instructions that make a
 * thread-local address: %fs:0, the variable's offset, an add); a value
 * kept in the return register.
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
/* Hold v in the register a function returns it in from here on: no
 * final move, when the compiler would have kept it elsewhere. */
#define IN_RETURN_REGISTER(v) __asm__("" : "+a"(v))

/* Thread-local words reached through %fs: TLS_OFFSET(var) is the offset
 * of an initial-exec TLS variable from the thread pointer (the one load
 * the compiler makes too), TLS_AT(T, off) the object at that offset. */
#define TLS_FS 1
#define TLS_OFFSET(var)                                                        \
	__extension__({                                                        \
		uintptr_t tls_off_;                                            \
		__asm__("movq " #var "@gottpoff(%%rip), %0" : "=r"(tls_off_)); \
		tls_off_;                                                      \
	})
#define TLS_AT(type, off) (*(type __seg_fs *)(off))
/* DECREMENT_OR_JUMP on the 32-bit word at %fs:(off + at + 4 * i). */
#define TLS_DECREMENT32_OR_JUMP(off, at, i, label)                                   \
	__asm__ goto("subl $1, %%fs:%c0(%1,%2,4)\n\tjb %l[" #label "]"                \
		     : : "i"(at), "r"(off), "r"(i) : "cc", "memory" : label)
#else
#define JUMP_IF_NONZERO32(w, label) \
	do { if (__builtin_expect((w) != 0, 0)) goto label; } while (0)
#define DECREMENT_OR_JUMP(w, label) \
	do { if (__builtin_expect((w)-- == 0, 0)) goto label; } while (0)
#define IN_RETURN_REGISTER(v) ((void)0)
#endif

#endif
