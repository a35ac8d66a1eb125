#!/bin/bash
# bench/quarantine-blocks.sh [ROUNDS] - what the quarantine's block limit
# costs: the debug cells run under each configuration with each
# quarantine_blocks limit, every limit once per round in a rotating order
# (so all see the same load on a shared machine), ROUNDS times (default 5).
# Prints, per configuration and cell, the median workload time, its ratio
# to the reference limit (the geomean of the per-round ratios) and the
# median peak RSS; then per configuration the geomean of the ratios over
# the cells. liballoc-debug(7), quarantine_blocks, has the numbers that
# picked the default.
# env: BUILD (build), QB_LIMITS ("4096 16384 65536 262144"), QB_REF (65536),
# QB_CONFS ("debug:true quarantine:1048576"), QB_CELLS (workload:threads),
# QB_SCALE (0.2, as the debug section of bench/run.sh).
set -eu
rounds=${1:-5}
build=${BUILD:-build}
lib=$(cd "$build" && pwd)/liballoc.so
bench=$build/bench/allocbench
exec=$build/bench/bench-exec
limits=${QB_LIMITS:-4096 16384 65536 262144}
ref=${QB_REF:-65536}
confs=${QB_CONFS:-debug:true quarantine:1048576}
cells=${QB_CELLS:-small-pairs:1 mixed-heap:1 larson:2 cfrac:1}
scale=${QB_SCALE:-0.2}
if [ ! -x "$bench" ] || [ ! -x "$exec" ] || [ ! -f "$lib" ]; then
	echo "build first: make $bench $exec $build/liballoc.so" >&2
	exit 2
fi
[[ " $limits " == *" $ref "* ]] || { echo "QB_REF ($ref) must be one of QB_LIMITS" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

read -ra lim <<<"$limits"
n=${#lim[@]}
for ((r = 0; r < rounds; r++)); do
	for cell in $cells; do
		w=${cell%:*} t=${cell#*:}
		for conf in $confs; do
			for ((k = 0; k < n; k++)); do
				l=${lim[$(((k + r) % n))]}
				out=$("$exec" -t 300 -p "$lib" -e "LIBALLOC_CONF=$conf,quarantine_blocks:$l" \
					-- "$bench" -t "$t" -s "$scale" "$w" 2>/dev/null) || true
				if [[ $out != *exec_status=ok* ]]; then
					echo "failed: $conf,quarantine_blocks:$l $cell: $out" >&2
					exit 1
				fi
				printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$conf" "$l" "$cell" \
					"$(sed -n 's/.*time_s=\([0-9.]*\).*/\1/p' <<<"$out")" \
					"$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' <<<"$out")" >>"$tmp/runs"
			done
		done
	done
done
python3 - "$tmp/runs" "$ref" "$limits" <<'EOF'
import collections, math, statistics, sys
path, ref, limits = sys.argv[1], int(sys.argv[2]), [int(x) for x in sys.argv[3].split()]
t, rss, rnd = collections.defaultdict(list), collections.defaultdict(list), {}
for line in open(path):
    r, conf, lim, cell, ts, kb = line.split("\t")
    t[conf, cell, int(lim)].append(float(ts))
    rss[conf, cell, int(lim)].append(int(kb))
    rnd[r, conf, cell, int(lim)] = float(ts)
confs = list(dict.fromkeys(k[0] for k in t))
cells = list(dict.fromkeys(k[1] for k in t))
for conf in confs:
    print(f"{conf}: median s, ratio to {ref} (paired geomean), median peak RSS")
    gm = collections.defaultdict(list)
    for cell in cells:
        row = []
        for lim in limits:
            ratios = [v / rnd[r, c, ce, ref] for (r, c, ce, l), v in rnd.items()
                      if c == conf and ce == cell and l == lim]
            g = math.exp(statistics.mean(map(math.log, ratios)))
            gm[lim].append(g)
            row.append(f"{lim:>7}: {statistics.median(t[conf, cell, lim]):6.3f} {g:5.2f}x "
                       f"{statistics.median(rss[conf, cell, lim]) / 1024:6.1f} MiB")
        print(f"  {cell:14}" + " |".join(row))
    print("  geomean       " + " |".join(
        f"{lim:>7}: {math.exp(statistics.mean(map(math.log, gm[lim]))):5.2f}x" for lim in limits))
EOF
