#!/bin/bash
# tests/bugs/verify-asan.sh - check the corpus itself, independently of liballoc:
# every program built with AddressSanitizer must make ASan report the bug kind
# its header promises ("EXPECT: none" programs: no ASan report, clean exit).
# This is what keeps the corpus honest while liballoc's checks are written.
# A program whose bug ASan cannot see says why in its header, and is skipped:
#   // ASAN: skip <reason>
#
# usage: tests/bugs/verify-asan.sh [NAME...]     (env: CC, BUILD)
set -u
. "$(dirname "$0")/lib.sh"

OUT="$BUILD/bugs-asan"
start_run

# The words of ASan's "ERROR: AddressSanitizer: ..." line for each kind.
asan_error() {
	case $1 in
	double-free) echo 'attempting double-free' ;;
	invalid-free) echo 'attempting free on address which was not malloc' ;;
	buffer-overflow | buffer-underflow) echo 'heap-buffer-overflow' ;;
	use-after-free) echo 'heap-use-after-free' ;;
	# the write over a free block's link: after its free, or past the end
	# of the live block before it
	heap-corruption) echo '(heap-use-after-free|heap-buffer-overflow)' ;;
	size-mismatch) echo 'new-delete-type-mismatch' ;;
	alloc-dealloc-mismatch) echo 'alloc-dealloc-mismatch' ;;
	esac
}

# Which side of the block ASan must place the bad access (old and new wording).
asan_side() {
	case $1 in
	buffer-overflow) echo '(to the right of|bytes after) [0-9]+-byte region' ;;
	buffer-underflow) echo '(to the left of|bytes before) [0-9]+-byte region' ;;
	esac
}

if ! echo 'int main(void){return 0;}' | "$CC" -x c -fsanitize=address - -o "$TMP/probe" 2>/dev/null; then
	echo "SKIP: $CC cannot build with -fsanitize=address"
	exit 0
fi

names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(case_names)

for name in "${names[@]}"; do
	src=$(case_source "$name")
	expect=$(case_field "$src" EXPECT)
	asan=$(case_field "$src" ASAN)
	if [[ $asan == skip* ]]; then
		echo "SKIP $name: ${asan#skip }"
		continue
	fi
	if ! build_case "$name" "$OUT" -fsanitize=address -fno-omit-frame-pointer >"$TMP/cc" 2>&1; then
		fail "$name: does not build with ASan"
		show compiler "$TMP/cc"
		continue
	fi
	ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:alloc_dealloc_mismatch=1 BUGS_PAUSE= \
		timeout 120 "$OUT/$name" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$expect" = none ]; then
		if grep -q 'ERROR: AddressSanitizer' "$TMP/err"; then
			fail "$name: ASan reports a bug in a program that should have none"
			show stderr "$TMP/err"
		elif [ "$rc" -ne 0 ] || ! grep -qx done "$TMP/out"; then
			fail "$name: $(describe_status $rc), expected a clean run"
			show stderr "$TMP/err"
		else
			pass "$name: clean under ASan"
		fi
		continue
	fi
	error=$(asan_error "$expect")
	if [ -z "$error" ]; then
		fail "$name: unknown EXPECT kind '$expect'"
		continue
	fi
	side=$(asan_side "$expect")
	ok=1
	grep -Eq "ERROR: AddressSanitizer: $error" "$TMP/err" || ok=0
	[ -z "$side" ] || grep -Eq "$side" "$TMP/err" || ok=0
	if [ $ok -eq 1 ] && [ "$rc" -ne 0 ]; then
		pass "$name: ASan sees $expect"
	else
		fail "$name: ASan does not report $expect ($(describe_status $rc))"
		show stderr "$TMP/err" 12
	fi
done
summary
