#!/bin/bash
# tests/layers/selftest.sh - check_layers.py must fail on a back edge (an
# include and a call from the core up into a check mode) and on a module
# missing from LAYERS, and pass on the tree as it is.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../liballoc/src" && pwd)
pass=0 fail=0
ok() { echo "ok   - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 "$here/check_layers.py" "$src" >/dev/null && ok "tree as it is passes" || bad "tree as it is fails"

cp -r "$src" "$tmp/include"
echo '#include "modes/report.h"' >>"$tmp/include/core/arena.c"
out=$(python3 "$here/check_layers.py" "$tmp/include")
[ $? -eq 1 ] && grep -q 'back edge: core/arena includes modes/report.h' <<<"$out" &&
	ok "an include from the core up into a check mode fails" || bad "include back edge not caught: $out"

cp -r "$src" "$tmp/call"
mkdir -p "$tmp/obj/core" "$tmp/obj/modes"
printf 'void debug_violation(void);\nvoid up(void) { debug_violation(); }\n' >"$tmp/call/core/up.c"
printf 'void debug_violation(void) {}\n' >"$tmp/obj/report.c"
sed -i 's|^core/large$|core/large\ncore/up|' "$tmp/call/LAYERS"
cc -c -o "$tmp/obj/core/up.o" "$tmp/call/core/up.c" &&
	cc -c -o "$tmp/obj/modes/report.o" "$tmp/obj/report.c" || bad "cannot compile the probe objects"
out=$(python3 "$here/check_layers.py" "$tmp/call" "$tmp/obj")
[ $? -eq 1 ] && grep -q 'back edge: core/up calls debug_violation' <<<"$out" &&
	ok "a call from the core up into a check mode fails" || bad "call back edge not caught: $out"

cp -r "$src" "$tmp/unlisted"
printf '/* x */\n' >"$tmp/unlisted/core/stray.c"
out=$(python3 "$here/check_layers.py" "$tmp/unlisted")
[ $? -eq 1 ] && grep -q 'core/stray: not listed' <<<"$out" &&
	ok "a module missing from LAYERS fails" || bad "unlisted module not caught: $out"

echo "layers: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
