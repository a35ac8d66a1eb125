/*
 * alloccollect.h - records shared by the collector's BPF side
 * (alloccollect.bpf.c) and its user side (alloccollect.c and friends).
 * Plain fixed-width types only: this header is compiled for both targets.
 */
#ifndef ALLOCCOLLECT_H
#define ALLOCCOLLECT_H

#define AC_COMM_LEN 16
#define AC_HIST_BUCKETS 64        /* log2 buckets: bucket b holds [2^b, 2^(b+1)), 0 holds 0 and 1 */
#define AC_CLASS_UNCLASSIFIED (-2) /* realloc/memalign: the probe carries no class */
#define AC_MAX_PROCS 4096
#define AC_MAX_LIVE 262144
#define AC_MAX_STACKS 16384

/* Cold probes counted per process (index into struct ac_key_event.probe). */
enum ac_probe {
	AC_P_SLAB_NEW, AC_P_SLAB_RELEASE, AC_P_EXTENT_MAP, AC_P_EXTENT_UNMAP,
	AC_P_PURGE, AC_P_ARENA_ASSIGN, AC_P_TCACHE_FILL, AC_P_TCACHE_FLUSH,
	AC_P_THREAD_START, AC_P_THREAD_EXIT, AC_P_CONF_CHANGE, AC_P_VIOLATION,
	AC_P_COUNT
};

/* Drop counters (ARRAY map "drops"): what the BPF side could not record. */
enum ac_drop { AC_D_LIVE_FULL, AC_D_STACK, AC_D_RINGBUF, AC_D_MAP_FULL, AC_D_COUNT };

struct ac_proc {
	__u64 allocs, frees;
	__u64 alloc_bytes, free_bytes; /* usable bytes */
	__u64 requested_bytes;
	__u64 reallocs;
	char comm[AC_COMM_LEN];
};

struct ac_key_class { __u32 pid; __s32 cls; };
struct ac_class { __u64 allocs, frees, alloc_bytes, free_bytes; };

struct ac_key_hist { __u32 pid; __u32 bucket; };

struct ac_key_event { __u32 pid; __u32 probe; };
struct ac_event_count { __u64 count, bytes; };

/* A sampled allocation site: user stack plus the probe's caller argument
 * (the caller survives even when the allocator omits frame pointers). */
struct ac_key_stack { __u32 pid; __s32 stackid; __u64 caller; };
struct ac_stack_count { __u64 samples, bytes; };

struct ac_key_live { __u32 pid; __u32 pad; __u64 ptr; };
struct ac_live { __u64 size, ts_ns, caller; __s32 stackid; __u32 pad; };

/* Per-CPU sampling state. */
struct ac_sampler { __s64 allocs_left, bytes_left; };

/* Ring-buffer record for the violation probe. */
struct ac_violation {
	__u64 ts_ns, ptr, size;
	__u32 pid, tid, kind;
	__s32 stackid;
	char comm[AC_COMM_LEN];
};

#endif
