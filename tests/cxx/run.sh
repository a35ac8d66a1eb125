#!/bin/bash
# run.sh BUILD_DIR - the C++ operator tests (see build.mk):
#   operators         preloaded and linked, in production and with the checks
#                     that keep the plain layout and that use the debug layout:
#                     every test passes and liballoc reports nothing
#   no_runtime        a C program calling operator new for too much, preloaded
#                     and linked: the nothrow form gives NULL, the throwing one
#                     says there is no C++ runtime and aborts
#   no libstdc++      liballoc.so needs none, and a preloaded C program maps none
#   free probe        (root, bpftrace) the free probe's size is what a sized
#                     delete was given, and 0 for an unsized one
# Ends with "N passed, M failed"; exits non-zero on any failure.
set -u
. "$(dirname "$0")/../integration/summary.sh"
build=$(cd "${1:-build}" && pwd) || exit 2
dir=$build/tests/cxx
lib=$build/liballoc.so
passed=0 failed=0 skipped=0
failures=()
tmp=$(mktemp -d /tmp/liballoc-cxx.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
ulimit -c 0

pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() {
	failed=$((failed + 1))
	failures+=("$1")
	echo "FAIL $1: $2"
	[ -s "$tmp/err" ] && head -n 12 "$tmp/err" | sed 's/^/   | /'
	[ -s "$tmp/out" ] && grep -v '^PASS' "$tmp/out" | head -n 12 | sed 's/^/   > /'
	return 0
}

# operators LABEL CONF BINARY [ARGS...]: every test passes, no liballoc report.
operators() {
	local label=$1 conf=$2 bin=$3
	shift 3
	local -a env=()
	[ -n "$conf" ] && env+=(LIBALLOC_CONF="$conf")
	[[ $bin == *-static ]] || env+=(LD_PRELOAD="$lib")
	env -u LIBALLOC_CONF "${env[@]}" timeout -k 5 120 "$dir/$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -ne 0 ]; then
		fail "$label" "exit $rc"
	elif grep -q '^liballoc: ' "$tmp/err"; then
		fail "$label" "liballoc reported a correct program"
	elif ! grep -q '^0 failed$' "$tmp/out"; then
		fail "$label" "the program did not finish its tests"
	else
		pass "$label ($(grep -c '^PASS' "$tmp/out") tests)"
	fi
}

operators "operators, preloaded" "" operators
operators "operators, linked with liballoc.a" "" operators-static
operators "operators, preloaded, check_free" check_free:true operators --checked
operators "operators, preloaded, junk and check_free" junk:true,check_free:true operators --checked
operators "operators, preloaded, debug" debug:true operators --checked
operators "operators, linked, check_free" check_free:true operators-static --checked
operators "operators, linked, debug" debug:true operators-static --checked

# no_runtime BINARY: nothrow NULL, then a clear message and SIGABRT.
no_runtime() {
	local bin=$1 label="no C++ runtime: operator new aborts with a message ($1)"
	local -a env=()
	[[ $bin == *-static ]] || env+=(LD_PRELOAD="$lib")
	{ env -u LIBALLOC_CONF "${env[@]}" timeout -k 5 60 "$dir/$bin" >"$tmp/out" 2>"$tmp/err"; } 2>/dev/null
	local rc=$?
	if [ $rc -ne 134 ]; then
		fail "$label" "exit $rc, expected SIGABRT"
	elif ! grep -qx 'nothrow: (nil)' "$tmp/out" || ! grep -qx 'small: ok' "$tmp/out"; then
		fail "$label" "the nothrow form or a small new misbehaved"
	elif ! grep -q 'no C++ runtime to throw std::bad_alloc' "$tmp/err"; then
		fail "$label" "no message saying why"
	else
		pass "$label"
	fi
}
no_runtime no_runtime
no_runtime no_runtime-static
: >"$tmp/err" >"$tmp/out"

label="liballoc.so needs no libstdc++, and a preloaded C program maps none"
if readelf -d "$lib" | grep -q 'NEEDED.*stdc++'; then
	fail "$label" "liballoc.so has libstdc++ as NEEDED"
elif LD_PRELOAD=$lib cat /proc/self/maps >"$tmp/out" && grep -q 'libstdc++' "$tmp/out"; then
	fail "$label" "libstdc++ is mapped into cat"
elif ! grep -q liballoc "$tmp/out"; then
	fail "$label" "liballoc.so was not preloaded into cat"
else
	pass "$label"
fi

# The free probe: bench/fastpath_new frees 48-byte blocks
# with operator delete(p, 48), then with operator delete(p) (10000 warm-up
# pairs each run, plus the pairs asked for).
label="the free probe carries the size a sized delete was given"
if [ "$(id -u)" -ne 0 ] || ! bpftrace -e 'BEGIN { exit(); }' >/dev/null 2>&1; then
	echo "SKIP $label: needs root and a working bpftrace"
	skipped=$((skipped + 1))
else
	bpftrace -e "BEGIN { printf(\"tracing\\n\"); }
		usdt:$lib:liballoc:free /comm == \"fastpath_new\"/ { @sizes[arg1] = count(); }
		interval:s:5 { exit(); }" >"$tmp/out" 2>"$tmp/err" &
	tracer=$!
	for ((i = 0; i < 150; i++)); do
		grep -q '^tracing' "$tmp/out" && break
		sleep 0.2
	done
	# Exact counts: without the samplers, whose first sample loads
	# libunwind (its dlopen frees blocks of its own).
	LIBALLOC_CONF=prof_sample:0,guard_sample:0 LD_PRELOAD=$lib "$build/bench/fastpath_new" 2000 sized 48 &&
		LIBALLOC_CONF=prof_sample:0,guard_sample:0 LD_PRELOAD=$lib "$build/bench/fastpath_new" 1000 delete 48
	wait "$tracer"
	if grep -qx '@sizes\[48\]: 12000' "$tmp/out" && grep -qx '@sizes\[0\]: 11000' "$tmp/out"; then
		pass "$label"
	else
		fail "$label" "expected 12000 frees told 48 and 11000 told nothing"
	fi
fi
print_summary
