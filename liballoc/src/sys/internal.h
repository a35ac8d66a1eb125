/* internal.h - constants and helpers shared by every liballoc source file. */
#ifndef LA_INTERNAL_H
#define LA_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LA_HIDDEN __attribute__((visibility("hidden")))
#define LA_EXPORT __attribute__((visibility("default")))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define LA_CACHELINE 64
#define LA_ALIGNED_CL __attribute__((aligned(LA_CACHELINE)))
#define LA_NOINLINE __attribute__((noinline))
#define LA_ALWAYS_INLINE inline __attribute__((always_inline))

#define LG_PAGE 12
#define PAGE ((size_t)1 << LG_PAGE)
#define PAGE_MASK (PAGE - 1)
#define PAGE_CEIL(s) (((s) + PAGE_MASK) & ~PAGE_MASK)
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((uintptr_t)(a) - 1))

/* Relaxed atomic helpers for counters read by other processes. */
#define RELAXED_LOAD(p) atomic_load_explicit((p), memory_order_relaxed)
#define RELAXED_STORE(p, v) atomic_store_explicit((p), (v), memory_order_relaxed)
/* Counters shared between writers use an atomic add (slow paths only). */
#define STAT_ADD(p, v) __atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#define STAT_SUB(p, v) __atomic_fetch_sub((p), (v), __ATOMIC_RELAXED)
#define STAT_SET(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define STAT_GET(p) __atomic_load_n((p), __ATOMIC_RELAXED)

/* Writes a message to stderr without allocating. */
LA_HIDDEN void la_write_stderr(const char *s);
LA_HIDDEN void la_fatal(const char *msg) __attribute__((noreturn));
LA_HIDDEN uint64_t la_now_coarse_ms(void);
LA_HIDDEN int la_gettid(void);

/* Tiny allocation-free formatting (util.c). */
struct la_buf {
	char *p;
	size_t len, cap;
};
LA_HIDDEN void buf_str(struct la_buf *b, const char *s);
LA_HIDDEN void buf_u64(struct la_buf *b, uint64_t v);
LA_HIDDEN void buf_i64(struct la_buf *b, int64_t v);
LA_HIDDEN void buf_hex(struct la_buf *b, uint64_t v);
LA_HIDDEN void buf_char(struct la_buf *b, char c);

#endif
