/* window.h: the windows file (DESIGN.md "Data flow" 2) and `flowchunk window`, which cuts an
 * episodes file into (observation history, action chunk) samples scaled to [-1,1].
 *
 * Windowing is Diffusion Policy's SequenceSampler (diffusion_policy/common/sampler.py,
 * create_indices + sample_sequence) for BOTH pad modes: a window is a sequence of H frames
 * starting at episode-relative index t, frame i = clamp(t + i, 0, L-1) (edge padding repeats the
 * first/last frame), the observation is the first To frames of the sequence and the action chunk
 * is all H. Starts run over t = -pad_before .. L - H + pad_after:
 *   pad=none: pad_before = pad_after = 0, so a window starts at t when t + H <= L (the seed
 *             example: episode_ends [5,12], H=3 -> global starts 0,1,2,5,6,7,8,9). With To > 1 the
 *             observation is frames t..t+To-1 and the chunk t..t+H-1: no frame is ever repeated.
 *   pad=edge: pad_before = To-1, pad_after = Ta-1 (both capped at H-1, as Diffusion Policy).
 * In both modes the chunk starts at the FIRST observed frame, so the action taken at the current
 * (last observed) frame is chunk entry action_offset = To-1: a policy executes chunk entries
 * action_offset .. action_offset+Ta-1 (Diffusion Policy: action_pred[:, To-1 : To-1+Ta]).
 *
 * File layout (all float32 scaled with norm.h; M train rows, rows in episode order):
 *   /obs f32 [M, To*obs_dim]   frame-major: frame 0's obs_dim values, then frame 1's, ...
 *   /action f32 [M, H*2]       step-major (x0,y0,x1,y1,...)
 *   /episode i32 [M]           source episode index
 *   /t i32 [M]                 episode-relative index of the sequence start (>= -(To-1) with edge)
 *   /norm/obs_min, obs_max f32 [obs_dim]; /norm/action_min, action_max f32 [2]: per SINGLE-STEP
 *                              dimension, fitted on ALL steps of ALL source episodes
 *   /val/obs, /val/action, /val/episode, /val/t: the held-out validation windows (may be 0 rows)
 *   /meta/train_episodes, /meta/val_episodes i64: the selected source episodes (ascending)
 *   attributes: format, version, obs_kind, obs_dim, obs_steps, horizon, action_dim, pad,
 *               n_action_steps, pad_before, pad_after, action_offset, source, seed,
 *               n_source_episodes, max_episodes (-1 = all), val_episodes, n_windows, n_val_windows
 * Rows are chunked (WINDOW_CHUNK_ROWS) so the loader's per-rank hyperslabs read efficiently.
 *
 * Episode selection: ONE permutation of the source episodes (xoshiro256** seeded with --seed,
 * Fisher-Yates); train = its first N entries, val = the next V. Subsets are nested as N grows
 * (N=10 within 25 within 50) and the validation set never overlaps training and does not change
 * with N. Without --max-episodes every episode not held out trains. */
#ifndef FLOWCHUNK_WINDOW_H
#define FLOWCHUNK_WINDOW_H

#include "flowchunk/episodes.h"
#include "flowchunk/norm.h"
#include "flowchunk/pusht.h"

#include <hdf5.h>
#include <stdint.h>

#define WINDOWS_FORMAT "flowchunk-windows"
#define WINDOWS_VERSION 1
#define WINDOW_CHUNK_ROWS 4096 /* rows per HDF5 chunk of /obs, /action, /episode, /t */

typedef enum { WINDOW_PAD_NONE = 0, WINDOW_PAD_EDGE = 1 } WindowPad;

/* what to cut and how; also what a windows file records about itself */
typedef struct {
    PushtObsKind obs_kind; /* state (5-d) or keypoints (20-d: 9 block keypoints then agent xy) */
    int obs_steps;          /* To >= 1, <= horizon */
    int horizon;            /* H >= 1 */
    int n_action_steps;     /* Ta >= 1 (sets pad_after = Ta-1 with pad=edge; default 8) */
    WindowPad pad;
    int64_t max_episodes;   /* N training episodes; -1 = every episode not held out */
    int64_t val_episodes;   /* V validation episodes (default 0) */
    uint64_t seed;          /* episode permutation (default 42) */
} WindowSpec;

/* defaults: state, To=1, H=8, Ta=8, pad none, all episodes, no validation, seed 42 */
void window_spec_default(WindowSpec *s);
/* a named recipe on top of the defaults: "dp" = Diffusion Policy's Push-T windows (keypoints,
 * To 2, H 16, Ta 8, edge padding), "hw1" = CS 185 HW1's (state, To 1, H 8, Ta 8, no padding).
 * 0, or -1 for an unknown name */
int window_spec_recipe(WindowSpec *s, const char *name);
const char *window_pad_name(WindowPad pad);

/* streaming writer of a windows file (serial HDF5, atomic: temp file, fsync, rename) */
typedef struct {
    hid_t file;
    char tmp[4200];
    char path[4096];
    int obs_row, act_row;     /* floats per row: To*obs_dim, H*2 */
    hid_t d_obs[2], d_act[2]; /* [0] train, [1] val */
    hid_t d_ep[2], d_t[2];
    int64_t rows[2], filled[2];
} WindowWriter;

/* create the file with room for n_train + n_val rows; chunk_rows > 0 chunks the row datasets by
 * that many rows, 0 stores them contiguously, < 0 uses WINDOW_CHUNK_ROWS. FC_OK or FC_ERR */
int window_writer_init(WindowWriter *w, const char *path, int64_t n_train, int64_t n_val, int obs_row,
                       int act_row, int64_t chunk_rows);
/* append n rows to split 0 (train) or 1 (val) */
int window_writer_append(WindowWriter *w, int split, int64_t n, const float *obs, const float *act,
                         const int32_t *episode, const int32_t *t);
/* write norm, the episode selection and the attributes, then commit atomically */
int window_writer_finish(WindowWriter *w, const WindowSpec *spec, const Norm *norm, const char *source,
                         int64_t n_source_episodes, const int64_t *train, int64_t n_train_ep,
                         const int64_t *val, int64_t n_val_ep);
/* close and delete the temp file after a failure */
void window_writer_abort(WindowWriter *w);

/* counts of a finished windowing run */
typedef struct {
    int64_t n_windows, n_val_windows;
    int64_t n_train_episodes, n_val_episodes, n_source_episodes;
    double seconds;
} WindowStats;

/* the whole of `flowchunk window`: read the episodes, select, fit the norm, cut, scale, write.
 * FC_OK or FC_ERR + fc_set_error (one line) */
int window_build(const char *episodes_path, const char *out_path, const WindowSpec *spec, WindowStats *stats);

/* read the spec and norm stored in an open windows file (checks format/version/attributes) */
int window_read_spec(hid_t file, const char *label, WindowSpec *spec, Norm *norm);

/* `flowchunk info` for windows files: prints a summary on stdout (json != 0: one JSON object).
 * Returns FC_OK when described, -1 when path is an HDF5 file whose format attribute is not
 * "flowchunk-windows" (try another describer), FC_ERR + fc_set_error when unreadable/broken */
int window_describe(const char *path, int json);

#endif
