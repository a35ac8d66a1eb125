#!/bin/bash
# check_notes.sh - USDT notes of liballoc.so are readable by bpftrace and libbpf.
#
# Usage: check_notes.sh LIBALLOC_SO PROBE_HEADER [BAD_OBJECT]
#
# Reads `readelf -n` and fails on any argument spec that is %rip-relative or
# uses an index register (bpftrace 0.17 / libbpf 1.1 cannot read them),
# checks that every probe named in PROBE_HEADER's LA_PROBE_NAMES list is
# present under provider "liballoc" and carries an is-enabled semaphore.
# BAD_OBJECT, when given, is an object built with such operands on purpose:
# the same scan must reject it (the checker checks itself).
set -u
lib=$1 header=$2 bad=${3:-}
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# Prints "name<TAB>semaphore<TAB>args" per liballoc probe note.
probe_notes() {
	readelf -n "$1" 2>/dev/null | awk '
		/Provider:/ { prov = $2 }
		/Name:/ { name = $2 }
		/Semaphore:/ { sem = $NF }
		/Arguments:/ { args = $0; sub(/^[ \t]*Arguments:[ \t]*/, "", args)
			if (prov == "liballoc") print name "\t" sem "\t" args }'
}

# Prints the unreadable argument specs of a notes listing, one per line.
bad_specs() {
	awk -F'\t' '{ n = split($3, a, " ")
		for (i = 1; i <= n; i++)
			if (a[i] ~ /\(%rip\)/ || a[i] ~ /\([^)]*,[^)]*\)/) print $1 ": " a[i] }'
}

if [ ! -r "$lib" ]; then
	echo "FAIL: $lib not found"
	echo "0 passed, 1 failed"
	exit 1
fi
notes=$(probe_notes "$lib")
[ -n "$notes" ] && pass || fail "$lib has no liballoc USDT notes (built with -DLIBALLOC_NO_PROBES?)"

bad_found=$(printf '%s\n' "$notes" | bad_specs)
if [ -z "$bad_found" ]; then
	pass
else
	fail "argument specs bpftrace/libbpf cannot read:"
	printf '  %s\n' "$bad_found"
fi

expected=$(sed -n '/#define LA_PROBE_NAMES/,/^$/p' "$header" | grep -o 'X([a-z_]*)' | sed 's/X(\(.*\))/\1/')
[ "$(echo "$expected" | wc -w)" -ge 17 ] && pass || fail "could not read the probe list from $header"
for p in $expected; do
	line=$(printf '%s\n' "$notes" | awk -F'\t' -v p="$p" '$1 == p' | head -n1)
	if [ -z "$line" ]; then
		fail "probe liballoc:$p missing from $lib"
		continue
	fi
	pass
	sem=$(printf '%s' "$line" | cut -f2)
	[ -n "$sem" ] && [ "$((sem))" -ne 0 ] && pass || fail "probe liballoc:$p has no semaphore"
done
for p in $(printf '%s\n' "$notes" | cut -f1 | sort -u); do
	echo "$expected" | grep -qx "$p" && pass || fail "probe liballoc:$p is not in the probe list"
done

if [ -n "$bad" ]; then
	rejected=$(probe_notes "$bad" | bad_specs)
	echo "$rejected" | grep -q '(%rip)' && pass || fail "checker missed a %rip-relative spec in $bad"
	echo "$rejected" | grep -q ',' && pass || fail "checker missed an index-register spec in $bad"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
