#!/bin/bash
# bench_overhead.sh - what tracing costs a busy allocating process.
#
# Usage: bench_overhead.sh BUILD_DIR [PAIRS]
# Times PAIRS malloc+free pairs (build/probes/fastpath) under liballoc.so:
# untraced; traced by alloccollect (every allocation tracked, and sampled
# 1 in 64); traced the way bcc's memleak does it, with uprobes on
# liballoc.so's malloc/free symbols plus a uretprobe for the address.
# Prints medians of 3 runs and the ratios to the untraced run.
set -u
build=$1 pairs=${2:-500000}
lib=$(realpath "$build/liballoc.so") fast=$build/probes/fastpath
if [ "$(id -u)" -ne 0 ] || ! bpftrace -e 'BEGIN { exit(); }' >/dev/null 2>&1; then
	echo "SKIP: tracing overhead needs root and working BPF"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_ms() { # median wall time of 3 runs, in ms
	local t=() i s
	for i in 1 2 3; do
		s=$(date +%s%N)
		LD_PRELOAD=$lib "$fast" "$pairs"
		t+=($((($(date +%s%N) - s) / 1000000)))
	done
	printf '%s\n' "${t[@]}" | sort -n | sed -n 2p
}

# with_tracer MARKER CMD...: runs CMD, waits for MARKER, times, stops CMD.
with_tracer() {
	local marker=$1 i out
	shift
	out=$(mktemp -p "$tmp") # fresh per run: an old marker must not count
	"$@" >"$out" 2>&1 &
	local pid=$!
	for ((i = 0; i < 600; i++)); do
		grep -q "$marker" "$out" && break
		sleep 0.1
	done
	run_ms
	kill -INT "$pid"
	wait "$pid" 2>/dev/null
}

cat >"$tmp/memleak_style.bt" <<BT
uprobe:$lib:malloc { @size[tid] = arg0; }
uretprobe:$lib:malloc /@size[tid]/ { @live[pid, retval] = @size[tid]; @stack[pid, retval] = ustack; delete(@size[tid]); }
uprobe:$lib:free { delete(@live[pid, arg0]); delete(@stack[pid, arg0]); }
BEGIN { printf("uprobes attached\n"); }
END { clear(@size); clear(@live); clear(@stack); }
BT

base=$(run_ms)
usdt=$(with_tracer "probes attached" "$build/alloccollect" -l "$lib" -i 3600 --no-publish)
usdt64=$(with_tracer "probes attached" "$build/alloccollect" -l "$lib" -i 3600 -s 64 --no-publish)
uprobe=$(with_tracer "uprobes attached" env BPFTRACE_MAP_KEYS_MAX=1000000 bpftrace "$tmp/memleak_style.bt")
ratio() { awk -v a="$1" -v b="$base" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
echo "probe overhead, $pairs malloc+free pairs (median of 3):"
printf '  %-44s %6s ms\n' "untraced" "$base"
printf '  %-44s %6s ms  %s\n' "alloccollect (USDT, every allocation)" "$usdt" "$(ratio "$usdt")"
printf '  %-44s %6s ms  %s\n' "alloccollect (USDT, -s 64)" "$usdt64" "$(ratio "$usdt64")"
printf '  %-44s %6s ms  %s\n' "uprobe+uretprobe malloc/free (memleak-style)" "$uprobe" "$(ratio "$uprobe")"
if [ "$usdt" -lt "$uprobe" ]; then
	echo "  USDT collector is cheaper than memleak-style uprobes ($(awk -v a="$uprobe" -v b="$usdt" 'BEGIN { printf "%.1fx", a / b }') less time)"
else
	echo "  NOTE: USDT collector was not cheaper than memleak-style uprobes"
fi
