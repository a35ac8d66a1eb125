#!/bin/bash
# tests/bugs/run-clean.sh - zero false reports: real programs (python3, sqlite3,
# git, gcc, bash) run under liballoc with LIBALLOC_CONF=debug:true,on_error:report
# must print exactly what they print under glibc, exit the same way, and
# never write a "liballoc:" line to stderr.
#
# usage: tests/bugs/run-clean.sh [WORKLOAD...]   env: BUILD, LIBALLOC_SO
#   workloads: python3 sqlite3 git gcc bash
set -u
. "$(dirname "$0")/lib.sh"

LIB=${LIBALLOC_SO:-$BUILD/liballoc.so}
CONF=${BUGS_CLEAN_CONF:-debug:true,on_error:report}
WORK="$ROOT/tests/bugs/clean"
start_run
require_liballoc

# Each workload is a shell function run in a fresh directory $1; what it
# prints on stdout is compared.
workload_python3() {
	/usr/bin/python3 "$WORK/workload.py"
}

workload_sqlite3() {
	sqlite3 "$1/db.sqlite" <"$WORK/workload.sql"
}

workload_git() {
	local dir=$1/repo
	export HOME=$1 GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=bugs GIT_AUTHOR_EMAIL=bugs@example.invalid
	export GIT_COMMITTER_NAME=bugs GIT_COMMITTER_EMAIL=bugs@example.invalid
	export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
	git init -q -b main "$dir" && cd "$dir" || return 1
	local i
	for i in $(seq 1 40); do
		seq 1 $((i * 300)) >"file$((i % 7)).txt"
		echo "round $i" >>history.txt
		git add -A && git commit -q -m "round $i" || return 1
	done
	git log --format='%H %s' | head -n 5
	git diff --stat HEAD~10 HEAD
	git gc -q --aggressive && git fsck --no-progress 2>&1
	git count-objects -v | grep -E '^(count|in-pack|packs)'
	git rev-list --objects --all | sort | sha256sum
}

workload_gcc() {
	local f
	for f in "$CASES"/*.c; do
		gcc -std=gnu11 -O2 -D_GNU_SOURCE -I"$ROOT/liballoc/include" -I"$ROOT/tests/bugs" \
			-S -o - "$f" || return 1
	done | sha256sum
	gcc -O2 -I"$ROOT/liballoc/include" -I"$ROOT/tests/bugs" -pthread \
		"$CASES/ok-calloc-zero.c" -o "$1/prog" -ldl && "$1/prog"
}

workload_bash() {
	bash "$WORK/workload.sh"
}

# run_workload NAME MODE: MODE glibc or liballoc; output in $TMP/NAME.MODE.*
run_workload() {
	local name=$1 mode=$2 dir="$TMP/$1.$2.d"
	mkdir -p "$dir"
	local envs=(-u LIBALLOC_CONF -u LD_PRELOAD)
	[ "$mode" = glibc ] || envs+=(LD_PRELOAD="$LIB" LIBALLOC_CONF="$CONF")
	(cd "$dir" && env "${envs[@]}" timeout -k 5 300 bash -c \
		"$(declare -f "workload_$name"); ROOT='$ROOT' CASES='$CASES' WORK='$WORK'; workload_$name '$dir'") \
		>"$TMP/$name.$mode.out" 2>"$TMP/$name.$mode.err"
	echo $?
}

# The silence below means something only if liballoc is really loaded in
# these processes with the checks on: a canary bug under the same
# configuration must be reported.
canary() {
	local bin="$BUILD/bugs/df-small-tcache"
	if ! build_case df-small-tcache "$BUILD/bugs" >"$TMP/cc" 2>&1; then
		fail "canary: df-small-tcache does not build"
		show compiler "$TMP/cc"
		return
	fi
	if ! env LD_PRELOAD="$LIB" /bin/cat /proc/self/maps | grep -q "$(basename "$LIB")"; then
		fail "canary: $LIB is not mapped into a preloaded process"
		return
	fi
	env LD_PRELOAD="$LIB" LIBALLOC_CONF="$CONF" "$bin" >"$TMP/canary.out" 2>"$TMP/canary.err"
	if grep -q '^liballoc: double-free on ' "$TMP/canary.err"; then
		pass "canary: a double free under [$CONF] is reported"
	else
		fail "canary: a double free under [$CONF] is not reported, so silence proves nothing"
		show stderr "$TMP/canary.err"
	fi
}

canary

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(python3 sqlite3 git gcc bash)

for name in "${names[@]}"; do
	if ! declare -F "workload_$name" >/dev/null; then
		fail "$name: no such workload"
		continue
	fi
	tool=$name
	[ "$name" = python3 ] && tool=/usr/bin/python3
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP $name: $tool is not installed"
		continue
	fi
	rc_glibc=$(run_workload "$name" glibc)
	rc_la=$(run_workload "$name" liballoc)
	reports=$(grep -c '^liballoc:' "$TMP/$name.liballoc.err")
	if [ "$rc_glibc" -ne 0 ]; then
		fail "$name: the workload itself fails under glibc ($(describe_status "$rc_glibc"))"
		show stderr "$TMP/$name.glibc.err"
	elif [ "$reports" -ne 0 ]; then
		fail "$name [$CONF]: $reports liballoc line(s) on stderr"
		grep -m 5 -A 3 '^liballoc:' "$TMP/$name.liballoc.err" | sed 's/^/    | /'
	elif [ "$rc_la" -ne "$rc_glibc" ]; then
		fail "$name [$CONF]: $(describe_status "$rc_la"), glibc: $(describe_status "$rc_glibc")"
		show stderr "$TMP/$name.liballoc.err"
	elif ! cmp -s "$TMP/$name.glibc.out" "$TMP/$name.liballoc.out"; then
		fail "$name [$CONF]: stdout differs from glibc's"
		diff "$TMP/$name.glibc.out" "$TMP/$name.liballoc.out" | head -n 10 | sed 's/^/    | /'
	else
		pass "$name [$CONF]: same output as glibc ($(wc -l <"$TMP/$name.glibc.out") lines), no report"
	fi
done
summary
