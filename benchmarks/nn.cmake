# nn benchmarks: training-step throughput (forward + backward + AdamW) of the flow policy against
# PyTorch; run both side by side with benchmarks/run_train_step.sh BUILD_DIR.
fc_add_bench(bench_train_step bench_train_step.c)
# the measured fp32 FMA peak of one core (the yardstick of the GEMM GFLOP/s above)
fc_add_bench(bench_peak bench_peak.c)
# the step's matrix products per GEMM back end (OpenBLAS, oneDNN fp32, oneDNN bf16)
fc_add_bench(bench_gemm bench_gemm.c)
# the loss curves of an fp32 and a bf16 run in one PNG (benchmarks/precision_curves.sh)
fc_add_bench(precision_curves precision_curves.c)
target_include_directories(precision_curves PRIVATE ${PROJECT_SOURCE_DIR}/src)
