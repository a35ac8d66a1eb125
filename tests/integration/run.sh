#!/bin/bash
# run.sh BUILD_DIR - run the integration programs under each allocator:
#   glibc    the dynamic build on the system malloc (checks the tests
#            themselves: standard behaviour must pass there too)
#   preload  the dynamic build with LD_PRELOAD=BUILD_DIR/liballoc.so
#   static   the build linked with BUILD_DIR/liballoc.a
#   checked  preload with LIBALLOC_CONF=junk:true,check_free:true (the
#            plain-layout debug mode; behaviour tests only)
#   debug    preload with LIBALLOC_CONF=debug:true (behaviour tests only)
#   guard    preload with LIBALLOC_CONF=guard_sample:1: every allocation the
#            guarded pool can hold goes there while it has a free slot
#            (behaviour tests only)
# A program named prog@key:value runs prog with that LIBALLOC_CONF entry.
# MODES="preload static" narrows the run; ONLY="api_conformance" too.
# Ends with "N passed, M failed"; exits non-zero on any failure.
set -u
. "$(dirname "$0")/summary.sh"
build=$(cd "${1:-build}" && pwd) || exit 2
dir=$build/tests/integration
modes=${MODES:-glibc preload static checked debug guard}
only=${ONLY:-}
timeout_s=${TEST_TIMEOUT:-120}

# rss_return@dirty_min:1g...: no dirty threshold, so only decay by age can
# return the memory in time, and a program that allocates only from its
# thread cache needs the background purger for that.
progs_all="api_conformance cross_thread_free fork_under_load thread_exit_rss signal_storm rss_return
	rss_return@dirty_min:1g,background_thread:true mapping_count segment_fd@stats_publish:eager"
# segment_fd@stats_publish:eager: the segment exists from the start.
# Bounds on RSS and mappings are for the default configuration; debug
# checks (redzones, quarantine) legitimately change them.
progs_debug="api_conformance cross_thread_free fork_under_load thread_exit_rss signal_storm
	racing_double_free@on_error:ignore"

passed=0 failed=0 skipped=0
failures=()
log=$(mktemp -d /tmp/liballoc-integration.XXXXXX)
trap 'rm -rf "$log"' EXIT

run_one() { # prog[@conf] mode
	local prog=${1%%@*} mode=$2 out=$log/$1.$2 conf=${LIBALLOC_CONF:-}
	local bin=$dir/$prog
	[[ $1 == *@* ]] && conf=${conf:+$conf,}${1#*@}
	local -a env=(TEST_ALLOCATOR=liballoc)
	case $mode in
	glibc) env=(TEST_ALLOCATOR=glibc) ;;
	preload) env+=(LD_PRELOAD="$build/liballoc.so") ;;
	static) bin=$dir/$prog-static ;;
	checked) env+=(LD_PRELOAD="$build/liballoc.so") conf=${conf:+$conf,}junk:true,check_free:true ;;
	debug) env+=(LD_PRELOAD="$build/liballoc.so") conf=${conf:+$conf,}debug:true ;;
	guard) env+=(LD_PRELOAD="$build/liballoc.so") conf=${conf:+$conf,}guard_sample:1 ;;
	esac
	[ -n "$conf" ] && env+=(LIBALLOC_CONF="$conf")
	echo "== $1 [$mode]"
	local start=$SECONDS
	env "${env[@]}" timeout -k 5 "$timeout_s" "$bin" </dev/null >"$out" 2>&1
	local rc=$?
	# cmocka's per-test chatter is noise on success; keep results and errors.
	grep -vE '^\[ RUN      \]|^\[       OK \]' "$out"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "TIMEOUT: $1 [$mode] after ${timeout_s}s"
	fi
	if [ $rc -ne 0 ]; then
		failed=$((failed + 1))
		failures+=("$1 [$mode] (exit $rc)")
	elif grep -q '^SKIP:' "$out" && ! grep -q '^\[       OK \]' "$out"; then
		skipped=$((skipped + 1))
	else
		passed=$((passed + 1))
	fi
	echo "-- $1 [$mode]: exit $rc, $((SECONDS - start))s"
}

for mode in $modes; do
	progs=$progs_all
	[ "$mode" = debug ] || [ "$mode" = checked ] || [ "$mode" = guard ] && progs=$progs_debug
	for prog in $progs; do
		[ -n "$only" ] && [[ " $only " != *" ${prog%%@*} "* ]] && continue
		run_one "$prog" "$mode"
	done
done

print_summary
