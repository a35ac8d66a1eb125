# shellcheck shell=bash
# bench/paths.sh - where the bench scripts find the programs and liballoc;
# sourced with $here set to bench/. Relative overrides are taken from the
# top of the tree, as make passes them.
root=$(cd "${here:?paths.sh needs \$here}/.." && pwd)
bin=${BENCH_BIN:-$root/build/bench}
case "$bin" in /*) ;; *) bin=$root/$bin ;; esac
BENCH_LIBALLOC=${BENCH_LIBALLOC:-$root/build/liballoc.so}
case "$BENCH_LIBALLOC" in /*) ;; *) BENCH_LIBALLOC=$root/$BENCH_LIBALLOC ;; esac
export BENCH_LIBALLOC
