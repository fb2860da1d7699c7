#!/bin/bash
# eval_cli_test.sh: `flowchunk eval` end to end on small fixed checkpoints (eval_make_ckpt):
#  - --json prints exactly one consistent JSON object on stdout (eval_json_check), the summary
#    goes to stderr
#  - deterministic: the same evaluation twice, and under mpiexec -n 2 and -n 3, gives identical
#    JSON (but timing and rank count), for a toy net and the default-sized 3x512 net (batch-
#    invariant inference, rowgemm.h); the GIF's re-run of episodes reproduces their evaluation
#  - every score is the mean over 5 noise draws by default (--noise-seeds K): draw k is the
#    evaluation under noise seed S+k, exactly as a one-draw run with --noise-seed S+k
#  - --noise-scale 0 starts every Euler integration at zero: all draws agree (spread 0), and it
#    is recorded in the JSON; the default 1 is the N(0, I) of training
#  - EMA weights by default, --raw evaluates the live weights (and changes the result)
#  - --max-steps is respected; --reset gym is the HW1 protocol (seeds 0.., whole chunk, clipping)
#  - --gif writes an animated GIF (one episode, and a grid of three)
#  - a missing, truncated, non-HDF5 or non-checkpoint file, and bad options, give one clear error
#    line and a non-zero exit with nothing on stdout
# Usage: eval_cli_test.sh EVAL_MAKE_CKPT EVAL_JSON_CHECK MPIEXEC   (env: FC_FLOWCHUNK FC_FIXTURES)
set -u
MAKE=$1
JCHECK=$2
MPIEXEC=$3
FC=${FC_FLOWCHUNK:?}
source "$(dirname "$0")/check_lib.sh"
# run NAME ARGS...: flowchunk eval ARGS, stdout -> $T/NAME.json, stderr -> $T/NAME.err; must succeed
run() {
    local name=$1; shift
    "$FC" eval "$@" > "$T/$name.json" 2> "$T/$name.err" || fail "$name: eval $* exited $?: $(cat "$T/$name.err")"
}
jget() { "$JCHECK" get "$1" "$2"; }

"$MAKE" "$T/kp.h5" --obs keypoints --obs-steps 2 --horizon 16 --n-action-steps 8 --hidden 64 --depth 2 --ema ||
    { echo "FAIL: could not write the test checkpoint" >&2; exit 1; }
"$MAKE" "$T/st.h5" --obs state --obs-steps 1 --horizon 8 --n-action-steps 8 --hidden 32 --depth 2 --act relu ||
    { echo "FAIL: could not write the state checkpoint" >&2; exit 1; }

# ---- JSON, determinism across runs and ranks
run a --episodes 6 --max-steps 60 --json "$T/kp.h5"
"$JCHECK" check "$T/a.json" 6 60 || fail "JSON of run a"
grep -q '^flowchunk: score ' "$T/a.err" || fail "no score line on stderr: $(cat "$T/a.err")"
[ "$(jget "$T/a.json" weights)" = ema ] || fail "default weights should be the EMA"
[ "$(jget "$T/a.json" reset)" = legacy ] && [ "$(jget "$T/a.json" seed)" = 100000 ] || fail "legacy protocol defaults"
[ "$(jget "$T/a.json" n_action_steps)" = 8 ] && [ "$(jget "$T/a.json" action_offset)" = 1 ] ||
    fail "Ta/offset should come from the checkpoint (8, To-1 = 1)"
run b --episodes 6 --max-steps 60 --json "$T/kp.h5"
"$JCHECK" same "$T/a.json" "$T/b.json" || fail "the same evaluation twice differs"
for np in 2 3; do
    "$MPIEXEC" -n $np --oversubscribe "$FC" eval --episodes 6 --max-steps 60 --json "$T/kp.h5" \
        > "$T/mpi$np.json" 2> "$T/mpi$np.err" || fail "mpiexec -n $np exited $?: $(cat "$T/mpi$np.err")"
    "$JCHECK" check "$T/mpi$np.json" 6 60 || fail "JSON under mpiexec -n $np"
    [ "$(jget "$T/mpi$np.json" ranks)" = $np ] || fail "-n $np: ranks field"
    "$JCHECK" identical "$T/a.json" "$T/mpi$np.json" || fail "mpiexec -n $np differs from one process"
done

# ---- the same at the default net size (3 x 512 mish), where BLAS kernels used to make an
# episode's actions depend on its batch: 1, 2, 3 ranks and the GIF's re-run of single episodes
"$MAKE" "$T/big.h5" --obs keypoints --obs-steps 2 --horizon 16 --n-action-steps 8 --hidden 512 --depth 3 --ema ||
    { echo "FAIL: could not write the 3x512 checkpoint" >&2; exit 1; }
run big1 --episodes 7 --max-steps 64 --json "$T/big.h5"
"$JCHECK" check "$T/big1.json" 7 64 || fail "JSON of the 3x512 run"
for np in 2 3; do
    "$MPIEXEC" -n $np --oversubscribe "$FC" eval --episodes 7 --max-steps 64 --json "$T/big.h5" \
        > "$T/big$np.json" 2> "$T/big$np.err" || fail "3x512 mpiexec -n $np exited $?: $(cat "$T/big$np.err")"
    "$JCHECK" identical "$T/big1.json" "$T/big$np.json" || fail "3x512: mpiexec -n $np differs from one process"
done
run biggif --episodes 7 --max-steps 64 --gif "$T/big.gif" --gif-episodes 1,4,6 "$T/big.h5"
grep -q 'differs' "$T/biggif.err" && fail "3x512: the GIF's re-run differs from the evaluation: $(cat "$T/biggif.err")"
grep -q 'wrote .*big.gif: 3 episode(s)' "$T/biggif.err" || fail "3x512 GIF not written: $(cat "$T/biggif.err")"

# ---- noise draws: 5 by default; draw k of a K-draw run = a one-draw run at noise seed S+k
[ "$(jget "$T/a.json" noise_seeds)" = 5 ] || fail "default noise_seeds should be 5"
run k3 --episodes 6 --max-steps 60 --json --noise-seeds 3 --noise-seed 10 "$T/kp.h5"
"$JCHECK" check "$T/k3.json" 6 60 || fail "JSON of --noise-seeds 3"
run k1 --episodes 6 --max-steps 60 --json --noise-seeds 1 --noise-seed 11 "$T/kp.h5"
"$JCHECK" check "$T/k1.json" 6 60 || fail "JSON of --noise-seeds 1"
d1=$(jget "$T/k3.json" draw_score | cut -d, -f2)
[ "$d1" = "$(jget "$T/k1.json" draw_score | tr -d '[]')" ] ||
    fail "draw 1 of --noise-seeds 3 --noise-seed 10 ($d1) != --noise-seeds 1 --noise-seed 11 ($(jget "$T/k1.json" score))"
grep -q 'over 3 noise draw' "$T/k3.err" || fail "the summary line should state the draws: $(cat "$T/k3.err")"

# ---- --noise-scale: 0 removes the sampling noise, so the 3 draws are one; 1 is the default
run ns0 --episodes 6 --max-steps 60 --json --noise-seeds 3 --noise-scale 0 "$T/kp.h5"
[ "$(jget "$T/ns0.json" draw_score | tr -d '[]' | tr ',' '\n' | sort -u | wc -l)" = 1 ] ||
    fail "--noise-scale 0: the 3 draws should agree: $(jget "$T/ns0.json" draw_score)"
[ "$(jget "$T/ns0.json" noise_scale)" = 0 ] || fail "--noise-scale 0 should be recorded in the JSON"
[ "$(jget "$T/k3.json" noise_scale)" = 1 ] || fail "the default noise scale should be 1"
USAGE_OK=1 expect_fail bad_noise_scale "--noise-scale expects" --noise-scale -1 "$T/kp.h5"

# ---- --raw evaluates other weights; --max-steps; --noise-seed changes the draws
run raw --episodes 6 --max-steps 60 --json --raw "$T/kp.h5"
[ "$(jget "$T/raw.json" weights)" = raw ] || fail "--raw should report raw weights"
"$JCHECK" same "$T/a.json" "$T/raw.json" 2> /dev/null && fail "--raw gave the same results as the EMA"
run short --episodes 4 --max-steps 13 --json "$T/kp.h5"
"$JCHECK" check "$T/short.json" 4 13 || fail "--max-steps 13"
run noise --episodes 6 --max-steps 60 --json --noise-seed 5 "$T/kp.h5"
"$JCHECK" same "$T/a.json" "$T/noise.json" 2> /dev/null && fail "--noise-seed 5 gave the same results"

# ---- HW1 protocol
run gym --reset gym --episodes 5 --max-steps 40 --json "$T/st.h5"
"$JCHECK" check "$T/gym.json" 5 40 || fail "JSON of --reset gym"
[ "$(jget "$T/gym.json" seed)" = 0 ] || fail "gym protocol starts at seed 0"
[ "$(jget "$T/gym.json" clip_actions)" = 1 ] || fail "gym protocol clips actions"
[ "$(jget "$T/gym.json" n_action_steps)" = 8 ] || fail "gym protocol executes the whole chunk (8)"
[ "$(jget "$T/gym.json" obs_kind)" = state ] || fail "obs_kind state"
run legacy_st --episodes 5 --max-steps 40 --json "$T/st.h5"
"$JCHECK" same "$T/gym.json" "$T/legacy_st.json" 2> /dev/null && fail "gym and legacy resets gave the same results"

# ---- GIF
run gif1 --episodes 2 --max-steps 20 --gif "$T/one.gif" "$T/kp.h5"
run gif3 --episodes 4 --max-steps 20 --gif "$T/grid.gif" --gif-episodes 0,2,3 --gif-size 96 "$T/kp.h5"
for g in one grid; do
    [ "$(head -c 6 "$T/$g.gif" 2> /dev/null)" = GIF89a ] || fail "$g.gif is not a GIF89a file"
done
grep -q 'wrote .*grid.gif: 3 episode(s), 31 frames, 192x192 px' "$T/gif3.err" || fail "grid GIF summary: $(cat "$T/gif3.err")"
[ -s "$T/gif1.json" ] && fail "stdout should be empty without --json"

# ---- errors: one line "flowchunk eval: error: ...", rc != 0, nothing on stdout
expect_fail() {
    local name=$1 pattern=$2; shift 2
    "$FC" eval "$@" > "$T/stdout.txt" 2> "$T/stderr.txt"
    local rc=$?
    [ $rc -ne 0 ] || fail "$name: exit status 0"
    [ -s "$T/stdout.txt" ] && fail "$name: stdout not empty: $(cat "$T/stdout.txt")"
    if grep -q -e MPI_ABORT -e ORTE_ERROR_LOG "$T/stderr.txt"; then
        fail "$name: Open MPI's MPI_ABORT banner on stderr (a 1-process job must exit without MPI_Abort: src/dist.c dist_abort)"
        sed -i -e '/^-----/,/^-----/d' -e '/ORTE_ERROR_LOG/d' "$T/stderr.txt"
    fi
    local first
    first=$(head -1 "$T/stderr.txt")
    case "$first" in "flowchunk eval: error: "*"$pattern"*) ;; *) fail "$name: first stderr line '$first' lacks '$pattern'" ;; esac
    if [ "${USAGE_OK:-0}" != 1 ] && [ "$(wc -l < "$T/stderr.txt")" -ne 1 ]; then
        fail "$name: expected exactly one stderr line: $(cat "$T/stderr.txt")"
    fi
    echo "ok $name: $first" >&2
}
expect_fail missing "$T/nope.h5: No such file" "$T/nope.h5"
head -c 2000 "$T/kp.h5" > "$T/trunc.h5"
expect_fail truncated "$T/trunc.h5" "$T/trunc.h5"
echo "not a checkpoint" > "$T/text.h5"
expect_fail not_hdf5 "$T/text.h5: not an HDF5 file" "$T/text.h5"
expect_fail windows_file "window_win_good.h5" "$FC_FIXTURES/window_win_good.h5"
expect_fail too_many_actions "do not fit a chunk of 16 actions" --n-action-steps 16 "$T/kp.h5"
expect_fail gif_episode "episode 9 does not exist" --episodes 3 --gif "$T/x.gif" --gif-episodes 9 "$T/kp.h5"
expect_fail gif_unwritable "cannot create $T/no/dir/x.gif" --episodes 1 --max-steps 2 --gif "$T/no/dir/x.gif" "$T/kp.h5"
USAGE_OK=1 expect_fail bad_reset "--reset expects legacy or gym" --reset sideways "$T/kp.h5"
USAGE_OK=1 expect_fail bad_episodes "--episodes expects an integer" --episodes 0 "$T/kp.h5"
USAGE_OK=1 expect_fail bad_noise_seeds "--noise-seeds expects an integer" --noise-seeds 0 "$T/kp.h5"
USAGE_OK=1 expect_fail no_ckpt "missing CHECKPOINT.h5"
"$MPIEXEC" -n 2 --oversubscribe "$FC" eval "$T/nope.h5" > "$T/stdout.txt" 2> "$T/stderr.txt" &&
    fail "mpiexec -n 2 on a missing checkpoint exited 0"
n=$(grep -c '^flowchunk eval: error: ' "$T/stderr.txt")
[ "$n" -eq 1 ] || fail "mpiexec -n 2 on a missing checkpoint: $n error lines (want one): $(cat "$T/stderr.txt")"

finish
