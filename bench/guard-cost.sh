#!/bin/bash
# bench/guard-cost.sh [ROUNDS] - what guarded samples cost at their default
# rate: every cell runs alternately with LIBALLOC_CONF=guard_sample:0 and
# with the defaults, ROUNDS times (default 11), so both see the same load
# on a shared machine. Prints, per cell, the median workload time of each,
# their ratio, the same for the process's CPU time (user + system: less
# disturbed by other jobs than wall time), and how many allocations were
# guarded per run; then the geomeans of the ratios. env: BUILD (build), GUARD_COST_CELLS, GUARD_COST_CONF
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

# one CONF WORKLOAD THREADS: "wall guarded cpu" of one run
one() {
	local out cpu TIMEFORMAT='%U %S'
	cpu=$( { time env LIBALLOC_CONF="$1" LD_PRELOAD="$lib" "$bench" -t "$3" "$2" >"$tmp/run" 2>&1; } 2>&1)
	out=$(cat "$tmp/run")
	echo "$(sed -n 's/.*time_s=\([0-9.]*\).*/\1/p' <<<"$out") $(sed -n 's/.*guarded=\([0-9]*\).*/\1/p' <<<"$out") $(awk '{ print $1 + $2 }' <<<"$cpu")"
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
    return ([float(r[0]) for r in rows], [int(r[1]) for r in rows],
            [float(r[2]) for r in rows])
t_off, _, c_off = load(off)
t_on, g_on, c_on = load(on)
m_off, m_on = statistics.median(t_off), statistics.median(t_on)
cpu = statistics.median(c_on) / statistics.median(c_off)
print(f"{cell:16} off {m_off:8.4f} s  on {m_on:8.4f} s  ratio {m_on / m_off:6.4f}  "
      f"cpu {cpu:6.4f}  guarded/run {statistics.median(g_on):6.0f}")
EOF
done | tee "$tmp/table"
python3 - "$tmp/table" <<'EOF'
import math, sys
rows = open(sys.argv[1]).read().splitlines()
def gm(word):
    r = [float(l.split(word)[1].split()[0]) for l in rows]
    return math.exp(sum(map(math.log, r)) / len(r))
print(f"geomean (defaults / guard_sample:0) over {len(rows)} cells: wall {gm('ratio'):.4f}, "
      f"cpu {gm('cpu'):.4f}")
EOF
