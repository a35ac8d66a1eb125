#!/bin/bash
# tests/guard/run.sh BUILD_DIR - guarded samples (see build.mk):
#   pool     guard_pool (cmocka) under guard_sample:1 with every block
#            against its upper guard (guard_lower:0), then its lower one
#   fault    guard_faults MODE: exactly one report of the right kind on the
#            block the program names, with the access, allocation (and free)
#            stacks through the program; SIGABRT under on_error:abort, the
#            program carrying on under on_error:report
#   chain    sig_chain MODE: stdout and exit status the same with and without
#            liballoc, its handler installed after the program's or before
#   python   python3 -X faulthandler: a crash outside the pool is python's
#            as without liballoc; a pool fault is reported, then python's
#            faulthandler reports the abort (pool made before and after
#            faulthandler was installed)
# Ends with "N passed, M failed"; exits non-zero on any failure.
set -u
build=$(cd "${1:-build}" && pwd) || exit 2
dir=$build/tests/guard
lib=$build/liballoc.so
tmp=$(mktemp -d /tmp/liballoc-guard.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
ulimit -c 0
passed=0 failed=0

pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() {
	failed=$((failed + 1))
	echo "FAIL $1: $2"
	[ -s "$tmp/err" ] && head -n 30 "$tmp/err" | sed 's/^/    | /'
	return 0
}

# run CONF CMD...: under liballoc; leaves $tmp/out, $tmp/err and $rc.
run() {
	local conf=$1
	shift
	{ env LIBALLOC_CONF="$conf" LD_PRELOAD="$lib" timeout -k 5 120 "$@" >"$tmp/out" 2>"$tmp/err"; } 2>/dev/null
	rc=$?
}

# --- pool -------------------------------------------------------------
for conf in guard_sample:1,guard_lower:0,guard_slots:32 guard_sample:1,guard_lower:1 \
	guard_sample:1,guard_lower:2,guard_slots:256; do
	run "$conf" "$dir/guard_pool"
	if [ $rc -eq 0 ] && cat "$tmp/out" "$tmp/err" | grep -q 'PASSED.*8 test'; then
		pass "guard_pool [$conf] ($(grep -m1 'allocations guarded' "$tmp/out"))"
	else
		cp "$tmp/out" "$tmp/err"
		fail "guard_pool [$conf]" "exit $rc"
	fi
done

# --- fault ------------------------------------------------------------
# expect_report LABEL KIND WHAT...: one report of KIND on the block the
# program printed, carrying each WHAT (a regular expression) after it.
expect_report() {
	local label=$1 kind=$2 n block line
	shift 2
	n=$(grep -cE '^liballoc: [a-z-]+ on 0x' "$tmp/err")
	[ "$n" -eq 1 ] || { fail "$label" "$n reports, expected 1"; return 1; }
	line=$(grep -E '^liballoc: ' "$tmp/err")
	block=$(sed -n 's/^block \(0x[0-9a-f]*\) size.*/\1/p' "$tmp/out" | head -n 1)
	[[ $line == "liballoc: $kind on $block (size "* ]] ||
		{ fail "$label" "report is not '$kind on $block': $line"; return 1; }
	local what
	for what in "$@"; do
		grep -qE -- "$what" "$tmp/err" || { fail "$label" "the report lacks /$what/"; return 1; }
	done
	return 0
}

STACK='guard_faults\(' # backtrace_symbols_fd: "path/guard_faults(+0x...)"
# fault MODE CONF KIND ON_ABORT_RC ON_REPORT_STDOUT WHAT...
fault() {
	local mode=$1 conf=$2 kind=$3 abort_rc=$4 carry=$5
	shift 5
	run "$conf" "$dir/guard_faults" "$mode"
	if expect_report "$mode [$conf]" "$kind" "$@"; then
		if [ $rc -eq "$abort_rc" ]; then
			pass "$mode [$conf]"
		else
			fail "$mode [$conf]" "exit $rc, expected $abort_rc"
		fi
	fi
	run "$conf,on_error:report" "$dir/guard_faults" "$mode"
	if expect_report "$mode [$conf,on_error:report]" "$kind" "$@"; then
		if [ $rc -eq 0 ] && grep -qxE "$carry" "$tmp/out"; then
			pass "$mode [$conf,on_error:report]"
		else
			fail "$mode [$conf,on_error:report]" "exit $rc, stdout lacks '$carry'"
		fi
	fi
}

up=guard_sample:1,guard_lower:0
down=guard_sample:1,guard_lower:1
fault overflow-write $up buffer-overflow 134 done 'a write at 0x[0-9a-f]+, offset 64 ' \
	'^  access:' "$STACK" '^  allocated in thread [0-9]+:'
# The access stack is unwound in the signal handler through the signal
# frame to the program's start (libc's __libc_start_main), although
# guard_faults (-O1) keeps no frame pointers and the fault comes among the
# thread's first stacks (its first with libunwind's cursor walk,
# sys/unwind_cursor.c, which needs libunwind's thread-local data made too).
run $up "$dir/guard_faults" overflow-write
if sed -n '/^  access:/,/^  allocated in thread/p' "$tmp/err" | grep -q '/libc\.so\.6(__libc_start_main'; then
	pass "overflow-write: the access stack reaches the program's start"
else
	fail "overflow-write" "the access stack does not reach __libc_start_main"
fi
fault overflow-read $up buffer-overflow 134 'read 0' 'a read at 0x[0-9a-f]+, offset 64 ' \
	'^  access:' "$STACK"
fault underflow-write $down buffer-underflow 134 done 'a write at 0x[0-9a-f]+, offset -1 ' "$STACK"
fault underflow-read $down buffer-underflow 134 'read 0' 'a read at 0x[0-9a-f]+, offset -1 ' "$STACK"
# placed the other way round, a write is still found at free, in the fill
fault underflow-write $up buffer-underflow 134 done 'detected in free' 'bytes: 58' \
	'the fill before it was written'
fault overflow-write $down buffer-overflow 134 done 'detected in free' 'bytes: 58'
fault uaf-write $up use-after-free 134 done 'a write at 0x[0-9a-f]+, offset 10 .*freed' \
	"$STACK" '^  allocated in thread' '^  freed in thread'
fault uaf-read $up use-after-free 134 'read [0-9]+' 'a read at' '^  freed in thread'
fault slack-write $up buffer-overflow 134 done 'detected in free' 'bytes: 58'
fault thread-overflow $up buffer-overflow 134 done 'in thread [0-9]+ \(worker\)' "$STACK"
fault fork-uaf $up use-after-free 0 'child exit 0' '^  freed in thread'
run $up "$dir/guard_faults" fork-uaf
if grep -qx 'child signal 6' "$tmp/out"; then
	pass "fork-uaf: the child aborts after its report, the parent goes on"
else
	fail "fork-uaf" "child did not abort: $(tr '\n' ' ' <"$tmp/out")"
fi
fault copy-overflow $up buffer-overflow 134 done 'a write at'
fault double-free $up double-free 134 done 'a second free' '^  freed in thread'
fault realloc-old $up use-after-free 134 done '^  freed in thread'

# --- chain ------------------------------------------------------------
for mode in own-after own-before plain query default-crash ignore-crash ignore-raise \
	raise-handler resethand longjmp nodefer; do
	{ timeout -k 5 60 "$dir/sig_chain" "$mode" >"$tmp/ref" 2>"$tmp/ref.err"; } 2>/dev/null
	ref_rc=$?
	conf=guard_sample:1,on_error:report
	[ "$mode" = own-before ] && conf=guard_sample:0,on_error:report
	run "$conf" "$dir/sig_chain" "$mode"
	reports=$(grep -cE '^liballoc: [a-z-]+ on 0x' "$tmp/err")
	want=0
	case $mode in own-after | own-before | plain | longjmp) want=1 ;; esac
	if [ $rc -ne $ref_rc ] || ! cmp -s "$tmp/ref" "$tmp/out"; then
		fail "sig_chain $mode" "exit $rc / $(tr '\n' ' ' <"$tmp/out"), without liballoc exit $ref_rc / $(tr '\n' ' ' <"$tmp/ref")"
	elif [ "$reports" -ne $want ]; then
		fail "sig_chain $mode" "$reports liballoc reports, expected $want"
	else
		pass "sig_chain $mode (exit $rc, as without liballoc; $reports pool report(s))"
	fi
done

# --- python -------------------------------------------------------------
if [ -x /usr/bin/python3 ]; then
	py=(/usr/bin/python3 -X faulthandler)
	{ "${py[@]}" -c 'import ctypes; ctypes.string_at(0)' >/dev/null 2>"$tmp/ref.err"; } 2>/dev/null
	ref_rc=$?
	run guard_sample:1 "${py[@]}" -c 'import ctypes; ctypes.string_at(0)'
	if [ $rc -eq $ref_rc ] && grep -q '^Fatal Python error: Segmentation fault' "$tmp/err" &&
		! grep -q '^liballoc:' "$tmp/err"; then
		pass "python3 faulthandler: a crash outside the pool is python's (exit $rc)"
	else
		fail "python3 faulthandler outside the pool" "exit $rc (without liballoc $ref_rc)"
	fi
	cat >"$tmp/pool.py" <<'EOF'
import ctypes, sys
libc = ctypes.CDLL(None)
if sys.argv[1] == "switch":  # the pool comes after faulthandler's handler
    one = ctypes.c_uint64(1)
    assert libc.alloc_ctl(b"debug.guard_sample", None, None, ctypes.byref(one), 8) == 0
libc.malloc.restype = ctypes.c_void_p
p = libc.malloc(64)
ctypes.memset(p + 64, 0, 1)
print("not reached")
EOF
	for how in "guard_sample:0,guard_lower:0 switch" "guard_sample:1,guard_lower:0,guard_slots:4096 start"; do
		set -- $how
		run "$1" "${py[@]}" "$tmp/pool.py" "$2"
		if [ $rc -eq 134 ] && grep -q '^liballoc: buffer-overflow on 0x' "$tmp/err" &&
			grep -q '^Fatal Python error: Aborted' "$tmp/err" &&
			grep -q 'pool.py", line 8' "$tmp/err"; then
			pass "python3 faulthandler: a pool fault reported, then python's abort report [$1]"
		else
			fail "python3 faulthandler, pool fault [$1]" "exit $rc"
		fi
	done
else
	echo "SKIP python3 faulthandler: no /usr/bin/python3"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
