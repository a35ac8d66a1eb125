#!/bin/bash
# test_packaging.sh - make install and what a user builds on it:
#   - make install into a DESTDIR: the versioned shared library and its
#     symlinks, the archive, the headers, liballoc.pc;
#   - a C and a C++ program built with pkg-config against the staged tree
#     (PKG_CONFIG_SYSROOT_DIR, and --define-variable=prefix), one statically,
#     each run and seen using liballoc through its stats segment
#     (allocdump --json) and alloc_ctl from inside;
#   - every link line of the README's "Linked" block, run exactly as written
#     (after a make install into a real prefix for the pkg-config one).
#   usage: test_packaging.sh BUILD_DIR   (MAKE: the make to run install with)
set -u
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
MAKE=${MAKE:-make}
AD=$BUILD/allocdump
PY=/usr/bin/python3
CC=${CC:-cc}
CXX=${CXX:-c++}
VERSION=$(sed -n 's/^VERSION := //p' "$SRC/Makefile")
APP_BLOCKS=500 APP_NEWS=300 # tests/packaging/app.c, app.cc
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

T=$(mktemp -d /tmp/liballoc-pkg.XXXXXX)
app_pid=
cleanup() {
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null
	exec 3>&- 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
mkdir "$T/stats"

# run_app NAME BINARY MIN_LIVE [VAR=VALUE...]: run it (no LD_LIBRARY_PATH,
# no LD_PRELOAD unless given), wait for "ready" and its segment, check it.
run_app() {
	local name=$1 bin=$2 min=$3; shift 3
	rm -f "$T/fifo" "$T/out"
	mkfifo "$T/fifo"
	env -u LD_LIBRARY_PATH -u LD_PRELOAD LIBALLOC_STATS_DIR="$T/stats" \
		LIBALLOC_CONF=stats_publish:eager "$@" "$bin" \
		<"$T/fifo" >"$T/out" 2>&1 &
	app_pid=$!
	exec 3>"$T/fifo"
	local json= i
	for i in $(seq 150); do
		grep -q '^ready$' "$T/out" && json=$("$AD" --dir "$T/stats" --json "$app_pid" 2>/dev/null) && break
		kill -0 "$app_pid" 2>/dev/null || break
		sleep 0.1
	done
	exec 3>&-
	wait "$app_pid"
	local rc=$?
	app_pid=
	check "$name: starts, alloc_ctl(\"version\") = $VERSION" grep -qx "liballoc $VERSION" "$T/out"
	[ $rc -eq 0 ] || sed 's/^/    /' "$T/out" | head -5
	check "$name: its stats segment shows it (exe $(basename "$bin"), >= $min live allocations)" \
		$PY -c '
import json, sys
d = json.loads(sys.argv[1] or "{}")
assert d.get("exe") == sys.argv[2], d.get("exe")
assert d["totals"]["live_allocs"] >= int(sys.argv[3]), d["totals"]["live_allocs"]
' "$json" "$(basename "$bin")" "$min"
	check "$name: exits 0" test $rc -eq 0
}
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
runpath() { readelf -d "$1" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p; s/.*(RPATH).*\[\(.*\)\]/\1/p'; }

# --- make install into a DESTDIR -------------------------------------------------
D=$T/destdir
L=$D/usr/local/lib
if (cd "$SRC" && $MAKE --no-print-directory install BUILD="$BUILD" DESTDIR="$D" PREFIX=/usr/local) \
	>"$T/install.log" 2>&1; then ok "make install DESTDIR=... PREFIX=/usr/local"
else bad "make install DESTDIR=... PREFIX=/usr/local"; tail -20 "$T/install.log"; fi
check "lib: liballoc.so.$VERSION is the library" test -f "$L/liballoc.so.$VERSION" -a ! -L "$L/liballoc.so.$VERSION"
check "lib: soname liballoc.so.0 recorded in it" \
	test "$(readelf -d "$L/liballoc.so.$VERSION" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" = liballoc.so.0
check "lib: liballoc.so.0 -> liballoc.so.$VERSION" test "$(readlink "$L/liballoc.so.0")" = "liballoc.so.$VERSION"
check "lib: liballoc.so -> liballoc.so.0 (for -lalloc)" test "$(readlink "$L/liballoc.so")" = liballoc.so.0
check "lib: liballoc.a" test -f "$L/liballoc.a"
check "include: liballoc.h, liballoc_stats.h" \
	test -f "$D/usr/local/include/liballoc.h" -a -f "$D/usr/local/include/liballoc_stats.h"
check "lib/pkgconfig/liballoc.pc installed" test -f "$L/pkgconfig/liballoc.pc"

export PKG_CONFIG_PATH=$L/pkgconfig
check "pkg-config --validate liballoc" pkg-config --validate liballoc
check "pkg-config --modversion liballoc = $VERSION" test "$(pkg-config --modversion liballoc)" = "$VERSION"
# pkgconf puts the sysroot before every path variable, the rpath's too
# shellcheck disable=SC2046,SC2116 # echo $(...) joins pkg-config's words
got=$(echo $(PKG_CONFIG_SYSROOT_DIR=$D pkg-config --cflags --libs liballoc))
want="-I$D/usr/local/include -L$L -Wl,-rpath,$L -lalloc -pthread"
check "sysroot: --cflags --libs (and the rpath) point into DESTDIR" test "$got" = "$want"
[ "$got" = "$want" ] || echo "    got:  $got"$'\n'"    want: $want"
# shellcheck disable=SC2046,SC2116
check "plain: -L and rpath at the final libdir; --static adds Libs.private" \
	test "$(echo $(pkg-config --libs liballoc))" = "-L/usr/local/lib -Wl,-rpath,/usr/local/lib -lalloc -pthread" \
	-a "$(echo $(pkg-config --static --libs liballoc))" = "-L/usr/local/lib -Wl,-rpath,/usr/local/lib -lalloc -pthread -pthread -lunwind"

mkdir "$T/b"
cp "$SRC/tests/packaging/app.c" "$SRC/tests/packaging/app.cc" "$T/b/"
cd "$T/b" || exit 1
# staged (sysroot): linked against the staged tree, runs from it
# shellcheck disable=SC2046 # word splitting of pkg-config output is wanted
check "sysroot: C program builds" $CC -DAPP_REQUIRE_HEADER -o app_sysroot app.c $(PKG_CONFIG_SYSROOT_DIR=$D pkg-config --cflags --libs liballoc)
check "sysroot: needs liballoc.so.0 (the soname), runpath the staged libdir" \
	test "$(needed app_sysroot | grep alloc)" = liballoc.so.0 -a "$(runpath app_sysroot)" = "$L"
run_app "sysroot C program" ./app_sysroot $APP_BLOCKS

# relocated: prefix = the staged tree, rpath included: runs as it is
PC="pkg-config --define-variable=prefix=$D/usr/local"
# shellcheck disable=SC2046
check "prefix=DESTDIR: C program builds" $CC -DAPP_REQUIRE_HEADER -o app_c app.c $($PC --cflags --libs liballoc)
# shellcheck disable=SC2046
check "prefix=DESTDIR: C++ program builds" $CXX -DAPP_REQUIRE_HEADER -o app_cxx app.cc $($PC --cflags --libs liballoc)
check "prefix=DESTDIR: the loader finds liballoc.so.0 in DESTDIR by the rpath alone" \
	grep -q "liballoc.so.0 => $L/liballoc.so.0 " <(env -u LD_LIBRARY_PATH ldd ./app_c)
run_app "pkg-config C program" ./app_c $APP_BLOCKS
run_app "pkg-config C++ program" ./app_cxx $((APP_BLOCKS + 2 * APP_NEWS))
# static: the archive from libdir, plus what pkg-config --static adds
# shellcheck disable=SC2046
check "static: C program builds" $CC -DAPP_REQUIRE_HEADER -o app_static app.c $($PC --cflags liballoc) \
	"$($PC --variable=libdir liballoc)/liballoc.a" $($PC --static --libs-only-other liballoc)
check "static: needs no liballoc.so" test -x app_static -a -z "$(needed app_static | grep alloc)"
run_app "static C program" ./app_static $APP_BLOCKS

# --- the README's link lines, exactly as written ------------------------------------
P=$T/prefix
if (cd "$SRC" && $MAKE --no-print-directory install BUILD="$BUILD" PREFIX="$P") >"$T/install2.log" 2>&1
then ok "make install PREFIX=$P"; else bad "make install PREFIX=$P"; tail -20 "$T/install2.log"; fi
export PKG_CONFIG_PATH=$P/lib/pkgconfig
mapfile -t lines < <(awk '/^Linked, so the program always runs on it:/ { f = 1; next }
	f && /^```sh/ { inblock = 1; next } inblock && /^```/ { exit } inblock { print }' "$SRC/README.md")
check "README: the Linked block has C and C++, static, shared and pkg-config lines" \
	test "${#lines[@]}" -ge 4 -a -n "$(printf '%s\n' "${lines[@]}" | grep '^c++ ')" \
	-a -n "$(printf '%s\n' "${lines[@]}" | grep 'liballoc\.a')" \
	-a -n "$(printf '%s\n' "${lines[@]}" | grep -- '-lalloc')" \
	-a -n "$(printf '%s\n' "${lines[@]}" | grep 'pkg-config')"
n=0
for line in "${lines[@]}"; do
	n=$((n + 1))
	d=$T/readme$n
	mkdir "$d"
	cp "$SRC/tests/packaging/app.c" "$SRC/tests/packaging/app.cc" "$d/"
	ln -s "$BUILD" "$d/build"
	cd "$d" || exit 1
	check "README line $n builds: $line" sh -c "$line"
	case $line in
	*liballoc.a*) check "README line $n: static (no liballoc.so needed)" test -x app -a -z "$(needed app | grep alloc)" ;;
	*) check "README line $n: shared, soname liballoc.so.0" test "$(needed app | grep alloc)" = liballoc.so.0 ;;
	esac
	min=$APP_BLOCKS
	case $line in c++*) min=$((APP_BLOCKS + 2 * APP_NEWS)) ;; esac
	run_app "README line $n program" ./app $min
done
cd "$SRC" || exit 1

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
