#!/usr/bin/env bash
# run_policy.sh: one named policy-training experiment on Push-T, end to end, with its results
# copied into benchmarks/results/policy/NAME/ (config, metrics.jsonl, summary.json, learning curve,
# eval JSON of the best and last checkpoints on the 50 Diffusion Policy test seeds, and of the best
# on 500 held-out legacy starts from seed 200000; every eval averages 5 sampling-noise draws).
# Its last line gives Diffusion Policy's two numbers from the training evaluations (best, and the
# mean of the last 5) next to the 5-draw scores of the kept checkpoints.
#
#   benchmarks/run_policy.sh NAME [extra `flowchunk train` args...]
# Environment (defaults = Diffusion Policy's keypoint recipe on the real data):
#   DATA=zarr|demos  the real 206 human episodes, or DEMOS scripted-expert episodes (default zarr)
#   DEMOS_ARGS=      extra `flowchunk demos` options (e.g. "--exec-noise 5")
#   OBS=keypoints|state   OBS_STEPS=2  HORIZON=16  TA=8  PAD=edge
#   POLICY=flow|mse  STEPS=60000  NP=1 (trainer ranks; +EVAL_RANKS evaluators)  EVAL_RANKS=0
#   MAX_EPISODES= (empty: all)  VAL_EPISODES=0  SEED=0  WORK=/tmp/flowchunk-policy (big files, not committed)
#   POST_ONLY=1      only the evaluations and copies, of a run already trained in WORK/NAME
#   EVAL_ARGS=       extra `flowchunk eval` options for every evaluation (e.g. "--flow-steps 20"
#                    to score a checkpoint trained with another default under today's)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=${1:?usage: run_policy.sh NAME [train args...]}
shift
DATA=${DATA:-zarr} OBS=${OBS:-keypoints} OBS_STEPS=${OBS_STEPS:-2} HORIZON=${HORIZON:-16} TA=${TA:-8}
PAD=${PAD:-edge} POLICY=${POLICY:-flow} STEPS=${STEPS:-60000} NP=${NP:-1} EVAL_RANKS=${EVAL_RANKS:-0}
MAX_EPISODES=${MAX_EPISODES:-} VAL_EPISODES=${VAL_EPISODES:-0} SEED=${SEED:-0} DEMOS=${DEMOS:-200}
DEMOS_ARGS=${DEMOS_ARGS:-}
read -r -a EVAL_XARGS <<<"${EVAL_ARGS:-}"
WORK=${WORK:-/tmp/flowchunk-policy}
FC=${FLOWCHUNK:-$ROOT/build/flowchunk}
ZARR=${FC_ZARR:-$ROOT/../shared/data/pusht_cchi_v7_replay.zarr}
source "$ROOT/jobs/env.sh"
source "$ROOT/benchmarks/policy_lib.sh"
OUTR=$ROOT/benchmarks/results/policy/$NAME
W=$WORK/$NAME
start=$SECONDS
if [[ ${POST_ONLY:-0} != 1 ]]; then
rm -rf "$W" && mkdir -p "$W" "$OUTR"

if [[ $DATA == zarr ]]; then
    [[ -d $ZARR ]] || { echo "run_policy: no Push-T zarr at $ZARR" >&2; exit 77; }
    "$FC" import "$ZARR" -o "$W/episodes.h5"
else
    # shellcheck disable=SC2086 # DEMOS_ARGS is a list of options
    mpirun -np 2 "$FC" demos -o "$W/episodes.h5" --episodes "$DEMOS" $DEMOS_ARGS
fi
"$FC" window "$W/episodes.h5" -o "$W/windows.h5" --obs "$OBS" --obs-steps "$OBS_STEPS" --horizon "$HORIZON" \
    --n-action-steps "$TA" --pad "$PAD" ${MAX_EPISODES:+--max-episodes "$MAX_EPISODES"} --val-episodes "$VAL_EPISODES"
CMD=(mpirun -np $((NP + EVAL_RANKS)) "$FC" train "$W/windows.h5" --run-dir "$W/run" --policy "$POLICY"
     --steps "$STEPS" --eval-ranks "$EVAL_RANKS" --seed "$SEED" --eval-every 5000 --ckpt-every 5000 --log-every 1000 "$@")
{ echo "# $(date -u +%FT%TZ) on $(nproc --all) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
  echo "DATA=$DATA${DEMOS_ARGS:+ DEMOS_ARGS=\"$DEMOS_ARGS\"} OBS=$OBS OBS_STEPS=$OBS_STEPS HORIZON=$HORIZON TA=$TA PAD=$PAD POLICY=$POLICY STEPS=$STEPS NP=$NP EVAL_RANKS=$EVAL_RANKS MAX_EPISODES=$MAX_EPISODES SEED=$SEED benchmarks/run_policy.sh $NAME $*"
  echo "${CMD[*]}"; } > "$OUTR/command.txt"
"${CMD[@]}" 2> >(tee "$W/train.log" >&2)
echo "train_wall_seconds=$((SECONDS - start))" >> "$OUTR/command.txt"
fi
for which in best latest; do
    "$FC" eval "$W/run/$which.h5" --episodes 50 --seed 100000 --json "${EVAL_XARGS[@]}" > "$OUTR/eval_$which.json"
done
"$FC" eval "$W/run/best.h5" --episodes 500 --seed 200000 --json "${EVAL_XARGS[@]}" > "$OUTR/eval_best_heldout500.json"
"$FC" eval "$W/run/best.h5" --episodes 50 --seed 100000 "${EVAL_XARGS[@]}" --gif "$OUTR/rollouts.gif" --gif-episodes 0,1,2,3 \
    --gif-size 192 >/dev/null 2>&1 || true
cp "$W/run/metrics.jsonl" "$W/run/summary.json" "$W/run/learning_curve.png" "$OUTR/" 2>/dev/null || true
grep -v '^\s*$' "$W/train.log" | grep -E 'eval|best|error' > "$OUTR/train_evals.log" || true
# the training evaluations (periodic + final, in step order): best and the mean of the last 5
dp=$(dp_numbers "$OUTR/metrics.jsonl" | awk '{ printf "training evals: best %.3f, mean of last %d %.3f", $1, $5, $3 }')
echo "run_policy $NAME: $dp; 5-draw${EVAL_ARGS:+ ($EVAL_ARGS)} best.h5 $(num score "$OUTR/eval_best.json") (success $(num success_rate "$OUTR/eval_best.json")," \
     "500 held-out $(num score "$OUTR/eval_best_heldout500.json") success $(num success_rate "$OUTR/eval_best_heldout500.json")), latest.h5 $(num score "$OUTR/eval_latest.json")" \
     "in $((SECONDS - start)) s" | tee -a "$OUTR/command.txt" >&2
