/* fuzz_zarr.c: libFuzzer target of the zarr v2 importer (zarr_read_episodes, `flowchunk import`).
 * One input is a whole store, as records [file id: 1 byte][length: 2 bytes LE][bytes]; the id
 * picks one of ZARR_FILES (modulo their count), .zgroup is always present. Seeds are a tiny store
 * cut from the real Push-T data (tests/fuzz/make_seeds.sh). */
#include "flowchunk/check.h"
#include "flowchunk/zarr.h"
#include "fuzz_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* the files a record can be; their directories are created once */
static const char *const ZARR_FILES[] = {
    "data/state/.zarray", "data/state/0.0", "data/state/1.0",
    "data/action/.zarray", "data/action/0.0", "data/action/1.0",
    "data/keypoint/.zarray", "data/keypoint/0.0.0", "data/keypoint/1.0.0",
    "meta/episode_ends/.zarray", "meta/episode_ends/0", "data/state/0/0",
};
#define ZARR_N_FILES (sizeof ZARR_FILES / sizeof ZARR_FILES[0])

static char store[700];


/* removes every file of the previous input, (re)creates the directories and .zgroup */
static void zarr_fuzz_reset(void) {
    if (!store[0]) snprintf(store, sizeof store, "%s", fuzz_scratch("store.zarr"));
    static const char *const dirs[] = {"", "/data", "/meta", "/data/state", "/data/action", "/data/keypoint",
                                       "/meta/episode_ends", "/data/state/0"};
    char p[800];
    for (size_t i = 0; i < ZARR_N_FILES; i++) {
        snprintf(p, sizeof p, "%s/%s", store, ZARR_FILES[i]);
        remove(p);
    }
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(p, sizeof p, "%s%s", store, dirs[i]);
        mkdir(p, 0700);
    }
    snprintf(p, sizeof p, "%s/.zgroup", store);
    fuzz_write_file(p, (const uint8_t *)"{\"zarr_format\": 2}", 18);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    zarr_fuzz_reset();
    size_t at = 0;
    while (at + 3 <= size) {
        size_t id = data[at] % ZARR_N_FILES, len = (size_t)data[at + 1] | (size_t)data[at + 2] << 8;
        at += 3;
        if (len > size - at) len = size - at;
        char p[800];
        snprintf(p, sizeof p, "%s/%s", store, ZARR_FILES[id]);
        fuzz_write_file(p, data + at, len);
        at += len;
    }
    Episodes ep;
    if (zarr_read_episodes(store, &ep) == FC_OK) episodes_free(&ep);
    fuzz_check_hdf5_closed("fuzz_zarr");
    return 0;
}
