# Expert demonstrations (sim/expert.c, `flowchunk demos`): the scripted expert solves Push-T with
# human-like actions and several routes per start, deterministically; the command writes the
# same file at any rank count. The 200-episode acceptance run is in benchmarks/RESULTS.md.
fc_add_test_exe(demos_expert demos_expert.c)
target_include_directories(demos_expert PRIVATE ${PROJECT_SOURCE_DIR}/sim) # pusht_check.h
fc_add_test(demos_expert_solve $<TARGET_FILE:demos_expert> solve)
fc_add_test(demos_expert_determinism $<TARGET_FILE:demos_expert> determinism)
fc_add_test(demos_expert_modes $<TARGET_FILE:demos_expert> modes)
fc_add_test(demos_expert_noise $<TARGET_FILE:demos_expert> noise)
fc_add_test(demos_cli bash ${CMAKE_CURRENT_SOURCE_DIR}/demos_cli_test.sh ${MPIEXEC_EXECUTABLE})
