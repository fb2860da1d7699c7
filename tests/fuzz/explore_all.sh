#!/usr/bin/env bash
# explore_all.sh [MINUTES] [BUILD_DIR]: the coverage-guided campaign, one reader after another at
# the lowest CPU priority (nice 19), MINUTES each (default 10); findings are saved into
# tests/fuzz/corpus/<reader>/ (fuzz_run.sh explore), one summary line per reader on stderr.
set -uo pipefail
cd "$(dirname "$0")/../.."
MIN=${1:-10}
B=${2:-build}/sanitize/tests
rc=0
for t in ${FC_FUZZ_READERS:-zarr episodes windows ckpt}; do
    nice -n 19 bash tests/fuzz/fuzz_run.sh explore "$B/fuzz_$t" "tests/fuzz/corpus/$t" "$MIN" || rc=1
done
exit $rc
