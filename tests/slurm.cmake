# Tests of the job scripts (jobs/): a real single-node Slurm cluster (jobs/slurm_cluster.sh) is
# started by the fixture test slurm_cluster_start and stopped by slurm_cluster_stop; in between,
# train/eval jobs are submitted with sbatch and checked (the dataset-size study's array:
# tests/study.cmake, study_slurm). jobs_laptop_train runs the
# mpirun launcher without Slurm. Every build tree gets its own cluster (state directory and
# ports derived from the build path), so two builds can test at the same time.
#
# FC_SLURM_TRAINER chooses what the jobs run:
#   standin  tests/slurm_standin.c, a tiny MPI program with the trainer's command line and files
#   real     the flowchunk binary (window, train, eval) on 12 synthetic episodes (default)
set(FC_SLURM_TRAINER "real" CACHE STRING "what the Slurm/laptop job tests run: standin or real")
set_property(CACHE FC_SLURM_TRAINER PROPERTY STRINGS standin real)

add_executable(slurm_standin ${CMAKE_CURRENT_SOURCE_DIR}/slurm_standin.c)
target_include_directories(slurm_standin PRIVATE ${HDF5_C_INCLUDE_DIRS})
target_compile_definitions(slurm_standin PRIVATE ${HDF5_C_DEFINITIONS})
target_link_libraries(slurm_standin PRIVATE MPI::MPI_C ${HDF5_C_LIBRARIES})
target_compile_options(slurm_standin PRIVATE ${FC_WARNINGS})

if(FC_SLURM_TRAINER STREQUAL "real")
  set(fc_slurm_bin $<TARGET_FILE:flowchunk>)
else()
  set(fc_slurm_bin $<TARGET_FILE:slurm_standin>)
endif()
string(MD5 fc_slurm_hash "${CMAKE_BINARY_DIR}")
string(SUBSTRING "${fc_slurm_hash}" 0 8 fc_slurm_tag)
string(SUBSTRING "${fc_slurm_hash}" 0 4 fc_slurm_hex)
math(EXPR fc_slurm_port "7000 + (0x${fc_slurm_hex} % 500) * 2")
set(FC_SLURM_TEST_ENV ${FC_TEST_ENV} FC_ROOT=${PROJECT_SOURCE_DIR} FC_SLURM_DIR=/tmp/fc-slurm-${fc_slurm_tag}
    FC_SLURM_PORT=${fc_slurm_port} FC_SLURM_TRAINER=${FC_SLURM_TRAINER} FC_SLURM_FLOWCHUNK=${fc_slurm_bin}
    FC_SLURM_WORK=${CMAKE_CURRENT_BINARY_DIR}/slurm-work
    # synthetic episodes for the real trainer: the train tests' generator (tests/train.cmake)
    FC_SLURM_EPISODES_MAKER=$<$<TARGET_EXISTS:train_fixture>:$<TARGET_FILE:train_fixture>>)

function(fc_add_slurm_test name)  # fc_add_slurm_test(NAME SCRIPT ARGS...)
  add_test(NAME ${name} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/${ARGN}
           WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${FC_SLURM_TEST_ENV}" SKIP_RETURN_CODE 77
                       RESOURCE_LOCK flowchunk_slurm LABELS slurm)
endfunction()

fc_add_slurm_test(slurm_cluster_start slurm_cluster_fixture.sh start)
fc_add_slurm_test(slurm_cluster_stop slurm_cluster_fixture.sh stop)
set_tests_properties(slurm_cluster_start PROPERTIES FIXTURES_SETUP slurm_cluster TIMEOUT 120)
set_tests_properties(slurm_cluster_stop PROPERTIES FIXTURES_CLEANUP slurm_cluster TIMEOUT 120)

foreach(t slurm_train_eval_srun slurm_train_eval_mpirun slurm_requeue_usr1 slurm_requeue_term
          slurm_world_check)
  if(t MATCHES "^slurm_train_eval_(.*)")
    fc_add_slurm_test(${t} slurm_train_eval.sh ${CMAKE_MATCH_1})
  elseif(t MATCHES "^slurm_requeue_(.*)")
    fc_add_slurm_test(${t} slurm_requeue.sh ${CMAKE_MATCH_1})
  else()
    fc_add_slurm_test(${t} slurm_world_check.sh)
  endif()
  set_tests_properties(${t} PROPERTIES FIXTURES_REQUIRED slurm_cluster TIMEOUT 300)
endforeach()

fc_add_slurm_test(jobs_laptop_train slurm_laptop.sh)
set_tests_properties(jobs_laptop_train PROPERTIES TIMEOUT 300)

# sbatch -N 2 on a two-node Slurm cluster of its own (jobs/twonode.sh; root + namespaces, else
# skipped). It needs no single-node cluster, but starts daemons: the same lock and label.
add_test(NAME slurm_twonode COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/slurm_twonode_test.sh
         $<TARGET_FILE:train_fixture> ${MPIEXEC_EXECUTABLE} WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(slurm_twonode PROPERTIES ENVIRONMENT "${FC_TEST_ENV}" SKIP_RETURN_CODE 77 TIMEOUT 400
                     RESOURCE_LOCK "flowchunk_slurm;flowchunk_twonode" LABELS "slurm;twonode")
