#!/usr/bin/env bash
# demo_test.sh - the bundled demo (make demo): run-demo.sh in batch mode,
# the planted bug staying dormant with checks off, and switching check_free
# and redzones on from alloctop making the violations show in ERR and in the
# event ring.
cd "$(dirname "$0")/../.." || exit 1
. tests/alloctop/lib.sh

if [ ! -e "$BUILD/liballoc.so" ]; then
	echo "SKIP: $BUILD/liballoc.so not built (the demo runs under liballoc)"
	echo "0 passed, 0 failed"
	exit 0
fi
DEMO=$(realpath "$BUILD/liballoc-demo")
ALLOCTOP=$(realpath "$ALLOCTOP")
SO=$(realpath "$BUILD/liballoc.so")

# --- run-demo.sh, not on a terminal: batch output, then the demo ends -------
dir=$(new_dir)
out=$(LIBALLOC_STATS_DIR=$dir BUILD=$BUILD bash tools/demo/run-demo.sh -n 2 -d 0.5 2>"$dir/err" </dev/null)
expect_eq "run-demo.sh exits 0" "$?" 0
expect_eq "two batch refreshes" "$(printf '%s\n' "$out" | grep -c '^alloctop - ')" 2
expect_match "the demo is listed" "$out" '^ +[0-9]+ +[^ ]+ +liballoc-demo +'
demo=$(sed -n 's/^run-demo.sh: demo pid \([0-9]*\);.*/\1/p' "$dir/err")
sleep 0.3
if [ -n "$demo" ] && ! kill -0 "$demo" 2>/dev/null; then ok "the demo ended with alloctop"
else bad "the demo ended with alloctop" "pid '$demo' still running"; fi
expect_eq "its segment is gone" "$(ls "$dir" | grep -c '^liballoc\.')" 0
rows=$(printf '%s\n' "$out" | awk '/^ +PID USER/ { getline; print $NF }')
expect_eq "checks off: the planted bug stays dormant (ERR 0)" "$(printf '%s\n' "$rows" | sort -u)" 0

# --- switching checks on from alloctop shows the planted bug ----------------
if ! command -v tmux >/dev/null; then
	skip "switching checks on the demo" "tmux not installed"
	summary
	exit
fi
LIBALLOC_STATS_DIR=$dir LD_PRELOAD=$SO LIBALLOC_CONF=on_error:report "$DEMO" --duration 60 2>"$dir/demo.log" &
demo=$!
CLEANUP+=("kill $demo")
for _ in $(seq 1 100); do [ -e "$dir/liballoc.$demo" ] && break; sleep 0.05; done
start_tmux demo 150 50 "$ALLOCTOP -S $dir -p $demo -d 0.5"
check_screen "alloctop shows the demo" "^ +$demo .*liballoc-demo"
check_screen "ERR 0 before" "^ +$demo .* 0 *$"
keys c y Enter
check_screen "check_free switched on" "pid $demo: check_free=true"
check_screen "ERR counts the planted double free" "^ +$demo .* [1-9][0-9]* *$" 8
keys z y Enter
check_screen "redzones switched on" "pid $demo: redzone=16"
keys Enter
keys End
check_screen "event ring shows the double free" 'double_free .* planted|double_free' 8
check_screen "event ring shows the overflow" 'buffer_overflow' 8
if grep -q 'double-free' "$dir/demo.log"; then ok "liballoc reported it on stderr"; else bad "liballoc reported it on stderr" "no report in the demo's log"; fi
keys q
kill "$demo"
wait "$demo" 2>/dev/null
summary
