#!/usr/bin/env bash
# sanitize_unit.sh SAN_BUILD_DIR [CTEST ARGS]: the C unit tests and the hostile-input CLI test
# (harden_inputs: info / window / eval on corrupt and poisoned files) of the ASan+UBSan tree, once,
# with LeakSanitizer on: any sanitizer report or leak fails the test it happens in. Open MPI's
# start-up allocations (flowchunk calls MPI_Init as a world of one) are suppressed by
# tests/fuzz/lsan.supp. Every flowchunk start costs ~4 s under ASan, so the long CLI suites
# (import_cli, import_info, window_cli: 2-3 min each) run only on request, e.g.
#   tests/sanitize_unit.sh build/sanitize -R 'import_cli|window_cli'
# Multi-rank, Slurm and end-to-end tests stay in the ordinary build.
set -uo pipefail
DIR=${1:?usage: sanitize_unit.sh SAN_BUILD_DIR [CTEST ARGS]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:halt_on_error=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$HERE/fuzz/lsan.supp:print_suppressions=0
UNIT='^(h5util_roundtrip|import_episodes_roundtrip|import_zarr_read|nn_(ref|gradcheck|optim|rng|policy|invariance)|sim_(env|rng_numpy|coverage_shapely)|eval_engine|train_ckpt|window_unit|harden_inputs|harden_evalpool_nan)$'
(( $# )) || set -- -R "$UNIT"
cd "$DIR" && ctest --output-on-failure --timeout 600 "$@"
