#!/usr/bin/env bash
# step_profile.sh: where one training step's time goes, from `perf record -e cpu-clock` (the VMs
# here have no hardware counters) over a short `flowchunk train` run of one trainer: the samples of
# each symbol grouped into GEMM (OpenBLAS kernels and their packing; oneDNN's JIT-compiled brgemm
# kernels, which perf sees as bare addresses, and libdnnl), activation, LayerNorm, optimiser
# (AdamW, gradient norm, EMA), bf16 copies, memcpy/memset, and the rest (start-up and data
# loading included: use enough steps that they are small). Pass --precision to choose the back end.
#
#   benchmarks/step_profile.sh WINDOWS.h5 [flowchunk train args...]     (env: STEPS, default 300)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WIN=${1:?usage: step_profile.sh WINDOWS.h5 [train args...]}
shift
FC=${FLOWCHUNK:-$ROOT/build/flowchunk}
command -v perf >/dev/null || { echo "step_profile: perf not found (apt-get install linux-perf)" >&2; exit 1; }
source "$ROOT/jobs/env.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
perf record -q -e cpu-clock -o "$tmp/perf.data" -- "$FC" train "$WIN" --run-dir "$tmp/run" --steps "${STEPS:-300}" \
    --eval-every 0 --ckpt-every 0 --log-every 100 "$@" > "$tmp/train.log" 2>&1 ||
    { echo "step_profile: training failed: $(tail -2 "$tmp/train.log")" >&2; exit 1; }
perf report -i "$tmp/perf.data" --no-children --sort symbol --stdio 2>/dev/null | awk '
    /^ +[0-9.]+%/ { p = $1 + 0; sym = $3
        if (sym ~ /^0x[0-9a-f]+$|dnnl|brgemm|jit_/) g["GEMM (oneDNN)"] += p
        else if (sym ~ /to_bf16/) g["bf16 copies"] += p
        else if (sym ~ /sgemm|gemm_|_copy_|itcopy|incopy|oncopy|otcopy|sgemm_beta/) g["GEMM (OpenBLAS)"] += p
        else if (sym ~ /bias_backward|bias_grad|add_row/) g["bias gradient (+ its sweep)"] += p
        else if (sym ~ /act_|mish|silu|relu|gelu/) g["activation"] += p
        else if (sym ~ /layernorm|lane_sum/) g["LayerNorm"] += p
        else if (sym ~ /adamw|optim_|ema_/) g["optimiser + grad norm + EMA"] += p
        else if (sym ~ /memmove|memset|memcpy/) g["memcpy / memset"] += p
        else g["other"] += p }
    END { for (k in g) printf "%6.1f%%  %s\n", g[k], k }' | sort -rn
echo "step_profile: $(grep -o '[0-9]* samples/s' "$tmp/train.log" | tail -1) at the last log line; load average $(cut -d' ' -f1-3 /proc/loadavg)"
