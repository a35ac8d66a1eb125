/*
 * segvalues - test helper: print what the reader library sees in one
 * segment, as key=value lines, so shell tests can compare alloctop's
 * output with the segment itself.
 *
 *   segvalues PATH
 */
#include <inttypes.h>
#include <stdio.h>

#include "allocstat.h"

int main(int argc, char **argv)
{
	struct as_segment *seg;
	struct as_snapshot s;
	struct as_error err;

	if (argc != 2) {
		fprintf(stderr, "usage: segvalues PATH\n");
		return 2;
	}
	if (as_open_path(argv[1], 0, &seg, &err) != AS_OK ||
	    as_snapshot_take(seg, &s, &err) != AS_OK) {
		fprintf(stderr, "segvalues: %s\n", err.msg);
		return err.code ? err.code : 1;
	}
	printf("pid=%d\nexe=%s\n", (int)s.pid, s.exe);
	printf("live=%" PRIu64 "\npeak=%" PRIu64 "\nrss=%" PRIu64 "\nmapped=%" PRIu64 "\n",
	       s.totals.live_bytes, s.globals.peak_handed_bytes, s.globals.resident_bytes,
	       s.globals.mapped_bytes);
	printf("dirty=%" PRIu64 "\nthreads=%" PRIu64 "\nmaps=%" PRIu64 "\nerrors=%" PRIu64 "\n",
	       s.globals.dirty_bytes, s.totals.threads_live, s.globals.kernel_mappings,
	       s.totals.violations_total);
	printf("alloc_count=%" PRIu64 "\nfree_count=%" PRIu64 "\n", s.totals.alloc_count,
	       s.totals.free_count);
	printf("junk=%u\nredzone=%u\ncheck_free=%u\nquarantine=%" PRIu64 "\non_error=%u\n",
	       s.control.applied.junk, s.control.applied.redzone, s.control.applied.check_free,
	       s.control.applied.quarantine, s.control.applied.on_error);
	printf("guard_sample=%u\nguard_lower=%u\n", s.control.applied.guard_sample,
	       s.control.applied.guard_lower);
	printf("request_gen=%" PRIu64 "\napplied_gen=%" PRIu64 "\nnevents=%u\n",
	       s.control.request_gen, s.control.applied_gen, s.nevents);
	as_snapshot_free(&s);
	as_close(seg);
	return 0;
}
