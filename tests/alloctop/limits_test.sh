#!/usr/bin/env bash
# limits_test.sh - alloctop and allocdump with a stats directory full of
# hostile files (HOSTILE_FILES, default 32767, the most pids a default
# pid_max allows): garbage, empty and sparse 256 MiB files, valid-looking
# segments of processes that do not exist, damaged segments. alloctop's
# memory must stay under the bound alloctop(1) states, each kind must be
# summed up in one line instead of a row each, and the real processes must
# still be listed.
cd "$(dirname "$0")/../.." || exit 1
. tests/alloctop/lib.sh

N=${HOSTILE_FILES:-32767}
# alloctop(1), LIMITS: 16 MiB plus 256 bytes per file in the directory
BOUND_KB=$((16 * 1024 + N * 256 / 1024))
dir=$(new_dir)
start_fake "$dir" 3
expect_eq "fakeprocs started 3" "${#FAKE_PIDS[@]}" 3

# pids above the largest pid_max (4194304): no such process, ever
/usr/bin/python3 - "$dir" "$N" "$BUILD/tests/segfab" <<'EOF'
import os, random, struct, subprocess, sys
d, n, segfab = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tmpl = os.path.join(d, "template")
subprocess.run([segfab, tmpl, "5000000"], check=True)
img = bytearray(open(tmpl, "rb").read())
os.unlink(tmpl)
old = 1_600_000_000
for i in range(n):
    pid = 5_000_000 + i
    path = os.path.join(d, "liballoc.%d" % pid)
    kind = i % 16
    if kind < 10:    # garbage
        open(path, "wb").write(random.randbytes(64 + i % 512))
    elif kind == 10: # empty, long ago: never initialised
        open(path, "wb").close()
        os.utime(path, (old, old))
    elif kind == 11: # sparse 256 MiB, no magic
        with open(path, "wb") as f:
            f.truncate(256 << 20)
    elif kind < 15:  # a valid segment of a process that does not exist
        struct.pack_into("<i", img, 32, pid)
        open(path, "wb").write(img)
    else:            # a damaged one
        struct.pack_into("<i", img, 32, pid)
        open(path, "wb").write(img[: len(img) // 2])
EOF
nfiles=$(find "$dir" -name 'liballoc.*' | wc -l)
expect_eq "$N hostile files plus 3 segments" "$nfiles" $((N + 3))
garbage=0 stale=0 damaged=0
for ((i = 0; i < N; i++)); do
	k=$((i % 16))
	if [ $k -le 11 ]; then garbage=$((garbage + 1))
	elif [ $k -le 14 ]; then stale=$((stale + 1))
	else damaged=$((damaged + 1)); fi
done

out=$(/usr/bin/time -f "maxrss_kb=%M" "$ALLOCTOP" -b -n 20 -d 0.1 -r -S "$dir" 2>"$dir.err")
rc=$?
rss=$(sed -n 's/^maxrss_kb=//p' "$dir.err")
rm -f "$dir.err"
expect_eq "alloctop -b -n 20 exits 0" "$rc" 0
if [ -n "$rss" ] && [ "$rss" -le "$BOUND_KB" ]; then
	ok "alloctop's peak RSS ${rss} KiB <= ${BOUND_KB} KiB with $N hostile files"
else
	bad "alloctop's peak RSS" "${rss:-?} KiB > ${BOUND_KB} KiB"
fi
# a refresh reads for at most 1 s: the first ones leave files for the next;
# by the last of 20 every file has been looked at
last=$(printf '%s\n' "$out" | awk '/^alloctop - / { block = "" } { block = block $0 "\n" } END { printf "%s", block }')
expect_match "one line for the files that are no segment" "$last" \
	"^$garbage files in $dir are not liballoc segments; see allocdump --gc\$"
rows=$(printf '%s\n' "$last" | awk '/^ +PID USER/ { on = 1; next } on && NF { n++ } END { print n + 0 }')
if [ "$rows" -le $((3 + 64)) ]; then ok "at most 64 rows of unreadable segments ($rows rows)"
else bad "at most 64 rows of unreadable segments" "$rows rows"; fi
expect_match "the rest of them in one line" "$last" \
	"^$((stale + damaged - 64)) more unreadable segments in $dir not shown"
for p in "${FAKE_PIDS[@]}"; do
	expect_match "real process $p still listed" "$last" "^ +$p +[^ ]+ +fake-"
done

err=$("$BUILD/allocdump" --dir "$dir" --all 2>&1 >/dev/null)
expect_eq "allocdump --all: two summary lines on stderr" "$(printf '%s\n' "$err" | grep -c .)" 2
expect_match "allocdump --all: files that are no segment" "$err" \
	"^allocdump: $garbage files in $dir are not liballoc segments; see allocdump --gc\$"
expect_match "allocdump --all: damaged segments" "$err" \
	"^allocdump: $damaged segments in $dir cannot be read"
out=$("$BUILD/allocdump" --dir "$dir" --all 2>/dev/null)
expect_eq "allocdump --all: the 3 real processes" "$(printf '%s\n' "$out" | grep -c 'fakeprocs')" 3

summary
