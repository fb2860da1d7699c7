#!/usr/bin/env bash
# train_metrics_test.sh FIXTURE MPIEXEC: metrics.jsonl after a stop and --resume equals the
# uninterrupted run's line for line (all fields but the timing ones), when the stop falls between
# log steps: the stopped run's last line is marked "partial":true, the checkpoint carries the open
# loss window, and the resume drops the partial line and logs the full window's line.
#   1. FC_TEST_SIGNAL_AT_STEP=36 (stop after step 37; log every 10, checkpoint every 25)
#   2. a real SIGUSR1 to trainer 0 at a random moment
source "$(dirname "$0")/train_lib.sh"
make_windows
A=(--steps 80 --hidden 32 --depth 2 --batch 32 --virtual-shards 4 --eval-every 0 --log-every 10 --check-every 0
   --ckpt-every 25 --seed 11)
train 2 "$WIN" --run-dir "$WORK/ref" "${A[@]}" >"$WORK/ref.log" 2>&1 || { cat "$WORK/ref.log"; fail "reference run failed"; }
metrics_canon "$WORK/ref/metrics.jsonl" >"$WORK/ref.canon"

# same_as_ref RUN WHAT: RUN's metrics equal the reference's
same_as_ref() {
    metrics_canon "$1/metrics.jsonl" >"$WORK/run.canon"
    cmp -s "$WORK/ref.canon" "$WORK/run.canon" ||
        { diff "$WORK/ref.canon" "$WORK/run.canon" | head -6 >&2; fail "$2: metrics.jsonl differs from the uninterrupted run"; }
    grep -q '"partial"' "$1/metrics.jsonl" && fail "$2: a partial line survived the resume"
    say "$2: $(wc -l <"$WORK/run.canon") step lines equal to the uninterrupted run's"
}

# 1. deterministic stop between log steps
FC_TEST_SIGNAL_AT_STEP=36 train 2 "$WIN" --run-dir "$WORK/p" "${A[@]}" >"$WORK/p.log" 2>&1
rc=$?
[[ $rc == 3 ]] || { cat "$WORK/p.log"; fail "stopped run exited $rc, expected 3"; }
last=$(grep '^{"step"' "$WORK/p/metrics.jsonl" | tail -n1)
[[ $last == '{"step":37,'*'"partial":true}' ]] || fail "the stopped run's last line is not step 37 marked partial: $last"
train 2 "$WIN" --run-dir "$WORK/p" "${A[@]}" --resume >"$WORK/p2.log" 2>&1 || { cat "$WORK/p2.log"; fail "resume failed"; }
same_as_ref "$WORK/p" "stop at step 37"

# 2. SIGUSR1 from outside to trainer 0, wherever it lands
"$MPIEXEC" -n 2 --oversubscribe "$FC" train "$WIN" --run-dir "$WORK/q" "${A[@]}" >"$WORK/q.log" 2>&1 &
job=$!
wait_step "$WORK/q/metrics.jsonl" 20 "$job" 60 || { cat "$WORK/q.log"; fail "the job did not start training"; }
kill -USR1 "$(pid_of_rank "$job" 0)"
wait "$job"
rc=$?
if [[ $rc == 3 ]]; then
    train 2 "$WIN" --run-dir "$WORK/q" "${A[@]}" --resume >"$WORK/q2.log" 2>&1 || { cat "$WORK/q2.log"; fail "resume failed"; }
    say "SIGUSR1 stopped the run after step $(grep '^{"step"' "$WORK/q/metrics.jsonl" | grep -c .) lines; resumed"
else
    [[ $rc == 0 ]] || { cat "$WORK/q.log"; fail "signalled run exited $rc"; }
fi
same_as_ref "$WORK/q" "SIGUSR1"
say "ok"
