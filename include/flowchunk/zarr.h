/* zarr.h: a reader for zarr v2 directory stores, enough for Diffusion Policy's Push-T release
 * (pusht_cchi_v7_replay.zarr): .zarray metadata parsed with cJSON, chunks decompressed with
 * libblosc (or stored raw), numeric little-endian dtypes, C order, every chunk required (a
 * missing chunk is corrupt input here, not fill_value). Spec:
 * https://zarr-specs.readthedocs.io/en/latest/v2/v2.0.html. Implemented in src/zarr.c. */
#ifndef FLOWCHUNK_ZARR_H
#define FLOWCHUNK_ZARR_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "flowchunk/episodes.h"

#define ZARR_MAX_RANK 4

typedef struct {
    char dtype[8];                  /* as in .zarray: "<f4", "<i8", "|u1", ... */
    int elem_size;                  /* bytes per element */
    int rank;                       /* 1..ZARR_MAX_RANK */
    int64_t shape[ZARR_MAX_RANK];   /* array shape */
    int64_t chunks[ZARR_MAX_RANK];  /* chunk shape */
    int64_t count;                  /* elements = product of shape */
    char compressor[16];            /* "blosc" or "none" */
    void *data;                     /* (shape...) C order, native byte order; malloc'd */
} ZarrArray;

/* *a = the whole array `name` (e.g. "data/state") of the store at `dir`; free with
 * zarr_array_free. FC_OK, or FC_ERR + fc_set_error("DIR/NAME: what is wrong") (missing
 * .zarray/chunk, truncated or corrupt chunk, unsupported dtype/order/compressor/filters,
 * inconsistent sizes); a->data is NULL on failure */
int zarr_array_init(ZarrArray *a, const char *dir, const char *name);
void zarr_array_free(ZarrArray *a);
/* 1 if `dir`/`name` holds an array (a .zarray file), else 0 */
int zarr_has_array(const char *dir, const char *name);

/* read Diffusion Policy's replay buffer: data/state <f4 (N,5), data/action <f4 (N,2),
 * data/keypoint <f4 (N,9,2) if present, meta/episode_ends <i8 (E,); episode_seed[i] = i (episode
 * i of the Push-T release starts at the legacy reset of seed i, PUSHT.md); source = dir;
 * validated with episodes_validate. FC_OK or FC_ERR + fc_set_error; ep is empty on failure */
int zarr_read_episodes(const char *dir, Episodes *ep);

/* what `flowchunk import` copied */
typedef struct {
    int64_t episodes, steps, min_length, max_length;
    double mean_length;
    int keypoint;   /* data/keypoint was there and is copied */
    cJSON *arrays;  /* names of the copied arrays (owned by the caller: cJSON_Delete) */
    cJSON *ignored; /* names of the store's other data/ and meta/ arrays (owned by the caller) */
} ZarrImport;
/* `flowchunk import`: the replay buffer at `dir` (zarr_read_episodes) written to the episodes
 * file `out` (atomically) and described in *r. FC_OK, or FC_ERR + fc_set_error and no output */
int zarr_import(const char *dir, const char *out, ZarrImport *r);

#endif
