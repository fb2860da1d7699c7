#!/usr/bin/env bash
# eval_invariance_cost.sh: what batch-invariant inference costs. Builds bench_eval of this tree
# (rowgemm inference) and of BASE (default 5a5a81c, the last commit whose inference ran on
# OpenBLAS), then runs them interleaved for ROUNDS rounds on one thread and prints each round's
# rollouts per CPU second (batched, 50 envs x 300 steps, 3x512 net) and the B=1 policy time, then
# the median ratio new / base. Interleaving matters: this VM's core speed drifts by 20% and more.
#   benchmarks/eval_invariance_cost.sh            env: BASE ROUNDS (5) BENCH_ARGS ("--repeat 3")
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-5a5a81c}
ROUNDS=${ROUNDS:-5}
BENCH_ARGS=${BENCH_ARGS:---repeat 3}
work=$(mktemp -d /tmp/fc_invcost.XXXXXX)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/base" "$BASE" >/dev/null 2>&1
for t in new base; do
    src=.; [ $t = base ] && src=$work/base
    cmake -S "$src" -B "$work/build_$t" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$work/build_$t" --target bench_eval -j"$(nproc)" >/dev/null
done
echo "eval_invariance_cost: new = $(git rev-parse --short HEAD)$(git diff --quiet || echo +changes), base = $BASE; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
export OPENBLAS_NUM_THREADS=1
ratios=() ratios1=()
for r in $(seq 1 "$ROUNDS"); do
    declare -A best single
    for t in new base; do
        out=$("$work/build_$t/benchmarks/bench_eval" $BENCH_ARGS)
        best[$t]=$(sed -n 's/^best: \([0-9.]*\) rollouts per CPU second.*/\1/p' <<< "$out")
        single[$t]=$(sed -n 's/^unbatched: .* would take \([0-9.]*\) CPU s.*/\1/p' <<< "$out")
    done
    ratio=$(awk -v a="${best[new]}" -v b="${best[base]}" 'BEGIN{printf "%.3f", a/b}')
    ratio1=$(awk -v a="${single[base]}" -v b="${single[new]}" 'BEGIN{printf "%.3f", a/b}')
    ratios+=("$ratio") ratios1+=("$ratio1")
    echo "round $r: batched rollouts/CPU s new ${best[new]} base ${best[base]} (new/base $ratio); B=1 policy CPU s new ${single[new]} base ${single[base]} (speed new/base $ratio1); load $(cut -d' ' -f1 /proc/loadavg)"
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "median new/base: batched $(med "${ratios[@]}")x, B=1 $(med "${ratios1[@]}")x (>1 = the batch-invariant inference is faster)"
