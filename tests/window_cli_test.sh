#!/bin/bash
# window_cli_test.sh: `flowchunk window` end to end on the committed small fixture (every window
# compared with the numpy re-implementation of Diffusion Policy's sampler), then every kind of bad
# input: one clear error line, a non-zero exit within seconds, and no output file left behind.
# usage: window_cli_test.sh FLOWCHUNK WINDOW_COMPARE FIXTURES_DIR
set -u
F=$1
CMP=$2
FX=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# ---- good configurations: group name in window_small_expected.h5 -> arguments
check_cfg() {
    local group=$1
    shift
    timeout 60 "$F" window "$FX/window_small_episodes.h5" -o "$T/$group.h5" "$@" 2>"$T/err" \
        || fail "$group: flowchunk window failed: $(cat "$T/err")"
    "$CMP" "$T/$group.h5" "$FX/window_small_expected.h5" "$group" || fail "$group differs from the reference"
}
check_cfg none_state_to1_h3 --obs state --obs-steps 1 --horizon 3 --pad none
check_cfg none_state_to2_h3 --obs state --obs-steps 2 --horizon 3
check_cfg edge_keypoints_to2_h4_ta3 --obs keypoints --obs-steps 2 --horizon 4 --n-action-steps 3 --pad edge
check_cfg edge_state_to2_h2_ta5 --obs-steps 2 --horizon 2 --n-action-steps 5 --pad edge

# --recipe dp|hw1 are the recipes' options (the same data and attributes), which other options change
# wherever they stand (the fixture's episodes are too short for the recipes' own horizons)
W() { "$F" window "$FX/window_small_episodes.h5" "$@" 2>"$T/err" || fail "flowchunk window $*: $(cat "$T/err")"; }
same() { cmp -s <(h5dump "$1" | tail -n +2) <(h5dump "$2" | tail -n +2); }
W -o "$T/dp_a.h5" --obs keypoints --obs-steps 2 --horizon 4 --n-action-steps 8 --pad edge
W -o "$T/dp_b.h5" --horizon 4 --recipe dp
same "$T/dp_a.h5" "$T/dp_b.h5" || fail "--recipe dp differs from its options"
W -o "$T/hw1_a.h5" --obs state --obs-steps 1 --horizon 3 --pad none
W -o "$T/hw1_b.h5" --recipe hw1 --horizon 3
same "$T/hw1_a.h5" "$T/hw1_b.h5" || fail "--recipe hw1 differs from its options"
"$F" window "$FX/window_small_episodes.h5" -o "$T/x.h5" --recipe nope 2>"$T/err" && fail "--recipe nope accepted"
grep -q "expects dp or hw1" "$T/err" || fail "--recipe nope: $(cat "$T/err")"

# --json reports the counts; the selection and attributes are stored
out=$("$F" window "$FX/window_small_episodes.h5" -o "$T/j.h5" --horizon 3 --max-episodes 2 --val-episodes 1 \
      --seed 0 --json 2>/dev/null) || fail "--json run failed"
echo "$out" | grep -q '"train_episodes":2' || fail "--json output: $out"
echo "$out" | grep -q '"val_episodes":1' || fail "--json output: $out"
[ "$(echo "$out" | wc -l)" = 1 ] || fail "--json must print exactly one line: $out"
if command -v h5dump >/dev/null; then
    h5dump -a /obs_kind -a /pad -a /horizon "$T/j.h5" >/dev/null || fail "attributes missing"
    h5dump -d /meta/train_episodes -d /meta/val_episodes "$T/j.h5" >/dev/null || fail "selection datasets missing"
fi

# ---- bad input: exactly one "flowchunk ... error" line, non-zero exit, nothing written
expect_error() {
    local want=$1
    shift
    rm -f "$T/bad.h5"
    timeout 60 "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    [ $rc -ne 0 ] || fail "expected failure for: $*"
    [ $rc -ne 124 ] || fail "timed out (hang) for: $*"
    local n
    n=$(grep -c '^flowchunk.*error' "$T/err")
    [ "$n" = 1 ] || { cat "$T/err"; fail "expected one error line (got $n) for: $*"; }
    grep -q -- "$want" "$T/err" || { cat "$T/err"; fail "error line lacks '$want' for: $*"; }
    [ ! -e "$T/bad.h5" ] || fail "an output file was left behind for: $*"
    ls "$T" | grep -q 'bad.h5.tmp' && fail "a temp file was left behind for: $*"
    echo "ok: $(grep '^flowchunk.*error' "$T/err")"
}
W() { echo "$F" window "$FX/window_bad_$1.h5" -o "$T/bad.h5"; }
expect_error "/data/action is missing" $(W missing_action)
expect_error "/data/state has shape" $(W state_shape)
expect_error "NaN in /data/state" $(W nan_state)
expect_error "Inf in /data/action" $(W inf_action)
expect_error "not increasing" $(W ends_order)
expect_error "episode_ends" $(W ends_past)
S="$FX/window_small_episodes.h5"
expect_error "zero windows" "$F" window "$S" -o "$T/bad.h5" --horizon 8
expect_error "zero validation windows" "$F" window "$S" -o "$T/bad.h5" --horizon 6 --max-episodes 1 --val-episodes 1 --seed 7
expect_error "must be <= --horizon" "$F" window "$S" -o "$T/bad.h5" --obs-steps 4 --horizon 3
expect_error "needs 4 episodes" "$F" window "$S" -o "$T/bad.h5" --max-episodes 3 --val-episodes 1
expect_error "leaves no training" "$F" window "$S" -o "$T/bad.h5" --val-episodes 3
expect_error "No such file" "$F" window "$T/none.h5" -o "$T/bad.h5"
expect_error "not an HDF5 file" "$F" window "$FX/window_make_fixtures.py" -o "$T/bad.h5"
expect_error "--pad expects" "$F" window "$S" -o "$T/bad.h5" --pad mirror
expect_error "--horizon expects" "$F" window "$S" -o "$T/bad.h5" --horizon 0
expect_error "missing -o" "$F" window "$S"
expect_error "does not exist" "$F" window "$S" -o "$T/nodir/bad.h5" --horizon 3
# under mpirun: rank 0 windows, every rank exits non-zero, still one line
if [ -n "${MPIEXEC:-}" ]; then
    expect_error "NaN in /data/state" "$MPIEXEC" -n 2 --oversubscribe $(W nan_state)
fi
echo "window_cli_test: OK"
