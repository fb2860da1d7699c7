#!/usr/bin/env bash
# train_twonode_test.sh FIXTURE MPIEXEC: `flowchunk train` across two real nodes (jobs/twonode.sh)
# with mpirun: 2 nodes x 2 trainers + 1 evaluator (ranks 0,1 on nodeA; 2,3 and the evaluator 4 on
# nodeB).
#  1. the run reports the hierarchical reduction and the topology (config table, summary.json,
#     metrics.jsonl, the checkpoint via `flowchunk info`); its 40 losses equal one process's to
#     1e-5 relative, the weights agree bit for bit across the four trainers after every step, and
#     every checkpoint is written once (the expected files, every step logged once);
#  2. requeue across nodes: SIGTERM on trainer 0 at step 17 -> exit 3 and the checkpoint of step
#     18; --resume on both nodes continues bit-identically to the uninterrupted two-node run;
#  3. a cut link (jobs/twonode.sh cut) ends the job with one error line naming nodeB's ranks,
#     a non-zero status, within the watchdog limit + 30 s (before: every rank hung, no message);
#  4. a windows file only nodeA has (its node-local /tmp): one error line naming rank 2 on nodeB,
#     at once (before: nodeA's trainers waited inside the collective open forever).
export TMPDIR=${TMPDIR:-$PWD}
source "$(dirname "$0")/train_lib.sh"
source "$(dirname "$0")/twonode_lib.sh"
make_windows
HOSTS=nodeA:2,nodeB:3
A=(--steps 40 "${SMALL[@]}" --eval-ranks 1 --eval-every 20 --eval-episodes 2 --eval-max-steps 40 --ckpt-every 20 --keep 0)

# 1. equal losses to one process, hierarchical path, topology, checkpoints once
train 0 "$WIN" --run-dir "$WORK/r1b" --steps 40 "${SMALL[@]}" 2>"$WORK/r1.log" || { cat "$WORK/r1.log"; fail "1-process run failed"; }
mpi2 $HOSTS 5 "$FC" train "$WIN" --run-dir "$WORK/r2" "${A[@]}" >"$WORK/r2.log" 2>&1 || { cat "$WORK/r2.log"; fail "2-node run failed"; }
grep -q "nodes *2 (trainers per node 2+2)" "$WORK/r2.log" || { cat "$WORK/r2.log"; fail "the run does not report 2 nodes x 2 trainers"; }
grep -q "gradient reduction *hierarchical" "$WORK/r2.log" || { cat "$WORK/r2.log"; fail "the run does not report the hierarchical reduction"; }
for kv in '"nodes":[[:space:]]*2' '"trainers_per_node":[[:space:]]*"2\+2"' '"reduction":[[:space:]]*"hierarchical"' '"precision":[[:space:]]*"fp32"' '"status":[[:space:]]*"finished"'; do
    grep -Eq "$kv" "$WORK/r2/summary.json" || { cat "$WORK/r2/summary.json"; fail "summary.json lacks $kv"; }
done
grep -q '^{"run_start_step":0,"nodes":2,"trainers_per_node":"2+2","reduction":"hierarchical","precision":"fp32"}' \
    "$WORK/r2/metrics.jsonl" || fail "metrics.jsonl does not record the topology"
"$FC" info "$WORK/r2/latest.h5" >"$WORK/info" 2>&1 || { cat "$WORK/info"; fail "flowchunk info failed"; }
grep -q "topology *2 node(s), trainers per node 2+2, hierarchical gradient reduction, fp32" "$WORK/info" ||
    { cat "$WORK/info"; fail "flowchunk info does not show the topology"; }
field loss "$WORK/r1b/metrics.jsonl" >"$WORK/l1"
field loss "$WORK/r2/metrics.jsonl" >"$WORK/l2"
[[ $(wc -l <"$WORK/l1") == 40 && $(wc -l <"$WORK/l2") == 40 ]] || fail "expected 40 logged losses in each run"
paste "$WORK/l1" "$WORK/l2" | awk '
    { d = $1 - $2; if (d < 0) d = -d; r = d / ($1 < 0 ? -$1 : $1); if (r > worst) worst = r
      if (r > 1e-5) { printf "step %d: 1 rank %s, 2 nodes x 2 %s (rel %.2e)\n", NR, $1, $2, r; bad = 1 } }
    END { printf "max relative loss difference over 40 steps: %.2e\n", worst; exit bad }' >&2 ||
    fail "losses differ between 1 process and 2 nodes x 2 trainers"
[[ $(ls "$WORK/r2/ckpt") == $'step_0000020.h5\nstep_0000040.h5' ]] || { ls -la "$WORK/r2/ckpt"; fail "unexpected checkpoint files"; }
[[ -z $(field step "$WORK/r2/metrics.jsonl" | sort -n | uniq -d) ]] || fail "metrics.jsonl repeats steps (a second writer?)"
[[ $(grep -c '^{"eval_step"' "$WORK/r2/metrics.jsonl") -ge 2 ]] || fail "the evaluator on nodeB did not report"
say "1: 2 nodes x 2 trainers + 1 evaluator: hierarchical, losses = 1 process to 1e-5, checkpoints once"

# 2. preemption on two nodes, resume on two nodes: bit-identical
FC_TEST_SIGNAL_AT_STEP=17 mpi2 $HOSTS 5 "$FC" train "$WIN" --run-dir "$WORK/p" "${A[@]}" >"$WORK/p1.log" 2>&1
rc=$?
[[ $rc == 3 ]] || { cat "$WORK/p1.log"; fail "preempted 2-node run exited $rc, expected 3"; }
[[ -s $WORK/p/ckpt/step_0000018.h5 ]] || fail "no checkpoint of step 18"
mpi2 $HOSTS 5 "$FC" train "$WIN" --run-dir "$WORK/p" "${A[@]}" --resume >"$WORK/p2.log" 2>&1 || { cat "$WORK/p2.log"; fail "2-node resume failed"; }
grep -q "resumed from step 18" "$WORK/p2.log" || { cat "$WORK/p2.log"; fail "no 'resumed from step 18'"; }
tab() { paste -d' ' <(field step "$1") <(field loss "$1") <(field weights_hash "$1"); }
cmp -s <(tab "$WORK/r2/metrics.jsonl") <(tab "$WORK/p/metrics.jsonl") ||
    { diff <(tab "$WORK/r2/metrics.jsonl") <(tab "$WORK/p/metrics.jsonl") | head -5 >&2; fail "the resumed run differs from the uninterrupted one"; }
say "2: SIGTERM at step 17 -> exit 3, checkpoint 18, resume across the nodes bit-identical"

# 3. cut the link mid-run
LIMIT=5
mpi2 $HOSTS 5 "$FC" train "$WIN" --run-dir "$WORK/c" --steps 1000000 "${SMALL[@]}" --log-every 5 --check-every 50 \
    --eval-ranks 1 --watchdog-s $LIMIT >"$WORK/c.log" 2>&1 &
job=$!
wait_step "$WORK/c/metrics.jsonl" 30 "$job" 60 || { cat "$WORK/c.log"; fail "the run to cut did not start"; }
t0=$SECONDS
"$TWONODE" cut 2>/dev/null || fail "cannot cut the link"
end=$(( SECONDS + LIMIT + 30 ))
while kill -0 "$job" 2>/dev/null && (( SECONDS < end )); do sleep 0.2; done
if kill -0 "$job" 2>/dev/null; then
    cat "$WORK/c.log" | tail -5
    fail "the job still ran $(( SECONDS - t0 )) s after the link was cut (watchdog $LIMIT s)"
fi
wait "$job"
rc=$?
took=$(( SECONDS - t0 ))
(( rc != 0 )) || fail "the job exited 0 after the link was cut"
n=$(grep -c 'flowchunk: error' "$WORK/c.log")
[[ $n == 1 ]] || { cat "$WORK/c.log"; fail "cut link: $n error lines, expected one"; }
# the trainers on nodeB that had not announced the step when the link went down are named (one
# may have got its announcement through just before); a cut inside the reduction names the link
grep -Eq "error: watchdog: rank 0 on nodeA: .*(rank [23] on nodeB \(last heard at step [0-9]+\).* not reached step|the link to rank 2 on nodeB, rank 3 on nodeB is down)" "$WORK/c.log" ||
    { cat "$WORK/c.log"; fail "cut link: the error does not name nodeB's ranks"; }
say "3: cut link: ended in $took s, status $rc: $(grep 'flowchunk: error' "$WORK/c.log")"
"$TWONODE" heal 2>/dev/null || fail "cannot restore the link"

# 4. the windows file exists on nodeA only
on nodeA "cp $WIN /tmp/local.h5" || fail "cannot copy the windows file into nodeA's /tmp"
t0=$SECONDS
timeout 120 bash -c "$(declare -f on mpi2); TWONODE=$TWONODE; mpi2 $HOSTS 5 $FC train /tmp/local.h5 --run-dir $WORK/m --steps 5" \
    >"$WORK/m.log" 2>&1
rc=$? took=$(( SECONDS - t0 ))
(( rc != 124 )) || { cat "$WORK/m.log"; fail "a windows file missing on nodeB hangs the job"; }
(( rc != 0 )) || fail "a windows file missing on nodeB was not an error"
[[ $(grep -c 'error: ' "$WORK/m.log") == 1 ]] || { cat "$WORK/m.log"; fail "missing on nodeB: not one error line"; }
grep -Eq "error: rank 2 on nodeB( \(and more ranks\))?: /tmp/local.h5: No such file or directory" "$WORK/m.log" ||
    { cat "$WORK/m.log"; fail "missing on nodeB: the error does not name rank 2 on nodeB"; }
say "4: windows file on nodeA only: ended in $took s, status $rc: $(grep 'error: ' "$WORK/m.log")"
say "ok"
