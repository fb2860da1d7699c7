# shellcheck shell=bash
# policy_lib.sh: what the policy benchmarks read out of a run (sourced by run_policy.sh,
# policy_seeds.sh and inference_ablation.sh).
#   num KEY FILE       the first number KEY has in a JSON file (compact or pretty-printed)
#   dp_numbers METRICS Diffusion Policy's two numbers from a run's metrics.jsonl: its training
#                      evaluations (periodic + final) in step order give "best best_success
#                      mean_last mean_last_success n" (n = the last 5, or fewer if there are fewer)
num() { sed -n "s/.*\"$1\":[[:space:]]*\([-0-9.e]*\).*/\1/p" "$2" | head -1; }
dp_numbers() {
    grep '^{"eval_step"' "$1" |
        sed -n 's/.*"eval_step":\([0-9]*\).*"score":\([0-9.]*\),"success_rate":\([0-9.]*\).*/\1 \2 \3/p' | sort -n |
        awk '{ s[NR] = $2; u[NR] = $3; if ($2 > b) { b = $2; bu = $3 } }
             END { n = NR < 5 ? NR : 5; for (i = NR - n + 1; i <= NR; i++) { m += s[i] / n; mu += u[i] / n }
                   printf "%.4f %.4f %.4f %.4f %d", b, bu, m, mu, n }'
}
