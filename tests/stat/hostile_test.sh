#!/bin/bash
# hostile_test.sh BUILD_DIR - every reader and every switch while the
# segments change under them (tests/stat/segchurn.c truncates, rewrites,
# scribbles over and replaces them as fast as it can): no tool may die of a
# signal (SIGBUS, SIGSEGV, an abort), none may report a sanitizer error,
# and alloctop's screen, with every switch key pressed, must still answer q
# and give the terminal back. Run on the normal build and, by make test, on
# the sanitizer build (build/san).
set -u
BUILD=${1:-build}
AD=$BUILD/allocdump
AT=$BUILD/alloctop
CHURN=$BUILD/tests/segchurn
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export LIBALLOC_COLLECTOR_FILE=/nonexistent/collector.json

DIR=$(mktemp -d /tmp/hostile-test.XXXXXX)
CPID=
TMUX_SOCK=hostile-$$
cleanup() {
	[ -n "$CPID" ] && kill "$CPID" 2>/dev/null && wait "$CPID" 2>/dev/null
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT

"$CHURN" "$DIR" 4 ${HOSTILE_SECONDS:-12} >"$DIR.pids" &
CPID=$!
for _ in $(seq 1 200); do grep -q '^ready$' "$DIR.pids" 2>/dev/null && break; sleep 0.05; done
mapfile -t PIDS < <(grep -v '^ready$' "$DIR.pids")
rm -f "$DIR.pids"
if [ ${#PIDS[@]} -ne 4 ]; then
	bad "segchurn started 4 processes (${#PIDS[@]})"
	echo "$pass passed, $fail failed"
	exit 1
fi

# run NAME CMD...: the tool may fail (the segment is often broken), but
# only with an exit status of its own, never killed by a signal, and with
# no sanitizer report.
runs=0 died=0 san=0
declare -A died_by
run() {
	local name=$1 rc err
	shift
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	runs=$((runs + 1))
	if [ $rc -ge 128 ]; then
		died=$((died + 1))
		died_by[$name]="exit $rc"
	fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' <<<"$err"; then
		san=$((san + 1))
		died_by[$name]="sanitizer: $(grep -m1 -E 'Sanitizer|runtime error' <<<"$err")"
	fi
}

# alloctop's screen in tmux, pressing every switch key over and over
have_tmux=
if command -v tmux >/dev/null; then
	have_tmux=1
	T=(tmux -L "$TMUX_SOCK" -f /dev/null)
	"${T[@]}" new-session -d -s main -x 160 -y 40 "env PS1='PROMPT\$ ' bash --norc --noprofile"
	sleep 0.3
	"${T[@]}" send-keys -t main "clear; $(realpath "$AT") -S $DIR -d 0.1; echo rc=\$?" Enter
fi

deadline=$((SECONDS + ${HOSTILE_SECONDS:-12} - 2))
round=0
while [ $SECONDS -lt $deadline ]; do
	p=${PIDS[$((round % 4))]}
	run "allocdump text" "$AD" --dir "$DIR" "$p"
	run "allocdump json" "$AD" --dir "$DIR" --json "$p"
	run "allocdump openmetrics" "$AD" --dir "$DIR" --openmetrics "$p"
	run "allocdump --all" "$AD" --dir "$DIR" --all
	run "allocdump --watch" "$AD" --dir "$DIR" --all --count 3 --watch 0.05
	run "allocdump --set" "$AD" --dir "$DIR" --set "$p" junk=alloc,redzone=16 --timeout 100
	run "allocdump --set debug" "$AD" --dir "$DIR" --set "$p" debug=true --timeout 30
	run "allocdump --gc --dry-run" "$AD" --dir "$DIR" --gc --dry-run
	run "alloctop -b -D" "$AT" -b -o -D -S "$DIR"
	run "alloctop -b -n" "$AT" -b -n 3 -d 0.1 -r -S "$DIR"
	if [ -n "$have_tmux" ]; then
		for k in j z c u o Enter j z c u o Escape Down; do
			"${T[@]}" send-keys -t main "$k"
		done
	fi
	round=$((round + 1))
done

if [ $died -eq 0 ]; then ok "$runs tool runs on changing segments: none killed by a signal"
else bad "$died of $runs tool runs killed by a signal: ${died_by[*]}"; fi
if [ $san -eq 0 ]; then ok "no sanitizer report"
else bad "$san sanitizer reports: ${died_by[*]}"; fi

if [ -n "$have_tmux" ]; then
	"${T[@]}" send-keys -t main q
	found=
	# the keys sent are queued: give it time to work through them (a
	# generous bound, not a timing check)
	for _ in $(seq 1 600); do
		if "${T[@]}" capture-pane -p -t main | grep -q '^rc='; then found=1; break; fi
		sleep 0.05
	done
	rcline=$("${T[@]}" capture-pane -p -t main | grep -m1 '^rc=')
	if [ -n "$found" ] && [ "$rcline" = "rc=0" ]; then
		ok "alloctop screen: every switch key pressed $round times, still quits with q (rc=0)"
	else
		bad "alloctop screen did not survive: '${rcline:-no exit seen}'"
		"${T[@]}" capture-pane -p -t main | tail -5 | sed 's/^/    | /'
	fi
	if [ "$("${T[@]}" display -p -t main '#{alternate_on}')" = 0 ]; then
		ok "alloctop left the alternate screen"
	else
		bad "alloctop left the terminal in curses mode"
	fi
else
	echo "SKIP: tmux not installed: alloctop's screen not exercised"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
