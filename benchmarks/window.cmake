# Windows pipeline benchmark: synthetic episodes/windows files and the loader's collective shard
# read at 1, 2, 4 ranks (benchmarks/bench_loader.sh drives it; figures in benchmarks/RESULTS.md).
fc_add_bench(bench_loader bench_loader.c)
