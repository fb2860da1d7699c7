#!/usr/bin/env bash
# eval_ckpts.sh RUN_DIR [eval args...]: scores every checkpoint kept in RUN_DIR/ckpt (the last
# --keep, 3 by default) on more starts than the 50 test seeds, so two training runs can be told
# apart: the 50-seed score of one checkpoint varies by +-0.05 with the sampling noise alone.
# Default: 200 legacy resets from seed 300000 (none of them a test or demo seed), the checkpoint's
# Ta, EMA weights. Prints one line per checkpoint and their mean.
#   EPISODES=200 SEED=300000 FLOWCHUNK=build/flowchunk benchmarks/eval_ckpts.sh RUN_DIR [--n-action-steps 4]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN=${1:?usage: eval_ckpts.sh RUN_DIR [flowchunk eval args...]}
shift
FC=${FLOWCHUNK:-$ROOT/build/flowchunk}
EPISODES=${EPISODES:-200} SEED=${SEED:-300000}
shopt -s nullglob
ckpts=("$RUN"/ckpt/step_*.h5)
(( ${#ckpts[@]} )) || { echo "eval_ckpts: no checkpoints in $RUN/ckpt" >&2; exit 1; }
for c in "${ckpts[@]}"; do
    # --json prints one object last (after the simulator's banner lines)
    score=$("$FC" eval "$c" --episodes "$EPISODES" --seed "$SEED" "$@" --json 2>/dev/null | tail -n1 |
            sed -n 's/.*"score":[[:space:]]*\([-0-9.e+]*\).*/\1/p')
    [[ -n $score ]] || { echo "eval_ckpts: evaluating $c failed" >&2; exit 1; }
    printf '%s %.4f\n' "$(basename "$c" .h5)" "$score"
done | awk -v n="$EPISODES" -v s="$SEED" '{ print; sum += $2; k++ }
    END { printf "mean of %d checkpoints: %.4f (%d episodes from seed %d)\n", k, sum / k, n, s }'
