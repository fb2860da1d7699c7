/* fuzz_windows.c: libFuzzer target of the windows-file readers: the describer of `flowchunk info`
 * (window_describe: format, spec, norm, shapes) and the training loader (loader_init: checks,
 * sharding and the reads of the shard and validation rows). Without MPI_Init the loader takes its
 * serial path (HDF5's sec2 driver): the same checks and reads as the collective MPI-IO path, and
 * no Open MPI start-up state for LeakSanitizer to report at exit. */
#include "flowchunk/check.h"
#include "flowchunk/loader.h"
#include "flowchunk/window.h"
#include "fuzz_input.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_input_file("windows.h5", data, size);
    window_describe(path, 1);
    Loader L;
    if (loader_init(&L, path, MPI_COMM_NULL, 8, 1, 1) == FC_OK) loader_free(&L);
    fuzz_check_hdf5_closed("fuzz_windows");
    return 0;
}
