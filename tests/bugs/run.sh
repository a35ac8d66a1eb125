#!/bin/bash
# tests/bugs/run.sh - run the bug corpus (tests/bugs/cases/*.c, *.cc) under liballoc.
#
# Every program commits one heap bug and says in its header what must happen:
#   // EXPECT: <kind>|none      kind: double-free invalid-free buffer-overflow
#                               buffer-underflow use-after-free size-mismatch
#                               alloc-dealloc-mismatch
#   // CONF: key:value,...      LIBALLOC_CONF for the checks-on runs (may be
#                               empty: the program switches checks itself)
#   // CHECKS-OFF: silent|silent-ub|invalid-free|caught|reported|silent-or-caught
#   // THREAD: name             the report must name this thread (optional)
#   // RING: yes                also verify the segment's event ring (optional)
#   // SWITCH: key=value ...    the checks-on runs switch these from outside,
#                               with allocdump --set, where the program waits
#   // TRACK: word ...          words the report must contain after its first
#                               line (track:true: "allocated", "freed")
#   // BYTE: hh                 the byte an overflow writes, which the report
#                               must show (default 58, the 'X' of bug_poke);
#                               none for a read, caught by a guard page
#
# Each program is run:
#   on-abort   with CONF: exactly one report of the right kind whose first line
#              has the contract's format and names the block, then SIGABRT;
#   on-report  with CONF,on_error:report: the same one report, and the program
#              runs to its end;
#   off        with no LIBALLOC_CONF and runtime switches skipped: no report
#              (silent: clean exit; silent-ub: the bug corrupts unchecked state,
#              any exit), or for invalid frees still exactly one invalid-free
#              report and SIGABRT, never a crash inside liballoc;
#              caught (what production mode detects with no settings: double
#              frees of blocks in the thread cache or free in their slab,
#              large double frees, overwritten free-list links): exactly one
#              report of the EXPECT kind, then SIGABRT;
#              reported: exactly one report, of any kind (production sees the
#              bug but cannot tell which: a free into an unused slot is found
#              as a second free when the cache flushes), then SIGABRT; such
#              a program must not allocate after its bug (bug_finish), or
#              the pointer can leave the cache before the flush sees it;
#              silent-or-caught (large and huge double frees, which the page
#              map may notice at no cost): a clean run, or one report of the
#              expected kind or invalid-free, then SIGABRT;
#   glibc      without liballoc, checks-off path: when glibc's default malloc
#              aborts with its own message on a bad free (EXPECT double-free
#              or invalid-free), liballoc's off run must have reported too
#              (production catches what glibc's does, given the rule above
#              for "reported" cases); glibc's other
#              aborts (an underflow that smashed its inline chunk header) are
#              shown; the counts of both are printed at the end;
#   ring       (RING: yes) with on_error:report and with on_error:ignore (no
#              report on stderr), paused at its end: allocdump --json must
#              show the event in the ring and counted.
#
# The same programs in each mode a user would try (production, check_free,
# junk+check_free, debug), every run classified as reported with the right
# kind, with another kind, crashed inside liballoc (a failure), crashed in
# the program, or silent: run-modes.sh (make test-bugs-modes).
#
# usage: tests/bugs/run.sh [NAME...]   env: BUILD, CC, LIBALLOC_SO, ALLOCDUMP
set -u
. "$(dirname "$0")/lib.sh"

LIB=${LIBALLOC_SO:-$BUILD/liballoc.so}
BIN="$BUILD/bugs"
ALLOCDUMP=${ALLOCDUMP:-$BUILD/allocdump}
PY=/usr/bin/python3
start_run
require_liballoc

REPORT_LINE="^liballoc: ($BUG_KINDS) on 0x"

# run_program NAME TAG [VAR=VALUE...]: run under liballoc with a clean
# LIBALLOC_CONF; leaves $TMP/TAG.out, $TMP/TAG.err and RC.
run_program() {
	local name=$1 tag=$2
	shift 2
	# (the braces keep bash's own "Aborted" notice out of the output)
	{ env -u LIBALLOC_CONF -u BUGS_CHECKS_OFF -u BUGS_PAUSE -u BUGS_SWITCH "$@" \
		LD_PRELOAD="$LIB" timeout -k 5 60 "$BIN/$name" \
		>"$TMP/$tag.out" 2>"$TMP/$tag.err"; } 2>/dev/null
	RC=$?
	return $RC
}

# run_rendezvous NAME TAG VAR ACTION [VAR=VALUE...]: like run_program, but the
# program stops where it calls bug_rendezvous(VAR); then "ACTION PID TAG" runs
# (it sets ACTION_WHY when it fails) and the program is let go.
run_rendezvous() {
	local name=$1 tag=$2 var=$3 action=$4 point="$TMP/$2.point" pid i a conf=
	shift 4
	# The action reads or writes the segment: it must exist at once (by
	# default it appears once a process has lived a second).
	local -a envs=()
	for a in "$@"; do
		case $a in
		LIBALLOC_CONF=*) conf=${a#LIBALLOC_CONF=} ;;
		*) envs+=("$a") ;;
		esac
	done
	envs+=(LIBALLOC_CONF="${conf:+$conf,}stats_publish:eager")
	run_program "$name" "$tag" "$var=$point" "${envs[@]}" &
	pid=$!
	for ((i = 0; i < 2000; i++)); do
		[ ! -e "$point.ready" ] && kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	ACTION_WHY=
	if [ -e "$point.ready" ]; then
		"$action" "$(cat "$point.ready")" "$tag"
	else
		ACTION_WHY="the program never reached its rendezvous"
	fi
	touch "$point"
	# the background run_program ran in a subshell: take RC from wait
	{ wait "$pid"; } 2>/dev/null
	RC=$?
}

# conf_with CONF EXTRA: join two LIBALLOC_CONF fragments with a comma.
conf_with() {
	if [ -z "$1" ]; then echo "$2"; elif [ -z "$2" ]; then echo "$1"; else echo "$1,$2"; fi
}

# check_report TAG KIND THREAD: exactly one report, of KIND, first line in the
# contract's format, about the block the program announced, with the
# offending bytes and a backtrace. Sets WHY.
check_report() {
	local tag=$1 kind=$2 thread=$3
	local err="$TMP/$tag.err" n line
	n=$(grep -cE "$REPORT_LINE" "$err")
	if [ "$n" -ne 1 ]; then
		WHY="$n report lines, expected 1"
		return 1
	fi
	line=$(grep -E "$REPORT_LINE" "$err")
	local format="^liballoc: $kind on 0x([0-9a-fA-F]+) \(size [0-9]+, class [^()]+\) in thread [0-9]+ \(([^()]*)\)$"
	if ! [[ $line =~ $format ]]; then
		WHY="report is not '$kind' in the contract's format: $line"
		return 1
	fi
	local addr=$((16#${BASH_REMATCH[1]})) name=${BASH_REMATCH[2]}
	if [ -n "$thread" ] && [ "$name" != "$thread" ]; then
		WHY="report names thread '$name', expected '$thread'"
		return 1
	fi
	# the program printed "bug-block: WHAT 0xPTR size N" just before the bug
	local mark ptr size
	mark=$(grep -m1 '^bug-block: ' "$TMP/$tag.out")
	if [[ $mark =~ 0x([0-9a-f]+)\ size\ ([0-9]+) ]]; then
		ptr=$((16#${BASH_REMATCH[1]}))
		size=${BASH_REMATCH[2]}
		case $kind in
		heap-corruption) ;; # the free block whose link was overwritten, or
				    # (found a step later) the address the link decoded to
		double-free | invalid-free | size-mismatch | alloc-dealloc-mismatch)
			if [ "$addr" -ne "$ptr" ]; then
				WHY=$(printf 'report is on 0x%x, the freed pointer was 0x%x' "$addr" "$ptr")
				return 1
			fi ;;
		*)
			if [ "$addr" -lt $((ptr - 4096)) ] || [ "$addr" -gt $((ptr + size + 4096)) ]; then
				WHY=$(printf 'report is on 0x%x, far from the block 0x%x (size %d)' "$addr" "$ptr" "$size")
				return 1
			fi ;;
		esac
	fi
	# then the offending bytes (for overflows) and a backtrace of the
	# detecting call, which passes through the program itself
	case $kind in
	buffer-overflow | buffer-underflow)
		if [ "$BYTE" != none ] &&
			! grep -vE "$REPORT_LINE" "$err" | grep -qiE "(^|[^0-9a-f])$BYTE([^0-9a-f]|\$)"; then
			WHY="the report does not show the offending byte $BYTE"
			return 1
		fi ;;
	esac
	# with track:true, where the block was allocated and first freed
	local word
	for word in $TRACK; do
		if ! grep -vE "$REPORT_LINE" "$err" | grep -qi "$word"; then
			WHY="the report does not say where the block was $word (track:true)"
			return 1
		fi
	done
	if ! grep -qF "${tag%.*}(" "$err"; then
		WHY="the report has no backtrace through ${tag%.*}"
		return 1
	fi
	return 0
}

no_report() {
	local n
	n=$(grep -cE '^liballoc: [a-z-]+ on ' "$TMP/$1.err")
	[ "$n" -eq 0 ] || { WHY="$n unexpected report line(s)"; return 1; }
}

finished() { grep -qx done "$TMP/$1.out"; }

verdict() {
	local ok=$1 label=$2 tag=$3
	if [ "$ok" -eq 0 ]; then
		pass "$label"
	else
		fail "$label: $WHY"
		show stderr "$TMP/$tag.err"
		show stdout "$TMP/$tag.out" 4
	fi
}

# A run that must end cleanly with no report at all.
expect_clean() {
	local tag=$1
	no_report "$tag" || return 1
	[ "$RC" -eq 0 ] && finished "$tag" || { WHY="$(describe_status $RC) before the end, expected a clean run"; return 1; }
}

# One report, then death by SIGABRT (on_error:abort, the default).
expect_abort() {
	check_report "$1" "$2" "$3" || return 1
	[ "$RC" -eq 134 ] || { WHY="$(describe_status $RC), expected SIGABRT after the report"; return 1; }
}

# One report, and the program carries on to its end (on_error:report).
expect_carry_on() {
	check_report "$1" "$2" "$3" || return 1
	[ "$RC" -eq 0 ] && finished "$1" || { WHY="$(describe_status $RC) before the end, expected the program to carry on"; return 1; }
}

# run_checked NAME TAG [VAR=VALUE...]: a checks-on run; a program with a
# SWITCH header gets its checks from outside at its rendezvous.
run_checked() {
	local name=$1 tag=$2
	shift 2
	if [ -z "$SWITCH" ]; then
		run_program "$name" "$tag" "$@"
		ACTION_WHY=
	else
		run_rendezvous "$name" "$tag" BUGS_SWITCH switch_from_outside "$@"
	fi
}

# judge_checked TAG EXPECT THREAD ON_ERROR: verdict of a checks-on run.
judge_checked() {
	local tag=$1 expect=$2 thread=$3 on_error=$4
	if [ -n "$ACTION_WHY" ]; then
		WHY=$ACTION_WHY
		return 1
	fi
	if [ "$expect" = none ]; then
		expect_clean "$tag"
	elif [ "$on_error" = abort ]; then
		expect_abort "$tag" "$expect" "$thread"
	else
		expect_carry_on "$tag" "$expect" "$thread"
	fi
}

# how the checks were switched on, for the test's label
how() {
	if [ -n "$SWITCH" ]; then
		echo "allocdump --set $SWITCH${1:+, $1}"
	else
		echo "${1:-runtime switch}"
	fi
}

check_on_abort() {
	local name=$1 expect=$2 conf=$3 thread=$4 tag=$1.abort
	local envs=()
	[ -z "$conf" ] || envs=(LIBALLOC_CONF="$conf")
	SWITCH_SUFFIX=${SWITCH:+,on_error=abort}
	run_checked "$name" "$tag" "${envs[@]}"
	SWITCH_SUFFIX=
	judge_checked "$tag" "$expect" "$thread" abort
	verdict $? "$name on-abort [$(how "$conf")]" "$tag"
}

# check_outside_default NAME EXPECT CONF THREAD: switched on from outside
# with nothing said about on_error: one report, and the program goes on.
check_outside_default() {
	local name=$1 expect=$2 conf=$3 thread=$4 tag=$1.outside
	local envs=()
	[ -z "$conf" ] || envs=(LIBALLOC_CONF="$conf")
	run_checked "$name" "$tag" "${envs[@]}"
	judge_checked "$tag" "$expect" "$thread" report
	verdict $? "$name outside switch, no on_error [$(how "$conf")]: reports and goes on" "$tag"
}

check_on_report() {
	local name=$1 expect=$2 conf thread=$4 tag=$1.report
	conf=$(conf_with "$3" on_error:report)
	run_checked "$name" "$tag" LIBALLOC_CONF="$conf"
	judge_checked "$tag" "$expect" "$thread" report
	verdict $? "$name on-report [$(how "$conf")]" "$tag"
}

check_off() {
	local name=$1 off=$2 thread=$3 expect=$4 tag=$1.off ok=0
	run_program "$name" "$tag" BUGS_CHECKS_OFF=1
	WHY=
	case $off in
	silent) expect_clean "$tag" || ok=1 ;;
	silent-ub) no_report "$tag" || ok=1 ;;
	invalid-free) expect_abort "$tag" invalid-free "$thread" || ok=1 ;;
	reported)
		local seen
		seen=$(grep -m1 -oE "$REPORT_LINE" "$TMP/$tag.err" | sed 's/^liballoc: //; s/ on 0x$//')
		if [ -n "$seen" ]; then
			local track=$TRACK
			TRACK=
			expect_abort "$tag" "$seen" "" || ok=1
			TRACK=$track
		else
			WHY="no report"
			ok=1
		fi ;;
	caught)
		# production may find it later (a flush at a thread's exit, in
		# another thread) and has no track info: kind and block only
		local track=$TRACK
		TRACK=
		expect_abort "$tag" "$expect" "" || ok=1
		TRACK=$track ;;
	silent-or-caught)
		local seen
		seen=$(grep -m1 -oE "$REPORT_LINE" "$TMP/$tag.err" | sed 's/^liballoc: //; s/ on 0x$//')
		if [ -z "$seen" ]; then
			expect_clean "$tag" || ok=1
		elif [ "$seen" = "$expect" ] || [ "$seen" = invalid-free ]; then
			expect_abort "$tag" "$seen" "$thread" || ok=1
		else
			WHY="reported as $seen, expected nothing, $expect or invalid-free"
			ok=1
		fi ;;
	*) WHY="unknown CHECKS-OFF value '$off'"; ok=1 ;;
	esac
	verdict $ok "$name off [$off]" "$tag"
}

# check_glibc NAME: the same checks-off run on glibc's malloc. glibc catches
# a bug when it aborts with a message of its own; then liballoc must have
# reported in its off run ($TMP/NAME.off.err).
GLIBC_CAUGHT=0 LIBALLOC_CAUGHT=0 GLIBC_ONLY=0
check_glibc() {
	local name=$1 expect=$2 tag=$1.glibc ours=no theirs=no
	{ env -u LIBALLOC_CONF -u BUGS_PAUSE -u BUGS_SWITCH BUGS_CHECKS_OFF=1 \
		timeout -k 5 60 "$BIN/$name" >"$TMP/$tag.out" 2>"$TMP/$tag.err"; } 2>/dev/null
	local rc=$?
	grep -qE "$REPORT_LINE" "$TMP/$name.off.err" && ours=yes
	[ $rc -eq 134 ] && grep -qE '(free|malloc|realloc|corrupted|double free|invalid)' "$TMP/$tag.err" &&
		theirs=yes
	[ $ours = yes ] && LIBALLOC_CAUGHT=$((LIBALLOC_CAUGHT + 1))
	[ $theirs = yes ] && GLIBC_CAUGHT=$((GLIBC_CAUGHT + 1))
	echo "     $name production: liballoc $([ $ours = yes ] && echo reports || echo silent)," \
		"glibc $([ $theirs = yes ] && echo "aborts: $(head -n 1 "$TMP/$tag.err")" || echo silent)"
	if [ $theirs = yes ] && [ $ours = no ]; then
		GLIBC_ONLY=$((GLIBC_ONLY + 1))
		case $expect in
		double-free | invalid-free)
			fail "$name glibc: glibc's default catches it, liballoc's production mode does not" ;;
		esac
	fi
}

# Actions for run_rendezvous.
dump_segment() {
	"$ALLOCDUMP" "$1" --json >"$TMP/$2.json" 2>"$TMP/$2.dump-err" ||
		ACTION_WHY="allocdump $1 --json failed: $(head -n 3 "$TMP/$2.dump-err")"
}

# A switch from outside reports and lets the process go on unless the
# request itself sets on_error: the abort run asks for abort (SWITCH_SUFFIX).
SWITCH_SUFFIX=
switch_from_outside() {
	local setting
	for setting in $SWITCH; do
		if ! "$ALLOCDUMP" --set "$1" "$setting$SWITCH_SUFFIX" >"$TMP/$2.set-out" 2>&1; then
			ACTION_WHY="allocdump --set $1 $setting failed: $(head -n 3 "$TMP/$2.set-out")"
			return
		fi
	done
}

# check_ring NAME EXPECT CONF ON_ERROR: run paused at its end with
# on_error:report or on_error:ignore and read the event back from the stats
# segment. Under ignore, stderr stays silent but the event is still recorded.
check_ring() {
	local name=$1 expect=$2 conf on_error=$4 tag=$1.ring-$4 ok=0 addr=
	conf=$(conf_with "$3" "on_error:$on_error")
	run_rendezvous "$name" "$tag" BUGS_PAUSE dump_segment LIBALLOC_CONF="$conf"
	WHY=$ACTION_WHY
	[ -z "$WHY" ] || ok=1
	if [ $ok -eq 0 ] && [ "$on_error" = ignore ]; then
		no_report "$tag" || ok=1
	elif [ $ok -eq 0 ]; then
		addr=$(grep -m1 -oE "$REPORT_LINE[0-9a-fA-F]+" "$TMP/$tag.err" | sed 's/.* on //')
	fi
	if [ $ok -eq 0 ] && ! finished "$tag"; then
		WHY="$(describe_status $RC) before the end, expected the program to carry on"
		ok=1
	fi
	if [ $ok -eq 0 ]; then
		WHY=$("$PY" "$ROOT/tests/bugs/ring_check.py" "$TMP/$tag.json" "$expect" "$addr") || ok=1
	fi
	verdict $ok "$name ring [$conf]" "$tag"
}

names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(case_names)

# allocdump reads the event ring and switches checks from outside
no_allocdump=
if [ ! -x "$ALLOCDUMP" ]; then
	no_allocdump="$ALLOCDUMP is not built"
fi

for name in "${names[@]}"; do
	ready_case "$name" "$BIN" || continue
	src=$(case_source "$name")
	expect=$(case_field "$src" EXPECT)
	conf=$(case_field "$src" CONF)
	off=$(case_field "$src" CHECKS-OFF)
	thread=$(case_field "$src" THREAD)
	if ! [[ $expect =~ ^($BUG_KINDS|none)$ ]]; then
		fail "$name: header has no valid EXPECT line"
		continue
	fi
	SWITCH=$(case_field "$src" SWITCH)
	BYTE=$(case_field "$src" BYTE)
	BYTE=${BYTE:-58}
	TRACK=$(case_field "$src" TRACK)
	if [ -n "$SWITCH" ] && [ -n "$no_allocdump" ]; then
		echo "SKIP $name on-abort, on-report: switched from outside, but $no_allocdump"
	else
		check_on_abort "$name" "$expect" "$conf" "$thread"
		check_on_report "$name" "$expect" "$conf" "$thread"
		[ -z "$SWITCH" ] || check_outside_default "$name" "$expect" "$conf" "$thread"
	fi
	check_off "$name" "${off:-silent}" "$thread" "$expect"
	check_glibc "$name" "$expect"
	if [ "$(case_field "$src" RING)" = yes ]; then
		if [ -n "$no_allocdump" ]; then
			echo "SKIP $name ring: $no_allocdump"
		else
			check_ring "$name" "$expect" "$conf" report
			check_ring "$name" "$expect" "$conf" ignore
		fi
	fi
done
echo "production mode (no settings): liballoc reports $LIBALLOC_CAUGHT, glibc's default aborts on $GLIBC_CAUGHT of ${#names[@]} programs; $GLIBC_ONLY caught by glibc only"
summary
