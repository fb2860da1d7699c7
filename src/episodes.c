/* episodes.c: the episodes file (episodes.h; DESIGN.md "Data flow" 1): allocation, validation
 * with one-sentence errors, whole-file read, and atomic write through h5util.
 * The layout is Diffusion Policy's ReplayBuffer (data/..., meta/episode_ends):
 * https://github.com/real-stanford/diffusion_policy/blob/main/diffusion_policy/common/replay_buffer.py */
#include "flowchunk/episodes.h"
#include "flowchunk/check.h"
#include "flowchunk/h5util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* rows of the /data arrays per HDF5 chunk (deflate-compressed); meta arrays are small and contiguous */
#define EPISODES_CHUNK_ROWS 4096

void episodes_init(Episodes *ep, int64_t n_steps, int64_t n_episodes, int with_keypoint, int with_outcome) {
    FC_ASSERT(n_steps >= 0 && n_episodes >= 0, "episodes_init needs non-negative sizes");
    memset(ep, 0, sizeof *ep);
    size_t n = (size_t)n_steps, e = (size_t)n_episodes;
    ep->n_steps = n_steps;
    ep->n_episodes = n_episodes;
    ep->state = fc_calloc(n * 5, sizeof(float));
    ep->action = fc_calloc(n * 2, sizeof(float));
    if (with_keypoint) ep->keypoint = fc_calloc(n * 18, sizeof(float));
    ep->episode_ends = fc_calloc(e, sizeof(int64_t));
    ep->episode_seed = fc_calloc(e, sizeof(int64_t));
    for (size_t i = 0; i < e; i++) ep->episode_seed[i] = -1;
    if (with_outcome) {
        ep->final_coverage = fc_calloc(e, sizeof(float));
        ep->max_coverage = fc_calloc(e, sizeof(float));
        ep->success = fc_calloc(e, sizeof(uint8_t));
    }
}

void episodes_free(Episodes *ep) {
    free(ep->state);
    free(ep->action);
    free(ep->keypoint);
    free(ep->episode_ends);
    free(ep->episode_seed);
    free(ep->final_coverage);
    free(ep->max_coverage);
    free(ep->success);
    memset(ep, 0, sizeof *ep);
}

/* first non-finite value of a (rows, cols) array: FC_OK, or FC_ERR with "NaN in NAME row R" */
static int episodes_check_finite(const float *a, int64_t rows, int64_t cols, const char *label, const char *name) {
    if (!a) return FC_OK;
    for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < cols; c++) {
            float v = a[r * cols + c];
            if (!isfinite(v))
                return fc_set_error("%s: %s in %s row %lld", label, isnan(v) ? "NaN" : "Inf", name, (long long)r);
        }
    return FC_OK;
}

int episodes_validate(const Episodes *ep, const char *label) {
    const char *l = label ? label : "episodes";
    int64_t n = ep->n_steps, e = ep->n_episodes;
    if (e < 1) return fc_set_error("%s: no episodes", l);
    if (n < 1) return fc_set_error("%s: no steps", l);
    if (ep->episode_ends[0] <= 0)
        return fc_set_error("%s: episode_ends[0] = %lld but episodes must not be empty", l,
                            (long long)ep->episode_ends[0]);
    for (int64_t i = 1; i < e; i++)
        if (ep->episode_ends[i] <= ep->episode_ends[i - 1])
            return fc_set_error("%s: episode_ends not increasing at index %lld (%lld after %lld)", l, (long long)i,
                                (long long)ep->episode_ends[i], (long long)ep->episode_ends[i - 1]);
    if (ep->episode_ends[e - 1] != n)
        return fc_set_error("%s: episode_ends[-1] = %lld but /data/state has %lld rows", l,
                            (long long)ep->episode_ends[e - 1], (long long)n);
    for (int64_t i = 0; i < e; i++)
        if (ep->episode_seed[i] < -1)
            return fc_set_error("%s: episode_seed[%lld] = %lld (must be >= 0, or -1 when unknown)", l, (long long)i,
                                (long long)ep->episode_seed[i]);
    if (episodes_check_finite(ep->state, n, 5, l, "/data/state") ||
        episodes_check_finite(ep->action, n, 2, l, "/data/action") ||
        episodes_check_finite(ep->keypoint, n, 18, l, "/data/keypoint") ||
        episodes_check_finite(ep->final_coverage, e, 1, l, "/meta/final_coverage") ||
        episodes_check_finite(ep->max_coverage, e, 1, l, "/meta/max_coverage"))
        return FC_ERR;
    if (ep->success)
        for (int64_t i = 0; i < e; i++)
            if (ep->success[i] > 1)
                return fc_set_error("%s: /meta/success[%lld] = %d (must be 0 or 1)", l, (long long)i, ep->success[i]);
    return FC_OK;
}

/* read an optional per-episode array (E) into *out (left NULL when the dataset is absent) */
static int episodes_read_optional(hid_t f, const char *path, const char *name, hid_t memtype, int64_t e, void **out) {
    hsize_t dims[H5U_MAX_RANK];
    *out = NULL;
    if (h5u_shape(f, name, dims) < 0) return FC_OK;
    int64_t expect[1] = {e};
    return h5u_read_checked(f, path, name, memtype, 1, expect, dims, out);
}

int episodes_read(Episodes *ep, const char *path) {
    memset(ep, 0, sizeof *ep);
    hid_t f = h5u_open_read(path);
    if (f < 0) return FC_ERR;
    char format[64];
    int64_t version = 0;
    hsize_t dims[H5U_MAX_RANK];
    void *buf = NULL;
    int rc = FC_ERR;
    if (h5u_get_attr_str(f, "format", format, sizeof format) != FC_OK) {
        fc_set_error("%s: not a flowchunk episodes file (no 'format' attribute)", path);
        goto done;
    }
    if (strcmp(format, EPISODES_FORMAT) != 0) {
        fc_set_error("%s: is a '%s' file, expected '%s'", path, format, EPISODES_FORMAT);
        goto done;
    }
    if (h5u_get_attr_int(f, "version", &version) != FC_OK) {
        fc_set_error("%s: no integer 'version' attribute", path);
        goto done;
    }
    if (version < 1 || version > EPISODES_VERSION) {
        fc_set_error("%s: unsupported episodes file version %lld (this build reads 1..%d)", path,
                     (long long)version, EPISODES_VERSION);
        goto done;
    }
    int64_t e_state[2] = {-1, 5};
    if (h5u_read_checked(f, path, "/data/state", H5T_NATIVE_FLOAT, 2, e_state, dims, &buf)) goto done;
    ep->state = buf;
    ep->n_steps = (int64_t)dims[0];
    int64_t n = ep->n_steps;
    int64_t e_action[2] = {n, 2};
    if (h5u_read_checked(f, path, "/data/action", H5T_NATIVE_FLOAT, 2, e_action, dims, &buf)) goto done;
    ep->action = buf;
    if (h5u_shape(f, "/data/keypoint", dims) >= 0) {
        int64_t e_kp[3] = {n, 9, 2};
        if (h5u_read_checked(f, path, "/data/keypoint", H5T_NATIVE_FLOAT, 3, e_kp, dims, &buf)) goto done;
        ep->keypoint = buf;
    }
    int64_t e_ends[1] = {-1};
    if (h5u_read_checked(f, path, "/meta/episode_ends", H5T_NATIVE_INT64, 1, e_ends, dims, &buf)) goto done;
    ep->episode_ends = buf;
    ep->n_episodes = (int64_t)dims[0];
    int64_t e = ep->n_episodes;
    if (episodes_read_optional(f, path, "/meta/episode_seed", H5T_NATIVE_INT64, e, &buf)) goto done;
    ep->episode_seed = buf;
    if (!ep->episode_seed) { /* absent: seeds unknown */
        ep->episode_seed = fc_malloc((size_t)(e ? e : 1) * sizeof(int64_t));
        for (int64_t i = 0; i < e; i++) ep->episode_seed[i] = -1;
    }
    if (episodes_read_optional(f, path, "/meta/final_coverage", H5T_NATIVE_FLOAT, e, &buf)) goto done;
    ep->final_coverage = buf;
    if (episodes_read_optional(f, path, "/meta/max_coverage", H5T_NATIVE_FLOAT, e, &buf)) goto done;
    ep->max_coverage = buf;
    if (episodes_read_optional(f, path, "/meta/success", H5T_NATIVE_UINT8, e, &buf)) goto done;
    ep->success = buf;
    if (h5u_get_attr_str(f, "source", ep->source, sizeof ep->source) != FC_OK) ep->source[0] = '\0';
    rc = episodes_validate(ep, path);
done:
    H5Fclose(f);
    if (rc != FC_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", fc_last_error());
        episodes_free(ep);
        fc_set_error("%s", msg);
    }
    return rc;
}

int episodes_write(const Episodes *ep, const char *path) {
    if (episodes_validate(ep, path) != FC_OK) return FC_ERR; /* never write an inconsistent file */
    char tmp[4200];
    hid_t f = h5u_create_atomic(path, tmp, sizeof tmp);
    if (f < 0) return FC_ERR;
    hsize_t n = (hsize_t)ep->n_steps, e = (hsize_t)ep->n_episodes;
    hsize_t d_state[2] = {n, 5}, d_action[2] = {n, 2}, d_kp[3] = {n, 9, 2}, d_e[1] = {e};
    int bad = h5u_set_attr_str(f, "format", EPISODES_FORMAT) ||
              h5u_set_attr_int(f, "version", EPISODES_VERSION) ||
              h5u_set_attr_str(f, "source", ep->source) ||
              h5u_write(f, "data/state", H5T_NATIVE_FLOAT, 2, d_state, ep->state, EPISODES_CHUNK_ROWS) ||
              h5u_write(f, "data/action", H5T_NATIVE_FLOAT, 2, d_action, ep->action, EPISODES_CHUNK_ROWS) ||
              (ep->keypoint && h5u_write(f, "data/keypoint", H5T_NATIVE_FLOAT, 3, d_kp, ep->keypoint,
                                         EPISODES_CHUNK_ROWS)) ||
              h5u_write(f, "meta/episode_ends", H5T_NATIVE_INT64, 1, d_e, ep->episode_ends, 0) ||
              h5u_write(f, "meta/episode_seed", H5T_NATIVE_INT64, 1, d_e, ep->episode_seed, 0) ||
              (ep->final_coverage &&
               h5u_write(f, "meta/final_coverage", H5T_NATIVE_FLOAT, 1, d_e, ep->final_coverage, 0)) ||
              (ep->max_coverage && h5u_write(f, "meta/max_coverage", H5T_NATIVE_FLOAT, 1, d_e, ep->max_coverage, 0)) ||
              (ep->success && h5u_write(f, "meta/success", H5T_NATIVE_UINT8, 1, d_e, ep->success, 0));
    if (bad) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s: %s", path, fc_last_error());
        h5u_abort_atomic(f, tmp);
        return fc_set_error("%s", msg);
    }
    return h5u_commit_atomic(f, tmp, path);
}

void episodes_length_range(const Episodes *ep, int64_t *min, int64_t *max) {
    *min = INT64_MAX;
    *max = 0;
    for (int64_t e = 0; e < ep->n_episodes; e++) {
        int64_t l = ep->episode_ends[e] - episodes_start(ep, e);
        *min = l < *min ? l : *min;
        *max = l > *max ? l : *max;
    }
}
