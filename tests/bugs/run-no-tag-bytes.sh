#!/bin/bash
# tests/bugs/run-no-tag-bytes.sh - production without the page map's tag
# bytes (core/pagemap.h). Under an address-space limit (ulimit -v) liballoc
# does not reserve their 32 GiB, and the free fast path reads the page map
# instead. Checked here:
#   1. without a limit a process has the reservation (anonymous read-only
#      mappings of 1 GiB or more: the 32 GiB, split where leaves' bytes were
#      made writable), under one it has none;
#   2. under the limit the bug corpus (tests/bugs/run.sh) passes: every
#      double and invalid free is still caught, nothing crashes in liballoc.
#
# usage: tests/bugs/run-no-tag-bytes.sh [NAME...]   env: BUILD (run.sh's too)
set -u
BUILD=${BUILD:-build}
LIB=${LIBALLOC_SO:-$BUILD/liballoc.so}
# 64 GiB: far more than any corpus program maps, yet a limit.
LIMIT_KB=$((64 << 20))

# tag_mappings: how many anonymous read-only mappings of 1 GiB or more a
# shell has once liballoc serves it (bash allocates before it runs anything).
tag_mappings() {
	LD_PRELOAD=$LIB bash -c 'n=0
		while read -r range perms _ _ inode path; do
			s=$((16#${range%-*})) e=$((16#${range#*-}))
			[ "$perms" = r--p ] && [ "$inode" = 0 ] && [ -z "$path" ] &&
				[ $((e - s)) -ge $((1 << 30)) ] && n=$((n + 1))
		done </proc/$$/maps
		echo $n'
}

fail=0
n=$(tag_mappings)
if [ "$n" -ge 1 ]; then
	echo "ok   no limit: the tag bytes are reserved ($n large read-only mappings)"
else
	echo "FAIL no limit: no large read-only mapping: no tag bytes"
	fail=1
fi
n=$( (ulimit -v $LIMIT_KB && tag_mappings) )
if [ "$n" = 0 ]; then
	echo "ok   ulimit -v $LIMIT_KB: no tag bytes"
else
	echo "FAIL ulimit -v $LIMIT_KB: $n large read-only mappings, want none"
	fail=1
fi
echo "the bug corpus under ulimit -v $LIMIT_KB:"
(ulimit -v $LIMIT_KB && exec "$(dirname "$0")/run.sh" "$@") || fail=1
exit $fail
