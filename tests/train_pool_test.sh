#!/usr/bin/env bash
# train_pool_test.sh FIXTURE MPIEXEC: 2 trainers + 1 evaluator. The pool reports evaluations while
# training goes on: every periodic report arrives steps after the weights were handed off, and no
# training step is as long as an evaluation (the trainers never wait for the pool). A pool kept
# busy skips to the newest weights. Each evaluation averages 5 noise draws and logs their spread. At the end: a final evaluation, best.h5 (an evaluation-only
# checkpoint of the best step), latest.h5, the learning curve and summary.json.
source "$(dirname "$0")/train_lib.sh"
make_windows
R=$WORK/run
# evaluations of ~0.5 s (96 episodes x 300 env steps) against steps of a few ms: slow enough that
# the pool falls behind --eval-every 20 even when other jobs slow the trainers down
train 3 "$WIN" --run-dir "$R" --eval-ranks 1 --steps 600 --hidden 64 --depth 2 --batch 64 --log-every 10 \
    --eval-every 20 --eval-episodes 96 --eval-max-steps 300 --ckpt-every 200 --seed 3 >"$WORK/log" 2>&1 \
    || { cat "$WORK/log"; fail "the run failed"; }
grep -q "ranks *3 (2 trainers, 1 evaluators)" "$WORK/log" || fail "wrong roles"
M=$R/metrics.jsonl
n=$(eval_field kind "$M" | grep -c periodic)
(( n >= 2 )) || { cat "$WORK/log"; fail "only $n periodic evaluations were reported while training"; }
eval_field kind "$M" | tail -n1 | grep -qx final || fail "the last report is not the final evaluation"
[[ $(eval_field eval_step "$M" | tail -n1) == 600 ]] || fail "the final evaluation is not of step 600"
# every evaluation averages the default 5 noise draws and logs their spread around the mean
paste <(eval_field noise_seeds "$M") <(eval_field score_min "$M") <(eval_field score "$M") <(eval_field score_max "$M") |
    awk '$1 != 5 || !($2 <= $3 && $3 <= $4) { bad = 1; print "eval line: draws " $1 ", min " $2 " score " $3 " max " $4 } END { exit bad }' >&2 \
    || fail "an evaluation line does not carry 5 noise draws with min <= score <= max"
grep -q "x 5 noise draw(s)" "$WORK/log" || fail "the config table does not state the evaluation's noise draws"
# reports arrive later than the step they evaluate (training went on meanwhile)
paste <(eval_field eval_step "$M") <(eval_field reported_at_step "$M") <(eval_field kind "$M") |
    awk '$3 == "periodic" && $2 <= $1 { bad = 1; print "report of step " $1 " arrived at step " $2 } END { exit bad }' >&2 \
    || fail "a periodic report arrived at the step it evaluated: the trainers waited for the pool"
# no step took as long as the shortest evaluation
min_eval=$(eval_field eval_seconds "$M" | sort -g | head -n1)
max_step=$(field max_step_ms "$M" | sort -g | tail -n1)
awk -v e="$min_eval" -v s="$max_step" 'BEGIN { exit !(s < 1000 * e) }' \
    || fail "a training step took ${max_step} ms, as long as an evaluation (${min_eval} s): training stalled"
# evaluations every 20 steps outrun the pool: it must have skipped to newer weights
skipped=$(eval_field skipped "$M" | awk '{ s += $1 } END { print s + 0 }')
(( skipped > 0 )) || { cat "$WORK/log"; fail "the pool never skipped to newer weights, expected with --eval-every 20"; }
grep -q "eval pool: skipping step" "$WORK/log" || fail "skips were not logged by the pool"
for f in latest.h5 best.h5 metrics.jsonl summary.json learning_curve.png ckpt/step_0000600.h5; do
    [[ -s $R/$f ]] || fail "$R/$f missing"
done
"$FC" info "$R/best.h5" >"$WORK/info" 2>&1 || { cat "$WORK/info"; fail "flowchunk info cannot read best.h5"; }
grep -q "evaluation only" "$WORK/info" || fail "best.h5 should be an evaluation-only checkpoint"
best=$(sed -n 's/.*"best_step":[[:space:]]*\([0-9]*\).*/\1/p' "$R/summary.json")
[[ -n $best ]] || fail "summary.json has no best_step"
grep -q "step $best/" "$WORK/info" || { cat "$WORK/info"; fail "best.h5 is not the checkpoint of the best step $best"; }
say "ok: $n periodic reports during training (max step ${max_step} ms, shortest eval ${min_eval} s), $skipped skipped, best step $best"
