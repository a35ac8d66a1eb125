#!/bin/bash
# tests/bugs/run-modes.sh - the corpus in each mode a user would try, every
# run classified: what each mode catches, and that liballoc never dies of a
# program's bug.
#
# Modes (the programs' own runtime switches skipped, BUGS_CHECKS_OFF=1, so
# that the mode's settings are the only checks on; a program that waits for
# a switch from outside is not switched):
#   production   no LIBALLOC_CONF at all (on_error's default, abort)
#   check_free   check_free:true,on_error:report
#   junk         junk:true,check_free:true,on_error:report
#   debug        debug:true,on_error:report
# (BUGS_ON_ERROR=abort runs the last three with the default on_error:abort.)
#
# Each run is exactly one of:
#   right       reported, with the kind the program's EXPECT line names
#   other       reported, with another kind
#   in-liballoc crashed inside liballoc: a fatal signal (or the timeout's
#               SIGTERM) whose place, read from the signal's context by
#               crash_where.so, is liballoc's code or a libc function that
#               liballoc called; also an abort from liballoc with no report,
#               and any such death after a report (on_error:report goes on)
#   in-program  crashed in the program (or in libc called by it), or ended
#               with another exit status and no report
#   silent      ran to its end, no report
# The "none" programs (EXPECT: none, no bug) must be silent; they are
# counted apart. The test fails when any run crashed inside liballoc, when
# a program does not build, and when the locator cannot tell a fault in
# liballoc from one in the program (crash_where_check.c, run first);
# everything else is shown, not judged: run.sh holds each program to its
# contract.
#
# usage: tests/bugs/run-modes.sh [NAME...]
# env: BUILD, CC, LIBALLOC_SO, CRASH_WHERE_SO (and crash_where_check beside it), BUGS_JOBS (parallel runs,
#      default 2), BUGS_ON_ERROR (report|abort, default report)
set -u
. "$(dirname "$0")/lib.sh"

LIB=${LIBALLOC_SO:-$BUILD/liballoc.so}
BIN="$BUILD/bugs"
CRASH_WHERE=${CRASH_WHERE_SO:-$BIN/crash_where.so}
JOBS=${BUGS_JOBS:-2}
ON_ERROR=${BUGS_ON_ERROR:-report}
start_run
require_liballoc
if [ ! -f "$CRASH_WHERE" ]; then
	fail "crash locator not built: $CRASH_WHERE"
	summary
	exit 1
fi

CHECK="$(dirname "$CRASH_WHERE")/crash_where_check"

# The locator first: a test that trusts it must see it tell liballoc's
# faults from the program's.
locator_check() {
	local what=$1 want=$2 where
	{ env -u LIBALLOC_CONF LD_PRELOAD="$LIB $CRASH_WHERE" timeout -k 5 30 "$CHECK" "$what" \
		>/dev/null 2>"$TMP/locator.err"; } 2>/dev/null
	where=$(grep -m1 '^crash-where: ' "$TMP/locator.err" | sed 's/^crash-where: //')
	if [[ $where == "$want SIGSEGV "* ]]; then
		pass "crash locator: a fault in $what is located in $want"
	else
		fail "crash locator: a fault in $what is located as '${where:-nothing}', expected $want"
		show stderr "$TMP/locator.err"
	fi
}
if [ -x "$CHECK" ]; then
	locator_check liballoc liballoc
	locator_check liballoc-libc liballoc
	locator_check program program
	locator_check program-libc program
else
	fail "crash locator's check not built: $CHECK"
fi

MODES=(production check_free junk debug)
declare -A MODE_CONF=(
	[production]=
	[check_free]="check_free:true,on_error:$ON_ERROR"
	[junk]="junk:true,check_free:true,on_error:$ON_ERROR"
	[debug]="debug:true,on_error:$ON_ERROR"
)
CLASSES=(right other in-liballoc in-program silent)
REPORT_LINE="^liballoc: ($BUG_KINDS) on 0x"

# run_one NAME MODE: one run, leaving $TMP/NAME.MODE.{out,err,rc}.
run_one() {
	local name=$1 mode=$2 conf=${MODE_CONF[$2]} tag="$TMP/$1.$2"
	local -a envs=()
	[ -z "$conf" ] || envs=(LIBALLOC_CONF="$conf")
	{ env -u LIBALLOC_CONF -u BUGS_PAUSE -u BUGS_SWITCH BUGS_CHECKS_OFF=1 "${envs[@]}" \
		LD_PRELOAD="$LIB $CRASH_WHERE" timeout -k 5 30 "$BIN/$name" \
		>"$tag.out" 2>"$tag.err"; } 2>/dev/null
	echo $? >"$tag.rc"
}

# classify NAME MODE EXPECT: prints "CLASS DETAIL".
classify() {
	local tag="$TMP/$1.$2" expect=$3 rc kind where
	rc=$(cat "$tag.rc")
	kind=$(grep -m1 -oE "$REPORT_LINE" "$tag.err" | sed 's/^liballoc: //; s/ on 0x$//')
	where=$(grep -m1 '^crash-where: ' "$tag.err" | sed 's/^crash-where: //')
	# an abort of liballoc's after its report is on_error at work
	if [[ $where == liballoc\ * ]] && ! { [[ $where == "liballoc SIGABRT "* ]] && [ -n "$kind" ]; }; then
		echo "in-liballoc $where"
	elif [ -z "$where" ] && [ -z "$kind" ] && grep -q '^liballoc: fatal: ' "$tag.err"; then
		echo "in-liballoc $(grep -m1 '^liballoc: fatal: ' "$tag.err")"
	elif [ -n "$kind" ] && [ "$kind" = "$expect" ]; then
		echo "right $kind"
	elif [ -n "$kind" ]; then
		echo "other $kind"
	elif [ -n "$where" ]; then
		echo "in-program $where"
	elif [ "$rc" -eq 0 ] && grep -qx done "$tag.out"; then
		echo "silent"
	else
		echo "in-program $(describe_status "$rc"), no report and no crash-where line"
	fi
}

names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(case_names)

declare -A EXPECT
runnable=()
for name in "${names[@]}"; do
	ready_case "$name" "$BIN" || continue
	src=$(case_source "$name")
	EXPECT[$name]=$(case_field "$src" EXPECT)
	runnable+=("$name")
done

# Every run in the background, at most $JOBS at a time.
started=$SECONDS
for name in "${runnable[@]}"; do
	for mode in "${MODES[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
		run_one "$name" "$mode" &
	done
done
wait
elapsed=$((SECONDS - started))

echo "Corpus by mode (${#runnable[@]} programs, $((${#runnable[@]} * ${#MODES[@]})) runs in ${elapsed}s, $JOBS at a time; the programs' own switches skipped)"
for mode in "${MODES[@]}"; do
	declare -A count=()
	declare -A list=()
	for c in "${CLASSES[@]}"; do count[$c]=0; list[$c]=; done
	clean=0 none=0 unclean=
	for name in "${runnable[@]}"; do
		read -r class detail < <(classify "$name" "$mode" "${EXPECT[$name]}")
		if [ "${EXPECT[$name]}" = none ] && [ "$class" != in-liballoc ]; then
			none=$((none + 1))
			if [ "$class" = silent ]; then
				clean=$((clean + 1))
			else
				unclean+="      $name: $class $detail"$'\n'
			fi
			continue
		fi
		count[$class]=$((count[$class] + 1))
		if [ "$class" = silent ]; then
			list[$class]+="$name "
		elif [ "$class" != right ]; then
			list[$class]+="      $name${detail:+: $detail}"$'\n'
		fi
		if [ "$class" = in-liballoc ]; then
			fail "$name [$mode${MODE_CONF[$mode]:+: ${MODE_CONF[$mode]}}] crashed inside liballoc: $detail"
			show stderr "$TMP/$name.$mode.err" 12
		fi
	done
	echo
	echo "  $mode [${MODE_CONF[$mode]:-no LIBALLOC_CONF}]"
	printf '    %s\n' "right kind ${count[right]}, another kind ${count[other]}, crashed in liballoc ${count[in-liballoc]}, crashed in the program ${count[in-program]}, silent ${count[silent]}; no-bug programs clean $clean of $none"
	for c in other in-liballoc in-program silent; do
		[ -n "${list[$c]}" ] || continue
		case $c in
		other) echo "    reported with another kind:" ;;
		in-liballoc) echo "    crashed inside liballoc:" ;;
		in-program) echo "    crashed in the program:" ;;
		silent) echo "    silent:" ;;
		esac
		if [ "$c" = silent ]; then
			echo "${list[$c]}" | fmt -w 90 | sed 's/^/      /'
		else
			printf '%s' "${list[$c]}"
		fi
	done
	if [ -n "$unclean" ]; then
		echo "    no-bug programs that were not clean:"
		printf '%s' "$unclean"
	fi
	if [ "${count[in-liballoc]}" -eq 0 ]; then
		pass "$mode: no program crashed inside liballoc"
	fi
	unset count list
done
echo
summary
