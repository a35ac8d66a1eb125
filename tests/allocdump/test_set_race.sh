#!/bin/bash
# test_set_race.sh BUILD_DIR - no lost request: SET_RACES (default 1000)
# `allocdump --set`, several at a time, against a real process under
# liballoc that switches its own checks with alloc_ctl all the while
# (set_race.c). Every request must end applied (exit 0), superseded (11)
# or refused (12), each with the sentence that says so; none may claim to
# be applied without "result applied", none may be lost without a word.
#
# A request the process never answers (within 30 s) ends pending (exit 10,
# "stays pending"): the reader says so truthfully, but the request was lost,
# and that fails the test at once (SET_RACE_STRICT=0 only counts such
# answers, to see how a process that loses requests is reported).
set -u
BUILD=${1:-build}
AD=$BUILD/allocdump
N=${SET_RACES:-1000}
PAR=8
if [ ! -e "$BUILD/liballoc.so" ]; then
	echo "SKIP: $BUILD/liballoc.so not built"; echo "0 passed, 0 failed"; exit 0
fi
DIR=$(mktemp -d /tmp/set-race.XXXXXX)
cleanup() { [ -n "${RP:-}" ] && kill "$RP" 2>/dev/null; wait 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT
LIBALLOC_STATS_DIR=$DIR LIBALLOC_CONF=stats_publish:eager LD_PRELOAD=$BUILD/liballoc.so \
	"$BUILD/tests/set_race" >"$DIR/out" &
RP=$!
for _ in $(seq 1 200); do grep -q ready "$DIR/out" 2>/dev/null && [ -e "$DIR/liballoc.$RP" ] && break; sleep 0.02; done
if [ ! -e "$DIR/liballoc.$RP" ]; then
	echo "FAIL - set_race published no segment"; echo "0 passed, 1 failed"; exit 1
fi
one() { # I: one request, its exit status and output in $DIR/r.I
	local v=$(( ($1 % 4) * 16 ))
	"$AD" --dir "$DIR" --set "$RP" "redzone=$v" --timeout 30000 >"$DIR/r.$1" 2>&1
	echo "rc=$?" >>"$DIR/r.$1"
}
# The timeout is long: a busy process answers within milliseconds, so a
# request still pending after 30 s was lost, whatever the machine's load.
# The first lost one ends the run (each would cost 30 s).
done_n=$N
for ((i = 0; i < N; i += PAR)); do
	for ((j = i; j < i + PAR && j < N; j++)); do one "$j" & done
	wait $(jobs -p | grep -v "^$RP\$") 2>/dev/null
	batch=()
	for ((k = i; k < j; k++)); do batch+=("$DIR/r.$k"); done
	if [ "${SET_RACE_STRICT:-1}" = 1 ] && grep -q '^rc=10$' "${batch[@]}"; then
		done_n=$j
		break
	fi
done
N=$done_n
applied=0 superseded=0 refused=0 pending=0 other=0
for ((i = 0; i < N; i++)); do
	f=$DIR/r.$i
	case "$(tail -1 "$f")" in
	rc=0) grep -qE '^  result +applied$' "$f" && applied=$((applied + 1)) || other=$((other + 1)) ;;
	rc=11) grep -q 'superseded by' "$f" && superseded=$((superseded + 1)) || other=$((other + 1)) ;;
	rc=12) grep -q 'answered, but the process runs' "$f" && refused=$((refused + 1)) || other=$((other + 1)) ;;
	rc=10) grep -q 'stays pending' "$f" && ! grep -qE 'result +applied' "$f" &&
		pending=$((pending + 1)) || other=$((other + 1)) ;;
	*) other=$((other + 1)); [ $other -le 3 ] && sed 's/^/    | /' "$f" ;;
	esac
done
echo "$N requests: $applied applied, $superseded superseded, $refused refused, $pending pending (lost by the process), $other otherwise"
if [ "${SET_RACE_STRICT:-1}" = 1 ] && [ $pending -gt 0 ]; then
	other=$((other + pending))
fi
if [ $other -eq 0 ]; then
	echo "ok   - every request ended applied, superseded or refused, and said so"
	echo "1 passed, 0 failed"
else
	echo "FAIL - $other requests ended otherwise"
	echo "0 passed, 1 failed"
	exit 1
fi
