# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this file
# slurm_lib.sh: shared by the job-script tests (tests/slurm_*.sh; sourced). Set by
# tests/slurm.cmake: FC_ROOT (the source tree), FC_SLURM_DIR / FC_SLURM_PORT (this build's own
# cluster), FC_SLURM_TRAINER (standin|real), FC_SLURM_FLOWCHUNK (the binary the jobs run),
# FC_SLURM_WORK (scratch space in the build tree), FC_SLURM_EPISODES_MAKER (tests/train_fixture.c).
set -uo pipefail

: "${FC_ROOT:?run me through ctest}" "${FC_SLURM_WORK:?run me through ctest}"
export FC_ROOT FLOWCHUNK=$FC_SLURM_FLOWCHUNK
export SLURM_CONF=$FC_SLURM_DIR/slurm.conf
source "$FC_ROOT/jobs/env.sh"
CLUSTER=$FC_ROOT/jobs/slurm_cluster.sh
T0=$SECONDS

say()  { printf '[%s +%ds] %s\n' "$(basename "$0" .sh)" $(( SECONDS - T0 )) "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
skip() { say "SKIP: $*"; exit 77; }

# the tiny configuration each trainer gets: for the real one a small net, few steps, 2-episode
# evaluations; LONG runs for several seconds so that it can be stopped mid-way
WINDOW_ARGS="--recipe dp"
if [[ $FC_SLURM_TRAINER == real ]]; then
    TINY_TRAIN_ARGS="--steps 40 --hidden 64 --depth 2 --batch 64 --warmup 10 --virtual-shards 8 --eval-every 20 --eval-episodes 2 --log-every 5 --ckpt-every 10 --seed 7"
    LONG_TRAIN_ARGS="--steps 1500 --hidden 256 --depth 3 --batch 64 --warmup 10 --virtual-shards 8 --eval-every 500 --eval-episodes 2 --log-every 25 --ckpt-every 250 --seed 7"
    TINY_EVAL_EPISODES=4
else
    TINY_TRAIN_ARGS="--steps 30 --step-ms 50 --ckpt-every 10"
    # a checkpoint that takes 1 s, as a real one does: it must survive the stop protocols
    LONG_TRAIN_ARGS="--steps 80 --step-ms 100 --ckpt-every 25 --ckpt-ms 1000"
    TINY_EVAL_EPISODES=8
fi

# need_cluster: skip when the setup test could not run the daemons (not root), fail when they
# should run but do not
need_cluster() {
    [[ -f $FC_SLURM_DIR/skipped ]] && skip "$(cat "$FC_SLURM_DIR/skipped")"
    "$CLUSTER" status >/dev/null 2>&1 || fail "the test cluster in $FC_SLURM_DIR is not running (did slurm_cluster_start run? see its logs in $FC_SLURM_DIR/log)"
}

# fresh_dir NAME: an empty scratch directory for one test; cd into it
fresh_dir() {
    WORK=$FC_SLURM_WORK/$1
    rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK" || fail "cannot enter $WORK"
}

# make_windows: tiny inputs in the current directory: EP (episodes file, 12 synthetic episodes
# from tests/train_fixture.c) and WIN (its windows file, 2 validation episodes)
make_windows() {
    EP=$PWD/episodes.h5 WIN=$PWD/windows.h5
    if [[ $FC_SLURM_TRAINER == real ]]; then
        [[ -x ${FC_SLURM_EPISODES_MAKER:-} ]] || skip "no episodes generator (the train_fixture test program) in this build"
        "$FC_SLURM_EPISODES_MAKER" "$EP" 12 1 || fail "$FC_SLURM_EPISODES_MAKER failed"
    else
        : > "$EP"   # the stand-in only checks that the file is readable
    fi
    # shellcheck disable=SC2086
    "$FLOWCHUNK" window "$EP" -o "$WIN" $WINDOW_ARGS --val-episodes 2 2>window.log ||
        { cat window.log >&2; fail "flowchunk window failed"; }
}

# h5_attr FILE NAME: a scalar root attribute of an HDF5 file
h5_attr() { h5dump -a "$2" "$1" 2>/dev/null | sed -n 's/^ *(0): *//p' | head -n1; }

# submit ARGS...: sbatch --parsable, prints the job id
submit() {
    local id
    id=$(sbatch --parsable "$@") || fail "sbatch $* failed"
    say "submitted job $id: sbatch $*"
    echo "${id%%;*}"
}

# wait_job ID [TIMEOUT]: returns the job's exit code, shows its log on failure
wait_job() {
    "$CLUSTER" wait "$1" "${2:-120}"
}

# json_num FILE KEY: a number from a one-line JSON object
json_num() { sed -n "s/.*\"$2\":[[:space:]]*\\([-0-9.eE+]*\\).*/\\1/p" "$1" | head -n1; }

# resumed_step LOG: K of the trainer's last "resumed from step K" / "resumed at step K" line
resumed_step() {
    grep -oE 'resum[a-z]*[[:space:]]+(from|at)[[:space:]:]+step[[:space:]]+[0-9]+' "$1" | tail -n1 | grep -oE '[0-9]+$'
}

# metrics_steps FILE: the "step" of every line of a metrics.jsonl, space separated
metrics_steps() { sed -n 's/.*"step":[[:space:]]*\([0-9]*\).*/\1/p' "$1" | tr '\n' ' '; }

# assert_run_dir DIR STEPS: the files of the trainer contract, and the last step reached
assert_run_dir() {
    local d=$1 n=$2 f last
    for f in latest.h5 best.h5 metrics.jsonl summary.json; do
        [[ -s $d/$f ]] || fail "$d/$f missing or empty"
    done
    compgen -G "$d/ckpt/step_*.h5" >/dev/null || fail "no $d/ckpt/step_XXXXXXX.h5"
    h5dump -H "$d/latest.h5" >/dev/null 2>&1 || fail "$d/latest.h5 is not an HDF5 file"
    last=$(metrics_steps "$d/metrics.jsonl" | awk '{print $NF}')
    [[ $last == "$n" ]] || fail "$d/metrics.jsonl ends at step '${last}', expected $n"
}

# assert_log_has FILE REGEX WHAT
assert_log_has() { grep -Eq "$2" "$1" || { cat "$1" >&2; fail "$3 (no /$2/ in $1)"; }; }
