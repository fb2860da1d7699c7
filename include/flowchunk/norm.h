/* norm.h: min/max scaling of observations and actions to [-1,1], as Diffusion Policy's
 * LinearNormalizer in "limits" mode. Bounds are per single-step dimension (obs_dim of ONE frame,
 * 2 for actions) and apply to each frame of a stacked observation or action chunk.
 * Stored in windows files and checkpoints under /norm/{obs_min,obs_max,action_min,action_max}. */
#ifndef FLOWCHUNK_NORM_H
#define FLOWCHUNK_NORM_H

#include <stddef.h>

#define NORM_MAX_DIM 32
/* a dimension whose range is below this is constant: it scales to 0 and un-scales to its min */
#define NORM_RANGE_EPS 1e-4f

typedef struct {
    int obs_dim; /* per frame: 5 (state) or 20 (keypoints) */
    int act_dim; /* 2 */
    float obs_min[NORM_MAX_DIM], obs_max[NORM_MAX_DIM];
    float act_min[NORM_MAX_DIM], act_max[NORM_MAX_DIM];
} Norm;

/* y = 2 (x - min) / (max - min) - 1 per dimension; x and y hold n_frames frames of dim values */
void norm_scale(float *y, const float *x, size_t n_frames, const float *min, const float *max, int dim);
/* inverse of norm_scale */
void norm_unscale(float *x, const float *y, size_t n_frames, const float *min, const float *max, int dim);

#endif
