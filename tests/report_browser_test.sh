#!/usr/bin/env bash
# report_browser_test.sh: HTML reports of real short runs, checked in headless Chromium.
#   report_browser_test.sh PNG_CHECK MPIEXEC PROJECT_ROOT   (FC_FLOWCHUNK and FC_ZARR from CTest)
# 1. data: the real Push-T zarr (FC_ZARR) or, where it is absent, 24 scripted-expert demos
# 2. run A: 300 steps on 2 ranks (1 trainer + 1 evaluator pool), an evaluation every 100 steps;
#    eval.json + the best/worst-start GIF of best.h5; run B: inline evaluations, another lr;
#    run C: no evaluation at all; a copy of A as a run in progress (no summary.json) whose
#    metrics.jsonl ends in a line cut short; a tiny study (N = 10, 20 episodes x seeds 0, 1)
# 3. `flowchunk report` on each; a directory that is not a run dir fails with one error line
# 4. Chromium (no network: every host unresolvable, the page's CSP forbids any fetch, which
#    Chromium logs to the console) loads each page: no console message, every src a data: URI, one SVG series per curve with as many points as metrics.jsonl
#    has lines of that kind, and a screenshot that is not blank. A negative control (run A's page
#    plus an external image) must produce a console message, so the check itself can fail.
set -uo pipefail
PNG_CHECK=${1:?usage: $0 PNG_CHECK MPIEXEC PROJECT_ROOT}
MPIEXEC=${2:?usage: $0 PNG_CHECK MPIEXEC PROJECT_ROOT}
ROOT=${3:?usage: $0 PNG_CHECK MPIEXEC PROJECT_ROOT}
FC=${FC_FLOWCHUNK:?FC_FLOWCHUNK is set by CTest}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fc_report_test.XXXXXX")
trap '[[ -n ${FC_KEEP:-} ]] || rm -rf "$WORK"' EXIT
fail() { echo "report_browser: FAIL: $*" >&2; exit 1; }
say() { echo "report_browser: $*" >&2; }

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[[ -n $CHROMIUM ]] || { say "SKIP: no chromium (jobs/install_deps.sh installs Debian's chromium)"; exit 77; }
CHR=("$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
     --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars
     --user-data-dir="$WORK/chromium" "--host-resolver-rules=MAP * ~NOTFOUND" --enable-logging=stderr --v=0)
echo '<!doctype html><p>ok</p>' > "$WORK/probe.html"
if ! timeout 60 "${CHR[@]}" --dump-dom "file://$WORK/probe.html" 2>"$WORK/probe.log" | grep -q '<p>ok</p>'; then
    tail -5 "$WORK/probe.log" >&2
    say "SKIP: chromium cannot start here (see above)"
    exit 77
fi

# ---- data and runs
if [[ -d ${FC_ZARR:-/nonexistent} ]]; then
    "$FC" import "$FC_ZARR" -o "$WORK/ep.h5" 2>"$WORK/import.log" || { cat "$WORK/import.log" >&2; fail "import"; }
    say "data: the real Push-T demonstrations ($FC_ZARR)"
else
    "$MPIEXEC" -n 2 --oversubscribe "$FC" demos -o "$WORK/ep.h5" --episodes 24 2>"$WORK/demos.log" ||
        { cat "$WORK/demos.log" >&2; fail "demos"; }
    say "data: 24 scripted-expert demos (no zarr at ${FC_ZARR:-?})"
fi
window() { # OUT [args]
    local out=$1; shift
    "$FC" window "$WORK/ep.h5" -o "$out" --recipe dp \
        "$@" 2>>"$WORK/window.log" || { cat "$WORK/window.log" >&2; fail "window $*"; }
}
WIN=$WORK/win.h5
window "$WIN"
NET=(--hidden 64 --depth 2 --batch 64 --virtual-shards 8 --warmup 20 --eval-episodes 4 --eval-max-steps 120
     --log-every 20 --ckpt-every 100)
train() { # NP RUN [args]: NP = 0 runs a plain process
    local np=$1 run=$2; shift 2
    local cmd=("$FC" train "$WIN" --run-dir "$run" "${NET[@]}" "$@")
    [[ $np == 0 ]] || cmd=("$MPIEXEC" -n "$np" --oversubscribe "${cmd[@]}")
    "${cmd[@]}" >"$run.log" 2>&1 || { tail -20 "$run.log" >&2; fail "train $run"; }
}
A=$WORK/runA B=$WORK/runB C=$WORK/runC
train 2 "$A" --steps 300 --eval-every 100 --eval-ranks 1 --lr 1e-3
train 0 "$B" --steps 200 --eval-every 100 --lr 3e-3
train 0 "$C" --steps 60 --eval-every 0
grep -q "report: $A/report.html" "$A.log" || fail "the trainer did not announce report.html"
"$FC" eval "$A/best.h5" --episodes 4 --max-steps 120 --json --gif "$A/rollouts_best_worst.gif" \
    --gif-episodes best,worst --gif-size 96 >"$A/eval.json" 2>"$WORK/evalA.log" || { cat "$WORK/evalA.log" >&2; fail "eval"; }
grep -q -- "--gif-episodes: best = episode" "$WORK/evalA.log" || fail "eval --gif-episodes best,worst did not pick"

# a run in progress with a half-written last line
P=$WORK/runP
cp -r "$A" "$P"
rm -f "$P/summary.json" "$P/report.html"
head -c -40 "$A/metrics.jsonl" >"$P/metrics.jsonl"

# the tiny study: N10_s0 N10_s1 N20_s0 N20_s1 with eval.json, then jobs/scaling_summary.sh
S=$WORK/study
mkdir -p "$S"
for n in 10 20; do
    window "$WORK/win_N$n.h5" --max-episodes "$n"
    for s in 0 1; do
        WIN=$WORK/win_N$n.h5 train 0 "$S/N${n}_s$s" --steps 100 --eval-every 0 --seed "$s"
        "$FC" eval "$S/N${n}_s$s/latest.h5" --episodes 4 --max-steps 120 --json >"$S/N${n}_s$s/eval.json" \
            2>>"$WORK/study_eval.log" || fail "study eval N$n s$s"
    done
done
FLOWCHUNK=$FC bash "$ROOT/jobs/scaling_summary.sh" "$S" >"$WORK/summary.log" 2>&1 || { cat "$WORK/summary.log" >&2; fail "scaling_summary"; }
[[ -s $S/report.html && -s $S/scaling.png ]] || fail "scaling_summary wrote no study report or PNG"
"$PNG_CHECK" "$S/scaling.png" 8 >&2 || fail "the study PNG is blank"
"$PNG_CHECK" "$A/learning_curve.png" 8 >&2 || fail "the learning-curve PNG is blank"

# ---- reports
"$FC" report "$A" 2>"$WORK/rA.log" || { cat "$WORK/rA.log" >&2; fail "report A"; }
"$FC" report "$A" "$B" -o "$WORK/compare.html" 2>/dev/null || fail "report A B"
"$FC" report "$C" 2>/dev/null || fail "report of a run without evaluations"
"$FC" report "$P" 2>/dev/null || fail "report of a run in progress with a truncated metrics line"
grep -q 'id="no-eval"' "$C/report.html" || fail "the no-evaluation run does not say so"
grep -q 'the last line, cut short' "$P/report.html" || fail "the truncated metrics line is not reported"
grep -q 'running' "$P/report.html" || fail "the run in progress is not marked as running"
mkdir -p "$WORK/notarun"
"$FC" report "$WORK/notarun" >"$WORK/nr.out" 2>"$WORK/nr.err" && fail "a directory that is not a run dir was accepted"
[[ $(wc -l <"$WORK/nr.err") == 1 ]] && grep -q "not a flowchunk run directory" "$WORK/nr.err" ||
    { cat "$WORK/nr.err" >&2; fail "not one clear error line for a non-run directory"; }
"$FC" report "$WORK/missing" 2>/dev/null && fail "a missing directory was accepted"

# ---- the browser
# load PAGE NAME: DOM to NAME.dom, log to NAME.log, screenshot NAME.png; fails on a console message
load() {
    local page=$1 name=$2
    timeout 90 "${CHR[@]}" --dump-dom "file://$page" >"$WORK/$name.dom" 2>"$WORK/$name.log" || fail "$name: chromium failed"
    timeout 90 "${CHR[@]}" --window-size=1200,1400 --screenshot="$WORK/$name.png" "file://$page" >/dev/null 2>>"$WORK/$name.log" ||
        fail "$name: no screenshot"
    if grep -E ':CONSOLE|Failed to load|net::ERR' "$WORK/$name.log" >&2; then return 1; fi
    [[ $name == control ]] && return 0
    "$PNG_CHECK" "$WORK/$name.png" 200 >&2 || fail "$name: blank screenshot"
    # self-contained: every src is a data: URI (the CSP would block anything else, see the control)
    if grep -o ' src="[^"]*' "$page" | grep -v '^ src="data:'; then fail "$name: a resource outside the page"; fi
}
# series DOM ID: "declared vertices markers" of the SVG series data-series=ID (first match)
series() {
    awk -v id="$2" 'BEGIN { RS = "<g class=\"series\" " }
        index($0, "data-series=\"" id "\"") == 1 {
            end = index($0, "</g>"); g = substr($0, 1, end)
            match(g, /data-points="[0-9]+"/); d = substr(g, RSTART + 13, RLENGTH - 14)
            v = 0; rest = g  # the last polyline: the series line, drawn after any error bars
            while (match(rest, /<polyline[^>]*points="[^"]*"/)) { p = substr(rest, RSTART, RLENGTH)
                rest = substr(rest, RSTART + RLENGTH); sub(/.*points="/, "", p); v = gsub(/,/, ",", p) }
            c = gsub(/<circle/, "", g); print d, v, c; exit }' "$1"
}
expect_series() { # DOM ID VERTICES MARKERS
    local got
    got=$(series "$1" "$2")
    [[ $got == "$3 $3 $4" || ( $4 == - && $got == "$3 $3 0" ) ]] || fail "$(basename "$1"): series $2 is '$got', expected '$3 $3 ${4/-/0}'"
}

# negative control: run A's page with one external image must log the CSP's refusal
sed 's|<body>|<body><img src="http://example.com/x.png">|' "$A/report.html" >"$WORK/control.html"
load "$WORK/control.html" control 2>/dev/null && fail "negative control: an external request went unnoticed"

n_steps=$(grep -c '^{"step"' "$A/metrics.jsonl")
n_eval=$(grep -c '^{"eval_step"' "$A/metrics.jsonl")
# 3 evaluations are submitted (steps 100, 200, final); the pool drops one submitted while it is
# still busy (the trainers never wait for it), which a loaded machine does: at least 2 arrive
(( n_steps >= 15 && n_eval >= 2 )) || fail "run A logged $n_steps steps and $n_eval evaluations"
load "$A/report.html" run || fail "run report: console messages (above)"
expect_series "$WORK/run.dom" loss "$n_steps" -
expect_series "$WORK/run.dom" score "$n_eval" "$n_eval"
expect_series "$WORK/run.dom" success "$n_eval" "$n_eval"
expect_series "$WORK/run.dom" samples_per_s "$n_steps" -
grep -q 'id="per-start"' "$WORK/run.dom" && grep -q 'id="worst-starts"' "$WORK/run.dom" || fail "no per-start table"
grep -q 'src="data:image/gif;base64,R0lGOD' "$WORK/run.dom" || fail "the rollout GIF is not embedded"
grep -q 'ckpt/step_0000300.h5' "$WORK/run.dom" || fail "the checkpoint list misses step 300"
grep -q -- '--eval-ranks 1' "$WORK/run.dom" || fail "the command line is missing"

nb_steps=$(grep -c '^{"step"' "$B/metrics.jsonl")
nb_eval=$(grep -c '^{"eval_step"' "$B/metrics.jsonl")
load "$WORK/compare.html" compare || fail "comparison: console messages (above)"
expect_series "$WORK/compare.dom" r0_loss "$n_steps" -
expect_series "$WORK/compare.dom" r1_loss "$nb_steps" -
expect_series "$WORK/compare.dom" r0_score "$n_eval" "$n_eval"
expect_series "$WORK/compare.dom" r1_score "$nb_eval" "$nb_eval"
grep -A3 '<tr class="diff"><th>optimiser' "$WORK/compare.dom" | grep -q 'lr 0.003' || fail "the lr difference is not highlighted"
grep -q '<tr><th>policy' "$WORK/compare.dom" || fail "equal policies are marked as different"

load "$S/report.html" study || fail "study: console messages (above)"
expect_series "$WORK/study.dom" score 2 2
[[ $(series "$WORK/study.dom" runs) == "4 0 4" ]] || fail "study: the per-run points are '$(series "$WORK/study.dom" runs)'"
expect_series "$WORK/study.dom" success 2 2
[[ $(grep -c 'class="run-link"' "$WORK/study.dom") == 4 ]] || fail "study: not 4 links to run reports"
for r in N10_s0 N10_s1 N20_s0 N20_s1; do [[ -s $S/$r/report.html ]] || fail "study: no $r/report.html"; done

load "$P/report.html" partial || fail "partial run: console messages (above)"
expect_series "$WORK/partial.dom" loss "$(grep -c '^{"step".*}$' "$P/metrics.jsonl")" -
load "$C/report.html" noeval || fail "no-eval run: console messages (above)"

say "ok: run ($n_steps steps, $n_eval evaluations), comparison, study and partial/no-eval pages load clean in $("$CHROMIUM" --version 2>/dev/null | head -1)"
