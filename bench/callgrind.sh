# shellcheck shell=bash
# bench/callgrind.sh - count the instructions a command executes under an
# allocator, with callgrind. Sourced after allocators.sh; needs $bin.

# callgrind_ir ALLOC COMMAND [ARGS]: print the total instruction count (Ir).
# LD_PRELOAD passes straight to the program: callgrind does not replace malloc.
# Tried up to 5 times: a uprobe that another tool (bpftrace, the collector)
# has attached to liballoc.so is an int3 in the code, which kills the
# program under valgrind with SIGTRAP until the probe goes away.
callgrind_ir() {
	local alloc=$1 preload envs out attempt
	shift
	preload=$(alloc_preload "$alloc") || return 1
	envs=$(alloc_env "$alloc")
	out=$(mktemp) || return 1
	for attempt in 1 2 3 4 5; do
		# shellcheck disable=SC2086
		if env ${preload:+LD_PRELOAD=$preload} $envs valgrind --tool=callgrind \
			--callgrind-out-file="$out" "$@" >/dev/null 2>&1; then
			sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out"
			rm -f "$out"
			return 0
		fi
		[ $attempt = 5 ] || sleep 3
	done
	rm -f "$out"
	return 1
}
