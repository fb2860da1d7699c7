/* fuzz_input.c: what the fuzz targets share (fuzz_input.h): start-up, scratch files, the
 * open-handle check. */
#include "fuzz_input.h"
#include "flowchunk/h5util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fuzz_dir[512];

static void fuzz_cleanup(void) {
    if (!fuzz_dir[0]) return;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir);
    if (system(cmd) != 0) fprintf(stderr, "fuzz: cannot remove %s\n", fuzz_dir);
}

const char *fuzz_scratch(const char *suffix) {
    static char path[700];
    if (!fuzz_dir[0]) {
        struct stat st;
        const char *base = getenv("TMPDIR");
        if (!base) base = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp";
        snprintf(fuzz_dir, sizeof fuzz_dir, "%s/fc_fuzz.%ld", base, (long)getpid());
        if (mkdir(fuzz_dir, 0700) != 0 && stat(fuzz_dir, &st) != 0) {
            perror(fuzz_dir);
            abort();
        }
        atexit(fuzz_cleanup);
    }
    snprintf(path, sizeof path, "%s/%s", fuzz_dir, suffix);
    return path;
}

void fuzz_write_file(const char *path, const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

/* every target: stdout (the describers' output) to /dev/null, HDF5's error stack off */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    if (!freopen("/dev/null", "w", stdout)) abort();
    h5u_quiet();
    return 0;
}

const char *fuzz_input_file(const char *name, const uint8_t *data, size_t size) {
    const char *path = fuzz_scratch(name);
    fuzz_write_file(path, data, size);
    return path;
}

void fuzz_check_hdf5_closed(const char *target) {
    ssize_t open_ids = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (open_ids != 0) {
        fprintf(stderr, "%s: %zd HDF5 objects left open after an input (a leaked handle)\n", target, open_ids);
        abort();
    }
}
