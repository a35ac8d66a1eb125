#!/bin/bash
# bench/fastpath-budget.sh - instructions per small malloc+free pair, counted
# by callgrind, with start-up cost cancelled: (Ir(N2) - Ir(N1)) / (N2 - N1).
#
#   bench/fastpath-budget.sh [MAXINSNS] [--all] [--cxx] [--tsv FILE]
#
# Measures liballoc (stats on) and exits 1 if it needs more than MAXINSNS
# (default 56.6: the 56 instructions bench/README.md accounts for one by one,
# plus 0.1-0.2 for the samples taken at the default mean and a margin),
# 2 if it cannot be measured.
# --all also measures liballoc with stats off and the peers; --tsv writes
# "allocator<TAB>insns_per_pair<TAB>status" lines for the report. --cxx
# also prints, for the same allocators, C++ operator new + operator delete
# pairs and new + sized delete pairs (fastpath_new; no budget applies).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/paths.sh
. "$here/paths.sh"
# shellcheck source=bench/allocators.sh
. "$here/allocators.sh"
# shellcheck source=bench/callgrind.sh
. "$here/callgrind.sh"
# shellcheck source=bench/tracers.sh
. "$here/tracers.sh"

budget=56.6 all=0 cxx=0 tsv=
while [ $# -gt 0 ]; do
	case "$1" in
	--all) all=1 ;;
	--cxx) cxx=1 ;;
	--tsv) tsv=${2:?--tsv needs a file}; shift ;;
	-h | --help) sed -n '2,13p' "$0"; exit 0 ;;
	*)
		if ! [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
			echo "fastpath-budget: bad budget '$1' (want a number of instructions)" >&2
			exit 2
		fi
		budget=$1 ;;
	esac
	shift
done
command -v valgrind >/dev/null || { echo "fastpath-budget: valgrind not installed" >&2; exit 2; }
[ -x "$bin/fastpath" ] || { echo "fastpath-budget: $bin/fastpath missing; run make" >&2; exit 2; }

tracing=$(liballoc_tracers)
[ -n "$tracing" ] && echo "fastpath-budget: WARNING: uprobes on liballoc.so by: $tracing;" \
	"liballoc will crash under valgrind (SIGTRAP) until they go away" >&2
# Enough pairs that both runs take many heap-profile samples (about 1 per
# 16 000 pairs at the default mean): the first stacks cost more than the
# rest (libgcc's unwinder for a process's first 32, then libunwind's
# loading: sys/unwinder.c), and all of that must fall in both runs to
# cancel. The shorter run takes about 62 samples, fewer than 33 about
# once in 60 000 runs.
n1=${FASTPATH_N1:-1000000}
n2=${FASTPATH_N2:-2500000}
# per_pair ALLOC [PROGRAM [MODE]]: print instructions per pair, or fail.
per_pair() {
	local a b prog=${2:-fastpath} mode=${3:-}
	a=$(callgrind_ir "$1" "$bin/$prog" "$n1" $mode) && b=$(callgrind_ir "$1" "$bin/$prog" "$n2" $mode) &&
		[ -n "$a" ] && [ -n "$b" ] || return 1
	awk -v a="$a" -v b="$b" -v n1="$n1" -v n2="$n2" 'BEGIN { printf "%.1f\n", (b - a) / (n2 - n1) }'
}

list=liballoc
[ "$all" = 1 ] && list="liballoc liballoc-nostats $PEERS"
[ -n "$tsv" ] && printf 'allocator\tinsns_per_pair\tstatus\n' >"$tsv"
result=2
for alloc in $list; do
	if v=$(per_pair "$alloc"); then
		status=ok
		printf '%-18s %6s instructions per malloc+free pair\n' "$alloc" "$v"
	else
		status=failed v=
		printf '%-18s   failed (missing library or crashed under callgrind)\n' "$alloc"
	fi
	[ -n "$tsv" ] && printf '%s\t%s\t%s\n' "$alloc" "$v" "$status" >>"$tsv"
	if [ "$alloc" = liballoc ] && [ "$status" = ok ]; then
		if awk -v v="$v" -v b="$budget" 'BEGIN { exit !(v <= b) }'; then
			result=0
		else
			result=1
		fi
	fi
done
if [ "$cxx" = 1 ]; then
	[ -x "$bin/fastpath_new" ] || { echo "fastpath-budget: $bin/fastpath_new missing; run make" >&2; exit 2; }
	for alloc in $list; do
		for mode in delete sized; do
			label="new+delete"
			[ $mode = sized ] && label="new+sized delete"
			if v=$(per_pair "$alloc" fastpath_new $mode); then
				printf '%-18s %6s instructions per C++ %s pair\n' "$alloc" "$v" "$label"
			else
				printf '%-18s   failed (C++ %s)\n' "$alloc" "$label"
			fi
		done
	done
fi
case $result in
0) echo "fastpath-budget: liballoc within budget of $budget instructions" ;;
1) echo "fastpath-budget: liballoc OVER budget of $budget instructions" ;;
2) echo "fastpath-budget: liballoc could not be measured ($BENCH_LIBALLOC)" ;;
esac
exit $result
