/* bench_loader.c: throughput of the windows pipeline (benchmarks/bench_loader.sh runs it).
 *   bench_loader episodes FILE STEPS [EP_LEN]   synthetic episodes file (random walks, no keypoint
 *                                               array: `flowchunk window --obs keypoints` computes them)
 *   bench_loader make FILE ROWS [CHUNK_ROWS]    synthetic windows file written directly (DP recipe
 *                                               shape: 40 obs + 32 action floats per row); CHUNK_ROWS
 *                                               0 = contiguous layout, default WINDOW_CHUNK_ROWS
 *   bench_loader read FILE GLOBAL_BATCH SHARDS [STEPS] [REPS]   under mpiexec: the loader's
 *       collective shard read REPS times (best and median time, bytes/s), a raw pread of the same
 *       number of bytes per rank (the file-system roofline), peak memory per rank (ru_maxrss)
 *       and loader_next throughput; one JSON line on stdout from rank 0. */
#include "flowchunk/check.h"
#include "flowchunk/dist.h"
#include "flowchunk/episodes.h"
#include "flowchunk/loader.h"
#include "flowchunk/window.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t lcg(uint64_t *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

static float unit(uint64_t *s) { return (float)(lcg(s) & 0xffffff) / 16777216.0f; }

static int make_episodes(const char *path, int64_t steps, int64_t len) {
    int64_t ne = (steps + len - 1) / len;
    Episodes ep;
    episodes_init(&ep, steps, ne, 0, 0);
    snprintf(ep.source, sizeof ep.source, "bench_loader synthetic random walks");
    uint64_t s = 1;
    for (int64_t e = 0; e < ne; e++) ep.episode_ends[e] = (e + 1) * len < steps ? (e + 1) * len : steps;
    float x[5] = {256, 256, 256, 256, 1};
    for (int64_t i = 0; i < steps; i++) {
        for (int d = 0; d < 4; d++) x[d] = fminf(500.f, fmaxf(10.f, x[d] + 8.f * (unit(&s) - 0.5f)));
        x[4] = fmodf(x[4] + 0.1f * unit(&s), 6.2831853f);
        memcpy(ep.state + i * 5, x, sizeof x);
        ep.action[i * 2] = x[0] + 5.f * (unit(&s) - 0.5f);
        ep.action[i * 2 + 1] = x[1] + 5.f * (unit(&s) - 0.5f);
    }
    double t0 = now();
    int rc = episodes_write(&ep, path);
    if (rc == FC_OK)
        printf("{\"episodes\":%lld,\"steps\":%lld,\"write_seconds\":%.3f}\n", (long long)ne, (long long)steps, now() - t0);
    episodes_free(&ep);
    return rc;
}

static int make_windows(const char *path, int64_t rows, int64_t chunk_rows) {
    enum { OBS = 40, ACT = 32, BLK = 65536 };
    WindowSpec spec;
    window_spec_default(&spec);
    spec.obs_kind = PUSHT_OBS_KEYPOINTS;
    spec.obs_steps = 2;
    spec.horizon = 16;
    spec.pad = WINDOW_PAD_EDGE;
    Norm n;
    memset(&n, 0, sizeof n);
    n.obs_dim = 20;
    n.act_dim = 2;
    for (int d = 0; d < 20; d++) n.obs_max[d] = 512;
    n.act_max[0] = n.act_max[1] = 512;
    WindowWriter w;
    if (window_writer_init(&w, path, rows, 0, OBS, ACT, chunk_rows) != FC_OK) return FC_ERR;
    float *obs = fc_malloc((size_t)BLK * OBS * sizeof(float)), *act = fc_malloc((size_t)BLK * ACT * sizeof(float));
    int32_t *ep = fc_malloc(BLK * sizeof(int32_t)), *t = fc_malloc(BLK * sizeof(int32_t));
    uint64_t s = 7;
    double t0 = now();
    int rc = FC_OK;
    for (int64_t r = 0; r < rows && rc == FC_OK; r += BLK) {
        int64_t k = rows - r < BLK ? rows - r : BLK;
        for (int64_t i = 0; i < k * OBS; i++) obs[i] = 2.f * unit(&s) - 1.f;
        for (int64_t i = 0; i < k * ACT; i++) act[i] = 2.f * unit(&s) - 1.f;
        for (int64_t i = 0; i < k; i++) {
            ep[i] = (int32_t)((r + i) / 150);
            t[i] = (int32_t)((r + i) % 150);
        }
        rc = window_writer_append(&w, 0, k, obs, act, ep, t);
    }
    int64_t none[1] = {0};
    if (rc == FC_OK) rc = window_writer_finish(&w, &spec, &n, "bench_loader synthetic", 1, none, 1, none, 0);
    else window_writer_abort(&w);
    double sec = now() - t0;
    if (rc == FC_OK)
        printf("{\"rows\":%lld,\"bytes\":%lld,\"chunk_rows\":%lld,\"write_seconds\":%.3f}\n", (long long)rows,
               (long long)(rows * (OBS + ACT) * 4), (long long)(chunk_rows < 0 ? WINDOW_CHUNK_ROWS : chunk_rows), sec);
    free(obs);
    free(act);
    free(ep);
    free(t);
    return rc;
}

/* raw roofline: every rank preads bytes/P of the file at its own offset, in 64 MB calls */
static double raw_read(const char *path, double bytes_per_rank, int rank) {
    int fd = open(path, O_RDONLY);
    FC_CHECK(fd >= 0, "cannot open %s", path);
    size_t blk = 64u << 20, n = (size_t)bytes_per_rank;
    char *buf = fc_malloc(n);
    double t0 = now();
    for (size_t off = 0; off < n;) {
        ssize_t k = pread(fd, buf + off, n - off < blk ? n - off : blk, (off_t)((double)rank * bytes_per_rank) + (off_t)off);
        if (k <= 0) break;
        off += (size_t)k;
    }
    double sec = now() - t0;
    close(fd);
    free(buf);
    return sec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int read_bench(const char *path, int batch, int shards, int steps, int reps) {
    MPI_Comm comm = MPI_COMM_WORLD;
    int rank = dist_world_rank(), P = dist_world_size();
    double read_s[16], open_s[16], raw_s[16], next_s = 0, bytes = 0, total = 0;
    if (reps > 16) reps = 16;
    char mode[64] = "";
    int64_t held = 0;
    for (int r = 0; r < reps; r++) {
        MPI_Barrier(comm);
        double t0 = now();
        Loader L;
        if (loader_init(&L, path, comm, batch, shards, 1) != FC_OK) return FC_ERR;
        double o = now() - t0, rs = L.read_seconds;
        MPI_Allreduce(&o, &open_s[r], 1, MPI_DOUBLE, MPI_MAX, comm);
        MPI_Allreduce(&rs, &read_s[r], 1, MPI_DOUBLE, MPI_MAX, comm);
        bytes = (double)L.bytes_read;
        snprintf(mode, sizeof mode, "%s", L.io_mode);
        held = L.max_bytes_held;
        if (r == reps - 1) { /* loader_next throughput once */
            float *obs = fc_malloc((size_t)L.batch_rows * (size_t)L.obs_row * sizeof(float));
            float *act = fc_malloc((size_t)L.batch_rows * (size_t)L.act_row * sizeof(float));
            uint64_t *slot = fc_malloc((size_t)L.batch_rows * sizeof(uint64_t));
            double t1 = now();
            for (int i = 0; i < steps; i++) loader_next(&L, obs, act, slot);
            double ns = now() - t1;
            MPI_Allreduce(&ns, &next_s, 1, MPI_DOUBLE, MPI_MAX, comm);
            free(obs);
            free(act);
            free(slot);
        }
        loader_free(&L);
    }
    MPI_Allreduce(&bytes, &total, 1, MPI_DOUBLE, MPI_SUM, comm);
    for (int r = 0; r < reps; r++) {
        MPI_Barrier(comm);
        double s = raw_read(path, total / P, rank);
        MPI_Allreduce(&s, &raw_s[r], 1, MPI_DOUBLE, MPI_MAX, comm);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss = (double)ru.ru_maxrss * 1024.0, max_rss = 0;
    MPI_Allreduce(&rss, &max_rss, 1, MPI_DOUBLE, MPI_MAX, comm);
    qsort(read_s, (size_t)reps, sizeof(double), cmp_double);
    qsort(raw_s, (size_t)reps, sizeof(double), cmp_double);
    qsort(open_s, (size_t)reps, sizeof(double), cmp_double);
    if (rank == 0)
        printf("{\"ranks\":%d,\"bytes\":%.0f,\"io_mode\":\"%s\",\"reps\":%d,\"read_s_best\":%.3f,\"read_s_median\":%.3f,"
               "\"GBps_best\":%.3f,\"GBps_median\":%.3f,\"raw_pread_GBps_best\":%.3f,\"open_s_best\":%.3f,"
               "\"peak_rss_MB\":%.1f,\"held_MB\":%.1f,\"next_samples_per_s\":%.3g}\n",
               P, total, mode, reps, read_s[0], read_s[reps / 2], total / read_s[0] / 1e9, total / read_s[reps / 2] / 1e9,
               total / raw_s[0] / 1e9, open_s[0], max_rss / 1e6, (double)held / 1e6,
               next_s > 0 ? (double)steps * batch / next_s : 0.0);
    return FC_OK;
}

int main(int argc, char **argv) {
    dist_init(&argc, &argv);
    int rc = FC_ERR_USAGE;
    if (argc >= 4 && !strcmp(argv[1], "episodes"))
        rc = make_episodes(argv[2], atoll(argv[3]), argc > 4 ? atoll(argv[4]) : 150);
    else if (argc >= 4 && !strcmp(argv[1], "make"))
        rc = make_windows(argv[2], atoll(argv[3]), argc > 4 ? atoll(argv[4]) : -1);
    else if (argc >= 5 && !strcmp(argv[1], "read"))
        rc = read_bench(argv[2], atoi(argv[3]), atoi(argv[4]), argc > 5 ? atoi(argv[5]) : 1000,
                        argc > 6 ? atoi(argv[6]) : 3);
    else
        fprintf(stderr, "usage: bench_loader episodes FILE STEPS [EP_LEN] | make FILE ROWS [CHUNK_ROWS] |\n"
                        "       read FILE GLOBAL_BATCH SHARDS [STEPS] [REPS]\n");
    if (rc == FC_ERR && dist_world_rank() == 0) fprintf(stderr, "bench_loader: error: %s\n", fc_last_error());
    dist_finalize();
    return rc;
}
