#!/usr/bin/env bash
# train_diverge_test.sh FIXTURE MPIEXEC: the weight checksum catches one flipped bit on one rank.
# FC_TEST_DIVERGE_STEP=6 makes trainer 1 nudge one weight by one ulp during step 6; with
# --check-every 1 the job must die right after that step with one clear line, well before the end.
source "$(dirname "$0")/train_lib.sh"
make_windows
FC_TEST_DIVERGE_STEP=6 train 2 "$WIN" --run-dir "$WORK/r" --steps 500 "${SMALL[@]}" >"$WORK/log" 2>&1 && fail "a diverged run exited 0"
grep -q "weights diverged across trainer ranks at step 7" "$WORK/log" || { cat "$WORK/log"; fail "no divergence error naming step 7"; }
[[ $(grep -c "flowchunk: error:" "$WORK/log") == 1 ]] || { cat "$WORK/log"; fail "expected exactly one error line"; }
last=$(field step "$WORK/r/metrics.jsonl" | tail -n1)
(( last <= 7 )) || fail "training went on to step $last after the divergence"
# without the nudge the same run passes the checks (the test can tell the two apart)
train 2 "$WIN" --run-dir "$WORK/ok" --steps 20 "${SMALL[@]}" >"$WORK/ok.log" 2>&1 || { cat "$WORK/ok.log"; fail "clean run failed"; }
say "ok: divergence at step 7 detected and fatal"
