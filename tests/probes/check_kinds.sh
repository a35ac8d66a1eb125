#!/bin/bash
# check_kinds.sh - violations.bt names every violation kind as the shared
# vocabulary does (liballoc/shared/vocab.c, what allocdump and alloccollect
# print), and no other: bpftrace cannot include the C table, so its copy
# is checked here.
# Usage: check_kinds.sh KIND_NAMES_PROGRAM SCRIPT
set -u
prog=$1 script=$2
fail=0 n=0
while read -r k id; do
	n=$((n + 1))
	if ! grep -Eq "arg0 == $k \\? \"$id\"" "$script"; then
		echo "FAIL: $script does not name kind $k \"$id\""
		fail=$((fail + 1))
	fi
done < <("$prog")
known=$("$prog" | awk '{ print $1 }' | tr '\n' ' ')
for k in $(grep -Eo 'arg0 == [0-9]+' "$script" | awk '{ print $3 }'); do
	case " $known" in
	*" $k "*) ;;
	*) echo "FAIL: $script names kind $k, which the vocabulary does not count as a violation"
	   fail=$((fail + 1)) ;;
	esac
done
echo "kind names: $n kinds, $fail failed"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
