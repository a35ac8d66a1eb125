#!/bin/bash
# bench/short-procs.sh - what liballoc costs a process that lives a few
# milliseconds: N runs of /bin/true and of `ls /usr/bin`, their user+sys CPU
# per run (RUSAGE_CHILDREN), glibc and liballoc paired rep by rep (the order
# alternates, so drift on a shared machine hits both alike). Prints, per
# command, the minimum and the median over the reps and their ratios to
# glibc, and the median of the paired ratios; appends the table to
# BENCH_OUT/short-procs.md.
#
#   bench/short-procs.sh [--tsv FILE]   FILE: the same numbers for bench/report.py
#
#   BENCH_SHORT_RUNS=500   runs per measurement
#   BENCH_SHORT_REPS=15    measurements per allocator and command
#   BENCH_BIN, BENCH_LIBALLOC, BENCH_OUT as for bench/run.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/paths.sh
. "$here/paths.sh"
out=${BENCH_OUT:-$here/results}
case "$out" in /*) ;; *) out=$root/$out ;; esac
runs=${BENCH_SHORT_RUNS:-500}
reps=${BENCH_SHORT_REPS:-15}
tsv=
if [ "${1:-}" = --tsv ]; then
	tsv=${2:?--tsv needs a file}
	printf 'command\truns\treps\tglibc_min_us\tglibc_median_us\tliballoc_min_us\tliballoc_median_us\tpaired_median\n' >"$tsv"
fi
spawn=$bin/spawn-cpu
[ -x "$spawn" ] || { echo "short-procs: $spawn missing; run 'make' first" >&2; exit 2; }
liballoc=$BENCH_LIBALLOC
[ -e "$liballoc" ] || { echo "short-procs: $liballoc missing" >&2; exit 2; }

stats() { # numbers on stdin -> "min median"
	sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f %.1f\n", v[1], m }'
}

mkdir -p "$out"
report=$out/short-procs.md
{
	echo "### Short processes ($(date '+%Y-%m-%d %H:%M'), $runs runs x $reps reps, user+sys CPU per run)"
	echo
	echo "| command | glibc min | glibc median | liballoc min | liballoc median | min ratio | median ratio | median paired ratio |"
	echo "|---|---|---|---|---|---|---|---|"
} >>"$report"
for cmd in "/bin/true" "/bin/ls /usr/bin"; do
	g=() l=() r=()
	for ((i = 0; i < reps; i++)); do
		# shellcheck disable=SC2086
		if ((i % 2)); then
			b=$("$spawn" "$runs" "$liballoc" $cmd) a=$("$spawn" "$runs" "" $cmd)
		else
			a=$("$spawn" "$runs" "" $cmd) b=$("$spawn" "$runs" "$liballoc" $cmd)
		fi
		g+=("$a") l+=("$b") r+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", b / a }')")
	done
	read -r gmin gmed < <(printf '%s\n' "${g[@]}" | stats)
	read -r lmin lmed < <(printf '%s\n' "${l[@]}" | stats)
	read -r _ rmed < <(printf '%s\n' "${r[@]}" | awk '{ printf "%.4f\n", $1 * 1000 }' | stats)
	line=$(awk -v gm="$gmin" -v gd="$gmed" -v lm="$lmin" -v ld="$lmed" -v pr="$rmed" -v c="$cmd" \
		'BEGIN { printf "| `%s` | %.1f us | %.1f us | %.1f us | %.1f us | %.3f | %.3f | %.3f |", c, gm, gd, lm, ld, lm / gm, ld / gd, pr / 1000 }')
	echo "$line"
	echo "$line" >>"$report"
	[ -n "$tsv" ] && printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cmd" "$runs" "$reps" "$gmin" "$gmed" \
		"$lmin" "$lmed" "$(awk -v p="$rmed" 'BEGIN { printf "%.4f", p / 1000 }')" >>"$tsv"
done
echo >>"$report"
