/* debug.c - debug checks (placeholder: settings only, no checks yet). */
#include "conf.h"
#include "debug.h"
#include "init.h"
#include "probes.h"
#include "stats.h"

struct las_checks la_checks;

void debug_init(void)
{
	la_checks = la_conf.checks;
}

bool debug_active(void)
{
	return false;
}

void debug_apply(const struct las_checks *want, int requester)
{
	(void)requester;
	la_checks = *want;
	la_control->applied = la_checks;
}

void debug_poll(void)
{
	uint32_t g = __atomic_load_n(la_gate, __ATOMIC_ACQUIRE);
	if (!(g & LAS_GATE_PENDING))
		return;
	__atomic_fetch_and(la_gate, ~LAS_GATE_PENDING, __ATOMIC_ACQ_REL);
	struct las_checks want = la_control->requested;
	debug_apply(&want, la_control->requester_pid);
	__atomic_store_n(&la_control->applied_gen, la_control->request_gen, __ATOMIC_RELEASE);
}

void *debug_malloc(size_t size, size_t align, bool zero)
{
	(void)align;
	return la_alloc_plain(size, zero);
}

void debug_free(void *p, uintptr_t pm)
{
	la_free_plain(p, pm, "free");
}

void *debug_realloc(void *p, uintptr_t pm, size_t size)
{
	(void)p;
	(void)pm;
	(void)size;
	return NULL;
}

bool debug_usable_size(void *p, uintptr_t pm, size_t *out)
{
	(void)p;
	(void)pm;
	(void)out;
	return false;
}

int debug_check_all(void)
{
	return 0;
}
