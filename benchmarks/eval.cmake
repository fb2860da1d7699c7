# Evaluation benchmark: rollouts/s of the batched rollout engine (50 envs x 300 steps, 3 x 512
# MLP, 10 flow steps) on one core, split into policy vs simulator time (benchmarks/RESULTS.md,
# section "Evaluation").
fc_add_bench(bench_eval bench_eval.c)
