# Tests of the HDF5 helpers, the episodes file, the zarr importer and `flowchunk import`/`info`.
fc_add_test_exe(h5util_test h5util_test.c)
fc_add_test(h5util_roundtrip h5util_test)
fc_add_test_exe(import_episodes_test import_episodes_test.c)
fc_add_test(import_episodes_roundtrip import_episodes_test)
fc_add_test_exe(import_zarr_test import_zarr_test.c)
target_include_directories(import_zarr_test PRIVATE ${PROJECT_SOURCE_DIR}/src) # zarr_internal.h
fc_add_test(import_zarr_read import_zarr_test ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/import_pusht.txt)
# `flowchunk import` end to end, and one clear error (and no file) for each kind of bad input
add_executable(import_zarr_edit import_zarr_edit.c)
target_link_libraries(import_zarr_edit PRIVATE flowchunk_core)
target_compile_options(import_zarr_edit PRIVATE ${FC_WARNINGS})
fc_add_test(import_cli bash ${CMAKE_CURRENT_SOURCE_DIR}/import_cli_test.sh
            $<TARGET_FILE:import_zarr_test> $<TARGET_FILE:import_zarr_edit>)
# `flowchunk info`: episodes (with outcome), generic formats, the imported real data, errors
fc_add_test(import_info bash ${CMAKE_CURRENT_SOURCE_DIR}/import_info_test.sh $<TARGET_FILE:import_episodes_test>)
