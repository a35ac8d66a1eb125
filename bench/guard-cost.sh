#!/bin/bash
# bench/guard-cost.sh [ROUNDS] - what guarded samples cost at their default
# rate: every cell runs alternately with LIBALLOC_CONF=guard_sample:0 and
# with the defaults, ROUNDS times (default 11), so both see the same load
# on a shared machine. Prints, per cell, the median workload time of each,
# their ratio and how many allocations were guarded per run; then the
# geomean of the ratios. env: BUILD (build), GUARD_COST_CELLS, GUARD_COST_CONF
# (the configuration measured against guard_sample:0; default: none, i.e.
# the defaults).
set -eu
rounds=${1:-11}
build=${BUILD:-build}
lib=$(cd "$build" && pwd)/liballoc.so
bench=$build/bench/allocbench
cells=${GUARD_COST_CELLS:-small-pairs:1 mixed-heap:1 larson:1 larson:2 xmalloc:1 \
glibc-thread:1 glibc-thread:2 cfrac:1 espresso:1 sh6bench:1 frag:1}
conf=${GUARD_COST_CONF:-}
[ -x "$bench" ] && [ -f "$lib" ] || { echo "build first: make $bench $build/liballoc.so" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one CONF WORKLOAD THREADS: "time guarded" of one run
one() {
	local out
	out=$(env LIBALLOC_CONF="$1" LD_PRELOAD="$lib" "$bench" -t "$3" "$2" 2>&1)
	echo "$(sed -n 's/.*time_s=\([0-9.]*\).*/\1/p' <<<"$out") $(sed -n 's/.*guarded=\([0-9]*\).*/\1/p' <<<"$out")"
}

for cell in $cells; do
	w=${cell%:*} t=${cell#*:}
	: >"$tmp/off" && : >"$tmp/on"
	for ((r = 0; r < rounds; r++)); do
		one guard_sample:0 "$w" "$t" >>"$tmp/off"
		one "$conf" "$w" "$t" >>"$tmp/on"
	done
	python3 - "$cell" "$tmp/off" "$tmp/on" <<'EOF'
import statistics, sys
cell, off, on = sys.argv[1:]
def load(path):
    rows = [line.split() for line in open(path) if line.strip()]
    return [float(r[0]) for r in rows], [int(r[1]) if len(r) > 1 else 0 for r in rows]
t_off, _ = load(off)
t_on, g_on = load(on)
m_off, m_on = statistics.median(t_off), statistics.median(t_on)
print(f"{cell:16} off {m_off:8.4f} s  on {m_on:8.4f} s  ratio {m_on / m_off:6.4f}  "
      f"guarded/run {statistics.median(g_on):6.0f}")
EOF
done | tee "$tmp/table"
python3 - "$tmp/table" <<'EOF'
import math, sys
ratios = [float(l.split("ratio")[1].split()[0]) for l in open(sys.argv[1])]
print(f"geomean ratio (defaults / guard_sample:0) over {len(ratios)} cells: "
      f"{math.exp(sum(map(math.log, ratios)) / len(ratios)):.4f}")
EOF
