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

#ifdef LIBALLOC_NO_PROBES
#define LA_PROBE(name, ...) do { } while (0)
#define LA_PROBE_HOT(name, ...) do { } while (0)
#define LA_PROBE_ENABLED(name) 0
#else

#define STAP_SDT_ARG_CONSTRAINT nr
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

/* Semaphores: one per per-allocation probe. Defined in src/probes.c. */
#define LA_SEMAPHORE(name) liballoc_##name##_semaphore
#define LA_DECLARE_SEMAPHORE(name) \
	extern volatile unsigned short LA_SEMAPHORE(name) __attribute__((visibility("hidden")))
LA_DECLARE_SEMAPHORE(malloc);
LA_DECLARE_SEMAPHORE(calloc);
LA_DECLARE_SEMAPHORE(realloc);
LA_DECLARE_SEMAPHORE(memalign);
LA_DECLARE_SEMAPHORE(free);
LA_DECLARE_SEMAPHORE(tcache_fill);
LA_DECLARE_SEMAPHORE(tcache_flush);

#define LA_PROBE_ENABLED(name) __builtin_expect(LA_SEMAPHORE(name) != 0, 0)

/* Probes on cold paths fire unconditionally (a nop when untraced). */
#define LA_PROBE(name, ...) STAP_PROBEV(liballoc, name, ##__VA_ARGS__)
/* Probes on hot paths first test their semaphore. */
#define LA_PROBE_HOT(name, ...)                                 \
	do {                                                    \
		if (LA_PROBE_ENABLED(name))                     \
			STAP_PROBEV(liballoc, name, ##__VA_ARGS__); \
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
 *  free          (ptr, size, usable, class, caller)       size 0 when unknown
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
