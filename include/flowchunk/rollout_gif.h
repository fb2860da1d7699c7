/* rollout_gif.h: chosen episodes of an evaluation re-run with traces and rendered as one animated
 * GIF (render.h), tiled in a square grid. An episode's outcome depends only on its seed and noise
 * seed (inference is batch-invariant), so the re-run is the evaluated episode. Implemented in
 * src/rollout_gif.c. */
#ifndef FLOWCHUNK_ROLLOUT_GIF_H
#define FLOWCHUNK_ROLLOUT_GIF_H

#include "flowchunk/norm.h"
#include "flowchunk/policy.h"
#include "flowchunk/rollout.h"

#define ROLLOUT_GIF_MAX_EPISODES 64

/* writes episodes ep[0..k-1] (indices into cfg's episodes, 1 <= k <= ROLLOUT_GIF_MAX_EPISODES) of
 * cfg to path at 10 frames/s, cell x cell pixels each; evaluated (cfg's results, the same noise
 * seed) is only compared against, to warn when a re-run differs. FC_OK or FC_ERR (fc_set_error) */
int rollout_gif_write(const char *path, Policy *p, const Norm *norm, const EvalConfig *cfg, const int *ep, int k,
                      int cell, const EvalResult *evaluated);

#endif
