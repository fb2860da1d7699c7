#!/usr/bin/env bash
# train_kill_test.sh FIXTURE MPIEXEC: kill -9 of any one rank (a trainer, trainer 0, the
# evaluator) ends the whole job promptly (< 30 s) with a non-zero status: nobody hangs in a
# collective or in the evaluator pool's waits.
source "$(dirname "$0")/train_lib.sh"
make_windows
for victim in 1 2 0; do
    R=$WORK/run$victim
    "$MPIEXEC" -n 3 --oversubscribe "$FC" train "$WIN" --run-dir "$R" --eval-ranks 1 --steps 1000000 --hidden 64 --depth 2 --batch 64 --log-every 5 \
        --eval-every 50 --eval-episodes 4 --eval-max-steps 60 >"$WORK/log$victim" 2>&1 &
    job=$!
    wait_step "$R/metrics.jsonl" 20 "$job" 60 || { cat "$WORK/log$victim"; fail "the job did not start training"; }
    pid=$(pid_of_rank "$job" "$victim")
    [[ -n $pid ]] || fail "no process of rank $victim"
    t0=$SECONDS
    kill -9 "$pid"
    end=$(( SECONDS + 30 ))
    while kill -0 "$job" 2>/dev/null && (( SECONDS < end )); do sleep 0.2; done
    if kill -0 "$job" 2>/dev/null; then
        pkill -9 -P "$job"; kill -9 "$job"
        fail "the job still ran 30 s after rank $victim was killed"
    fi
    wait "$job"
    rc=$?
    (( rc != 0 )) || fail "the job exited 0 after rank $victim was killed"
    left=$(pgrep -f -- "--run-dir $R" | wc -l)
    (( left == 0 )) || fail "$left processes of the job survived"
    say "kill -9 of rank $victim: job ended in $(( SECONDS - t0 )) s with status $rc"
done
say "ok"
