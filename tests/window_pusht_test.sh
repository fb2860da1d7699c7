#!/bin/bash
# window_pusht_test.sh: the real Push-T data (FC_ZARR) imported and windowed with Diffusion Policy's
# recipe (keypoints, To=2, H=16, Ta=8, pad edge) and the HW1 recipe (state, To=1, H=8, pad none);
# the window counts and the first/last windows of several episodes must match the numpy
# re-implementation of Diffusion Policy's sampler (tests/fixtures/window_make_fixtures.py).
# usage: window_pusht_test.sh FLOWCHUNK WINDOW_COMPARE FIXTURES_DIR
set -u
F=$1
CMP=$2
FX=$3
if [ -z "${FC_ZARR:-}" ] || [ ! -d "$FC_ZARR" ]; then
    echo "skipped: the real Push-T zarr is absent (set FC_ZARR)"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$F" import "$FC_ZARR" -o "$T/ep.h5" 2>"$T/err" || fail "flowchunk import: $(cat "$T/err")"
"$F" window "$T/ep.h5" -o "$T/dp.h5" --obs keypoints --obs-steps 2 --horizon 16 --n-action-steps 8 --pad edge \
    2>"$T/err" || fail "window (DP recipe): $(cat "$T/err")"
"$CMP" "$T/dp.h5" "$FX/window_pusht_expected.h5" dp_keypoints_to2_h16_edge || fail "DP recipe differs"
"$F" window "$T/ep.h5" -o "$T/hw1.h5" --obs state --obs-steps 1 --horizon 8 --pad none \
    2>"$T/err" || fail "window (HW1 recipe): $(cat "$T/err")"
"$CMP" "$T/hw1.h5" "$FX/window_pusht_expected.h5" hw1_state_to1_h8_none || fail "HW1 recipe differs"
# the DP recipe's subset: 90 train + 4 val episodes, disjoint
out=$("$F" window "$T/ep.h5" -o "$T/dp90.h5" --obs keypoints --obs-steps 2 --horizon 16 --pad edge \
      --max-episodes 90 --val-episodes 4 --json 2>/dev/null) || fail "90-episode subset"
echo "$out" | grep -q '"train_episodes":90,"val_episodes":4' || fail "subset: $out"
echo "window_pusht_test: OK"
