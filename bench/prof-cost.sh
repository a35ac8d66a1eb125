#!/bin/bash
# bench/prof-cost.sh - wall-time cost of the heap profile's sampling: each
# workload run with prof_sample:0 and with each mean given, in alternating
# order (A B, B A, ...) so that drifting machine load hits both alike.
#
#   bench/prof-cost.sh [-r ROUNDS] [-w "WORKLOAD..."] [MEAN...]
#
# Prints, per workload and mean, the median of the per-round ratios
# (sampled / off) of the wall time the workload reports and of the CPU time
# (user + system, from /usr/bin/time: less disturbed by other jobs waiting
# for the CPUs); then the geometric mean of the medians per mean. Defaults:
# 9 rounds, the workloads below, the default mean (LIBALLOC_CONF without
# prof_sample).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/paths.sh
. "$here/paths.sh"
rounds=9
workloads="mixed-heap larson glibc-thread realloc large"
while getopts r:w: opt; do
	case $opt in
	r) rounds=$OPTARG ;;
	w) workloads=$OPTARG ;;
	*) sed -n '2,11p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
means=${*:-default}
[ -x "$bin/allocbench" ] || { echo "prof-cost: $bin/allocbench missing; run make" >&2; exit 2; }

run() { # run CONF WORKLOAD: "WALL CPU" seconds of one run
	local conf=$1 out
	[ "$conf" = "prof_sample:default" ] && conf=
	out=$(env ${conf:+LIBALLOC_CONF=$conf} LD_PRELOAD="$BENCH_LIBALLOC" \
		/usr/bin/time -f 'cpu=%U %S' "$bin/allocbench" "$2" 2>&1)
	echo "$(sed -n 's/.*time_s=\([0-9.]*\).*/\1/p' <<<"$out")" \
		"$(sed -n 's/^cpu=\([0-9.]*\) \([0-9.]*\)$/\1 \2/p' <<<"$out" | awk '{ print $1 + $2 }')"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A logwall logcpu
for w in $workloads; do
	for m in $means; do
		walls=() cpus=()
		for r in $(seq "$rounds"); do
			if [ $((r % 2)) = 1 ]; then
				off=$(run prof_sample:0 "$w")
				on=$(run "prof_sample:$m" "$w")
			else
				on=$(run "prof_sample:$m" "$w")
				off=$(run prof_sample:0 "$w")
			fi
			read -r won con <<<"$on"
			read -r woff coff <<<"$off"
			walls+=("$(awk -v a="$won" -v b="$woff" 'BEGIN { printf "%.4f", a / b }')")
			cpus+=("$(awk -v a="$con" -v b="$coff" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 1) }')")
		done
		mw=$(printf '%s\n' "${walls[@]}" | median)
		mc=$(printf '%s\n' "${cpus[@]}" | median)
		printf '%-14s prof_sample:%-6s median ratio wall %.4f cpu %.4f  (cpu rounds: %s)\n' \
			"$w" "$m" "$mw" "$mc" "${cpus[*]}"
		logwall[$m]=$(awk -v s="${logwall[$m]:-0}" -v x="$mw" 'BEGIN { print s + log(x) }')
		logcpu[$m]=$(awk -v s="${logcpu[$m]:-0}" -v x="$mc" 'BEGIN { print s + log(x) }')
	done
done
n=$(echo "$workloads" | wc -w)
for m in $means; do
	awk -v w="${logwall[$m]}" -v c="${logcpu[$m]}" -v n="$n" -v m="$m" 'BEGIN {
		printf "geomean prof_sample:%s vs prof_sample:0: wall %+.2f%%, cpu %+.2f%%\n", m,
			100 * (exp(w / n) - 1), 100 * (exp(c / n) - 1) }'
done
