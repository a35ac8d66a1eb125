#!/bin/bash
# test_allocdump.sh - allocdump against fabricated segments (tests/stat/segfab.h
# documents their content): report values, JSON and OpenMetrics through real
# parsers, repeated output with rates, exit codes, symlinks, another user,
# --gc and --set.
#   usage: test_allocdump.sh BUILD_DIR
set -u
BUILD=${1:-build}
AD=$BUILD/allocdump
FAB=$BUILD/tests/segfab
PY=/usr/bin/python3
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

DIR=$(mktemp -d /tmp/allocdump-test.XXXXXX)
chmod 755 "$DIR"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$DIR"
}
trap cleanup EXIT

# sets LP: a live process (no command substitution: it would wait for it)
live_pid() { sleep 300 >/dev/null 2>&1 & LP=$!; pids+=("$LP"); }
dead_pid() { sh -c 'echo $$'; }
fab() { "$FAB" "$DIR/liballoc.$1" "$1" "${2:-none}"; }
ad() { "$AD" --dir "$DIR" "$@"; }

live_pid; P1=$LP; live_pid; P2=$LP
fab "$P1"; fab "$P2"

# Expected from segfab.h: classes k=1..8 of 16k bytes, (5k+4) live each;
# large bands 10000 + 1048581 bytes in 3 allocations.
SMALL=0; OBJS=0
for k in 1 2 3 4 5 6 7 8; do SMALL=$((SMALL + (5*k+4)*16*k)); OBJS=$((OBJS + 5*k + 4)); done
LARGE=$((10000 + 1048581)); LIVE=$((SMALL + LARGE)); ALLOCS=$((OBJS + 3))

# --- text -----------------------------------------------------------------
out=$(ad "$P1"); rc=$?
check "text report exits 0" test $rc -eq 0
field() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$out"; }
check "text live_bytes = $LIVE" test "$(field live_bytes)" = "$LIVE"
check "text small_live_bytes = $SMALL" test "$(field small_live_bytes)" = "$SMALL"
check "text large_live_bytes = $LARGE" test "$(field large_live_bytes)" = "$LARGE"
check "text live_allocs = $ALLOCS" test "$(field live_allocs)" = "$ALLOCS"
check "text names the pid" grep -q "^pid $P1 " <<<"$out"
check "text class 7 row: size 128, 44 live, 5632 bytes" \
	grep -qE '^ +7 +128 +44 +5632 ' <<<"$out"
check "text thread 1001 main" grep -qE '^ +1001 main ' <<<"$out"
check "text exited-threads line" grep -qE '^ +exited - ' <<<"$out"
check "text large band 2^20 row" grep -qE '\[2\^20, 2\^21\).* 1 +1048581 ' <<<"$out"
check "text events shown" grep -q "double_free" <<<"$out"

# --- --all ------------------------------------------------------------------
out=$(ad --all)
# EXE is what the kernel says (the fabricated segments belong to sleep
# processes), not what the segment claims ("segfab")
check "--all one line per live process" test "$(grep -cE "^ +($P1|$P2) sleep +$LIVE " <<<"$out")" -eq 2

out=$(ad --all --count 2 --watch 0.1)
check "--all --count 2: two rounds, rates column filled in the second" \
	test "$(grep -c '^ *PID EXE' <<<"$out")" -eq 2 -a "$(grep -cE "^ +$P1 sleep .* 0 -\$" <<<"$out")" -eq 1
out=$(ad --events 1 "$P1")
check "--events 1 shows only the newest event" \
	test "$(grep -cE '^ +#[0-9]' <<<"$out")" -eq 1 -a "$(grep -c 'conf_change' <<<"$out")" -eq 1

# --- JSON -------------------------------------------------------------------
out=$(ad --json "$P1")
check "--json parses, values exact" $PY -c '
import json, os, sys
d = json.loads(sys.argv[1])
t = d["totals"]
assert d["pid"] == int(sys.argv[2]), d["pid"]
assert t["live_bytes"] == int(sys.argv[3]) and t["live_allocs"] == int(sys.argv[4]), t
assert d["classes"][7]["live_bytes"] == 44 * 128
assert [t["state"] for t in d["threads"]] == ["retired", "live", "live"]
assert d["reported_cmdline"] == "segfab --test \"quoted\"" and d["reported_exe"] == "segfab"
# identity from the kernel: the segment belongs to a "sleep 300" of ours
assert d["exe"] == "sleep" and d["comm"] == "sleep" and d["cmdline"] == "sleep 300", d
assert d["exe_path"].endswith("/sleep") and d["uid"] == os.getuid(), d
assert d["events"][0]["detail"] == "event \"0\"\n"
assert [b["band"] for b in d["large"]] == [12, 20]
assert "rates" not in d
' "$out" "$P1" "$LIVE" "$ALLOCS"
out=$(ad --json "$P1" "$P2")
check "--json with two pids is an array" $PY -c '
import json, sys
d = json.loads(sys.argv[1]); assert [x["pid"] for x in d] == [int(sys.argv[2]), int(sys.argv[3])]
' "$out" "$P1" "$P2"
out=$(ad --json --count 2 --watch 0.2 "$P1")
check "--json --count 2: two documents, rates in the second" $PY -c '
import json, sys
docs = [json.loads(l) for l in sys.argv[1].splitlines()]
assert len(docs) == 2 and "rates" not in docs[0] and docs[1]["rates"]["seconds"] > 0
assert docs[1]["rates"]["allocs_per_sec"] == 0  # nothing changed in between
' "$out"
out=$(ad --count 2 --watch 0.2 "$P1")
check "text --count 2: two rounds with rates" test "$(grep -c '^Rates over' <<<"$out")" -eq 1 -a "$(grep -c '^=== ' <<<"$out")" -eq 2

# --- OpenMetrics and the Prometheus text format -----------------------------
# (tests/prometheus/ runs promtool, the HTTP endpoint and a real Prometheus)
om_check='
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
assert text.endswith("# EOF\n")
fams = {f.name: f for f in text_string_to_metric_families(text)}
live, npids, per_pid = float(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "per-pid"
pids = sys.argv[5:]
lb = fams["liballoc_live_bytes"].samples
if per_pid:
    assert sorted(s.labels["pid"] for s in lb) == sorted(pids), lb
    assert all(s.value == live for s in lb), lb
else:
    # processes of one executable (as the kernel names it: the fabricated
    # segments belong to sleep processes) are one series, summed
    assert [(s.labels, s.value) for s in lb] == [({"exe": "sleep"}, npids * live)], lb
    assert all("pid" not in s.labels for f in fams.values() for s in f.samples)
    assert [s.value for s in fams["liballoc_processes"].samples] == [npids]
assert fams["liballoc_live_bytes"].unit == "bytes"
assert fams["liballoc_allocations"].type == "counter"
assert all(s.name == "liballoc_allocations_total" for s in fams["liballoc_allocations"].samples)
assert all(s.timestamp is None for f in fams.values() for s in f.samples)
for f in fams.values():
    assert f.name.startswith("liballoc_"), f.name
    if f.unit: assert f.name.endswith("_" + f.unit), f.name
cls = [s for s in fams["liballoc_class_live_bytes"].samples if s.labels["class"] == "7"]
assert len(cls) == (npids if per_pid else 1) and all(s.value == 44 * 128 * (1 if per_pid else npids) for s in cls), cls
# segfab: one double_free and one invalid_free per process, no conf_change kind
kinds = {}
for s in fams["liballoc_violations"].samples:
    kinds[s.labels["kind"]] = kinds.get(s.labels["kind"], 0) + s.value
assert kinds == {"double_free": npids, "invalid_free": npids, "buffer_overflow": 0,
                 "buffer_underflow": 0, "use_after_free": 0, "heap_corruption": 0,
                 "size_mismatch": 0, "alloc_dealloc_mismatch": 0}, kinds
info = fams["liballoc_build_info"].samples
assert len(info) == (npids if per_pid else 1) and info[0].labels["version"] == "0.1.0", info
'
ad --openmetrics "$P1" >"$DIR/om1"
check "--openmetrics parses (one pid)" $PY -c "$om_check" "$DIR/om1" "$LIVE" 1 sum "$P1"
ad --all --openmetrics >"$DIR/om2"
check "--all --openmetrics: one series for both pids of one exe, summed" \
	$PY -c "$om_check" "$DIR/om2" "$LIVE" 2 sum "$P1" "$P2"
ad --all --openmetrics --per-pid >"$DIR/om2p"
check "--all --openmetrics --per-pid: a series per pid" \
	$PY -c "$om_check" "$DIR/om2p" "$LIVE" 2 per-pid "$P1" "$P2"
ad --all --prometheus >"$DIR/prom2"
check "--all --prometheus: text format, same families as OpenMetrics" $PY -c '
import sys
from prometheus_client.parser import text_string_to_metric_families as text_parse
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_parse
text = open(sys.argv[1]).read()
assert "# EOF" not in text and "# UNIT" not in text
t = {f.name: (f.type, [(s.name, s.labels, s.value) for s in f.samples]) for f in text_parse(text)}
o = {f.name: (f.type, [(s.name, s.labels, s.value) for s in f.samples])
     for f in om_parse(open(sys.argv[2]).read())}
assert t == o, sorted(set(t) ^ set(o))
assert "# TYPE liballoc_allocations_total counter" in text
' "$DIR/prom2" "$DIR/om2"

# --- hostile strings stay inside their quotes -------------------------------
live_pid; PW=$LP; fab "$PW" weird
out=$(ad --json "$PW")
check "--json with hostile strings parses" $PY -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["reported_exe"] == "we\"ird\\\n\x01\ufffd\u00e9", repr(d["reported_exe"])
assert d["exe"] == "sleep", d["exe"]
assert d["threads"][1]["name"] == "\ufffd\ufffdname\n012345678", repr(d["threads"][1]["name"])
' "$out"
ad --openmetrics "$PW" >"$DIR/om3"
check "--openmetrics with hostile strings parses" $PY -c '
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
exe = fams["liballoc_live_bytes"].samples[0].labels["exe"]
assert exe == "sleep", repr(exe)  # what the kernel says, not the segment
' "$DIR/om3"
out=$(ad "$PW")
check "text report carries no control characters" test -z "$(tr -d '\n' <<<"$out" | tr -d '[:print:]\200-\377')"
rm -f "$DIR/liballoc.$PW"

# --- exit codes and messages -------------------------------------------------
expect_rc() { # name want-rc expected-stderr-substring args...
	local name=$1 want=$2 msg=$3; shift 3
	local err rc
	err=$("$AD" --dir "$DIR" "$@" 2>&1 >/dev/null); rc=$?
	if [ $rc -eq "$want" ] && grep -qF -- "$msg" <<<"$err"; then ok "$name (exit $want)"
	else bad "$name: exit $rc, want $want; stderr: $err"; fi
}
D1=$(dead_pid)
expect_rc "no such process" 3 "pid $D1, $DIR/liballoc.$D1" "$D1"
live_pid; P3=$LP; fab "$P3" badmagic
expect_rc "bad magic is corrupt" 6 "pid $P3, $DIR/liballoc.$P3: corrupt" "$P3"
live_pid; P4=$LP; fab "$P4" version
expect_rc "unknown major version" 5 "pid $P4, $DIR/liballoc.$P4: segment ABI version 2" "$P4"
live_pid; P5=$LP; fab "$P5" truncate
expect_rc "truncated segment is corrupt" 6 "$DIR/liballoc.$P5" "$P5"
live_pid; P6=$LP; fab "$P6" overlap
expect_rc "overlapping tables are corrupt" 6 "overlap" "$P6"
live_pid; P7=$LP; fab "$P7" notready
expect_rc "segment not ready" 8 "not initialised" "$P7"
D2=$(dead_pid); fab "$D2"
expect_rc "dead process: stale" 7 "pid $D2, $DIR/liballoc.$D2: process is gone" "$D2"
live_pid; P8=$LP; fab "$P8" recycled
expect_rc "recycled pid: stale" 7 "pid $P8" "$P8"
expect_rc "first error decides, others still reported" 3 "pid $D1" "$P1" "$D1"
expect_rc "bad pid is a usage error" 2 "not a pid" 12x
expect_rc "no pid is a usage error" 2 "which process"
expect_rc "bad --watch" 2 "--watch" --watch -1 "$P1"
expect_rc "--listen with --json" 2 "--listen serves metrics" --listen 127.0.0.1:0 --json
expect_rc "--listen with a pid" 2 "unexpected argument" --listen 127.0.0.1:0 "$P1"
expect_rc "--listen with --all" 2 "exclude each other" --listen 127.0.0.1:0 --all
expect_rc "--listen without a port" 2 "--listen wants HOST:PORT" --listen 127.0.0.1
expect_rc "--listen with a bare IPv6 address" 2 "--listen wants HOST:PORT" --listen ::1:9000
expect_rc "--listen on a port out of range" 2 "--listen wants HOST:PORT" --listen 127.0.0.1:65536
expect_rc "--metrics-path not absolute" 2 "--metrics-path wants a path" --listen 127.0.0.1:0 --metrics-path metrics
check "--help exits 0" sh -c "'$AD' --help >/dev/null"
check "--version names the ABI" sh -c "'$AD' --version | grep -qE 'ABI 1\.[0-9]+'"

# --- symlinks and other files at the path ------------------------------------
live_pid; P9=$LP
fab "$P1" 2>/dev/null; ln -s "$DIR/liballoc.$P1" "$DIR/liballoc.$P9"
expect_rc "pre-planted symlink refused" 4 "symbolic link" "$P9"
live_pid; P10=$LP; mkfifo "$DIR/liballoc.$P10"
expect_rc "FIFO at the path refused" 4 "not a regular file" "$P10"

# --- another user ------------------------------------------------------------
if [ "$(id -u)" -ne 0 ] || ! command -v runuser >/dev/null || ! command -v useradd >/dev/null; then
	echo "SKIP: other-user tests need root, runuser and useradd"
else
	id liballoc_test >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin liballoc_test
	# The checkout may sit in a directory the other user cannot enter
	# (a 0700 mktemp dir): run copies of the tools from $DIR instead.
	mkdir -p "$DIR/bin" && cp "$AD" "$FAB" "$DIR/bin/" && chmod 755 "$DIR/bin"
	OTHER_AD=$DIR/bin/$(basename "$AD") OTHER_FAB=$DIR/bin/$(basename "$FAB")
	as_other() { runuser -u liballoc_test -- "$OTHER_AD" --dir "$DIR" "$@"; }
	err=$(as_other "$P1" 2>&1 >/dev/null); rc=$?
	if [ $rc -eq 4 ] && grep -q "pid $P1, $DIR/liballoc.$P1: permission denied" <<<"$err"; then
		ok "other user: permission denied (exit 4)"; else bad "other user: exit $rc: $err"; fi
	# even a readable file is refused: the owner check, not just the mode
	chmod 0644 "$DIR/liballoc.$P1"
	err=$(as_other "$P1" 2>&1 >/dev/null); rc=$?
	if [ $rc -eq 4 ] && grep -q "owned by uid 0" <<<"$err"; then
		ok "other user, mode 0644: owner check refuses (exit 4)"; else bad "owner check: exit $rc: $err"; fi
	chmod 0600 "$DIR/liballoc.$P1"
	err=$(as_other --set "$P1" junk=alloc 2>&1 >/dev/null); rc=$?
	check "other user cannot --set (exit 4)" test $rc -eq 4
	out=$(as_other --all 2>&1); rc=$?
	check "other user --all lists nothing of root's" test $rc -eq 0 -a "$(grep -c segfab <<<"$out")" -eq 0
	check "root may read" sh -c "'$AD' --dir '$DIR' '$P1' >/dev/null"
	# a file planted by another user under root's live process is refused
	live_pid; P11=$LP
	runuser -u liballoc_test -- "$OTHER_FAB" "$DIR/liballoc.$P11" "$P11" 2>/dev/null || \
		{ chmod 1777 "$DIR"; runuser -u liballoc_test -- "$OTHER_FAB" "$DIR/liballoc.$P11" "$P11"; chmod 755 "$DIR"; }
	expect_rc "file planted by another user refused even for root" 4 "process runs as uid 0" "$P11"
fi

# --- --set ---------------------------------------------------------------------
err=$(ad --set "$P2" junk=alloc,redzone=32 --timeout 100 2>&1); rc=$?
check "--set without a running liballoc times out (exit 10)" test $rc -eq 10
check "--set reports requested vs applied" grep -qE 'requested +junk-alloc,rz32' <<<"$err"
out=$(ad --json "$P2")
check "--set wrote the control block" $PY -c '
import json, sys
c = json.loads(sys.argv[1])["checks"]
assert c["requested"]["junk"] == "alloc" and c["requested"]["redzone"] == 32, c
assert c["request_gen"] == 1 and c["applied_gen"] == 0 and c["gate"] & 2, c
' "$out"
err=$(ad --set "$P2" colour=blue 2>&1); rc=$?
check "--set unknown key: usage error naming the key" test $rc -eq 2 -a -n "$(grep colour <<<"$err")"
err=$(ad --set "$D2" junk=alloc 2>&1); rc=$?
check "--set on a dead process: stale (exit 7)" test $rc -eq 7

# --- --gc ----------------------------------------------------------------------
rm -f "$DIR/liballoc.$P9" "$DIR/liballoc.$P10"
out=$(ad --gc --dry-run)
check "--gc --dry-run lists the dead process" grep -qF "would remove $DIR/liballoc.$D2 (pid $D2: process gone)" <<<"$out"
check "--gc --dry-run lists the recycled pid" grep -qF "liballoc.$P8 (pid $P8: pid recycled)" <<<"$out"
check "--gc --dry-run removes nothing" test -e "$DIR/liballoc.$D2"
out=$(ad --gc)
check "--gc removes the dead process's segment" test ! -e "$DIR/liballoc.$D2"
check "--gc removes the recycled pid's segment" test ! -e "$DIR/liballoc.$P8"
check "--gc keeps live processes' segments" test -e "$DIR/liballoc.$P1" -a -e "$DIR/liballoc.$P2"
check "--gc counts" grep -q '^2 stale segments removed' <<<"$out"
ln -s /etc/passwd "$DIR/liballoc.$D1"
ad --gc >/dev/null
check "--gc never removes or follows a symlink" test -L "$DIR/liballoc.$D1" -a -s /etc/passwd

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
