#!/usr/bin/env bash
# signals_test.sh - alloctop gives the terminal back whatever signal ends
# it: the quit signals (SIGINT, SIGTERM, SIGHUP) through its normal exit,
# the fatal ones (SIGSEGV, SIGBUS, SIGABRT, SIGQUIT, SIGFPE, SIGILL) through
# its handler. Each time the shell must see the signal as the exit status
# (128 + signal: alloctop re-raises it), the alternate screen must be left
# and the terminal modes restored.
cd "$(dirname "$0")/../.." || exit 1
. tests/alloctop/lib.sh

if ! command -v tmux >/dev/null; then
	echo "SKIP: tmux is not installed (make deps installs it)"
	echo "0 passed, 0 failed"
	exit 0
fi
ALLOCTOP=$(realpath "$ALLOCTOP")
export LIBALLOC_COLLECTOR_FILE=/nonexistent/collector.json
dir=$(new_dir)
start_fake "$dir" 2
start_tmux signals 120 30 "env PS1='PROMPT\$ ' bash --norc --noprofile"
wait_for 'PROMPT' || true
keys "ulimit -c 0" Enter # no core files from the fatal ones
alt_on() { "${T[@]}" display -p -t main '#{alternate_on}'; }
shell=$("${T[@]}" display -p -t main '#{pane_pid}')

for sig in INT TERM HUP SEGV BUS ABRT QUIT FPE ILL; do
	num=$(kill -l "$sig")
	keys "clear; $ALLOCTOP -S $dir -d 0.2; echo rc=\$?" Enter
	check_screen "SIG$sig: alloctop running" '^ +PID USER' 5
	top=$(ps -o pid= --ppid "$shell" | tr -d ' ' | head -1)
	if [ -z "$top" ]; then
		bad "SIG$sig: alloctop's pid" "not found"
		continue
	fi
	kill -"$sig" "$top"
	# bash drops the rest of a command line whose job died of SIGINT: ask after
	if [ "$sig" = INT ]; then
		check_screen "SIGINT: back at the prompt" '^PROMPT\$$' 5
		keys "echo rc=\$?" Enter
	fi
	check_screen "SIG$sig: exit status $((128 + num)) (the signal, re-raised)" "^rc=$((128 + num))\$" 5
	expect_eq "SIG$sig: alternate screen left" "$(alt_on)" 0
	keys "clear; stty -a | tr ' ;' '\n\n' | grep -x -e icanon -e echo | tr '\n' ' '; echo END" Enter
	check_screen "SIG$sig: terminal modes restored" '^icanon echo END' 5
done

summary
