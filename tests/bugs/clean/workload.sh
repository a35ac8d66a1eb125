# workload.sh - a deterministic bash run for the zero-false-reports test:
# arrays, associative arrays, string surgery, subshells and pipes.
declare -A seen
declare -a list
for ((i = 0; i < 20000; i++)); do
	key="k$((i * 7919 % 5003))"
	seen[$key]=$((${seen[$key]:-0} + 1))
	list+=("$key-$i")
done
echo "keys ${#seen[@]} list ${#list[@]}"
joined="${list[*]}"
echo "joined ${#joined}"
upper=${joined^^}
echo "upper ${#upper} ${upper:0:20}"
trimmed=${joined//k/}
echo "trimmed ${#trimmed}"
sum=0
for v in "${seen[@]}"; do sum=$((sum + v)); done
echo "sum $sum"
count=$(printf '%s\n' "${list[@]}" | grep -c -- '-1')
echo "lines with -1: $count"
nested=$( (for i in $(seq 1 500); do echo "$i"; done) | while read -r n; do echo $((n * n)); done | tail -n 1)
echo "nested $nested"
unset 'list[5]' 'list[50]'
list=("${list[@]}")
echo "after unset ${#list[@]} ${list[5]}"
