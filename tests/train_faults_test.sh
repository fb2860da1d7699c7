#!/usr/bin/env bash
# train_faults_test.sh FIXTURE MPIEXEC: the fault-injection matrix of a 3-rank run (2 trainers +
# 1 evaluator). For every fault: every process gone within 30 s, the documented exit status,
# latest.h5 loads and evaluates, and --resume finishes the run with metrics.jsonl equal to the
# uninterrupted run's (all fields but timing, tests/train_lib.sh metrics_canon).
#   kill -9 of trainer 0, of trainer 1 and of the evaluator   -> non-zero (137 or Open MPI's 1)
#   kill -9 of trainer 0 inside a checkpoint write             -> non-zero, the previous latest.h5 intact
#   SIGUSR1 / SIGTERM to jobs/laptop_train.sh (the launcher)   -> 3 (checkpointed, requeue)
#   disk full during a checkpoint (run dir on a small tmpfs)   -> 1, one error line, latest.h5 intact
#   SIGSTOP of a rank                                          -> tests/train_watchdog_test.sh
source "$(dirname "$0")/train_lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make_windows
A=(--steps 2400 --hidden 32 --depth 2 --batch 32 --virtual-shards 4 --eval-ranks 1 --eval-every 0 --log-every 50
   --ckpt-every 300 --check-every 0 --seed 9)
train 3 "$WIN" --run-dir "$WORK/ref" "${A[@]}" >"$WORK/ref.log" 2>&1 || { cat "$WORK/ref.log"; fail "reference run failed"; }
metrics_canon "$WORK/ref/metrics.jsonl" >"$WORK/ref.canon"

# gone_within JOB SECONDS WHAT: the job (and its ranks) end within SECONDS, else fail
gone_within() {
    local job=$1 end=$(( SECONDS + $2 ))
    while kill -0 "$job" 2>/dev/null && (( SECONDS < end )); do sleep 0.1; done
    if kill -0 "$job" 2>/dev/null; then pkill -9 -P "$job"; kill -9 "$job"; fail "$3: still running after $2 s"; fi
    wait "$job"
}
# recovers RUN WHAT: latest.h5 loads and evaluates; --resume finishes with the reference's metrics
recovers() {
    local run=$1 what=$2
    left=$(pgrep -f -- "--run-dir $run( |$)" | wc -l)
    (( left == 0 )) || fail "$what: $left processes survived"
    ls "$run"/latest.h5 >/dev/null 2>&1 || fail "$what: no latest.h5"
    "$FC" info "$run/latest.h5" >/dev/null 2>"$WORK/err" || fail "$what: latest.h5 does not load: $(cat "$WORK/err")"
    "$FC" eval "$run/latest.h5" --episodes 2 --max-steps 20 --json >"$WORK/eval.json" 2>"$WORK/err" ||
        fail "$what: latest.h5 does not evaluate: $(cat "$WORK/err")"
    train 3 "$WIN" --run-dir "$run" "${A[@]}" --resume >"$WORK/resume.log" 2>&1 || { tail "$WORK/resume.log"; fail "$what: resume failed"; }
    metrics_canon "$run/metrics.jsonl" >"$WORK/run.canon"
    cmp -s "$WORK/ref.canon" "$WORK/run.canon" ||
        { diff "$WORK/ref.canon" "$WORK/run.canon" | head -4 >&2; fail "$what: resumed metrics differ from the uninterrupted run"; }
}
# start RUN: the 3-rank job in the background ($job = mpiexec), once it has logged step 700
start() {
    "$MPIEXEC" -n 3 --oversubscribe "$FC" train "$WIN" --run-dir "$1" "${A[@]}" >"$1.log" 2>&1 &
    job=$!
    wait_step "$1/metrics.jsonl" 700 "$job" 60 || { cat "$1.log"; fail "$1: the job did not reach step 700"; }
}

# ---- kill -9 of each rank role
for victim in 0 1 2; do
    R=$WORK/kill$victim
    start "$R"
    kill -9 "$(pid_of_rank "$job" "$victim")"
    t0=$SECONDS
    gone_within "$job" 30 "kill -9 of rank $victim"
    rc=$?
    (( rc != 0 )) || fail "kill -9 of rank $victim: exit status 0"
    recovers "$R" "kill -9 of rank $victim"
    say "kill -9 of rank $victim: job gone in $(( SECONDS - t0 )) s (status $rc); latest.h5 evaluates; resume equals the uninterrupted run"
done

# ---- kill -9 of trainer 0 inside a checkpoint write (its 3rd commit: data written, not renamed)
R=$WORK/killckpt
FC_TEST_KILL_IN_COMMIT=3 "$MPIEXEC" -n 3 --oversubscribe -x FC_TEST_KILL_IN_COMMIT "$FC" train "$WIN" --run-dir "$R" "${A[@]}" \
    >"$R.log" 2>&1 &
job=$!
gone_within "$job" 60 "kill inside a checkpoint write"
rc=$?
(( rc != 0 )) || fail "kill inside a checkpoint write: exit status 0"
recovers "$R" "kill inside a checkpoint write"
say "kill -9 inside a checkpoint write: status $rc; the previous latest.h5 evaluates; resume equals the uninterrupted run"

# ---- SIGUSR1 and SIGTERM to the launcher script
for sig in USR1 TERM; do
    R=$WORK/launcher$sig
    FLOWCHUNK=$FC NP=3 EVAL_RANKS=1 bash "$ROOT/jobs/laptop_train.sh" "$WIN" "$R" "${A[@]}" \
        >"$R.log" 2>&1 &
    job=$!
    wait_step "$R/metrics.jsonl" 700 "$job" 60 || { cat "$R.log"; fail "launcher $sig: no progress"; }
    kill -"$sig" "$job"
    gone_within "$job" 30 "SIG$sig to the launcher"
    rc=$?
    [[ $rc == 3 ]] || { tail -n 5 "$R.log" >&2; fail "SIG$sig to the launcher: status $rc, expected 3"; }
    recovers "$R" "SIG$sig to the launcher"
    say "SIG$sig to jobs/laptop_train.sh: status 3; resume equals the uninterrupted run"
done

# ---- disk full during a checkpoint: the run directory on a tmpfs too small for the 2nd one
R=$WORK/full
mkdir -p "$R"
if mount -t tmpfs -o size=120k fc_full "$R" 2>/dev/null; then
    "$MPIEXEC" -n 3 --oversubscribe "$FC" train "$WIN" --run-dir "$R" "${A[@]}" >"$WORK/full.log" 2>&1 &
    job=$!
    gone_within "$job" 60 "disk full"
    rc=$?
    errs=$(grep -c '^flowchunk.*error: ' "$WORK/full.log")
    cp "$R"/latest.h5 "$WORK/full_latest.h5" 2>/dev/null
    umount "$R"
    (( rc != 0 )) || fail "disk full: exit status 0"
    (( errs == 1 )) || { cat "$WORK/full.log" >&2; fail "disk full: $errs error lines, expected 1"; }
    say "disk full: status $rc, $(grep '^flowchunk.*error: ' "$WORK/full.log")"
    if [[ -s $WORK/full_latest.h5 ]]; then
        "$FC" info "$WORK/full_latest.h5" >/dev/null 2>&1 || fail "disk full: the previous latest.h5 is corrupt"
    fi
else
    say "disk full: SKIPPED (cannot mount a tmpfs here: needs root)"
fi

# ---- SIGSTOP of a rank: the step watchdog's case, tested in train_watchdog (trainer 1 and
# trainer 0 frozen: the job ends within the watchdog time with one line naming the rank)
say "ok"
