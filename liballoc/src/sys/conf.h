/*
 * conf.h - options, read once at start (a built-in string, then
 * LIBALLOC_STATS_DIR and LIBALLOC_CONF; in a secure process only the
 * root-owned file of conf_file.h), some adjustable by alloc_ctl.
 */
#ifndef LA_CONF_H
#define LA_CONF_H

#include "sys/internal.h"
#include "liballoc_stats.h"

/* When the stats segment appears (liballoc(3), stats_publish). */
enum la_publish {
	PUBLISH_LAZY = 0, /* once the process (or forked child) has lived a second */
	PUBLISH_EAGER,    /* at start, and in a forked child at fork */
};

/* The longest prof_prefix: its file name adds at most 22 bytes. */
#define PROF_PREFIX_MAX 255

struct la_conf {
	unsigned narenas;         /* 0 = 4 x CPUs */
	bool tcache;
	size_t tcache_max;        /* largest size cached per thread */
	int64_t dirty_decay_ms;   /* age after which dirty pages are returned; -1 never */
	double dirty_max_ratio;   /* dirty pages allowed, as a fraction of active */
	size_t dirty_min;         /* dirty bytes always allowed (threshold floor) */
	size_t reserve_min;       /* first reservation size */
	unsigned reserve_growth;  /* K: reservations of one size before doubling */
	bool stats;
	char stats_dir[200];
	unsigned stats_threads;   /* thread slots in the segment */
	enum la_publish stats_publish;
	bool secure;              /* AT_SECURE: the environment is not read */
	bool background_thread;   /* purge aged dirty pages from a thread */
	struct las_checks checks; /* debug checks requested at start */
	unsigned guard_slots;     /* slots of the guarded pool (0: no pool) */
	size_t guard_max_size;    /* largest guarded block: bytes per slot */
	uint64_t prof_sample;     /* heap profile: mean bytes between samples, 0 = off */
	unsigned prof_stacks;     /* heap profile: stacks the table holds, 0 = none */
	bool frame_pointers_only; /* unwinder:frame_pointers: never load libunwind */
	bool prof_final;          /* write the heap profile when the process exits */
	char prof_prefix[PROF_PREFIX_MAX + 1]; /* its file: PREFIX.PID.final.heap */
};

/* The guarded pool's size, fixed at start (guard_sample and guard_lower
 * are checks, switchable live: liballoc_stats.h, shared/vocab.h). */
#define GUARD_SLOTS_DEFAULT 64
#define GUARD_SLOTS_MAX 4096
#define GUARD_MAX_SIZE_DEFAULT ((size_t)16 << 10)
#define GUARD_MAX_SIZE_MAX ((size_t)1 << 20)

extern struct la_conf la_conf LA_HIDDEN;

/* Parse a "key:value,..." string into la_conf; warns per bad entry. */
LA_HIDDEN void conf_parse(const char *s, const char *origin);
/* Defaults, then the built-in settings, then the environment (or, for a
 * setuid program, /etc/liballoc.conf). Once: later calls do nothing. */
LA_HIDDEN void conf_init(void);
/* Render the active configuration (for the stats segment). */
LA_HIDDEN void conf_render(char *out, size_t len);

#endif
