#!/bin/bash
# bench/smoke.sh - quick correctness check of the benchmark suite (no timing
# assertions): every workload runs once, briefly, under glibc and under
# liballoc with no content errors and the same checksum; the harness writes
# a report in quick mode, reports a missing library and a crashing one as
# failed without stopping, and a broken malloc is caught by the checksums.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/paths.sh
. "$here/paths.sh"
liballoc=$BENCH_LIBALLOC
scale=${SMOKE_SCALE:-0.01}
passed=0 failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2" | head -n1; }

# run_wl PRELOAD WORKLOAD THREADS: print allocbench + bench-exec output
run_wl() {
	"$bin/bench-exec" -t 120 -p "$1" -- "$bin/allocbench" -t "$3" -s "$scale" "$2" 2>&1
}

have_liballoc=1
if [ ! -r "$liballoc" ]; then
	have_liballoc=0
	echo "SKIP: liballoc parts ($liballoc not built)"
fi

while read -r wl kind _; do
	t=1
	[ "$kind" = mt ] && t=2
	ref=$(run_wl "" "$wl" "$t")
	ref_sum=$(field checksum "$ref")
	if [ "$(field exec_status "$ref")" = ok ] && [ "$(field errors "$ref")" = 0 ] && [ -n "$ref_sum" ]; then
		pass "$wl t$t under glibc (checksum $ref_sum)"
	else
		fail "$wl t$t under glibc: $ref"
		continue
	fi
	[ "$have_liballoc" = 1 ] || continue
	got=$(run_wl "$liballoc" "$wl" "$t")
	if [ "$(field exec_status "$got")" != ok ]; then
		fail "$wl t$t under liballoc: $(field exec_status "$got"): $got"
	elif [ "$(field checksum "$got")" != "$ref_sum" ]; then
		fail "$wl t$t under liballoc: checksum $(field checksum "$got") != glibc's $ref_sum"
	else
		pass "$wl t$t under liballoc, same checksum"
	fi
done < <("$bin/allocbench" --list)

# the checksum depends only on the work done, so two identical runs agree
a=$(run_wl "" larson 1) b=$(run_wl "" larson 1)
if [ "$(field checksum "$a")" = "$(field checksum "$b")" ] && [ -n "$(field checksum "$a")" ]; then
	pass "larson checksum is repeatable"
else
	fail "larson checksum differs between two identical runs"
fi

# a malloc that corrupts blocks must be caught
if [ -r "$bin/broken-malloc.so" ]; then
	out=$(run_wl "$bin/broken-malloc.so" mixed-heap 1)
	errs=$(field errors "$out")
	if [ "$(field exec_status "$out")" = exit:1 ] && [ -n "$errs" ] && [ "$errs" -gt 0 ]; then
		pass "broken malloc detected ($errs corrupted objects)"
	else
		fail "broken malloc not detected: $out"
	fi
else
	fail "$bin/broken-malloc.so not built"
fi

# the fast-path budget verdict, on a library with a known cost (jemalloc, ~77)
jemalloc_lib=${BENCH_PEER_LIBDIR:-/usr/lib/x86_64-linux-gnu}/libjemalloc.so.2
if ! command -v valgrind >/dev/null || [ ! -r "$jemalloc_lib" ]; then
	echo "SKIP: fastpath-budget verdicts (valgrind or $jemalloc_lib missing)"
else
	fp() { BENCH_LIBALLOC=$jemalloc_lib FASTPATH_N1=2000 FASTPATH_N2=12000 \
		bash "$here/fastpath-budget.sh" "$1" >"$work/fp.out" 2>&1; }
	fp 1000
	rc_hi=$?
	fp 10
	rc_lo=$?
	if [ $rc_hi = 0 ] && [ $rc_lo = 1 ] && grep -q 'OVER budget of 10' "$work/fp.out"; then
		pass "fastpath-budget: exit 0 within budget, 1 over it"
	else
		fail "fastpath-budget: rc $rc_hi for budget 1000, $rc_lo for 10: $(cat "$work/fp.out")"
	fi
	bash "$here/fastpath-budget.sh" lots >"$work/fp.out" 2>&1
	rc=$?
	if [ $rc = 2 ] && grep -q "bad budget 'lots'" "$work/fp.out"; then
		pass "fastpath-budget: bad budget rejected"
	else
		fail "fastpath-budget: bad budget: rc=$rc: $(cat "$work/fp.out")"
	fi
fi

# the report: medians, ratio to the best peer, and a wrong checksum counted as a failure
{
	printf 'section\tallocator\tworkload\tthreads\trun\tstatus\ttime_s\tmaxrss_kb\tanon_maps\tanon_maps_peak\tchecksum\terrors\textra\n'
	for run in 1 2 3; do
		printf 'main\tglibc\tlarson\t1\t%s\tok\t%s\t1000\t4\t9\tabc\t0\t\n' $run "$((run + 1))"
		printf 'main\tjemalloc\tlarson\t1\t%s\tok\t1\t2000\t6\t7\tabc\t0\t\n' $run
		printf 'main\tliballoc\tlarson\t1\t%s\tok\t0.5\t1000\t5\t5\t%s\t0\t\n' $run \
			"$([ $run = 2 ] && echo bad || echo abc)"
	done
} >"$work/synthetic.tsv"
if /usr/bin/python3 "$here/report.py" --raw "$work/synthetic.tsv" --out "$work/synthetic" \
	>"$work/report.out" 2>&1 && md=$work/synthetic/latest.md &&
	grep -q '^| larson t1 | 3.000 (3.00) | 1.000 (1.00) | 0.500 (0.50) |' "$md" &&
	grep -q 'liballoc on larson t1: checksum-mismatch x1' "$md" &&
	grep -q '^| larson t1 | 1.0 (0.50) | 2.0 (1.00) | 1.0 (0.50) |' "$md" &&
	grep -q '^| larson t1 | 9 / 4 | 7 / 6 | 5 / 5 |' "$md"; then
	pass "report: medians, ratios, mappings and checksum mismatch"
else
	fail "report on synthetic runs: $(cat "$work/report.out"; cat "$work/synthetic/latest.md" 2>/dev/null)"
fi

# the targets pair the runs of one round: a slow round for liballoc alone
# (round 1) is outvoted, where a ratio of medians would say 2.0
hdr='section\tallocator\tworkload\tthreads\trun\tstatus\ttime_s\tmaxrss_kb\tanon_maps\tanon_maps_peak\tchecksum\terrors\textra\n'
{
	printf "$hdr"
	for run_je_la in "1 1 2" "2 1 1.05" "3 4 4.2"; do
		set -- $run_je_la
		printf 'main\tjemalloc\tfrag\t1\t%s\tok\t%s\t1000\t4\t4\tabc\t0\t\n' "$1" "$2"
		printf 'main\tliballoc\tfrag\t1\t%s\tok\t%s\t1000\t4\t4\tabc\t0\t\n' "$1" "$3"
	done
	# the best peer changes from round to round: per round liballoc is 1.1x the
	# best (a ratio of medians would say 0.55); RSS 1.5x tcmalloc's
	for run_g_t_l in "1 1 3 1.1" "2 3 1 1.1" "3 2 3 2.2"; do
		set -- $run_g_t_l
		printf 'main\tglibc\txmalloc\t1\t%s\tok\t%s\t1000\t4\t4\tx\t0\t\n' "$1" "$2"
		printf 'main\ttcmalloc\txmalloc\t1\t%s\tok\t%s\t2000\t4\t4\tx\t0\t\n' "$1" "$3"
		printf 'main\tliballoc\txmalloc\t1\t%s\tok\t%s\t3000\t4\t4\tx\t0\t\n' "$1" "$4"
		printf 'main\ttcmalloc\tlarge\t1\t%s\tok\t1\t2000\t4\t4\ty\t0\t\n' "$1"
		printf 'main\tliballoc\tlarge\t1\t%s\tok\t1\t3000\t4\t4\ty\t0\t\n' "$1"
		# an app cell: no checksum, its own second measure
		printf 'main\tglibc\tredis\t1\t%s\tok\t2\t4000\t\t\t\t\tclient_wall_s=1.5\n' "$1"
		printf 'main\tliballoc\tredis\t1\t%s\tok\t1\t5000\t\t\t\t\tclient_wall_s=0.5\n' "$1"
		# debug section: debug:true 0.5x tcmalloc-debug, junk+check_free 2x jemalloc junk
		for a_t in "liballoc 1" "liballoc-checkfree 1.2" "liballoc-debug 3" "tcmalloc-debug 6" \
			"liballoc-junk-checkfree 4" "jemalloc-junk 2"; do
			set -- $1 $a_t
			printf 'debug\t%s\tsmall-pairs\t1\t%s\tok\t%s\t1000\t4\t4\tz\t0\t\n' "$2" "$1" "$3"
		done
	done
} >"$work/paired.tsv"
printf 'allocator\tinsns_per_pair\tstatus\nliballoc\t47.5\tok\n' >"$work/cg.tsv"
printf 'command\truns\treps\tglibc_min_us\tglibc_median_us\tliballoc_min_us\tliballoc_median_us\tpaired_median\n/bin/true\t500\t15\t100\t110\t110\t132\t1.15\n' >"$work/short.tsv"
if /usr/bin/python3 "$here/report.py" --raw "$work/paired.tsv" --callgrind "$work/cg.tsv" \
	--short-procs "$work/short.tsv" --out "$work/paired" >"$work/report.out" 2>&1 &&
	md=$work/paired/latest.md &&
	grep -q '^| frag t1 | 1.05 | 1.00 | – |' "$md" &&
	grep -q '^| xmalloc t1 | 1.10 | – | 1.50 |' "$md" &&
	grep -q 'remote frees, xmalloc t1 time / best peer | 1.10 | <= 1.10 | PASS' "$md" &&
	grep -q 'worst cell (xmalloc t1) | 1.10 | <= 1.10 | PASS' "$md" &&
	grep -q 'large blocks, large t1 peak RSS / tcmalloc | 1.50 | <= 1.00 | FAIL' "$md" &&
	grep -q 'callgrind instructions per malloc+free pair.* | 47.5 | <= 48 | PASS' "$md" &&
	grep -q '^| redis t1 | 0.50 | – | – |' "$md" &&
	grep -q '^| liballoc | 1.000 | 0.500 | 4.9 |' "$md" &&
	grep -q 'debug:true / tcmalloc-debug, geomean | 0.50 | <= 0.80 | PASS' "$md" &&
	grep -q 'check_free:true / production liballoc, geomean | 1.20 | <= 1.30 | PASS' "$md" &&
	grep -q 'jemalloc junk:true, geomean | 2.00 | <= 1.00 | FAIL' "$md" &&
	grep -q '#16: `/bin/true` CPU / glibc, minimum | 1.100 | <= 1.15 | PASS' "$md" &&
	grep -q '#16: `/bin/true` CPU / glibc, median | 1.200 | <= 1.15 | FAIL' "$md"; then
	pass "report: targets paired per round (best peer per round, RSS, apps, debug, short processes)"
else
	fail "report on paired runs: $(cat "$work/report.out"; cat "$work/paired/latest.md" 2>/dev/null)"
fi

# bad usage gives a clear error and status 2
out=$("$bin/allocbench" no-such-workload 2>&1)
rc=$?
if [ $rc = 2 ] && grep -q "unknown workload 'no-such-workload'" <<<"$out"; then
	pass "unknown workload rejected"
else
	fail "unknown workload: rc=$rc: $out"
fi

# harness in quick mode: report written, missing and crashing libraries are failures, not aborts
printf '#include <stdlib.h>\n__attribute__((constructor)) static void die(void) { abort(); }\n' >"$work/crash.c"
if ! ${CC:-cc} -shared -fPIC -o "$work/crash.so" "$work/crash.c" 2>"$work/cc.err"; then
	fail "cannot build crashing library: $(cat "$work/cc.err")"
fi
for case_ in crash:$work/crash.so missing:$work/none.so broken:$bin/broken-malloc.so; do
	name=${case_%%:*} lib=${case_#*:}
	out=$work/out-$name
	BENCH_QUICK=1 BENCH_SCALE=$scale BENCH_DEBUG=0 BENCH_CALLGRIND=0 BENCH_OUT=$out \
		BENCH_APPS="" BENCH_SHORT=0 \
		BENCH_ALLOCATORS="glibc liballoc" BENCH_WORKLOADS="mixed-heap larson" \
		BENCH_LIBALLOC=$lib BENCH_BIN=$bin bash "$here/run.sh" >"$work/log-$name" 2>&1
	rc=$?
	md=$out/latest.md
	case $name in
	crash) want="liballoc on mixed-heap t1: signal:6" ;;
	missing) want="liballoc: library missing" ;;
	broken) want="liballoc on mixed-heap t1: exit:1" ;;
	esac
	if [ $rc = 0 ] && [ -s "$md" ] && grep -q '^| mixed-heap t1 | [0-9]' "$md" &&
		grep -q "$want" "$md" && grep -q '^| larson t2 |' "$md"; then
		pass "harness quick run with $name liballoc: report lists '$want'"
	else
		fail "harness quick run with $name liballoc (rc=$rc): $(tail -n 5 "$work/log-$name")"
	fi
done

# the real programs: redis-server and the compile job, each under glibc (for
# redis through libc-malloc.so) and liballoc, measured and in the report
if ! command -v redis-server >/dev/null || [ "$have_liballoc" = 0 ]; then
	echo "SKIP: app cells (redis-server or liballoc missing)"
else
	out=$work/out-apps
	BENCH_QUICK=1 BENCH_DEBUG=0 BENCH_CALLGRIND=0 BENCH_SHORT=0 BENCH_OUT=$out \
		BENCH_ALLOCATORS="glibc liballoc" BENCH_WORKLOADS="remote-churn" BENCH_SCALE=$scale \
		BENCH_APPS="redis cc" BENCH_REDIS_REQUESTS=2000 BENCH_BIN=$bin \
		bash "$here/run.sh" >"$work/log-apps" 2>&1
	rc=$?
	md=$out/latest.md
	if [ $rc = 0 ] && grep -q '^| redis t1 | [0-9.]* (1.00) | [0-9.]* ([0-9.]*) |' "$md" &&
		grep -q '^| cc t1 | [0-9.]* (1.00) | [0-9.]* ([0-9.]*) |' "$md" &&
		grep -q '^| remote-churn t2 | [0-9]' "$md" && ! grep -q '^## Failed runs' "$md" &&
		[ "$(grep -c $'\tredis\t1\t1\tok\t' "$out/latest.tsv")" = 2 ]; then
		pass "harness: redis and cc app cells measured under glibc and liballoc"
	else
		fail "harness app cells (rc=$rc): $(tail -n 5 "$work/log-apps"; grep -E 'redis|cc t1|Failed|^- ' "$md" 2>/dev/null)"
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
