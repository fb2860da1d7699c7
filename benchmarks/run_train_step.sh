#!/bin/bash
# run_train_step.sh: training-step throughput of flowchunk's C flow policy vs PyTorch, fp32 and
# bf16, one thread each, interleaved in one run: every round runs flowchunk fp32 (OpenBLAS),
# flowchunk bf16 (oneDNN bf16 operands, fp32 accumulation), PyTorch fp32 and PyTorch bf16
# (autocast; Mish upcast to fp32, see torch_train_step.py), in that order.
#   benchmarks/run_train_step.sh [BUILD_DIR] [--seconds S] [--act mish|relu|silu|gelu] [--config DxW:B ...]
# BUILD_DIR defaults to ./build (it must contain benchmarks/bench_train_step). PyTorch runs with
# /usr/bin/python3 (torch 1.13, CPU). ROUNDS (default 3) rounds; the cores' speed drifts and other
# processes come and go, so each figure is the MEDIAN over the rounds (min..max shown next to it),
# and only ratios of the same run mean anything. flowchunk bf16 is skipped, with a message, where
# bench_train_step refuses it (no AVX512-BF16 / AMX); torch bf16 still runs. Both programs time
# process CPU time. Prints the CPU (/proc/cpuinfo), the ISA oneDNN dispatches to (bench_train_step's
# isa= and the bf16 kernel), the load average at the start of every round and at the end, then one
# row per config and precision: C and torch ms per step (median, and C's range), samples/s, GEMM
# GFLOP/s of the step, the step's products alone on C's back end (ms, GFLOP/s), and C/torch =
# torch ms / C ms at equal precision; then per config the bf16 speed-ups, fp32 ms / bf16 ms.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
bench="$build/benchmarks/bench_train_step"
[ -x "$bench" ] || { echo "run_train_step.sh: $bench not found (build the project first)" >&2; exit 1; }
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
rounds=${ROUNDS:-3}
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
bf16=1
if ! "$bench" --precision bf16 --config 1x16:4 --seconds 0.01 >/dev/null 2>"$err"; then
    bf16=0
    echo "run_train_step.sh: flowchunk bf16 skipped: $(head -1 "$err")" >&2
fi
cpu=$(awk -F': ' '/^model name/ { m = $2 } /^cpu family/ { f = $2 } /^model\t/ { n = $2 }
    /^flags/ { b = ($2 ~ /avx512_bf16/) ? "avx512_bf16" : "no avx512_bf16"; a = ($2 ~ /amx_bf16/) ? "amx_bf16" : "no amx"; exit }
    END { printf "%s (family %s model %s; %s, %s)", m, f, n, b, a }' /proc/cpuinfo)
loads=""
for _ in $(seq "$rounds"); do
    loads="$loads $(cut -d' ' -f1 /proc/loadavg)"
    "$bench" --precision fp32 "$@" >>"$out"
    [ "$bf16" = 1 ] && "$bench" --precision bf16 "$@" >>"$out"
    /usr/bin/python3 "$here/torch_train_step.py" "$@" >>"$out"
    /usr/bin/python3 "$here/torch_train_step.py" --bf16 "$@" >>"$out"
done
grep -h "^train_step" "$out" >&2 || true
echo "cpu: $cpu"
kern=$(grep 'gemm=onednn-bf16' "$out" | grep -m1 -o 'kernel=[^ ]*' | cut -d= -f2 || true)
echo "onednn: isa $(grep -m1 -o 'isa=[^ ]*' "$out" | cut -d= -f2), bf16 kernel ${kern:-none (flowchunk bf16 skipped)}"
echo "torch: $(grep -m1 -o 'torch=[^ ]*' "$out" | cut -d= -f2)$(grep -q 'mish=fp32-upcast' "$out" && echo ', bf16 Mish upcast to fp32')"
echo "load average (1 min) at the start of rounds 1..$rounds:$loads; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
# median over the rounds per (side, precision, config), then C joined with torch
awk -v rounds="$rounds" '
function val(k,   i, a) { for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == k) return a[2] } return "" }
function med(s,   a, n, i, j, t) { n = split(s, a, " ")
    for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    lo = a[1]; hi = a[n]; return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
/^train_step/ {
    key = val("config") " B=" val("batch") " " val("act"); side = (val("impl") == "c") ? "c" : "torch"; p = val("precision")
    k = side SUBSEP p SUBSEP key
    ms[k] = ms[k] " " val("ms"); gf[k] = gf[k] " " val("gflops"); batch[key] = val("batch")
    if (side == "c") { ga[k] = ga[k] " " val("gemm_alone_ms"); gag[k] = gag[k] " " val("gemm_alone_gflops"); be[k] = val("gemm") }
    if (!(key in seen)) { seen[key] = 1; order[++n] = key }
}
END {
    printf "%-22s %-5s %-12s %20s %9s %8s %9s %6s %8s %17s %8s\n", "config", "prec", "C gemm", "C ms (range)", "torch ms", "C smp/s", "torch s/s", "C GF/s", "torch GF", "C products alone", "C/torch"
    for (i = 1; i <= n; i++) {
        key = order[i]
        for (q = 1; q <= 2; q++) {
            p = q == 1 ? "fp32" : "bf16"; kc = "c" SUBSEP p SUBSEP key; kt = "torch" SUBSEP p SUBSEP key
            t = (kt in ms) ? med(ms[kt]) : 0
            if (kc in ms) {
                c = med(ms[kc]); clo = lo; chi = hi; M[p, key] = c
                rng = sprintf("%.3f (%.2f-%.2f)", c, clo, chi)
                al = sprintf("%.3f ms (%.0f)", med(ga[kc]), med(gag[kc]))
                printf "%-22s %-5s %-12s %20s %9.3f %8d %9d %6.1f %8.1f %17s %7.2fx\n", key, p, be[kc], rng, t, 1000 * batch[key] / c, t ? 1000 * batch[key] / t : 0, med(gf[kc]), t ? med(gf[kt]) : 0, al, t ? t / c : 0
            } else
                printf "%-22s %-5s %-12s %20s %9.3f %8s %9d %6s %8.1f %17s %8s\n", key, p, "skipped", "-", t, "-", t ? 1000 * batch[key] / t : 0, "-", t ? med(gf[kt]) : 0, "-", "-"
            T[p, key] = t
        }
    }
    print "bf16 speed-up (fp32 ms / bf16 ms, medians):"
    for (i = 1; i <= n; i++) {
        key = order[i]
        cs = (("bf16", key) in M) ? sprintf("%.2fx", M["fp32", key] / M["bf16", key]) : "skipped"
        printf "  %-22s flowchunk %s, torch %.2fx\n", key, cs, T["bf16", key] ? T["fp32", key] / T["bf16", key] : 0
    }
}' "$out"
