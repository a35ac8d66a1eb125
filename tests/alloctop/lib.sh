# lib.sh - shared helpers of the alloctop shell tests (sourced).
#   ok NAME / bad NAME WHY / skip NAME WHY, expect_eq, expect_match, summary
#   start_fake DIR N [ARGS...]  -> FAKE_PID, FAKE_PIDS (array of child pids)
set -u
BUILD=${BUILD:-build}
ALLOCTOP=$BUILD/alloctop
HELPERS=$BUILD/tests/alloctop
PASSED=0
FAILED=0
SKIPPED=0
CLEANUP=()

ok() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
bad() { FAILED=$((FAILED + 1)); echo "FAIL $1: $2"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "SKIP $1: $2"; }

expect_eq() { # NAME GOT WANT
	if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi
}
expect_match() { # NAME TEXT REGEX
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"; else
		bad "$1" "no line matches /$3/ in:"; printf '%s\n' "$2" | sed 's/^/    | /' | head -40
	fi
}
expect_no_match() { # NAME TEXT REGEX
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		bad "$1" "unexpected /$3/ in:"; printf '%s\n' "$2" | sed 's/^/    | /' | head -40
	else ok "$1"; fi
}

on_exit() {
	local i
	for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do eval "${CLEANUP[$i]}" 2>/dev/null || true; done
}
trap on_exit EXIT

new_dir() { # -> a fresh temp dir, removed at exit
	local d
	d=$(mktemp -d /tmp/alloctop-test.XXXXXX)
	CLEANUP+=("rm -rf '$d'")
	echo "$d"
}

# start_fake DIR N [ARGS]: fake processes with segments in DIR.
start_fake() {
	local dir=$1 n=$2 out
	shift 2
	out=$(mktemp /tmp/alloctop-fake.XXXXXX)
	"$HELPERS/fakeprocs" "$dir" "$n" "$@" >"$out" &
	FAKE_PID=$!
	CLEANUP+=("kill $FAKE_PID; wait $FAKE_PID; rm -f '$out'")
	for _ in $(seq 1 300); do
		grep -q '^ready$' "$out" && break
		sleep 0.05
	done
	mapfile -t FAKE_PIDS < <(grep -v '^ready$' "$out")
}

stop_fake() {
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
}

# The value of column NAME in the row of PID in batch output TEXT.
col_of() { # TEXT PID NAME
	printf '%s\n' "$1" | awk -v pid="$2" -v name="$3" '
		$1 == "PID" && $2 == "USER" { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == pid && ("PID" in col) { print $(col[name]); exit }'
}

# tmux helpers: start_tmux NAME COLS LINES COMMAND, then cap / keys /
# wait_for REGEX [SECONDS] / check_screen NAME REGEX [SECONDS] on that pane.
start_tmux() {
	T=(tmux -L "alloctop-$1-$$" -f /dev/null)
	"${T[@]}" new-session -d -s main -x "$2" -y "$3" "$4"
	CLEANUP+=("${T[*]} kill-server")
}
cap() { "${T[@]}" capture-pane -p -t main "$@"; }
keys() { "${T[@]}" send-keys -t main "$@"; }
wait_for() {
	local limit=$((${2:-5} * 20)) i
	for ((i = 0; i < limit; i++)); do
		cap | grep -Eq -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
check_screen() { # NAME REGEX [SECONDS]
	if wait_for "$2" "${3:-5}"; then ok "$1"; else
		bad "$1" "screen never matched /$2/"
		cap | sed 's/^/    | /'
	fi
}

summary() {
	[ "$SKIPPED" -eq 0 ] || echo "($SKIPPED skipped, reasons above)"
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
