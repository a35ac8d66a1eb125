# shellcheck shell=bash
# bench/tracers.sh - who has uprobes on liballoc.so right now? A uprobe
# (bpftrace, the probes/ collector) is attached to the library file, so it
# fires in *every* process using it, benchmarks included: each hit is a trap
# into the kernel (~µs), and under valgrind a SIGTRAP. Runs with such
# probes attached measure the tracer, not liballoc.

# liballoc_tracers: print "PID COMMAND" for each process holding a uprobe on
# $BENCH_LIBALLOC; nothing if none (or if bpftool cannot tell). A tracer
# limited to one pid (alloccollect -p) is listed too, though it may only
# slow that process.
liballoc_tracers() {
	command -v bpftool >/dev/null || return 0
	local pid lib
	lib=$(realpath "$BENCH_LIBALLOC" 2>/dev/null) || return 0
	bpftool perf list 2>/dev/null |
		awk -v lib="$lib" '/uprobe|uretprobe/ { for (i = 1; i < NF; i++)
			if ($i == "filename" && $(i + 1) == lib) print $2 }' | sort -u |
		while read -r pid; do
			echo "$pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
		done
}
