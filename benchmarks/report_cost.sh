#!/usr/bin/env bash
# report_cost.sh: what refreshing DIR/report.html costs a real training run. Trains on the real
# Push-T demonstrations (keypoints, To 2, H 16, edge padding) with evaluations every EVAL_EVERY
# steps, each followed by the trainer's report refresh (src/report_run.c, timed inside the
# trainer: summary.json "report_s"), and prints report_s / wall_s. Then times `flowchunk report`
# on the finished run. The run dir is kept for benchmarks/report_screenshots.sh.
#   benchmarks/report_cost.sh [OUT_DIR]     (default /tmp/fc_report_cost; STEPS, EVAL_EVERY, NP)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FC=${FLOWCHUNK:-$ROOT/build/flowchunk}
OUT=${1:-/tmp/fc_report_cost}
ZARR=${ZARR:-$ROOT/../shared/data/pusht_cchi_v7_replay.zarr}
STEPS=${STEPS:-6000} EVAL_EVERY=${EVAL_EVERY:-1000} NP=${NP:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1 OPENBLAS_NUM_THREADS=1
mkdir -p "$OUT"
[[ -s $OUT/windows.h5 ]] || {
    "$FC" import "$ZARR" -o "$OUT/episodes.h5"
    "$FC" window "$OUT/episodes.h5" -o "$OUT/windows.h5" --recipe dp
}
rm -rf "$OUT/run"
mpirun -np "$NP" --oversubscribe "$FC" train "$OUT/windows.h5" --run-dir "$OUT/run" --eval-ranks 1 \
    --hidden 256 --depth 3 --steps "$STEPS" --eval-every "$EVAL_EVERY" --ckpt-every "$EVAL_EVERY" \
    --log-every 100 2>"$OUT/train.log"
mpirun -np 2 "$FC" eval "$OUT/run/best.h5" --json --gif "$OUT/run/rollouts_best_worst.gif" \
    --gif-episodes best,worst --gif-size 192 >"$OUT/run/eval.json" 2>"$OUT/eval.log"
t0=$(date +%s.%N)
"$FC" report "$OUT/run" 2>/dev/null
t1=$(date +%s.%N)
n_eval=$(grep -c '^{"eval_step"' "$OUT/run/metrics.jsonl")
awk -v n="$n_eval" -v one="$(echo "$t1 - $t0" | bc)" -v size="$(stat -c %s "$OUT/run/report.html")" '
    /"wall_s"/ { gsub(/[^0-9.e+-]/, "", $2); wall = $2 } /"report_s"/ { gsub(/[^0-9.e+-]/, "", $2); rep = $2 }
    END { printf "report refreshes: %d, %.3f s in total of a %.1f s run = %.3f%% of the wall time\n", n, rep, wall, 100 * rep / wall
          printf "flowchunk report of the finished run (eval.json + GIF embedded): %.3f s, %.0f kB\n", one, size / 1e3 }' \
    "$OUT/run/summary.json"
