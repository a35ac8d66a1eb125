#!/bin/bash
# bash: loops, functions, subshells, pipes, arrays, associative arrays,
# string operations and here-strings (bash itself runs under the allocator).
set -eu
declare -a arr=()
declare -A assoc=()
for ((i = 0; i < 20000; i++)); do
	arr+=("item$i")
	assoc["k$((i % 500))"]+="$i,"
done
echo "array ${#arr[@]} last ${arr[-1]} slice ${arr[*]:100:3}"
total=0
for k in "${!assoc[@]}"; do
	total=$((total + ${#assoc[$k]}))
done
echo "assoc ${#assoc[@]} total $total"
fib() { if (($1 < 2)); then echo "$1"; else echo $(($(fib $(($1 - 1))) + $(fib $(($1 - 2))))); fi; }
echo "fib $(fib 12)"
s=""
for i in $(seq 1 3000); do s+="${i}x"; done
echo "string ${#s} ${s:100:20} ${s//x/} " | md5sum
echo "upper ${s^^}" | cut -c1-40
( cd /; for i in 1 2 3; do echo "sub $i $(pwd)"; done ) | sort -r
seq 1 50000 | awk '{s += $1} END {print "awk", s}'
seq 1 20000 | sed 's/1/one/g' | grep -c one
printf '%s\n' "${arr[@]}" | sort | uniq -c | awk '$1 != 1' | wc -l
read -r a b c <<<"alpha beta gamma"
echo "read $c $b $a"
while IFS=: read -r user _ uid _; do
	if [ "$user" = root ]; then echo "passwd root uid $uid"; fi
done </etc/passwd
mapfile -t lines < <(seq 1 1000 | tac)
echo "mapfile ${#lines[@]} ${lines[0]} ${lines[999]}"
{ echo a; echo b; } | { read -r x; read -r y; echo "group $y$x"; }
out=$(for i in $(seq 1 100); do (echo "$((i * i))") & done; wait)
echo "$out" | sort -n | tail -1
