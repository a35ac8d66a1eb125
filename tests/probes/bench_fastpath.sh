#!/bin/bash
# bench_fastpath.sh - instructions per malloc+free pair with probes compiled
# in (untraced) vs -DLIBALLOC_NO_PROBES; the budget is 2 per entry point.
#
# Usage: bench_fastpath.sh BUILD_DIR
# Counts with callgrind for N and 2N pairs of build/probes/fastpath; the
# difference divided by N removes start-up and exit. The samplers are off
# (prof_sample:0, guard_sample:0): what a sample costs, and where the first
# one falls, varies from run to run and is no part of the probes' cost; the
# counts are then exact, and compared to a tenth.
set -u
build=$1
fast=$build/probes/fastpath n=100000
if ! command -v valgrind >/dev/null; then
	echo "SKIP: valgrind not installed: fast-path probe cost not measured"
	exit 0
fi

# instructions LIB PAIRS -> total Ir of the run
instructions() {
	local out
	out=$(mktemp)
	LIBALLOC_CONF=prof_sample:0,guard_sample:0 LD_PRELOAD=$(realpath "$1") \
		valgrind --tool=callgrind --callgrind-out-file="$out" "$fast" "$2" >/dev/null 2>&1
	awk '/^summary:/ { print $2 }' "$out"
	rm -f "$out"
}

per_pair() { # per_pair LIB
	local a b
	a=$(instructions "$1" "$n")
	b=$(instructions "$1" $((2 * n)))
	[ -n "$a" ] && [ -n "$b" ] || return 1
	awk -v a="$a" -v b="$b" -v n="$n" 'BEGIN { printf "%.1f\n", (b - a) / n }'
}

for f in "$build/liballoc.so" "$build/noprobes/liballoc.so" "$fast"; do
	[ -e "$f" ] || { echo "FAIL: $f is missing"; echo "0 passed, 1 failed"; exit 1; }
done
with=$(per_pair "$build/liballoc.so") || { echo "FAIL: callgrind run failed"; exit 1; }
without=$(per_pair "$build/noprobes/liballoc.so") || { echo "FAIL: callgrind run failed"; exit 1; }
growth=$(awk -v w="$with" -v o="$without" 'BEGIN { printf "%.1f", w - o }')
echo "fast path, instructions per malloc+free pair: $with with probes, $without without, +$growth"
if awk -v g="$growth" 'BEGIN { exit !(g <= 4.0) }'; then
	echo "fast-path probe cost: PASS (at most 2 per entry point)"
	echo "1 passed, 0 failed"
else
	echo "fast-path probe cost: FAIL (+$growth per pair, budget 4)"
	echo "0 passed, 1 failed"
	exit 1
fi
