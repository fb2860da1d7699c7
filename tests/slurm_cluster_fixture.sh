#!/usr/bin/env bash
# slurm_cluster_fixture.sh start|stop: the CTest fixture around the Slurm job tests. start brings
# up this build's own single-node cluster (jobs/slurm_cluster.sh, state in FC_SLURM_DIR, a clean
# job table); stop cancels its jobs and stops the daemons by their PID files. Skipped (77, and
# every test that needs the cluster with it) only where the daemons cannot run here: not root.
source "$(dirname "$0")/slurm_lib.sh"

case ${1:-} in
start)
    mkdir -p "$FC_SLURM_DIR"; rm -f "$FC_SLURM_DIR/skipped"
    if [[ $(id -u) -ne 0 ]]; then
        echo "the test cluster needs root (slurmctld/slurmd run as root, munged as user munge): not root here" > "$FC_SLURM_DIR/skipped"
        skip "$(cat "$FC_SLURM_DIR/skipped")"
    fi
    FC_SLURM_CLEAN=1 "$CLUSTER" start || fail "jobs/slurm_cluster.sh start failed"
    "$CLUSTER" status || fail "the cluster is not up after start"
    # one trivial job proves that scheduling, munge credentials and srun --mpi=pmix work
    fresh_dir cluster
    id=$(submit -n 2 -o "$WORK/probe-%j.out" --wrap "srun --mpi=pmix bash -c 'echo rank \$PMIX_RANK'")
    wait_job "$id" 60 || { cat "$WORK/probe-$id.out" >&2; fail "a 2-task srun --mpi=pmix job failed"; }
    [[ $(grep -c '^rank [01]$' "$WORK/probe-$id.out") == 2 ]] || { cat "$WORK/probe-$id.out" >&2; fail "srun --mpi=pmix did not give ranks 0 and 1"; }
    say "cluster up, srun --mpi=pmix OK" ;;
stop)
    [[ -f $FC_SLURM_DIR/skipped ]] && skip "$(cat "$FC_SLURM_DIR/skipped")"
    "$CLUSTER" stop || fail "jobs/slurm_cluster.sh stop failed"
    ! "$CLUSTER" status >/dev/null 2>&1 || fail "daemons still running after stop" ;;
*)  echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
