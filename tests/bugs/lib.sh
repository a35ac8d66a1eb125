# tests/bugs/lib.sh - shared by the bug-corpus runners (sourced, not run).
#
# Provides: the tree layout ($ROOT, $BUILD, $CASES), reading a corpus
# program's header, building one program, and the pass/fail bookkeeping
# that ends in the "N passed, M failed" summary line.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
CASES="$ROOT/tests/bugs/cases"
CC=${CC:-cc}
CXX=${CXX:-$(case $CC in *clang*) echo clang++ ;; *) echo g++ ;; esac)}
BUGS_CFLAGS=(-std=gnu11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE
	-I"$ROOT/liballoc/include" -I"$ROOT/tests/bugs" -fno-builtin -pthread)
# C++ programs (cases/*.cc): the bugs only C++ can commit (operator new and
# delete of the wrong family or size). C++14 or later calls the sized deletes.
BUGS_CXXFLAGS=(-std=c++17 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -fsized-deallocation
	-I"$ROOT/liballoc/include" -I"$ROOT/tests/bugs" -pthread)

# The kinds a report may name, as an extended-regex alternation.
BUG_KINDS='double-free|invalid-free|buffer-overflow|buffer-underflow|use-after-free|heap-corruption|size-mismatch|alloc-dealloc-mismatch'

PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }

# Show the start of a captured file under a failure, indented.
show() {
	local label=$1 file=$2
	[ -s "$file" ] || return 0
	echo "    --- $label:"
	head -n "${3:-8}" "$file" | sed 's/^/    | /'
}

# case_field FILE KEY: the value of the "// KEY: value" header line, trimmed.
case_field() {
	sed -n "s|^// $2:[[:space:]]*||p" "$1" | head -n 1 | sed 's/[[:space:]]*$//'
}

case_names() {
	local f
	for f in "$CASES"/*.c "$CASES"/*.cc; do
		[ -f "$f" ] || continue
		f=$(basename "$f")
		echo "${f%.*}"
	done | sort
}

# case_source NAME: the program's source, NAME.c or NAME.cc.
case_source() {
	if [ -f "$CASES/$1.cc" ]; then echo "$CASES/$1.cc"; else echo "$CASES/$1.c"; fi
}

# build_case NAME OUTDIR [EXTRA CFLAGS...]: compile one program unless it is
# newer than its inputs. Prints the compiler's complaint and fails on error.
build_case() {
	local name=$1 out=$2
	shift 2
	local src bin="$out/$name"
	src=$(case_source "$name")
	mkdir -p "$out"
	if [ -x "$bin" ] && [ "$bin" -nt "$src" ] &&
		[ "$bin" -nt "$ROOT/tests/bugs/bug_support.h" ]; then
		return 0
	fi
	if [[ $src == *.cc ]]; then
		"$CXX" "${BUGS_CXXFLAGS[@]}" "$@" "$src" -o "$bin" -ldl
	else
		"$CC" "${BUGS_CFLAGS[@]}" "$@" "$src" -o "$bin" -ldl
	fi
}

# ready_case NAME OUTDIR: the program exists and is built; otherwise one
# failure that says why (with the compiler's complaint, in $TMP).
ready_case() {
	if [ ! -f "$(case_source "$1")" ]; then
		fail "$1: no such corpus program"
		return 1
	fi
	if ! build_case "$1" "$2" >"$TMP/cc" 2>&1; then
		fail "$1: does not build"
		show compiler "$TMP/cc"
		return 1
	fi
}

# Describe a shell exit status: "exit N" or "signal NAME".
describe_status() {
	local rc=$1
	if [ "$rc" -gt 128 ] && [ "$rc" -lt 160 ]; then
		echo "signal $(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128)))"
	else
		echo "exit $rc"
	fi
}

# start_run: a scratch directory $TMP removed at exit; no core files from
# the programs that are meant to abort.
start_run() {
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	ulimit -c 0
}

# require_liballoc: end the run (as one failure) when $LIB is missing.
require_liballoc() {
	if [ ! -f "$LIB" ]; then
		fail "liballoc not built: $LIB"
		summary
		exit 1
	fi
}

summary() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
