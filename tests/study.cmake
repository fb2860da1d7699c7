# Dataset-size studies (jobs/study.sh, jobs/study.sbatch, src/study*.c, cmd_study.c): the
# statistics against hand-worked values, a tiny study (2 sizes x 2 seeds, a few hundred steps)
# on the local runner with stop / resume / skip, the same through the real local Slurm cluster
# (tests/slurm.cmake's fixture), and bad input refused before anything is submitted.
fc_add_test_exe(study_stats study_stats_test.c)
target_include_directories(study_stats PRIVATE ${PROJECT_SOURCE_DIR}/src)
fc_add_test(study_stats study_stats)
set_tests_properties(study_stats PROPERTIES LABELS "study")

fc_add_test(study_local bash ${CMAKE_CURRENT_SOURCE_DIR}/study_local_test.sh $<TARGET_FILE:report_png_check>
            ${CMAKE_CURRENT_BINARY_DIR}/study-work/local)
fc_add_test(study_errors bash ${CMAKE_CURRENT_SOURCE_DIR}/study_errors_test.sh $<TARGET_FILE:train_fixture>
            ${CMAKE_CURRENT_BINARY_DIR}/study-work/errors)
foreach(t study_local study_errors)
  set_tests_properties(${t} PROPERTIES ENVIRONMENT "${FC_TEST_ENV};FC_ROOT=${PROJECT_SOURCE_DIR};FLOWCHUNK=$<TARGET_FILE:flowchunk>"
                       TIMEOUT 600 LABELS "study")
endforeach()

# through the real local Slurm cluster (slurm_cluster_start / _stop); skipped without root
fc_add_slurm_test(study_slurm study_slurm_test.sh $<TARGET_FILE:report_png_check>)
set_tests_properties(study_slurm PROPERTIES FIXTURES_REQUIRED slurm_cluster TIMEOUT 900 LABELS "slurm;study")
