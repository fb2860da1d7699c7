#!/usr/bin/env bash
# train_residual_test.sh FIXTURE MPIEXEC: the residual architecture (--arch residual) end to end:
# its checkpoints name the tensors as PyTorch's twin does (inp.*, blocks.j.norm.*, blocks.j.fc.*,
# norm_out.*, out.*) and record the architecture, `flowchunk info` and `flowchunk eval` read them,
# a run stopped at step 20 and resumed to 40 ends with the same weights as an uninterrupted one,
# and resuming it as a plain MLP is refused with one clear line.
source "$(dirname "$0")/train_lib.sh"
make_windows
A=(--arch residual --hidden 32 --depth 3 --batch 64 --virtual-shards 8 --eval-every 0 --log-every 1 --check-every 5
   --ckpt-every 20 --warmup 5 --seed 9)
train 0 "$WIN" --run-dir "$WORK/full" --steps 40 "${A[@]}" >"$WORK/full.log" 2>&1 || { cat "$WORK/full.log"; fail "40-step run failed"; }
grep -q "policy *flow, residual (pre-LayerNorm blocks) MLP 3 x 32" "$WORK/full.log" || { cat "$WORK/full.log"; fail "config table does not name the residual MLP"; }
"$FC" info "$WORK/full/latest.h5" >"$WORK/info" 2>&1 || { cat "$WORK/info"; fail "info failed"; }
grep -q "residual MLP 3 x 32" "$WORK/info" || { cat "$WORK/info"; fail "info does not show the residual MLP"; }
h5dump -A "$WORK/full/latest.h5" >"$WORK/attrs" 2>&1 && grep -q '"residual"' "$WORK/attrs" || fail "no architecture attribute"
for t in inp.weight blocks.0.norm.weight blocks.1.fc.bias norm_out.bias out.weight; do
    h5ls "$WORK/full/latest.h5/params/$t" >/dev/null 2>&1 || fail "checkpoint lacks /params/$t"
done
"$FC" eval "$WORK/full/latest.h5" --episodes 3 --max-steps 16 --noise-seeds 1 --json >"$WORK/eval.json" 2>"$WORK/eval.err" ||
    { cat "$WORK/eval.err"; fail "eval of a residual checkpoint failed"; }
grep -q '"score":' "$WORK/eval.json" || fail "eval printed no score"
# stopped at step 20 (SIGTERM to itself, as Slurm would), resumed to 40: bit-identical weights
FC_TEST_SIGNAL_AT_STEP=19 train 0 "$WIN" --run-dir "$WORK/part" --steps 40 "${A[@]}" >"$WORK/p1.log" 2>&1
[[ $? == 3 ]] || { cat "$WORK/p1.log"; fail "the run stopped by a signal at step 20 did not exit 3"; }
train 0 "$WIN" --run-dir "$WORK/part" --steps 40 "${A[@]}" --resume >"$WORK/p2.log" 2>&1 || { cat "$WORK/p2.log"; fail "resume failed"; }
a=$(field weights_hash "$WORK/full/metrics.jsonl" | tail -n1) b=$(field weights_hash "$WORK/part/metrics.jsonl" | tail -n1)
[[ -n $a && $a == "$b" ]] || fail "resumed residual run ends with weights $b, uninterrupted $a"
# resuming with another architecture: one clear error
train 0 "$WIN" --run-dir "$WORK/part" --steps 60 "${A[@]}" --arch plain --resume >"$WORK/p3.log" 2>&1 && fail "resume as plain succeeded"
grep -q "error: .*cannot resume: the checkpoint's policy (flow, 3 x 32 mish residual" "$WORK/p3.log" || { cat "$WORK/p3.log"; fail "no clear error for an architecture mismatch"; }
say "ok: residual checkpoint names/attribute, info, eval, bit-identical resume, mismatch refused"
