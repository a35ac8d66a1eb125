#!/bin/bash
# redis-server on 127.0.0.1 (server, redis-cli and redis-benchmark all run
# under the allocator): typed commands, a bulk load, and a short benchmark
# whose rates are dropped (only which tests ran and the key counts print).
set -eu
for t in redis-server redis-cli redis-benchmark; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
# A port nobody listens on: start from one derived from our pid.
port=$((20000 + $$ % 20000))
while redis-cli -p $port ping >/dev/null 2>&1; do port=$((port + 1)); done
redis-server --port $port --bind 127.0.0.1 --save '' --appendonly no \
	--daemonize no --dir "$PWD" --logfile "$PWD/redis.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 100); do
	[ "$(redis-cli -p $port ping 2>/dev/null)" = PONG ] && break
	sleep 0.1
done
cli() { redis-cli -p $port "$@"; }
cli ping
cli set greeting hello
cli append greeting ", world"
cli get greeting
cli incrby counter 41
cli incr counter
cli rpush list a b c d e f >/dev/null
cli lrange list 1 3
cli hset h f1 v1 f2 v2 f3 v3
cli hgetall h | sort
cli sadd s x y z x
cli smembers s | sort
cli zadd z 1 one 2 two 3 three
cli zrange z 0 -1 withscores
# Bulk load 20000 keys through the pipe protocol.
awk 'BEGIN { for (i = 1; i <= 20000; i++) {
	v = ""; for (j = 0; j <= i % 50; j++) v = v "v"
	printf "SET key:%d %s\r\n", i, v } }' | cli --pipe | grep -o 'errors: [0-9]*, replies: [0-9]*'
cli dbsize
cli strlen key:12345
cli del key:1 key:2 key:3
redis-benchmark -p $port -q -n 2000 -c 4 -t set,get,lpush,lpop,incr,hset 2>/dev/null |
	tr '\r' '\n' | grep -o '^[A-Z_]*: [0-9.]* requests' | cut -d: -f1 | sort -u
cli flushall
cli dbsize
cli shutdown nosave >/dev/null 2>&1 || true
wait $server && echo "server exit 0" || echo "server exit $?"
trap - EXIT
