#!/bin/bash
# bench_loader.sh: the windows pipeline at scale. Makes a synthetic episodes file of STEPS steps,
# windows it with Diffusion Policy's recipe through `flowchunk window` (>= 2 GB of windows), then
# times the loader's collective shard read at 1, 2 and 4 ranks (4 oversubscribe a 2-core laptop),
# cold (page cache dropped, when permitted) and warm; repeats the reads on a contiguous-layout
# copy written directly. Deletes every file it made.
# usage: benchmarks/bench_loader.sh BUILD_DIR [WORK_DIR] [STEPS]
set -eu
BUILD=${1:?usage: bench_loader.sh BUILD_DIR [WORK_DIR] [STEPS]}
WORK=${2:-/tmp}
STEPS=${3:-7500000}
F=$BUILD/flowchunk
BENCH=$BUILD/benchmarks/bench_loader
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1 OPENBLAS_NUM_THREADS=1
EP=$WORK/bench_loader_episodes.h5
WIN=$WORK/bench_loader_windows.h5
CON=$WORK/bench_loader_contiguous.h5
trap 'rm -f "$EP" "$WIN" "$CON" "$EP".tmp.* "$WIN".tmp.* "$CON".tmp.*' EXIT
drop() { sync; echo 1 >/proc/sys/vm/drop_caches 2>/dev/null && echo cold || echo warm; }

echo "== synthetic episodes: $STEPS steps"
"$BENCH" episodes "$EP" "$STEPS" 150
echo "== flowchunk window (keypoints computed from the state, To=2, H=16, Ta=8, pad edge)"
OUT=$(/usr/bin/time -f '{"window_wall_s":%e,"window_peak_rss_kB":%M}' \
    "$F" window "$EP" -o "$WIN" --recipe dp --json)
echo "$OUT"
rm -f "$EP"
ls -l "$WIN"
ROWS=$(echo "$OUT" | sed -n 's/.*"windows":\([0-9]*\).*/\1/p')
for layout in chunked contiguous; do
    FILE=$WIN
    if [ $layout = contiguous ]; then
        FILE=$CON
        echo "== contiguous copy (written directly, $ROWS rows)"
        "$BENCH" make "$CON" "$ROWS" 0
        rm -f "$WIN"
    fi
    for np in 1 2 4; do
        state=$(drop)
        echo "== $layout, $np rank(s), $state (one read)"
        mpiexec -n $np --oversubscribe "$BENCH" read "$FILE" 256 8 2000 1
        echo "== $layout, $np rank(s), warm (3 reads)"
        mpiexec -n $np --oversubscribe "$BENCH" read "$FILE" 256 8 2000 3
    done
done
