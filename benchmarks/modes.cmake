# Multimodality of trained policies: policy_modes rolls a flow policy out from one start with
# several noise seeds and an MSE policy once, and draws both (benchmarks/results/policy_modes_*.png;
# benchmarks/policy_modes.sh; benchmarks/RESULTS.md, section "Multimodality").
fc_add_bench(policy_modes policy_modes.c)
