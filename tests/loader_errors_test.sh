#!/bin/bash
# loader_errors_test.sh: every bad windows file or loader configuration gives ONE clear error line
# (rank 0), a non-zero exit on every rank, and no hang, under mpiexec.
# usage: loader_errors_test.sh MPIEXEC LOADER_PROBE FIXTURES_DIR
set -u
MPIEXEC=$1
PROBE=$2
FX=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
run() { # NP FILE B V
    timeout 60 "$MPIEXEC" -n "$1" --oversubscribe "$PROBE" "$2" "$3" "$4" >"$T/out" 2>"$T/err"
}
expect_error() { # WANT NP FILE B V
    local want=$1
    shift
    run "$@"
    local rc=$?
    [ $rc -ne 0 ] || fail "expected failure for: $*"
    [ $rc -ne 124 ] || fail "timed out (hang) for: $*"
    local n
    n=$(grep -c '^flowchunk.*error' "$T/err")
    [ "$n" = 1 ] || { cat "$T/err"; fail "expected one error line (got $n) for: $*"; }
    grep -q -- "$want" "$T/err" || { cat "$T/err"; fail "error line lacks '$want' for: $*"; }
    echo "ok: $(grep '^flowchunk.*error' "$T/err")"
}
G="$FX/window_win_good.h5"
run 2 "$G" 2 2 || { cat "$T/err"; fail "the good windows file does not load"; }
grep -q "^ok: 8 windows" "$T/out" || fail "good file: $(cat "$T/out")"
expect_error "/action is missing" 2 "$FX/window_win_no_action.h5" 2 2
expect_error "/action has shape (8,8), expected (8,6)" 2 "$FX/window_win_action_shape.h5" 2 2
expect_error "/obs row 5 column 1 is NaN" 2 "$FX/window_win_nan_obs.h5" 2 2
expect_error "expected 'flowchunk-windows'" 2 "$FX/window_win_wrong_format.h5" 2 2
expect_error "3 trainer ranks but only 2 training windows" 3 "$FX/window_win_tiny.h5" 3 3
expect_error "4 trainer ranks but only 2 virtual shards" 4 "$G" 2 2
expect_error "not a multiple of the 2 virtual shards" 2 "$G" 7 2
expect_error "global batch 80 too large" 2 "$G" 80 8
expect_error "No such file" 2 "$T/none.h5" 2 2
expect_error "not an HDF5 file" 2 "$FX/window_make_fixtures.py" 2 2
expect_error "global batch 0 must be >= 1" 1 "$G" 0 2
# a relative path that resolves on one rank only (another working directory, as on a node without
# the file): the ranks agree before the collective open, and the message names the failing rank
mkdir -p "$T/a" "$T/b"
cp "$G" "$T/a/w.h5"
timeout 60 "$MPIEXEC" --oversubscribe -n 1 --wdir "$T/a" "$PROBE" w.h5 2 2 : -n 1 --wdir "$T/b" "$PROBE" w.h5 2 2 \
    >"$T/out" 2>"$T/err"
rc=$?
[ $rc -ne 124 ] || fail "a windows file missing on one rank hangs the job"
[ $rc -ne 0 ] || fail "a windows file missing on one rank was not an error"
[ "$(grep -c '^flowchunk.*error' "$T/err")" = 1 ] || { cat "$T/err"; fail "missing on one rank: not one error line"; }
grep -q "error: rank 1 on $(hostname): w.h5: No such file" "$T/err" || { cat "$T/err"; fail "missing on one rank: the line does not name rank 1 and its host"; }
echo "ok: $(grep '^flowchunk.*error' "$T/err")"
echo "loader_errors_test: OK"
