/* zarr.h: Diffusion Policy's Push-T release (pusht_cchi_v7_replay.zarr, a zarr v2 directory
 * store) read as episodes, and `flowchunk import`. The generic array reader underneath is
 * src/zarr_internal.h. Implemented in src/zarr.c. */
#ifndef FLOWCHUNK_ZARR_H
#define FLOWCHUNK_ZARR_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "flowchunk/episodes.h"

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
