#!/usr/bin/env bash
# slurm_laptop.sh: jobs/laptop_train.sh (mpirun -np 4 = 3 trainers + 1 evaluator, oversubscribed,
# as root) without Slurm. Stops the run with SIGTERM mid-way (what Ctrl-C does interactively),
# expects exit status 3 after a checkpoint, runs the same command again and asserts it resumed
# (K > 0, steps strictly increasing) and completed the run directory.
source "$(dirname "$0")/slurm_lib.sh"
fresh_dir laptop
make_windows
steps=$(sed -n 's/.*--steps \([0-9]*\).*/\1/p' <<<"$LONG_TRAIN_ARGS")
# shellcheck disable=SC2086
"$FC_ROOT/jobs/laptop_train.sh" "$WIN" "$WORK/run" $LONG_TRAIN_ARGS 2> "$WORK/run1.log" &
pid=$!
end=$(( SECONDS + 90 ))
until (( $(metrics_steps "$WORK/run/metrics.jsonl" 2>/dev/null | wc -w) >= 8 )); do
    (( SECONDS < end )) || { kill "$pid"; cat "$WORK/run1.log" >&2; fail "no training steps within 90 s"; }
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/run1.log" >&2; fail "laptop_train.sh ended early"; }
    sleep 0.2
done
before=$(metrics_steps "$WORK/run/metrics.jsonl" | awk '{print $NF}')
kill -TERM "$pid"
wait "$pid"; rc=$?
(( rc == 3 )) || { cat "$WORK/run1.log" >&2; fail "stopped run exited with $rc, expected 3 (checkpointed)"; }
assert_log_has "$WORK/run1.log" "world size 4: 3 trainer|ranks +4 \\(3 trainers, 1 evaluator" "no 4-rank world of 3 trainers + 1 evaluator"
assert_log_has "$WORK/run1.log" "3 trainer \\+ 1 evaluator" "not 3 trainers + 1 evaluator"
# shellcheck disable=SC2086
"$FC_ROOT/jobs/laptop_train.sh" "$WIN" "$WORK/run" $LONG_TRAIN_ARGS 2> "$WORK/run2.log" ||
    { cat "$WORK/run2.log" >&2; fail "the resumed run failed"; }
k=$(resumed_step "$WORK/run2.log")
[[ -n $k ]] && (( k >= before )) || { cat "$WORK/run2.log" >&2; fail "the second run did not resume from the stop's checkpoint (step >= $before)"; }
read -r -a s <<<"$(metrics_steps "$WORK/run/metrics.jsonl")"
for (( i = 1; i < ${#s[@]}; i++ )); do
    (( s[i] > s[i-1] )) || fail "metrics.jsonl steps go back from ${s[i-1]} to ${s[i]}"
done
assert_run_dir "$WORK/run" "$steps"
say "stopped with status 3, resumed from step $k, finished at step $steps"
