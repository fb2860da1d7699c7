#!/usr/bin/env bash
# precision_ab.sh: issue 20's acceptance figures, the training step of the baseline build (commit
# 5a5a81c, its default fp32 path) against this build, interleaved round by round
# (train_step_ab.sh), one trainer, for the plain 3x512 net at batch 256 and the 3x256 net at batch
# 128: this build's default (--precision auto) and its --precision fp32. Prints one line per
# comparison (median ms/step of each side and the median of the rounds' ratios) and the load.
#   git worktree add /tmp/base 5a5a81c && cmake -S /tmp/base -B /tmp/base/build && cmake --build /tmp/base/build --target flowchunk
#   benchmarks/precision_ab.sh /tmp/base/build build WINDOWS.h5
# Environment: ROUNDS (5), STEPS (300), LOG (100), as train_step_ab.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE=${1:?usage: precision_ab.sh BASE_BUILD NEW_BUILD WINDOWS.h5}
NEW=${2:?usage: precision_ab.sh BASE_BUILD NEW_BUILD WINDOWS.h5}
WIN=${3:?usage: precision_ab.sh BASE_BUILD NEW_BUILD WINDOWS.h5}
export ROUNDS=${ROUNDS:-5} STEPS=${STEPS:-300} LOG=${LOG:-100}
echo "precision_ab: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') model $(grep -m1 '^model' /proc/cpuinfo | cut -d: -f2 | tr -d ' '); $ROUNDS rounds of $STEPS steps"
for net in "3 512 256" "3 256 128"; do
    read -r depth hidden batch <<<"$net"
    for prec in auto fp32; do
        line=$(B_ARGS="--arch plain --precision $prec" "$ROOT/benchmarks/train_step_ab.sh" "$BASE" "$NEW" "$WIN" \
               --depth "$depth" --hidden "$hidden" --batch "$batch" 2>&1 | tail -1)
        echo "${depth}x${hidden} B=$batch, --precision $prec: ${line#train_step_ab: }"
    done
done
