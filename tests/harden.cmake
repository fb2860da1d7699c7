# Hardening (issue 17): the regression tests of the failures found by hostile use: metrics after
# a stop + resume, implausible sizes in HDF5 files, poisoned checkpoints, the launcher's status
# after SIGTERM, and the fault-injection matrix of a 3-rank training run.
# (this file is included before train.cmake, which defines train_fixture: the same arguments)
set(FC_HARDEN_TRAIN_ARGS $<TARGET_FILE:train_fixture> ${MPIEXEC_EXECUTABLE})
fc_add_test(train_metrics_resume bash ${CMAKE_CURRENT_SOURCE_DIR}/train_metrics_test.sh ${FC_HARDEN_TRAIN_ARGS})
set_tests_properties(train_metrics_resume PROPERTIES TIMEOUT 180)
fc_add_test(harden_launcher_term bash ${CMAKE_CURRENT_SOURCE_DIR}/harden_launcher_test.sh ${FC_HARDEN_TRAIN_ARGS})
set_tests_properties(harden_launcher_term PROPERTIES TIMEOUT 120)
