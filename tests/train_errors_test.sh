#!/usr/bin/env bash
# train_errors_test.sh FIXTURE MPIEXEC: bad inputs end the job with a non-zero status and ONE
# clear error line (printed once, whatever the number of ranks), never a hang.
source "$(dirname "$0")/train_lib.sh"
make_windows
# expect_error NAME REGEX NP ARGS...: the run fails, its output has exactly one error line matching REGEX
expect_error() {
    local name=$1 re=$2 np=$3
    shift 3
    if [[ $np == 0 ]]; then timeout 60 "$FC" train "$@" >"$WORK/$name.log" 2>&1
    else timeout 60 "$MPIEXEC" -n "$np" --oversubscribe "$FC" train "$@" >"$WORK/$name.log" 2>&1; fi
    local rc=$?
    (( rc != 0 )) || { cat "$WORK/$name.log"; fail "$name: exited 0"; }
    (( rc != 124 )) || { cat "$WORK/$name.log"; fail "$name: hung (killed after 60 s)"; }
    grep -Eq -- "$re" "$WORK/$name.log" || { cat "$WORK/$name.log"; fail "$name: no error matching /$re/"; }
    local n
    n=$(grep -Ec -- "error: " "$WORK/$name.log")
    [[ $n == 1 ]] || { cat "$WORK/$name.log"; fail "$name: $n error lines, expected 1"; }
    say "$name: $(grep -E "error: " "$WORK/$name.log")"
}
expect_error missing_file "flowchunk train: error: $WORK/nope.h5: No such file" 2 "$WORK/nope.h5" --run-dir "$WORK/a"
expect_error not_hdf5 "not an HDF5 file" 0 "$WORK/window.log" --run-dir "$WORK/b"
expect_error no_run_dir "--run-dir DIR is required" 0 "$WIN"
expect_error e_ge_p "--eval-ranks 2 needs at least 3 ranks" 2 "$WIN" --run-dir "$WORK/c" --eval-ranks 2
expect_error e_gt_p "--eval-ranks 5 needs at least 6 ranks" 3 "$WIN" --run-dir "$WORK/c" --eval-ranks 5
expect_error batch_div "--batch 100 is not a multiple of --virtual-shards 8" 2 "$WIN" --run-dir "$WORK/d" --batch 100
expect_error too_many_trainers "3 trainer ranks but only 2 virtual shards" 3 "$WIN" --run-dir "$WORK/e" --batch 64 --virtual-shards 2
expect_error bad_option "unknown option '--frobnicate'" 0 "$WIN" --run-dir "$WORK/f" --frobnicate
expect_error bad_number "--lr expects a number" 2 "$WIN" --run-dir "$WORK/f" --lr abc
expect_error bad_act "--act expects mish, relu, silu or gelu" 0 "$WIN" --run-dir "$WORK/f" --act tanh
# resuming with another architecture (and an evaluator pool that was never started)
train 0 "$WIN" --run-dir "$WORK/h" --steps 3 --hidden 64 --depth 2 --batch 64 --eval-every 0 >"$WORK/h.log" 2>&1 \
    || { cat "$WORK/h.log"; fail "short run for the resume check failed"; }
expect_error resume_mismatch "cannot resume: the checkpoint's policy \(flow, 2 x 64 mish" 3 "$WIN" --run-dir "$WORK/h" \
    --resume --hidden 32 --depth 2 --batch 64 --eval-ranks 1
! grep -q "Segmentation fault" "$WORK/resume_mismatch.log" || fail "resume_mismatch: a rank crashed"
# the NaN guard: a huge learning rate blows the weights up; the loss turns non-finite
expect_error nan_guard "non-finite loss or gradient at step [0-9]+" 2 "$WIN" --run-dir "$WORK/g" --steps 50 \
    --hidden 64 --depth 2 --batch 64 --eval-every 0 --lr 1e30 --warmup 0
[[ ! -e $WORK/g/latest.h5 ]] || fail "nan_guard: a checkpoint of the diverged weights was written"
say "ok"
