# Evaluation (src/rollout.c, `flowchunk eval`): engine mechanics on real envs, the command's
# determinism across runs and MPI splits, its JSON and errors, and the PyTorch loading proof.
fc_add_test_exe(eval_engine eval_engine.c)
target_include_directories(eval_engine PRIVATE ${PROJECT_SOURCE_DIR}/src) # rollout_internal.h
fc_add_test(eval_engine $<TARGET_FILE:eval_engine>)
fc_add_test_exe(eval_make_ckpt eval_make_ckpt.c)
fc_add_test_exe(eval_json_check eval_json_check.c)
# `flowchunk eval` end to end: JSON, determinism (twice, mpiexec -n 2 and 3), weights, protocols,
# GIFs, and one clear error line for bad checkpoints and options
fc_add_test(eval_cli bash ${CMAKE_CURRENT_SOURCE_DIR}/eval_cli_test.sh $<TARGET_FILE:eval_make_ckpt>
            $<TARGET_FILE:eval_json_check> ${MPIEXEC_EXECUTABLE})
# the PyTorch loading proof (skipped, 77, where /usr/bin/python3 lacks torch or h5py)
fc_add_test_exe(eval_torch_io eval_torch_io.c)
fc_add_test(eval_torch_load bash ${CMAKE_CURRENT_SOURCE_DIR}/eval_torch_test.sh $<TARGET_FILE:eval_make_ckpt>
            $<TARGET_FILE:eval_torch_io> ${CMAKE_CURRENT_SOURCE_DIR}/ref/torch_load_ckpt.py)
