# shellcheck shell=bash disable=SC2034,SC2154  # APPS_KNOWN is for run.sh; bin, root, timeout come from it
# bench/apps.sh - the real-program cells of bench/run.sh: Debian's redis-server
# driven by redis-benchmark on 127.0.0.1, and a gcc -O2 compile job, each
# run under one allocator by LD_PRELOAD through bench-exec. Sourced after
# paths.sh and allocators.sh; needs $bin, $root and $timeout.
#
#   BENCH_APPS="redis cc"        which app cells (empty: none)
#   BENCH_REDIS_REQUESTS=40000   requests per redis-benchmark test (7 tests)

APPS_KNOWN="redis cc"
redis_requests=${BENCH_REDIS_REQUESTS:-40000}
# The compile job: the bench's own C sources, a fixed list (a new workload
# file must not change what the cell measures).
CC_JOB_FILES="bench_common.c bench_main.c bench_registry.c wl_cache.c wl_cfrac.c \
wl_espresso.c wl_frag.c wl_glibc.c wl_large.c wl_larson.c wl_micro.c wl_realloc.c \
wl_sh6bench.c wl_xmalloc.c"

# app_available APP: succeed if the programs the cell needs are installed.
app_available() {
	case "$1" in
	redis) command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null &&
		command -v redis-cli >/dev/null ;;
	cc) command -v gcc >/dev/null ;;
	*) return 1 ;;
	esac
}

# app_preload ALLOC APP: the library to preload. Debian's redis-server is
# linked to libjemalloc.so.2, which precedes libc in its lookup order, so
# "glibc" there needs libc-malloc.so to reach glibc's malloc at all.
app_preload() {
	if [ "$1" = glibc ] && [ "$2" = redis ]; then
		[ -r "$bin/libc-malloc.so" ] || return 1
		echo "$bin/libc-malloc.so"
		return 0
	fi
	alloc_preload "$1"
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2" | tail -n1; }

# run_app_redis PRELOAD ENV...: print "status time_s maxrss_kb extra".
# A fixed redis-benchmark run (client on glibc, 20 connections, pipelines of
# 16, random keys of 100000, 200-byte values); time_s is the server's user +
# system CPU for it, the work the allocator takes part in (the client's wall
# time, in extra, mostly measures the client and the machine's load); peak
# RSS is the server's.
run_app_redis() {
	local preload=$1 port srv_out spid up client server i
	shift
	local -a envs=()
	for e in "$@"; do envs+=(-e "$e"); done
	srv_out=$(mktemp)
	for _ in 1 2 3; do
		port=$(free_port) || break
		"$bin/bench-exec" -t "$timeout" -p "$preload" "${envs[@]}" -- redis-server \
			--port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
			--logfile /dev/null --loglevel warning >"$srv_out" 2>/dev/null &
		spid=$!
		up=0
		for ((i = 0; i < 100; i++)); do
			if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; then
				up=1
				break
			fi
			kill -0 "$spid" 2>/dev/null || break
			sleep 0.1
		done
		[ $up = 1 ] && break
		kill "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
	done
	if [ "${up:-0}" != 1 ]; then
		server=$(cat "$srv_out")
		rm -f "$srv_out"
		echo "${server:+$(kv exec_status "$server")}${server:-no-server} - - -"
		return
	fi
	client=$("$bin/bench-exec" -t "$timeout" -p "" -- redis-benchmark -h 127.0.0.1 -p "$port" \
		-q --csv -n "$redis_requests" -P 16 -c 20 -r 100000 -d 200 \
		-t set,get,lpush,lpop,sadd,hset,zadd 2>/dev/null)
	redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$spid" 2>/dev/null
	wait "$spid"
	server=$(cat "$srv_out")
	rm -f "$srv_out"
	local cs ss wall
	cs=$(kv exec_status "$client") ss=$(kv exec_status "$server") wall=$(kv wall_s "$client")
	if [ "$ss" != ok ]; then
		echo "server-${ss:-unknown} - - -"
	elif [ "$cs" != ok ]; then
		echo "client-${cs:-unknown} - - -"
	else
		echo "ok $(kv cpu_s "$server") $(kv maxrss_kb "$server") client_wall_s=$wall" \
			"requests_per_s=$(awk -v n="$redis_requests" -v w="$wall" 'BEGIN { printf "%.0f", 7 * n / w }')"
	fi
}

# run_app_cc PRELOAD ENV...: gcc -O2 -g -c of CC_JOB_FILES in a scratch
# directory; time_s is the user + system CPU of the whole job (the driver,
# cc1 and as: bench-exec counts the children gcc waits for), RSS the largest.
run_app_cc() {
	local preload=$1 dir out f
	shift
	local -a envs=() files=()
	for e in "$@"; do envs+=(-e "$e"); done
	for f in $CC_JOB_FILES; do files+=("$root/bench/$f"); done
	dir=$(mktemp -d)
	out=$(cd "$dir" && "$bin/bench-exec" -t "$timeout" -p "$preload" "${envs[@]}" -- \
		gcc -O2 -g -std=gnu11 -D_GNU_SOURCE -pthread -c "${files[@]}" 2>/dev/null)
	rm -rf "$dir"
	if [ "$(kv exec_status "$out")" = ok ]; then
		echo "ok $(kv cpu_s "$out") $(kv maxrss_kb "$out") wall_s=$(kv wall_s "$out")"
	else
		echo "$(kv exec_status "$out") - - -"
	fi
}

# run_app_row ALLOC APP: one measured run; prints "status time_s maxrss_kb extra".
run_app_row() {
	local preload
	if ! app_available "$2"; then
		echo "missing - - -"
		return
	fi
	if ! preload=$(app_preload "$1" "$2"); then
		echo "missing - - -"
		return
	fi
	# shellcheck disable=SC2046  # alloc_env prints NAME=VALUE words
	"run_app_$2" "$preload" $(alloc_env "$1")
}
