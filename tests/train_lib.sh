# train_lib.sh: shared helpers of the `flowchunk train` tests (sourced).
#   $1 of every test: the train_fixture program; $2: mpiexec. FC_FLOWCHUNK comes from CTest.
set -uo pipefail
FIXTURE=${1:?usage: $0 TRAIN_FIXTURE MPIEXEC}
MPIEXEC=${2:?usage: $0 TRAIN_FIXTURE MPIEXEC}
FC=${FC_FLOWCHUNK:?FC_FLOWCHUNK is set by CTest}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OPENBLAS_NUM_THREADS=1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fc_train_test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TEST=$(basename "$0" .sh)

fail() { echo "$TEST: FAIL: $*" >&2; exit 1; }
say() { echo "$TEST: $*" >&2; }

# the GEMM back end under test (tests/CMakeLists.txt pins openblas); a bf16 test skips (77) on a
# CPU without AVX512-BF16 or AMX, with the reason flowchunk gives
export FLOWCHUNK_PRECISION=${FLOWCHUNK_PRECISION:-openblas}
needs_precision() {
    [[ $FLOWCHUNK_PRECISION == *bf16* ]] || return 0
    local why
    why=$("$FC" train /nonexistent.h5 --run-dir "$WORK/probe" 2>&1 | grep -o 'needs a CPU with AVX512-BF16[^:]*')
    [[ -z $why ]] || { echo "$TEST: SKIP: --precision $FLOWCHUNK_PRECISION $why" >&2; exit 77; }
}

# tiny Diffusion-Policy-shaped windows (keypoints, To 2, H 16, edge padding) from synthetic episodes
make_windows() {
    "$FIXTURE" "$WORK/ep.h5" "${1:-12}" 1 || fail "train_fixture failed"
    "$FC" window "$WORK/ep.h5" -o "$WORK/win.h5" --recipe dp \
        2>"$WORK/window.log" || { cat "$WORK/window.log" >&2; fail "flowchunk window failed"; }
    WIN=$WORK/win.h5
}

# a small, fast model; every step logged
SMALL=(--hidden 64 --depth 2 --batch 64 --warmup 10 --virtual-shards 8 --eval-every 0 --log-every 1 --check-every 1 --seed 7)

# train NP ARGS...: flowchunk train on NP ranks (NP = 0: a plain process without mpiexec); for
# jobs run in the background call "$MPIEXEC" directly, so that $! is mpiexec's pid
train() {
    local np=$1
    shift
    if [[ $np == 0 ]]; then "$FC" train "$@"; else "$MPIEXEC" -n "$np" --oversubscribe "$FC" train "$@"; fi
}

# field NAME FILE: the values of "NAME" in the step lines of a metrics.jsonl, one per line
field() { grep '^{"step"' "$2" | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
# eval_field NAME FILE: the same for evaluation lines
eval_field() { grep '^{"eval_step"' "$2" | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }

# world rank of a process started by mpiexec
rank_of() { tr '\0' '\n' <"/proc/$1/environ" | sed -n 's/^OMPI_COMM_WORLD_RANK=//p'; }
# pid of world rank R among the children of mpiexec pid P
pid_of_rank() {
    local c
    for c in $(pgrep -P "$1"); do [[ $(rank_of "$c") == "$2" ]] && { echo "$c"; return; }; done
}
# wait until FILE has a step line with step >= N (timeout seconds T), while pid P runs
wait_step() {
    local file=$1 n=$2 pid=$3 t=${4:-60} end=$(( SECONDS + ${4:-60} ))
    while (( SECONDS < end )); do
        local last
        last=$(grep '^{"step"' "$file" 2>/dev/null | tail -n1 | sed -n 's/^{"step":\([0-9]*\).*/\1/p')
        [[ -n $last ]] && (( last >= n )) && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# metrics_canon FILE: the step lines of a metrics.jsonl without the timing fields (what must be
# equal between an uninterrupted and a stopped-and-resumed run), one per line
metrics_canon() {
    grep '^{"step"' "$1" | sed -E 's/"(samples_per_s|step_ms|max_step_ms|allreduce_ms|wait_ms|elapsed_s)":[^,}]*,?//g; s/,}/}/'
}
