#!/bin/bash
# bench/profile.sh - where does an allocator spend a workload's time?
#
#   bench/profile.sh [--callgrind] ALLOCATOR WORKLOAD [THREADS] [SCALE]
#
# Default: perf record (sampling, real time) and the 25 hottest symbols.
# --callgrind: exact instruction counts per function (slow; SCALE defaults
# to 0.02), annotated with callgrind_annotate; repeatable on a noisy machine.
# ALLOCATOR is a name from bench/allocators.sh (liballoc, liballoc-debug,
# jemalloc, ...). The raw profile is kept in $PROFILE_DIR (default /tmp).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/paths.sh
. "$here/paths.sh"
# shellcheck source=bench/allocators.sh
. "$here/allocators.sh"

mode=perf
if [ "${1:-}" = --callgrind ]; then
	mode=callgrind
	shift
fi
if [ $# -lt 2 ] || [ $# -gt 4 ]; then
	sed -n '2,10p' "$0" >&2
	exit 2
fi
alloc=$1 wl=$2 threads=${3:-1}
scale=${4:-$([ $mode = callgrind ] && echo 0.02 || echo 1)}
if ! preload=$(alloc_preload "$alloc"); then
	echo "profile: allocator '$alloc' not available (library missing or unknown name)" >&2
	exit 2
fi
read -ra envs <<<"$(alloc_env "$alloc")"
dir=${PROFILE_DIR:-/tmp}
data=$dir/profile-$alloc-$wl-t$threads.$mode

if [ $mode = perf ]; then
	command -v perf >/dev/null || { echo "profile: perf not installed" >&2; exit 2; }
	env ${preload:+LD_PRELOAD=$preload} "${envs[@]}" perf record -q -F 4000 -o "$data" -- \
		"$bin/allocbench" -t "$threads" -s "$scale" "$wl" || exit 1
	perf report -i "$data" --stdio --no-children --sort dso,sym 2>/dev/null |
		grep -E '^ +[0-9]' | head -n 25
else
	env ${preload:+LD_PRELOAD=$preload} "${envs[@]}" valgrind --tool=callgrind \
		--callgrind-out-file="$data" "$bin/allocbench" -t "$threads" -s "$scale" "$wl" \
		2>"$data.log" || { cat "$data.log" >&2; exit 1; }
	callgrind_annotate "$data" 2>/dev/null | sed -n '1,40p'
fi
echo "profile: raw data in $data"
