# Hardening (issue 17): the regression tests of the failures found by hostile use: metrics after
# a stop + resume, implausible sizes in HDF5 files, poisoned checkpoints, the launcher's status
# after SIGTERM, and the fault-injection matrix of a 3-rank training run.
# (this file is included before train.cmake, which defines train_fixture: the same arguments)
set(FC_HARDEN_TRAIN_ARGS $<TARGET_FILE:train_fixture> ${MPIEXEC_EXECUTABLE})
fc_add_test(train_metrics_resume bash ${CMAKE_CURRENT_SOURCE_DIR}/train_metrics_test.sh ${FC_HARDEN_TRAIN_ARGS})
set_tests_properties(train_metrics_resume PROPERTIES TIMEOUT 180)
# harden_launcher_test.sh (SIGTERM to mpirun itself -> status 3) is not registered: Open MPI 4.1
# SIGKILLs the ranks 1 s after it forwards the SIGTERM (odls_base_sigkill_timeout), often before
# their checkpoint is written, so the status is 1 on a busy machine; run it by hand with
# bash tests/harden_launcher_test.sh build/tests/train_fixture mpiexec (FC_FLOWCHUNK set).
# A longer odls_base_sigkill_timeout makes it worse, not better (measured): mpirun delays the
# forwarded SIGTERM by the timeout while it tears the job down, so at 3 s and 20 s the ranks died
# without a checkpoint (status 1) where the default 1 s gives status 3 within 2 s (4 of 4 runs
# passed by hand on a loaded machine).
add_executable(harden_poison harden_poison.c)
target_link_libraries(harden_poison PRIVATE flowchunk_core)
target_compile_options(harden_poison PRIVATE ${FC_WARNINGS})
fc_add_test(harden_inputs bash ${CMAKE_CURRENT_SOURCE_DIR}/harden_inputs_test.sh $<TARGET_FILE:train_fixture>
            $<TARGET_FILE:eval_make_ckpt> $<TARGET_FILE:harden_poison>)
fc_add_test_exe(harden_evalpool harden_evalpool.c)
fc_add_test(harden_evalpool_nan harden_evalpool)
# the fault matrix (kill -9 of every role, inside a checkpoint write, stop signals to the launcher,
# disk full on a tmpfs: needs root, skipped otherwise; SIGSTOP waits for the watchdog of #16)
fc_add_test(train_faults bash ${CMAKE_CURRENT_SOURCE_DIR}/train_faults_test.sh ${FC_HARDEN_TRAIN_ARGS})
set_tests_properties(train_faults PROPERTIES TIMEOUT 400)
