#!/bin/bash
# tests/link/run.sh - liballoc.a and liballoc.so export only the public API,
# and the archive links into programs that use liballoc's internal names.
set -u
build=${1:-build}
cc=${CC:-cc}
pass=0 fail=0
ok() { echo "ok   - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LIBALLOC_STATS_DIR=$tmp

# Public: the malloc family, the glibc extensions, alloc_*, la_*, the
# C++ operators new/delete (_Znw*, _Zna*, _Zdl*, _Zda*), and the signal
# functions the guarded pool interposes for SIGSEGV (liballoc(3), NOTES).
public='^(malloc|free|calloc|realloc|reallocarray|posix_memalign|aligned_alloc|memalign|valloc|pvalloc|malloc_usable_size|free_sized|free_aligned_sized|malloc_trim|mallinfo2?|malloc_stats|malloc_info|mallopt|cfree|alloc_[a-z_]+|la_[a-z_]+|_Z(nw|na|dl|da)[A-Za-z0-9_]*|sigaction|signal|bsd_signal|sysv_signal)$'
for what in "nm -g --defined-only $build/liballoc.a" "nm -D --defined-only $build/liballoc.so"; do
	extra=$($what 2>/dev/null | awk 'NF == 3 { print $3 }' | grep -Ev "$public" | tr '\n' ' ')
	count=$($what 2>/dev/null | awk 'NF == 3' | wc -l)
	if [ "$count" -gt 20 ] && [ -z "$extra" ]; then
		ok "$what: $count global symbols, all public API"
	else
		bad "$what: $count global symbols; not public API: $extra"
	fi
done

if $cc -O2 -Iliballoc/include -o "$tmp/own_names" tests/link/own_names.c "$build/liballoc.a" -pthread 2>"$tmp/ld.err"; then
	ok "a program defining stats_init, debug_init, arena_get, la_init links with liballoc.a"
	if out=$("$tmp/own_names"); then
		ok "its mallocs go through liballoc and its own functions are called ($out)"
	else
		bad "own_names ran wrong: $out"
	fi
else
	bad "own_names does not link: $(head -3 "$tmp/ld.err")"
fi

echo "link: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
