#!/usr/bin/env bash
# harden_inputs_test.sh TRAIN_FIXTURE EVAL_MAKE_CKPT HARDEN_POISON: hostile files end in ONE clear
# error line and a non-zero exit, never a crash, an abort or a terabyte allocation:
#   - a corrupt HDF5 dataspace (the episodes' row count patched to 2^40): `info` and `window`
#     name the implausible dataset (before: they tried to allocate 22 TB)
#   - a checkpoint with a NaN/Inf weight, EMA weight or norm: `flowchunk eval` refuses it naming
#     the tensor (before: every rank aborted, exit 134, "a Push-T action must be finite")
source "$(dirname "$0")/check_lib.sh"
FIXTURE=$1 MAKE_CKPT=$2 POISON=$3
FC=${FC_FLOWCHUNK:?}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1

# expect_error NAME PATTERN CMD...: exit 1 (not a signal), exactly one stderr line matching PATTERN
expect_error() {
    local name=$1 pattern=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    [ $rc -eq 1 ] || { fail "$name: exit status $rc, expected 1: $(head -c 400 "$T/err")"; return; }
    [ "$(wc -l <"$T/err")" -eq 1 ] || { fail "$name: expected one stderr line, got: $(head -c 600 "$T/err")"; return; }
    grep -q -- "$pattern" "$T/err" || { fail "$name: error does not match '$pattern': $(cat "$T/err")"; return; }
    echo "ok $name: $(cat "$T/err")" >&2
}

# ---- sizes from the file: the row count of /data/state, /data/action and /data/keypoint patched
"$FIXTURE" "$T/ep.h5" 12 1 || { fail "train_fixture failed"; finish; }
n=$("$FC" info "$T/ep.h5" --json 2>/dev/null | sed -n 's/.*"steps":\([0-9]*\).*/\1/p')
cp "$T/ep.h5" "$T/huge.h5"
# every 8-byte little-endian n in the file becomes 2^40 (dataspace dims; no checksums in v1 headers)
perl -e 'my ($f, $n) = @ARGV; local $/; open my $h, "+<", $f or die; binmode $h; my $b = <$h>;
         my $from = pack("Q<", $n), $to = pack("Q<", 1 << 40); my $k = ($b =~ s/\Q$from\E/$to/g);
         seek $h, 0, 0; print $h $b; close $h; exit($k ? 0 : 1)' "$T/huge.h5" "$n" || fail "could not patch the dataspace"
expect_error info_huge_dataspace "/data/state claims 2.199e+13 bytes of data, implausible for a file of" "$FC" info "$T/huge.h5"
expect_error window_huge_dataspace "/data/state claims 2.199e+13 bytes of data, implausible" \
    "$FC" window "$T/huge.h5" -o "$T/w.h5"
[ -e "$T/w.h5" ] && fail "window_huge_dataspace: an output file was written"

# ---- poisoned checkpoints
"$MAKE_CKPT" "$T/ck.h5" --obs state --obs-steps 2 --horizon 8 --n-action-steps 4 --hidden 16 --depth 1 --ema \
    >/dev/null 2>&1 || { fail "eval_make_ckpt failed"; finish; }
"$FC" eval "$T/ck.h5" --episodes 1 --max-steps 10 --json >/dev/null 2>"$T/err" || fail "the clean checkpoint does not evaluate: $(cat "$T/err")"
poisoned() { # poisoned NAME INDEX VALUE: a copy of the clean checkpoint with one value replaced
    cp "$T/ck.h5" "$T/bad.h5" && "$POISON" "$T/bad.h5" "$1" "$2" "$3" || fail "harden_poison $1 failed"
}
poisoned /ema/net.0.weight 3 nan
expect_error ckpt_nan_ema "/ema/net.0.weight\[3\] is nan: refusing a checkpoint with non-finite values" \
    "$FC" eval "$T/bad.h5" --episodes 1 --max-steps 10
poisoned /ema/net.2.bias 0 inf
expect_error ckpt_inf_ema "/ema/net.2.bias\[0\] is inf" "$FC" eval "$T/bad.h5" --episodes 1 --max-steps 10
poisoned /norm/action_max 1 nan
expect_error ckpt_nan_norm "/norm/action_max\[1\] is not finite" "$FC" eval "$T/bad.h5" --episodes 1 --max-steps 10
finish
