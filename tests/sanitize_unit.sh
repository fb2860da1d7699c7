#!/usr/bin/env bash
# sanitize_unit.sh SAN_BUILD_DIR: the unit tests and the single-process CLI tests (every bad-input
# case of import / info / window / eval-less commands) of the ASan+UBSan tree, once, with
# LeakSanitizer on: any sanitizer report or leak fails the test it happens in. Open MPI's
# start-up allocations (flowchunk calls MPI_Init as a world of one) are suppressed by
# tests/fuzz/lsan.supp; multi-rank, Slurm and long end-to-end tests stay in the ordinary build.
set -uo pipefail
DIR=${1:?usage: sanitize_unit.sh SAN_BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:halt_on_error=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$HERE/fuzz/lsan.supp:print_suppressions=0
# multi-rank (mpiexec), Slurm, torch/python references and the long real-data runs are excluded
EXCLUDE='slurm|^jobs_|^loader_shards|^train_(ranks|diverge|pool|kill|resume|errors|faults|metrics)|demos_cli|eval_cli|eval_torch|loader_errors|window_pusht|fuzz_|sanitize_'
cd "$DIR" && ctest --output-on-failure --timeout 300 -E "$EXCLUDE" "$@"
