#!/usr/bin/env bash
# run-demo.sh - start the bundled demo workload under liballoc and watch it
# with alloctop. On a terminal alloctop is interactive (q quits, and the demo
# ends with it); otherwise it prints N batch refreshes and stops.
#
#   tools/demo/run-demo.sh [-n ITERATIONS] [-d SECONDS] [-t DEMO_SECONDS]
#
# Try in alloctop: Enter (detail of the demo), c (check_free on: the planted
# double free shows in ERR and the event ring), z (redzones: the planted
# overflow), h (every key).
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
case "$build" in /*) ;; *) build="$here/$build" ;; esac
iterations=10
delay=1
duration=0

usage() {
	echo "usage: run-demo.sh [-n ITERATIONS] [-d SECONDS] [-t DEMO_SECONDS]"
	echo "  -n  batch refreshes when stdout is not a terminal (default $iterations)"
	echo "  -d  seconds between refreshes (default $delay)"
	echo "  -t  stop the demo after this many seconds (default: when alloctop quits)"
}
while getopts "n:d:t:h" opt; do
	case "$opt" in
	n) iterations=$OPTARG ;;
	d) delay=$OPTARG ;;
	t) duration=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

for f in liballoc.so alloctop liballoc-demo; do
	if [ ! -e "$build/$f" ]; then
		echo "run-demo.sh: $build/$f is missing: run 'make deps && make' first" >&2
		exit 1
	fi
done

log=$(mktemp "${TMPDIR:-/tmp}/liballoc-demo.XXXXXX.log")
# on_error:report: the planted bug is reported (stderr, ERR, event ring)
# instead of aborting the demo.
LD_PRELOAD="$build/liballoc.so" LIBALLOC_CONF="${LIBALLOC_CONF:-on_error:report}" \
	"$build/liballoc-demo" --duration "$duration" 2>"$log" &
demo=$!
cleanup() {
	kill "$demo" 2>/dev/null || true
	wait "$demo" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

segdir=${LIBALLOC_STATS_DIR:-/dev/shm}
for _ in $(seq 1 50); do
	[ -e "$segdir/liballoc.$demo" ] && break
	if ! kill -0 "$demo" 2>/dev/null; then
		echo "run-demo.sh: the demo exited early; its log ($log):" >&2
		cat "$log" >&2
		exit 1
	fi
	sleep 0.1
done
if [ ! -e "$segdir/liballoc.$demo" ]; then
	echo "run-demo.sh: no stats segment $segdir/liballoc.$demo after 5 s (log: $log)" >&2
	exit 1
fi

echo "run-demo.sh: demo pid $demo; its stderr (liballoc reports) goes to $log" >&2
status=0
if [ -t 0 ] && [ -t 1 ]; then
	"$build/alloctop" -p "$demo" -d "$delay" || status=$?
else
	"$build/alloctop" -b -n "$iterations" -d "$delay" -p "$demo" || status=$?
fi
exit "$status"
