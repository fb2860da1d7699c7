/* norm.c: min/max scaling to [-1,1] (Diffusion Policy's LinearNormalizer, "limits" mode:
 * https://github.com/real-stanford/diffusion_policy/blob/main/diffusion_policy/model/common/normalizer.py).
 * Constant dimensions (range < NORM_RANGE_EPS) map to 0 instead of dividing by zero. */
#include "flowchunk/norm.h"

void norm_scale(float *y, const float *x, size_t n_frames, const float *min, const float *max, int dim) {
    for (size_t f = 0; f < n_frames; f++)
        for (int d = 0; d < dim; d++) {
            float range = max[d] - min[d];
            size_t i = f * (size_t)dim + (size_t)d;
            y[i] = range < NORM_RANGE_EPS ? 0.0f : 2.0f * (x[i] - min[d]) / range - 1.0f;
        }
}

void norm_unscale(float *x, const float *y, size_t n_frames, const float *min, const float *max, int dim) {
    for (size_t f = 0; f < n_frames; f++)
        for (int d = 0; d < dim; d++) {
            float range = max[d] - min[d];
            size_t i = f * (size_t)dim + (size_t)d;
            x[i] = range < NORM_RANGE_EPS ? min[d] : (y[i] + 1.0f) * 0.5f * range + min[d];
        }
}
