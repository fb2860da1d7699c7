#!/usr/bin/env bash
# harden_launcher_test.sh FIXTURE MPIEXEC: SIGTERM sent to mpirun itself (not to the script) while
# jobs/laptop_train.sh trains: mpirun forwards it, every rank checkpoints and exits 3, mpirun
# exits 1 anyway; the script must report the requeue status 3 (from RUN_DIR/summary.json), leave
# no process behind, and latest.h5 must load.
source "$(dirname "$0")/train_lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make_windows
export FLOWCHUNK=$FC NP=3 EVAL_RANKS=1
# far more steps than the test lasts: the run must still be training when the signal comes (a
# finished run exits 0 or is caught in its final phase, which is not what this test is about)
A=(--steps 100000000 --hidden 32 --depth 2 --batch 32 --virtual-shards 4 --eval-every 0 --log-every 5 --seed 3)
bash "$ROOT/jobs/laptop_train.sh" "$WIN" "$WORK/run" "${A[@]}" >"$WORK/log" 2>&1 &
script=$!
wait_step "$WORK/run/metrics.jsonl" 10 "$script" 60 || { cat "$WORK/log"; fail "training did not start"; }
mpirun_pid=$(pgrep -P "$script" -x mpirun || pgrep -P "$script" -x mpiexec || pgrep -P "$script" -f orterun)
[[ -n $mpirun_pid ]] || { ps -ef --forest | grep -A3 "$script" >&2; fail "no mpirun under the script"; }
kill -TERM "$mpirun_pid"
end=$(( SECONDS + 30 ))
while kill -0 "$script" 2>/dev/null && (( SECONDS < end )); do sleep 0.2; done
kill -0 "$script" 2>/dev/null && { pkill -9 -P "$mpirun_pid"; kill -9 "$mpirun_pid" "$script"; fail "still running 30 s after SIGTERM"; }
wait "$script"
rc=$?
[[ $rc == 3 ]] || { grep -v "^step" "$WORK/log" | tail -n 30 >&2; fail "laptop_train.sh exited $rc after SIGTERM to mpirun, expected 3 (requeue)"; }
left=$(pgrep -f -- "--run-dir $WORK/run" | wc -l)
(( left == 0 )) || fail "$left processes survived"
grep -q '"status":[[:space:]]*"preempted"' "$WORK/run/summary.json" || fail "summary.json does not say preempted"
"$FC" info "$WORK/run/latest.h5" >/dev/null 2>&1 || fail "latest.h5 does not load"
say "SIGTERM to mpirun: script status 3, $(grep -c '^{"step"' "$WORK/run/metrics.jsonl") metrics lines, latest.h5 loads"
say "ok"
