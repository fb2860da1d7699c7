#!/usr/bin/env bash
# laptop_train.sh: `flowchunk train` on one machine with mpirun: by default 4 ranks = 3 trainers
# + 1 evaluator, whatever the number of cores (oversubscribed ranks yield when idle), as root too.
#
#   jobs/laptop_train.sh WINDOWS.h5 RUN_DIR [extra trainer args...]
#   e.g. jobs/laptop_train.sh runs/win.h5 runs/laptop --steps 5000
#
# Ctrl-C (or SIGUSR1/SIGTERM to this script) asks the ranks to checkpoint and stop (exit status
# 3); a second Ctrl-C kills them. Running the same command again resumes from RUN_DIR/latest.h5
# (--resume is always passed). SIGTERM sent to mpirun itself also checkpoints (mpirun forwards it
# to the ranks) but mpirun then exits 1: the script reads RUN_DIR/summary.json and exits 3 too.
# Environment: NP (ranks, default 4), EVAL_RANKS (default 1), FLOWCHUNK (the binary), MPIRUN_ARGS
# (extra mpirun options), and every variable of jobs/env.sh.
set -uo pipefail
FC_SCRIPT=laptop_train
FC_ROOT=${FC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
source "$FC_ROOT/jobs/env.sh"
source "$FC_ROOT/jobs/launch.sh"

if [[ $# -lt 2 || $1 == -h || $1 == --help ]]; then
    sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
    [[ ${1:-} == -h || ${1:-} == --help ]] && exit 0 || exit 2
fi
WINDOWS=$1 RUN_DIR=$2
shift 2
[[ -r $WINDOWS ]] || fc_die "cannot read windows file $WINDOWS"
NP=${NP:-4}
EVAL_RANKS=${EVAL_RANKS:-1}
(( EVAL_RANKS < NP )) || fc_die "EVAL_RANKS=$EVAL_RANKS leaves no trainer among NP=$NP ranks"
fc_find_flowchunk
LAUNCHER=mpirun
MPIRUN_ARGS="--oversubscribe ${MPIRUN_ARGS:-}"
fc_mpi_cmd "$NP"
mkdir -p "$RUN_DIR"
fc_job_header "$(( NP - EVAL_RANKS )) trainer + $EVAL_RANKS evaluator rank(s) on $(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc) core(s): ${FC_MPI[*]}, run dir $RUN_DIR"

fc_run_forwarding "${FC_MPI[@]}" "$FLOWCHUNK" train "$WINDOWS" --run-dir "$RUN_DIR" \
    --eval-ranks "$EVAL_RANKS" --resume "$@"
fc_finish_train $? "$RUN_DIR"
