#!/usr/bin/env bash
# train_step_ab.sh: the training step of two builds of flowchunk, A and B, interleaved in one run
# (the cores' speed drifts: only ratios measured side by side mean anything). Each round trains
# STEPS steps with each build on the same windows and arguments, NP trainers (default 1; NP > 1
# runs mpirun -np NP), one BLAS thread each, and reads the mean step time of the steps after the
# first LOG from metrics.jsonl; prints each round, the median ms per step and samples/s (global
# batch from summary.json / step time) of each side, the GEMM back end each side ran, the ratio
# A/B, whether the two sides' weights are the same bits after the run, and the load average at
# the start of every round and at the end.
#
#   benchmarks/train_step_ab.sh A_BUILD_DIR B_BUILD_DIR WINDOWS.h5 [flowchunk train args...]
# Environment: ROUNDS (default 5), STEPS (default 300), LOG (default 100: steps 101..STEPS are timed),
# NP (default 1), A_ARGS / B_ARGS: extra train arguments of one side only (e.g. B_ARGS="--arch
# plain --precision bf16" against an older build A that knows neither option). fp32 against bf16
# with 2 trainers on one build:
#   NP=2 A_ARGS="--precision fp32" B_ARGS="--precision bf16" benchmarks/train_step_ab.sh build build \
#       WINDOWS.h5 --arch plain --depth 3 --hidden 512 --batch 256
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
A=${1:?usage: train_step_ab.sh A_BUILD B_BUILD WINDOWS.h5 [train args...]}
B=${2:?usage: train_step_ab.sh A_BUILD B_BUILD WINDOWS.h5 [train args...]}
WIN=${3:?usage: train_step_ab.sh A_BUILD B_BUILD WINDOWS.h5 [train args...]}
shift 3
ROUNDS=${ROUNDS:-5} STEPS=${STEPS:-300} LOG=${LOG:-100} NP=${NP:-1}
for b in "$A" "$B"; do [[ -x $b/flowchunk ]] || { echo "train_step_ab: no $b/flowchunk (build it first)" >&2; exit 1; }; done
[[ -f $WIN ]] || { echo "train_step_ab: no windows file $WIN" >&2; exit 1; }
source "$ROOT/jobs/env.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# step_ms of the steps after the first LOG: (elapsed(STEPS) - elapsed(LOG)) / (STEPS - LOG)
timed() {
    awk -v lo="$LOG" -v hi="$STEPS" '
        match($0, /"step":[0-9]+/) { s = substr($0, RSTART + 7, RLENGTH - 7) + 0
            if (match($0, /"elapsed_s":[0-9.e+-]+/)) { e = substr($0, RSTART + 12, RLENGTH - 12) + 0
                if (s == lo) e0 = e; if (s == hi) e1 = e } }
        END { printf "%.3f", 1000 * (e1 - e0) / (hi - lo) }' "$1"
}
hash() { grep '"weights_hash"' "$1" | tail -1 | sed 's/.*"weights_hash":"\([0-9a-f]*\)".*/\1/'; }
# a number or string field of the run's summary.json ("batch", "gemm")
field() { sed -n 's/^[[:space:]]*"'"$2"'":[[:space:]]*"\{0,1\}\([^",]*\)"\{0,1\},\{0,1\}$/\1/p' "$1" | head -1; }
launch=(); [[ $NP -gt 1 ]] && launch=(mpirun -np "$NP")
loads=""
echo "round  A ms/step  B ms/step  A/B  load" >&2
for r in $(seq "$ROUNDS"); do
    load=$(cut -d' ' -f1 /proc/loadavg) loads="$loads $load"
    for side in A B; do
        dir=$A extra=${A_ARGS:-}; [[ $side == B ]] && dir=$B extra=${B_ARGS:-}
        read -r -a extra <<<"$extra"
        rm -rf "${tmp:?}/$side"
        "${launch[@]}" "$dir/flowchunk" train "$WIN" --run-dir "$tmp/$side" --steps "$STEPS" --eval-every 0 --ckpt-every 0 \
            --log-every "$LOG" "$@" "${extra[@]}" > "$tmp/$side.log" 2>&1 || { echo "train_step_ab: $side failed: $(tail -2 "$tmp/$side.log")" >&2; exit 1; }
        cp "$tmp/$side/metrics.jsonl" "$tmp/$side.r$r.jsonl"
        cp "$tmp/$side/summary.json" "$tmp/$side.summary.json"
    done
    a=$(timed "$tmp/A.r$r.jsonl") b=$(timed "$tmp/B.r$r.jsonl")
    echo "$r $a $b" >> "$tmp/rounds"
    awk -v r="$r" -v a="$a" -v b="$b" -v l="$load" 'BEGIN { printf "%5d  %9.2f  %9.2f  %.3f  %s\n", r, a, b, a / b, l }' >&2
done
med() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ma=$(cut -d' ' -f2 "$tmp/rounds" | med) mb=$(cut -d' ' -f3 "$tmp/rounds" | med)
ratio=$(awk '{ print $2 / $3 }' "$tmp/rounds" | med)
same=no; [[ $(hash "$tmp/A.r1.jsonl") == "$(hash "$tmp/B.r1.jsonl")" ]] && same=yes
bat=$(field "$tmp/A.summary.json" batch)
sps() { awk -v b="$bat" -v ms="$1" 'BEGIN { printf "%.0f", 1000 * b / ms }'; }
printf 'train_step_ab: %s trainer(s), batch %s; median ms/step A %s (%s samples/s, %s), B %s (%s samples/s, %s); median of the rounds'"'"' A/B %.3f; same weights after %s steps: %s; load average (1 min) at the rounds'"'"' starts:%s, at the end %s\n' \
    "$NP" "$bat" "$ma" "$(sps "$ma")" "$(field "$tmp/A.summary.json" gemm)" "$mb" "$(sps "$mb")" \
    "$(field "$tmp/B.summary.json" gemm)" "$ratio" "$STEPS" "$same" "$loads" "$(cut -d' ' -f1-3 /proc/loadavg)"
