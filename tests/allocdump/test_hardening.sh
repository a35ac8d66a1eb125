#!/bin/bash
# test_hardening.sh - allocdump (and alloctop -b where it shares the
# reader) against what another process can put in its segment: terminal
# controls in every string, a false identity, zombies, files that are no
# segment, another user's huge thread table, and the answer to --set
# (applied, superseded, refused, pending, exited).
#   usage: test_hardening.sh BUILD_DIR
set -u
BUILD=${1:-build}
AD=$BUILD/allocdump
AT=$BUILD/alloctop
FAB=$BUILD/tests/segfab
FAKE=$BUILD/tests/alloctop/fakeprocs
PY=/usr/bin/python3
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

DIR=$(mktemp -d /tmp/allocdump-hard.XXXXXX)
chmod 755 "$DIR"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT
live_pid() { sleep 300 >/dev/null 2>&1 & LP=$!; pids+=("$LP"); }
fab() { "$FAB" "$DIR/liballoc.$1" "$1" "${2:-none}"; }
ad() { "$AD" --dir "$DIR" "$@"; }

# Bytes a terminal would obey: ESC, the other C0 controls but newline,
# DEL, and C1 both raw and UTF-8 encoded. Valid UTF-8 (é) may pass.
no_controls() { # TEXT
	! LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|(?<![\xc2-\xf4])[\x80-\x9f]' <<<"$1"
}

# --- terminal controls in every string -------------------------------------
live_pid; PC=$LP; fab "$PC" c1
out=$(ad "$PC" 2>&1)
check "text report: no terminal controls" no_controls "$out"
check "text report: controls shown escaped" grep -qF 'c1\x9b31m\u009b2J\u009d0;t\a\x7f' <<<"$out"
check "text report: thread name escaped" grep -qE '^ +1001 t\\u009b2J\\x9b1m ' <<<"$out"
check "text report: event detail escaped" grep -qF 'ev\u009b2J\x1b[31m' <<<"$out"
out=$(ad --all 2>&1)
check "--all: no terminal controls" no_controls "$out"
out=$(ad --json "$PC")
check "--json: no raw C1 or C0, still the same strings" $PY -c '
import json, sys
raw = sys.argv[1]
assert not any(0x80 <= ord(c) <= 0x9f or ord(c) < 0x20 or ord(c) == 0x7f for c in raw), "raw control"
d = json.loads(raw)
assert d["reported_exe"] == "c1\ufffd31m\u009b2J\u009d0;t\u0007\u007f", repr(d["reported_exe"])
assert d["threads"][1]["name"] == "t\u009b2J\ufffd1m", repr(d["threads"][1]["name"])
' "$out"
out=$(ad --openmetrics "$PC")
check "--openmetrics: no terminal controls" no_controls "$out"
out=$("$AT" -b -o -D -S "$DIR" -p "$PC" 2>&1)
check "alloctop -b -D: no terminal controls" no_controls "$out"
check "alloctop -b -D: reported exe shown escaped" grep -qF 'reported by the segment (not the kernel' <<<"$out"
rm -f "$DIR/liballoc.$PC"

# --- who it is: the kernel's word, not the segment's --------------------------
live_pid; PI=$LP; fab "$PI" rootsshd
out=$(ad "$PI")
check "text: exe from /proc, not the claimed sshd" grep -qE "^pid $PI  exe sleep  uid $(id -u) " <<<"$out"
check "text: the claims shown as self-reported" grep -qE '^reported  exe sshd  uid 0 .*self-reported' <<<"$out"
rm -f "$DIR/liballoc.$PI"

# --- zombies ------------------------------------------------------------------
# sh forks a child that exits at once, then becomes a sleep that never
# reaps it: the child stays a zombie while the sleep lives.
sh -c 'sleep 0 & echo $! > "$1"; exec sleep 300' _ "$DIR/zpid" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$DIR/zpid" ] && break; sleep 0.02; done
Z=$(cat "$DIR/zpid")
for _ in $(seq 1 100); do [ "$(awk '{print $3}' /proc/$Z/stat 2>/dev/null)" = Z ] && break; sleep 0.02; done
check "a zombie to test with (pid $Z, state Z)" test "$(awk '{print $3}' /proc/$Z/stat 2>/dev/null)" = Z
fab "$Z"
start=$SECONDS
err=$(ad --set "$Z" junk=alloc --timeout 60000 2>&1); rc=$?
check "--set on a zombie: stale (exit 7), not waiting out its timeout" \
	test $rc -eq 7 -a $((SECONDS - start)) -lt 30
check "--set on a zombie says so" grep -q "zombie" <<<"$err"
out=$("$AT" -b -o -a -S "$DIR" -p "$Z") # -a: stale rows are hidden by default
check "alloctop shows the zombie as stale" grep -qE "^ +$Z +- +\[stale\]" <<<"$out"
out=$(ad --gc)
check "--gc removes the zombie's segment" test ! -e "$DIR/liballoc.$Z"
check "--gc says why" grep -qF "(pid $Z: process exited (zombie" <<<"$out"

# --- files that are no segment -------------------------------------------------
live_pid; PG=$LP; fab "$PG"
for i in $(seq 2000000 2000049); do printf 'junk %d' "$i" >"$DIR/liballoc.$i"; done
printf 'garbage under a live pid' >"$DIR/liballoc.$$"
err=$(ad --all 2>&1 >/dev/null)
check "--all: one summary line for 51 garbage files" \
	test "$(grep -c . <<<"$err")" -eq 1 -a "$(grep -c "^allocdump: 51 files in $DIR are not liballoc segments; see allocdump --gc\$" <<<"$err")" -eq 1
out=$(ad --all 2>/dev/null)
check "--all still lists the real one" grep -qE "^ +$PG sleep " <<<"$out"
out=$("$AT" -b -o -S "$DIR")
check "alloctop: one summary line, no rows for them" \
	test "$(grep -c "^51 files in $DIR are not liballoc segments; see allocdump --gc\$" <<<"$out")" -eq 1 -a \
	"$(grep -cE '^ +(20000[0-4][0-9]|'$$') ' <<<"$out")" -eq 0
out=$(ad --gc)
check "--gc removes garbage of dead pids" test ! -e "$DIR/liballoc.2000000"
check "--gc keeps a fresh garbage file under a live pid (it may be starting)" test -e "$DIR/liballoc.$$"
touch -d '1 minute ago' "$DIR/liballoc.$$"
out=$(ad --gc)
check "--gc removes an old one" test ! -e "$DIR/liballoc.$$"
check "--gc: not a liballoc segment" grep -qF "(pid $$: not a liballoc segment)" <<<"$out"
check "--gc keeps the real segment" test -e "$DIR/liballoc.$PG"

# --- the answer to --set ----------------------------------------------------
setans() { # MODE -> FP (fakeprocs' pid), SP (its child with a segment)
	local out=$DIR/fake.$1
	"$FAKE" "$DIR" 1 --name "ans$1" "--$1" >"$out" &
	FP=$!; pids+=("$FP")
	for _ in $(seq 1 200); do grep -q '^ready$' "$out" && break; sleep 0.02; done
	SP=$(head -1 "$out")
}
if [ -x "$FAKE" ]; then
	setans apply
	out=$(ad --set "$SP" junk=alloc,redzone=32 --timeout 5000 2>&1); rc=$?
	check "--set applied: exit 0" test $rc -eq 0
	check "--set applied: says so" grep -qE '^  result +applied$' <<<"$out"
	kill "$FP"
	setans supersede
	out=$(ad --set "$SP" redzone=32 --timeout 5000 2>&1); rc=$?
	check "--set superseded by the process's alloc_ctl: exit 11" test $rc -eq 11
	check "--set superseded: says by whom" grep -q "superseded by the process itself (alloc_ctl)" <<<"$out"
	kill "$FP"
	setans refuse
	out=$(ad --set "$SP" redzone=32 --timeout 5000 2>&1); rc=$?
	check "--set refused: exit 12" test $rc -eq 12
	check "--set refused: says what runs instead" grep -q "answered, but the process runs no checks" <<<"$out"
	check "--set refused: never says applied" test -z "$(grep -E 'result +applied' <<<"$out")"
	kill "$FP"
	live_pid; PN=$LP; fab "$PN" # nobody answers
	out=$(ad --set "$PN" redzone=32 --timeout 50 2>&1); rc=$?
	check "--set unanswered: exit 10, pending" test $rc -eq 10 -a -n "$(grep 'stays pending' <<<"$out")"
	check "--set unanswered: never says applied" test -z "$(grep -E 'result +applied' <<<"$out")"
else
	echo "SKIP: --set answers need $FAKE (make $FAKE)"
fi

# --- another user's segment -----------------------------------------------------
if [ "$(id -u)" -ne 0 ] || ! command -v runuser >/dev/null || ! command -v useradd >/dev/null; then
	echo "SKIP: other-user tests need root, runuser and useradd"
else
	id liballoc_test >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin liballoc_test
	TU=$(id -u liballoc_test)
	mkdir -p "$DIR/bin" && cp "$AD" "$AT" "$FAB" "$DIR/bin/" && chmod 755 "$DIR/bin"
	chmod 1777 "$DIR"
	runuser -u liballoc_test -- sleep 300 >/dev/null 2>&1 & pids+=($!)
	# the sleep itself, not runuser (which may stay as its parent)
	for _ in $(seq 1 100); do
		PU=$(pgrep -u liballoc_test -n -x sleep) && [ -n "$PU" ] && break
		sleep 0.02
	done
	runuser -u liballoc_test -- "$DIR/bin/$(basename "$FAB")" "$DIR/liballoc.$PU" "$PU" rootsshd
	out=$("$DIR/bin/$(basename "$AT")" -b -o -S "$DIR" -p "$PU")
	check "alloctop: USER is the file's owner, not the claimed root" \
		grep -qE "^ +$PU +liballoc(_test)? +sleep " <<<"$out" # USER is 8 columns wide
	out=$(ad --json "$PU")
	check "--json: uid from the file, the claim as reported_uid" $PY -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["uid"] == int(sys.argv[2]) and d["reported_uid"] == 0, d
assert d["exe"] == "sleep" and d["reported_exe"] == "sshd", d
' "$out" "$TU"
	rm -f "$DIR/liballoc.$PU"
	# 8192 live thread slots: root reads no more than 4096 of them
	runuser -u liballoc_test -- "$DIR/bin/$(basename "$FAB")" "$DIR/liballoc.$PU" "$PU" manythreads
	ad --json "$PU" >"$DIR/many.json"
	check "another user's segment: thread slots beyond the limit are counted, not read" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["threads_unread"] == 4096 and len(d["threads"]) == 4096, (d["threads_unread"], len(d["threads"]))
' "$DIR/many.json"
	out=$(ad "$PU")
	check "text report says so" grep -q "^note      another user's segment: 4096 thread slots" <<<"$out"
	runuser -u liballoc_test -- "$DIR/bin/$(basename "$AD")" --dir "$DIR" --json "$PU" >"$DIR/many.json"
	check "its owner reads all of them" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["threads_unread"] == 0 and len(d["threads"]) == 8192, (d["threads_unread"], len(d["threads"]))
' "$DIR/many.json"
	chmod 755 "$DIR"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
