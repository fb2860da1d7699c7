#!/bin/bash
# demos_bench.sh: `flowchunk demos` throughput (demos per minute) and quality at 1 and 2 MPI ranks,
# the same episodes each time (reset seeds SEED..SEED+N-1); checks the files are byte-identical and
# prints `flowchunk info` of the last one (success, lengths, coverage).
# usage: benchmarks/demos_bench.sh BUILD_DIR [EPISODES=200] [SEED=200000] [WORK_DIR=/tmp]
set -eu
BUILD=${1:?usage: demos_bench.sh BUILD_DIR [EPISODES] [SEED] [WORK_DIR]}
N=${2:-200}
SEED=${3:-200000}
WORK=${4:-/tmp}
F=$BUILD/flowchunk
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1 OPENBLAS_NUM_THREADS=1
trap 'rm -f "$WORK"/demos_bench_np*.h5' EXIT
for np in 1 2; do
    echo "== mpiexec -n $np flowchunk demos --episodes $N --seed $SEED"
    mpiexec -n $np "$F" demos -o "$WORK/demos_bench_np$np.h5" --episodes "$N" --seed "$SEED" --json 2>/dev/null
done
cmp "$WORK/demos_bench_np1.h5" "$WORK/demos_bench_np2.h5" && echo "files at 1 and 2 ranks: byte-identical"
"$F" info "$WORK/demos_bench_np2.h5"
