/*
 * liballoc_probes.h - the USDT probe list of provider "liballoc".
 *
 * Every probe liballoc fires is declared here, and only here; man page
 * liballoc-probes(7) documents each argument. Per-allocation probes are
 * guarded by an is-enabled semaphore (the kernel/bpftrace increments it when
 * a tracer attaches), so an untraced fast path pays one load and one branch.
 *
 * Argument specs must be plain registers or constants: bpftrace 0.17 and
 * libbpf 1.1 cannot read %rip-relative or index-register operands, so the
 * operand constraint is "nr" (no memory operands).
 */
#ifndef LIBALLOC_PROBES_H
#define LIBALLOC_PROBES_H

/*
 * Every probe name, once (X-macro). sys/sdt.h decides per translation unit
 * whether a probe note carries a semaphore address, so every probe, hot or
 * cold, has its liballoc_<name>_semaphore.
 */
#define LA_PROBE_NAMES(X)                                                  \
	X(malloc) X(calloc) X(realloc) X(memalign) X(free)                 \
	X(slab_new) X(slab_release) X(extent_map) X(extent_unmap) X(purge) \
	X(arena_assign) X(tcache_fill) X(tcache_flush) X(thread_start)     \
	X(thread_exit) X(conf_change) X(violation)

#ifdef LIBALLOC_NO_PROBES
/* Arguments are type-checked and count as used, but never evaluated. */
static inline void la_probe_args_unused(int unused, ...) { (void)unused; }
#define LA_PROBE(name, ...) do { if (0) la_probe_args_unused(0, ##__VA_ARGS__); } while (0)
#define LA_PROBE_HOT(name, ...) LA_PROBE(name, ##__VA_ARGS__)
#define LA_PROBE_ENABLED(name) 0
#define LA_DEFINE_SEMAPHORES() /* no probes, no semaphores */
#else

#define STAP_SDT_ARG_CONSTRAINT nr
#define _SDT_HAS_SEMAPHORES 1
#define SDT_USE_VARIADIC 1 /* STAP_PROBEV */
#include <sys/sdt.h>

#define LA_SEMAPHORE(name) liballoc_##name##_semaphore
#define LA_DECLARE_SEMAPHORE(name) \
	extern volatile unsigned short LA_SEMAPHORE(name) __attribute__((visibility("hidden")));
LA_PROBE_NAMES(LA_DECLARE_SEMAPHORE)

/*
 * Written once, in liballoc/src/probes.c. The kernel bumps a semaphore via
 * the uprobe reference counter (bpftrace and libbpf both use it), which only
 * works for an initialised, file-backed location: section ".probes", as
 * systemtap expects, never .bss.
 */
#define LA_DEFINE_SEMAPHORE(name)                   \
	volatile unsigned short LA_SEMAPHORE(name)  \
		__attribute__((section(".probes"), visibility("hidden"))) = 0;
#define LA_DEFINE_SEMAPHORES() LA_PROBE_NAMES(LA_DEFINE_SEMAPHORE)

#define LA_PROBE_ENABLED(name) __builtin_expect(LA_SEMAPHORE(name) != 0, 0)

/* Probes on cold paths fire unconditionally (a nop when untraced). */
#define LA_PROBE(name, ...) STAP_PROBEV(liballoc, name, ##__VA_ARGS__)
/*
 * Probes on hot paths first test their semaphore: one compare with memory
 * and one branch (asm goto, so the compiler cannot turn it into a load, a
 * test and a branch), the probe itself out of line.
 */
#define LA_PROBE_HOT(name, ...)                                               \
	do {                                                                  \
		__label__ la_probe_fire, la_probe_done;                       \
		__asm__ goto("cmpw $0, %0\n\tjne %l[la_probe_fire]"           \
			     : /* no outputs */                               \
			     : "m"(LA_SEMAPHORE(name))                        \
			     : "cc"                                           \
			     : la_probe_fire);                                \
		goto la_probe_done;                                           \
	la_probe_fire:                                                        \
		STAP_PROBEV(liballoc, name, ##__VA_ARGS__);                   \
	la_probe_done:;                                                       \
	} while (0)
#endif

/*
 * The probe list (name: arguments). Every LA_PROBE/LA_PROBE_HOT call site
 * in liballoc uses one of these names with exactly these arguments.
 *
 *  malloc        (ptr, size, usable, class, caller)
 *  calloc        (ptr, size, usable, class, caller)      size = n * elsize
 *  realloc       (newptr, oldptr, size, usable, caller)
 *  memalign      (ptr, alignment, size, usable, caller)
 *  free          (ptr, size, usable, class, caller)       size: what a sized free (free_sized,
 *                                                          sized delete) was given, else 0
 *  slab_new      (addr, bytes, class, arena)
 *  slab_release  (addr, bytes, class, arena)
 *  extent_map    (addr, bytes)                            mmap of a reservation
 *  extent_unmap  (addr, bytes)
 *  purge         (addr, bytes, reason)                    reason: 0 threshold, 1 decay, 2 trim
 *  arena_assign  (tid, arena)
 *  tcache_fill   (class, count)
 *  tcache_flush  (class, count)
 *  thread_start  (tid)
 *  thread_exit   (tid)
 *  conf_change   (old_flags, new_flags, requester_pid)    flags: bit0 junk-alloc, bit1 junk-free,
 *                                                          bit2 check_free, bit3 redzone, bit4 quarantine
 *  violation     (kind, ptr, size)                        kind: enum las_event_kind
 *
 * Class is the size-class index, or -1 for large blocks.
 */
#define LA_CLASS_LARGE (-1)

#endif
