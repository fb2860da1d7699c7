#!/usr/bin/env bash
# scaling_study.sh: the dataset-size study of issue 15, as it is meant to be committed: the 206 human
# demos (N = 10, 25, 50, 100, 206) and the built-in scripted expert (N = 25 .. 800), 3 seeds each,
# the study's default recipe (residual 5 x 512 net, fp32, 400 epochs with at least 10,000 and at
# most 100,000 steps of batch 256), each run scored on its last 3 checkpoints x (200 held-out +
# 50 DP starts) x 2 noise draws, one budget probe (seed 0 at twice the steps) per size. Runs through jobs/study.sh (locally 2 runs at a time, or with
# --slurm one job array per source), then copies the CSVs, plots, commands and wall times to
# benchmarks/results/study_{human,expert}/. About 20 CPU-hours with the budget probes (one core
# per run; docs/study.md).
#   benchmarks/scaling_study.sh [--slurm] [OUT_ROOT]      (default OUT_ROOT /tmp/flowchunk-study)
# Interrupt it any time: the same command resumes.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WHERE=()
[[ ${1:-} == --slurm ]] && { WHERE=(--slurm --wait --parallel "${PARALLEL:-4}" --sbatch-args "${SBATCH_ARGS:---time=2:00:00}"); shift; }
OUT_ROOT=${1:-/tmp/flowchunk-study}
for src in human expert; do
    t0=$SECONDS
    "$ROOT/jobs/study.sh" --out "$OUT_ROOT/$src" --data "$src" --seeds 3 "${WHERE[@]}"
    dst=$ROOT/benchmarks/results/study_$src
    mkdir -p "$dst"
    cp "$OUT_ROOT/$src"/study{.csv,_summary.csv,_fit.csv,_score.png,_success.png,_curves.png} "$OUT_ROOT/$src/commands.txt" "$dst/"
    echo "wall time of this invocation: $(( SECONDS - t0 )) s; per-run wall times: study.csv wall_s" > "$dst/wall_time.txt"
done
