# Evaluation (src/rollout.c, `flowchunk eval`): engine mechanics on real envs, the command's
# determinism across runs and MPI splits, its JSON and errors, and the PyTorch loading proof.
fc_add_test_exe(eval_engine eval_engine.c)
fc_add_test(eval_engine $<TARGET_FILE:eval_engine>)
