/* bench_registry.c - the list of workloads allocbench knows, in report order. */
#include "bench_common.h"

#include <stddef.h>

void wl_small_pairs(const struct bench_params *, struct bench_result *);
void wl_mixed_heap(const struct bench_params *, struct bench_result *);
void wl_larson(const struct bench_params *, struct bench_result *);
void wl_xmalloc(const struct bench_params *, struct bench_result *);
void wl_churn(const struct bench_params *, struct bench_result *);
void wl_cache_scratch(const struct bench_params *, struct bench_result *);
void wl_cache_thrash(const struct bench_params *, struct bench_result *);
void wl_sh6bench(const struct bench_params *, struct bench_result *);
void wl_glibc_simple(const struct bench_params *, struct bench_result *);
void wl_glibc_thread(const struct bench_params *, struct bench_result *);
void wl_cfrac(const struct bench_params *, struct bench_result *);
void wl_espresso(const struct bench_params *, struct bench_result *);
void wl_realloc(const struct bench_params *, struct bench_result *);
void wl_large(const struct bench_params *, struct bench_result *);
void wl_frag(const struct bench_params *, struct bench_result *);
void wl_large_window(const struct bench_params *, struct bench_result *);

const struct workload bench_workloads[] = {
	{"small-pairs", "malloc+free of 16-128 B back to back: the fast path", 0, wl_small_pairs},
	{"mixed-heap", "10000 live blocks of random mostly-small sizes, random replacement", 0,
	 wl_mixed_heap},
	{"larson", "server churn, tables handed between threads: cross-thread frees", 1, wl_larson},
	{"xmalloc", "producer/consumer pairs: one thread allocates, the other frees", 1,
	 wl_xmalloc},
	{"remote-churn", "threads replace random blocks of one shared table: half the frees remote",
	 1, wl_churn},
	{"cache-scratch", "passive false sharing: objects handed to threads, freed, reused", 1,
	 wl_cache_scratch},
	{"cache-thrash", "active false sharing: threads writing small objects they allocate", 1,
	 wl_cache_thrash},
	{"sh6bench", "runs of sweeping sizes 1-1000 B, interleaved and LIFO frees", 1,
	 wl_sh6bench},
	{"glibc-simple", "batches of one size allocated then freed (glibc bench-malloc-simple)",
	 0, wl_glibc_simple},
	{"glibc-thread", "per-thread random slot replacement (glibc bench-malloc-thread)", 1,
	 wl_glibc_thread},
	{"cfrac", "bignum arithmetic: a fresh small object per operation", 0, wl_cfrac},
	{"espresso", "cube covers: small objects with mixed lifetimes, linked lists", 0,
	 wl_espresso},
	{"realloc", "buffers grown by realloc appends to 64 B - 1 MiB", 0, wl_realloc},
	{"large", "churn of 64 KiB - 32 MiB blocks, every page touched", 0, wl_large},
	{"large-window", "20 live blocks of 5-25 MiB, each replaced by a fresh zeroed one", 0,
	 wl_large_window},
	{"frag", "allocate many, free random 90%, refill in other sizes; reports RSS", 0,
	 wl_frag},
	{NULL, NULL, 0, NULL},
};
