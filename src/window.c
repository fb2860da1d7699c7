/* window.c: `flowchunk window` without its command line: episode selection, per-step
 * observation features (state or keypoints), min/max normalisation fitted on every step of the
 * source (Diffusion Policy's LinearNormalizer "limits" mode), Diffusion Policy's windowing
 * (diffusion_policy/common/sampler.py: create_indices + sample_sequence, edge padding by frame
 * clamping), a streaming block writer of the windows file, and its `flowchunk info` describer.
 * Layout and semantics: include/flowchunk/window.h. */
#include "flowchunk/window.h"
#include "window_internal.h"
#include "flowchunk/cli.h"
#include "flowchunk/norm_h5.h"
#include "flowchunk/check.h"
#include "flowchunk/h5util.h"
#include "flowchunk/pusht.h"
#include "flowchunk/rng.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define WINDOW_BLOCK_ROWS (16 * WINDOW_CHUNK_ROWS) /* rows cut and written per block: whole chunks */

void window_spec_default(WindowSpec *s) {
    s->obs_kind = PUSHT_OBS_STATE;
    s->obs_steps = 1;
    s->horizon = 8;
    s->n_action_steps = 8;
    s->pad = WINDOW_PAD_NONE;
    s->max_episodes = -1;
    s->val_episodes = 0;
    s->seed = 42;
}

int window_spec_recipe(WindowSpec *s, const char *name) {
    window_spec_default(s);
    if (!strcmp(name, "dp")) {
        s->obs_kind = PUSHT_OBS_KEYPOINTS;
        s->obs_steps = 2;
        s->horizon = 16;
        s->pad = WINDOW_PAD_EDGE;
    } else if (strcmp(name, "hw1") != 0) {
        return -1;
    }
    return 0;
}

const char *window_pad_name(WindowPad pad) { return pad == WINDOW_PAD_EDGE ? "edge" : "none"; }

void window_padding(const WindowSpec *s, int *pad_before, int *pad_after) {
    int pb = 0, pa = 0;
    if (s->pad == WINDOW_PAD_EDGE) {
        pb = s->obs_steps - 1;
        pa = s->n_action_steps - 1;
    }
    /* create_indices: pad = min(max(pad, 0), sequence_length - 1) */
    int cap = s->horizon - 1;
    *pad_before = pb < 0 ? 0 : pb > cap ? cap : pb;
    *pad_after = pa < 0 ? 0 : pa > cap ? cap : pa;
}

/* ---- which windows exist ------------------------------------------------------------------ */

/* windows of one episode of length L: starts t = -pad_before .. L - H + pad_after */
static int64_t window_n_in_episode(int64_t len, int horizon, int pad_before, int pad_after) {
    int64_t n = len - horizon + pad_after + pad_before + 1;
    return n > 0 ? n : 0;
}

int64_t window_count(const int64_t *episode_ends, const int64_t *episodes, int64_t n_sel, int horizon,
                     int pad_before, int pad_after) {
    return window_starts(episode_ends, episodes, n_sel, horizon, pad_before, pad_after, NULL, NULL);
}

int64_t window_starts(const int64_t *episode_ends, const int64_t *episodes, int64_t n_sel, int horizon,
                      int pad_before, int pad_after, int32_t *episode, int32_t *t) {
    int64_t m = 0;
    for (int64_t k = 0; k < n_sel; k++) {
        int64_t e = episodes[k];
        int64_t len = episode_ends[e] - (e ? episode_ends[e - 1] : 0);
        int64_t n = window_n_in_episode(len, horizon, pad_before, pad_after);
        for (int64_t i = 0; i < n; i++, m++) {
            if (episode) episode[m] = (int32_t)e;
            if (t) t[m] = (int32_t)(i - pad_before);
        }
    }
    return m;
}

static int window_cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void window_select(int64_t n_episodes, int64_t n_train, int64_t n_val, uint64_t seed, int64_t *train,
                   int64_t *val) {
    FC_ASSERT(n_train >= 0 && n_val >= 0 && n_train + n_val <= n_episodes && n_episodes <= UINT32_MAX,
              "window_select needs n_train + n_val <= n_episodes");
    uint32_t *perm = fc_malloc((size_t)n_episodes * sizeof *perm);
    for (int64_t i = 0; i < n_episodes; i++) perm[i] = (uint32_t)i;
    Rng r;
    rng_seed(&r, seed);
    rng_shuffle_u32(&r, perm, (size_t)n_episodes);
    /* train: the first n_train of the permutation (nested as n_train grows); val: the LAST n_val
     * (fixed whatever n_train is, never overlapping it) */
    for (int64_t i = 0; i < n_train; i++) train[i] = perm[i];
    for (int64_t i = 0; i < n_val; i++) val[i] = perm[n_episodes - n_val + i];
    qsort(train, (size_t)n_train, sizeof *train, window_cmp_i64);
    qsort(val, (size_t)n_val, sizeof *val, window_cmp_i64);
    free(perm);
}

/* ---- features and normalisation ------------------------------------------------------------ */

void window_frame_features(const Episodes *ep, PushtObsKind kind, float *out) {
    int64_t n = ep->n_steps;
    if (kind == PUSHT_OBS_STATE) {
        memcpy(out, ep->state, (size_t)n * PUSHT_STATE_DIM * sizeof(float));
        return;
    }
    /* Diffusion Policy's low-dim Push-T obs: keypoint.reshape(18) ++ state[:, :2] */
    for (int64_t i = 0; i < n; i++) {
        float *o = out + i * PUSHT_KEYPOINT_DIM;
        if (ep->keypoint) {
            memcpy(o, ep->keypoint + i * 18, 18 * sizeof(float));
        } else {
            double s[PUSHT_STATE_DIM], kp[PUSHT_KEYPOINT_DIM];
            for (int d = 0; d < PUSHT_STATE_DIM; d++) s[d] = ep->state[i * PUSHT_STATE_DIM + d];
            pusht_state_to_keypoints(s, kp);
            for (int d = 0; d < 18; d++) o[d] = (float)kp[d];
        }
        o[18] = ep->state[i * PUSHT_STATE_DIM + 0];
        o[19] = ep->state[i * PUSHT_STATE_DIM + 1];
    }
}

/* per-column min/max of a (rows, dim) array */
static void window_minmax(const float *a, int64_t rows, int dim, float *mn, float *mx) {
    for (int d = 0; d < dim; d++) {
        mn[d] = INFINITY;
        mx[d] = -INFINITY;
    }
    for (int64_t r = 0; r < rows; r++)
        for (int d = 0; d < dim; d++) {
            float v = a[r * dim + d];
            if (v < mn[d]) mn[d] = v;
            if (v > mx[d]) mx[d] = v;
        }
}

/* the norm of already computed per-step features (N, obs_dim) and actions (N, 2) */
static void window_fit_features(Norm *norm, const float *feat, const float *act, int64_t n, int obs_dim) {
    memset(norm, 0, sizeof *norm);
    norm->obs_dim = obs_dim;
    norm->act_dim = PUSHT_ACTION_DIM;
    window_minmax(feat, n, norm->obs_dim, norm->obs_min, norm->obs_max);
    window_minmax(act, n, norm->act_dim, norm->act_min, norm->act_max);
}

void window_fit_norm(Norm *norm, const Episodes *ep, PushtObsKind kind) {
    int od = pusht_obs_dim(kind);
    float *feat = fc_malloc((size_t)ep->n_steps * (size_t)od * sizeof(float));
    window_frame_features(ep, kind, feat);
    window_fit_features(norm, feat, ep->action, ep->n_steps, od);
    free(feat);
}

/* ---- the writer ---------------------------------------------------------------------------- */

static hid_t window_create_rows(hid_t file, const char *name, hid_t type, int64_t rows, int width, int64_t chunk_rows) {
    hsize_t dims[2] = {(hsize_t)rows, (hsize_t)width};
    int rank = width > 0 ? 2 : 1;
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
    if (chunk_rows > 0 && rows > 0) {
        hsize_t chunk[2] = {(hsize_t)(rows < chunk_rows ? rows : chunk_rows), (hsize_t)width};
        H5Pset_chunk(dcpl, rank, chunk);
    }
    hid_t d = H5Dcreate2(file, name, type, space, lcpl, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Pclose(lcpl);
    H5Sclose(space);
    return d;
}

int window_writer_init(WindowWriter *w, const char *path, int64_t n_train, int64_t n_val, int obs_row,
                       int act_row, int64_t chunk_rows) {
    memset(w, 0, sizeof *w);
    if (chunk_rows < 0) chunk_rows = WINDOW_CHUNK_ROWS;
    for (int s = 0; s < 2; s++) w->d_obs[s] = w->d_act[s] = w->d_ep[s] = w->d_t[s] = -1;
    snprintf(w->path, sizeof w->path, "%s", path);
    w->obs_row = obs_row;
    w->act_row = act_row;
    w->rows[0] = n_train;
    w->rows[1] = n_val;
    w->file = h5u_create_atomic(path, w->tmp, sizeof w->tmp);
    if (w->file < 0) return FC_ERR;
    static const char *prefix[2] = {"/", "/val/"};
    for (int s = 0; s < 2; s++) {
        char name[64];
        snprintf(name, sizeof name, "%sobs", prefix[s]);
        w->d_obs[s] = window_create_rows(w->file, name, H5T_IEEE_F32LE, w->rows[s], obs_row, chunk_rows);
        snprintf(name, sizeof name, "%saction", prefix[s]);
        w->d_act[s] = window_create_rows(w->file, name, H5T_IEEE_F32LE, w->rows[s], act_row, chunk_rows);
        snprintf(name, sizeof name, "%sepisode", prefix[s]);
        w->d_ep[s] = window_create_rows(w->file, name, H5T_STD_I32LE, w->rows[s], 0, chunk_rows);
        snprintf(name, sizeof name, "%st", prefix[s]);
        w->d_t[s] = window_create_rows(w->file, name, H5T_STD_I32LE, w->rows[s], 0, chunk_rows);
        if (w->d_obs[s] < 0 || w->d_act[s] < 0 || w->d_ep[s] < 0 || w->d_t[s] < 0) {
            window_writer_abort(w);
            return fc_set_error("%s: cannot create the window datasets", path);
        }
    }
    return FC_OK;
}

/* write rows [off, off+n) of a (rows, width) dataset (width 0: a 1-d dataset) */
static herr_t window_write_slab(hid_t d, hid_t memtype, int64_t off, int64_t n, int width, const void *buf) {
    int rank = width > 0 ? 2 : 1;
    hsize_t start[2] = {(hsize_t)off, 0}, count[2] = {(hsize_t)n, (hsize_t)width};
    hid_t fs = H5Dget_space(d);
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t ms = H5Screate_simple(rank, count, NULL);
    herr_t e = H5Dwrite(d, memtype, ms, fs, H5P_DEFAULT, buf);
    H5Sclose(ms);
    H5Sclose(fs);
    return e;
}

int window_writer_append(WindowWriter *w, int split, int64_t n, const float *obs, const float *act,
                         const int32_t *episode, const int32_t *t) {
    FC_ASSERT(split == 0 || split == 1, "window_writer_append: split is 0 (train) or 1 (val)");
    FC_ASSERT(w->filled[split] + n <= w->rows[split], "window_writer_append: more rows than announced at open");
    if (n == 0) return FC_OK;
    int64_t off = w->filled[split];
    if (window_write_slab(w->d_obs[split], H5T_NATIVE_FLOAT, off, n, w->obs_row, obs) < 0 ||
        window_write_slab(w->d_act[split], H5T_NATIVE_FLOAT, off, n, w->act_row, act) < 0 ||
        window_write_slab(w->d_ep[split], H5T_NATIVE_INT32, off, n, 0, episode) < 0 ||
        window_write_slab(w->d_t[split], H5T_NATIVE_INT32, off, n, 0, t) < 0)
        return fc_set_error("%s: cannot write windows (disk full?)", w->path);
    w->filled[split] += n;
    return FC_OK;
}

static void window_close_datasets(WindowWriter *w) {
    for (int s = 0; s < 2; s++) {
        hid_t *ids[4] = {&w->d_obs[s], &w->d_act[s], &w->d_ep[s], &w->d_t[s]};
        for (int k = 0; k < 4; k++)
            if (*ids[k] >= 0) {
                H5Dclose(*ids[k]);
                *ids[k] = -1;
            }
    }
}

void window_writer_abort(WindowWriter *w) {
    window_close_datasets(w);
    if (w->file >= 0) h5u_abort_atomic(w->file, w->tmp);
    w->file = -1;
}

int window_writer_finish(WindowWriter *w, const WindowSpec *spec, const Norm *norm, const char *source,
                         int64_t n_source_episodes, const int64_t *train, int64_t n_train_ep,
                         const int64_t *val, int64_t n_val_ep) {
    FC_ASSERT(w->filled[0] == w->rows[0] && w->filled[1] == w->rows[1],
              "window_writer_finish: every announced row must be appended first");
    window_close_datasets(w);
    hid_t f = w->file;
    int pb, pa;
    window_padding(spec, &pb, &pa);
    hsize_t ntr = (hsize_t)n_train_ep, nva = (hsize_t)n_val_ep;
    int rc = FC_OK;
    rc |= norm_h5_write(f, norm);
    rc |= h5u_write(f, "/meta/train_episodes", H5T_NATIVE_INT64, 1, &ntr, train, 0);
    rc |= h5u_write(f, "/meta/val_episodes", H5T_NATIVE_INT64, 1, &nva, val, 0);
    rc |= h5u_set_attr_str(f, "format", WINDOWS_FORMAT);
    rc |= h5u_set_attr_int(f, "version", WINDOWS_VERSION);
    rc |= h5u_set_attr_str(f, "obs_kind", pusht_obs_kind_name(spec->obs_kind));
    rc |= h5u_set_attr_int(f, "obs_dim", norm->obs_dim);
    rc |= h5u_set_attr_int(f, "obs_steps", spec->obs_steps);
    rc |= h5u_set_attr_int(f, "horizon", spec->horizon);
    rc |= h5u_set_attr_int(f, "action_dim", norm->act_dim);
    rc |= h5u_set_attr_str(f, "pad", window_pad_name(spec->pad));
    rc |= h5u_set_attr_int(f, "n_action_steps", spec->n_action_steps);
    rc |= h5u_set_attr_int(f, "pad_before", pb);
    rc |= h5u_set_attr_int(f, "pad_after", pa);
    rc |= h5u_set_attr_int(f, "action_offset", spec->obs_steps - 1);
    rc |= h5u_set_attr_str(f, "source", source ? source : "");
    rc |= h5u_set_attr_int(f, "seed", (int64_t)spec->seed);
    rc |= h5u_set_attr_int(f, "n_source_episodes", n_source_episodes);
    rc |= h5u_set_attr_int(f, "max_episodes", spec->max_episodes);
    rc |= h5u_set_attr_int(f, "val_episodes", spec->val_episodes);
    rc |= h5u_set_attr_int(f, "n_windows", w->rows[0]);
    rc |= h5u_set_attr_int(f, "n_val_windows", w->rows[1]);
    rc |= h5u_set_attr_str(f, "norm_fit", "min/max over every step of every source episode");
    if (rc != FC_OK) {
        window_writer_abort(w);
        return fc_set_error("%s: cannot write the norm, selection or attributes (disk full?)", w->path);
    }
    w->file = -1;
    return h5u_commit_atomic(f, w->tmp, w->path);
}

/* ---- cutting -------------------------------------------------------------------------------- */

/* cut the windows (episode[i], t[i]) for i in [0, n) of scaled per-step features into rows */
static void window_cut(const Episodes *ep, const float *feat, const float *act, int obs_dim, const WindowSpec *s,
                       int64_t n, const int32_t *episode, const int32_t *t, float *obs_out, float *act_out) {
    int to = s->obs_steps, h = s->horizon;
    size_t orow = (size_t)to * (size_t)obs_dim, arow = (size_t)h * PUSHT_ACTION_DIM;
    for (int64_t i = 0; i < n; i++) {
        int64_t e = episode[i];
        int64_t start = episodes_start(ep, e), len = ep->episode_ends[e] - start;
        float *o = obs_out + (size_t)i * orow, *a = act_out + (size_t)i * arow;
        for (int k = 0; k < h; k++) {
            int64_t f = t[i] + k; /* edge padding = clamping the frame into the episode */
            f = f < 0 ? 0 : f >= len ? len - 1 : f;
            f += start;
            if (k < to) memcpy(o + (size_t)k * obs_dim, feat + f * obs_dim, (size_t)obs_dim * sizeof(float));
            memcpy(a + (size_t)k * PUSHT_ACTION_DIM, act + f * PUSHT_ACTION_DIM, PUSHT_ACTION_DIM * sizeof(float));
        }
    }
}

/* cut and append all windows of the selected episodes to one split, block by block */
static int window_write_split(WindowWriter *w, int split, const Episodes *ep, const float *feat, const float *act,
                              int obs_dim, const WindowSpec *s, const int32_t *episode, const int32_t *t, int64_t m) {
    int64_t blk = m < WINDOW_BLOCK_ROWS ? m : WINDOW_BLOCK_ROWS;
    float *ob = fc_malloc((size_t)(blk ? blk : 1) * (size_t)w->obs_row * sizeof(float));
    float *ab = fc_malloc((size_t)(blk ? blk : 1) * (size_t)w->act_row * sizeof(float));
    int rc = FC_OK;
    for (int64_t i = 0; i < m && rc == FC_OK; i += blk) {
        int64_t n = m - i < blk ? m - i : blk;
        window_cut(ep, feat, act, obs_dim, s, n, episode + i, t + i, ob, ab);
        rc = window_writer_append(w, split, n, ob, ab, episode + i, t + i);
    }
    free(ob);
    free(ab);
    return rc;
}

static double window_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* longest episode among the selected ones */
static int64_t window_longest(const Episodes *ep, const int64_t *sel, int64_t n) {
    int64_t best = 0;
    for (int64_t k = 0; k < n; k++) {
        int64_t len = ep->episode_ends[sel[k]] - episodes_start(ep, sel[k]);
        if (len > best) best = len;
    }
    return best;
}

int window_build(const char *episodes_path, const char *out_path, const WindowSpec *s, WindowStats *stats) {
    double t0 = window_now();
    if (s->obs_steps < 1 || s->horizon < 1 || s->n_action_steps < 1)
        return fc_set_error("--obs-steps, --horizon and --n-action-steps must be >= 1");
    if (s->obs_steps > s->horizon)
        return fc_set_error("--obs-steps %d is longer than --horizon %d (the observation is the first To frames "
                            "of the H-frame sequence)", s->obs_steps, s->horizon);
    Episodes ep;
    if (episodes_read(&ep, episodes_path) != FC_OK) return FC_ERR;
    int64_t ne = ep.n_episodes;
    int64_t nval = s->val_episodes;
    int64_t ntr = s->max_episodes >= 0 ? s->max_episodes : ne - nval;
    if (nval < 0 || nval >= ne || ntr < 1 || ntr + nval > ne) {
        episodes_free(&ep);
        if (s->max_episodes >= 0)
            return fc_set_error("%s: --max-episodes %lld + --val-episodes %lld needs %lld episodes, the file has %lld "
                                "(and at least one must train)", episodes_path, (long long)s->max_episodes,
                                (long long)nval, (long long)(s->max_episodes + nval), (long long)ne);
        return fc_set_error("%s: --val-episodes %lld leaves no training episode (the file has %lld)", episodes_path,
                            (long long)nval, (long long)ne);
    }
    int64_t *train = fc_malloc((size_t)ntr * sizeof(int64_t));
    int64_t *val = fc_malloc((size_t)(nval ? nval : 1) * sizeof(int64_t));
    window_select(ne, ntr, nval, s->seed, train, val);

    int pb, pa;
    window_padding(s, &pb, &pa);
    int64_t m = window_count(ep.episode_ends, train, ntr, s->horizon, pb, pa);
    int64_t mv = window_count(ep.episode_ends, val, nval, s->horizon, pb, pa);
    int rc = FC_OK;
    if (m == 0)
        rc = fc_set_error("%s: zero windows: --horizon %d is longer than every selected training episode (longest %lld "
                          "steps, pad %s)", episodes_path, s->horizon, (long long)window_longest(&ep, train, ntr),
                          window_pad_name(s->pad));
    else if (nval > 0 && mv == 0)
        rc = fc_set_error("%s: zero validation windows: --horizon %d is longer than every validation episode (longest "
                          "%lld steps)", episodes_path, s->horizon, (long long)window_longest(&ep, val, nval));
    else if (m > INT32_MAX || ep.n_steps > INT32_MAX)
        rc = fc_set_error("%s: too many windows (%lld) for one windows file", episodes_path, (long long)m);
    if (rc != FC_OK) {
        free(train);
        free(val);
        episodes_free(&ep);
        return rc;
    }

    /* fit on every step of the source, then scale every step once: windows only copy frames */
    double t_read = window_now();
    Norm norm;
    int od = pusht_obs_dim(s->obs_kind);
    float *feat = fc_malloc((size_t)ep.n_steps * (size_t)od * sizeof(float));
    float *act = fc_malloc((size_t)ep.n_steps * PUSHT_ACTION_DIM * sizeof(float));
    window_frame_features(&ep, s->obs_kind, feat);
    window_fit_features(&norm, feat, ep.action, ep.n_steps, od);
    norm_scale(feat, feat, (size_t)ep.n_steps, norm.obs_min, norm.obs_max, od);
    norm_scale(act, ep.action, (size_t)ep.n_steps, norm.act_min, norm.act_max, norm.act_dim);

    int32_t *wep = fc_malloc((size_t)(m > mv ? m : mv) * sizeof(int32_t));
    int32_t *wt = fc_malloc((size_t)(m > mv ? m : mv) * sizeof(int32_t));
    WindowWriter w;
    rc = window_writer_init(&w, out_path, m, mv, s->obs_steps * od, s->horizon * PUSHT_ACTION_DIM, -1);
    double t_feat = window_now();
    if (rc == FC_OK) {
        window_starts(ep.episode_ends, train, ntr, s->horizon, pb, pa, wep, wt);
        rc = window_write_split(&w, 0, &ep, feat, act, od, s, wep, wt, m);
    }
    if (rc == FC_OK) {
        window_starts(ep.episode_ends, val, nval, s->horizon, pb, pa, wep, wt);
        rc = window_write_split(&w, 1, &ep, feat, act, od, s, wep, wt, mv);
    }
    if (rc == FC_OK) {
        char source[4096 + 600];
        char *abs = realpath(episodes_path, NULL);
        snprintf(source, sizeof source, "%s (episodes source: %s)", abs ? abs : episodes_path, ep.source);
        free(abs);
        double t_write = window_now();
        rc = window_writer_finish(&w, s, &norm, source, ne, train, ntr, val, nval);
        fc_log("window: read %.2f s, features + norm %.2f s, cut + write %.2f s, commit (fsync) %.2f s",
               t_read - t0, t_feat - t_read, t_write - t_feat, window_now() - t_write);
    } else if (w.file >= 0) {
        window_writer_abort(&w);
    }
    if (stats) {
        stats->n_windows = m;
        stats->n_val_windows = mv;
        stats->n_train_episodes = ntr;
        stats->n_val_episodes = nval;
        stats->n_source_episodes = ne;
        stats->seconds = window_now() - t0;
    }
    free(wep);
    free(wt);
    free(feat);
    free(act);
    free(train);
    free(val);
    episodes_free(&ep);
    return rc;
}

/* ---- reading the spec back, and `flowchunk info` -------------------------------------------- */

int window_read_spec(hid_t f, const char *label, WindowSpec *s, Norm *norm) {
    char format[64], kind[32], pad[32];
    int64_t version = 0, to = 0, h = 0, ta = 0, seed = 0, maxe = 0, vale = 0, od = 0, ad = 0;
    if (h5u_get_attr_str(f, "format", format, sizeof format) != FC_OK)
        return fc_set_error("%s: not a flowchunk windows file (no 'format' attribute)", label);
    if (strcmp(format, WINDOWS_FORMAT) != 0)
        return fc_set_error("%s: is a '%s' file, expected '%s' (make one with `flowchunk window`)", label, format,
                            WINDOWS_FORMAT);
    if (h5u_get_attr_int(f, "version", &version) != FC_OK || version < 1 || version > WINDOWS_VERSION)
        return fc_set_error("%s: unsupported windows file version %lld (this build reads 1..%d)", label,
                            (long long)version, WINDOWS_VERSION);
    if (h5u_get_attr_str(f, "obs_kind", kind, sizeof kind) || h5u_get_attr_str(f, "pad", pad, sizeof pad) ||
        h5u_get_attr_int(f, "obs_dim", &od) || h5u_get_attr_int(f, "action_dim", &ad) ||
        h5u_get_attr_int(f, "obs_steps", &to) || h5u_get_attr_int(f, "horizon", &h) ||
        h5u_get_attr_int(f, "n_action_steps", &ta) || h5u_get_attr_int(f, "seed", &seed) ||
        h5u_get_attr_int(f, "max_episodes", &maxe) || h5u_get_attr_int(f, "val_episodes", &vale)) {
        char why[512];
        snprintf(why, sizeof why, "%s", fc_last_error());
        return fc_set_error("%s: %s", label, why);
    }
    memset(s, 0, sizeof *s);
    if (!strcmp(kind, "state")) s->obs_kind = PUSHT_OBS_STATE;
    else if (!strcmp(kind, "keypoints")) s->obs_kind = PUSHT_OBS_KEYPOINTS;
    else return fc_set_error("%s: unknown obs_kind '%s' (state|keypoints)", label, kind);
    if (!strcmp(pad, "none")) s->pad = WINDOW_PAD_NONE;
    else if (!strcmp(pad, "edge")) s->pad = WINDOW_PAD_EDGE;
    else return fc_set_error("%s: unknown pad '%s' (none|edge)", label, pad);
    if (od != pusht_obs_dim(s->obs_kind) || ad != PUSHT_ACTION_DIM)
        return fc_set_error("%s: obs_dim %lld / action_dim %lld do not match obs_kind '%s'", label, (long long)od,
                            (long long)ad, kind);
    if (to < 1 || h < 1 || to > h || ta < 1 || h > 100000)
        return fc_set_error("%s: bad window geometry obs_steps=%lld horizon=%lld n_action_steps=%lld", label,
                            (long long)to, (long long)h, (long long)ta);
    s->obs_steps = (int)to;
    s->horizon = (int)h;
    s->n_action_steps = (int)ta;
    s->seed = (uint64_t)seed;
    s->max_episodes = maxe;
    s->val_episodes = vale;
    if (norm_h5_read(f, label, norm) != FC_OK) return FC_ERR;
    if (norm->obs_dim != (int)od || norm->act_dim != (int)ad)
        return fc_set_error("%s: /norm has %d obs and %d action dimensions, the attributes say %d and %d", label,
                            norm->obs_dim, norm->act_dim, (int)od, (int)ad);
    return FC_OK;
}

static cJSON *window_json_floats(const float *v, int n) {
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

static void window_print_floats(const char *name, const float *v, int n) {
    printf("  %-12s", name);
    for (int i = 0; i < n; i++) printf(" %.6g", v[i]);
    printf("\n");
}

int window_describe(const char *path, int json) {
    hid_t f = h5u_open_read(path);
    if (f < 0) return FC_ERR;
    char format[64] = "";
    if (h5u_get_attr_str(f, "format", format, sizeof format) != FC_OK || strcmp(format, WINDOWS_FORMAT) != 0) {
        H5Fclose(f);
        return -1;
    }
    WindowSpec s;
    Norm norm;
    int rc = window_read_spec(f, path, &s, &norm);
    hsize_t dobs[H5U_MAX_RANK] = {0}, dact[H5U_MAX_RANK] = {0}, dvo[H5U_MAX_RANK] = {0};
    char source[4096] = "";
    int64_t nsrc = 0, ntr = 0, nva = 0, pb = 0, pa = 0, off = 0;
    if (rc == FC_OK) {
        if (h5u_shape(f, "/obs", dobs) != 2 || h5u_shape(f, "/action", dact) != 2 || h5u_shape(f, "/val/obs", dvo) != 2)
            rc = fc_set_error("%s: /obs, /action or /val/obs is missing or not 2-d", path);
        hsize_t d1[H5U_MAX_RANK] = {0};
        if (h5u_shape(f, "/meta/train_episodes", d1) == 1) ntr = (int64_t)d1[0];
        if (h5u_shape(f, "/meta/val_episodes", d1) == 1) nva = (int64_t)d1[0];
        h5u_get_attr_str(f, "source", source, sizeof source);
        h5u_get_attr_int(f, "n_source_episodes", &nsrc);
        h5u_get_attr_int(f, "pad_before", &pb);
        h5u_get_attr_int(f, "pad_after", &pa);
        h5u_get_attr_int(f, "action_offset", &off);
    }
    int chunked = 0;
    if (rc == FC_OK) {
        hid_t d = H5Dopen2(f, "/obs", H5P_DEFAULT);
        hid_t dcpl = H5Dget_create_plist(d);
        chunked = H5Pget_layout(dcpl) == H5D_CHUNKED;
        H5Pclose(dcpl);
        H5Dclose(d);
    }
    H5Fclose(f);
    if (rc != FC_OK) return rc;
    struct stat st;
    long long bytes = stat(path, &st) == 0 ? (long long)st.st_size : -1;
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", path);
        cJSON_AddStringToObject(o, "format", WINDOWS_FORMAT);
        cJSON_AddNumberToObject(o, "version", WINDOWS_VERSION);
        cJSON_AddStringToObject(o, "obs_kind", pusht_obs_kind_name(s.obs_kind));
        cJSON_AddNumberToObject(o, "obs_dim", norm.obs_dim);
        cJSON_AddNumberToObject(o, "obs_steps", s.obs_steps);
        cJSON_AddNumberToObject(o, "horizon", s.horizon);
        cJSON_AddNumberToObject(o, "n_action_steps", s.n_action_steps);
        cJSON_AddStringToObject(o, "pad", window_pad_name(s.pad));
        cJSON_AddNumberToObject(o, "pad_before", (double)pb);
        cJSON_AddNumberToObject(o, "pad_after", (double)pa);
        cJSON_AddNumberToObject(o, "action_offset", (double)off);
        cJSON_AddNumberToObject(o, "windows", (double)dobs[0]);
        cJSON_AddNumberToObject(o, "val_windows", (double)dvo[0]);
        cJSON_AddNumberToObject(o, "obs_row", (double)dobs[1]);
        cJSON_AddNumberToObject(o, "action_row", (double)dact[1]);
        cJSON_AddNumberToObject(o, "train_episodes", (double)ntr);
        cJSON_AddNumberToObject(o, "val_episodes", (double)nva);
        cJSON_AddNumberToObject(o, "source_episodes", (double)nsrc);
        cJSON_AddNumberToObject(o, "seed", (double)s.seed);
        cJSON_AddStringToObject(o, "source", source);
        cJSON_AddStringToObject(o, "layout", chunked ? "chunked" : "contiguous");
        cJSON_AddNumberToObject(o, "bytes", (double)bytes);
        cJSON *n = cJSON_AddObjectToObject(o, "norm");
        cJSON_AddItemToObject(n, "obs_min", window_json_floats(norm.obs_min, norm.obs_dim));
        cJSON_AddItemToObject(n, "obs_max", window_json_floats(norm.obs_max, norm.obs_dim));
        cJSON_AddItemToObject(n, "action_min", window_json_floats(norm.act_min, norm.act_dim));
        cJSON_AddItemToObject(n, "action_max", window_json_floats(norm.act_max, norm.act_dim));
        cli_print_json(o);
    } else {
        printf("%s: %s v%d, %lld bytes, %s rows\n", path, WINDOWS_FORMAT, WINDOWS_VERSION, bytes,
               chunked ? "chunked" : "contiguous");
        printf("  windows      %llu train, %llu val\n", (unsigned long long)dobs[0], (unsigned long long)dvo[0]);
        printf("  obs          %s x %d steps = %llu floats/row\n", pusht_obs_kind_name(s.obs_kind), s.obs_steps,
               (unsigned long long)dobs[1]);
        printf("  action       horizon %d = %llu floats/row, execute %d from chunk entry %lld\n", s.horizon,
               (unsigned long long)dact[1], s.n_action_steps, (long long)off);
        printf("  pad          %s (before %lld, after %lld)\n", window_pad_name(s.pad), (long long)pb, (long long)pa);
        printf("  episodes     %lld train, %lld val, of %lld (seed %llu)\n", (long long)ntr, (long long)nva,
               (long long)nsrc, (unsigned long long)s.seed);
        printf("  source       %s\n", source);
        window_print_floats("obs_min", norm.obs_min, norm.obs_dim);
        window_print_floats("obs_max", norm.obs_max, norm.obs_dim);
        window_print_floats("action_min", norm.act_min, norm.act_dim);
        window_print_floats("action_max", norm.act_max, norm.act_dim);
    }
    return FC_OK;
}
