/* bench_train_reduce.c: the gradient reduction of `flowchunk train` alone, over the trainer
 * ranks of an mpiexec job: one flat in-place MPI_Allreduce of the whole gradient (the default)
 * against per-layer MPI_Iallreduce segments started last layer first, progressed with
 * MPI_Testall and completed with MPI_Waitall (the removed --overlap on), and against the two collectives of a
 * ZeRO-1 sharded optimiser (MPI_Reduce_scatter of the gradient, MPI_Allgatherv of the updated
 * weights: the same bytes as one allreduce, optimiser work divided by the ranks), and against the
 * node-local sum in one MPI shared-memory window (dist_grad_reduce + dist_grad_gather, what the
 * trainer uses when all its ranks share a node), for the MLP layout of a policy
 * (default: the trainer's 3 x 512 flow policy on keypoint windows, 595,488 floats).
 *   mpiexec -n 2 bench_train_reduce [--hidden 512] [--depth 3] [--iters 300] [--repeat 3]
 * Prints per-rank-0 mean microseconds per reduction and the algorithm bandwidth (bytes/time). */
#include "flowchunk/check.h"
#include "flowchunk/dist.h"
#include "flowchunk/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* the per-layer reduction the trainer's former --overlap on started inside backward (removed:
 * 0.80x of the default, README "History"), kept here as a reference point */
static void reduce_layers(const Mlp *m, float *g) {
    MPI_Request req[2 * MLP_MAX_LAYERS];
    int n = 0, done = 0;
    for (int l = m->n_layers - 1; l >= 0; l--) {
        const MlpTensor *w = &m->tensors[2 * l];
        MPI_Iallreduce(MPI_IN_PLACE, g + w->offset, (int)(w->size + m->tensors[2 * l + 1].size), MPI_FLOAT, MPI_SUM,
                       MPI_COMM_WORLD, &req[n++]);
        MPI_Testall(n, req, &done, MPI_STATUSES_IGNORE);
    }
    MPI_Waitall(n, req, MPI_STATUSES_IGNORE);
}

int main(int argc, char **argv) {
    dist_init(&argc, &argv);
    int hidden = 512, depth = 3, iters = 300, repeat = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--hidden")) hidden = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--depth")) depth = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--iters")) iters = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--repeat")) repeat = atoi(argv[i + 1]);
        else fc_die("bench_train_reduce: unknown option %s", argv[i]);
    }
    PolicyConfig pc;
    policy_config_default(&pc);
    pc.hidden = hidden;
    pc.depth = depth;
    Policy p;
    policy_init(&p, &pc, 0);
    size_t n = p.net.n_params;
    float *g = fc_malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++) g[i] = 1e-3f * (float)(i % 101);
    int me = dist_world_rank(), P = dist_world_size();
    if (me == 0)
        printf("bench_train_reduce: %d ranks, %zu floats (%.2f MB), %d layers, %d iterations x %d repeats\n", P, n,
               4e-6 * (double)n, p.net.n_layers, iters, repeat);
    /* ZeRO-1 layout: rank r owns an even contiguous range; the sum lands in the owner's range only,
     * then the (updated) ranges are gathered back: the bytes of one allreduce, in two collectives */
    int *counts = fc_malloc((size_t)P * sizeof(int)), *offs = fc_malloc((size_t)P * sizeof(int));
    for (int r = 0; r < P; r++) {
        offs[r] = (int)(n * (size_t)r / (size_t)P);
        counts[r] = (int)(n * (size_t)(r + 1) / (size_t)P) - offs[r];
    }
    float *shard = fc_malloc((size_t)counts[me] * sizeof(float) + 1);
    DistGrad *dg = dist_grad_create(n, 0); /* the window when every rank is on this node */
    int shm = strcmp(dist_grad_name(dg), "shared-memory") == 0;
    memcpy(dist_grad_buffer(dg), g, n * sizeof(float));
    const int n_modes = shm ? 4 : 3;
    double best[4] = {1e30, 1e30, 1e30, 1e30};
    for (int r = 0; r < repeat; r++) {
        for (int mode = 0; mode < n_modes; mode++) {
            dist_trainer_barrier();
            double t0 = now();
            for (int i = 0; i < iters; i++) {
                if (mode == 0) dist_allreduce_sum(g, n);
                else if (mode == 1) reduce_layers(&p.net, g);
                else if (mode == 3) {
                    dist_grad_reduce(dg);
                    dist_grad_gather(dg, g);
                }
                else {
                    MPI_Reduce_scatter(g, shard, counts, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
                    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, g, counts, offs, MPI_FLOAT, MPI_COMM_WORLD);
                }
            }
            double us = 1e6 * (now() - t0) / iters;
            if (us < best[mode]) best[mode] = us;
        }
    }
    if (me == 0) {
        const char *name[4] = {"flat MPI_Allreduce", "per-layer MPI_Iallreduce", "Reduce_scatter+Allgatherv",
                               "shared-memory window"};
        for (int mode = 0; mode < n_modes; mode++)
            printf("  %-26s %8.1f us per reduction  %6.2f GB/s\n", name[mode], best[mode],
                   4e-3 * (double)n / best[mode]);
    }
    dist_grad_destroy(dg);
    free(shard);
    free(counts);
    free(offs);
    free(g);
    policy_free(&p);
    dist_finalize();
    return 0;
}
