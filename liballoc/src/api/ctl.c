/*
 * ctl.c - alloc_ctl (named options and counters, in the manner of
 * jemalloc's mallctl), alloc_check, mallinfo2 and malloc_stats.
 */
#include <errno.h>
#include <malloc.h>
#include <string.h>
#include <unistd.h>

#include "api/init.h"
#include "core/extent.h"
#include "core/size_class.h"
#include "core/tcache.h"
#include "liballoc.h"
#include "modes/debug.h"
#include "modes/guard_pool.h"
#include "modes/prof.h"
#include "modes/prof_dump.h"
#include "modes/quarantine.h"
#include "modes/switch.h"
#include "shared/vocab.h"
#include "stats/stats.h"
#include "sys/conf.h"
#include "sys/unwinder.h"

struct live_totals {
	uint64_t small_bytes, small_objs, large_bytes, large_objs;
	uint64_t allocs, frees, cached_bytes;
};

/* Sum the visible thread slots (live and retired). */
static void sum_live(struct live_totals *t)
{
	memset(t, 0, sizeof(*t));
	unsigned n;
	const struct las_thread *th = stats_thread_table(&n);
	for (uint32_t i = 0; i < n; i++) {
		const struct las_thread *s = &th[i];
		uint32_t state = stats_slot_state(i); /* ours, not the segment's word */
		if (state == LAS_SLOT_FREE)
			continue;
		for (unsigned c = 0; c < NCLASSES; c++) {
			int64_t live = (int64_t)(s->class_alloc[c] - s->class_free[c]);
			t->small_objs += (uint64_t)live;
			t->small_bytes += (uint64_t)live * la_classes[c].size;
			t->allocs += s->class_alloc[c];
			t->frees += s->class_free[c];
			if (state == LAS_SLOT_LIVE) {
				int64_t cached = (int64_t)(s->class_fill[c] - s->class_flush[c]) -
						 (int64_t)(s->class_alloc[c] - s->class_free[c]);
				if (cached > 0)
					t->cached_bytes += (uint64_t)cached * la_classes[c].size;
			}
		}
		t->large_objs += s->large_alloc_count - s->large_free_count;
		t->large_bytes += s->large_alloc_bytes - s->large_free_bytes;
		t->allocs += s->large_alloc_count;
		t->frees += s->large_free_count;
	}
}

enum ctl_type { CT_U64, CT_I64, CT_BOOL, CT_STR, CT_DOUBLE, CT_ACTION };

static int copy_out(void *oldp, size_t *oldlenp, const void *val, size_t len)
{
	if (!oldp || !oldlenp)
		return 0;
	if (*oldlenp != len) {
		*oldlenp = len;
		return EINVAL;
	}
	memcpy(oldp, val, len);
	return 0;
}

static int read_u64(uint64_t v, void *oldp, size_t *oldlenp)
{
	return copy_out(oldp, oldlenp, &v, sizeof(v));
}

static int take_u64(const void *newp, size_t newlen, uint64_t *out)
{
	if (newlen == sizeof(uint64_t))
		memcpy(out, newp, sizeof(uint64_t));
	else if (newlen == sizeof(uint32_t))
		*out = *(const uint32_t *)newp;
	else if (newlen == sizeof(bool))
		*out = *(const bool *)newp;
	else
		return EINVAL;
	return 0;
}

/* debug.<key>: read or set one check, applied at once in every thread. */
static int ctl_debug(const char *key, void *oldp, size_t *oldlenp, const void *newp,
		     size_t newlen)
{
	struct las_checks c = la_checks;
	uint64_t cur;
	if (!strcmp(key, "junk"))
		cur = c.junk;
	else if (!strcmp(key, "redzone"))
		cur = c.redzone;
	else if (!strcmp(key, "check_free"))
		cur = c.check_free;
	else if (!strcmp(key, "quarantine"))
		cur = c.quarantine;
	else if (!strcmp(key, "quarantine_blocks"))
		cur = c.quarantine_blocks;
	else if (!strcmp(key, "on_error"))
		cur = c.on_error;
	else if (!strcmp(key, "backtrace"))
		cur = c.backtrace;
	else if (!strcmp(key, "track"))
		cur = c.track;
	else if (!strcmp(key, "guard_sample"))
		cur = c.guard_sample;
	else if (!strcmp(key, "guard_lower"))
		cur = c.guard_lower;
	else if (!strcmp(key, "debug"))
		cur = las_vocab_debug_is_on(&c);
	else
		return ENOENT;
	int r = read_u64(cur, oldp, oldlenp);
	if (r || !newp)
		return r;
	uint64_t v;
	if ((r = take_u64(newp, newlen, &v)))
		return r;
	char val[24];
	struct la_buf b = {val, 0, sizeof(val)};
	if (!strcmp(key, "junk")) {
		static const char *const modes[] = {"false", "alloc", "free", "true"};
		if (v > 3)
			return EINVAL;
		buf_str(&b, modes[v]);
	} else if (!strcmp(key, "on_error")) {
		static const char *const modes[] = {"abort", "report", "ignore"};
		if (v > 2)
			return EINVAL;
		buf_str(&b, modes[v]);
	} else {
		buf_u64(&b, v);
	}
	if (!las_vocab_check(&c, key, strlen(key), val, b.len))
		return EINVAL;
	checks_apply(&c, getpid());
	return 0;
}

/* prof.sample (read, set), prof.dump (newp: a const char * path) and
 * prof.unwinder (read: a const char *). */
static int ctl_prof(const char *key, void *oldp, size_t *oldlenp, const void *newp,
		    size_t newlen)
{
	if (!strcmp(key, "dump")) {
		const char *path;
		if (oldp || !newp || newlen != sizeof(path))
			return EINVAL;
		memcpy(&path, newp, sizeof(path));
		return prof_dump(path);
	}
	if (!strcmp(key, "unwinder")) {
		const char *name = unwinder_status();
		if (newp || !oldp || !oldlenp || *oldlenp != sizeof(name))
			return EINVAL;
		memcpy(oldp, &name, sizeof(name));
		return 0;
	}
	if (strcmp(key, "sample"))
		return ENOENT;
	int r = read_u64(la_conf.prof_sample, oldp, oldlenp);
	uint64_t v;
	if (r || !newp)
		return r;
	if ((r = take_u64(newp, newlen, &v)))
		return r;
	return prof_set_sample(v, "prof_sample (alloc_ctl)");
}

static int ctl_stats(const char *key, void *oldp, size_t *oldlenp)
{
	struct live_totals t;
	sum_live(&t);
	const struct las_globals *g = la_globals;
	uint64_t v;
	if (!strcmp(key, "live_bytes"))
		v = t.small_bytes + t.large_bytes;
	else if (!strcmp(key, "live_allocs"))
		v = t.small_objs + t.large_objs;
	else if (!strcmp(key, "allocs"))
		v = t.allocs;
	else if (!strcmp(key, "frees"))
		v = t.frees;
	else if (!strcmp(key, "cached_bytes"))
		v = t.cached_bytes;
	else if (!strcmp(key, "mapped"))
		v = STAT_GET(&g->mapped_bytes);
	else if (!strcmp(key, "active"))
		v = STAT_GET(&g->active_bytes);
	else if (!strcmp(key, "dirty"))
		v = STAT_GET(&g->dirty_bytes);
	else if (!strcmp(key, "resident"))
		v = STAT_GET(&g->resident_bytes);
	else if (!strcmp(key, "purged"))
		v = STAT_GET(&g->purged_bytes);
	else if (!strcmp(key, "madvise_calls"))
		v = STAT_GET(&g->madvise_calls);
	else if (!strcmp(key, "metadata"))
		v = STAT_GET(&g->metadata_bytes);
	else if (!strcmp(key, "mappings"))
		v = STAT_GET(&g->kernel_mappings);
	else if (!strcmp(key, "reservations"))
		v = STAT_GET(&g->reservations);
	else if (!strcmp(key, "guard_slots"))
		v = STAT_GET(&g->guard_slots);
	else if (!strcmp(key, "guard_live"))
		v = STAT_GET(&g->guard_live);
	else if (!strcmp(key, "guard_allocs"))
		v = STAT_GET(&g->guard_allocs);
	else if (!strcmp(key, "guard_faults"))
		v = STAT_GET(&g->guard_faults);
	else if (!strcmp(key, "guard_full"))
		v = STAT_GET(&g->guard_full);
	else if (!strcmp(key, "guard_pool_bytes"))
		v = STAT_GET(&g->guard_pool_bytes);
	else if (!strcmp(key, "quarantine_blocks") || !strcmp(key, "quarantine_bytes")) {
		uint64_t blocks, bytes;
		quarantine_held(&blocks, &bytes);
		v = !strcmp(key, "quarantine_blocks") ? blocks : bytes;
	} else if (!strcmp(key, "guard_pool_base"))
		v = __atomic_load_n(&la_guard_base, __ATOMIC_RELAXED);
	else if (!strcmp(key, "violations")) {
		v = 0;
		for (uint32_t i = 0; i < LAS_EV_KIND_COUNT; i++)
			if (las_event_is_violation(i))
				v += i < LAS_EV_COUNTERS
					     ? STAT_GET(&g->violations[i])
					     : STAT_GET(&g->violations_more[i - LAS_EV_COUNTERS]);
	} else
		return ENOENT;
	return read_u64(v, oldp, oldlenp);
}

static int ctl_opt(const char *key, void *oldp, size_t *oldlenp, const void *newp, size_t newlen)
{
	struct la_conf *c = &la_conf;
	uint64_t v;
	int r;
	if (!strcmp(key, "dirty_decay_ms")) {
		int64_t cur = c->dirty_decay_ms;
		if ((r = copy_out(oldp, oldlenp, &cur, sizeof(cur))) || !newp)
			return r;
		if (newlen != sizeof(int64_t))
			return EINVAL;
		memcpy(&cur, newp, sizeof(cur));
		if (cur < -1)
			return EINVAL;
		c->dirty_decay_ms = cur;
	} else if (!strcmp(key, "dirty_max_ratio")) {
		double cur = c->dirty_max_ratio;
		if ((r = copy_out(oldp, oldlenp, &cur, sizeof(cur))) || !newp)
			return r;
		if (newlen != sizeof(double))
			return EINVAL;
		memcpy(&cur, newp, sizeof(cur));
		if (!(cur >= 0 && cur <= 1000))
			return EINVAL;
		c->dirty_max_ratio = cur;
	} else if (!strcmp(key, "dirty_min")) {
		if ((r = read_u64(c->dirty_min, oldp, oldlenp)) || !newp)
			return r;
		if ((r = take_u64(newp, newlen, &v)))
			return r;
		c->dirty_min = v;
	} else if (!strcmp(key, "reserve_growth")) {
		if ((r = read_u64(c->reserve_growth, oldp, oldlenp)) || !newp)
			return r;
		if ((r = take_u64(newp, newlen, &v)) || v == 0 || v > 64)
			return r ? r : EINVAL;
		c->reserve_growth = (unsigned)v;
	} else if (!strcmp(key, "stats_dir") || !strcmp(key, "prof_prefix")) {
		const char *s = !strcmp(key, "stats_dir") ? c->stats_dir : c->prof_prefix;
		return newp ? EPERM : copy_out(oldp, oldlenp, &s, sizeof(s));
	} else {
		if (!strcmp(key, "narenas"))
			v = c->narenas;
		else if (!strcmp(key, "tcache"))
			v = c->tcache;
		else if (!strcmp(key, "tcache_max"))
			v = c->tcache_max;
		else if (!strcmp(key, "reserve_min"))
			v = c->reserve_min;
		else if (!strcmp(key, "stats"))
			v = c->stats;
		else if (!strcmp(key, "stats_threads"))
			v = c->stats_threads;
		else if (!strcmp(key, "guard_slots"))
			v = c->guard_slots;
		else if (!strcmp(key, "guard_max_size"))
			v = c->guard_max_size;
		else if (!strcmp(key, "prof_final"))
			v = c->prof_final;
		else
			return ENOENT;
		return newp ? EPERM : read_u64(v, oldp, oldlenp);
	}
	stats_publish_conf();
	return 0;
}

LA_EXPORT int alloc_ctl(const char *name, void *oldp, size_t *oldlenp, const void *newp,
			size_t newlen)
{
	if (!name)
		return EINVAL;
	if (!la_initialized)
		la_init();
	if (!strncmp(name, "opt.", 4))
		return ctl_opt(name + 4, oldp, oldlenp, newp, newlen);
	if (!strncmp(name, "stats.", 6)) {
		if (newp)
			return EPERM;
		return ctl_stats(name + 6, oldp, oldlenp);
	}
	if (!strncmp(name, "debug.", 6))
		return ctl_debug(name + 6, oldp, oldlenp, newp, newlen);
	if (!strncmp(name, "prof.", 5))
		return ctl_prof(name + 5, oldp, oldlenp, newp, newlen);
	if (!strcmp(name, "version")) {
		const char *v = LIBALLOC_VERSION;
		return newp ? EPERM : copy_out(oldp, oldlenp, &v, sizeof(v));
	}
	if (!strcmp(name, "arena.purge")) {
		uint64_t n = extent_purge(PURGE_TRIM);
		return read_u64(n, oldp, oldlenp);
	}
	if (!strcmp(name, "thread.tcache.flush")) {
		if (ensure_thread())
			modes_thread_flush();
		return 0;
	}
	return ENOENT;
}

LA_EXPORT int alloc_check(void)
{
	if (!la_initialized)
		la_init();
	return debug_check_all("alloc_check") + guard_check_all("alloc_check");
}

LA_EXPORT struct mallinfo2 mallinfo2(void)
{
	struct mallinfo2 mi;
	struct live_totals t;
	memset(&mi, 0, sizeof(mi));
	if (!la_initialized)
		la_init();
	sum_live(&t);
	mi.arena = STAT_GET(&la_globals->mapped_bytes);
	mi.hblks = t.large_objs;
	mi.hblkhd = t.large_bytes;
	mi.uordblks = t.small_bytes + t.large_bytes;
	mi.fordblks = STAT_GET(&la_globals->dirty_bytes) + t.cached_bytes;
	mi.keepcost = STAT_GET(&la_globals->dirty_bytes);
	return mi;
}

LA_EXPORT struct mallinfo mallinfo(void)
{
	struct mallinfo2 m2 = mallinfo2();
	struct mallinfo mi;
	memset(&mi, 0, sizeof(mi));
	mi.arena = (int)m2.arena;
	mi.hblks = (int)m2.hblks;
	mi.hblkhd = (int)m2.hblkhd;
	mi.uordblks = (int)m2.uordblks;
	mi.fordblks = (int)m2.fordblks;
	mi.keepcost = (int)m2.keepcost;
	return mi;
}

static void stat_line(struct la_buf *b, const char *name, uint64_t v)
{
	buf_str(b, name);
	buf_u64(b, v);
	buf_char(b, '\n');
}

LA_EXPORT void malloc_stats(void)
{
	char out[1024];
	struct la_buf b = {out, 0, sizeof(out)};
	struct live_totals t;
	if (!la_initialized)
		la_init();
	sum_live(&t);
	buf_str(&b, "liballoc " LIBALLOC_VERSION "\n");
	stat_line(&b, "live bytes:      ", t.small_bytes + t.large_bytes);
	stat_line(&b, "live allocations:", t.small_objs + t.large_objs);
	stat_line(&b, "thread-cached:   ", t.cached_bytes);
	stat_line(&b, "mapped bytes:    ", STAT_GET(&la_globals->mapped_bytes));
	stat_line(&b, "active bytes:    ", STAT_GET(&la_globals->active_bytes));
	stat_line(&b, "dirty bytes:     ", STAT_GET(&la_globals->dirty_bytes));
	stat_line(&b, "purged bytes:    ", STAT_GET(&la_globals->purged_bytes));
	stat_line(&b, "kernel mappings: ", STAT_GET(&la_globals->kernel_mappings));
	la_write_stderr(out);
}
