#!/usr/bin/env bash
# quickstart.sh: the main job, from a fresh Debian machine to a scored policy.
# Installs what is missing, builds, gets demonstrations (imports the real Push-T zarr when one is
# given or found at ../shared/data/pusht_cchi_v7_replay.zarr, otherwise generates 200 episodes with
# the built-in scripted expert), windows them (keypoints, To=2, H=16, edge padding: Diffusion
# Policy's recipe), trains with one trainer rank per core + 1 evaluator rank (`mpirun -np 3` on 2
# cores: a third trainer on 2 cores made the step slower, 40 ms against 38 ms for one trainer
# alone, measured), evaluates the best
# checkpoint on the 50 Diffusion Policy test seeds, renders a rollout GIF and the learning curve,
# and prints where everything is.
#
#   jobs/quickstart.sh [ZARR_DIR]
# Environment: OUT (default runs/quickstart), STEPS (optimiser steps, default 24000), NP (ranks,
# default cores + 1), EVAL_RANKS (default 1), DEMOS (expert episodes when no zarr, default 200).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${OUT:-runs/quickstart}
STEPS=${STEPS:-24000}
export NP=${NP:-$(( $(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc) + 1 ))}
DEMOS=${DEMOS:-200}
ZARR=${1:-${FC_ZARR:-$ROOT/../shared/data/pusht_cchi_v7_replay.zarr}}
t0=$SECONDS
say() { printf '[quickstart %s] %s\n' "$(date +%T)" "$*" >&2; }

say "1/6 dependencies"
jobs/install_deps.sh
say "2/6 build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target flowchunk >/dev/null
FC=$ROOT/build/flowchunk
source jobs/env.sh
mkdir -p "$OUT"

if [[ -f $ZARR/.zgroup || -d $ZARR/data ]]; then
    say "3/6 data: importing the real Push-T demonstrations from $ZARR"
    "$FC" import "$ZARR" -o "$OUT/episodes.h5"
else
    say "3/6 data: no Push-T zarr at $ZARR; generating $DEMOS scripted-expert demonstrations"
    mpirun -np 2 "$FC" demos -o "$OUT/episodes.h5" --episodes "$DEMOS"
fi
"$FC" window "$OUT/episodes.h5" -o "$OUT/windows.h5" --recipe dp

say "4/6 train: $STEPS steps on $NP ranks (${EVAL_RANKS:-1} evaluator)"
rm -rf "$OUT/run"
jobs/laptop_train.sh "$OUT/windows.h5" "$OUT/run" --steps "$STEPS" --eval-every 4000 \
    --ckpt-every 4000 --log-every 1000

say "5/6 evaluate the best checkpoint on the 50 Diffusion Policy test seeds"
BEST=$OUT/run/best.h5
[[ -f $BEST ]] || BEST=$OUT/run/latest.h5
mpirun -np 2 "$FC" eval "$BEST" --episodes 50 --seed 100000 --json \
    --gif "$OUT/run/rollouts_best_worst.gif" --gif-episodes best,worst > "$OUT/run/eval.json"
cp "$OUT/run/eval.json" "$OUT/eval.json"
"$FC" report "$OUT/run" 2>/dev/null   # the run's page now with the per-start scores and the GIF

say "6/6 done in $(( (SECONDS - t0) / 60 )) min $(( (SECONDS - t0) % 60 )) s"
score=$(sed -n 's/.*"score":\([0-9.]*\).*/\1/p' "$OUT/eval.json")
success=$(sed -n 's/.*"success_rate":\([0-9.]*\).*/\1/p' "$OUT/eval.json")
cat <<MSG
score (mean max reward, 50 test seeds): $score   success rate: $success
  episodes        $OUT/episodes.h5
  windows         $OUT/windows.h5
  best checkpoint $BEST
  evaluation      $OUT/eval.json
  rollouts GIF    $OUT/run/rollouts_best_worst.gif (the best and the worst start)
  learning curve  $OUT/run/learning_curve.png
  metrics         $OUT/run/metrics.jsonl, $OUT/run/summary.json
  report          $OUT/run/report.html   (open it in a browser: everything above on one page)
MSG
