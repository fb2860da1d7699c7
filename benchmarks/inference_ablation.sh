#!/usr/bin/env bash
# inference_ablation.sh: what the sampler's settings do to one trained checkpoint. Scores CKPT on
# the 50 Diffusion Policy test seeds (5 noise draws each, `flowchunk eval`'s default) under each
# setting of the grid below, one at a time from the checkpoint's own settings, and writes a
# markdown table (score mean and draws' min-max, success mean and min-max) to OUT.
#
#   benchmarks/inference_ablation.sh CKPT OUT.md
# Environment: GRID (a ';'-separated list of "label|eval options"; default below), NOISE_SEED
# (first noise seed, default 0), EVAL_ARGS (options for every row, e.g. "--seed 200000 --episodes
# 500" for the held-out starts instead of the 50 test seeds).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CKPT=${1:?usage: inference_ablation.sh CKPT OUT.md}
OUT=${2:?usage: inference_ablation.sh CKPT OUT.md}
FC=${FLOWCHUNK:-$ROOT/build/flowchunk}
source "$ROOT/jobs/env.sh"
GRID=${GRID:-"checkpoint's settings|;Euler steps 20|--flow-steps 20;Euler steps 40|--flow-steps 40;Ta 4|--n-action-steps 4;Ta 2|--n-action-steps 2;Ta 1|--n-action-steps 1;Ta 12|--n-action-steps 12;noise scale 0 (deterministic)|--noise-scale 0;noise scale 0.5|--noise-scale 0.5;noise scale 0.7|--noise-scale 0.7;noise scale 1.2|--noise-scale 1.2;raw weights (no EMA)|--raw"}
read -r -a common <<<"${EVAL_ARGS:-}"
source "$ROOT/benchmarks/policy_lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
    echo "# inference settings on $(basename "$(dirname "$(dirname "$CKPT")")")/$(basename "$CKPT")"
    echo "${EVAL_ARGS:-50 DP test seeds}, 5 noise draws from seed ${NOISE_SEED:-0}; $(date -u +%F) on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo
    echo "| setting | eval options | score (draws' min-max) | success (min-max) | Euler steps | Ta |"
    echo "|---|---|---|---|---|---|"
} > "$OUT"
IFS=';' read -r -a rows <<<"$GRID"
for row in "${rows[@]}"; do
    label=${row%%|*} opts=${row#*|}
    read -r -a args <<<"$opts"
    "$FC" eval "$CKPT" --json --noise-seed "${NOISE_SEED:-0}" "${common[@]}" "${args[@]}" > "$tmp/e.json" 2> "$tmp/e.err" ||
        { echo "inference_ablation: '$label' failed: $(tail -1 "$tmp/e.err")" >&2; exit 1; }
    j=$tmp/e.json
    printf '| %s | `%s` | %.3f (%.3f-%.3f) | %.0f%% (%.0f-%.0f%%) | %s | %s |\n' "$label" "${opts:-}" \
        "$(num score "$j")" "$(num score_min "$j")" "$(num score_max "$j")" \
        "$(awk -v v="$(num success_rate "$j")" 'BEGIN{print 100*v}')" \
        "$(awk -v v="$(num success_rate_min "$j")" 'BEGIN{print 100*v}')" \
        "$(awk -v v="$(num success_rate_max "$j")" 'BEGIN{print 100*v}')" \
        "$(num flow_steps "$j")" "$(num n_action_steps "$j")" | tee -a "$OUT"
done
