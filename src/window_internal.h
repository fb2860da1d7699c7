/* window_internal.h: the steps of windowing (window.c) that its unit test checks one by one:
 * padding, counting and listing the windows, the episode selection, the per-step features and
 * the norm fit. Private to src/window.c and tests/window_unit_test.c (window.h has the file
 * format and the public entry points). */
#ifndef FLOWCHUNK_WINDOW_INTERNAL_H
#define FLOWCHUNK_WINDOW_INTERNAL_H

#include "flowchunk/window.h"

/* Diffusion Policy's padding of a spec (capped at H-1) */
void window_padding(const WindowSpec *s, int *pad_before, int *pad_after);

/* number of windows of the selected episodes episodes[0..n_sel-1] of an episode_ends array */
int64_t window_count(const int64_t *episode_ends, const int64_t *episodes, int64_t n_sel, int horizon,
                     int pad_before, int pad_after);
/* the windows themselves: source episode and episode-relative start t, in row order; returns the
 * count (episode/t may be NULL to only count) */
int64_t window_starts(const int64_t *episode_ends, const int64_t *episodes, int64_t n_sel, int horizon,
                      int pad_before, int pad_after, int32_t *episode, int32_t *t);

/* episode selection (window.h's header comment): train (n_train) and val (n_val), each ascending */
void window_select(int64_t n_episodes, int64_t n_train, int64_t n_val, uint64_t seed, int64_t *train,
                   int64_t *val);

/* per-step observation features of a whole episodes file: out (N, obs_dim), unscaled */
void window_frame_features(const Episodes *ep, PushtObsKind kind, float *out);
/* min/max of the per-step observations and actions over ALL steps (Diffusion Policy fits its
 * normalizer on the whole replay buffer) */
void window_fit_norm(Norm *norm, const Episodes *ep, PushtObsKind kind);

#endif
