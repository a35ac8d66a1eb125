#!/bin/bash
# An interactive shell session: bash -i with readline on a real pty inside
# tmux (the tmux server runs under the allocator too); keys are typed,
# the screen is captured and compared.
set -eu
command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 77; }
export TERM=${TERM:-xterm}
[ "$TERM" = dumb ] && TERM=xterm
sock=$PWD/tmux.sock
tm() { tmux -S "$sock" -f /dev/null "$@"; }
printf 'alpha\nbeta\ngamma\n' >words.txt
touch unique_file_for_completion.txt
tm new-session -d -x 100 -y 50 \
	"env -u HISTFILE PS1='$ ' INPUTRC=/dev/null HOME=$PWD bash --norc --noprofile -i"
trap 'tm kill-server 2>/dev/null || true' EXIT
screen() { tm capture-pane -p -t 0; }
# Keys typed while a command still runs would be echoed early by the tty:
# wait until the screen shows prompt number $1 ready for input.
prompts=0
wait_prompt() {
	prompts=$((prompts + 1))
	for _ in $(seq 400); do
		if [ "$(screen | grep -cE '^\$( |$)')" -ge $prompts ] && [ "$(screen | grep -v '^$' | tail -1)" = '$' ]; then
			return 0
		fi
		sleep 0.025
	done
	echo "timed out waiting for prompt $prompts"
	screen
	exit 1
}
type_line() { tm send-keys -t 0 -l "$1"; tm send-keys -t 0 Enter; wait_prompt; }
wait_prompt
type_line 'for i in 1 2 3; do echo "loop $i"; done'
type_line 'arr=(x y z); echo "${#arr[@]} ${arr[1]}"'
type_line 'sort -r words.txt | head -2'
type_line 'echo $((6 * 7)) $(echo nested)'
tm send-keys -t 0 -l 'cat unique_file_for_c'
tm send-keys -t 0 Tab
for _ in $(seq 400); do
	screen | grep -q 'completion.txt' && break
	sleep 0.025
done
tm send-keys -t 0 Enter
wait_prompt
type_line 'f() { local n=$1; echo "f $((n + 1))"; }; f 41'
type_line 'echo history'
type_line '!!'
type_line 'echo "DONE""MARKER"'
# Messages from the allocator itself are checked elsewhere: drop them.
screen | grep -v '^liballoc' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
