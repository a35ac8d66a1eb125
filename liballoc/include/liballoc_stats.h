/*
 * liballoc_stats.h - the stats-segment ABI.
 *
 * Every process running liballoc publishes its allocator state in one file,
 * /dev/shm/liballoc.<pid> by default (mode 0600). This header is the only
 * contract between the allocator (the single writer) and every reader
 * (allocdump, alloctop, the collector). Readers must treat the file as
 * untrusted: validate every offset, count and size against the file size
 * (see liballoc/stat/, which does exactly that).
 *
 * Compatibility: a reader accepts a segment whose abi_major equals its own;
 * abi_minor may grow (fields appended at the end of a table entry, entry_size
 * grows, readers use the smaller of the two sizes).
 * 1.1: las_globals gained the guarded pool's counters (guard_*); las_checks
 * gained guard_sample and guard_lower, so las_control.applied moved by 8
 * bytes (a 1.0 reader misreads it: readers and writers ship together).
 * 1.2: las_checks gained quarantine_blocks (and a reserved word), so
 * las_control.applied moved by 8 bytes again, for the same readers.
 *
 * Concurrency: every counter is a naturally aligned 64-bit word, written with
 * plain (relaxed) stores by one writer at a time:
 *   - a thread slot is written only by its thread (or, on exit, under the
 *     process's thread lock, when it is folded into the retired slot);
 *   - arena and class tables are written under the arena's bin locks;
 *   - globals are written under the page-heap lock.
 * Sums across slots are exact once the process is quiescent. Multi-word
 * records that must be read together (thread identity, events, control) use
 * a sequence counter: odd while being written.
 */
#ifndef LIBALLOC_STATS_H
#define LIBALLOC_STATS_H

#include <stdint.h>

#define LAS_MAGIC 0x31434f4c4c414c4cULL /* "LLALLOC1" read little-endian */
#define LAS_ABI_MAJOR 1
#define LAS_ABI_MINOR 2 /* 1.1: violations_more, the guard_* counters, heap profile tables, prof_sample;
			  1.2: las_checks.quarantine_blocks */
#define LAS_BYTE_ORDER_LITTLE 0x01020304u

#define LAS_NCLASSES_MAX 64   /* size classes carried in the tables */
#define LAS_LARGE_BANDS 64    /* band b holds sizes in [2^b, 2^(b+1)) */
#define LAS_EVENTS 128        /* event ring entries (power of two) */
#define LAS_EV_COUNTERS 8     /* las_globals.violations[]: event kinds 0..7 */
#define LAS_EV_COUNTERS_MORE 8 /* las_globals.violations_more[]: kinds 8..15 (ABI 1.1) */
#define LAS_EXE_LEN 256
#define LAS_CMDLINE_LEN 1024
#define LAS_CONF_LEN 1024
#define LAS_VERSION_LEN 32
#define LAS_THREAD_NAME_LEN 16

/*
 * las_header.ready: LAS_READY once the tables are initialised; with
 * LAS_READY_OWNER_LOCK also set, the writer holds an open-file-description
 * lock (fcntl F_OFD_SETLK) on the whole file for as long as it runs, through
 * a close-on-exec descriptor: the kernel drops it when the process dies,
 * however it dies, and when it executes another program. Such a segment
 * whose file nobody holds a lock on is stale, even if its pid is alive
 * (see liballoc/shared/liveness.h).
 */
#define LAS_READY 0x1u
#define LAS_READY_OWNER_LOCK 0x2u

/* Indices into las_header.tables[]. */
enum las_table_id {
	LAS_T_GLOBALS = 0, /* 1 x struct las_globals */
	LAS_T_CLASSES,     /* nclasses x struct las_class */
	LAS_T_ARENAS,      /* narenas x struct las_arena; the last is the debug arena */
	LAS_T_THREADS,     /* max threads x struct las_thread; entry 0 = retired;
			      entries above globals.threads_created are never used */
	LAS_T_LARGE,       /* LAS_LARGE_BANDS x struct las_large_band */
	LAS_T_EVENTS,      /* 1 x struct las_event_ring (entries follow inline) */
	LAS_T_CONTROL,     /* 1 x struct las_control */
	/* ABI 1.1 (a 1.0 header ends before these entries; count 0 = absent): */
	LAS_T_PROFILE,     /* 1 x struct las_profile: the heap profile's header */
	LAS_T_STACKS,      /* prof_stacks x struct las_stack; the first
			      las_profile.used entries are valid, the rest zero */
	LAS_T_COUNT
};

struct las_table {
	uint64_t offset;     /* from the start of the segment */
	uint32_t entry_size; /* bytes per entry */
	uint32_t count;      /* entries */
};

struct las_header {
	uint64_t magic;
	uint16_t abi_major;
	uint16_t abi_minor;
	uint32_t byte_order;  /* LAS_BYTE_ORDER_LITTLE as written natively */
	uint32_t header_size; /* sizeof(struct las_header) of the writer */
	uint32_t ready;       /* nonzero once every table is initialised: LAS_READY_* */
	uint64_t segment_size;
	int32_t pid;
	uint32_t uid;
	uint64_t start_time_ticks; /* /proc/<pid>/stat field 22: tells a recycled pid */
	uint64_t created_unix_ns;
	uint64_t update_seq;  /* bumped by the writer on every slow-path publish */
	char exe[LAS_EXE_LEN];         /* basename of /proc/self/exe, NUL-terminated */
	char cmdline[LAS_CMDLINE_LEN]; /* argv joined by spaces, truncated */
	char version[LAS_VERSION_LEN]; /* liballoc version string */
	char conf[LAS_CONF_LEN];       /* active configuration, "key:value,..." */
	uint32_t nclasses;
	uint32_t narenas;
	uint32_t max_threads;
	uint32_t page_size;
	struct las_table tables[LAS_T_COUNT];
};

/* Process-wide counters (written under the page-heap lock). */
struct las_globals {
	uint64_t mapped_bytes;      /* address space reserved from the kernel */
	uint64_t active_bytes;      /* pages in use by slabs and large blocks */
	uint64_t dirty_bytes;       /* freed pages not yet returned */
	uint64_t resident_bytes;    /* estimate: active + dirty */
	uint64_t purged_bytes;      /* cumulative bytes returned with madvise */
	uint64_t madvise_calls;     /* cumulative */
	uint64_t metadata_bytes;    /* allocator's own metadata mappings */
	uint64_t kernel_mappings;   /* mmap regions currently held */
	uint64_t reservations;      /* reservation regions (subset of the above) */
	uint64_t peak_handed_bytes; /* peak of bytes handed out of arenas
				       (live + thread-cached), sampled at every
				       arena operation */
	uint64_t handed_bytes;      /* current value of the above */
	uint64_t purge_runs;        /* purge passes (threshold, decay, trim) */
	uint64_t violations[LAS_EV_COUNTERS]; /* events per las_event_kind; a sum of
					       violations leaves LAS_EV_CONF_CHANGE out */
	uint64_t threads_created;   /* cumulative threads seen */
	uint64_t threads_live;
	uint64_t violations_more[LAS_EV_COUNTERS_MORE]; /* ABI 1.1: events of kinds 8..15 */
	/* The guarded pool (ABI 1.1), written under its lock. */
	uint64_t guard_slots;       /* slots in the pool; 0 while there is no pool */
	uint64_t guard_slot_bytes;  /* largest guarded block (bytes per slot) */
	uint64_t guard_pool_bytes;  /* address space reserved for the pool */
	uint64_t guard_live;        /* guarded blocks live now */
	uint64_t guard_live_bytes;  /* pages open for them */
	uint64_t guard_allocs;      /* guarded allocations, cumulative */
	uint64_t guard_full;        /* sampled allocations not guarded: every slot live */
	uint64_t guard_faults;      /* faults in the pool turned into reports */
};

/* Events counted for one kind, whichever array its counter is in. */
static inline uint64_t las_violations_of(const struct las_globals *g, uint32_t kind)
{
	if (kind < LAS_EV_COUNTERS)
		return g->violations[kind];
	if (kind < LAS_EV_COUNTERS + LAS_EV_COUNTERS_MORE)
		return g->violations_more[kind - LAS_EV_COUNTERS];
	return 0;
}

/* Per size class, summed over arenas by the writer (under bin locks). */
struct las_class {
	uint64_t size;          /* usable size of the class */
	uint64_t slab_size;     /* bytes per slab */
	uint32_t objs_per_slab;
	uint32_t pad;
	uint64_t slabs;         /* slabs currently held */
	uint64_t objs_handed;   /* objects taken out of slabs (live + cached) */
	uint64_t slab_allocs;   /* cumulative slabs created */
	uint64_t slab_frees;    /* cumulative slabs released */
};

/* Per arena. Per-class detail is in struct las_class (summed). */
struct las_arena {
	uint64_t threads;            /* threads currently assigned */
	uint64_t handed_bytes;       /* small bytes handed out of this arena */
	uint64_t large_bytes;        /* large bytes allocated by threads of this arena */
	uint64_t lock_acquisitions;
	uint64_t lock_contended;     /* acquisitions that had to wait */
	uint64_t slabs;
};

/*
 * Per thread. Written only by the owning thread with plain stores. Live
 * objects of class c = sum over slots (alloc[c] - free[c]). The number of
 * objects a thread holds in its cache for class c is
 * fill[c] - flush[c] - cached_alloc[c] + cached_free[c].
 */
struct las_thread {
	uint64_t seq;    /* odd while identity fields change (slot reuse) */
	int32_t tid;
	uint32_t state;  /* LAS_SLOT_* */
	char name[LAS_THREAD_NAME_LEN];
	uint32_t arena;
	uint32_t gate;   /* this thread's copy of las_control.gate (see there) */
	/* Totals are NOT kept on the fast path: readers derive allocation and
	 * free counts/bytes from class_* (times class size) plus large_*. */
	uint64_t reserved0[4];    /* always 0 in ABI 1.0 */
	uint64_t requested_bytes; /* cumulative requested bytes of large and
				     debug-layout blocks (small production blocks
				     record only their class) */
	uint64_t large_alloc_count;
	uint64_t large_free_count;
	uint64_t large_alloc_bytes;
	uint64_t large_free_bytes;
	uint64_t class_alloc[LAS_NCLASSES_MAX];
	uint64_t class_free[LAS_NCLASSES_MAX];
	uint64_t class_fill[LAS_NCLASSES_MAX];  /* objects moved arena -> cache */
	uint64_t class_flush[LAS_NCLASSES_MAX]; /* objects moved cache -> arena */
};

enum las_slot_state {
	LAS_SLOT_FREE = 0,
	LAS_SLOT_LIVE = 1,
	LAS_SLOT_RETIRED = 2, /* slot 0: sum of every exited thread */
};

/* Live large allocations by power-of-two band (under the page-heap lock). */
struct las_large_band {
	uint64_t count;
	uint64_t bytes;
	uint64_t total_allocs;
};

enum las_event_kind {
	LAS_EV_NONE = 0,
	LAS_EV_DOUBLE_FREE,
	LAS_EV_INVALID_FREE,
	LAS_EV_BUFFER_OVERFLOW,
	LAS_EV_BUFFER_UNDERFLOW,
	LAS_EV_USE_AFTER_FREE,
	LAS_EV_CONF_CHANGE,            /* a notice, not a violation */
	LAS_EV_HEAP_CORRUPTION,        /* a stored free-list link was overwritten */
	LAS_EV_SIZE_MISMATCH,          /* a sized free's size or alignment does not fit the block */
	LAS_EV_ALLOC_DEALLOC_MISMATCH, /* freed by another family: new[]/delete, malloc/delete... */
	LAS_EV_KIND_COUNT
};

struct las_event {
	uint64_t seq;     /* odd while being written; 2*(index+1) once complete */
	uint64_t time_ns; /* CLOCK_REALTIME */
	uint32_t kind;    /* las_event_kind */
	int32_t tid;
	uint64_t addr;
	uint64_t size;
	uint32_t size_class;
	uint32_t pad;
	char detail[64];
};

struct las_event_ring {
	uint64_t head; /* events ever written; entry i lives at i % LAS_EVENTS */
	struct las_event entries[LAS_EVENTS];
};

/* Debug-check settings. */
enum las_junk { LAS_JUNK_OFF = 0, LAS_JUNK_ALLOC = 1, LAS_JUNK_FREE = 2, LAS_JUNK_BOTH = 3 };
enum las_on_error { LAS_ONERR_ABORT = 0, LAS_ONERR_REPORT = 1, LAS_ONERR_IGNORE = 2 };

struct las_checks {
	uint32_t junk;       /* las_junk */
	uint32_t redzone;    /* bytes, 0 = off */
	uint32_t check_free; /* 0/1 */
	uint32_t on_error;   /* las_on_error */
	uint64_t quarantine; /* bytes, 0 = off */
	uint32_t backtrace;  /* 0/1 */
	uint32_t track;      /* 0/1 */
	/* ABI 1.1: guarded samples (liballoc-debug(7)). */
	uint32_t guard_sample; /* 1 in N eligible allocations guarded; 0 = off */
	uint32_t guard_lower;  /* 1 in N guarded blocks against the lower guard; 0 = none */
	/* ABI 1.2: the quarantine's second bound (liballoc-debug(7)). */
	uint32_t quarantine_blocks; /* blocks held at most, 1..LAS_QUARANTINE_BLOCKS_MAX */
	uint32_t reserved;          /* 0 */
};
/* Their defaults (readers show only what differs from them). */
#define LAS_GUARD_SAMPLE_DEFAULT 500000
#define LAS_GUARD_LOWER_DEFAULT 8
#define LAS_QUARANTINE_BLOCKS_DEFAULT 65536

/*
 * Control block. An outside writer (same user) fills `requested`, then
 * increments request_gen (the release point), then ORs LAS_GATE_PENDING
 * into `gate` here AND into the `gate` word of every LAS_SLOT_LIVE thread
 * slot (each thread's fast path tests only its own slot's word, which it
 * has loaded anyway). The next allocation or free of any thread applies
 * the request, sets `applied` and applied_gen = request_gen, and rewrites
 * every gate word: LAS_GATE_CHECKS while any check is active, else 0.
 */
#define LAS_GATE_CHECKS 0x1u
#define LAS_GATE_PENDING 0x2u
/* guard_sample:1 while the guarded pool has a free slot: every allocation
 * takes the slow path, where the pool takes it. */
#define LAS_GATE_GUARD 0x4u

struct las_control {
	uint32_t gate;
	uint32_t pad;
	uint64_t request_gen;
	uint64_t applied_gen;
	int32_t requester_pid; /* who asked (informational) */
	uint32_t pad2;
	struct las_checks requested;
	struct las_checks applied;
	/* ABI 1.1: the heap profile's mean sampling interval in bytes (0 =
	 * off). The process keeps `requested` equal to `applied` except while
	 * an outside request is pending, so a writer that knows nothing of it
	 * changes nothing. */
	uint64_t prof_sample_requested;
	uint64_t prof_sample_applied;
};

/*
 * Heap profile (ABI 1.1). Allocations are sampled at exponentially
 * distributed byte intervals of mean sample_mean, so an allocation of s
 * bytes is sampled with probability 1 - exp(-s / mean). A sampled
 * allocation records its call stack in the stacks table; each stack keeps
 * raw sample counts and the unbiased estimates derived from them (each
 * sample of s bytes stands for 1 / (1 - exp(-s / mean)) objects and s
 * times that many bytes).
 *
 * Writers: a new stack is written once (frames, then seq even) before
 * `used` is raised with a release store, and never changes after; its
 * counters are independent 64-bit words changed with atomic adds by any
 * thread. Entry 0 is the "other" stack (flags LAS_STACK_OTHER, no frames):
 * samples whose stack found no room in the table or could not be taken.
 */
#define LAS_STACK_FRAMES 48    /* return addresses kept per stack */
#define LAS_PROF_OBJ_ONE 65536 /* fixed point of the *_objs_est counters */

enum las_unwinder {
	LAS_UNWIND_NONE = 0,
	LAS_UNWIND_FRAME_POINTERS = 1, /* frame-pointer walk, bounds-checked */
	LAS_UNWIND_LIBUNWIND = 2,      /* libunwind's unw_backtrace (CFI) */
	LAS_UNWIND_LIBGCC = 3,         /* libgcc_s's _Unwind_Backtrace (CFI), a process's first stacks */
};

struct las_profile {
	uint64_t sample_mean;        /* bytes; 0 = sampling off */
	uint32_t capacity;           /* entries in LAS_T_STACKS */
	uint32_t used;               /* entries in use, entry 0 included */
	uint32_t unwinder;           /* las_unwinder */
	uint32_t max_frames;         /* LAS_STACK_FRAMES of the writer */
	uint64_t samples;            /* cumulative sampled allocations */
	uint64_t samples_table_full; /* of those, counted under "other": table full */
	uint64_t samples_no_stack;   /* of those, counted under "other": no stack taken */
	uint64_t table_bytes;        /* memory the profile uses (also in metadata_bytes) */
};

#define LAS_STACK_OTHER 0x1u     /* entry 0 */
#define LAS_STACK_TRUNCATED 0x2u /* deeper than LAS_STACK_FRAMES */

struct las_stack {
	uint64_t seq;   /* odd while the frames are written (once) */
	uint64_t hash;  /* of the frames (the writer's; informational) */
	uint32_t depth; /* frames used, innermost first */
	uint32_t flags; /* LAS_STACK_* */
	/* raw samples: live ones and all ever taken, count and requested bytes */
	uint64_t live_samples;
	uint64_t live_sampled_bytes;
	uint64_t samples;
	uint64_t sampled_bytes;
	/* unbiased estimates of the allocations the samples stand for */
	uint64_t live_objs_est;  /* objects x LAS_PROF_OBJ_ONE */
	uint64_t live_bytes_est; /* bytes */
	uint64_t alloc_objs_est; /* cumulative, objects x LAS_PROF_OBJ_ONE */
	uint64_t alloc_bytes_est;
	uint64_t frames[LAS_STACK_FRAMES]; /* return addresses; [0] is the
					      allocation call's */
};

#endif
