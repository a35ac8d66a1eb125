// SPDX-License-Identifier: GPL-2.0
/*
 * alloccollect.bpf.c - BPF side of the liballoc collector.
 *
 * One program per liballoc USDT probe (attached by the user side with
 * bpf_program__attach_usdt). Everything is aggregated in maps keyed by
 * process; only violations travel through the ring buffer, one record each.
 * Allocation sites are sampled (1 in N allocations, or about once per N
 * bytes): a sampled allocation counts towards its stack and is tracked
 * until freed, which is what the leak report reads.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#include "alloccollect.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the user side before load. */
const volatile __u64 sample_every_allocs = 1; /* 1 = every allocation */
const volatile __u64 sample_every_bytes = 0;  /* non-zero: byte sampling */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AC_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct ac_proc);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AC_MAX_PROCS * 8);
	__type(key, struct ac_key_class);
	__type(value, struct ac_class);
} classes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AC_MAX_PROCS * 8);
	__type(key, struct ac_key_hist);
	__type(value, __u64);
} hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AC_MAX_PROCS * 4);
	__type(key, struct ac_key_event);
	__type(value, struct ac_event_count);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, AC_MAX_STACKS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AC_MAX_STACKS);
	__type(key, struct ac_key_stack);
	__type(value, struct ac_stack_count);
} sites SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AC_MAX_LIVE);
	__type(key, struct ac_key_live);
	__type(value, struct ac_live);
} live SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ac_sampler);
} sampler SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, AC_D_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} violations SEC(".maps");

static __always_inline void count_drop(__u32 what)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &what);
	if (n)
		__sync_fetch_and_add(n, 1);
}

/* Looks up key, inserting zero first if absent. */
static __always_inline void *lookup_or_init(void *map, const void *key, const void *zero)
{
	void *v = bpf_map_lookup_elem(map, key);
	if (v)
		return v;
	if (bpf_map_update_elem(map, key, zero, BPF_NOEXIST) && bpf_map_lookup_elem(map, key) == NULL) {
		count_drop(AC_D_MAP_FULL);
		return NULL;
	}
	return bpf_map_lookup_elem(map, key);
}

static __always_inline struct ac_proc *proc_entry(__u32 pid)
{
	struct ac_proc *p = bpf_map_lookup_elem(&procs, &pid);
	if (p)
		return p;
	struct ac_proc zero = {};
	bpf_get_current_comm(zero.comm, sizeof(zero.comm));
	return lookup_or_init(&procs, &pid, &zero);
}

static __always_inline __u32 log2_bucket(__u64 v)
{
	__u32 r = 0, shift;
	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline void count_class(__u32 pid, __s32 cls, __u64 bytes, bool is_alloc)
{
	struct ac_key_class key = { .pid = pid, .cls = cls };
	struct ac_class zero = {};
	struct ac_class *c = lookup_or_init(&classes, &key, &zero);
	if (!c)
		return;
	if (is_alloc) {
		__sync_fetch_and_add(&c->allocs, 1);
		__sync_fetch_and_add(&c->alloc_bytes, bytes);
	} else {
		__sync_fetch_and_add(&c->frees, 1);
		__sync_fetch_and_add(&c->free_bytes, bytes);
	}
}

/* Decides whether this allocation is sampled (per-CPU countdown). */
static __always_inline bool take_sample(__u64 size)
{
	__u32 zero = 0;
	struct ac_sampler *s = bpf_map_lookup_elem(&sampler, &zero);
	if (!s)
		return false;
	if (sample_every_bytes) {
		s->bytes_left -= (__s64)size;
		if (s->bytes_left > 0)
			return false;
		s->bytes_left += (__s64)sample_every_bytes;
		if (s->bytes_left <= 0) /* a block larger than the period */
			s->bytes_left = (__s64)sample_every_bytes;
		return true;
	}
	if (--s->allocs_left > 0)
		return false;
	s->allocs_left = (__s64)sample_every_allocs;
	return true;
}

static __always_inline void record_alloc(void *ctx, __u64 ptr, __u64 size, __u64 usable, __s32 cls,
				     __u64 caller)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	if (!ptr)
		return;
	struct ac_proc *p = proc_entry(pid);
	if (p) {
		__sync_fetch_and_add(&p->allocs, 1);
		__sync_fetch_and_add(&p->alloc_bytes, usable);
		__sync_fetch_and_add(&p->requested_bytes, size);
	}
	count_class(pid, cls, usable, true);

	struct ac_key_hist hk = { .pid = pid, .bucket = log2_bucket(size) };
	__u64 hzero = 0;
	__u64 *h = lookup_or_init(&hist, &hk, &hzero);
	if (h)
		__sync_fetch_and_add(h, 1);

	if (!take_sample(size))
		return;
	__s32 stackid = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);
	if (stackid < 0)
		count_drop(AC_D_STACK);
	struct ac_key_stack sk = { .pid = pid, .stackid = stackid, .caller = caller };
	struct ac_stack_count szero = {};
	struct ac_stack_count *sc = lookup_or_init(&sites, &sk, &szero);
	if (sc) {
		__sync_fetch_and_add(&sc->samples, 1);
		__sync_fetch_and_add(&sc->bytes, size);
	}
	struct ac_key_live lk = { .pid = pid, .ptr = ptr };
	struct ac_live lv = { .size = size, .ts_ns = bpf_ktime_get_ns(), .caller = caller,
			      .stackid = stackid };
	if (bpf_map_update_elem(&live, &lk, &lv, BPF_ANY))
		count_drop(AC_D_LIVE_FULL);
}

static __always_inline void record_free(__u64 ptr, __u64 usable, __s32 cls)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	if (!ptr)
		return;
	struct ac_proc *p = proc_entry(pid);
	if (p) {
		__sync_fetch_and_add(&p->frees, 1);
		__sync_fetch_and_add(&p->free_bytes, usable);
	}
	count_class(pid, cls, usable, false);
	struct ac_key_live lk = { .pid = pid, .ptr = ptr };
	bpf_map_delete_elem(&live, &lk);
}

static __always_inline void count_event(__u32 probe, __u64 bytes)
{
	struct ac_key_event key = { .pid = bpf_get_current_pid_tgid() >> 32, .probe = probe };
	struct ac_event_count zero = {};
	struct ac_event_count *e = lookup_or_init(&events, &key, &zero);
	if (!e)
		return;
	__sync_fetch_and_add(&e->count, 1);
	__sync_fetch_and_add(&e->bytes, bytes);
}

SEC("usdt")
int BPF_USDT(on_malloc, void *ptr, long size, long usable, long cls, void *caller)
{
	record_alloc(ctx, (__u64)ptr, size, usable, cls, (__u64)caller);
	return 0;
}

SEC("usdt")
int BPF_USDT(on_calloc, void *ptr, long size, long usable, long cls, void *caller)
{
	record_alloc(ctx, (__u64)ptr, size, usable, cls, (__u64)caller);
	return 0;
}

SEC("usdt")
int BPF_USDT(on_memalign, void *ptr, long alignment, long size, long usable, void *caller)
{
	record_alloc(ctx, (__u64)ptr, size, usable, AC_CLASS_UNCLASSIFIED, (__u64)caller);
	return 0;
}

/* realloc = free of the old block (if any) + allocation of the new one. */
SEC("usdt")
int BPF_USDT(on_realloc, void *newptr, void *oldptr, long size, long usable, void *caller)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct ac_proc *p = proc_entry(pid);
	if (p)
		__sync_fetch_and_add(&p->reallocs, 1);
	if (oldptr && oldptr != newptr)
		record_free((__u64)oldptr, 0, AC_CLASS_UNCLASSIFIED);
	if (newptr && oldptr != newptr)
		record_alloc(ctx, (__u64)newptr, size, usable, AC_CLASS_UNCLASSIFIED, (__u64)caller);
	return 0;
}

SEC("usdt")
int BPF_USDT(on_free, void *ptr, long size, long usable, long cls, void *caller)
{
	record_free((__u64)ptr, usable, cls);
	return 0;
}

/* Cold probes are only counted per process, with the bytes (or objects)
 * argument summed when they have one. */
#define COUNTED_PROBE(name, id, summed, ...)        \
	SEC("usdt")                                 \
	int BPF_USDT(on_##name, ##__VA_ARGS__)      \
	{                                           \
		count_event(id, summed);            \
		return 0;                           \
	}

COUNTED_PROBE(slab_new, AC_P_SLAB_NEW, bytes, void *addr, long bytes)
COUNTED_PROBE(slab_release, AC_P_SLAB_RELEASE, bytes, void *addr, long bytes)
COUNTED_PROBE(extent_map, AC_P_EXTENT_MAP, bytes, void *addr, long bytes)
COUNTED_PROBE(extent_unmap, AC_P_EXTENT_UNMAP, bytes, void *addr, long bytes)
COUNTED_PROBE(purge, AC_P_PURGE, bytes, void *addr, long bytes)
COUNTED_PROBE(tcache_fill, AC_P_TCACHE_FILL, count, long cls, long count)
COUNTED_PROBE(tcache_flush, AC_P_TCACHE_FLUSH, count, long cls, long count)
COUNTED_PROBE(arena_assign, AC_P_ARENA_ASSIGN, 0)
COUNTED_PROBE(thread_start, AC_P_THREAD_START, 0)
COUNTED_PROBE(thread_exit, AC_P_THREAD_EXIT, 0)
COUNTED_PROBE(conf_change, AC_P_CONF_CHANGE, 0)

SEC("usdt")
int BPF_USDT(on_violation, long kind, void *ptr, long size)
{
	count_event(AC_P_VIOLATION, 0);
	struct ac_violation *v = bpf_ringbuf_reserve(&violations, sizeof(*v), 0);
	if (!v) {
		count_drop(AC_D_RINGBUF);
		return 0;
	}
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	v->ts_ns = bpf_ktime_get_ns();
	v->ptr = (__u64)ptr;
	v->size = size;
	v->pid = pid_tgid >> 32;
	v->tid = (__u32)pid_tgid;
	v->kind = kind;
	v->stackid = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);
	bpf_get_current_comm(v->comm, sizeof(v->comm));
	bpf_ringbuf_submit(v, 0);
	return 0;
}
