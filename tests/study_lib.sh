# shellcheck shell=bash disable=SC2034,SC2054  # sourced by tests/study_*_test.sh; "4,8" is one word
# study_lib.sh: the tiny study every study test runs (2 sizes x 2 seeds of scripted-expert demos,
# a 2 x 128 net, 600 steps: a few seconds per run, long enough to be stopped mid-training) and
# the checks of its outputs. Needs FC_ROOT (the source tree), FLOWCHUNK and REPORT_PNG_CHECK.
set -uo pipefail
T0=$SECONDS
say()  { printf '[%s +%ds] %s\n' "$(basename "$0" .sh)" $(( SECONDS - T0 )) "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
skip() { say "SKIP: $*"; exit 77; }

TINY_STUDY=(--data expert --sizes 4,8 --seeds 2 --epochs 1 --min-steps 600 --max-steps 600 --batch 64 --evals 4
            --last-ckpts 2 --heldout-episodes 6 --dp-episodes 4 --noise-seeds 2
            -- --hidden 128 --depth 2 --warmup 10 --eval-episodes 2 --eval-noise-seeds 1 --log-every 50)

# check_study DIR: the CSVs (4 runs, 2 sizes, the fit), the plots, every run scored on its last 2
# checkpoints of the 600-step budget, and the 2 budget probes (seed 0 at 1200 steps) in the summary
check_study() {
    local d=$1 f n
    for f in study.csv study_summary.csv study_fit.csv study_score.png study_success.png study_curves.png report.html; do
        [[ -s $d/$f ]] || fail "no $d/$f"
    done
    [[ $(head -n1 "$d/study.csv") == episodes,seed,score,success_rate,score_lo,score_hi,* ]] || fail "study.csv header: $(head -n1 "$d/study.csv")"
    n=$(awk -F, 'NR > 1 && ($1 == 4 || $1 == 8) && ($2 == 0 || $2 == 1) && $3 >= 0 && $3 <= 1 && $5 <= $3 && $3 <= $6 && $11 == 600 && $14 == 2 && $15 == 6 && ($19 == 0 || $19 == 1)' "$d/study.csv" | wc -l)
    [[ $n == 4 ]] || { cat "$d/study.csv" >&2; fail "study.csv: expected 4 runs (N 4, 8 x seeds 0, 1) scored in [lo, hi] on 2 checkpoints x 6 starts after 600 steps, got $n"; }
    n=$(awk -F, 'NR > 1 && $2 == 2 && $9 <= $3 && $3 <= $10 && $19 == 6 && $21 == 1200 && $23 ~ /^-?[0-9.]+$/' "$d/study_summary.csv" | cut -d, -f1 | tr '\n' ' ')
    [[ $n == "4 8 " ]] || { cat "$d/study_summary.csv" >&2; fail "study_summary.csv: expected N 4 and 8 with 2 seeds, the mean inside its interval, a 1200-step budget probe, got '$n'"; }
    n=$(awk -F, 'NR > 1 && $21 !~ /^-?[0-9.]+$/ || ($21 > 0.02 && $19 == 1) { bad++ } END { print bad + 0 }' "$d/study.csv")
    [[ $n == 0 ]] || { cat "$d/study.csv" >&2; fail "study.csv: a run without its probe's gain, or marked converged although its budget probe gained more than 0.02"; }
    grep -q '^score,1 - score = a \* N^-b,4,' "$d/study_fit.csv" || { cat "$d/study_fit.csv" >&2; fail "study_fit.csv: no power-law fit over the 4 runs"; }
    for f in study_score study_success study_curves; do
        "$REPORT_PNG_CHECK" "$d/$f.png" 8 >/dev/null || fail "$d/$f.png is blank or not a PNG"
    done
    for f in "$d"/N{4,8}_s0_x2; do
        [[ $(grep -o '"steps":[0-9]*' "$f/study/task.json") == '"steps":1200' ]] || fail "$f: the budget probe did not train 2 x 600 steps"
    done
    for f in "$d"/N{4,8}_s{0,1}; do
        [[ -s $f/study/heldout_0000450.json && -s $f/study/heldout_0000600.json && -s $f/study/dp_0000600.json ]] ||
            fail "$f: the last 2 checkpoints (450, 600) were not scored on the held-out starts and the DP seeds"
        grep -q '"seed":200000' "$f/study/heldout_0000600.json" || fail "$f: held-out starts do not begin at seed 200000"
    done
}
