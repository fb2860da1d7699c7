# nn tests: the MLP, the flow/MSE policies, the optimisers and the counter-based RNG.
# nn_ref compares with PyTorch through the committed fixture tests/fixtures/nn_ref.bin
# (regenerate with: /usr/bin/python3 tests/ref/gen_nn_ref.py); the others need no Python.
fc_add_test_exe(nn_ref_test nn_ref.c)
fc_add_test(nn_ref nn_ref_test)
fc_add_test_exe(nn_gradcheck_test nn_gradcheck.c)
fc_add_test(nn_gradcheck nn_gradcheck_test)
fc_add_test_exe(nn_overfit_test nn_overfit.c)
fc_add_test(nn_overfit nn_overfit_test)
fc_add_test_exe(nn_optim_test nn_optim.c)
fc_add_test(nn_optim nn_optim_test)
fc_add_test_exe(nn_rng_test nn_rng.c)
fc_add_test(nn_rng nn_rng_test)
fc_add_test_exe(nn_policy_test nn_policy.c)
fc_add_test(nn_policy nn_policy_test)
# batch invariance of inference: rowgemm = its scalar definition, one observation alone = at every
# position of batches 1..64, toy and default-sized nets
fc_add_test_exe(nn_invariance_test nn_invariance.c)
fc_add_test(nn_invariance nn_invariance_test)
# the GEMM layer of every back end against a double-precision reference (transposes, strides, bias,
# accumulate), the bf16 conversion's vector path against its scalar definition, --precision parsing
fc_add_test_exe(nn_gemm_test nn_gemm.c)
fc_add_test(nn_gemm nn_gemm_test)
