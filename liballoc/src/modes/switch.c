/*
 * switch.c - the check settings change here and nowhere else (switch.h).
 * Settings from outside the process are clamped, never trusted; a request
 * from outside is applied by the next thread that allocates or frees.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "core/hooks.h"
#include "modes/alloc_kind.h"
#include "modes/block.h"
#include "modes/checked_cache.h"
#include "modes/debug_cache.h"
#include "modes/freed_large.h"
#include "modes/guard.h"
#include "modes/prof.h"
#include "modes/quarantine.h"
#include "modes/report.h"
#include "modes/switch.h"
#include "shared/vocab.h"
#include "stats/stats.h"
#include "sys/conf.h"
#include "sys/probes.h"

static pthread_mutex_t apply_lock = PTHREAD_MUTEX_INITIALIZER;

static bool plain_layout_suffices(const struct las_checks *c)
{
	return las_vocab_checks_on(c) && !c->redzone && !c->quarantine && !c->track;
}

static uint32_t check_flags(const struct las_checks *c)
{
	return (uint32_t)((c->junk & 1) | (c->junk & 2) | (c->check_free ? 4 : 0) |
			  (c->redzone ? 8 : 0) | (c->quarantine ? 16 : 0));
}

void checks_init(void)
{
	guard_apply(&la_conf.checks); /* guarded samples: the pool, if on */
	la_checks = la_conf.checks;
	alloc_kind_init();
	la_control->applied = la_checks;
	la_control->requested = la_checks;
	la_checks_on = las_vocab_checks_on(&la_checks);
	la_plain_checks = plain_layout_suffices(&la_checks);
	la_core_hooks.release_fault = report_release_fault;
	la_core_hooks.heap_corruption = report_heap_corruption;
	if (la_checks_on)
		stats_set_gates(LAS_GATE_CHECKS);
}

static void sanitise(struct las_checks *c)
{
	if (c->junk > LAS_JUNK_BOTH)
		c->junk = LAS_JUNK_BOTH;
	if (c->redzone > LAS_REDZONE_MAX)
		c->redzone = LAS_REDZONE_MAX;
	c->check_free = !!c->check_free;
	if (c->on_error > LAS_ONERR_IGNORE)
		c->on_error = LAS_ONERR_ABORT;
	if (c->quarantine > LAS_QUARANTINE_MAX)
		c->quarantine = LAS_QUARANTINE_MAX;
	if (c->quarantine_blocks == 0) /* a writer that knows nothing of it */
		c->quarantine_blocks = LAS_QUARANTINE_BLOCKS_DEFAULT;
	if (c->quarantine_blocks > LAS_QUARANTINE_BLOCKS_MAX)
		c->quarantine_blocks = LAS_QUARANTINE_BLOCKS_MAX;
	c->reserved = 0;
	c->backtrace = !!c->backtrace;
	c->track = !!c->track;
}

static bool request_pending(void)
{
	return __atomic_load_n(&la_control->request_gen, __ATOMIC_SEQ_CST) !=
	       __atomic_load_n(&la_control->applied_gen, __ATOMIC_SEQ_CST);
}

/* Rewrite every gate word; an outside request that arrived meanwhile
 * keeps its PENDING bit (its writer raised it before or after our stores,
 * and it bumped request_gen first). */
static void set_gates(void)
{
	stats_set_gates(la_checks_on ? LAS_GATE_CHECKS : 0);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (request_pending())
		stats_set_gates((la_checks_on ? LAS_GATE_CHECKS : 0) | LAS_GATE_PENDING);
}

static void apply_locked(const struct las_checks *want, int requester)
{
	struct las_checks old = la_checks;
	struct las_checks c = *want;
	sanitise(&c);
	guard_apply(&c); /* guarded samples: clamped, the pool made on first use */
	la_checks = c;
	la_checks_on = las_vocab_checks_on(&c);
	__atomic_store_n(&la_plain_checks, plain_layout_suffices(&c), __ATOMIC_RELAXED);
	alloc_kind_settings_changed();
	kind_map_epoch_changed(__atomic_add_fetch(&la_checks_epoch, 1, __ATOMIC_RELEASE));
	la_control->applied = c;
	LA_PROBE(conf_change, check_flags(&old), check_flags(&c), requester);
	stats_event(LAS_EV_CONF_CHANGE, 0, 0, 0, requester == getpid() ? "alloc_ctl" : "control block");
}

static void after_change(void)
{
	quarantine_limits_changed();
	if (la_checks_on)
		report_warm_backtrace();
}

/* From inside the process. `requested` belongs to outside writers and is
 * left alone, so a request of theirs that is pending is applied after
 * this one (it supersedes it), never lost. */
void checks_apply(const struct las_checks *want, int requester)
{
	pthread_mutex_lock(&apply_lock);
	apply_locked(want, requester);
	set_gates();
	pthread_mutex_unlock(&apply_lock);
	after_change();
}

void checks_poll(void)
{
	uint32_t g = __atomic_load_n(la_gate, __ATOMIC_ACQUIRE);
	if (la_tc.slot)
		g |= __atomic_load_n(&la_tc.slot->gate, __ATOMIC_ACQUIRE);
	if (g & LAS_GATE_PENDING) {
		pthread_mutex_lock(&apply_lock);
		uint64_t gen = __atomic_load_n(&la_control->request_gen, __ATOMIC_ACQUIRE);
		if (gen != la_control->applied_gen) {
			struct las_checks want;
			memcpy(&want, (const void *)&la_control->requested, sizeof(want));
			prof_apply_control(); /* the request may carry prof_sample */
			apply_locked(&want, la_control->requester_pid);
			__atomic_store_n(&la_control->applied_gen, gen, __ATOMIC_RELEASE);
		}
		set_gates();
		pthread_mutex_unlock(&apply_lock);
		after_change();
	}
	uint32_t epoch = __atomic_load_n(&la_checks_epoch, __ATOMIC_ACQUIRE);
	if (la_mt.epoch != epoch) {
		/* Checks changed: hand this thread's cached slots back, so that
		 * cached pointers are checked (a second free of one shows up as
		 * a slot already free) and new blocks take the new layout. */
		la_mt.epoch = epoch;
		la_mt.guard_pending = 0; /* the guard rate may have changed */
		modes_thread_flush();
	}
	la_mt.ready_epoch = la_tc.state == TC_ACTIVE && la_checks_on ? epoch + 1 : 0;
}

void modes_thread_flush(void)
{
	if (la_tc.state != TC_ACTIVE)
		return;
	quarantine_stage_flush();
	debug_cache_flush_all();
	checked_cache_flush_all();
	tcache_flush_all();
}

void checks_fork_prepare(void)
{
	pthread_mutex_lock(&apply_lock);
	quarantine_fork_prepare();
}

void checks_fork_prepare_inner(void)
{
	block_fork_prepare();
}

void checks_fork_parent_inner(void)
{
	block_fork_parent();
}

void checks_fork_parent(void)
{
	quarantine_fork_parent();
	pthread_mutex_unlock(&apply_lock);
}

void checks_fork_child(void)
{
	block_fork_child();
	freed_large_fork_child();
	quarantine_fork_child();
	pthread_mutex_init(&apply_lock, NULL);
}
