#!/usr/bin/env bash
# tmux_test.sh - alloctop's interactive screen driven in tmux: sorting,
# detail view, help, filter, pause/delay, resize, switching a check on a live
# process (read back from the segment), colours/NO_COLOR, and quitting with q,
# F10, Ctrl-C and SIGTERM with the terminal restored.
cd "$(dirname "$0")/../.." || exit 1
. tests/alloctop/lib.sh

if ! command -v tmux >/dev/null; then
	echo "SKIP: tmux is not installed (make deps installs it)"
	echo "0 passed, 0 failed"
	exit 0
fi
ALLOCTOP=$(realpath "$ALLOCTOP")
export LIBALLOC_COLLECTOR_FILE=/nonexistent/collector.json # no collector here
SEGVALUES=$(realpath "$HELPERS/segvalues")
start_tmux test 132 40 "env PS1='PROMPT\$ ' bash --norc --noprofile"
alt_on() { "${T[@]}" display -p -t main '#{alternate_on}'; }
check_gone() { # NAME REGEX: the screen stops matching
	for ((i = 0; i < 100; i++)); do
		cap | grep -Eq -- "$2" || { ok "$1"; return; }
		sleep 0.05
	done
	bad "$1" "screen still matches /$2/"
	cap | sed 's/^/    | /'
}
first_row_pid() { cap | awk '/^ +PID USER/ { getline; print $1; exit }'; }
seg() { "$SEGVALUES" "$dir/liballoc.$1" | sed -n "s/^$2=//p"; }
run_top() { keys "clear; $*; echo rc=\$?" Enter; }

dir=$(new_dir)
start_fake "$dir" 3 --apply
p0=${FAKE_PIDS[0]} p1=${FAKE_PIDS[1]} p2=${FAKE_PIDS[2]}
wait_for 'PROMPT' || true

# --- list and sorting -------------------------------------------------------
run_top "$ALLOCTOP -S $dir -d 0.3"
check_screen "list header" '^ +PID USER +COMMAND +LIVE +PEAK'
expect_eq "alternate screen while running" "$(alt_on)" 1
check_screen "three fake processes" "fake-002"
expect_eq "default sort LIVE desc: biggest first" "$(first_row_pid)" "$p2"
keys P
check_screen "P sorts by PID" 'sort PID asc'
expect_eq "PID ascending" "$(first_row_pid)" "$(printf '%s\n' "$p0" "$p1" "$p2" | sort -n | head -1)"
keys P
check_screen "P again reverses" 'sort PID desc'
keys R
check_screen "R reverses" 'sort PID asc'
keys '>'
check_screen "> moves the sort column right" 'sort USER asc'
keys '<' '<'
check_screen "< moves it left (wraps to ERR)" 'sort ERR desc'
keys L
check_screen "L sorts by LIVE" 'sort LIVE desc'
expect_eq "LIVE desc again" "$(first_row_pid)" "$p2"

# --- help -------------------------------------------------------------------
keys h
check_screen "h opens help" '^KEY +ACTION'
for word in 'q, F10' 'h, \?, F1' 'p, space' 'd, s' 'PgUp, PgDn' 'Home, End' 'Enter' '<, >' '/, f' \
	'^j ' '^z ' '^c ' '^u ' '^o '; do
	if cap | grep -Eq -- "$word"; then ok "help lists '$word'"; else bad "help lists '$word'" "missing"; fi
done
keys NPage
for col in PID USER COMMAND LIVE PEAK RSS MAPPED DIRTY FRAG 'ALLOC/s' 'FREE/s' THREADS MAPS CHECKS ERR; do
	if cap | grep -Eq -- "^$col +\("; then ok "help explains $col"; else bad "help explains $col" "missing"; fi
done
keys Space
check_screen "any key leaves help" '^ +PID USER'
keys F1
check_screen "F1 opens help" '^KEY +ACTION'
keys q
check_screen "q closes help (not alloctop)" '^ +PID USER'

# --- detail view ------------------------------------------------------------
keys Home Enter
check_screen "Enter opens the detail of the selected process" "^PID $p2  fake-002"
check_screen "detail: size classes" '^Size classes'
check_screen "detail: checks line" '^Checks: +junk\[j\] off'
check_screen "detail: sparklines" '^  live +max'
keys NPage NPage
check_screen "detail scrolls (PgDn)" '^Threads|^Recent events|^Large allocations'
keys End
check_screen "End shows the collector hook" 'collector not running'
keys Escape
check_screen "Esc returns to the list" '^ +PID USER'

# --- filter -----------------------------------------------------------------
keys / 0 0 1
check_screen "filter prompt" 'Filter by name'
keys Enter
check_screen "filter applied" 'filter "001"'
rows=$(cap | awk '/^ +PID USER/ { on = 1; next } on && /fake-/ { n++ } END { print n + 0 }')
expect_eq "filter leaves one row" "$rows" 1

# --- switching checks on a live process -------------------------------------
keys c
check_screen "c asks first, naming the process and the change" "set check_free=true in pid $p1 \\((fake-001|fakeprocs)\\)\\? y/n"
keys n Enter
check_screen "n leaves the process alone" "checks unchanged"
expect_eq "check_free unchanged in the segment" "$(seg "$p1" check_free)" 0
keys c y Enter
check_screen "c confirms check_free on" "pid $p1: check_free=true: checks none -> free \(applied\)"
expect_eq "check_free applied in the segment" "$(seg "$p1" check_free)" 1
expect_eq "a switch from outside reports and goes on (on_error report)" "$(seg "$p1" on_error)" 1
expect_eq "other processes untouched" "$(seg "$p0" check_free)" 0
# A check switched on from outside also makes the process report and go on
# (on_error=report, liballoc-debug(7)), unless the request sets on_error.
check_screen "CHECKS column shows it" "^ +$p1 .* free,report( |$)"
keys z y Enter
check_screen "z confirms redzones" "redzone=16: checks free(,report)? -> rz16,free(,report)? \(applied\)"
expect_eq "redzone applied in the segment" "$(seg "$p1" redzone)" 16
keys c y Enter
check_screen "c again switches it off" "pid $p1: check_free=false"
expect_eq "check_free off in the segment" "$(seg "$p1" check_free)" 0
keys Enter
check_screen "detail shows the state" 'redzone\[z\] 16B +check_free\[c\] off'
keys u y Enter
check_screen "u from the detail view" "pid $p1: quarantine=16777216"
expect_eq "quarantine applied (debug:true's size)" "$(seg "$p1" quarantine)" 16777216
keys o y Enter
check_screen "o cycles on_error (report -> ignore)" "pid $p1: on_error=ignore"
expect_eq "on_error ignore applied" "$(seg "$p1" on_error)" 2
before=$(seg "$p1" guard_sample)
keys g
check_screen "g asks for the rate, naming the process" "guard_sample for pid $p1 \\((fake-001|fakeprocs)\\), now $before"
keys 1 0 Enter
check_screen "then y/n naming the process and the change" "set guard_sample=10 in pid $p1 \\((fake-001|fakeprocs)\\)\\? y/n"
keys n Enter
check_screen "n leaves the process alone" "guard_sample unchanged"
expect_eq "guard_sample unchanged in the segment" "$(seg "$p1" guard_sample)" "$before"
keys g 1 0 Enter y Enter
check_screen "y applies it" "pid $p1: guard_sample=10: checks .* -> .*guard/10.* \\(applied\\)"
expect_eq "guard_sample applied in the segment" "$(seg "$p1" guard_sample)" 10
check_screen "detail shows the rate" 'guard\[g\] 1/10'
keys Escape Escape
check_screen "Esc clears the filter" 'filter cleared'

# --- pause and delay --------------------------------------------------------
keys p
check_screen "p pauses" ' - PAUSED'
keys Space
check_gone "space resumes" ' - PAUSED'
keys d
check_screen "d prompts for the delay" 'Refresh delay in seconds'
keys 0 . 5 Enter
check_screen "delay changed" 'delay 0\.5s'
keys s x Enter
check_screen "bad delay is refused" "invalid delay 'x'"

# --- resize -----------------------------------------------------------------
"${T[@]}" resize-window -t main -x 80 -y 20
check_screen "relayout at 80x20: header" '^ +PID USER +COMMAND'
widest=$(cap | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
if [ "$widest" -le 80 ]; then ok "nothing drawn past 80 columns"; else bad "nothing drawn past 80 columns" "$widest"; fi
expect_eq "20 lines" "$(cap | wc -l)" 20
keys Right Right
check_screen "Right scrolls sideways" '^ *DIRTY|FRAG|ALLOC/s'
keys Left Left Left
"${T[@]}" resize-window -t main -x 160 -y 45
check_screen "relayout at 160x45: all columns" 'CHECKS +ERR'
keys Enter
"${T[@]}" resize-window -t main -x 100 -y 30
check_screen "detail relayout after resize" '^Size classes|^Checks:'
keys Escape

# --- a process exiting while shown ------------------------------------------
keys Enter
check_screen "detail before exit" '^PID [0-9]+  fake-'
stop_fake
check_screen "detail says the process exited" 'has exited'
keys Escape
check_screen "empty list explains itself" 'No process with a liballoc stats segment'

# --- quitting ---------------------------------------------------------------
keys q
check_screen "q quits" 'rc=0'
expect_eq "alternate screen left after q" "$(alt_on)" 0
keys "clear; stty -a | tr ' ;' '\n\n' | grep -x -e icanon -e echo | tr '\n' ' '; echo END" Enter
check_screen "terminal modes restored after q" '^icanon echo END'

run_top "$ALLOCTOP -S $dir"
check_screen "started again" 'No process with a liballoc'
keys F10
check_screen "F10 quits" 'rc=0'

run_top "$ALLOCTOP -S $dir"
check_screen "started for Ctrl-C" 'No process with a liballoc'
keys C-c
# bash drops the rest of a command line whose job died of SIGINT: ask after.
check_screen "Ctrl-C quits" 'PROMPT'
keys "echo rc=\$?" Enter
check_screen "Ctrl-C exit status 130" 'rc=130'
expect_eq "alternate screen left after Ctrl-C" "$(alt_on)" 0
keys "clear; stty -a | tr ' ;' '\n\n' | grep -x -e icanon -e echo | tr '\n' ' '; echo END" Enter
check_screen "terminal modes restored after Ctrl-C" '^icanon echo END'

run_top "$ALLOCTOP -S $dir"
check_screen "started for SIGTERM" 'No process with a liballoc'
shell=$("${T[@]}" display -p -t main '#{pane_pid}')
top=$(ps -o pid= --ppid "$shell" | tr -d ' ' | head -1)
[ -n "$top" ] && kill -TERM "$top"
check_screen "SIGTERM quits (status 143)" 'rc=143'
expect_eq "alternate screen left after SIGTERM" "$(alt_on)" 0

# --- colours and NO_COLOR ---------------------------------------------------
COLOUR=$'\033\[[0-9;]*[34][0-7]m' BACKGROUND=$'\033\[[0-9;]*4[0-7]m' REVERSE=$'\033\[[0-9;]*7m'
screen_has() { # NAME YES|NO REGEX: does the pane, escapes included, match?
	if cap -e | grep -q -- "$3"; then got=YES; else got=NO; fi
	expect_eq "$1" "$got" "$2"
}
start_fake "$dir" 1 --apply
run_top "$ALLOCTOP -S $dir"
check_screen "colour run" '^ +PID USER'
screen_has "header has a colour" YES "$BACKGROUND"
keys q
check_screen "quit colour run" 'rc=0'
run_top "NO_COLOR=1 $ALLOCTOP -S $dir"
check_screen "NO_COLOR run" '^ +PID USER'
screen_has "NO_COLOR: no colours" NO "$COLOUR"
screen_has "NO_COLOR: header in reverse video" YES "$REVERSE"
keys q
check_screen "quit NO_COLOR run" 'rc=0'
run_top "TERM=vt100 $ALLOCTOP -S $dir"
check_screen "monochrome terminal (vt100) works" '^ +PID USER'
screen_has "vt100: no colours" NO "$COLOUR"
keys Enter
check_screen "vt100: detail view" '^Size classes'
keys q
check_screen "quit vt100 run" 'rc=0'
stop_fake

# --- a real process under liballoc ------------------------------------------
if [ -e "$BUILD/liballoc.so" ]; then
	rdir=$(new_dir)
	LIBALLOC_STATS_DIR=$rdir LIBALLOC_CONF=stats_publish:eager LD_PRELOAD=$BUILD/liballoc.so \
		"$HELPERS/knownalloc" --busy >/dev/null &
	kpid=$!
	CLEANUP+=("kill $kpid")
	for _ in $(seq 1 100); do [ -e "$rdir/liballoc.$kpid" ] && break; sleep 0.05; done
	dir=$rdir
	run_top "$ALLOCTOP -S $rdir -d 0.5"
	check_screen "real process listed" "^ +$kpid +[^ ]+ +knownalloc"
	keys c y Enter
	check_screen "real: c confirmed" "pid $kpid: check_free=true"
	expect_eq "real: check_free applied by liballoc" "$(seg "$kpid" check_free)" 1
	keys c y Enter
	check_screen "real: c again" "pid $kpid: check_free=false"
	expect_eq "real: check_free off again" "$(seg "$kpid" check_free)" 0
	keys q
	check_screen "real: quit" 'rc=0'
	kill "$kpid"
	wait "$kpid" 2>/dev/null
else
	skip "real process toggling" "$BUILD/liballoc.so not built yet"
fi

# --- 80x24: no number cut, threads, stale rows, totals of the filter --------
# fmt_bytes_short of alloctop (sink.c), to know what the screen must show.
short_bytes() {
	awk -v v="$1" 'BEGIN { split("B K M G T P", u, " "); i = 1
		if (v < 999.5) { printf "%.0fB\n", v; exit }
		while (v >= 999.5 || i == 1) { v /= 1024; i++ }
		printf(v < 9.95 ? "%.1f%s\n" : "%.0f%s\n", v, u[i]) }'
}
# Every line ends before column 80 (a cut happens at the edge), and every
# list row has as many fields as the header: no column is shown in part.
whole_screen() { # NAME
	local screen widest
	screen=$(cap)
	widest=$(printf '%s\n' "$screen" | sed 's/ *$//' | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
	if [ "$widest" -lt 80 ]; then ok "$1: the last column stays blank"; else
		bad "$1: the last column stays blank" "a line reaches column $widest"; printf '%s\n' "$screen" | sed 's/^/    | /'; fi
	local ragged
	ragged=$(printf '%s\n' "$screen" | awk '/^ +PID USER/ || /^ +PID [A-Z]/ { n = NF; on = 1; next }
		on && /^ +[0-9]+ / && NF != n { print; exit }')
	if [ -z "$ragged" ]; then ok "$1: every row has a field per column"; else bad "$1: every row has a field per column" "$ragged"; fi
}
if [ -e "$BUILD/liballoc.so" ]; then
	sdir=$(new_dir)
	dir=$sdir
	LIBALLOC_STATS_DIR=$sdir LIBALLOC_CONF=stats_publish:eager LD_PRELOAD=$BUILD/liballoc.so \
		"$HELPERS/knownalloc" --worker >/dev/null &
	kpid=$!
	CLEANUP+=("kill $kpid")
	for _ in $(seq 1 100); do [ -e "$sdir/liballoc.$kpid" ] && break; sleep 0.05; done
	start_fake "$sdir" 2 --churn
	if [ -x "$BUILD/tests/segfab" ]; then
		sleep 0.01 &
		gone=$!
		wait $gone
		"$BUILD/tests/segfab" "$sdir/liballoc.$gone" "$gone" none
	fi
	"${T[@]}" resize-window -t main -x 80 -y 24
	run_top "$ALLOCTOP -S $sdir -d 0.3"
	check_screen "80x24: the real process" "^ +$kpid +[^ ]+ +knownalloc"
	check_screen "80x24: rates after a refresh" "^ +$kpid .* [0-9.]+[kMG]? *$"
	whole_screen "80x24 list"
	live=$(short_bytes "$(seg "$kpid" live)")
	expect_eq "80x24: LIVE in short units, whole" "$(cap | awk -v p="$kpid" '$1 == p { print $4 }')" "$live"
	totals=$(cap | sed -n '2,3p' | tr -s ' ')
	for item in 'live [0-9.]+[BKMGT]' 'peak ' 'rss ' 'mapped ' 'dirty ' 'alloc/s ' 'free/s ' 'threads [0-9]+' 'maps [0-9]+' 'errors [0-9]+'; do
		expect_match "80x24: the Total line keeps '$item'" "$totals" "(^| )$item"
	done
	if [ -n "${gone:-}" ]; then
		check_screen "stale row hidden, and counted" ' \(1 stale hidden\) '
		expect_no_match "no stale row listed" "$(cap)" "^ +$gone "
		keys x
		check_screen "x shows stale rows" "^ +$gone +- +\[stale\]"
		whole_screen "80x24 with a stale row"
		keys x
		check_gone "x hides them again" "^ +$gone "
	fi
	keys Right
	check_screen "Right: a whole column further" '^ +PID COMMAND'
	whole_screen "80x24 scrolled right"
	keys Left
	check_screen "Left: back" '^ +PID USER'
	# the thread view of the real process
	keys Home
	for _ in 1 2 3 4; do
		[ "$(cap | awk '/^ +PID USER/ { getline; print $1; exit }')" = "$kpid" ] && break
		keys Down
	done
	keys t
	check_screen "t: thread view of the selected process" "^Threads of PID $kpid  knownalloc  \(2 live"
	check_screen "t: the worker thread, by name" "^ +[0-9]+ worker +[0-9]+ +18\.8 KiB +300 "
	check_screen "t: the main thread, by tid" "^ +$kpid knownalloc "
	whole_screen "80x24 thread view"
	keys Escape
	check_screen "Esc: back to the list" '^ +PID USER'
	keys Enter
	check_screen "detail at 80x24" "^PID $kpid  knownalloc"
	whole_screen "80x24 detail"
	keys t
	check_screen "t from the detail view" "^Threads of PID $kpid"
	keys Escape
	check_screen "Esc: back to the detail" "^PID $kpid  knownalloc"
	keys Escape
	# the Total line follows the filter: only knownalloc's 2 threads
	keys / k n o w n Enter
	check_screen "filter on the real process" 'filter "known"'
	check_screen "Total follows the filter" '(^| )threads 2( |$)'
	keys Escape
	check_screen "filter cleared: all threads again" '(^| )threads [3-9]( |$)'
	keys h
	check_screen "help lists t" '^t +thread view'
	check_screen "help lists x" '^x +show / hide stale rows'
	whole_screen "80x24 help"
	keys q q
	check_screen "80x24: quit" 'rc=0'
	stop_fake
	kill "$kpid"
	wait "$kpid" 2>/dev/null
else
	skip "80x24 layout with a real process" "$BUILD/liballoc.so not built yet"
fi

summary
