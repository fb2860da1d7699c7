#!/usr/bin/env bash
# train_watchdog_test.sh FIXTURE MPIEXEC: a frozen rank (SIGSTOP, FC_TEST_FREEZE_AT_STEP) used to
# hang every other rank inside the next collective with no message. With the step watchdog the job
# ends non-zero within the limit (+ a few seconds), with ONE error line naming the frozen rank and
# its host, and no process survives. Freezes a trainer, then trainer 0 (the reporter moves).
source "$(dirname "$0")/train_lib.sh"
make_windows
LIMIT=4
for victim in 1 0; do
    R=$WORK/run$victim
    t0=$SECONDS
    FC_TEST_FREEZE_AT_STEP=25 FC_TEST_FREEZE_RANK=$victim timeout 120 "$MPIEXEC" -n 3 --oversubscribe "$FC" train "$WIN" \
        --run-dir "$R" --eval-ranks 1 --steps 1000000 --hidden 64 --depth 2 --batch 64 --log-every 5 --eval-every 0 \
        --watchdog-s $LIMIT >"$WORK/log$victim" 2>&1
    rc=$? took=$(( SECONDS - t0 ))
    (( rc != 124 )) || { cat "$WORK/log$victim"; fail "rank $victim frozen: the job hung (timeout)"; }
    (( rc != 0 )) || { cat "$WORK/log$victim"; fail "rank $victim frozen: the job exited 0"; }
    (( took <= LIMIT + 30 )) || fail "rank $victim frozen: the job took $took s to end (limit $LIMIT s)"
    n=$(grep -c 'flowchunk: error' "$WORK/log$victim")
    [[ $n == 1 ]] || { cat "$WORK/log$victim"; fail "rank $victim frozen: $n error lines, expected one"; }
    grep -q "error: watchdog: .*rank $victim on $(hostname) (last heard at step 24) has not reached step 25" "$WORK/log$victim" ||
        { cat "$WORK/log$victim"; fail "rank $victim frozen: the error does not name rank $victim and its host"; }
    left=$(pgrep -f -- "--run-dir $R" | wc -l)
    (( left == 0 )) || { pkill -KILL -f -- "--run-dir $R"; fail "rank $victim frozen: $left processes survived"; }
    say "rank $victim frozen: ended in $took s, status $rc: $(grep 'flowchunk: error' "$WORK/log$victim")"
done
say "ok"
