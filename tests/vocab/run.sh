#!/bin/bash
# tests/vocab/run.sh - the three ways of switching checks (LIBALLOC_CONF at
# start, alloc_ctl inside, allocdump --set from outside) accept the same
# words and apply the same settings: one parser, liballoc/shared/vocab.c.
set -u
build=${1:-build}
hold=$build/tests/vocab/hold
pass=0 fail=0
ok() { echo "ok   - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export LIBALLOC_STATS_DIR=$dir

# run_hold CONF ARGS... -> prints the applied line; with SET=words, the
# settings are switched from outside first.
run_hold() {
	local conf=$1
	shift
	coproc H { LIBALLOC_CONF=$conf "$hold" "$@" 2>&1; }
	local first pid
	read -r -t 10 first <&"${H[0]}" || { echo "no pid"; return; }
	pid=${first#pid }
	if [ -n "${SET:-}" ]; then
		# exit 10: pending (the program is waiting and allocates only
		# after "go", which applies it); anything else is a refusal
		"$build/allocdump" --set "$pid" "$SET" --timeout 200 >/dev/null 2>&1
		local rc=$?
		[ $rc -eq 0 ] || [ $rc -eq 10 ] || echo "set-failed "
	fi
	echo go >&"${H[1]}"
	local line
	read -r -t 10 line <&"${H[0]}"
	echo "$line"
	wait "$H_PID" 2>/dev/null
}

# each: LIBALLOC_CONF words | allocdump --set words | alloc_ctl numbers
cases=(
	"junk:both,on_error:report|junk=both,on_error=report|debug.junk=3 debug.on_error=1"
	"junk:FREE,on_error:Report|junk=free,on_error=REPORT|debug.junk=2 debug.on_error=1"
	"check_free:Yes,on_error:report|check_free=on,on_error=report|debug.check_free=1 debug.on_error=1"
	"redzone:32,quarantine:1KB,on_error:report|redzone=32,quarantine=1k,on_error=report|debug.redzone=32 debug.quarantine=1024 debug.on_error=1"
	"quarantine:2m,on_error:ignore|quarantine=2M,on_error=ignore|debug.quarantine=2097152 debug.on_error=2"
	"quarantine:2m,quarantine_blocks:4k,on_error:report|quarantine=2M,quarantine_blocks=4096,on_error=report|debug.quarantine=2097152 debug.quarantine_blocks=4096 debug.on_error=1"
	"debug:true,on_error:report|debug=TRUE,on_error=report|debug.debug=1 debug.on_error=1"
)
for c in "${cases[@]}"; do
	IFS='|' read -r conf set ctl <<<"$c"
	a=$(SET= run_hold "$conf,stats_publish:eager")
	b=$(SET="$set" run_hold "stats_publish:eager")
	# shellcheck disable=SC2086
	d=$(SET= run_hold "stats_publish:eager" $ctl)
	if [ -n "$a" ] && [[ $a == junk=* ]] && [ "$a" = "$b" ] && [ "$a" = "$d" ]; then
		ok "'$conf' = '$set' = '$ctl': $a"
	else
		bad "'$conf' / '$set' / '$ctl' differ: conf [$a] set [$b] ctl [$d]"
	fi
done
# a word one way refuses is refused the others too
if echo | LIBALLOC_CONF=junk:sometimes,stats_publish:eager "$hold" 2>&1 |
	grep -q "bad value (true/false, alloc, free or both) in 'junk:sometimes'"; then
	ok "LIBALLOC_CONF refuses junk:sometimes"
else
	bad "LIBALLOC_CONF took junk:sometimes"
fi
if echo | LIBALLOC_CONF=quarantine_blocks:0,stats_publish:eager "$hold" 2>&1 |
	grep -q "bad value (blocks, k/m suffix, 1..4m) in 'quarantine_blocks:0'"; then
	ok "LIBALLOC_CONF refuses quarantine_blocks:0, saying what it takes"
else
	bad "LIBALLOC_CONF took quarantine_blocks:0 or said nothing useful"
fi
out=$(SET="quarantine_blocks=0" run_hold "stats_publish:eager")
[[ $out == set-failed* ]] && ok "allocdump --set refuses quarantine_blocks=0" ||
	bad "allocdump --set took quarantine_blocks=0: $out"
out=$(SET="junk=sometimes" run_hold "stats_publish:eager")
[[ $out == set-failed* ]] && ok "allocdump --set refuses junk=sometimes" ||
	bad "allocdump --set took junk=sometimes: $out"
echo "vocab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
