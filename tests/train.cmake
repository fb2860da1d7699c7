# Training (src/train.c, dist.c, evalpool.c, ckpt.c, progress.c, plot.c, cmd_train.c): checkpoint
# round trip, rank-count independence of the losses, weight agreement, the evaluator pool,
# preemption + bit-identical resume, job-wide failure on a killed rank, and bad inputs.
fc_add_test_exe(train_fixture train_fixture.c)
fc_add_test_exe(train_ckpt_test train_ckpt_test.c)
fc_add_test(train_ckpt train_ckpt_test)
set(FC_TRAIN_ARGS $<TARGET_FILE:train_fixture> ${MPIEXEC_EXECUTABLE})
fc_add_test(train_ranks_np2 bash ${CMAKE_CURRENT_SOURCE_DIR}/train_ranks_test.sh ${FC_TRAIN_ARGS} 2)
fc_add_test(train_ranks_np4 bash ${CMAKE_CURRENT_SOURCE_DIR}/train_ranks_test.sh ${FC_TRAIN_ARGS} 4)
fc_add_test(train_ranks_np2_allreduce env FC_NO_SHM_REDUCE=1 bash ${CMAKE_CURRENT_SOURCE_DIR}/train_ranks_test.sh ${FC_TRAIN_ARGS} 2)
fc_add_test(train_diverge bash ${CMAKE_CURRENT_SOURCE_DIR}/train_diverge_test.sh ${FC_TRAIN_ARGS})
fc_add_test(train_pool bash ${CMAKE_CURRENT_SOURCE_DIR}/train_pool_test.sh ${FC_TRAIN_ARGS})
fc_add_test(train_kill bash ${CMAKE_CURRENT_SOURCE_DIR}/train_kill_test.sh ${FC_TRAIN_ARGS})
fc_add_test(train_resume bash ${CMAKE_CURRENT_SOURCE_DIR}/train_resume_test.sh ${FC_TRAIN_ARGS})
fc_add_test(train_errors bash ${CMAKE_CURRENT_SOURCE_DIR}/train_errors_test.sh ${FC_TRAIN_ARGS})
fc_add_test(train_watchdog bash ${CMAKE_CURRENT_SOURCE_DIR}/train_watchdog_test.sh ${FC_TRAIN_ARGS})
set_tests_properties(train_ranks_np2 train_ranks_np4 train_ranks_np2_allreduce train_diverge train_pool train_kill train_resume train_errors train_watchdog
                     PROPERTIES TIMEOUT 120)
# the residual architecture: 2 ranks = 1 rank with identical weights; checkpoint names, info, eval, resume
fc_add_test(train_ranks_np2_residual env "FC_MODEL_ARGS=--arch residual --depth 3" bash ${CMAKE_CURRENT_SOURCE_DIR}/train_ranks_test.sh ${FC_TRAIN_ARGS} 2)
fc_add_test(train_residual bash ${CMAKE_CURRENT_SOURCE_DIR}/train_residual_test.sh ${FC_TRAIN_ARGS})
# two real nodes on this machine (jobs/twonode.sh, root + namespaces; skipped where they cannot
# be created): 2 nodes x 2 trainers + 1 evaluator under mpirun, requeue across nodes, a cut link.
# The nodes' names are machine-wide: one two-node test at a time.
fc_add_test(train_twonode bash ${CMAKE_CURRENT_SOURCE_DIR}/train_twonode_test.sh ${FC_TRAIN_ARGS})
set_tests_properties(train_twonode PROPERTIES TIMEOUT 300 RESOURCE_LOCK flowchunk_twonode LABELS twonode)
# the checkpoint records the evaluation protocol: `flowchunk eval CKPT` = the logged evaluation (DP and gym)
fc_add_test(train_eval_protocol bash ${CMAKE_CURRENT_SOURCE_DIR}/train_protocol_test.sh ${FC_TRAIN_ARGS})
# the validation loss at each evaluation (windows with --val-episodes), 1 and 2 trainers, in the report
fc_add_test(train_val_loss bash ${CMAKE_CURRENT_SOURCE_DIR}/train_val_test.sh ${FC_TRAIN_ARGS})
# the bf16 products (--precision onednn-bf16; skipped without AVX512-BF16 or AMX): weights
# identical across ranks after every step, a resume on the same world size bit-identical, and 1 vs
# 2/4 ranks equal to 5e-4 relative over 50 steps instead of fp32's 1e-5. Why wider: the ranks'
# fp32 gradient sums differ in summation order by ~1 ulp, and where that moves a weight across a
# bf16 rounding boundary its bf16 copy changes by 2^-8, which the next steps carry; measured
# 2.5e-5 to 1.5e-4 (plain / residual, 2 / 4 ranks) where fp32 gives 1.2e-7.
set(FC_BF16 FLOWCHUNK_PRECISION=onednn-bf16 FC_LOSS_RTOL=5e-4)
fc_add_test(train_ranks_np2_bf16 env ${FC_BF16} bash ${CMAKE_CURRENT_SOURCE_DIR}/train_ranks_test.sh ${FC_TRAIN_ARGS} 2)
fc_add_test(train_ranks_np4_bf16_residual env ${FC_BF16} "FC_MODEL_ARGS=--arch residual --depth 3"
            bash ${CMAKE_CURRENT_SOURCE_DIR}/train_ranks_test.sh ${FC_TRAIN_ARGS} 4)
fc_add_test(train_resume_bf16 env ${FC_BF16} bash ${CMAKE_CURRENT_SOURCE_DIR}/train_resume_test.sh ${FC_TRAIN_ARGS})
# a bf16 run evaluates in bf16 (rowgemm_bf16) and `eval CKPT` reproduces its logged scores exactly
fc_add_test(train_eval_protocol_bf16 env ${FC_BF16} bash ${CMAKE_CURRENT_SOURCE_DIR}/train_protocol_test.sh ${FC_TRAIN_ARGS})
# the oneDNN fp32 back end keeps fp32's 1e-5
fc_add_test(train_ranks_np2_onednn_fp32 env FLOWCHUNK_PRECISION=onednn-fp32 bash ${CMAKE_CURRENT_SOURCE_DIR}/train_ranks_test.sh ${FC_TRAIN_ARGS} 2)
set_tests_properties(train_ranks_np2_bf16 train_ranks_np4_bf16_residual train_resume_bf16 train_eval_protocol_bf16
                     train_ranks_np2_onednn_fp32
                     PROPERTIES TIMEOUT 120)
