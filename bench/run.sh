#!/bin/bash
# bench/run.sh - run the allocator workloads for every allocator, interleaved,
# and write bench/results/latest.md (+ latest.png, latest.tsv).
#
# Environment (all optional):
#   BENCH_QUICK=1          one run per cell (default: BENCH_RUNS, 7)
#   BENCH_RUNS=N           runs per cell; the report uses the median
#   BENCH_THREADS="1 2"    thread counts for multi-threaded workloads
#   BENCH_SCALE=1          multiplies every workload's iteration count
#   BENCH_ALLOCATORS="glibc jemalloc mimalloc tcmalloc liballoc liballoc-nostats liballoc-noguard"
#   BENCH_WORKLOADS="..."  subset of `allocbench --list`
#   BENCH_DEBUG=1          also measure the cost of liballoc's debug checks (0: skip)
#   BENCH_DEBUG_SCALE=0.2  scale for that part (the debug peers are slow)
#   BENCH_CALLGRIND=1      also count instructions per malloc+free pair (0: skip)
#   BENCH_APPS="redis cc"  real-program cells, in every round (bench/apps.sh)
#   BENCH_SHORT=1          also time short processes (bench/short-procs.sh; 0: skip)
#   BENCH_TIMEOUT=120      seconds before a run counts as failed (hung)
#   BENCH_OUT=bench/results, BENCH_BIN=build/bench, BENCH_LIBALLOC=build/liballoc.so
# A missing or crashing allocator is reported as failed; the run goes on.
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/paths.sh
. "$here/paths.sh"
out=${BENCH_OUT:-$here/results}
runs=${BENCH_RUNS:-7}
[ "${BENCH_QUICK:-0}" = 1 ] && runs=1
threads=${BENCH_THREADS:-1 2}
scale=${BENCH_SCALE:-1}
debug_scale=${BENCH_DEBUG_SCALE:-0.2}
timeout=${BENCH_TIMEOUT:-120}
allocators=${BENCH_ALLOCATORS:-glibc jemalloc mimalloc tcmalloc liballoc liballoc-nostats liballoc-noguard}

# shellcheck source=bench/allocators.sh
. "$here/allocators.sh"
# shellcheck source=bench/callgrind.sh
. "$here/callgrind.sh"
# shellcheck source=bench/tracers.sh
. "$here/tracers.sh"
# shellcheck source=bench/apps.sh
. "$here/apps.sh"

case "$out" in /*) ;; *) out=$root/$out ;; esac

for tool in allocbench bench-exec fastpath; do
	if [ ! -x "$bin/$tool" ]; then
		echo "bench: $bin/$tool missing; run 'make' first" >&2
		exit 2
	fi
done
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
	echo "bench: BENCH_RUNS must be a positive integer, got '$runs'" >&2
	exit 2
fi
for t in $threads; do
	if ! [[ "$t" =~ ^[1-9][0-9]*$ ]]; then
		echo "bench: BENCH_THREADS must be positive integers, got '$threads'" >&2
		exit 2
	fi
done
for s in "$scale" "$debug_scale"; do
	if ! [[ "$s" =~ ^[0-9]*\.?[0-9]+$ ]]; then
		echo "bench: BENCH_SCALE and BENCH_DEBUG_SCALE must be positive numbers, got '$s'" >&2
		exit 2
	fi
done
for a in $allocators; do
	if ! alloc_known "$a"; then
		echo "bench: unknown allocator '$a' (known: $(alloc_known))" >&2
		exit 2
	fi
done
mkdir -p "$out" || exit 2

workloads=${BENCH_WORKLOADS:-$("$bin/allocbench" --list | awk '{print $1}')}
declare -A is_mt
while read -r name kind _; do is_mt[$name]=$kind; done < <("$bin/allocbench" --list)
for w in $workloads; do
	if [ -z "${is_mt[$w]:-}" ]; then
		echo "bench: unknown workload '$w'" >&2
		exit 2
	fi
done

apps=${BENCH_APPS-$APPS_KNOWN}
for a in $apps; do
	case " $APPS_KNOWN " in *" $a "*) ;; *)
		echo "bench: unknown app '$a' (known: $APPS_KNOWN)" >&2
		exit 2 ;;
	esac
done

raw=$out/latest.tsv
tmp_raw=$(mktemp)
tracers=$(mktemp)
trap 'rm -f "$tmp_raw" "$tracers"' EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM
printf 'section\tallocator\tworkload\tthreads\trun\tstatus\ttime_s\tmaxrss_kb\tanon_maps\tanon_maps_peak\tchecksum\terrors\textra\n' >"$tmp_raw"

# note_tracers: remember anyone tracing liballoc while we measure it
note_tracers() {
	local now
	now=$(liballoc_tracers)
	[ -z "$now" ] && return
	echo "bench: WARNING: uprobes on liballoc.so by: $now (liballoc's numbers may be off)" >&2
	echo "$now" >>"$tracers"
}

# run_one SECTION ALLOCATOR WORKLOAD THREADS RUN SCALE: one measured run, one TSV line.
run_one() {
	local section=$1 alloc=$2 wl=$3 t=$4 rep=$5 sc=$6 preload output status
	local -a envs=()
	if ! preload=$(alloc_preload "$alloc"); then
		printf '%s\t%s\t%s\t%s\t%s\tmissing\t\t\t\t\t\t\t\n' "$section" "$alloc" "$wl" "$t" "$rep" >>"$tmp_raw"
		return
	fi
	for e in $(alloc_env "$alloc"); do envs+=(-e "$e"); done
	output=$("$bin/bench-exec" -t "$timeout" -p "$preload" "${envs[@]}" -- \
		"$bin/allocbench" -t "$t" -s "$sc" "$wl" 2>/dev/null)
	status=$(sed -n 's/.*exec_status=\([^ ]*\).*/\1/p' <<<"$output")
	field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$output" | head -n1; }
	local extra
	extra=$(grep -o 'rss_phase[0-9]_kb=[0-9-]*' <<<"$output" | tr '\n' ' ')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$section" "$alloc" "$wl" "$t" \
		"$rep" "${status:-unknown}" "$(field time_s)" "$(field maxrss_kb)" "$(field anon_maps)" \
		"$(field anon_maps_peak)" "$(field checksum)" "$(field errors)" "$extra" >>"$tmp_raw"
	[ "${status:-}" = ok ] || echo "bench: $alloc $wl t=$t run $rep: ${status:-no output}" >&2
}

# run_app SECTION ALLOCATOR APP RUN: one run of a real program, one TSV line.
run_app() {
	local status time rss extra
	read -r status time rss extra < <(run_app_row "$2" "$3")
	[ "$time" = - ] && time=
	[ "$rss" = - ] && rss=
	[ "$extra" = - ] && extra=
	printf '%s\t%s\t%s\t1\t%s\t%s\t%s\t%s\t\t\t\t\t%s\n' "$1" "$2" "$3" "$4" "$status" "$time" \
		"$rss" "$extra" >>"$tmp_raw"
	[ "$status" = ok ] || echo "bench: $2 app $3 run $4: $status" >&2
}

# cells: workload:threads, single-threaded workloads only once
cells=()
for w in $workloads; do
	if [ "${is_mt[$w]}" = mt ]; then
		for t in $threads; do cells+=("$w:$t"); done
	else
		cells+=("$w:1")
	fi
done

read -ra alloc_list <<<"$allocators"
start=$(date +%s)
read -ra app_list <<<"$apps"
echo "bench: ${#cells[@]} cells + ${#app_list[@]} apps x ${#alloc_list[@]} allocators x $runs runs (scale $scale)"
# Interleave: every run visits every cell, and inside a cell the allocator
# order rotates, so slow drifts of the machine hit all allocators alike.
for ((rep = 1; rep <= runs; rep++)); do
	note_tracers
	for cell in "${cells[@]}"; do
		wl=${cell%%:*}
		t=${cell##*:}
		n=${#alloc_list[@]}
		for ((k = 0; k < n; k++)); do
			run_one main "${alloc_list[$(((k + rep) % n))]}" "$wl" "$t" "$rep" "$scale"
		done
	done
	for app in "${app_list[@]}"; do
		for ((k = 0; k < n; k++)); do
			run_app main "${alloc_list[$(((k + rep) % n))]}" "$app" "$rep"
		done
	done
	echo "bench: run $rep/$runs done ($(($(date +%s) - start)) s)"
done

if [ "${BENCH_DEBUG:-1}" = 1 ]; then
	# Cost of each debug check, against production liballoc and the debug peers.
	debug_cells=${BENCH_DEBUG_CELLS:-small-pairs:1 mixed-heap:1 larson:2 xmalloc:1 cfrac:1}
	read -ra dbg_list <<<"$DEBUG_CONFIGS"
	for ((rep = 1; rep <= runs; rep++)); do
		note_tracers
		for cell in $debug_cells; do
			wl=${cell%%:*}
			t=${cell##*:}
			[ -n "${is_mt[$wl]:-}" ] || continue
			n=${#dbg_list[@]}
			for ((k = 0; k < n; k++)); do
				run_one debug "${dbg_list[$(((k + rep) % n))]}" "$wl" "$t" "$rep" "$debug_scale"
			done
		done
	done
	echo "bench: debug check cost done ($(($(date +%s) - start)) s)"
fi

callgrind_tsv='' stats_tsv=''
if [ "${BENCH_CALLGRIND:-1}" = 1 ]; then
	callgrind_tsv=$out/callgrind.tsv
	note_tracers
	# the budget verdict is the report's business here, not this script's exit status
	bash "$here/fastpath-budget.sh" --all --tsv "$callgrind_tsv" >/dev/null 2>&1
	grep -q 'failed$' "$callgrind_tsv" &&
		echo "bench: callgrind could not measure some allocators (see $callgrind_tsv)" >&2
	# stats on vs off in instructions: deterministic, unlike wall time on a busy machine
	stats_tsv=$out/callgrind-stats.tsv
	printf 'workload\tthreads\tir_stats_on\tir_stats_off\n' >"$stats_tsv"
	for cell in ${BENCH_STATS_CELLS:-small-pairs:1 mixed-heap:1 larson:2 xmalloc:1 cfrac:1}; do
		wl=${cell%%:*} t=${cell##*:}
		on=$(callgrind_ir liballoc "$bin/allocbench" -t "$t" -s 0.02 "$wl") || on=
		off=$(callgrind_ir liballoc-nostats "$bin/allocbench" -t "$t" -s 0.02 "$wl") || off=
		printf '%s\t%s\t%s\t%s\n' "$wl" "$t" "$on" "$off" >>"$stats_tsv"
	done
	echo "bench: callgrind done ($(($(date +%s) - start)) s)"
fi

short_tsv=''
if [ "${BENCH_SHORT:-1}" = 1 ]; then
	# CPU of short processes, liballoc against glibc (issue 16)
	short_tsv=$out/short-procs.tsv
	note_tracers
	BENCH_BIN=$bin BENCH_OUT=$out bash "$here/short-procs.sh" --tsv "$short_tsv" >/dev/null ||
		echo "bench: short-procs failed" >&2
	echo "bench: short processes done ($(($(date +%s) - start)) s)"
fi

note_tracers
mv "$tmp_raw" "$raw"
sort -u "$tracers" >"$out/tracers.txt"
rm -f "$tracers"
trap - EXIT
/usr/bin/python3 "$here/report.py" --raw "$raw" --callgrind "$callgrind_tsv" --stats-ir "$stats_tsv" \
	--short-procs "$short_tsv" --tracers "$out/tracers.txt" \
	--out "$out" --runs "$runs" --scale "$scale" --debug-scale "$debug_scale" || exit 1
# the headline on the terminal: targets and wall-time ratios
sed -n '/^## Targets/,/^## Peak RSS/p' "$out/latest.md" | grep '^|'
echo "bench: wrote $out/latest.md ($(($(date +%s) - start)) s total)"
