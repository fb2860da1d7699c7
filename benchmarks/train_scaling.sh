#!/usr/bin/env bash
# train_scaling.sh BUILD_DIR [WINDOWS.h5]: data-parallel scaling of `flowchunk train` on this node.
# Runs the default 3 x 512 flow policy for --steps STEPS (default 300), PER_RANK samples per
# trainer and step (default 256, the default global batch of one trainer), and reads each run's
# summary.json: samples/s (global batch / mean step time on trainer 0), the reduction time and the
# compute CPU time per rank.
#
# A VM's cores do not run at a constant speed (other tenants, turbo), so one configuration measured
# minutes after another can differ by 20% for reasons that have nothing to do with MPI. The core
# configurations therefore run in ROUNDS (default 5) of back-to-back runs, and every speed-up is the
# ratio of two runs of the same round; the table reports the median round. Per round:
#   one     1 trainer, B=PER_RANK
#   pair    two independent 1-trainer runs side by side, B=PER_RANK each (no MPI between them):
#           what this machine gives two busy processes at all, the ceiling of any 2-rank speed-up
#   weak    2 trainers, B=2*PER_RANK              strong  2 trainers, B=PER_RANK
#   overlap 2 trainers, B=2*PER_RANK, --overlap on (per-layer reductions started inside backward)
# Then once: 4 ranks oversubscribed (losses vs 1 rank: correctness only) and 2 trainers + 1
# evaluator (rollouts/s of the pool while training). Ranks are not bound to cores (--bind-to none).
# Without WINDOWS.h5 the real Push-T data ($FC_ZARR, default ../shared/data/pusht_cchi_v7_replay.zarr)
# is imported and windowed as Diffusion Policy (keypoints, To 2, H 16, edge padding).
set -euo pipefail
BUILD=${1:?usage: train_scaling.sh BUILD_DIR [WINDOWS.h5]}
FC=$BUILD/flowchunk
STEPS=${STEPS:-300}
ROUNDS=${ROUNDS:-5}
PB=${PER_RANK:-256}
source "$(dirname "$0")/../jobs/env.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fc_train_scaling.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
WIN=${2:-}
if [[ -z $WIN ]]; then
    ZARR=${FC_ZARR:-$(dirname "$0")/../../shared/data/pusht_cchi_v7_replay.zarr}
    "$FC" import "$ZARR" -o "$WORK/ep.h5" 2>/dev/null
    "$FC" window "$WORK/ep.h5" -o "$WORK/win.h5" --obs keypoints --obs-steps 2 --horizon 16 --pad edge 2>/dev/null
    WIN=$WORK/win.h5
fi
json() { sed -n "s/.*\"$1\":[[:space:]]*\([-0-9.e+]*\).*/\1/p" "$2" | head -n1; }

# train DIR NP ARGS...: one run; its summary lands in DIR/summary.json
train() {
    local dir=$1 np=$2
    shift 2
    rm -rf "$dir"
    mpiexec --bind-to none -n "$np" "$FC" train "$WIN" --run-dir "$dir" --steps "$STEPS" --log-every 50 \
        --eval-every 0 --check-every 0 --ckpt-every 0 "$@" >"$dir.log" 2>&1 || { cat "$dir.log" >&2; exit 1; }
}
# fields DIR: "samples/s step_ms reduction_ms wait_ms compute_cpu_ms" (trainer 0's means per step)
fields() { echo "$(json samples_per_s "$1/summary.json") $(json step_ms "$1/summary.json")" \
                "$(json allreduce_ms "$1/summary.json") $(json wait_ms "$1/summary.json")" \
                "$(json compute_cpu_ms "$1/summary.json")"; }

CORES=$(nproc --all)
echo "flowchunk train scaling: $CORES cores, $STEPS steps, $ROUNDS rounds, $PB samples per trainer, $(date -u +%F)"
: >"$WORK/rounds"
for (( r = 0; r < ROUNDS; r++ )); do
    train "$WORK/one" 1 --batch "$PB"
    train "$WORK/pa" 1 --batch "$PB" & pa=$!
    train "$WORK/pb" 1 --batch "$PB"
    wait "$pa"
    train "$WORK/weak" 2 --batch $((2 * PB))
    train "$WORK/strong" 2 --batch "$PB"
    train "$WORK/overlap" 2 --batch $((2 * PB)) --overlap on
    pair=$(awk -v a="$(json samples_per_s "$WORK/pa/summary.json")" -v b="$(json samples_per_s "$WORK/pb/summary.json")" \
           'BEGIN { print a + b }')
    # one line per round: one (5 fields) pair (1) weak (5) strong (5) overlap (5)
    echo "$(fields "$WORK/one") $pair $(fields "$WORK/weak") $(fields "$WORK/strong") $(fields "$WORK/overlap")" \
        | tee -a "$WORK/rounds" | awk -v r="$r" '{ printf "round %d: 1 trainer %.0f, pair %.0f, weak %.0f, strong %.0f, overlap %.0f samples/s\n", r, $1, $6, $7, $12, $17 }' >&2
done
# the median round by weak/one (the headline ratio); its figures fill the table
awk '{ print $7 / $1, $0 }' "$WORK/rounds" | sort -g | awk -v m="$(( (ROUNDS + 1) / 2 ))" 'NR == m' | cut -d' ' -f2- >"$WORK/median"
read -r o_s o_ms o_red o_wait o_cpu pair w_s w_ms w_red w_wait w_cpu s_s s_ms s_red s_wait s_cpu \
        v_s v_ms v_red v_wait v_cpu <"$WORK/median"
printf '| configuration | trainers | global batch | samples/s | vs 1 trainer | step ms | allreduce ms (share) | wait for the slower rank ms (share) | compute CPU ms per rank |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
row() { awk -v n="$1" -v t="$2" -v b="$3" -v s="$4" -v base="$o_s" -v ms="$5" -v red="$6" -v w="$7" -v cpu="$8" \
        'BEGIN { printf "| %s | %d | %d | %.0f | %.2fx | %.1f | %.2f (%.1f%%) | %.2f (%.1f%%) | %.1f |\n", n, t, b, s, s / base, ms, red, 100 * red / ms, w, 100 * w / ms, cpu }'; }
row "1 trainer" 1 "$PB" "$o_s" "$o_ms" "$o_red" "$o_wait" "$o_cpu"
row "weak: fixed per-rank batch $PB" 2 $((2 * PB)) "$w_s" "$w_ms" "$w_red" "$w_wait" "$w_cpu"
row "strong: fixed global batch" 2 "$PB" "$s_s" "$s_ms" "$s_red" "$s_wait" "$s_cpu"
row "weak, --overlap on (wait inside the reduction)" 2 $((2 * PB)) "$v_s" "$v_ms" "$v_red" "$v_wait" "$v_cpu"
awk -v p="$pair" -v o="$o_s" -v b="$PB" 'BEGIN { printf "| two independent 1-trainer runs side by side (ceiling) | 2 x 1 | 2 x %d | %.0f | %.2fx | | | | |\n", b, p, p / o }'
# the spread over rounds of each ratio (min / median / max)
awk '{ w[NR] = $7 / $1; c[NR] = $6 / $1; e[NR] = $7 / $6; s[NR] = $12 / $1; v[NR] = $17 / $7
       ar[NR] = $9 / $8; wt[NR] = $10 / $8 }
     function stat(name, a,    i, j, t, n) { n = NR
         for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
         printf "%-44s min %.2f  median %.2f  max %.2f\n", name, a[1], a[int((n + 1) / 2)], a[n] }
     END { printf "over %d rounds (ratios of runs in the same round):\n", NR
           stat("weak 1 -> 2 trainers (samples/s ratio)", w); stat("ceiling: independent pair / one", c)
           stat("weak 2 trainers / independent pair", e); stat("strong 1 -> 2 trainers", s)
           stat("overlap on / off (weak)", v); stat("weak: allreduce share of the step", ar)
           stat("weak: wait share of the step", wt) }' "$WORK/rounds"

train "$WORK/four" 4 --batch "$PB"
# correctness of the oversubscribed run: its losses against the last 1-trainer run's at the same steps
join <(sed -n 's/^{"step":\([0-9]*\),.*"loss":\([^,]*\),.*/\1 \2/p' "$WORK/one/metrics.jsonl" | sort) \
     <(sed -n 's/^{"step":\([0-9]*\),.*"loss":\([^,]*\),.*/\1 \2/p' "$WORK/four/metrics.jsonl" | sort) |
    awk '{ d = $2 - $3; if (d < 0) d = -d; r = d / $2; if (r > m) m = r; n++ }
         END { printf "4 ranks on 2 cores vs 1: max relative difference of the losses at %d logged steps %.1e\n", n, m }'
# the evaluator pool next to 2 trainers: 50 episodes x 300 steps every 100 steps
train "$WORK/pool" 3 --eval-ranks 1 --batch "$PB" --eval-every 100
grep '^{"eval_step"' "$WORK/pool/metrics.jsonl" | sed -n 's/.*"rollouts_per_s":\([0-9.e+]*\).*"eval_seconds":\([0-9.e+]*\).*/\1 \2/p' |
    awk '{ r += $1; s += $2; n++ } END { printf "evaluator pool (1 rank, 50 episodes x <=300 steps): %.1f rollouts/s, %.1f s per evaluation, %d evaluations\n", r / n, s / n, n }'
printf '2 trainers + 1 evaluator: %.0f samples/s (2 trainers alone, last round: %.0f)\n' \
    "$(json samples_per_s "$WORK/pool/summary.json")" "$(json samples_per_s "$WORK/strong/summary.json")"
