#!/usr/bin/env bash
# slurm_requeue.sh usr1|term: preempts a running jobs/train.sbatch job and asserts that the
# requeued job resumed from its checkpoint instead of starting again.
#   usr1: scancel --signal=USR1 --batch (what --signal=B:USR1@120 does before the time limit):
#         the script forwards it, the trainer checkpoints and exits 3, the script requeues itself
#   term: scontrol requeue (what preemption does): Slurm sends SIGTERM to every rank, the trainer
#         checkpoints and exits 3, Slurm requeues the job
# Asserts: the job ran twice (restart=0, restart=1 in its appended log); the trainer said
# "resumed from step K" with K >= the last step logged before the stop (so the stop itself
# checkpointed; the stand-in's checkpoint takes 1 s, like a real one); metrics.jsonl's steps
# strictly increase to the last step; the run directory is complete.
source "$(dirname "$0")/slurm_lib.sh"
need_cluster
how=${1:?usage: slurm_requeue.sh usr1|term}
fresh_dir "requeue_$how"
make_windows
steps=$(sed -n 's/.*--steps \([0-9]*\).*/\1/p' <<<"$LONG_TRAIN_ARGS")

id=$(TRAIN_ARGS=$LONG_TRAIN_ARGS submit -n 2 --time=5 "$FC_ROOT/jobs/train.sbatch" "$WIN" "$WORK/run")
log=$WORK/fc-train-$id.out
# wait until it has trained a while (a few metrics lines) but is far from done
end=$(( SECONDS + 90 ))
until (( $(metrics_steps "$WORK/run/metrics.jsonl" 2>/dev/null | wc -w) >= 8 )); do
    (( SECONDS < end )) || { cat "$log" >&2; fail "job $id logged no training steps within 90 s"; }
    squeue -h -j "$id" -o %T 2>/dev/null | grep -q . || { cat "$log" >&2; fail "job $id ended before it was preempted"; }
    sleep 0.2
done
before=$(metrics_steps "$WORK/run/metrics.jsonl" | awk '{print $NF}')
if [[ $how == usr1 ]]; then
    scancel --signal=USR1 --batch "$id" || fail "scancel --signal=USR1 --batch $id failed"
else
    scontrol requeue "$id" || fail "scontrol requeue $id failed"
fi
say "preempted job $id ($how) at step ~$before"
wait_job "$id" 150 || { cat "$log" >&2; fail "job $id failed after the requeue"; }

assert_log_has "$log" "restart=0 " "no first run in the log"
assert_log_has "$log" "restart=1 " "the job was not started again"
k=$(resumed_step "$log")
[[ -n $k ]] || { cat "$log" >&2; fail "the trainer did not say 'resumed from step K'"; }
(( k > 0 )) || fail "resumed from step $k: that is a restart from scratch"
(( k >= before )) || fail "resumed from step $k, but step $before was reached before the stop: the stop did not checkpoint"
read -r -a s <<<"$(metrics_steps "$WORK/run/metrics.jsonl")"
for (( i = 1; i < ${#s[@]}; i++ )); do
    (( s[i] > s[i-1] )) || fail "metrics.jsonl steps go back from ${s[i-1]} to ${s[i]}: the requeued run repeated steps"
done
assert_run_dir "$WORK/run" "$steps"
[[ $(scontrol -o show job "$id" | sed -n 's/.* Restarts=\([0-9]*\).*/\1/p') == 1 ]] || fail "Slurm counts no restart"
say "job $id resumed from step $k and finished at step $steps"
