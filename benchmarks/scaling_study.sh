#!/usr/bin/env bash
# scaling_study.sh: the committed dataset-size study on the real Push-T data, run as a Slurm job
# array on the cluster at hand (jobs/slurm_cluster.sh start gives a local one), then summarised
# into benchmarks/results/scaling/ (CSV + plot) by jobs/scaling_summary.sh.
#   benchmarks/scaling_study.sh [OUT_ROOT]      (default /tmp/flowchunk-scaling; checkpoints stay there)
# Budget per run (short, stated; override with TRAIN_ARGS): 3x256 MLP, 15000 AdamW steps of batch 256, keypoints To=2 H=16
# Ta=8 edge padding, 1 rank, evaluation of the best of 3 checkpoints on the 50 DP test seeds.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT_ROOT=${1:-/tmp/flowchunk-scaling}
ZARR=${FC_ZARR:-$ROOT/../shared/data/pusht_cchi_v7_replay.zarr}
mkdir -p "$OUT_ROOT"
"$ROOT/build/flowchunk" import "$ZARR" -o "$OUT_ROOT/episodes.h5"
export EPISODES=$OUT_ROOT/episodes.h5 OUT_ROOT SIZES="10 25 50 90 206" SEEDS="0 1 2" VAL_EPISODES=0
export EVAL_RANKS=0 EVAL_EPISODES=50 MAX_PARALLEL=${MAX_PARALLEL:-2} FC_ROOT=$ROOT
export WINDOW_ARGS="--obs keypoints --obs-steps 2 --horizon 16 --n-action-steps 8 --pad edge"
export TRAIN_ARGS=${TRAIN_ARGS:-"--hidden 256 --depth 3 --steps 15000 --eval-every 5000 --ckpt-every 5000 --log-every 1000"}
jobid=$(bash "$ROOT/jobs/scaling.sbatch" --parsable --ntasks=1 --output="$OUT_ROOT/%x-%A_%a.out" | tail -1)
echo "scaling_study: submitted array job $jobid" >&2
for i in $(seq 0 14); do "$ROOT/jobs/slurm_cluster.sh" wait "${jobid}_$i" 7200 >/dev/null || true; done
mkdir -p "$ROOT/benchmarks/results/scaling"
bash "$ROOT/jobs/scaling.sbatch" collect
"$ROOT/jobs/scaling_summary.sh" "$OUT_ROOT" "$ROOT/benchmarks/results/scaling/scaling"
