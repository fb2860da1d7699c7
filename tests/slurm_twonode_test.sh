#!/usr/bin/env bash
# slurm_twonode_test.sh FIXTURE MPIEXEC: `sbatch -N 2 jobs/train.sbatch` on a real two-node Slurm
# cluster (jobs/twonode.sh up + slurm-up: one slurmctld, one slurmd and one munged per node) with
# srun --mpi=pmix: 5 tasks, at most 3 per node, spread cyclically (SRUN_ARGS=--distribution=cyclic:
# trainers 0,2 on nodeA, 1,3 on nodeB, the evaluator 4 on nodeA). The job is preempted mid-run (scancel --signal=USR1 --batch: the script forwards
# it, the trainers checkpoint and exit 3, the script requeues the job) and resumes across both
# nodes. Asserts: the hierarchical reduction over 2 nodes x 2 trainers, every logged loss equal to
# one process's run to 1e-5 relative (weights identical on all trainers: --check-every), steps
# logged once and in order, the job restarted once and resumed from its checkpoint. Then a
# trainer on nodeB freezes (SIGSTOP): the job fails within the watchdog limit, one line names it.
# Starts Slurm daemons: label slurm + RESOURCE_LOCK (tests/slurm.cmake); run it under
# `flock /tmp/fc_slurm.lock` when other trees test Slurm on this machine.
export TMPDIR=${TMPDIR:-$PWD}
source "$(dirname "$0")/train_lib.sh"
source "$(dirname "$0")/twonode_lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make_windows
"$TWONODE" slurm-up 2>>"$WORK/twonode.log" || { cat "$WORK/twonode.log" "$FCMN_BASE"/slurm/log/* >&2; fail "twonode.sh slurm-up failed"; }
ARGS=(--steps 1200 --hidden 256 --depth 3 --batch 64 --warmup 10 --virtual-shards 8 --eval-every 400 --eval-episodes 2
      --eval-max-steps 40 --log-every 1 --ckpt-every 200 --check-every 100 --seed 7)
train 0 "$WIN" --run-dir "$WORK/r1" "${ARGS[@]}" --eval-every 0 2>"$WORK/r1.log" || { cat "$WORK/r1.log"; fail "1-process run failed"; }

# slurm CMD: a Slurm client command on nodeA, against the two-node cluster
slurm() { on nodeA "source $FCMN_BASE/slurm/env.sh; cd $WORK; $1"; }
id=$(slurm "FLOWCHUNK=$FC FC_ROOT=$ROOT TRAIN_ARGS='${ARGS[*]}' SRUN_ARGS=--distribution=cyclic sbatch --parsable -N 2 -n 5 --ntasks-per-node=3 \
     --time=10 $ROOT/jobs/train.sbatch $WIN $WORK/run") || fail "sbatch -N 2 failed"
id=${id%%;*}
log=$WORK/fc-train-$id.out
say "submitted job $id: sbatch -N 2 -n 5 --ntasks-per-node=3 jobs/train.sbatch (srun --distribution=cyclic)"
end=$(( SECONDS + 120 ))
until (( $(field step "$WORK/run/metrics.jsonl" 2>/dev/null | wc -l) >= 200 )); do
    (( SECONDS < end )) || { cat "$log" >&2; fail "job $id logged no training steps within 120 s"; }
    slurm "squeue -h -j $id -o %T" 2>/dev/null | grep -q . || { cat "$log" >&2; fail "job $id ended before it was preempted"; }
    sleep 0.3
done
before=$(field step "$WORK/run/metrics.jsonl" | tail -n1)
slurm "scancel --signal=USR1 --batch $id" || fail "scancel --signal=USR1 --batch $id failed"
say "preempted job $id at step ~$before"
slurm "FC_SLURM_DIR=$FCMN_BASE/slurm $ROOT/jobs/slurm_cluster.sh wait $id 240" >/dev/null ||
    { cat "$log" >&2; fail "job $id failed after the requeue"; }

grep -q "nodes *2 (trainers per node 2+2)" "$log" || { cat "$log" >&2; fail "the job does not report 2 nodes x 2 trainers"; }
grep -q "gradient reduction *hierarchical" "$log" || { cat "$log" >&2; fail "the job does not use the hierarchical reduction"; }
grep -Eq '"reduction":[[:space:]]*"hierarchical"' "$WORK/run/summary.json" || fail "summary.json does not record the hierarchical path"
k=$(grep -oE 'resumed from step [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+$')
[[ -n $k ]] && (( k >= before )) || { cat "$log" >&2; fail "the requeued job did not resume from the stop's checkpoint (step ${k:-none}, stopped at ~$before)"; }
[[ $(slurm "scontrol -o show job $id" | sed -n 's/.* Restarts=\([0-9]*\).*/\1/p') == 1 ]] || fail "Slurm counts no restart"
[[ $(grep -c '^{"run_start_step":' "$WORK/run/metrics.jsonl") == 2 ]] || fail "metrics.jsonl should record two starts"
steps=$(field step "$WORK/run/metrics.jsonl")
[[ $steps == "$(sort -n <<<"$steps" | uniq)" ]] || fail "metrics.jsonl repeats or reorders steps (a second writer?)"
[[ $(tail -n1 <<<"$steps") == 1200 ]] || fail "the job did not finish its 1200 steps"
steploss() { paste -d' ' <(field step "$1") <(field loss "$1"); }
# by step: the stop adds a logged step of its own (the checkpoint's)
join <(steploss "$WORK/r1/metrics.jsonl" | sort -k1,1) <(steploss "$WORK/run/metrics.jsonl" | sort -k1,1) | awk '
    { d = $2 - $3; if (d < 0) d = -d; r = d / ($2 < 0 ? -$2 : $2); if (r > worst) worst = r
      if (r > 1e-5) { printf "step %d: 1 process %s, 2 nodes x 2 %s (rel %.2e)\n", $1, $2, $3, r; bad = 1 } }
    END { printf "max relative loss difference over %d common logged steps: %.2e\n", NR, worst; if (NR < 1200) bad = 1; exit bad }' >&2 ||
    fail "losses differ between 1 process and the two-node Slurm job"
say "job $id on 2 nodes x 2 trainers (hierarchical), preempted at ~$before, resumed from step $k, losses = 1 process"

# a trainer on nodeB freezes (SIGSTOP at step 30): the step watchdog names it and ends its rank,
# Slurm ends the step, the job fails within the limit + a few seconds instead of hanging until its
# time limit
id=$(slurm "FLOWCHUNK=$FC FC_ROOT=$ROOT FC_WORLD_CHECK=0 FC_TEST_FREEZE_AT_STEP=30 FC_TEST_FREEZE_RANK=1 \
     TRAIN_ARGS='${ARGS[*]} --watchdog-s 5' SRUN_ARGS=--distribution=cyclic sbatch --parsable -N 2 -n 5 \
     --ntasks-per-node=3 --no-requeue --time=10 $ROOT/jobs/train.sbatch $WIN $WORK/frozen") || fail "sbatch (frozen) failed"
id=${id%%;*}
t0=$SECONDS
slurm "FC_SLURM_DIR=$FCMN_BASE/slurm $ROOT/jobs/slurm_cluster.sh wait $id 120" >/dev/null && fail "job $id with a frozen rank succeeded"
log=$WORK/fc-train-$id.out
took=$(( SECONDS - t0 ))
(( took < 100 )) || fail "job $id with a frozen rank took $took s to end"
[[ $(grep -c 'flowchunk: error' "$log") == 1 ]] || { cat "$log" >&2; fail "frozen rank under srun: not one error line"; }
grep -q "error: watchdog: .*rank 1 on nodeB (last heard at step 29) has not reached step 30" "$log" ||
    { cat "$log" >&2; fail "frozen rank under srun: the error does not name rank 1 on nodeB"; }
say "frozen rank 1 on nodeB: job $id ended in $took s: $(grep 'flowchunk: error' "$log")"
say "ok"
