#!/bin/bash
# run.sh BUILD_DIR - run each real program (programs/*.sh) four times:
#   glibc      reference run on the system malloc
#   liballoc   LD_PRELOAD=BUILD_DIR/liballoc.so (every child process too)
#   checked    the same with LIBALLOC_CONF=junk:true,check_free:true (the
#              plain-layout debug mode)
#   debug      the same with LIBALLOC_CONF=debug:true (the debug layout)
#   guard      the same with LIBALLOC_CONF=guard_sample:1 (every allocation
#              the guarded pool holds goes there while it has a free slot);
#              its stderr must hold no liballoc report either
# Stdout and exit status of the liballoc runs must equal the reference.
# Stderr is not compared (liballoc may warn about an option it does not
# know yet) but is shown when a run fails.
#   PRELOAD=/path/lib.so   try another allocator instead of liballoc
#   ONLY="git gcc"         run a subset
# Ends with "N passed, M failed"; exits non-zero on any failure.
set -u
. "$(dirname "$0")/../integration/summary.sh"
build=$(cd "${1:-build}" && pwd) || exit 2
here=$(cd "$(dirname "$0")" && pwd)
preload=${PRELOAD:-$build/liballoc.so}
timeout_s=${TEST_TIMEOUT:-120}
only=${ONLY:-}

# A preload that fails to load only warns and runs on glibc: refuse that.
if [ ! -f "$preload" ] ||
	! env LD_PRELOAD="$preload" /bin/cat /proc/self/maps 2>&1 | grep -qF "$(basename "$preload")"; then
	echo "FAIL: $preload cannot be preloaded"
	echo "0 passed, 1 failed"
	exit 1
fi

passed=0 failed=0 skipped=0
failures=()
work=$(mktemp -d /tmp/liballoc-real.XXXXXX)
trap 'rm -rf "$work"' EXIT

# run_program name mode: runs it in a fresh directory, sets $rc.
run_program() {
	local name=$1 mode=$2 dir=$work/$1.$2
	local -a env=()
	case $mode in
	liballoc) env=(LD_PRELOAD="$preload") ;;
	checked) env=(LD_PRELOAD="$preload" LIBALLOC_CONF="${LIBALLOC_CONF:+$LIBALLOC_CONF,}junk:true,check_free:true") ;;
	debug) env=(LD_PRELOAD="$preload" LIBALLOC_CONF="${LIBALLOC_CONF:+$LIBALLOC_CONF,}debug:true") ;;
	guard) env=(LD_PRELOAD="$preload" LIBALLOC_CONF="${LIBALLOC_CONF:+$LIBALLOC_CONF,}guard_sample:1") ;;
	esac
	mkdir -p "$dir/run"
	(cd "$dir/run" && env "${env[@]}" timeout -k 5 "$timeout_s" \
		bash "$here/programs/$name.sh" </dev/null >"$dir/stdout" 2>"$dir/stderr")
	rc=$?
}

show_stderr() { # file
	[ -s "$1" ] && { echo "   stderr:"; head -20 "$1" | sed 's/^/   | /'; }
}

for script in "$here"/programs/*.sh; do
	name=$(basename "$script" .sh)
	[ -n "$only" ] && [[ " $only " != *" $name "* ]] && continue
	start=$SECONDS
	run_program "$name" glibc
	ref=$work/$name.glibc
	if [ $rc -eq 77 ]; then
		echo "$(head -1 "$ref/stdout") ($name)"
		skipped=$((skipped + 1))
		continue
	fi
	if [ $rc -ne 0 ]; then
		echo "FAIL: $name: reference run on glibc exited $rc"
		show_stderr "$ref/stderr"
		failed=$((failed + 1))
		failures+=("$name [glibc reference]")
		continue
	fi
	ref_rc=$rc
	for mode in liballoc checked debug guard; do
		run_program "$name" $mode
		out=$work/$name.$mode
		if [ $rc -eq $ref_rc ] && cmp -s "$ref/stdout" "$out/stdout" &&
			! grep -q 'cannot be preloaded' "$out/stderr" &&
			! { [ $mode = guard ] && grep -qE '^liballoc: [a-z-]+ on 0x' "$out/stderr"; }; then
			echo "ok: $name [$mode] ($(wc -l <"$out/stdout") lines match glibc)"
			passed=$((passed + 1))
		else
			echo "FAIL: $name [$mode]: exit $rc (glibc $ref_rc)"
			diff -u --label glibc --label "$mode" "$ref/stdout" "$out/stdout" | head -30 | sed 's/^/   /'
			show_stderr "$out/stderr"
			failed=$((failed + 1))
			failures+=("$name [$mode]")
		fi
	done
	echo "-- $name: $((SECONDS - start))s"
done

print_summary
