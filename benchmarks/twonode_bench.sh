#!/usr/bin/env bash
# twonode_bench.sh BUILD_DIR [WINDOWS.h5]: multi-node training on two real nodes of this machine
# (jobs/twonode.sh: namespaces + a veth link; as root). In ROUNDS (default 3) of back-to-back runs
# of the default 3 x 512 flow policy for STEPS (default 200) steps, PER_RANK (default 256) samples
# per trainer and step (weak scaling), reads each run's summary.json (trainer 0's means per step):
#   1x2        1 node x 2 trainers           (the shared-memory window alone)
#   2x1        2 nodes x 1 trainer           (the cross-node allreduce of the whole gradient)
#   2x2 hier   2 nodes x 2 trainers, --reduce hierarchical (window per node + slices across)
#   2x2 flat   2 nodes x 2 trainers, --reduce flat (one MPI_Allreduce over the 4 trainers)
# Both "nodes" share this machine's cores, so 2x2 oversubscribes them: compare the reduction
# times (allreduce_ms) more than samples/s. Without WINDOWS.h5 the real Push-T data ($FC_ZARR) is
# imported and windowed as Diffusion Policy (keypoints, To 2, H 16, edge padding).
set -euo pipefail
BUILD=$(cd "${1:?usage: twonode_bench.sh BUILD_DIR [WINDOWS.h5]}" && pwd)
FC=$BUILD/flowchunk
STEPS=${STEPS:-200}
ROUNDS=${ROUNDS:-3}
PB=${PER_RANK:-256}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TWONODE=$ROOT/jobs/twonode.sh
source "$ROOT/jobs/env.sh"
# the work directory must be visible on both nodes (/tmp is node-local there)
WORK=$(mktemp -d "$BUILD/fc_twonode_bench.XXXXXX")
export FCMN_BASE=$WORK/mn FCMN_PREFIX=fcbn-
trap '"$TWONODE" down >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
"$TWONODE" up 2>/dev/null
WIN=${2:-}
if [[ -z $WIN ]]; then
    ZARR=${FC_ZARR:-$ROOT/../shared/data/pusht_cchi_v7_replay.zarr}
    "$FC" import "$ZARR" -o "$WORK/ep.h5" 2>/dev/null
    "$FC" window "$WORK/ep.h5" -o "$WORK/win.h5" --recipe dp 2>/dev/null
    WIN=$WORK/win.h5
fi
WIN=$(realpath "$WIN")
json() { sed -n "s/.*\"$1\":[[:space:]]*\([-0-9.e+]*\).*/\1/p" "$2" | head -n1; }
# run NAME HOSTS NP ARGS...: one training on the nodes, launched from nodeA
run() {
    local name=$1 hosts=$2 np=$3
    shift 3
    rm -rf "${WORK:?}/$name"
    "$TWONODE" sh nodeA "mpirun \$FCMN_MPI_ARGS -x OPENBLAS_NUM_THREADS=1 -x OMPI_MCA_mpi_yield_when_idle=1 --bind-to none \
        --host $hosts -np $np $FC train $WIN --run-dir $WORK/$name --steps $STEPS --log-every 50 --eval-every 0 \
        --check-every 0 --ckpt-every 0 --batch $((np * PB)) $*" >"$WORK/$name.log" 2>&1 || { cat "$WORK/$name.log" >&2; exit 1; }
    local s=$WORK/$name/summary.json
    printf '%-9s %-13s %9s %9s %9s %9s\n' "$name" "$(sed -n 's/.*"reduction":[[:space:]]*"\([a-z-]*\)".*/\1/p' "$s")" \
        "$(json samples_per_s "$s" | xargs printf %.0f)" "$(json step_ms "$s" | xargs printf %.1f)" \
        "$(json allreduce_ms "$s" | xargs printf %.2f)" "$(json wait_ms "$s" | xargs printf %.2f)"
}
echo "flowchunk twonode bench: $(nproc --all) cores shared by both nodes, veth link, $STEPS steps, $PB samples per trainer, $(date -u +%F)"
printf '%-9s %-13s %9s %9s %9s %9s\n' config reduction samples/s step_ms reduce_ms wait_ms
for (( r = 0; r < ROUNDS; r++ )); do
    echo "round $((r + 1))"
    run 1x2 nodeA:2 2
    run 2x1 nodeA:1,nodeB:1 2
    run 2x2-hier nodeA:2,nodeB:2 4 --reduce hierarchical
    run 2x2-flat nodeA:2,nodeB:2 4 --reduce flat
done
