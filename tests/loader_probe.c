/* loader_probe.c: open a windows file with the loader on every rank and report like a command
 * does: on failure rank 0 prints ONE "flowchunk: error: ..." line and every rank exits 1 (no
 * MPI_Abort), so tests can assert one clear line, a non-zero exit and no hang.
 * usage: loader_probe WINDOWS.h5 GLOBAL_BATCH SHARDS */
#include "flowchunk/check.h"
#include "flowchunk/dist.h"
#include "flowchunk/loader.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    dist_init(&argc, &argv);
    if (argc < 4) {
        fprintf(stderr, "usage: loader_probe WINDOWS.h5 GLOBAL_BATCH SHARDS\n");
        return 2;
    }
    Loader L;
    int rc = loader_init(&L, argv[1], MPI_COMM_WORLD, atoi(argv[2]), atoi(argv[3]), 42);
    if (rc != FC_OK) {
        if (dist_world_rank() == 0) fprintf(stderr, "flowchunk: error: %s\n", fc_last_error());
        dist_finalize();
        return 1;
    }
    float *obs = fc_malloc((size_t)L.batch_rows * (size_t)L.obs_row * sizeof(float));
    float *act = fc_malloc((size_t)L.batch_rows * (size_t)L.act_row * sizeof(float));
    loader_next(&L, obs, act, NULL);
    if (dist_world_rank() == 0) printf("ok: %lld windows, io mode %s\n", (long long)L.n_rows, L.io_mode);
    free(obs);
    free(act);
    loader_free(&L);
    dist_finalize();
    return 0;
}
