/*
 * collector_hook.h - COLLECTOR HOOK: the top allocating stacks of a process
 * as sampled by the libbpf collector (probes/alloccollect).
 *
 * The collector publishes its latest report as JSON lines (atomically
 * replaced) at /run/liballoc/collector.json, or at the path in
 * LIBALLOC_COLLECTOR_FILE. This hook reads only the lines
 *   {"type":"stack","pid":P,"samples":N,"bytes":B,"caller":"..","frames":[..]}
 * of the process asked for; when the file is absent, unreadable or old it
 * reads nothing and says why.
 */
#ifndef ALLOCTOP_COLLECTOR_HOOK_H
#define ALLOCTOP_COLLECTOR_HOOK_H

#include <stdint.h>
#include <sys/types.h>

#define COLLECTOR_STACK_TEXT 200
#define COLLECTOR_DEFAULT_FILE "/run/liballoc/collector.json"
#define COLLECTOR_MAX_AGE_S 120 /* an older report means no collector runs */

struct collector_stack {
	uint64_t bytes;       /* sampled bytes allocated at this site */
	uint64_t count;       /* sampled allocations */
	char frames[COLLECTOR_STACK_TEXT]; /* "caller <- frame <- frame" */
};

/*
 * Fill up to max stacks for pid, in the collector's order (biggest first).
 * Returns how many (why explains a 0), or -1 when there is no usable
 * collector report (why says why).
 */
int collector_top_stacks(pid_t pid, struct collector_stack *out, int max, const char **why);

#endif
