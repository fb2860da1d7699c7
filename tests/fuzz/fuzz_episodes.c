/* fuzz_episodes.c: libFuzzer target of the episodes-file reader (episodes_read, behind `flowchunk
 * info` and `flowchunk window`): any byte string as an HDF5 file must give FC_OK or one error,
 * never a crash, a sanitizer report, a leak or an implausible allocation. */
#include "flowchunk/check.h"
#include "flowchunk/episodes.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_input_file("episodes.h5", data, size);
    Episodes ep;
    if (episodes_read(&ep, path) == FC_OK) episodes_free(&ep);
    fuzz_check_hdf5_closed("fuzz_episodes");
    return 0;
}
