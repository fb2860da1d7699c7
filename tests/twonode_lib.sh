# twonode_lib.sh: the two-node tests' helpers (sourced after train_lib.sh or slurm_lib.sh). Brings
# up two real nodes on this machine (jobs/twonode.sh: network + UTS + PID + mount namespaces, a
# veth link 10.77.0.0/24, one sshd per node) and tears them down by PID and name on every exit,
# a failed test included. The test's work directory must be visible on both nodes: /tmp is
# node-local there, so the callers put it under their build tree (TMPDIR). Skips (77) only where
# the machine cannot create the namespaces (not root, or a container that forbids them). A checkout
# under /tmp is kept visible on the nodes (FCMN_KEEP).
TWONODE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../jobs" && pwd)/twonode.sh
[[ $(id -u) == 0 ]] || { echo "$TEST: SKIP: the two nodes need root (network namespaces, sshd): not root here"; exit 77; }
why=$("$TWONODE" can) || { echo "$TEST: SKIP: $why"; exit 77; }
# the nodes get a private /tmp: a checkout under it (binary, scripts, the work dir) stays visible
ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "$ROOT_DIR/" in /tmp/*) export FCMN_KEEP=$ROOT_DIR ;; esac
# the netns / veth names are machine-wide: one prefix per build tree
export FCMN_PREFIX="fc$(printf %s "$PWD" | md5sum | cut -c1-4)-" FCMN_BASE=$WORK/mn
twonode_down() { "$TWONODE" down >/dev/null 2>&1 || true; }
trap 'twonode_down; rm -rf "$WORK"' EXIT
twonode_down # a previous run killed before its trap leaves nothing behind either
"$TWONODE" up 2>"$WORK/twonode.log" || { cat "$WORK/twonode.log" >&2; fail "jobs/twonode.sh up failed"; }

# on NODE CMD: run the shell command CMD logged in on NODE ($FCMN_MPI_ARGS is set there)
on() { "$TWONODE" sh "$1" "$2"; }
# mpirun on nodeA over both nodes: mpi2 HOSTS NP ARGS... (hosts as "nodeA:2,nodeB:3"); the
# environment that must reach the remote ranks goes with -x
mpi2() {
    local hosts=$1 np=$2
    shift 2
    local envs="-x OPENBLAS_NUM_THREADS -x OMPI_MCA_mpi_yield_when_idle" v
    for v in FC_TEST_SIGNAL_AT_STEP FC_TEST_FREEZE_AT_STEP FC_TEST_FREEZE_RANK; do [[ -n ${!v:-} ]] && envs+=" -x $v"; done
    on nodeA "mpirun \$FCMN_MPI_ARGS $envs --host $hosts -np $np $(printf '%q ' "$@")"
}
