#!/bin/bash
# env_checks.sh BUILD_DIR - what a user of LD_PRELOAD and -lalloc relies on,
# checked from outside: the exported malloc family, initial-exec TLS,
# LIBALLOC_CONF warnings (one per bad entry, naming it, the rest applied),
# and silence when the configuration is good.
# Ends with "N passed, M failed"; exits non-zero on any failure.
set -u
. "$(dirname "$0")/summary.sh"
build=$(cd "${1:-build}" && pwd) || exit 2
so=$build/liballoc.so
ctl_get=$build/tests/integration/ctl_get
passed=0 failed=0 skipped=0
failures=()

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

API="malloc free calloc realloc reallocarray posix_memalign aligned_alloc memalign
	valloc pvalloc malloc_usable_size free_sized free_aligned_sized malloc_trim
	mallinfo2 malloc_stats alloc_ctl alloc_check"

exports_all() { # nm-options file
	local defined missing=
	defined=$(nm $1 --defined-only "$2" 2>/dev/null | awk '$2 ~ /^[TW]$/ {print $3}' | sort -u)
	for f in $API; do
		grep -qx "$f" <<<"$defined" || missing+=" $f"
	done
	[ -z "$missing" ] || echo "   missing from $(basename "$2"):$missing"
	[ -z "$missing" ]
}
check "liballoc.so exports the whole malloc family" exports_all -D "$so"
check "liballoc.a defines the whole malloc family" exports_all "" "$build/liballoc.a"
check "liballoc.so uses initial-exec TLS (STATIC_TLS)" \
	bash -c "readelf -d '$so' | grep -q 'FLAGS.*STATIC_TLS'"

# run_conf CONF NAMES...: stderr of ctl_get under that configuration in
# $err, its output in $out.
run_conf() {
	local conf=$1
	shift
	out=$(LIBALLOC_CONF=$conf LD_PRELOAD=$so "$ctl_get" "$@" 2>/tmp/env_checks.$$)
	err=$(cat /tmp/env_checks.$$)
	rm -f /tmp/env_checks.$$
}
one_warning_naming() { # entry
	[ "$(grep -c . <<<"$err")" -eq 1 ] && grep -qF -- "$1" <<<"$err" ||
		{ echo "   stderr was: $err"; false; }
}
applied() { # name=value
	grep -qx -- "$1" <<<"$out" || { echo "   got: $out"; false; }
}

run_conf "dirty_decay_ms:1234,narenas:3" opt.dirty_decay_ms opt.narenas
check "good LIBALLOC_CONF: no output on stderr" test -z "$err"
check "good LIBALLOC_CONF: dirty_decay_ms applied" applied opt.dirty_decay_ms=1234
check "good LIBALLOC_CONF: narenas applied" applied opt.narenas=3

run_conf "no_such_key:1,dirty_decay_ms:2345" opt.dirty_decay_ms
check "unknown key: one warning naming it" one_warning_naming no_such_key
check "unknown key: the rest still applies" applied opt.dirty_decay_ms=2345

run_conf "narenas,dirty_decay_ms:3456" opt.dirty_decay_ms
check "entry without a value: one warning naming it" one_warning_naming narenas
check "entry without a value: the rest still applies" applied opt.dirty_decay_ms=3456

run_conf "dirty_decay_ms:4567,narenas:lots" opt.dirty_decay_ms
check "bad value: one warning naming it" one_warning_naming narenas:lots
check "bad value: the rest still applies" applied opt.dirty_decay_ms=4567

print_summary
