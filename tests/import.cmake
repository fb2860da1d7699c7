# Tests of the HDF5 helpers, the episodes file, the zarr importer and `flowchunk import`/`info`.
fc_add_test_exe(h5util_test h5util_test.c)
fc_add_test(h5util_roundtrip h5util_test)
fc_add_test_exe(import_episodes_test import_episodes_test.c)
fc_add_test(import_episodes_roundtrip import_episodes_test)
fc_add_test_exe(import_zarr_test import_zarr_test.c)
fc_add_test(import_zarr_read import_zarr_test ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/import_pusht.txt)
