#!/bin/bash
# run_train_step.sh: training-step throughput of flowchunk's C flow policy vs PyTorch, side by
# side, one thread each, and the ratio C/torch per config.
#   benchmarks/run_train_step.sh [BUILD_DIR] [--seconds S] [--act mish|relu|silu|gelu] [--config DxW:B ...]
# BUILD_DIR defaults to ./build (it must contain benchmarks/bench_train_step). PyTorch runs with
# /usr/bin/python3 (torch 1.13, CPU). The two programs alternate ROUNDS times (default 3) and the
# best round of each is kept (and the best sgemm-only time), so a transient load from other
# processes hurts neither side. Both time process CPU time. Table columns: C and torch ms per
# step, C samples/s and GEMM GFLOP/s of the step, the sgemm calls of one step alone (ms, GFLOP/s),
# and the speed-up C/torch = torch ms / C ms.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
bench="$build/benchmarks/bench_train_step"
[ -x "$bench" ] || { echo "run_train_step.sh: $bench not found (build the project first)" >&2; exit 1; }
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
rounds=${ROUNDS:-3}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for r in $(seq "$rounds"); do
    "$bench" "$@" >>"$out"
    /usr/bin/python3 "$here/torch_train_step.py" "$@" >>"$out"
done
grep -h "^train_step" "$out" >&2 || true
# keep the fastest round per (impl, config), then join C with torch
awk '
function val(k,   i, a) { for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == k) return a[2] } return "" }
/^train_step/ {
    key = val("config") " batch=" val("batch") " act=" val("act"); impl = val("impl"); ms = val("ms") + 0
    if (!((impl, key) in best) || ms < best[impl, key]) {
        best[impl, key] = ms; sps[impl, key] = val("samples_per_s"); gf[impl, key] = val("gflops")
    }
    if (impl == "c" && (!(key in sgms) || val("sgemm_ms") + 0 < sgms[key])) { sg[key] = val("sgemm_gflops"); sgms[key] = val("sgemm_ms") + 0 }
    if (!(key in seen)) { seen[key] = 1; order[++n] = key }
}
END {
    printf "%-30s %8s %9s %9s %7s %10s %10s %10s %8s\n", "config", "C ms", "torch ms", "C smp/s", "C GF/s", "torch GF/s", "sgemm ms", "sgemm GF/s", "C/torch"
    for (i = 1; i <= n; i++) {
        k = order[i]
        printf "%-30s %8.3f %9.3f %9d %7.1f %10.1f %10.3f %10.1f %7.2fx\n", k, best["c", k], best["torch", k], sps["c", k], gf["c", k], gf["torch", k], sgms[k], sg[k], best["torch", k] / best["c", k]
    }
}' "$out"
