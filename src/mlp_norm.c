/* mlp_norm.c: LayerNorm over the last dimension, forward and backward, for the residual MLP of
 * mlp.h (llm.c's layernorm_forward / layernorm_backward, one row at a time):
 *   mu = mean(x), rstd = 1 / sqrt(var(x) + eps) (biased variance), xhat = (x - mu) rstd,
 *   y = gamma * xhat + beta;
 *   dgamma += sum_rows dy * xhat, dbeta += sum_rows dy,
 *   dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)),  dxhat = dy * gamma.
 * eps = 1e-5 as torch.nn.LayerNorm (https://pytorch.org/docs/1.13/generated/torch.nn.LayerNorm.html).
 * Every row is reduced on its own, left to right (no reassociation under -ffp-contract=off and
 * without -ffast-math), so a row's output never depends on the batch: mlp_infer stays invariant. */
#include "flowchunk/mlp.h"

#include <math.h>
#include <stddef.h>

#define MLP_LN_EPS 1e-5f

void mlp_layernorm_forward(float *y, float *xhat, float *rstd, const float *x, const float *gamma,
                           const float *beta, int B, int n) {
    for (int i = 0; i < B; i++) {
        const float *xi = x + (size_t)i * n;
        float *yi = y + (size_t)i * n, *hi = xhat ? xhat + (size_t)i * n : NULL;
        float mean = 0.0f, var = 0.0f;
        for (int j = 0; j < n; j++) mean += xi[j];
        mean /= (float)n;
        for (int j = 0; j < n; j++) {
            float d = xi[j] - mean;
            var += d * d;
        }
        var /= (float)n;
        float r = 1.0f / sqrtf(var + MLP_LN_EPS);
        for (int j = 0; j < n; j++) {
            float h = (xi[j] - mean) * r;
            if (hi) hi[j] = h;
            yi[j] = h * gamma[j] + beta[j];
        }
        if (rstd) rstd[i] = r;
    }
}

void mlp_layernorm_backward(float *dx, float *dgamma, float *dbeta, const float *dy, const float *xhat,
                            const float *rstd, const float *gamma, int B, int n) {
    for (int i = 0; i < B; i++) {
        const float *dyi = dy + (size_t)i * n, *hi = xhat + (size_t)i * n;
        float *dxi = dx + (size_t)i * n;
        float mean_d = 0.0f, mean_dh = 0.0f;
        for (int j = 0; j < n; j++) {
            float d = dyi[j] * gamma[j];
            mean_d += d;
            mean_dh += d * hi[j];
        }
        mean_d /= (float)n;
        mean_dh /= (float)n;
        for (int j = 0; j < n; j++) {
            dgamma[j] += dyi[j] * hi[j];
            dbeta[j] += dyi[j];
            float d = dyi[j] * gamma[j];
            dxi[j] += rstd[i] * (d - mean_d - hi[j] * mean_dh);
        }
    }
}
