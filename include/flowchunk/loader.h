/* loader.h: the sharded training-data loader, the ONLY reader of windows files (window.h) for
 * training. Designed so that training does not depend on the number of trainer ranks:
 *
 *  - The M training rows are cut into V VIRTUAL SHARDS, contiguous in row order (shard k holds
 *    rows [floor(k M / V), floor((k+1) M / V))). V is fixed by the run (default 8), not by the
 *    number of ranks P; it must be >= P. Trainer rank r owns the contiguous shard range
 *    [floor(r V / P), floor((r+1) V / P)) = ONE contiguous hyperslab of rows, read once at open
 *    with ONE collective parallel-HDF5 read per dataset (H5Pset_fapl_mpio on the trainer
 *    communicator, H5Pset_dxpl_mpio(H5FD_MPIO_COLLECTIVE)); the I/O mode HDF5 actually used is
 *    checked afterwards and exposed (read_collective, io_mode).
 *  - Global batch B = V * b. Every step's global batch is b draws from EVERY virtual shard: shard
 *    k contributes the rows at positions step*b .. step*b+b-1 of its epoch order, a Fisher-Yates
 *    permutation by the sequential generator of rng.h seeded with
 *    rng_key(seed, RNG_STREAM_SHUFFLE, epoch, k). Sample j of shard k sits at GLOBAL SLOT
 *    k*b + j of the global batch, so per-sample noise keyed by (step, slot) is rank-independent
 *    and the global batch is the same whatever P is.
 *  - steps_per_epoch = floor(min shard size / b), identical on every rank (no hang on uneven
 *    shards). Drop-last: each epoch the rows of shard k beyond steps_per_epoch*b in its order are
 *    not drawn (a different random subset every epoch); in total fewer than one global batch
 *    (< B windows) per epoch, since shard sizes differ by at most one row.
 *  - The position (epoch, step of the next batch) is saved and restored exactly for resume.
 *  - The validation windows (/val) are small: every rank reads all of them.
 * Errors in the file or the configuration are agreed over the communicator: every rank returns
 * FC_ERR with the same fc_last_error() line (the lowest failing rank's), rank 0 reports it. */
#ifndef FLOWCHUNK_LOADER_H
#define FLOWCHUNK_LOADER_H

#include "flowchunk/norm.h"
#include "flowchunk/window.h"

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#define LOADER_DEFAULT_SHARDS 8

/* where the loader stands: the next loader_next returns step `step` of epoch `epoch` */
typedef struct {
    int64_t epoch;
    int64_t step; /* 0 .. steps_per_epoch (== steps_per_epoch: the next call starts epoch+1) */
} LoaderPos;

typedef struct {
    char path[4096];
    MPI_Comm comm; /* not owned; MPI_COMM_NULL when MPI is not active (serial HDF5) */
    int rank, size;
    /* what the file holds */
    WindowSpec spec;
    Norm norm;              /* per single-step dimension (norm.obs_dim, norm.act_dim) */
    int obs_row;            /* floats per sample observation: obs_steps * norm.obs_dim */
    int act_row;            /* floats per sample action chunk: horizon * 2 */
    int64_t n_rows;         /* M training windows in the file */
    /* sharding */
    int n_shards;           /* V */
    int global_batch;       /* B = V * shard_batch */
    int shard_batch;        /* b */
    int shard_lo, shard_hi; /* owned virtual shards [lo, hi) */
    int64_t *shard_start;   /* (V+1) first row of each shard; shard_start[V] = M */
    int64_t row_lo, row_hi; /* owned rows [row_lo, row_hi) */
    int batch_rows;         /* samples per loader_next on this rank: (hi - lo) * b */
    int64_t steps_per_epoch;
    int64_t dropped_per_epoch; /* windows not drawn per epoch, < B */
    uint64_t seed;
    /* data held by this rank */
    float *obs;             /* (row_hi - row_lo, obs_row) */
    float *act;             /* (row_hi - row_lo, act_row) */
    uint32_t *order;        /* (row_hi - row_lo): per owned shard, its epoch order (shard-local rows) */
    int64_t order_epoch;    /* epoch `order` was drawn for, -1 none */
    LoaderPos pos;
    int64_t *batch_row;     /* (batch_rows) global row of each sample of the last batch */
    /* validation windows (all of /val on every rank) */
    int64_t n_val;
    float *val_obs;         /* (n_val, obs_row) */
    float *val_act;         /* (n_val, act_row) */
    /* diagnostics */
    int read_collective;    /* 1 if HDF5 reports the shard reads were collective */
    char io_mode[64];       /* H5Pget_mpio_actual_io_mode of the shard reads, as text */
    double read_seconds;    /* wall time of the shard reads (obs + action) */
    int64_t bytes_read;     /* bytes of the shard reads on this rank */
    int64_t bytes_held;     /* bytes this rank holds (shard + order + batch rows + val) */
    int64_t max_bytes_held; /* max of bytes_held over ranks */
} Loader;

/* the batch rule (train.h) before any file is read: V >= 1 shards, n_ranks <= V, B % V == 0.
 * FC_OK, or FC_ERR + fc_set_error naming the option to change */
int loader_check_batch(int global_batch, int n_shards, int n_ranks);
/* collective over comm (pass dist_trainer_comm(); ignored without MPI): open `path`, check it,
 * shard it into n_virtual_shards (<= 0: LOADER_DEFAULT_SHARDS) for global_batch, read this
 * rank's rows and all validation rows, log one summary line. FC_OK, or FC_ERR on every rank with
 * fc_last_error() set (the caller's rank 0 prints it) */
int loader_init(Loader *L, const char *path, MPI_Comm comm, int global_batch, int n_virtual_shards, uint64_t seed);
/* this rank's part of the next global batch, then advance: obs (batch_rows, obs_row),
 * act (batch_rows, act_row), slot (batch_rows) = global slot of each sample in the global batch;
 * rows ordered by slot. Any output may be NULL. Not collective. */
void loader_next(Loader *L, float *obs, float *act, uint64_t *slot);
/* position of the next batch (save it with a checkpoint) */
LoaderPos loader_state(const Loader *L);
/* continue from a saved position; FC_ERR + fc_set_error if it is out of range */
int loader_restore(Loader *L, LoaderPos pos);
/* hash of what determines the sample sequence (rows, widths, V, B, seed): a resumed run must match */
uint64_t loader_fingerprint(const Loader *L);
/* what every rank of a job learns about the data (trainer 0 broadcasts it to the evaluators) */
typedef struct {
    WindowSpec spec;          /* obs kind, To, H, Ta, pad of the windows file */
    Norm norm;
    int batch_rows_min, batch_rows_max; /* over the loader's communicator */
    int64_t n_windows, n_val, steps_per_epoch;
    uint64_t fingerprint;     /* loader_fingerprint */
} LoaderInfo;
/* collective over the loader's communicator (the batch row range) */
void loader_info(const Loader *L, LoaderInfo *info);
void loader_free(Loader *L);

/* accessors */
static inline int loader_obs_dim(const Loader *L) { return L->norm.obs_dim; }   /* per frame: 5 or 20 */
static inline int loader_obs_steps(const Loader *L) { return L->spec.obs_steps; } /* To */
static inline int loader_obs_width(const Loader *L) { return L->obs_row; }      /* To * obs_dim */
static inline int loader_act_dim(const Loader *L) { return L->norm.act_dim; }   /* 2 */
static inline int loader_horizon(const Loader *L) { return L->spec.horizon; }   /* H */
static inline int loader_act_width(const Loader *L) { return L->act_row; }      /* H * 2 */
static inline const Norm *loader_norm(const Loader *L) { return &L->norm; }
static inline int64_t loader_bytes_held(const Loader *L) { return L->bytes_held; }

#endif
