/* loader.c: the sharded windows loader (loader.h). Opens the windows file with the MPI-IO driver
 * on the trainer communicator, reads this rank's contiguous hyperslab of /obs and /action with
 * one collective read each (checked with H5Pget_mpio_actual_io_mode), reads /val whole, and
 * serves global batches built from every virtual shard in a per-(seed, epoch, shard) shuffled
 * order. Parallel HDF5 collective I/O: https://docs.hdfgroup.org/hdf5/v1_10/group___d_x_p_l.html
 * Every configuration or file error is agreed over the communicator (dist_comm_agree_error) before
 * the next collective call, the per-rank path check included. */
#include "flowchunk/loader.h"
#include "flowchunk/check.h"
#include "flowchunk/dist.h"
#include "flowchunk/h5util.h"
#include "flowchunk/rng.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double loader_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char *loader_io_mode_name(H5D_mpio_actual_io_mode_t m) {
    switch (m) {
    case H5D_MPIO_NO_COLLECTIVE: return "independent";
    case H5D_MPIO_CHUNK_INDEPENDENT: return "chunk-independent";
    case H5D_MPIO_CHUNK_COLLECTIVE: return "chunk-collective";
    case H5D_MPIO_CHUNK_MIXED: return "chunk-mixed";
    case H5D_MPIO_CONTIGUOUS_COLLECTIVE: return "contiguous-collective";
    default: return "unknown";
    }
}

/* what one rank can check alone: the path resolves here (working directory, node-local mounts)
 * and names an HDF5 file. Agreed before the collective open, or the ranks that passed would wait
 * inside H5Fopen for the ones that did not. */
static int loader_check_path(const Loader *L) {
    h5u_quiet();
    struct stat st;
    if (stat(L->path, &st) != 0) return fc_set_error("%s: %s", L->path, strerror(errno));
    if (S_ISDIR(st.st_mode)) return fc_set_error("%s: is a directory, expected a windows file", L->path);
    if (H5Fis_hdf5(L->path) <= 0) return fc_set_error("%s: not an HDF5 file", L->path);
    if (h5u_check_file(L->path) != FC_OK) return FC_ERR; /* a corrupt global heap would hang HDF5 */
    return FC_OK;
}

/* open the file: MPI-IO driver on comm when MPI is active (collective), serial otherwise */
static hid_t loader_fopen(const Loader *L) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (L->comm != MPI_COMM_NULL) H5Pset_fapl_mpio(fapl, L->comm, MPI_INFO_NULL);
    hid_t f = H5Fopen(L->path, H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (f < 0) return fc_set_error("%s: cannot open HDF5 file (corrupt or locked?)", L->path), -1;
    return f;
}

/* check that `name` is a float dataset of shape (rows or any when rows < 0, width); rows out */
static int loader_check_2d(hid_t f, const char *label, const char *name, int64_t rows, int width, int64_t *rows_out) {
    hsize_t dims[H5U_MAX_RANK] = {0};
    int r = h5u_shape(f, name, dims);
    if (r < 0) return fc_set_error("%s: dataset %s is missing", label, name);
    if (r != 2 || (int64_t)dims[1] != width || (rows >= 0 && (int64_t)dims[0] != rows)) {
        char want[64];
        if (rows >= 0) snprintf(want, sizeof want, "(%lld,%d)", (long long)rows, width);
        else snprintf(want, sizeof want, "(N,%d)", width);
        if (r == 2)
            return fc_set_error("%s: %s has shape (%llu,%llu), expected %s", label, name, (unsigned long long)dims[0],
                                (unsigned long long)dims[1], want);
        return fc_set_error("%s: %s has %d dimensions, expected 2 %s", label, name, r, want);
    }
    if (!h5u_is_float(f, name)) return fc_set_error("%s: %s is not floating point", label, name);
    if (h5u_check_plausible(f, label, name, 4.0 * (double)dims[0] * (double)dims[1]) != FC_OK) return FC_ERR;
    *rows_out = (int64_t)dims[0];
    return FC_OK;
}

/* metadata: spec, norm, shapes of the four row datasets */
static int loader_read_meta(Loader *L, hid_t f) {
    if (window_read_spec(f, L->path, &L->spec, &L->norm) != FC_OK) return FC_ERR;
    L->obs_row = L->spec.obs_steps * L->norm.obs_dim;
    L->act_row = L->spec.horizon * L->norm.act_dim;
    int64_t nv = 0, nva = 0;
    if (loader_check_2d(f, L->path, "/obs", -1, L->obs_row, &L->n_rows) ||
        loader_check_2d(f, L->path, "/action", L->n_rows, L->act_row, &L->n_rows) ||
        loader_check_2d(f, L->path, "/val/obs", -1, L->obs_row, &nv) ||
        loader_check_2d(f, L->path, "/val/action", nv, L->act_row, &nva))
        return FC_ERR;
    L->n_val = nv;
    if (L->n_rows < 1) return fc_set_error("%s: no training windows (/obs has 0 rows)", L->path);
    return FC_OK;
}

/* virtual shards and this rank's share; identical on every rank */
static int loader_shard(Loader *L, int global_batch, int n_shards) {
    int V = n_shards > 0 ? n_shards : LOADER_DEFAULT_SHARDS, P = L->size;
    int64_t M = L->n_rows;
    if (global_batch < 1) return fc_set_error("global batch %d must be >= 1", global_batch);
    if (P > M)
        return fc_set_error("%s: %d trainer ranks but only %lld training windows: use fewer ranks", L->path, P,
                            (long long)M);
    if (V > M)
        return fc_set_error("%s: %d virtual shards but only %lld training windows: use fewer shards", L->path, V,
                            (long long)M);
    if (P > V)
        return fc_set_error("%d trainer ranks but only %d virtual shards: the shard count must be >= the number of "
                            "trainer ranks", P, V);
    if (global_batch % V != 0)
        return fc_set_error("global batch %d is not a multiple of the %d virtual shards (each step draws the same "
                            "number of windows from every shard)", global_batch, V);
    L->n_shards = V;
    L->global_batch = global_batch;
    L->shard_batch = global_batch / V;
    L->shard_start = fc_malloc((size_t)(V + 1) * sizeof(int64_t));
    int64_t min_size = M;
    for (int k = 0; k <= V; k++) L->shard_start[k] = (int64_t)((__int128)k * M / V);
    for (int k = 0; k < V; k++)
        if (L->shard_start[k + 1] - L->shard_start[k] < min_size) min_size = L->shard_start[k + 1] - L->shard_start[k];
    L->steps_per_epoch = min_size / L->shard_batch;
    if (L->steps_per_epoch < 1)
        return fc_set_error("%s: global batch %d too large: %d shards x %d windows per step, but the smallest shard "
                            "holds %lld of the %lld windows", L->path, global_batch, V, L->shard_batch,
                            (long long)min_size, (long long)M);
    L->dropped_per_epoch = M - L->steps_per_epoch * (int64_t)global_batch;
    L->shard_lo = (int)((int64_t)L->rank * V / P);
    L->shard_hi = (int)((int64_t)(L->rank + 1) * V / P);
    L->row_lo = L->shard_start[L->shard_lo];
    L->row_hi = L->shard_start[L->shard_hi];
    L->batch_rows = (L->shard_hi - L->shard_lo) * L->shard_batch;
    return FC_OK;
}

/* read rows [lo, hi) of a (M, width) float dataset into buf with the given dxpl; returns the mode */
static int loader_read_rows(const Loader *L, hid_t f, const char *name, int64_t lo, int64_t hi, int width,
                            float *buf, int collective, H5D_mpio_actual_io_mode_t *mode) {
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) return fc_set_error("%s: cannot open %s", L->path, name);
    hid_t fs = H5Dget_space(d);
    hsize_t start[2] = {(hsize_t)lo, 0}, count[2] = {(hsize_t)(hi - lo), (hsize_t)width};
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t ms = H5Screate_simple(2, count, NULL);
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (L->comm != MPI_COMM_NULL) H5Pset_dxpl_mpio(dxpl, collective ? H5FD_MPIO_COLLECTIVE : H5FD_MPIO_INDEPENDENT);
    herr_t e = H5Dread(d, H5T_NATIVE_FLOAT, ms, fs, dxpl, buf);
    if (mode) {
        *mode = H5D_MPIO_NO_COLLECTIVE;
        if (e >= 0 && L->comm != MPI_COMM_NULL) H5Pget_mpio_actual_io_mode(dxpl, mode);
    }
    H5Pclose(dxpl);
    H5Sclose(ms);
    H5Sclose(fs);
    H5Dclose(d);
    if (e < 0) return fc_set_error("%s: cannot read rows %lld..%lld of %s (corrupt file?)", L->path, (long long)lo,
                                   (long long)hi, name);
    return FC_OK;
}

/* first non-finite value of a (rows, width) block whose first row is global row `row0` */
static int loader_check_finite(const char *label, const char *name, const float *a, int64_t rows, int width,
                               int64_t row0) {
    for (int64_t r = 0; r < rows; r++)
        for (int c = 0; c < width; c++)
            if (!isfinite(a[r * width + c]))
                return fc_set_error("%s: %s row %lld column %d is %s", label, name, (long long)(row0 + r), c,
                                    isnan(a[r * width + c]) ? "NaN" : "Inf");
    return FC_OK;
}

static int loader_is_collective(H5D_mpio_actual_io_mode_t m) {
    return m == H5D_MPIO_CHUNK_COLLECTIVE || m == H5D_MPIO_CONTIGUOUS_COLLECTIVE;
}

/* this rank's shard: one collective read of /obs and one of /action */
static int loader_read_shard(Loader *L, hid_t f) {
    int64_t n = L->row_hi - L->row_lo;
    L->obs = fc_malloc((size_t)n * (size_t)L->obs_row * sizeof(float));
    L->act = fc_malloc((size_t)n * (size_t)L->act_row * sizeof(float));
    H5D_mpio_actual_io_mode_t m_obs, m_act;
    double t0 = loader_now();
    /* both reads always run: they are collective, a rank must not skip one */
    int rc = loader_read_rows(L, f, "/obs", L->row_lo, L->row_hi, L->obs_row, L->obs, 1, &m_obs);
    rc |= loader_read_rows(L, f, "/action", L->row_lo, L->row_hi, L->act_row, L->act, 1, &m_act);
    if (rc) return FC_ERR;
    L->read_seconds = loader_now() - t0;
    L->bytes_read = n * (int64_t)(L->obs_row + L->act_row) * (int64_t)sizeof(float);
    if (L->comm == MPI_COMM_NULL) {
        snprintf(L->io_mode, sizeof L->io_mode, "serial");
        L->read_collective = 0;
    } else {
        snprintf(L->io_mode, sizeof L->io_mode, "%s", loader_io_mode_name(m_obs));
        if (m_act != m_obs) snprintf(L->io_mode, sizeof L->io_mode, "%s/%s", loader_io_mode_name(m_obs),
                                     loader_io_mode_name(m_act));
        L->read_collective = loader_is_collective(m_obs) && loader_is_collective(m_act);
    }
    if (loader_check_finite(L->path, "/obs", L->obs, n, L->obs_row, L->row_lo) ||
        loader_check_finite(L->path, "/action", L->act, n, L->act_row, L->row_lo))
        return FC_ERR;
    return FC_OK;
}

/* every rank reads all of /val (collective: the same selection everywhere) */
static int loader_read_val(Loader *L, hid_t f) {
    int64_t n = L->n_val;
    L->val_obs = fc_malloc((size_t)(n ? n : 1) * (size_t)L->obs_row * sizeof(float));
    L->val_act = fc_malloc((size_t)(n ? n : 1) * (size_t)L->act_row * sizeof(float));
    if (n == 0) return FC_OK;
    int rc = loader_read_rows(L, f, "/val/obs", 0, n, L->obs_row, L->val_obs, 1, NULL);
    rc |= loader_read_rows(L, f, "/val/action", 0, n, L->act_row, L->val_act, 1, NULL);
    if (rc) return FC_ERR;
    if (loader_check_finite(L->path, "/val/obs", L->val_obs, n, L->obs_row, 0) ||
        loader_check_finite(L->path, "/val/action", L->val_act, n, L->act_row, 0))
        return FC_ERR;
    return FC_OK;
}

/* draw the epoch order of every owned shard */
static void loader_shuffle(Loader *L, int64_t epoch) {
    for (int k = L->shard_lo; k < L->shard_hi; k++) {
        int64_t n = L->shard_start[k + 1] - L->shard_start[k];
        uint32_t *o = L->order + (L->shard_start[k] - L->row_lo);
        for (int64_t i = 0; i < n; i++) o[i] = (uint32_t)i;
        Rng r;
        rng_seed(&r, rng_key(L->seed, RNG_STREAM_SHUFFLE, (uint64_t)epoch, (uint64_t)k));
        rng_shuffle_u32(&r, o, (size_t)n);
    }
    L->order_epoch = epoch;
}

int loader_init(Loader *L, const char *path, MPI_Comm comm, int global_batch, int n_virtual_shards, uint64_t seed) {
    memset(L, 0, sizeof *L);
    snprintf(L->path, sizeof L->path, "%s", path);
    L->seed = seed;
    L->order_epoch = -1;
    FC_ASSERT(!dist_mpi_active() || comm != MPI_COMM_NULL,
              "loader_init must be called by trainer ranks only (comm is MPI_COMM_NULL)");
    L->comm = dist_mpi_active() ? comm : MPI_COMM_NULL;
    L->rank = 0;
    L->size = 1;
    if (L->comm != MPI_COMM_NULL) {
        MPI_Comm_rank(L->comm, &L->rank);
        MPI_Comm_size(L->comm, &L->size);
    }
    hid_t f = -1;
    if (dist_comm_agree_error(L->comm, loader_check_path(L)) != FC_OK) goto fail;
    f = loader_fopen(L);
    int rc = f < 0 ? FC_ERR : FC_OK;
    if (dist_comm_agree_error(L->comm, rc) != FC_OK) goto fail;
    rc = loader_read_meta(L, f);
    if (rc == FC_OK) rc = loader_shard(L, global_batch, n_virtual_shards);
    if (dist_comm_agree_error(L->comm, rc) != FC_OK) goto fail;
    rc = loader_read_shard(L, f);
    if (dist_comm_agree_error(L->comm, rc) != FC_OK) goto fail;
    rc = loader_read_val(L, f);
    if (dist_comm_agree_error(L->comm, rc) != FC_OK) goto fail;
    H5Fclose(f);
    f = -1;

    int64_t n = L->row_hi - L->row_lo;
    L->order = fc_malloc((size_t)n * sizeof(uint32_t));
    L->batch_row = fc_malloc((size_t)L->batch_rows * sizeof(int64_t));
    L->bytes_held = n * (int64_t)(L->obs_row + L->act_row) * 4 + n * 4 + (int64_t)L->batch_rows * 8 +
                    L->n_val * (int64_t)(L->obs_row + L->act_row) * 4 + (int64_t)(L->n_shards + 1) * 8;
    L->max_bytes_held = dist_comm_max_i64(L->comm, L->bytes_held);
    L->pos.epoch = 0;
    L->pos.step = 0;
    fc_log("loader: %s: %lld windows (%lld val), %d shards x %d = batch %d, %lld steps/epoch (%lld dropped), "
           "rank 0 holds %.1f MB (max %.1f MB), read %.1f MB in %.3f s (%s)",
           path, (long long)L->n_rows, (long long)L->n_val, L->n_shards, L->shard_batch, L->global_batch,
           (long long)L->steps_per_epoch, (long long)L->dropped_per_epoch, (double)L->bytes_held / 1e6,
           (double)L->max_bytes_held / 1e6, (double)L->bytes_read / 1e6, L->read_seconds, L->io_mode);
    return FC_OK;
fail:
    if (f >= 0) H5Fclose(f);
    char why[1024];
    snprintf(why, sizeof why, "%s", fc_last_error());
    loader_free(L);
    fc_set_error("%s", why);
    return FC_ERR;
}

void loader_next(Loader *L, float *obs, float *act, uint64_t *slot) {
    FC_ASSERT(L->order != NULL, "loader_next needs a loader opened with loader_init");
    if (L->pos.step >= L->steps_per_epoch) {
        L->pos.epoch++;
        L->pos.step = 0;
    }
    if (L->order_epoch != L->pos.epoch) loader_shuffle(L, L->pos.epoch);
    int b = L->shard_batch;
    size_t orow = (size_t)L->obs_row, arow = (size_t)L->act_row;
    for (int k = L->shard_lo; k < L->shard_hi; k++) {
        const uint32_t *o = L->order + (L->shard_start[k] - L->row_lo) + L->pos.step * b;
        for (int j = 0; j < b; j++) {
            size_t i = (size_t)(k - L->shard_lo) * (size_t)b + (size_t)j;
            int64_t local = L->shard_start[k] - L->row_lo + o[j]; /* row index inside this rank's block */
            L->batch_row[i] = L->row_lo + local;
            if (obs) memcpy(obs + i * orow, L->obs + (size_t)local * orow, orow * sizeof(float));
            if (act) memcpy(act + i * arow, L->act + (size_t)local * arow, arow * sizeof(float));
            if (slot) slot[i] = (uint64_t)k * (uint64_t)b + (uint64_t)j;
        }
    }
    L->pos.step++;
}

LoaderPos loader_state(const Loader *L) { return L->pos; }

int loader_restore(Loader *L, LoaderPos pos) {
    if (pos.epoch < 0 || pos.step < 0 || pos.step > L->steps_per_epoch)
        return fc_set_error("cannot resume the loader at epoch %lld step %lld: an epoch has %lld steps",
                            (long long)pos.epoch, (long long)pos.step, (long long)L->steps_per_epoch);
    L->pos = pos;
    return FC_OK;
}

int loader_check_batch(int global_batch, int n_shards, int n_ranks) {
    if (n_shards < 1) return fc_set_error("--virtual-shards must be >= 1");
    if (n_ranks > n_shards)
        return fc_set_error("%d trainer ranks but only %d virtual shards: every trainer needs at least one shard "
                            "(use --virtual-shards %d or more, or fewer ranks)",
                            n_ranks, n_shards, n_ranks);
    if (global_batch % n_shards != 0)
        return fc_set_error("--batch %d is not a multiple of --virtual-shards %d (each step draws batch/shards windows "
                            "from every virtual shard)",
                            global_batch, n_shards);
    return FC_OK;
}

uint64_t loader_fingerprint(const Loader *L) {
    uint64_t h = rng_key(L->seed, (uint64_t)L->n_rows, (uint64_t)L->n_shards, (uint64_t)L->global_batch);
    return rng_key(h, (uint64_t)L->obs_row, (uint64_t)L->act_row, (uint64_t)L->n_val);
}

void loader_info(const Loader *L, LoaderInfo *d) {
    memset(d, 0, sizeof *d);
    d->spec = L->spec;
    d->norm = L->norm;
    d->n_windows = L->n_rows;
    d->n_val = L->n_val;
    d->steps_per_epoch = L->steps_per_epoch;
    d->fingerprint = loader_fingerprint(L);
    d->batch_rows_max = (int)dist_comm_max_i64(L->comm, L->batch_rows);
    d->batch_rows_min = (int)-dist_comm_max_i64(L->comm, -(int64_t)L->batch_rows);
}

void loader_free(Loader *L) {
    free(L->shard_start);
    free(L->obs);
    free(L->act);
    free(L->order);
    free(L->batch_row);
    free(L->val_obs);
    free(L->val_act);
    MPI_Comm c = L->comm;
    memset(L, 0, sizeof *L);
    L->comm = c;
    L->order_epoch = -1;
}
