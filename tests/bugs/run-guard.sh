#!/bin/bash
# tests/bugs/run-guard.sh - the corpus under guarded samples alone: every
# heap overflow, underflow and use-after-free whose block fits the guarded
# pool must be reported, with the right kind, on the right block, by
# LIBALLOC_CONF=guard_sample:1 with every other check off (the programs'
# own runtime switches skipped: BUGS_CHECKS_OFF=1). Underflows run with
# guard_lower:1 (every block against its lower guard, where a read before
# it faults), the rest with guard_lower:0; in production 1 in guard_lower
# blocks is placed low, and a write is found at free either way.
#
# Each program also runs in production (guard_sample:0, no checks): the
# table ends with how many crashes the program itself makes there, and how
# many of those become reports under guard_sample:1.
#
# Then the size-mismatch and alloc-dealloc-mismatch cases run with their
# CONF and guard_sample:1: a block the pool holds is checked at its free too.
#
# usage: tests/bugs/run-guard.sh [NAME...]   env: BUILD, CC, LIBALLOC_SO
set -u
. "$(dirname "$0")/lib.sh"

LIB=${LIBALLOC_SO:-$BUILD/liballoc.so}
BIN="$BUILD/bugs"
start_run
require_liballoc

# The largest block the pool holds (guard_max_size's default).
POOL_MAX=16384

# run_case NAME TAG CONF: sets RC, leaves $TMP/TAG.out and $TMP/TAG.err.
run_case() {
	{ env -u BUGS_PAUSE -u BUGS_SWITCH BUGS_CHECKS_OFF=1 LIBALLOC_CONF="$3" LD_PRELOAD="$LIB" \
		timeout -k 5 60 "$BIN/$1" >"$TMP/$2.out" 2>"$TMP/$2.err"; } 2>/dev/null
	RC=$?
}

# outcome TAG: clean, report KIND, crash SIGNAL or exit N.
outcome() {
	local kind
	kind=$(grep -m1 -oE "^liballoc: ($BUG_KINDS) on 0x" "$TMP/$1.err" | sed 's/^liballoc: //; s/ on 0x$//')
	if [ -n "$kind" ]; then
		echo "report $kind"
	elif [ "$RC" -eq 0 ] && grep -qx done "$TMP/$1.out"; then
		echo clean
	elif [ "$RC" -gt 128 ] && [ "$RC" -lt 160 ]; then
		echo "crash $(describe_status "$RC" | sed 's/^signal //')"
	else
		echo "$(describe_status "$RC")"
	fi
}

# on_block TAG: the report's address lies at or near the block the program
# announced ("bug-block: WHAT 0xPTR size N").
on_block() {
	local mark addr ptr size
	mark=$(grep -m1 '^bug-block: ' "$TMP/$1.out")
	[[ $mark =~ 0x([0-9a-f]+)\ size\ ([0-9]+) ]] || return 1
	ptr=$((16#${BASH_REMATCH[1]}))
	size=${BASH_REMATCH[2]}
	addr=$(grep -m1 -oE "^liballoc: [a-z-]+ on 0x[0-9a-f]+" "$TMP/$1.err" | sed 's/.* on 0x//')
	[ -n "$addr" ] || return 1
	addr=$((16#$addr))
	[ "$addr" -ge $((ptr - 4096)) ] && [ "$addr" -le $((ptr + size + 4096)) ]
}

block_size() {
	sed -n 's/^bug-block: .* size \([0-9]*\)$/\1/p' "$TMP/$1.out" | head -n 1
}

names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(case_names)

fits=0 caught=0 big=0 crashes=0 crashes_caught=0
rows=()
for name in "${names[@]}"; do
	src=$(case_source "$name")
	expect=$(case_field "$src" EXPECT)
	case $expect in buffer-overflow | buffer-underflow | use-after-free) ;; *) continue ;; esac
	if ! build_case "$name" "$BIN" >"$TMP/cc" 2>&1; then
		fail "$name: does not build"
		continue
	fi
	run_case "$name" prod guard_sample:0
	prod=$(outcome prod)
	lower=0
	[ "$expect" = buffer-underflow ] && lower=1
	run_case "$name" guard "guard_sample:1,guard_lower:$lower"
	guarded=$(outcome guard)
	size=$(block_size guard)
	[ -n "$size" ] || size=$(block_size prod)
	if [ -n "$size" ] && [ "$size" -gt $POOL_MAX ]; then
		big=$((big + 1))
		rows+=("$(printf '%-32s %-17s %7s  %-22s %s' "$name" "$expect" "${size}B" "$prod" "$guarded (block too big for the pool)")")
		continue
	fi
	fits=$((fits + 1))
	right=no
	if [ "$guarded" = "report $expect" ] && on_block guard; then
		right=yes
		caught=$((caught + 1))
		pass "$name: $expect reported under guard_sample:1,guard_lower:$lower"
	else
		fail "$name: $guarded under guard_sample:1,guard_lower:$lower, expected a $expect report on the block"
		show stderr "$TMP/guard.err" 12
	fi
	if [[ $prod == crash* ]]; then
		crashes=$((crashes + 1))
		[ $right = yes ] && crashes_caught=$((crashes_caught + 1))
	fi
	rows+=("$(printf '%-32s %-17s %7s  %-22s %s' "$name" "$expect" "${size:-?}B" "$prod" "$guarded")")
done

echo
echo "Corpus under guarded samples (LIBALLOC_CONF=guard_sample:1, every other check off)"
printf '%-32s %-17s %7s  %-22s %s\n' PROGRAM KIND BLOCK PRODUCTION GUARD_SAMPLE:1
for row in "${rows[@]}"; do echo "$row"; done
echo
echo "$fits overflows, underflows and uses after free on blocks the pool holds (<= $POOL_MAX bytes): $caught reported with the right kind on the block"
echo "$big more on blocks too big for the pool"
echo "in production the program itself crashes in $crashes of the $fits; $crashes_caught of those crashes become reports under guard_sample:1"

# Frees checked against a guarded block: with check_free on, a sized or
# aligned free, delete or realloc of a sampled block is checked as any other
# (its requested size and the family that made it), so every size-mismatch
# and alloc-dealloc-mismatch case is reported when its block is guarded.
checked=0
for name in "${names[@]}"; do
	src=$(case_source "$name")
	expect=$(case_field "$src" EXPECT)
	case $expect in size-mismatch | alloc-dealloc-mismatch) ;; *) continue ;; esac
	conf=$(case_field "$src" CONF)
	[ -n "$conf" ] || continue # switched at run time: skipped here
	build_case "$name" "$BIN" >"$TMP/cc" 2>&1 || { fail "$name: does not build"; continue; }
	run_case "$name" told "$conf,guard_sample:1,on_error:report"
	got=$(outcome told)
	if [ "$got" = "report $expect" ] && on_block told; then
		checked=$((checked + 1))
		pass "$name: $expect reported on a guarded block ($conf,guard_sample:1)"
	else
		fail "$name: $got with $conf,guard_sample:1, expected a $expect report on the block"
		show stderr "$TMP/told.err" 12
	fi
done
echo "$checked size and family mismatches reported on guarded blocks"
summary
