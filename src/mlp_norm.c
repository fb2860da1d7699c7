/* mlp_norm.c: LayerNorm over the last dimension, forward and backward, for the residual MLP of
 * mlp.h (llm.c's layernorm_forward / layernorm_backward, one row at a time):
 *   mu = mean(x), rstd = 1 / sqrt(var(x) + eps) (biased variance), xhat = (x - mu) rstd,
 *   y = gamma * xhat + beta;
 *   dgamma += sum_rows dy * xhat, dbeta += sum_rows dy,
 *   dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)),  dxhat = dy * gamma.
 * eps = 1e-5 as torch.nn.LayerNorm (https://pytorch.org/docs/1.13/generated/torch.nn.LayerNorm.html).
 * Every row is reduced on its own in one fixed order, so a row's output never depends on the
 * batch and mlp_infer stays invariant: 8 lanes, lane l summing the elements j = l (mod 8) left to
 * right, then the tree (l0+l4 + l2+l6) + (l1+l5 + l3+l7), as rowgemm's dot products. A single
 * left-to-right chain was latency-bound (12% of a residual 5x512 training step); the lanes let
 * the compiler keep 8 sums in one vector register, without -ffast-math. */
#include "flowchunk/mlp.h"

#include <math.h>
#include <stddef.h>

#define MLP_LN_EPS 1e-5f

/* vectorised as mlp_act.c: the dynamic cost model (GCC's -O2 default refuses loops with an
 * epilogue) and AVX2/AVX-512 clones picked at load time; no clone reassociates a sum */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define MLP_LN_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MLP_LN_CLONES
#endif

/* the 8-lane sum of a[j] (b == NULL) or of a[j] * b[j], in the fixed order above */
static inline __attribute__((always_inline)) float lane_sum(const float *a, const float *b, int n) {
    float l[8] = {0};
    int j = 0;
    if (b) {
        for (; j + 8 <= n; j += 8)
            for (int k = 0; k < 8; k++) l[k] += a[j + k] * b[j + k];
        for (int k = 0; j + k < n; k++) l[k] += a[j + k] * b[j + k];
    } else {
        for (; j + 8 <= n; j += 8)
            for (int k = 0; k < 8; k++) l[k] += a[j + k];
        for (int k = 0; j + k < n; k++) l[k] += a[j + k];
    }
    return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

MLP_LN_CLONES
void mlp_layernorm_forward(float *y, float *xhat, float *rstd, const float *x, const float *gamma,
                           const float *beta, int B, int n) {
    float d[n];
    for (int i = 0; i < B; i++) {
        const float *xi = x + (size_t)i * n;
        float *yi = y + (size_t)i * n;
        float mean = lane_sum(xi, NULL, n) / (float)n;
        for (int j = 0; j < n; j++) d[j] = xi[j] - mean;
        float var = lane_sum(d, d, n) / (float)n;
        float r = 1.0f / sqrtf(var + MLP_LN_EPS);
        if (xhat) {
            float *hi = xhat + (size_t)i * n;
            for (int j = 0; j < n; j++) {
                hi[j] = d[j] * r;
                yi[j] = hi[j] * gamma[j] + beta[j];
            }
        } else {
            for (int j = 0; j < n; j++) yi[j] = (d[j] * r) * gamma[j] + beta[j];
        }
        if (rstd) rstd[i] = r;
    }
}

MLP_LN_CLONES
void mlp_layernorm_backward(float *dx, float *dgamma, float *dbeta, const float *dy, const float *xhat,
                            const float *rstd, const float *gamma, int B, int n) {
    float g[n];
    for (int i = 0; i < B; i++) {
        const float *dyi = dy + (size_t)i * n, *hi = xhat + (size_t)i * n;
        float *dxi = dx + (size_t)i * n;
        for (int j = 0; j < n; j++) g[j] = dyi[j] * gamma[j];
        float mean_d = lane_sum(g, NULL, n) / (float)n;
        float mean_dh = lane_sum(g, hi, n) / (float)n;
        float r = rstd[i];
        for (int j = 0; j < n; j++) {
            dgamma[j] += dyi[j] * hi[j];
            dbeta[j] += dyi[j];
        }
        for (int j = 0; j < n; j++) dxi[j] += r * (g[j] - mean_d - hi[j] * mean_dh);
    }
}
