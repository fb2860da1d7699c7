#!/usr/bin/env bash
# make_seeds.sh [ZARR_DIR]: regenerates the committed seed corpus tests/fuzz/corpus/<reader>/ from
# the real Push-T store (default ../shared/data/pusht_cchi_v7_replay.zarr): 24 real steps cut into
# two episodes (fuzz_make_seeds: a zarr record stream and an episodes file), windows files of
# them (state and keypoint observations) and a 2-step checkpoint of a tiny net trained on them.
# Each seed is a few KB. Needs the ordinary build (BUILD_DIR, default build).
set -euo pipefail
cd "$(dirname "$0")/../.."
ZARR=${1:-../shared/data/pusht_cchi_v7_replay.zarr}
B=${BUILD_DIR:-build}
C=tests/fuzz/corpus
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
mkdir -p $C/zarr $C/episodes $C/windows $C/ckpt
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
"$B/tests/fuzz_make_seeds" "$ZARR" $C/zarr/real_24_steps $C/episodes/real_24_steps.h5
"$B/flowchunk" window $C/episodes/real_24_steps.h5 -o $C/windows/keypoints_to2_h4.h5 --obs keypoints \
    --obs-steps 2 --horizon 4 --n-action-steps 2 --pad edge --val-episodes 1 2>/dev/null
"$B/flowchunk" window $C/episodes/real_24_steps.h5 -o $C/windows/state_h3.h5 --obs state --obs-steps 1 \
    --horizon 3 --n-action-steps 1 --pad none 2>/dev/null
"$B/flowchunk" train $C/windows/state_h3.h5 --run-dir "$W/run" --steps 2 --hidden 4 --depth 1 --batch 4 \
    --virtual-shards 1 --eval-every 0 2>/dev/null
cp "$W/run/latest.h5" $C/ckpt/state_h3_step2.h5
ls -l $C/*/ >&2
