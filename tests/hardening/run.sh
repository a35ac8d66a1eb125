#!/bin/bash
# run.sh BUILD_DIR - the hardening tests of the allocator (build.mk says
# what). ONLY="ext tamper lazy deaths hostile secure oom" picks sections.
# Ends with "N passed, M failed"; exits non-zero on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/summary.sh"
build=$(cd "${1:-build}" && pwd) || exit 2
dir=$build/tests/hardening
so=$build/liballoc.so
dump=$build/allocdump
only=${ONLY:-}
passed=0 failed=0 skipped=0
failures=()
tmp=$(mktemp -d /tmp/liballoc-hardening.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do { kill -9 "$p" && wait "$p"; } 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

check() { # description, then a command that must succeed
	local what=$1
	shift
	if "$@"; then
		echo "ok: $what"
		passed=$((passed + 1))
	else
		echo "FAIL: $what"
		failed=$((failed + 1))
		failures+=("$what")
	fi
}
skip() {
	echo "SKIP: $1"
	skipped=$((skipped + 1))
}
section() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }

# wait_for FILE [TENTHS]: until FILE exists (default 5 s).
wait_for() {
	local i
	for ((i = 0; i < ${2:-50}; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# ready_pid LOG: the pid from linger's "ready PID" line, waiting for it.
ready_pid() {
	local i
	for ((i = 0; i < 100; i++)); do
		if grep -q '^ready ' "$1" 2>/dev/null; then
			sed -n 's/^ready \([0-9]*\)$/\1/p' "$1" | head -1
			return 0
		fi
		sleep 0.1
	done
	return 1
}
segments() { # DIR: how many liballoc.* files are in it
	find "$1" -maxdepth 1 -name 'liballoc.*' | wc -l
}
expect_eq() { # got want [what]
	[ "$1" = "$2" ] || { echo "   got '$1', want '$2' ${3:-}"; false; }
}

# --- mallopt and malloc_info -------------------------------------------------
if section ext; then
	check "mallopt and malloc_info, linked with liballoc.a" "$dir/glibc_ext-static" "$tmp/info.xml"
	check "mallopt and malloc_info, preloaded" env LD_PRELOAD="$so" "$dir/glibc_ext"
	check "malloc_info is XML in glibc's shape" python3 - "$tmp/info.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "malloc" and root.get("version") == "1", root.attrib
heaps = root.findall("heap")
assert heaps and heaps[0].get("nr") == "0"
def shape(node, totals):
    assert [t.get("type") for t in node.findall("total")] == totals, ET.tostring(node)
    assert [s.get("type") for s in node.findall("system")] == ["current", "max"]
    assert [a.get("type") for a in node.findall("aspace")] == ["total", "mprotect"]
    for e in node.iter():
        for k in ("count", "size", "total", "from", "to"):
            if k in e.attrib:
                assert e.get(k).isdigit(), (e.tag, e.attrib)
for h in heaps:
    assert h.find("sizes") is not None
    for s in h.find("sizes"):
        assert s.tag == "size" and int(s.get("from")) <= int(s.get("to"))
    shape(h, ["fast", "rest"])
shape(root, ["fast", "rest", "mmap"])
EOF
fi

# --- the process distrusts its own segment -----------------------------------
# Both count every allocation exactly, so they run without the samplers: a
# sampled allocation's stack loads libunwind, and glibc then allocates each
# thread's block of libunwind's thread-local data (16 bytes) when that
# thread first takes a stack, at moments the tests do not choose.
unsampled=prof_sample:0,guard_sample:0
if section tamper; then
	mkdir -p "$tmp/tamper"
	check "a segment rewritten from outside: mallinfo2, alloc_ctl, threads, forks stay right" \
		env LIBALLOC_STATS_DIR="$tmp/tamper" LIBALLOC_CONF=stats_publish:eager,$unsampled \
		"$dir/tamper-static"
fi

# --- lazy publishing -----------------------------------------------------------
# traced PROG...: the files liballoc created or opened in the stats dir.
traced() {
	strace -f -qq -e trace=openat,open -o "$tmp/trace" env LD_PRELOAD="$so" \
		LIBALLOC_STATS_DIR="$tmp/lazy" "$@" >/dev/null 2>&1
	grep -c "$tmp/lazy/liballoc\." "$tmp/trace"
}
if section lazy; then
	mkdir -p "$tmp/lazy"
	check "lazy: segments after a second, exact counts, idle and cache-only children" \
		env LIBALLOC_STATS_DIR="$tmp/lazy" LIBALLOC_CONF=$unsampled "$dir/lazy_publish-static"
	if command -v strace >/dev/null; then
		check "/bin/true never creates a segment" expect_eq "$(traced /bin/true)" 0
		check "ls /usr/bin never creates a segment" expect_eq "$(traced ls /usr/bin)" 0
		check "stats_publish:eager creates one at start" \
			expect_eq "$(LIBALLOC_CONF=stats_publish:eager traced /bin/true)" 1
	else
		skip "strace missing: the short-process checks"
	fi
fi

# --- nothing stale after any death ---------------------------------------------
# start_linger DIR CONF MODE...: linger in the background; sets lpid.
start_linger() {
	local d=$1 conf=$2
	shift 2
	: >"$d.log"
	env LD_PRELOAD="$so" LIBALLOC_STATS_DIR="$d" LIBALLOC_CONF="$conf" "$dir/linger" "$@" \
		>/dev/null 2>"$d.log" &
	pids+=($!)
	lpid=$(ready_pid "$d.log")
}
# not_live DIR PID: no reader shows the process as live.
not_live() {
	local d=$1 pid=$2 rc
	"$dump" --dir "$d" "$pid" >/dev/null 2>&1
	rc=$?
	[ "$rc" -eq 7 ] || [ "$rc" -eq 3 ] || { echo "   allocdump $pid: exit $rc, not stale"; return 1; }
	if "$dump" --dir "$d" --all 2>/dev/null | awk '{print $1}' | grep -qx "$pid"; then
		echo "   allocdump --all lists $pid"
		return 1
	fi
}
# swept DIR PID: a later process that publishes removes the file.
swept() {
	local d=$1 pid=$2
	env LD_PRELOAD="$so" LIBALLOC_STATS_DIR="$d" LIBALLOC_CONF=stats_publish:eager \
		"$dir/linger" exit 0 2>/dev/null
	[ ! -e "$d/liballoc.$pid" ] || { echo "   $d/liballoc.$pid is still there"; false; }
}
death() { # kind: start, kill that way, check readers and the sweep
	local kind=$1 d=$tmp/death-$1 pid
	mkdir -p "$d"
	case $kind in
	SIGKILL | SIGTERM)
		start_linger "$d" stats_publish:eager sleep
		wait_for "$d/liballoc.$lpid"
		kill -"${kind#SIG}" "$lpid"
		;;
	SIGKILL-lazy) # published after a second of allocating, then killed
		start_linger "$d" "" busy
		wait_for "$d/liballoc.$lpid" 40
		kill -KILL "$lpid"
		;;
	SIGPIPE)
		(env LD_PRELOAD="$so" LIBALLOC_STATS_DIR="$d" LIBALLOC_CONF=stats_publish:eager \
			"$dir/linger" spew 2>"$d.log" | head -c 100000 >/dev/null)
		lpid=$(ready_pid "$d.log")
		;;
	_exit)
		env LD_PRELOAD="$so" LIBALLOC_STATS_DIR="$d" LIBALLOC_CONF=stats_publish:eager \
			"$dir/linger" _exit 200 2>"$d.log"
		lpid=$(ready_pid "$d.log")
		;;
	exec) # the program it executes has no liballoc; the pid lives on
		start_linger "$d" stats_publish:eager exec 200 /bin/sleep 30
		sleep 0.5
		;;
	zombie) # exited, not reaped by its parent
		bash -c 'env LD_PRELOAD="$1" LIBALLOC_STATS_DIR="$2" LIBALLOC_CONF=stats_publish:eager \
			"$3" _exit 200 2>"$2.log" & exec sleep 30' _ "$so" "$d" "$dir/linger" &
		pids+=($!)
		lpid=$(ready_pid "$d.log")
		sleep 0.5
		;;
	esac
	[ -n "$lpid" ] || { echo "   no pid for $kind"; return 1; }
	[ -e "$d/liballoc.$lpid" ] || { echo "   $kind: no segment was made (test broken)"; return 1; }
	case $kind in SIGKILL*|SIGTERM) wait "$lpid" 2>/dev/null ;; esac
	not_live "$d" "$lpid" && swept "$d" "$lpid" &&
		expect_eq "$(segments "$d")" 0 "segment files left in $d"
}
if section deaths; then
	for kind in SIGKILL SIGTERM SIGKILL-lazy SIGPIPE _exit exec zombie; do
		check "after $kind: never shown live, and the next process removes its file" death "$kind"
	done
	# allocdump --gc stays for what no later process cleaned up.
	mkdir -p "$tmp/gc"
	start_linger "$tmp/gc" stats_publish:eager sleep
	wait_for "$tmp/gc/liballoc.$lpid"
	kill -KILL "$lpid"
	wait "$lpid" 2>/dev/null
	check "allocdump --gc removes a killed process's segment" \
		bash -c '"$1" --gc --dir "$2" | grep -q "^1 stale segment" && [ ! -e "$2/liballoc.$3" ]' \
		_ "$dump" "$tmp/gc" "$lpid"
fi

# --- a hostile file at the segment's name --------------------------------------
# hostile SETUP: SETUP plants a file at DIR/liballoc.<pid> of the process
# about to start (bash -c, then exec: the pid stays); the process must run
# and say why once.
hostile() {
	local d=$tmp/hostile err rc
	rm -rf "$d"
	mkdir -p "$d"
	chmod 1777 "$d"
	bash -c "f=$d/liballoc.\$\$; $1; exec env LD_PRELOAD=$so LIBALLOC_STATS_DIR=$d \
		LIBALLOC_CONF=stats_publish:eager $dir/linger exit 0" 2>"$d.err"
	rc=$?
	err=$(grep -v '^ready ' "$d.err")
	[ "$rc" -eq 0 ] || { echo "   exit $rc"; return 1; }
	[ "$(grep -c . <<<"$err")" -eq 1 ] && grep -q "liballoc: stats: cannot publish .*$2" <<<"$err" ||
		{ echo "   stderr: $err"; return 1; }
}
own_garbage() {
	local d=$tmp/own
	mkdir -p "$d"
	bash -c "echo junk >$d/liballoc.\$\$; exec env LD_PRELOAD=$so LIBALLOC_STATS_DIR=$d \
		LIBALLOC_CONF=stats_publish:eager $dir/linger exit 0" 2>"$d.err" || return 1
	! grep -v '^ready ' "$d.err" | grep . && expect_eq "$(segments "$d")" 0
}
if section hostile; then
	check "a symbolic link at its name: runs, says why once" hostile 'ln -s /etc/passwd $f' \
		"a symbolic link is in the way"
	check "another user's file at its name: runs, says why once" \
		hostile 'echo x >$f; chown 65534 $f' "a file of another user is in the way"
	check "a directory at its name: runs, says why once" hostile 'mkdir $f' "not a regular file"
	check "its own garbage file (from before an exec) is replaced, silently" own_garbage
fi

# --- setuid programs --------------------------------------------------------------
# as_nobody ENV... PROG ARGS: run as uid 65534 with that environment.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups env "$@"
}
secure_run() { # expected-line-pattern, then ENV... PROG ARGS via as_nobody
	local want=$1 out
	shift
	out=$(as_nobody "$@" 2>"$tmp/secure.err")
	grep -Eq -- "$want" <<<"$out" || { echo "   got: $out"; cat "$tmp/secure.err"; return 1; }
}
secure_tests() {
	local s=$tmp/secure prog=$tmp/secure/prog env_conf
	mkdir -p "$s/envdir" "$s/confdir"
	chmod 755 "$s" && chmod 777 "$s/envdir"
	cp "$dir/secure_prog-static" "$prog" && chown root:root "$prog" && chmod 4755 "$prog"
	cp "$dir/secure_prog-static" "$s/plain" && chmod 755 "$s/plain"
	env_conf="LIBALLOC_CONF=stats:true,stats_publish:eager,junk:true,stats_dir:$s/envdir"
	check "setuid root, run by another user: LIBALLOC_CONF and LIBALLOC_STATS_DIR ignored, no segment" \
		secure_run "^secure=1 stats=0 junk=0 stats_dir=/dev/shm /dev/shm=no $s/envdir=no\$" \
		"$env_conf" LIBALLOC_STATS_DIR="$s/envdir" "$prog" /dev/shm "$s/envdir"
	check "  ... and nothing said about the environment" bash -c "! grep -q . '$tmp/secure.err'"
	check "the same program not setuid takes them (the test can fail)" \
		secure_run "^secure=0 stats=1 junk=3 stats_dir=$s/envdir $s/envdir=yes\(65534\)\$" \
		"$env_conf" "$s/plain" "$s/envdir"
	# The root-owned file: taken only while root owns it and nobody else may write it.
	local conf=/etc/liballoc.conf
	exec 9>/tmp/liballoc-secure-test.lock
	flock 9
	if [ -e "$conf" ]; then
		skip "$conf exists (not the test's): the root-owned file checks"
	else
		printf '# test\nstats:true\nstats_publish:eager\n\nstats_dir:%s\n' "$s/confdir" >"$conf"
		chmod 0644 "$conf"
		check "a root-owned $conf turns the segment on (root's file, in its stats_dir)" \
			secure_run "^secure=1 stats=1 junk=0 stats_dir=$s/confdir $s/confdir=yes\(0\) $s/envdir=no\$" \
			"$env_conf" LIBALLOC_STATS_DIR="$s/envdir" "$prog" "$s/confdir" "$s/envdir"
		chmod 0666 "$conf"
		check "... not when others may write it" \
			secure_run "^secure=1 stats=0 " "$env_conf" "$prog" "$s/confdir"
		check "  ... and it says why" grep -q "$conf: writable by group or others" "$tmp/secure.err"
		chmod 0644 "$conf" && chown 65534 "$conf"
		check "... nor when root does not own it" \
			secure_run "^secure=1 stats=0 " "$env_conf" "$prog" "$s/confdir"
		# prof_final from the root-owned file: written with the program's
		# privileges, never over a file that exists (one its starter could
		# plant at the name it will use: exec keeps the pid).
		mkdir -m 1777 "$s/profdir"
		printf 'prof_final:true\nprof_prefix:%s/p\n' "$s/profdir" >"$conf"
		chown root:root "$conf" && chmod 0644 "$conf"
		as_nobody "$prog" >/dev/null 2>"$tmp/secure.err"
		check "prof_final in $conf: the setuid program's profile, root's, mode 0600" \
			bash -c "[ \"\$(stat -c '%u %a' '$s'/profdir/p.*.final.heap)\" = '0 600' ]"
		rm -f "$s"/profdir/p.*
		as_nobody bash -c "echo planted >'$s/profdir/p.'\$\$'.final.heap' && exec '$prog'" \
			>/dev/null 2>"$tmp/secure.err"
		check "  ... and a file planted at its name is left as it is, with a word on stderr" \
			bash -c "[ \"\$(cat '$s'/profdir/p.*.final.heap)\" = planted ] &&
				grep -q 'prof_final: cannot write .*: File exists' '$tmp/secure.err'"
		rm -f "$conf"
	fi
	flock -u 9
}
if section secure; then
	if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
		skip "setuid tests need root and setpriv"
	else
		secure_tests
	fi
fi

# --- malloc returns NULL, never aborts ----------------------------------------------
# A sweep of ulimit -v: every run must end normally (exit 0: every byte
# intact), some runs must have seen NULL (the sweep reaches the limit).
oom_sweep() { # name, step in MiB, then the command
	local name=$1 step=$2 mb rc runs=0 bad=0 nulls=0 out
	shift 2
	for ((mb = 64; mb <= 1024; mb += step)); do
		out=$( (ulimit -v $((mb * 1024)); exec "$@") 2>&1)
		rc=$?
		runs=$((runs + 1))
		if [ "$rc" -ne 0 ] || ! grep -q '^ok ' <<<"$out"; then
			bad=$((bad + 1))
			echo "   $name at ${mb} MiB: exit $rc: $(tail -2 <<<"$out" | tr '\n' ' ')"
		fi
		grep -q ' nulls=[1-9]' <<<"$out" && nulls=$((nulls + 1))
	done
	echo "   $name: $runs limits, $bad bad runs, $nulls saw NULL"
	[ "$bad" -eq 0 ] && [ "$nulls" -gt 0 ]
}
if section oom; then
	check "ulimit -v 64M..1G in 24M steps, production: no abort, data intact" \
		oom_sweep production 24 env LD_PRELOAD="$so" "$dir/oom_fill" 256 2
	check "ulimit -v 64M..1G in 48M steps, debug:true: no abort, data intact" \
		oom_sweep debug 48 env LD_PRELOAD="$so" LIBALLOC_CONF=debug:true "$dir/oom_fill" 128 1
	check "ulimit -v 64M..1G in 96M steps, every allocation sampled: a thread's first stack, out of memory" \
		oom_sweep first-stack 96 env LD_PRELOAD="$so" LIBALLOC_CONF=prof_sample:64 "$dir/oom_first_stack"
fi

print_summary
