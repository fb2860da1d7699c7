# Tests of the windows file (`flowchunk window`, src/window.c) and the sharded loader (src/loader.c).
# Fixtures: tests/fixtures/window_* made by tests/fixtures/window_make_fixtures.py (numpy
# re-implementation of Diffusion Policy's sampler; run it with /usr/bin/python3 to regenerate).
fc_add_test_exe(window_unit_test window_unit_test.c)
target_include_directories(window_unit_test PRIVATE ${PROJECT_SOURCE_DIR}/src) # window_internal.h
fc_add_test(window_unit window_unit_test ${CMAKE_CURRENT_SOURCE_DIR}/fixtures)
fc_add_test_exe(window_compare window_compare.c)
fc_add_test(window_cli bash ${CMAKE_CURRENT_SOURCE_DIR}/window_cli_test.sh $<TARGET_FILE:flowchunk>
            $<TARGET_FILE:window_compare> ${CMAKE_CURRENT_SOURCE_DIR}/fixtures)
set_property(TEST window_cli APPEND PROPERTY ENVIRONMENT MPIEXEC=${MPIEXEC_EXECUTABLE})
fc_add_test(window_pusht bash ${CMAKE_CURRENT_SOURCE_DIR}/window_pusht_test.sh $<TARGET_FILE:flowchunk>
            $<TARGET_FILE:window_compare> ${CMAKE_CURRENT_SOURCE_DIR}/fixtures)
# the loader under 1..4 ranks (3 and 4 oversubscribe 2 cores); V = 8 shards, b = 5, M = 1003
fc_add_test_exe(loader_test loader_test.c)
foreach(np 1 2 3 4)
  fc_add_mpi_test(loader_shards_np${np} ${np} $<TARGET_FILE:loader_test> loader_test_np${np}.h5 1003 8 5)
endforeach()
# uneven: 3 ranks over 7 shards of a prime row count
fc_add_mpi_test(loader_shards_uneven 3 $<TARGET_FILE:loader_test> loader_test_uneven.h5 1009 7 3)
fc_add_test_exe(loader_probe loader_probe.c)
fc_add_test(loader_errors bash ${CMAKE_CURRENT_SOURCE_DIR}/loader_errors_test.sh ${MPIEXEC_EXECUTABLE}
            $<TARGET_FILE:loader_probe> ${CMAKE_CURRENT_SOURCE_DIR}/fixtures)
set_tests_properties(window_cli window_pusht loader_errors PROPERTIES TIMEOUT 300)
