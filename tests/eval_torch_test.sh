#!/bin/bash
# eval_torch_test.sh: CTest wrapper of the PyTorch loading proof (tests/ref/torch_load_ckpt.py):
# for several architectures (DP-like 3x512 mish keypoints policy with EMA, a state policy with raw
# time and relu, an MSE policy with gelu), writes a checkpoint, computes actions in C
# (eval_torch_io) and checks that torch, loading the checkpoint with h5py alone, gets the same.
# Exits 77 (skipped) when /usr/bin/python3 cannot import torch and h5py (CI has no Python stack).
# Usage: eval_torch_test.sh EVAL_MAKE_CKPT EVAL_TORCH_IO TORCH_LOAD_CKPT_PY
set -u
MAKE=$1
IO=$2
PY=$3
PYTHON=${FC_REF_PYTHON:-/usr/bin/python3}
if ! [ -x "$PYTHON" ] || ! "$PYTHON" -c 'import torch, h5py, numpy' 2> /dev/null; then
    echo "skipped: $PYTHON cannot import torch and h5py (reference-only Python stack)" >&2
    exit 77
fi
source "$(dirname "$0")/check_lib.sh"
pairs=()
# case_ NAME IO_ARGS MAKE_ARGS...: a checkpoint and the C side's actions for it
case_() {
    local name=$1 io_args=$2; shift 2
    "$MAKE" "$T/$name.h5" "$@" || { fail "$name: eval_make_ckpt $*"; return; }
    "$IO" "$T/$name.h5" "$T/$name.io.h5" $io_args || { fail "$name: eval_torch_io"; return; }
    echo "$name: eval_make_ckpt $*; eval_torch_io $io_args"
    pairs+=("$T/$name.h5" "$T/$name.io.h5")
}
case_ dp_kp_mish_sin_ema "--batch 16" --obs keypoints --obs-steps 2 --horizon 16 --n-action-steps 8 \
    --hidden 512 --depth 3 --act mish --time sinusoidal --ema --seed 11
case_ dp_kp_mish_sin_raw "--batch 16 --raw" --obs keypoints --obs-steps 2 --horizon 16 --n-action-steps 8 \
    --hidden 512 --depth 3 --act mish --time sinusoidal --ema --seed 11
case_ hw1_state_relu_raw "--batch 8 --flow-steps 7" --obs state --obs-steps 1 --horizon 8 --n-action-steps 8 \
    --hidden 256 --depth 3 --act relu --time raw --seed 12
case_ mse_state_gelu "--batch 8" --obs state --obs-steps 2 --horizon 8 --n-action-steps 4 \
    --hidden 64 --depth 2 --act gelu --kind mse --seed 13
"$PYTHON" "$PY" "${pairs[@]}" || fail "torch disagrees with flowchunk"
finish
