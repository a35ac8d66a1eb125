#!/bin/sh
# run_fuzz.sh FUZZER CORPUS_SEEDS WORKDIR RUNS - bounded libFuzzer run over
# the generated seed corpus; prints the summary line make test expects.
fuzzer=$1 seeds=$2 work=$3 runs=$4
if [ ! -x "$fuzzer" ]; then
	echo "SKIP: fuzz target not built (needs clang with libFuzzer)"
	exit 0
fi
rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts" || exit 1
cp "$seeds"/* "$work/corpus/" || exit 1
if "$fuzzer" -runs="$runs" -max_len=65536 -artifact_prefix="$work/artifacts/" \
	"$work/corpus" >"$work/log" 2>&1; then
	grep -E '^Done [0-9]+ runs' "$work/log"
	echo "1 passed, 0 failed"
	exit 0
fi
tail -40 "$work/log"
echo "0 passed, 1 failed (crash input in $work/artifacts/)"
exit 1
