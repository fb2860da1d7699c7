# Training benchmarks (benchmarks/RESULTS.md, "Distributed training"): the gradient reduction alone
# (flat allreduce vs per-layer non-blocking), and `flowchunk train` scaling via train_scaling.sh.
fc_add_bench(bench_train_reduce bench_train_reduce.c)
