# Simulator benchmark: env steps/s of one PushtEnv and of a 50-env batch against the bare Chipmunk
# substeps of the same scene (figures in benchmarks/RESULTS.md, section "Simulator").
fc_add_bench(bench_sim bench_sim.c)
target_include_directories(bench_sim PRIVATE ${PROJECT_SOURCE_DIR}/sim) # pusht_check.h
