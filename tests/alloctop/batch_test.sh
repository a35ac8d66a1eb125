#!/usr/bin/env bash
# batch_test.sh - alloctop batch output (-b) checked against known segments:
# fabricated ones (fakeprocs, values documented in tests/stat/segfab.h) and a
# real program with known allocations under LD_PRELOAD=build/liballoc.so.
cd "$(dirname "$0")/../.." || exit 1
. tests/alloctop/lib.sh

HEADER='    PID USER     COMMAND               LIVE       PEAK        RSS     MAPPED      DIRTY   FRAG  ALLOC/s   FREE/s THREADS   MAPS CHECKS             ERR'

# --- three fake processes ---------------------------------------------------
dir=$(new_dir)
start_fake "$dir" 3 --churn
expect_eq "fakeprocs started 3" "${#FAKE_PIDS[@]}" 3

out=$("$ALLOCTOP" -b -o -r -S "$dir")
rc=$?
expect_eq "batch once exits 0" "$rc" 0
expect_match "title line" "$out" '^alloctop - [0-9:]+ - 3 processes - delay 1\.0s - sort LIVE desc$'
expect_match "totals line" "$out" '^Total: live .* errors 6$'
expect_eq "stable column header" "$(printf '%s\n' "$out" | grep -E '^ +PID USER')" "$HEADER"
rows=$(printf '%s\n' "$out" | awk '/^ +PID USER/ { on = 1; next } on && NF { n++ } END { print n + 0 }')
expect_eq "one row per process" "$rows" 3

for i in 0 1 2; do
	pid=${FAKE_PIDS[$i]}
	vals=$("$HELPERS/segvalues" "$dir/liballoc.$pid")
	seg() { printf '%s\n' "$vals" | sed -n "s/^$1=//p"; }
	expect_eq "pid $pid COMMAND" "$(col_of "$out" "$pid" COMMAND)" "fake-00$i"
	expect_eq "pid $pid USER" "$(col_of "$out" "$pid" USER)" "$(id -un)"
	expect_eq "pid $pid LIVE = segment" "$(col_of "$out" "$pid" LIVE)" "$(seg live)"
	# values segfab.h documents, independent of the reader library
	expect_eq "pid $pid PEAK" "$(col_of "$out" "$pid" PEAK)" 2097152
	expect_eq "pid $pid RSS" "$(col_of "$out" "$pid" RSS)" $(((1 << 20) + 4096))
	expect_eq "pid $pid MAPPED" "$(col_of "$out" "$pid" MAPPED)" $((64 << 20))
	expect_eq "pid $pid DIRTY" "$(col_of "$out" "$pid" DIRTY)" 4096
	expect_eq "pid $pid THREADS" "$(col_of "$out" "$pid" THREADS)" 2
	expect_eq "pid $pid MAPS" "$(col_of "$out" "$pid" MAPS)" 3
	expect_eq "pid $pid ERR" "$(col_of "$out" "$pid" ERR)" 2
	expect_eq "pid $pid CHECKS" "$(col_of "$out" "$pid" CHECKS)" "-"
	live=$(seg live)
	expect_eq "pid $pid FRAG" "$(col_of "$out" "$pid" FRAG)" \
		"$(awk -v r=$(((1 << 20) + 4096)) -v l="$live" 'BEGIN { printf "%.2f", r / l }')"
done
# child i holds 8 more live bytes-per-class-objects than child i-1: LIVE grows with i
l0=$(col_of "$out" "${FAKE_PIDS[0]}" LIVE)
l2=$(col_of "$out" "${FAKE_PIDS[2]}" LIVE)
# segfab: 8 classes of 16*(c+1) bytes, one more object each per child: 576 bytes
expect_eq "LIVE difference is the known objects" "$((l2 - l0))" $((2 * 576))
first=$(printf '%s\n' "$out" | awk '/^ +PID USER/ { getline; print $1 }')
expect_eq "sort LIVE desc: biggest first" "$first" "${FAKE_PIDS[2]}"

# churn: child i allocates 100*(i+1) objects/s, frees as many
a0=$(col_of "$out" "${FAKE_PIDS[0]}" ALLOC/s)
a2=$(col_of "$out" "${FAKE_PIDS[2]}" ALLOC/s)
f2=$(col_of "$out" "${FAKE_PIDS[2]}" FREE/s)
if awk -v a="$a0" -v b="$a2" 'BEGIN { exit !(a > 0 && b > a) }'; then ok "ALLOC/s present and ordered"
else bad "ALLOC/s present and ordered" "$a0 vs $a2"; fi
expect_eq "FREE/s equals ALLOC/s for balanced churn" "$f2" "$a2"

# --- sorting, filtering, selection ------------------------------------------
out=$("$ALLOCTOP" -b -o -r -S "$dir" -s LIVE -R)
first=$(printf '%s\n' "$out" | awk '/^ +PID USER/ { getline; print $1 }')
expect_eq "-R reverses (smallest LIVE first)" "$first" "${FAKE_PIDS[0]}"
expect_match "title names the order" "$out" 'sort LIVE asc'
out=$("$ALLOCTOP" -b -o -r -S "$dir" -s pid)
order=$(printf '%s\n' "$out" | awk '/^ +PID USER/ { on = 1; next } on && NF { printf "%s ", $1 }')
expect_eq "-s pid sorts ascending" "$order" "$(printf '%s\n' "${FAKE_PIDS[@]}" | sort -n | tr '\n' ' ')"
out=$("$ALLOCTOP" -b -o -S "$dir" -f FAKE-001)
expect_match "filter keeps the match" "$out" "^ +${FAKE_PIDS[1]} "
expect_no_match "filter drops the rest" "$out" "^ +${FAKE_PIDS[0]} "
out=$("$ALLOCTOP" -b -o -S "$dir" -p "${FAKE_PIDS[0]},${FAKE_PIDS[2]}")
expect_match "-p lists the first pid" "$out" "^ +${FAKE_PIDS[0]} "
expect_match "-p lists the second pid" "$out" "^ +${FAKE_PIDS[2]} "
expect_no_match "-p hides others" "$out" "^ +${FAKE_PIDS[1]} "
err=$("$ALLOCTOP" -b -o -S "$dir" -p 999999 2>&1 >/dev/null)
expect_match "-p of a pid without segment warns" "$err" "pid 999999: no liballoc stats segment"
out=$("$ALLOCTOP" -b -o -S "$dir" -p 999999 2>/dev/null)
expect_match "-p miss explains the empty list" "$out" "None of the selected processes"

# --- iterations and stable headers ------------------------------------------
out=$("$ALLOCTOP" -b -n 3 -d 0.2 -S "$dir")
expect_eq "-n 3 prints 3 title lines" "$(printf '%s\n' "$out" | grep -c '^alloctop - ')" 3
expect_eq "header identical every iteration" "$(printf '%s\n' "$out" | grep -E '^ +PID USER' | sort -u)" "$HEADER"
out=$("$ALLOCTOP" -o -S "$dir" | cat)
expect_match "batch implied when stdout is a pipe" "$out" '^alloctop - '
expect_no_match "no escape sequences in batch output" "$out" $'\033'

# --- detail (-D) ------------------------------------------------------------
out=$(LIBALLOC_COLLECTOR_FILE=/nonexistent "$ALLOCTOP" -b -o -D -S "$dir" -p "${FAKE_PIDS[1]}")
expect_match "detail: title" "$out" "^PID ${FAKE_PIDS[1]}  fake-001"
expect_match "detail: size-class rows" "$out" '^ +7 +128 +'
expect_match "detail: threads" "$out" '^ +1002 worker '
expect_match "detail: large band" "$out" '1\.0 MiB - 2\.0 MiB +1 '
expect_match "detail: event ring" "$out" 'double_free +1001'
expect_match "detail: collector hook, no collector" "$out" 'collector not running'
report=$dir/../collector.$$.json
printf '%s\n' "{\"type\":\"stack\",\"pid\":${FAKE_PIDS[1]},\"samples\":3,\"bytes\":12345,\"caller\":\"fill_cache\",\"frames\":[\"fill_cache\",\"main\"]}" >"$report"
CLEANUP+=("rm -f '$report'")
out=$(LIBALLOC_COLLECTOR_FILE=$report "$ALLOCTOP" -b -o -D -S "$dir" -p "${FAKE_PIDS[1]}")
expect_match "detail: collector's top stacks" "$out" '^ +12\.1 KiB +3  fill_cache <- fill_cache <- main$'

# --- processes exiting while shown ------------------------------------------
"$ALLOCTOP" -b -n 4 -d 0.4 -S "$dir" >"$dir.out" 2>&1 &
top=$!
sleep 0.5
stop_fake
wait "$top"
expect_eq "survives processes exiting" "$?" 0
expect_match "the list empties after they exit" "$(tail -n 8 "$dir.out")" 'No process with a liballoc stats segment'
rm -f "$dir.out"

# --- stale, corrupt, newer-ABI, empty ---------------------------------------
dir2=$(new_dir)
out=$("$ALLOCTOP" -b -o -S "$dir2")
expect_match "0 processes: helpful text" "$out" 'LD_PRELOAD=.*liballoc\.so'
expect_match "0 processes: points at the demo" "$out" 'make demo'
if [ -x "$BUILD/tests/segfab" ]; then
	sleep 0.01 &
	gone=$!
	wait $gone
	"$BUILD/tests/segfab" "$dir2/liballoc.$gone" "$gone" none
	"$BUILD/tests/segfab" "$dir2/liballoc.$$" "$$" badmagic
	"$BUILD/tests/segfab" "$dir2/liballoc.1" 1 version
	"$BUILD/tests/segfab" "$dir2/liballoc.$PPID" "$PPID" truncate
	out=$("$ALLOCTOP" -b -o -S "$dir2")
	expect_eq "bad segments do not crash" "$?" 0
	expect_no_match "stale segment hidden by default" "$out" "^ +$gone "
	expect_match "the title counts it" "$out" '^alloctop - [0-9:]+ - 2 processes \(1 stale hidden\) - '
	# a file without the magic is no segment: one summary line, no row
	expect_match "file that is no segment: summary line" "$out" \
		"^1 file in $dir2 is not a liballoc segment; see allocdump --gc\$"
	expect_no_match "file that is no segment: no row" "$out" "^ +$$ "
	out=$("$ALLOCTOP" -b -o -a -S "$dir2")
	expect_match "-a: stale segment shown as such" "$out" "^ +$gone +- +\[stale\]"
	expect_match "newer ABI shown as such" "$out" '^ +1 +- +\[newer-abi\]'
	expect_match "truncated segment shown as corrupt" "$out" "^ +$PPID +- +\[corrupt\]"
	out=$("$ALLOCTOP" -b -o -D -S "$dir2" -p 1)
	expect_match "detail says why" "$out" 'segment newer-abi: .*'
else
	skip "bad segments" "$BUILD/tests/segfab (tests/stat) not built"
fi

# --- usage errors -----------------------------------------------------------
"$ALLOCTOP" -b -n 0 >/dev/null 2>&1
expect_eq "-n 0 is a usage error" "$?" 2
err=$("$ALLOCTOP" -s nosuch 2>&1)
expect_match "-s unknown column says so" "$err" "unknown column 'nosuch'"
"$ALLOCTOP" -d abc >/dev/null 2>&1
expect_eq "-d abc is a usage error" "$?" 2
expect_match "-h lists every column" "$("$ALLOCTOP" -h)" 'PID USER COMMAND LIVE PEAK RSS MAPPED DIRTY FRAG ALLOC/s FREE/s THREADS MAPS CHECKS ERR'

# --- 500 processes ----------------------------------------------------------
dir3=$(new_dir)
start_fake "$dir3" 500
out=$("$ALLOCTOP" -b -o -S "$dir3")
rows=$(printf '%s\n' "$out" | awk '/^ +PID USER/ { on = 1; next } on && NF { n++ } END { print n + 0 }')
expect_eq "500 processes listed" "$rows" 500
expect_match "500 in the title" "$out" ' - 500 processes - '
stop_fake

# --- a real program under liballoc ------------------------------------------
if [ -e "$BUILD/liballoc.so" ]; then
	dir4=$(new_dir)
	# Without the samplers: the first sampled allocation's stack starts a
	# thread that loads libunwind (liballoc(3), NOTES), which would be a
	# third thread "since start", with allocations of its own.
	LIBALLOC_STATS_DIR=$dir4 LIBALLOC_CONF=stats_publish:eager,prof_sample:0,guard_sample:0 \
		LD_PRELOAD=$BUILD/liballoc.so \
		"$HELPERS/knownalloc" --worker >"$dir4/ready" &
	kpid=$!
	CLEANUP+=("kill $kpid")
	for _ in $(seq 1 100); do grep -q ready "$dir4/ready" 2>/dev/null && break; sleep 0.05; done
	if [ -e "$dir4/liballoc.$kpid" ]; then
		out=$("$ALLOCTOP" -b -o -r -S "$dir4" -p "$kpid")
		vals=$("$HELPERS/segvalues" "$dir4/liballoc.$kpid")
		seg() { printf '%s\n' "$vals" | sed -n "s/^$1=//p"; }
		live=$(col_of "$out" "$kpid" LIVE)
		known=$((1000 * 100 + 4 * 1048576))
		if [ -n "$live" ] && [ "$live" -ge "$known" ] && [ "$live" -lt $((known + 262144)) ]; then
			ok "real: LIVE covers the known allocations ($live >= $known)"
		else
			bad "real: LIVE covers the known allocations" "LIVE '$live', known $known"
		fi
		expect_eq "real: LIVE = segment" "$live" "$(seg live)"
		expect_eq "real: MAPPED = segment" "$(col_of "$out" "$kpid" MAPPED)" "$(seg mapped)"
		expect_eq "real: MAPS = segment" "$(col_of "$out" "$kpid" MAPS)" "$(seg maps)"
		expect_eq "real: THREADS" "$(col_of "$out" "$kpid" THREADS)" 2
		expect_eq "real: COMMAND" "$(col_of "$out" "$kpid" COMMAND)" knownalloc
		expect_eq "real: ERR" "$(col_of "$out" "$kpid" ERR)" 0
		# thread view (-T): the main thread holds the known blocks, the
		# worker its 300; tids and names come from the thread table
		out=$("$ALLOCTOP" -b -n 2 -d 0.2 -T -S "$dir4" -p "$kpid")
		view=$(printf '%s\n' "$out" | awk -v p="--- threads of pid $kpid ---" '$0 == p { n++; on = n == 2; next } on')
		expect_match "threads: title" "$view" "^Threads of PID $kpid  knownalloc  \(2 live, 2 since start\)$"
		expect_match "threads: header" "$view" '^ +TID NAME +ARENA +LIVE +LIVE-ALLOCS +ALLOC/s +FREE/s$'
		wtid=$(ls "/proc/$kpid/task" | grep -vx "$kpid" | head -1)
		expect_eq "threads: worker's name from /proc" "$(cat "/proc/$kpid/task/$wtid/comm")" worker
		main_row=$(printf '%s\n' "$view" | awk -v t="$kpid" '$1 == t')
		worker_row=$(printf '%s\n' "$view" | awk -v t="$wtid" '$1 == t')
		expect_match "threads: main thread row, by tid and name" "$main_row" "^ +$kpid knownalloc +[0-9]+ "
		expect_match "threads: worker row, by tid and name" "$worker_row" "^ +$wtid worker +[0-9]+ "
		expect_eq "threads: worker's live allocations" "$(awk '{ print $(NF - 2) }' <<<"$worker_row")" 300
		expect_eq "threads: worker's live bytes, 300 x 64" "$(awk '{ print $4, $5 }' <<<"$worker_row")" "18.8 KiB"
		live_allocs=$(awk '{ print $(NF - 2) }' <<<"$main_row")
		if [ "$live_allocs" -ge 1004 ] 2>/dev/null; then ok "threads: main thread holds the 1004 known blocks ($live_allocs)"
		else bad "threads: main thread holds the 1004 known blocks" "got '$live_allocs' in '$main_row'"; fi
		expect_match "threads: rates once two samples exist" "$worker_row" ' 0 +0$'
		# totals follow the filter
		out=$("$ALLOCTOP" -b -o -S "$dir4" -f nosuchname)
		expect_match "filter: the Total line sums the rows shown" "$out" '^Total: live 0 B .* threads 0  maps 0  errors 0$'
	else
		bad "real program publishes a segment" "no $dir4/liballoc.$kpid"
	fi
	kill "$kpid" 2>/dev/null
	wait "$kpid" 2>/dev/null
else
	skip "real program under liballoc" "$BUILD/liballoc.so not built yet"
fi

summary
