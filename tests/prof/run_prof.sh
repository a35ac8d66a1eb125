#!/bin/bash
# run_prof.sh BUILD_DIR - the heap profile end to end, on real processes.
#
# Accuracy: three_sites (C) and cxx_sites (C++ through new) hold 64 MiB in
# 100-byte blocks, 16 MiB in 1 MiB blocks and 1 MiB in 4 KiB blocks. At a
# 32 KiB mean the first site gets ~2000 samples, so its estimate is within
# 10% with overwhelming probability (4.5 standard deviations); the 1 MiB
# blocks are sampled with probability 1 - e^-32 and are exact. Then the
# readers (pprof files through google-pprof, folded stacks, --base), the
# control (allocdump --set prof_sample, alloc_ctl), a full table, the
# frame-pointer unwinder, the owner check, and alloctop's sites view.
set -u
build=$(cd "${1:-build}" && pwd) || exit 2
. "$(dirname "$0")/../integration/summary.sh"
bin=$build/tests/prof
dump=$build/allocdump
passed=0 failed=0 skipped=0
failures=()
work=$(mktemp -d /tmp/liballoc-prof.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
export LIBALLOC_STATS_DIR=$work

pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); failures+=("$1"); }
check() { # check NAME COMMAND...: pass when the command succeeds
	local name=$1
	shift
	if "$@" >"$work/check.out" 2>&1; then pass "$name"; else
		fail "$name"
		sed 's/^/    /' "$work/check.out" | head -20
	fi
}

# start NAME ENV... -- CMD...: run CMD in the background with its stdin on
# a fifo (fd kept in the shell), stdout in $work/NAME.out; wait for "ready".
declare -A pid_of fd_of
start() {
	local name=$1
	shift
	local -a envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	mkfifo "$work/$name.in"
	env "${envs[@]}" "$@" <"$work/$name.in" >"$work/$name.out" 2>"$work/$name.err" &
	pid_of[$name]=$!
	pids+=($!)
	exec {fd}>"$work/$name.in"
	fd_of[$name]=$fd
	for _ in $(seq 600); do
		grep -q '^ready' "$work/$name.out" 2>/dev/null && return 0
		kill -0 "${pid_of[$name]}" 2>/dev/null || break
		sleep 0.1
	done
	echo "    $name did not get ready:"; sed 's/^/    /' "$work/$name.err" | head
	return 1
}
# ask NAME COMMAND ANSWER: send a command, wait for the answer line.
ask() {
	local before
	before=$(grep -c . "$work/$1.out")
	echo "$2" >&"${fd_of[$1]}"
	for _ in $(seq 300); do
		[ "$(grep -c . "$work/$1.out")" -gt "$before" ] && break
		sleep 0.1
	done
	tail -1 "$work/$1.out" | grep -q "^$3"
}
stop() {
	exec {fd_of[$1]}>&-
	wait "${pid_of[$1]}" 2>/dev/null
}

# accuracy JSON PHASE: the three sites ranked and estimated (python reads
# allocdump --heap --json). PHASE "held" or "freed".
accuracy() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
prof = json.load(open(sys.argv[1]))
phase = sys.argv[2]
MiB = 1 << 20
truth = {"site_small": 64 * MiB, "site_large": 16 * MiB, "site_pages": 1 * MiB}
heap = sum(truth.values())
est = {}
for s in prof["sites"]:
    if s["other"] or not s["frames"]:
        continue
    fn = s["frames"][0]["function"] or ""
    if fn.startswith("operator new"):
        sys.exit("a site is named after operator new: %r" % fn)
    for name in truth:
        if name in fn:
            est[name] = est.get(name, 0) + s["live_bytes"]
for name, t in truth.items():
    print("%-10s truth %10d  estimate %12.0f  (%+.1f%%)" % (name, t, est.get(name, 0),
          100.0 * (est.get(name, 0) - t) / t))
if phase == "held":
    order = sorted(truth, key=lambda n: -est.get(n, 0))
    if order != ["site_small", "site_large", "site_pages"]:
        sys.exit("ranked %s" % order)
    for name, t in truth.items():
        if t >= 0.05 * heap and abs(est.get(name, 0) - t) > 0.10 * t:
            sys.exit("%s estimated %.0f, truth %d: more than 10%% off" % (name, est[name], t))
else:
    if est.get("site_small", 0) > 0.01 * truth["site_small"]:
        sys.exit("site_small still holds %.0f after freeing" % est["site_small"])
    if abs(est.get("site_large", 0) - truth["site_large"]) > 0.10 * truth["site_large"]:
        sys.exit("site_large changed: %.0f" % est.get("site_large", 0))
EOF
}

pprof_top_is() { # pprof_top_is BINARY PPROF_FILE NAME: pprof --text's first function has NAME
	local top
	top=$(google-pprof --text "$1" "$2" 2>/dev/null |
		awk '$1 ~ /^[0-9.]+$/ && NF >= 6 { $1 = $2 = $3 = $4 = $5 = ""; print; exit }')
	echo "top function: $top"
	[[ $top == *"$3"* ]]
}

# set_applied NAME SPEC TEXT: allocdump --set on program NAME, with an
# allocation in the (otherwise idle) process to apply it; its output must
# contain TEXT.
set_applied() {
	"$dump" --set "${pid_of[$1]}" "$2" --timeout 10000 >"$work/set.out" 2>&1 &
	local setter=$!
	sleep 0.3
	ask "$1" alloc allocated
	wait $setter
	local rc=$?
	cat "$work/set.out"
	[ $rc = 0 ] && grep -q "$3" "$work/set.out"
}

sites_test() { # sites_test NAME BINARY
	local name=$1 exe=$2 p
	if ! start "$name" LIBALLOC_CONF=prof_sample:32k,stats_publish:eager LD_PRELOAD="$build/liballoc.so" -- "$exe"; then
		fail "$name: starts"
		return
	fi
	p=${pid_of[$name]}
	"$dump" --heap --json "$p" >"$work/$name.held.json"
	check "$name: three sites ranked, each >= 5% of the heap within 10%" \
		accuracy "$work/$name.held.json" held
	"$dump" --heap "$p" >"$work/$name.heap.txt"
	check "$name: --heap names the sites with file:line" \
		grep -qE "site_small.*\+0x[0-9a-f]+ \(${name}\.cc?:[0-9]+\)" "$work/$name.heap.txt"
	"$dump" --pprof "$work/$name.base.heap" "$p"
	check "$name: google-pprof reads --pprof and puts site_small on top" \
		pprof_top_is "$exe" "$work/$name.base.heap" site_small
	"$dump" --folded "$p" >"$work/$name.folded"
	check "$name: --folded ends a stack in main;site_small with ~64 MiB" \
		awk '/;main;.*site_small[^;]* [0-9]+$/ { b = $NF } END { exit !(b > 60e6 && b < 74e6) }' \
		"$work/$name.folded"
	if ask "$name" free freed; then
		"$dump" --heap --json "$p" >"$work/$name.freed.json"
		check "$name: after site_small frees, its estimate is near zero" \
			accuracy "$work/$name.freed.json" freed
		"$dump" --heap --json --base "$work/$name.base.heap" "$p" >"$work/$name.growth.json"
		check "$name: --base shows site_small shrinking by ~64 MiB" python3 -c "
import json, sys
g = json.load(open('$work/$name.growth.json'))
s = [x for x in g['sites'] if x['frames'] and 'site_small' in (x['frames'][0]['function'] or '')]
print(s and s[0]['growth_bytes'])
sys.exit(not s or not (-74e6 < s[0]['growth_bytes'] < -60e6))"
	else
		fail "$name: answers free"
	fi
	stop "$name"
}

echo "== accuracy, C"
sites_test three_sites "$bin/three_sites"
echo "== accuracy, C++ through new"
sites_test cxx_sites "$bin/cxx_sites"

echo "== C++ exceptions keep libgcc's unwinder"
exceptions_use_libgcc() {
	LD_DEBUG=bindings LD_PRELOAD="$build/liballoc.so" "$bin/cxx_sites" </dev/null 2>&1 |
		grep -F "normal symbol \`_Unwind_RaiseException'" | tee /dev/stderr |
		grep -q 'to [^ ]*libgcc_s'
}
check "under liballoc.so, libstdc++ binds _Unwind_RaiseException to libgcc_s, not libunwind" \
	exceptions_use_libgcc

echo "== prof.dump from inside, read by google-pprof"
if start dump LIBALLOC_CONF=prof_sample:32k,stats_publish:eager LD_PRELOAD="$build/liballoc.so" -- "$bin/three_sites"; then
	if ask dump "dump $work/inside.heap" dumped; then
		check "prof.dump: google-pprof puts site_small on top" \
			pprof_top_is "$bin/three_sites" "$work/inside.heap" site_small
		check "prof.dump: the file is the owner's alone (0600)" \
			bash -c "[ \$(stat -c %a '$work/inside.heap') = 600 ]"
	else
		fail "prof.dump answers: $(tail -1 "$work/dump.out")"
	fi

	echo "== prof_sample from outside"
	p=${pid_of[dump]}
	check "--set prof_sample=0 is applied" \
		set_applied dump prof_sample=0 'prof_sample requested 0, applied 0'
	check "--heap then says sampling is off" \
		bash -c "'$dump' --heap $p | grep -q 'sampling is off'"
	check "--set prof_sample=256k (with a check key) is applied" \
		set_applied dump prof_sample=256k,junk=false 'applied 262144'
	check "--set rejects prof_sample beyond 1g" \
		bash -c "'$dump' --set $p prof_sample=2g; [ \$? = 2 ]"
	check "the conf string names the new mean" \
		bash -c "'$dump' --json $p | grep -q 'prof_sample:262144'"
	if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
		chmod 755 "$work"
		check "another user cannot read the profile" \
			bash -c "setpriv --reuid=nobody --regid=nogroup --clear-groups '$dump' --heap $p; [ \$? = 4 ]"
		chmod 700 "$work"
	else
		echo "SKIP: owner check (no nobody user or setpriv)"
		skipped=$((skipped + 1))
	fi
	stop dump
else
	fail "three_sites for prof.dump starts"
fi

echo "== prof_final: each process writes its profile as it exits"
# three_sites exits at the end of its input, its 64 MiB of site_small still
# live: a leak, as the exit profile shows it.
final_run() { # final_run CONF CMD...: run to its end under liballoc; stderr in $work/final.err
	local conf=$1
	shift
	LIBALLOC_CONF=$conf LD_PRELOAD="$build/liballoc.so" "$@" </dev/null >/dev/null 2>"$work/final.err"
}
mkdir "$work/final"
if final_run "prof_sample:32k,prof_final:true,prof_prefix:$work/final/job" "$bin/three_sites"; then
	files=("$work"/final/job.*.final.heap)
	check "prof_final: one file, named PREFIX.PID.final.heap" \
		bash -c "[ ${#files[@]} = 1 ] && [[ '${files[0]}' =~ /job\.[0-9]+\.final\.heap$ ]]"
	check "prof_final: google-pprof puts the leaked site_small on top" \
		pprof_top_is "$bin/three_sites" "${files[0]}" site_small
	check "prof_final: the file is the owner's alone (0600)" \
		bash -c "[ \$(stat -c %a '${files[0]}') = 600 ]"
	check "prof_final: nothing on stderr" bash -c "[ ! -s '$work/final.err' ]"
else
	fail "three_sites with prof_final runs (exit $?)"
fi
final_run "prof_sample:32k,prof_prefix:$work/final/off" "$bin/three_sites"
check "without prof_final:true, no file" bash -c "! ls '$work'/final/off.* 2>/dev/null"
# bash runs both programs as children, then exits itself: three processes.
final_run "prof_sample:32k,prof_final:true,prof_prefix:$work/final/each" \
	bash -c "'$bin/three_sites'; '$bin/three_sites'; true"
check "prof_final: every process of a job writes its own file (bash and its two children)" \
	bash -c "[ \$(ls '$work'/final/each.*.final.heap | wc -l) = 3 ]"
final_run "prof_final:true,prof_prefix:/nonexistent-dir/job" "$bin/three_sites"
check "prof_final into a missing directory: said on stderr, exit status kept" \
	bash -c "[ $? = 0 ] && grep -q 'liballoc: prof_final: cannot write /nonexistent-dir/job\.[0-9]*\.final\.heap: No such file or directory' '$work/final.err'"
# exec keeps the pid, so the name the process will write is known first.
echo untouched >"$work/final/victim"
final_run "prof_final:true,prof_prefix:$work/final/sym" bash -c \
	"ln -s '$work/final/victim' '$work/final/sym.'\$\$'.final.heap' && exec '$bin/three_sites'"
check "prof_final does not follow a symbolic link at its file's name" \
	bash -c "[ \"\$(cat '$work/final/victim')\" = untouched ] && grep -q 'symbolic links' '$work/final.err'"
final_run "prof_final:true,prof_stacks:0,prof_prefix:$work/final/none" "$bin/three_sites"
check "prof_final with prof_stacks:0: says there is no profile, writes nothing" \
	bash -c "grep -q 'prof_final: no heap profile in this process' '$work/final.err' && ! ls '$work'/final/none.* 2>/dev/null"
final_run "prof_final:maybe,prof_prefix:" /bin/true
check "prof_final and prof_prefix: bad values are named and ignored" \
	bash -c "grep -q \"bad value (true/false) in 'prof_final:maybe'\" '$work/final.err' && grep -q \"bad value (a path prefix, 1..255 bytes) in 'prof_prefix:'\" '$work/final.err'"

echo "== bad input gets a clear error"
expect_rc() { # expect_rc NAME RC TEXT CMD...: exit code RC and TEXT on stderr
	local name=$1 rc=$2 text=$3
	shift 3
	"$@" >"$work/rc.out" 2>"$work/rc.err"
	local got=$?
	if [ "$got" = "$rc" ] && grep -q -- "$text" "$work/rc.err"; then pass "$name"; else
		fail "$name (exit $got, want $rc; stderr: $(head -c 300 "$work/rc.err"))"
	fi
}
if start plain LIBALLOC_CONF=prof_stacks:0,stats_publish:eager LD_PRELOAD="$build/liballoc.so" -- "$bin/three_sites"; then
	p=${pid_of[plain]}
	expect_rc "prof_stacks:0: --heap says there is no profile (exit 13)" 13 "no heap profile" \
		"$dump" --heap "$p"
	expect_rc "--heap wants exactly one pid" 2 "exactly one PID" "$dump" --heap "$p" "$p"
	expect_rc "--base without --heap: usage error" 2 "goes with --heap" \
		"$dump" --folded --base "$work/none.heap" "$p"
	check "--set prof_sample on a process without a profile leaves it off" \
		set_applied plain prof_sample=64k 'prof_sample requested 0, applied 0'
	stop plain
else
	fail "three_sites with prof_stacks:0 starts"
fi
if start errs LIBALLOC_CONF=prof_sample:32k,stats_publish:eager LD_PRELOAD="$build/liballoc.so" -- "$bin/three_sites"; then
	expect_rc "--pprof into a missing directory: I/O error (exit 9)" 9 "No such file" \
		"$dump" --pprof /nonexistent-dir/x.heap "${pid_of[errs]}"
	echo garbage >"$work/garbage.heap"
	expect_rc "--base with a file that is no heap profile: usage error" 2 "not a heap profile" \
		"$dump" --heap --base "$work/garbage.heap" "${pid_of[errs]}"
	printf 'heap profile: 1: 2 [3: 4] @ heap_v2/1024\n1: 2 [3: x] @ 0x1\n' >"$work/bad.heap"
	expect_rc "--base names the bad line" 2 "bad.heap:2: not a heap profile line" \
		"$dump" --heap --base "$work/bad.heap" "${pid_of[errs]}"
	stop errs
else
	fail "three_sites for the error cases starts"
fi

echo "== a full table counts the rest under other"
if start many LIBALLOC_CONF=prof_sample:16k,prof_stacks:16,stats_publish:eager LD_PRELOAD="$build/liballoc.so" -- "$bin/many_stacks"; then
	"$dump" --heap --json --top 100 "${pid_of[many]}" >"$work/many.json"
	check "prof_stacks:16: nothing dropped, the overflow is under other" python3 -c "
import json, sys
p = json.load(open('$work/many.json'))
other = sum(s['live_bytes'] for s in p['sites'] if s['other'])
total = sum(s['live_bytes'] for s in p['sites'])
print('stacks', p['stacks'], 'of', p['capacity'], 'table_full', p['samples_table_full'],
      'other', other, 'total', total)
sys.exit(not (p['stacks'] == 16 and p['samples_table_full'] > 0 and other > 0
              and abs(total - 40 * 2**20) < 0.15 * 40 * 2**20))"
	stop many
else
	fail "many_stacks starts"
fi

echo "== liballoc.a without libunwind, unwinder:frame_pointers: frame pointers"
if start fp LIBALLOC_CONF=prof_sample:32k,stats_publish:eager,unwinder:frame_pointers -- \
	"$bin/three_sites-fp"; then
	"$dump" --heap --json "${pid_of[fp]}" >"$work/fp.json"
	check "frame-pointer stacks: the unwinder says so" \
		grep -q '"unwinder":"frame pointers"' "$work/fp.json"
	check "frame-pointer stacks: sites ranked, each >= 5% of the heap within 10%" \
		accuracy "$work/fp.json" held
	check "frame-pointer stacks reach main" \
		bash -c "'$dump' --folded ${pid_of[fp]} | grep -q 'main;site_small'"
	stop fp
else
	fail "three_sites-fp starts"
fi

echo "== liballoc.a without -lunwind loads libgcc_s at the first stack, libunwind after 32"
if start fpload LIBALLOC_CONF=prof_sample:32k,stats_publish:eager -- "$bin/three_sites-fp"; then
	"$dump" --heap --json "${pid_of[fpload]}" >"$work/fpload.json"
	check "the unwinder says libunwind" grep -q '"unwinder":"libunwind"' "$work/fpload.json"
	check "libunwind is mapped (loaded, not linked)" \
		bash -c "grep -q libunwind /proc/${pid_of[fpload]}/maps && ! ldd '$bin/three_sites-fp' | grep -q libunwind"
	stop fpload
else
	fail "three_sites-fp (libunwind loaded) starts"
fi

echo "== alloctop sites view"
if start top LIBALLOC_CONF=prof_sample:32k,stats_publish:eager LD_PRELOAD="$build/liballoc.so" -- "$bin/three_sites"; then
	"$build/alloctop" -b -n 2 -d 0.2 -H -p "${pid_of[top]}" -S "$work" >"$work/top.out" 2>&1
	check "alloctop -H lists site_small first, with a growth rate column" \
		bash -c "grep -A3 'LIVE_BYTES' '$work/top.out' | grep -m1 -v LIVE_BYTES | grep -q site_small && grep -q 'GROWTH/S' '$work/top.out'"
	stop top
else
	fail "three_sites for alloctop starts"
fi

echo "== libgcc's unwinder (a process's first stacks) with frames the program registered"
# Every allocation sampled; libgcc mallocs under its object lock. A stack
# that entered libgcc from there would wait for ever: the time limit.
if LIBALLOC_CONF=prof_sample:1 timeout 60 env LD_PRELOAD="$build/liballoc.so" \
	"$bin/registered_frames" >"$work/frames.out" 2>&1; then
	check "registered frames: no deadlock, first stacks from libgcc" \
		grep -q '^first: libgcc' "$work/frames.out"
	check "registered frames: libgcc still unwinds after the program's search under its lock" \
		grep -q "^after the program's search: libgcc" "$work/frames.out"
else
	fail "registered frames: finishes (exit $?)"
	sed 's/^/    /' "$work/frames.out" | head
fi

echo "== the reader on fabricated and damaged profiles (ASan/UBSan)"
if "$bin/prof_reader" >"$work/reader.out" 2>&1; then pass "prof_reader"; else
	fail "prof_reader"
	grep -vE '^\[ RUN|^\[       OK' "$work/reader.out" | sed 's/^/    /' | head -20
fi

echo "== alloc_ctl API (prof_api, linked with liballoc.a)"
if LIBALLOC_CONF=stats_publish:eager,prof_final:true,prof_prefix:$work/api PROF_API_PREFIX=$work/api \
	"$bin/prof_api" >"$work/api.out" 2>&1; then pass "prof_api"; else
	fail "prof_api"
	grep -vE '^\[ RUN|^\[       OK' "$work/api.out" | sed 's/^/    /' | head -20
fi
check "prof_final linked in (liballoc.a): the exit wrote the profile" \
	bash -c "head -1 '$work'/api.*.final.heap | grep -q '^heap profile: '"

print_summary
