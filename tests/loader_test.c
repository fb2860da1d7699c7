/* loader_test.c: the sharded loader under mpiexec -n 1..4 (tests/window.cmake). Rank 0 writes a
 * synthetic windows file whose rows name themselves (obs[r][0] = r, action[r][0] = -r), then every
 * rank opens it and the test asserts:
 *  - shards are disjoint and their union is every row; each rank holds exactly its rows;
 *  - the shard reads were collective (H5Pget_mpio_actual_io_mode);
 *  - every step's global batch fills each slot 0..B-1 once, slot = shard * b + j;
 *  - per epoch every window is used 0 or 1 times, with fewer than B unused;
 *  - the global batch sequence equals that of a single-rank loader (rank-count independence);
 *  - no two shards (hence no two ranks) draw the same shuffled order; epochs differ;
 *  - save/restore of the position reproduces the batches exactly;
 *  - the validation rows are read whole on every rank;
 *  - configuration errors come back as FC_ERR on every rank with the same message.
 * usage: loader_test FILE [ROWS] [SHARDS] [SHARD_BATCH] */
#include "flowchunk/check.h"
#include "flowchunk/dist.h"
#include "flowchunk/loader.h"
#include "flowchunk/window.h"
#include "expect.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


enum { TO = 2, H = 4, OBS_ROW = TO * 5, ACT_ROW = H * 2, N_VAL = 37 };

static void write_synthetic(const char *path, int64_t m) {
    WindowSpec s;
    window_spec_default(&s);
    s.obs_steps = TO;
    s.horizon = H;
    Norm n;
    memset(&n, 0, sizeof n);
    n.obs_dim = 5;
    n.act_dim = 2;
    for (int d = 0; d < 5; d++) n.obs_max[d] = 1;
    n.act_max[0] = n.act_max[1] = 1;
    WindowWriter w;
    FC_CHECK(window_writer_init(&w, path, m, N_VAL, OBS_ROW, ACT_ROW, -1) == FC_OK, "%s", fc_last_error());
    for (int split = 0; split < 2; split++) {
        int64_t rows = split ? N_VAL : m;
        float *obs = fc_calloc((size_t)rows * OBS_ROW, sizeof(float));
        float *act = fc_calloc((size_t)rows * ACT_ROW, sizeof(float));
        int32_t *ep = fc_calloc((size_t)rows, sizeof(int32_t)), *t = fc_calloc((size_t)rows, sizeof(int32_t));
        for (int64_t r = 0; r < rows; r++) {
            obs[r * OBS_ROW] = (float)(split ? 100000 + r : r);
            obs[r * OBS_ROW + OBS_ROW - 1] = 0.5f;
            act[r * ACT_ROW] = (float)-r;
            ep[r] = (int32_t)(r / 10);
            t[r] = (int32_t)(r % 10);
        }
        FC_CHECK(window_writer_append(&w, split, rows, obs, act, ep, t) == FC_OK, "%s", fc_last_error());
        free(obs);
        free(act);
        free(ep);
        free(t);
    }
    int64_t train[1] = {0}, val[1] = {1};
    FC_CHECK(window_writer_finish(&w, &s, &n, "loader_test synthetic", 2, train, 1, val, 1) == FC_OK, "%s",
             fc_last_error());
}

/* this rank's batch (batch_row by slot) gathered into global[B] on rank 0 */
static void gather_batch(const Loader *L, const uint64_t *slot, int64_t *global, MPI_Comm comm) {
    int P = L->size;
    int64_t *pairs = fc_malloc((size_t)L->batch_rows * 2 * sizeof(int64_t));
    for (int i = 0; i < L->batch_rows; i++) {
        pairs[2 * i] = (int64_t)slot[i];
        pairs[2 * i + 1] = L->batch_row[i];
    }
    int *counts = fc_malloc((size_t)P * sizeof(int)), *displs = fc_malloc((size_t)P * sizeof(int));
    int mine = 2 * L->batch_rows;
    MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, comm);
    int total = 0;
    if (L->rank == 0)
        for (int p = 0; p < P; p++) {
            displs[p] = total;
            total += counts[p];
        }
    int64_t *all = fc_malloc((size_t)(total ? total : 1) * sizeof(int64_t));
    MPI_Gatherv(pairs, mine, MPI_INT64_T, all, counts, displs, MPI_INT64_T, 0, comm);
    if (L->rank == 0) {
        EXPECT(total == 2 * L->global_batch, "global batch has %d samples, expected %d", total / 2, L->global_batch);
        for (int i = 0; i < L->global_batch; i++) global[i] = -1;
        for (int i = 0; i < total / 2; i++) {
            int64_t s = all[2 * i];
            EXPECT(s >= 0 && s < L->global_batch && global[s] == -1, "slot %lld out of range or used twice", (long long)s);
            if (s >= 0 && s < L->global_batch) global[s] = all[2 * i + 1];
        }
    }
    free(all);
    free(pairs);
    free(counts);
    free(displs);
}

/* one step: draw, check the per-sample contents, gather the global batch */
static void step(Loader *L, float *obs, float *act, uint64_t *slot, int64_t *global, MPI_Comm comm) {
    loader_next(L, obs, act, slot);
    int b = L->shard_batch;
    for (int i = 0; i < L->batch_rows; i++) {
        int64_t r = L->batch_row[i];
        int k = L->shard_lo + i / b;
        EXPECT(r >= L->shard_start[k] && r < L->shard_start[k + 1], "row %lld not in shard %d", (long long)r, k);
        EXPECT(obs[(size_t)i * OBS_ROW] == (float)r && act[(size_t)i * ACT_ROW] == (float)-r,
               "sample %d holds row %g, expected row %lld", i, obs[(size_t)i * OBS_ROW], (long long)r);
        EXPECT(slot[i] == (uint64_t)k * (uint64_t)b + (uint64_t)(i % b), "slot of sample %d is %llu", i,
               (unsigned long long)slot[i]);
    }
    gather_batch(L, slot, global, comm);
}

/* the first n entries of shard k's order in the current epoch (shard-local indices) */
static void shard_order(const Loader *L, int k, uint32_t *out, int64_t n) {
    memcpy(out, L->order + (L->shard_start[k] - L->row_lo), (size_t)n * sizeof(uint32_t));
}

int main(int argc, char **argv) {
    dist_init(&argc, &argv);
    if (argc < 2) {
        fprintf(stderr, "usage: loader_test FILE [ROWS] [SHARDS] [SHARD_BATCH]\n");
        return 2;
    }
    const char *path = argv[1];
    int64_t M = argc > 2 ? atoll(argv[2]) : 1003;
    int V = argc > 3 ? atoi(argv[3]) : 8;
    int b = argc > 4 ? atoi(argv[4]) : 5;
    int B = V * b;
    MPI_Comm comm = MPI_COMM_WORLD;
    int rank = dist_world_rank(), P = dist_world_size();
    if (rank == 0) write_synthetic(path, M);
    MPI_Barrier(comm);

    Loader L;
    FC_CHECK(loader_init(&L, path, comm, B, V, 1234) == FC_OK, "loader_init: %s", fc_last_error());
    EXPECT(L.n_rows == M && L.n_shards == V && L.shard_batch == b, "geometry");
    EXPECT(loader_obs_width(&L) == OBS_ROW && loader_act_width(&L) == ACT_ROW && loader_horizon(&L) == H &&
           loader_obs_dim(&L) == 5 && loader_obs_steps(&L) == TO && loader_act_dim(&L) == 2, "accessors");

    /* shards: contiguous, disjoint, union = all rows; rank data = its rows */
    int64_t range[2] = {L.row_lo, L.row_hi}, *ranges = fc_malloc((size_t)P * 2 * sizeof(int64_t));
    MPI_Allgather(range, 2, MPI_INT64_T, ranges, 2, MPI_INT64_T, comm);
    EXPECT(ranges[0] == 0 && ranges[2 * P - 1] == M, "shards start at 0 and end at M");
    for (int p = 1; p < P; p++) EXPECT(ranges[2 * p] == ranges[2 * p - 1], "rank %d's rows do not follow rank %d's", p, p - 1);
    for (int p = 0; p < P; p++) EXPECT(ranges[2 * p + 1] > ranges[2 * p], "rank %d owns no rows", p);
    for (int64_t i = 0; i < L.row_hi - L.row_lo; i++)
        EXPECT(L.obs[i * OBS_ROW] == (float)(L.row_lo + i) && L.act[i * ACT_ROW] == (float)-(L.row_lo + i),
               "held row %lld is wrong", (long long)(L.row_lo + i));
    for (int k = 0; k < V; k++)
        EXPECT(L.shard_start[k + 1] - L.shard_start[k] >= M / V, "shard %d is smaller than M/V", k);

    /* the read really was collective */
    EXPECT(L.read_collective == 1, "shard read was not collective: io mode %s", L.io_mode);
    if (rank == 0) printf("P=%d V=%d b=%d M=%lld: io mode %s, steps/epoch %lld, dropped %lld, %lld bytes held\n", P, V,
                          b, (long long)M, L.io_mode, (long long)L.steps_per_epoch, (long long)L.dropped_per_epoch,
                          (long long)L.bytes_held);

    /* validation rows on every rank */
    EXPECT(L.n_val == N_VAL, "n_val %lld", (long long)L.n_val);
    for (int64_t i = 0; i < L.n_val; i++) EXPECT(L.val_obs[i * OBS_ROW] == (float)(100000 + i), "val row %lld", (long long)i);

    /* a single-rank reference loader on rank 0 */
    Loader R;
    memset(&R, 0, sizeof R);
    if (rank == 0) FC_CHECK(loader_init(&R, path, MPI_COMM_SELF, B, V, 1234) == FC_OK, "reference: %s", fc_last_error());
    float *obs = fc_malloc((size_t)B * OBS_ROW * sizeof(float)), *act = fc_malloc((size_t)B * ACT_ROW * sizeof(float));
    float *robs = fc_malloc((size_t)B * OBS_ROW * sizeof(float)), *ract = fc_malloc((size_t)B * ACT_ROW * sizeof(float));
    uint64_t *slot = fc_malloc((size_t)B * sizeof(uint64_t)), *rslot = fc_malloc((size_t)B * sizeof(uint64_t));
    int64_t *global = fc_malloc((size_t)B * sizeof(int64_t));
    int *used = fc_calloc((size_t)M, sizeof(int));
    int64_t spe = L.steps_per_epoch;
    EXPECT(spe >= 1 && M - spe * B < B && M - spe * B == L.dropped_per_epoch, "drop-last leaves fewer than B windows");

    for (int epoch = 0; epoch < 3; epoch++) {
        memset(used, 0, (size_t)M * sizeof(int));
        for (int64_t s = 0; s < spe; s++) {
            EXPECT(L.pos.epoch == epoch || (s == 0 && L.pos.step == spe), "position");
            step(&L, obs, act, slot, global, comm);
            if (rank != 0) continue;
            loader_next(&R, robs, ract, rslot);
            for (int i = 0; i < B; i++) {
                EXPECT(global[i] == R.batch_row[i], "epoch %d step %lld slot %d: row %lld, single-rank loader has %lld",
                       epoch, (long long)s, i, (long long)global[i], (long long)R.batch_row[i]);
                if (global[i] >= 0 && global[i] < M) used[global[i]]++;
            }
        }
        if (rank == 0) {
            int64_t zeros = 0;
            for (int64_t r = 0; r < M; r++) {
                EXPECT(used[r] <= 1, "epoch %d: row %lld used %d times", epoch, (long long)r, used[r]);
                zeros += used[r] == 0;
            }
            EXPECT(zeros == L.dropped_per_epoch && zeros < B, "epoch %d: %lld unused windows (B = %d)", epoch,
                   (long long)zeros, B);
        }
        /* shuffled orders: no two shards alike (all ranks' shards compared on rank 0) */
        int64_t nmin = M / V;
        uint32_t *orders = fc_malloc((size_t)V * (size_t)nmin * sizeof(uint32_t));
        int *cnt = fc_malloc((size_t)P * sizeof(int)), *dsp = fc_malloc((size_t)P * sizeof(int));
        int mine = (L.shard_hi - L.shard_lo) * (int)nmin;
        uint32_t *my = fc_malloc((size_t)(mine ? mine : 1) * sizeof(uint32_t));
        for (int k = L.shard_lo; k < L.shard_hi; k++) shard_order(&L, k, my + (k - L.shard_lo) * nmin, nmin);
        MPI_Allgather(&mine, 1, MPI_INT, cnt, 1, MPI_INT, comm);
        for (int p = 0, d = 0; p < P; p++) {
            dsp[p] = d;
            d += cnt[p];
        }
        MPI_Allgatherv(my, mine, MPI_UINT32_T, orders, cnt, dsp, MPI_UINT32_T, comm);
        for (int k1 = 0; k1 < V; k1++)
            for (int k2 = k1 + 1; k2 < V; k2++)
                EXPECT(memcmp(orders + k1 * nmin, orders + k2 * nmin, (size_t)nmin * sizeof(uint32_t)) != 0,
                       "epoch %d: shards %d and %d draw the same order", epoch, k1, k2);
        int identity = 1;
        for (int64_t i = 0; i < nmin; i++) identity &= orders[i] == (uint32_t)i;
        EXPECT(!identity, "epoch %d: shard 0 is not shuffled", epoch);
        if (epoch == 0 && rank == 0) {
            /* the next epoch reshuffles */
            uint32_t *o0 = fc_malloc((size_t)nmin * sizeof(uint32_t));
            memcpy(o0, orders, (size_t)nmin * sizeof(uint32_t));
            loader_next(&R, robs, ract, rslot); /* starts epoch 1 */
            EXPECT(memcmp(o0, R.order, (size_t)nmin * sizeof(uint32_t)) != 0, "epochs 0 and 1 draw the same order");
            LoaderPos back = {1, 0};
            EXPECT(loader_restore(&R, back) == FC_OK, "restore");
            free(o0);
        }
        free(orders);
        free(cnt);
        free(dsp);
        free(my);
    }

    /* save / restore: 4 batches after a saved position, twice; then in a fresh loader */
    if (rank == 0) {
        for (int i = 0; i < 3; i++) loader_next(&R, robs, ract, rslot);
        LoaderPos saved = loader_state(&R);
        int64_t *first = fc_malloc((size_t)4 * B * sizeof(int64_t));
        for (int s = 0; s < 4; s++) {
            loader_next(&R, robs, ract, rslot);
            memcpy(first + s * B, R.batch_row, (size_t)B * sizeof(int64_t));
        }
        EXPECT(loader_restore(&R, saved) == FC_OK, "restore: %s", fc_last_error());
        for (int s = 0; s < 4; s++) {
            loader_next(&R, robs, ract, rslot);
            EXPECT(!memcmp(first + s * B, R.batch_row, (size_t)B * sizeof(int64_t)), "restored batch %d differs", s);
        }
        uint64_t fp = loader_fingerprint(&R);
        loader_free(&R);
        FC_CHECK(loader_init(&R, path, MPI_COMM_SELF, B, V, 1234) == FC_OK, "reopen: %s", fc_last_error());
        EXPECT(loader_fingerprint(&R) == fp, "fingerprint changes on reopen");
        EXPECT(loader_restore(&R, saved) == FC_OK, "restore in a fresh loader");
        for (int s = 0; s < 4; s++) {
            loader_next(&R, robs, ract, rslot);
            EXPECT(!memcmp(first + s * B, R.batch_row, (size_t)B * sizeof(int64_t)), "fresh-loader batch %d differs", s);
        }
        LoaderPos bad = {0, spe + 1};
        EXPECT(loader_restore(&R, bad) == FC_ERR, "restore past the end of an epoch must fail");
        free(first);
        loader_free(&R);
        Loader S;
        FC_CHECK(loader_init(&S, path, MPI_COMM_SELF, B, V, 99) == FC_OK, "seed 99: %s", fc_last_error());
        EXPECT(loader_fingerprint(&S) != fp, "the fingerprint ignores the seed");
        loader_free(&S);
    }

    /* configuration errors: FC_ERR on every rank, same message */
    Loader E;
    int rc = loader_init(&E, path, comm, V * b + 1, V, 1);
    EXPECT(rc == FC_ERR && strstr(fc_last_error(), "not a multiple"), "B %% V != 0 must fail: %s", fc_last_error());
    if (P > 1) {
        rc = loader_init(&E, path, comm, P - 1, P - 1, 1);
        EXPECT(rc == FC_ERR && strstr(fc_last_error(), "virtual shards"), "V < P must fail: %s", fc_last_error());
    }
    rc = loader_init(&E, "/nonexistent/windows.h5", comm, B, V, 1);
    EXPECT(rc == FC_ERR && strstr(fc_last_error(), "No such file"), "missing file: %s", fc_last_error());

    loader_free(&L);
    free(obs);
    free(act);
    free(robs);
    free(ract);
    free(slot);
    free(rslot);
    free(global);
    free(used);
    free(ranges);
    int all = failures;
    MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_INT, MPI_SUM, comm);
    if (rank == 0) {
        unlink(path);
        printf(all ? "loader_test: %d FAILURES\n" : "loader_test: OK (%d)\n", all);
    }
    dist_finalize();
    return all ? 1 : 0;
}
