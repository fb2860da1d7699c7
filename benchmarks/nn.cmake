# nn benchmarks: training-step throughput (forward + backward + AdamW) of the flow policy against
# PyTorch; run both side by side with benchmarks/run_train_step.sh BUILD_DIR.
fc_add_bench(bench_train_step bench_train_step.c)
