# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this
# bench/allocators.sh - the allocators and configurations the harness knows,
# sourced by run.sh and fastpath-budget.sh after paths.sh. An allocator is a
# library to LD_PRELOAD (none for glibc) plus environment variables.

peer_libdir=${BENCH_PEER_LIBDIR:-/usr/lib/x86_64-linux-gnu}

# Settings a user may have exported would change what is measured: every
# allocator starts from its defaults, plus what alloc_env adds.
unset LD_PRELOAD LIBALLOC_CONF MALLOC_CONF MALLOC_CHECK_ MIMALLOC_OPTIONS GLIBC_TUNABLES

# The production peers whose best time is the yardstick.
PEERS="glibc jemalloc mimalloc tcmalloc"

# Configurations compared for the cost of debug checks (issues 4 and 13;
# jemalloc-junk is Debian's jemalloc with its junk filling, 0xa5 on
# allocation and 0x5a on free, which that build honours: opt.junk "true" in
# MALLOC_CONF=stats_print:true). The cost of
# stats (issue 3) is measured in the main matrix: liballoc vs liballoc-nostats,
# and so is the cost of guarded samples at their default rate: liballoc vs
# liballoc-noguard.
DEBUG_CONFIGS="liballoc liballoc-junk liballoc-redzone liballoc-checkfree \
liballoc-quarantine liballoc-junk-checkfree liballoc-debug tcmalloc-debug glibc-check \
jemalloc-junk"

# alloc_known [NAME]: succeed if NAME is an allocator this file knows; with
# no NAME, list them.
alloc_known() {
	local all="$PEERS liballoc liballoc-nostats liballoc-noguard liballoc-noprof $DEBUG_CONFIGS" a
	if [ $# = 0 ]; then
		echo "$all" | tr ' ' '\n' | sort -u | paste -sd ' '
		return 0
	fi
	for a in $all; do [ "$a" = "$1" ] && return 0; done
	return 1
}

# alloc_preload NAME: print the library to preload ("" for none); fail if it is missing.
alloc_preload() {
	local lib
	case "$1" in
	glibc) echo ""; return 0 ;;
	jemalloc | jemalloc-junk) lib=$peer_libdir/libjemalloc.so.2 ;;
	mimalloc) lib=$peer_libdir/libmimalloc.so.2 ;;
	tcmalloc) lib=$peer_libdir/libtcmalloc_minimal.so.4 ;;
	tcmalloc-debug) lib=$peer_libdir/libtcmalloc_minimal_debug.so.4 ;;
	glibc-check) lib=$peer_libdir/libc_malloc_debug.so.0 ;;
	liballoc | liballoc-*) lib=$BENCH_LIBALLOC ;;
	*) echo "bench: unknown allocator '$1'" >&2; return 1 ;;
	esac
	[ -r "$lib" ] || return 1
	echo "$lib"
}

# alloc_env NAME: print NAME=VALUE words to add to the environment.
alloc_env() {
	case "$1" in
	liballoc-nostats) echo "LIBALLOC_CONF=stats:false" ;;
	liballoc-noguard) echo "LIBALLOC_CONF=guard_sample:0" ;;
	liballoc-noprof) echo "LIBALLOC_CONF=prof_sample:0" ;; # the heap profile's cost
	liballoc-junk) echo "LIBALLOC_CONF=junk:true" ;;
	liballoc-redzone) echo "LIBALLOC_CONF=redzone:16" ;;
	liballoc-checkfree) echo "LIBALLOC_CONF=check_free:true" ;;
	liballoc-quarantine) echo "LIBALLOC_CONF=quarantine:1048576" ;;
	liballoc-junk-checkfree) echo "LIBALLOC_CONF=junk:true,check_free:true" ;;
	liballoc-debug) echo "LIBALLOC_CONF=debug:true" ;;
	glibc-check) echo "MALLOC_CHECK_=3" ;;
	jemalloc-junk) echo "MALLOC_CONF=junk:true" ;;
	esac
}
