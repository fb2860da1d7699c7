#!/usr/bin/env bash
# slurm_world_check.sh: the world-size check of jobs/train.sbatch must stop a job whose launcher
# would not build one MPI world of SLURM_NTASKS ranks. srun --mpi=none starts every rank as a
# world of its own (N independent trainers): the job must fail with a clear message before the
# trainer runs.
source "$(dirname "$0")/slurm_lib.sh"
need_cluster
fresh_dir world_check
make_windows
id=$(SRUN_MPI=none TRAIN_ARGS=$TINY_TRAIN_ARGS submit -n 2 --time=5 "$FC_ROOT/jobs/train.sbatch" "$WIN" "$WORK/run")
if wait_job "$id" 120; then cat "$WORK/fc-train-$id.out" >&2; fail "job $id with srun --mpi=none succeeded"; fi
assert_log_has "$WORK/fc-train-$id.out" "MPI world size mismatch: srun --mpi=none .* expected one world of 2" "no mismatch message"
[[ ! -e $WORK/run/metrics.jsonl ]] || fail "the trainer ran although the world check failed"
say "srun --mpi=none rejected: $(grep -o 'MPI world size mismatch.*expected one world of 2' "$WORK/fc-train-$id.out")"
