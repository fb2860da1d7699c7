#!/usr/bin/env bash
# train_val_test.sh FIXTURE MPIEXEC: with validation windows (flowchunk window --val-episodes), the
# trainer logs the flow-matching loss of the held-out windows at every evaluation and at the end
# ({"val_step":S,"val_loss":L,"val_windows":N} lines), with the same noise each time so the values
# compare; 2 trainers log what 1 does; the run's report draws the curve.
source "$(dirname "$0")/train_lib.sh"
"$FIXTURE" "$WORK/ep.h5" 12 1 || fail "train_fixture failed"
"$FC" window "$WORK/ep.h5" -o "$WORK/win.h5" --recipe dp --val-episodes 3 \
    2>"$WORK/window.log" || { cat "$WORK/window.log" >&2; fail "flowchunk window failed"; }
A=(--steps 60 --hidden 32 --depth 2 --batch 32 --virtual-shards 4 --log-every 10 --eval-every 20 --eval-episodes 2
   --eval-max-steps 8 --eval-noise-seeds 1 --seed 4)
train 0 "$WORK/win.h5" --run-dir "$WORK/r1" "${A[@]}" >"$WORK/r1.log" 2>&1 || { cat "$WORK/r1.log"; fail "1-process run failed"; }
train 2 "$WORK/win.h5" --run-dir "$WORK/r2" "${A[@]}" >"$WORK/r2.log" 2>&1 || { cat "$WORK/r2.log"; fail "2-rank run failed"; }
vals() { grep '^{"val_step"' "$1/metrics.jsonl" | sed -n 's/.*"val_step":\([0-9]*\),"val_loss":\([-0-9.e+]*\),"val_windows":\([0-9]*\).*/\1 \2 \3/p'; }
vals "$WORK/r1" >"$WORK/v1"; vals "$WORK/r2" >"$WORK/v2"
[[ $(cut -d' ' -f1 "$WORK/v1" | tr '\n' ' ') == "20 40 60 " ]] || { cat "$WORK/v1" >&2; fail "validation losses not logged at steps 20, 40, 60"; }
awk '$3 < 1 || !($2 > 0 && $2 < 10) { bad = 1 } END { exit bad }' "$WORK/v1" || { cat "$WORK/v1" >&2; fail "implausible validation loss lines"; }
paste "$WORK/v1" "$WORK/v2" | awk '{ d = $2 - $5; if (d < 0) d = -d; if ($1 != $4 || d > 1e-5 * $2) bad = 1 } END { exit bad }' ||
    { paste "$WORK/v1" "$WORK/v2" >&2; fail "2 trainers log other validation losses than 1"; }
grep -q "validation loss at step 20" "$WORK/r1.log" || fail "no validation line on stderr"
grep -q 'validation loss' "$WORK/r1/report.html" || fail "the report does not draw the validation loss"
say "ok: validation loss at 20/40/60 ($(tr '\n' ';' <"$WORK/v1")), equal on 2 trainers, in the report"
