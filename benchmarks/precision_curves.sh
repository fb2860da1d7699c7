#!/usr/bin/env bash
# precision_curves.sh: the first STEPS (3000) steps of the default recipe trained twice on the same
# windows with the same seed, once with fp32 products (--precision openblas) and once with bf16
# (--precision onednn-bf16), and their loss curves in one PNG with the relative difference
# (precision_curves.c). The loss of each logged point is the mean over LOG (100) steps.
#   benchmarks/precision_curves.sh WINDOWS.h5 OUT.png [extra train args...]
# Environment: STEPS (3000), LOG (100), FLOWCHUNK (build/flowchunk)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WIN=${1:?usage: precision_curves.sh WINDOWS.h5 OUT.png [train args...]}
OUT=${2:?usage: precision_curves.sh WINDOWS.h5 OUT.png [train args...]}
shift 2
FC=${FLOWCHUNK:-$ROOT/build/flowchunk}
PLOT=$(dirname "$FC")/benchmarks/precision_curves
[[ -x $PLOT ]] || PLOT=$ROOT/build/benchmarks/precision_curves
source "$ROOT/jobs/env.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for p in openblas onednn-bf16; do
    "$FC" train "$WIN" --run-dir "$tmp/$p" --steps "${STEPS:-3000}" --eval-every 0 --ckpt-every 0 \
        --log-every "${LOG:-100}" --precision "$p" "$@" > "$tmp/$p.log" 2>&1 ||
        { echo "precision_curves: the $p run failed: $(tail -2 "$tmp/$p.log")" >&2; exit 1; }
    grep -m1 "precision " "$tmp/$p.log" >&2
done
"$PLOT" "$tmp/openblas/metrics.jsonl" "$tmp/onednn-bf16/metrics.jsonl" "$OUT"
echo "precision_curves: load average $(cut -d' ' -f1-3 /proc/loadavg)"
