#!/usr/bin/env bash
# slurm_scaling.sh: jobs/scaling.sbatch as a small job array, 2 dataset sizes x 2 seeds, 2 tasks
# each, at most 2 at a time, submitted the way a user does (`bash jobs/scaling.sbatch`, which
# sizes --array to the grid). Asserts one %A_%a log per task, and per task the run directory
# N<N>_s<seed> with its windows file cut to N episodes, the trained run and its eval.json; then
# the `collect` table.
source "$(dirname "$0")/slurm_lib.sh"
need_cluster
fresh_dir scaling
make_windows
export EPISODES=$EP SIZES="3 5" SEEDS="0 1" OUT_ROOT=$WORK/scaling VAL_EPISODES=1
export TRAIN_ARGS=${TINY_TRAIN_ARGS/--seed 7/} EVAL_EPISODES=$TINY_EVAL_EPISODES WINDOW_ARGS
steps=$(sed -n 's/.*--steps \([0-9]*\).*/\1/p' <<<"$TINY_TRAIN_ARGS")
out=$(bash "$FC_ROOT/jobs/scaling.sbatch" -n 2 --time=5 --parsable) || fail "bash jobs/scaling.sbatch failed: $out"
id=${out%%;*}
say "submitted array $id"
[[ $(scontrol -o show job "$id" | grep -o 'ArrayTaskId=[^ ]*' | head -n1) =~ 0-3%2|0-3 ]] ||
    say "note: array spec $(scontrol -o show job "$id" | grep -o 'ArrayTaskId=[^ ]*' | tr '\n' ' ')"
for t in 0 1 2 3; do
    wait_job "${id}_$t" 240 || { cat "$WORK"/fc-scaling-"${id}"_"$t".out >&2; fail "array task ${id}_$t failed"; }
done
i=0
for n in 3 5; do for s in 0 1; do
    d=$WORK/scaling/N${n}_s${s}
    [[ -s $WORK/fc-scaling-${id}_$i.out ]] || fail "no log fc-scaling-${id}_$i.out (%x-%A_%a)"
    assert_log_has "$WORK/fc-scaling-${id}_$i.out" "task $i: N=$n episodes, seed $s" "task $i did not pick N=$n seed=$s"
    assert_run_dir "$d" "$steps"
    [[ -s $d/windows.h5 ]] || fail "no $d/windows.h5"
    [[ -n $(json_num "$d/eval.json" score) ]] || fail "no score in $d/eval.json"
    [[ $(h5_attr "$d/windows.h5" max_episodes) == "$n" ]] || fail "$d/windows.h5 was cut to $(h5_attr "$d/windows.h5" max_episodes) episodes, not $n"
    [[ $(h5_attr "$d/latest.h5" seed) == "$s" ]] || fail "$d was trained with seed $(h5_attr "$d/latest.h5" seed), not $s"
    i=$(( i + 1 ))
done; done
table=$(bash "$FC_ROOT/jobs/scaling.sbatch" collect)
printf '%s\n' "$table" >&2
[[ $(grep -cE '^[35]	[01]	[0-9.]+	[0-9.]+$' <<<"$table") == 4 ]] || fail "collect did not list 4 scored tasks"
say "array $id: 4 tasks OK"
