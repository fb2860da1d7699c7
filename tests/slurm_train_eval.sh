#!/usr/bin/env bash
# slurm_train_eval.sh [srun|mpirun]: jobs/train.sbatch with 2 tasks (1 trainer + 1 evaluator) on a
# tiny configuration, launched by srun --mpi=pmix (default) or by mpirun inside the allocation;
# then jobs/eval.sbatch on the best checkpoint. Asserts the run directory of the trainer contract
# (latest.h5, ckpt/step_*.h5, best.h5, metrics.jsonl up to the last step, summary.json), the
# world-size check in the log, and the JSON the evaluation wrote next to the checkpoint.
source "$(dirname "$0")/slurm_lib.sh"
need_cluster
launcher=${1:-srun}
fresh_dir "train_eval_$launcher"
make_windows
steps=$(sed -n 's/.*--steps \([0-9]*\).*/\1/p' <<<"$TINY_TRAIN_ARGS")

id=$(LAUNCHER=$launcher TRAIN_ARGS=$TINY_TRAIN_ARGS submit -n 2 --time=5 \
     "$FC_ROOT/jobs/train.sbatch" "$WIN" "$WORK/run")
wait_job "$id" 150 || { cat "$WORK/fc-train-$id.out" >&2; fail "train job $id failed"; }
log=$WORK/fc-train-$id.out
assert_log_has "$log" "MPI world check: $launcher .* one world of 2 ranks" "no world-size check"
assert_log_has "$log" "restart=0 " "no job header"
assert_run_dir "$WORK/run" "$steps"
say "train job $id OK ($(metrics_steps "$WORK/run/metrics.jsonl" | wc -w) metrics lines)"

id=$(EPISODES=$TINY_EVAL_EPISODES LAUNCHER=$launcher submit -n 2 --time=5 "$FC_ROOT/jobs/eval.sbatch" "$WORK/run/best.h5")
wait_job "$id" 150 || { cat "$WORK/fc-eval-$id.out" >&2; fail "eval job $id failed"; }
out=$WORK/run/best.eval.json
[[ -s $out ]] || fail "no $out"
[[ $(wc -l < "$out") == 1 ]] || fail "$out is not one JSON line: $(cat "$out")"
score=$(json_num "$out" score) rate=$(json_num "$out" success_rate)
[[ -n $score && -n $rate ]] || fail "$out lacks score/success_rate: $(cat "$out")"
awk -v s="$score" -v r="$rate" 'BEGIN { exit !(s >= 0 && s <= 1 && r >= 0 && r <= 1) }' ||
    fail "score $score / success_rate $rate outside [0,1]"
say "eval job $id OK: $(cat "$out")"
