#!/usr/bin/env bash
# train_protocol_test.sh FIXTURE MPIEXEC: every checkpoint records the evaluation protocol its run
# scored with (reset sampler, seeds, episodes, max steps, clipping, Ta, flow steps, noise draws),
# so `flowchunk eval CKPT` with no flags reproduces the last evaluation of metrics.jsonl exactly:
#   - Diffusion Policy's protocol (legacy resets from 100000, Ta 8), evaluated inline (E = 0);
#   - HW1's (--eval-reset gym: PCG64 resets from seed 0, the whole chunk, clipped actions), on an
#     evaluator pool (E = 1).
# --reset legacy on the gym run's checkpoint switches back to the legacy protocol's defaults.
source "$(dirname "$0")/train_lib.sh"
needs_precision
make_windows
A=(--steps 40 --hidden 32 --depth 2 --batch 32 --virtual-shards 4 --log-every 20 --eval-every 20 --eval-episodes 4
   --eval-max-steps 30 --seed 5)
train 0 "$WIN" --run-dir "$WORK/dp" "${A[@]}" >"$WORK/dp.log" 2>&1 || { cat "$WORK/dp.log"; fail "the DP-protocol run failed"; }
train 2 "$WIN" --run-dir "$WORK/gym" --eval-ranks 1 --eval-reset gym "${A[@]}" >"$WORK/gym.log" 2>&1 ||
    { cat "$WORK/gym.log"; fail "the gym-protocol run failed"; }
# jnum FILE KEY: a number (or string/bool) of the one JSON object in FILE, as python prints it
jnum() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(v if isinstance(v,(str,bool)) else "%.9g" % v)' "$1" "$2"; }
check() { # check RUN RESET SEED CLIP TA
    local run=$1 last
    last=$(grep '^{"eval_step"' "$WORK/$run/metrics.jsonl" | tail -n1)
    [[ -n $last ]] || fail "$run: no evaluation logged"
    echo "$last" >"$WORK/$run.last.json"
    "$FC" eval "$WORK/$run/latest.h5" --json >"$WORK/$run.eval.json" 2>"$WORK/$run.eval.log" ||
        { cat "$WORK/$run.eval.log"; fail "$run: flowchunk eval failed"; }
    [[ $(jnum "$WORK/$run.last.json" eval_step) == $(jnum "$WORK/$run.eval.json" step) ]] || fail "$run: latest.h5 is not the last evaluated step"
    for k in score success_rate episodes noise_seeds score_std score_min score_max; do
        local want got
        want=$(jnum "$WORK/$run.last.json" "$k"); got=$(jnum "$WORK/$run.eval.json" "$k")
        [[ $want == "$got" ]] || fail "$run: $k of flowchunk eval is $got, the run logged $want"
    done
    [[ $(jnum "$WORK/$run.eval.json" reset) == "$2" && $(jnum "$WORK/$run.eval.json" seed) == "$3" &&
       $(jnum "$WORK/$run.eval.json" clip_actions) == "$4" && $(jnum "$WORK/$run.eval.json" n_action_steps) == "$5" &&
       $(jnum "$WORK/$run.eval.json" max_steps) == 30 ]] || { cat "$WORK/$run.eval.json"; fail "$run: not the run's protocol"; }
    local prec=fp32; [[ $FLOWCHUNK_PRECISION == *bf16* ]] && prec=bf16 # a run evaluates in the precision it trains in
    [[ $(jnum "$WORK/$run.eval.json" precision) == "$prec" ]] || fail "$run: evaluated in $(jnum "$WORK/$run.eval.json" precision), not $prec"
    say "$run: flowchunk eval = the logged evaluation (score $(jnum "$WORK/$run.eval.json" score), $2 resets from $3, $prec)"
}
check dp legacy 100000 False 8
check gym gym 0 True 15
"$FC" info "$WORK/gym/latest.h5" | grep -q "evaluation  gym resets from seed 0, 4 episodes x 5 noise draw" ||
    { "$FC" info "$WORK/gym/latest.h5"; fail "flowchunk info does not describe the recorded protocol"; }
"$FC" eval "$WORK/gym/latest.h5" --reset legacy --episodes 2 --json >"$WORK/back.json" 2>/dev/null || fail "eval --reset legacy failed"
[[ $(jnum "$WORK/back.json" seed) == 100000 && $(jnum "$WORK/back.json" clip_actions) == False &&
   $(jnum "$WORK/back.json" noise_seeds) == 5 ]] || { cat "$WORK/back.json"; fail "--reset legacy did not switch protocol"; }
say "ok: eval CKPT reproduces the logged evaluation under both protocols; --reset switches"
