# Simulator tests (sim/, `flowchunk sim`): numpy RNG ports, exact coverage vs shapely, env
# behaviour, batch/bare/renderer, the CLI and its JSON, and the real data (FC_ZARR; skipped = 77
# when absent). Fixtures: tests/fixtures/rng_resets.txt (gen_rng.py, numpy 1.24) and
# coverage_pairs.txt (gen_coverage.py, shapely); regenerate with /usr/bin/python3 <script>.
fc_add_test_exe(sim_rng sim_rng.c)
target_include_directories(sim_rng PRIVATE ${PROJECT_SOURCE_DIR}/sim) # the private RNG headers
fc_add_test(sim_rng_numpy sim_rng)
fc_add_test_exe(sim_coverage sim_coverage.c)
target_include_directories(sim_coverage PRIVATE ${PROJECT_SOURCE_DIR}/sim) # pusht_check.h
fc_add_test(sim_coverage_shapely sim_coverage)
fc_add_test_exe(sim_env sim_env.c)
target_include_directories(sim_env PRIVATE ${PROJECT_SOURCE_DIR}/sim)
fc_add_test(sim_env sim_env)
fc_add_test_exe(sim_data sim_data.c)
target_include_directories(sim_data PRIVATE ${PROJECT_SOURCE_DIR}/sim)
fc_add_test(sim_reset_dataset sim_data reset)
fc_add_test(sim_replay_zarr sim_data replay)
fc_add_test(sim_keypoints_dataset sim_data keypoints)
fc_add_test_exe(sim_cli sim_cli.c)
fc_add_test(sim_cli_json sim_cli json)
fc_add_test(sim_cli_errors sim_cli errors)
fc_add_test(sim_cli_data sim_cli data)
foreach(tool reset replay render step)
  fc_add_test(sim_cli_help_${tool} $<TARGET_FILE:flowchunk> sim ${tool} --help)
  set_tests_properties(sim_cli_help_${tool} PROPERTIES PASS_REGULAR_EXPRESSION "^usage: flowchunk sim ${tool}")
endforeach()
