#!/usr/bin/env bash
# policy_seeds.sh: one recipe over several training seeds, as the field reports it. Reads the
# run_policy.sh results benchmarks/results/policy/PREFIX_s0, PREFIX_s1, ... and prints a markdown
# table (one row per seed, then the mean and the min-max over seeds) of Diffusion Policy's two
# numbers from the training evaluations (best, mean of the last 5), the 5-draw scores and success
# rates of best.h5 on the 50 DP test seeds and on 500 held-out legacy starts, and the training
# wall time; also written to benchmarks/results/policy/PREFIX_seeds.md.
#
#   benchmarks/policy_seeds.sh PREFIX [SEEDS...]      (default seeds: 0 1 2)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=${1:?usage: policy_seeds.sh PREFIX [SEEDS...]}
shift
SEEDS=("$@")
[[ ${#SEEDS[@]} -gt 0 ]] || SEEDS=(0 1 2)
R=$ROOT/benchmarks/results/policy
source "$ROOT/benchmarks/policy_lib.sh"

rows=()
for s in "${SEEDS[@]}"; do
    d=$R/${PREFIX}_s$s
    for f in metrics.jsonl eval_best.json eval_best_heldout500.json; do
        [[ -f $d/$f ]] || { echo "policy_seeds: $d/$f is missing (run benchmarks/run_policy.sh ${PREFIX}_s$s first)" >&2; exit 1; }
    done
    dp=$(dp_numbers "$d/metrics.jsonl" | cut -d' ' -f1-4)   # best, its success, mean of the last 5, theirs
    # the whole run's wall time from run_policy's command.txt; a resumed run's summary.json only
    # counts its last part, so such a row is marked
    wall=$(sed -n 's/^train_wall_seconds=\([0-9]*\)$/\1/p' "$d/command.txt" 2>/dev/null | tail -1)
    [[ -n $wall ]] || wall=$(num wall_s "$d/summary.json")
    (( $(grep -c '"run_start_step"' "$d/metrics.jsonl") > 1 )) && s="$s (resumed: wall of the last part)"
    rows+=("${s// /_} $dp $(num score "$d/eval_best.json") $(num success_rate "$d/eval_best.json") $(num score "$d/eval_best_heldout500.json") $(num success_rate "$d/eval_best_heldout500.json") ${wall:-0}")
done

{
    echo "| seed | train evals: best (success) | mean of last 5 (success) | best.h5, 5 draws, 50 DP seeds: score / success | 500 held-out: score / success | training wall |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}" | awk '
        { gsub(/_/, " ", $1); printf "| %s | %.3f (%.0f%%) | %.3f (%.0f%%) | %.3f / %.0f%% | %.3f / %.0f%% | %.1f min |\n", $1, $2, 100*$3, $4, 100*$5, $6, 100*$7, $8, 100*$9, $10/60
          for (k = 2; k <= 10; k++) { v[k] += $k; if (NR == 1 || $k < lo[k]) lo[k] = $k; if (NR == 1 || $k > hi[k]) hi[k] = $k } }
        END { n = NR
              printf "| **mean (min-max)** | **%.3f** (%.3f-%.3f) | **%.3f** (%.3f-%.3f) | **%.3f** (%.3f-%.3f) / **%.0f%%** (%.0f-%.0f%%) | **%.3f** (%.3f-%.3f) / **%.0f%%** (%.0f-%.0f%%) | |\n",
                  v[2]/n, lo[2], hi[2], v[4]/n, lo[4], hi[4], v[6]/n, lo[6], hi[6], 100*v[7]/n, 100*lo[7], 100*hi[7],
                  v[8]/n, lo[8], hi[8], 100*v[9]/n, 100*lo[9], 100*hi[9] }'
} | tee "$R/${PREFIX}_seeds.md"
