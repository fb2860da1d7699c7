# Expert demonstrations: demos_modes draws the expert's several solutions of one start
# (benchmarks/results/demos_modes_*.png); demos_bench.sh times `flowchunk demos` at 1 and 2 ranks.
fc_add_bench(demos_modes demos_modes.c)
