/* mlp_act.c: the MLP's activations and their derivatives, written as branch-free loops that the
 * compiler vectorises (with AVX2/AVX-512 clones picked at load time), matching PyTorch 1.13:
 *   ReLU  y = max(z, 0)                      https://pytorch.org/docs/1.13/generated/torch.nn.ReLU.html
 *   SiLU  y = z * sigmoid(z)                 https://pytorch.org/docs/1.13/generated/torch.nn.SiLU.html
 *   Mish  y = z * tanh(softplus(z))          https://arxiv.org/abs/1908.08681 (Misra 2019)
 *   GELU  y = z * Phi(z), exact erf form     https://arxiv.org/abs/1606.08415 (Hendrycks & Gimpel)
 * Mish uses one exponential: with e = exp(z), tanh(log1p(e)) = n / (n + 2), n = e (e + 2), and
 * 1 - tanh = 2 / (n + 2), so neither the value nor the derivative cancels. The exponential is
 * Cephes' expf (Cody-Waite reduction + degree-6 polynomial, ~1 ulp; http://www.netlib.org/cephes/). */
#include "flowchunk/mlp.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "flowchunk/check.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define MLP_ACT_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MLP_ACT_CLONES
#endif

/* exp(x) for x in [-87, 88] (clamped), relative error ~1e-7 */
static inline float act_expf(float x) {
    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    /* k = round(x / ln2) by the 1.5*2^23 trick (round-to-nearest, no -ffast-math) */
    float t = x * 1.44269504088896341f + 12582912.0f;
    float k = t - 12582912.0f;
    float r = x - k * 0.693359375f;
    r = r - k * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float y = p * (r * r) + r + 1.0f;
    int32_t bits = ((int32_t)k + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return y * scale;
}

MLP_ACT_CLONES
static void act_relu_forward(float *y, const float *z, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = z[i] > 0.0f ? z[i] : 0.0f;
}

MLP_ACT_CLONES
static void act_relu_backward(float *dz, const float *dy, const float *z, size_t n) {
    for (size_t i = 0; i < n; i++) dz[i] = z[i] > 0.0f ? dy[i] : 0.0f;
}

MLP_ACT_CLONES
static void act_silu_forward(float *y, const float *z, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = z[i] / (1.0f + act_expf(-z[i]));
}

/* d silu = s (1 + z (1 - s)), s = sigmoid(z), 1 - s = e^-z / (1 + e^-z) */
MLP_ACT_CLONES
static void act_silu_backward(float *dz, const float *dy, const float *z, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float em = act_expf(-z[i]);
        float s = 1.0f / (1.0f + em);
        float oms = em * s;
        dz[i] = dy[i] * (s * (1.0f + z[i] * oms));
    }
}

MLP_ACT_CLONES
static void act_mish_forward(float *y, const float *z, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float zi = z[i];
        float e = act_expf(zi < 20.0f ? zi : 20.0f);
        float nn = e * (e + 2.0f);
        y[i] = zi * (nn / (nn + 2.0f));
    }
}

/* d mish = t + z * sigmoid(z) * (1 - t^2), t = tanh(softplus(z)) (PyTorch's mish_backward) */
MLP_ACT_CLONES
static void act_mish_backward(float *dz, const float *dy, const float *z, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float zi = z[i];
        float e = act_expf(zi < 20.0f ? zi : 20.0f);
        float nn = e * (e + 2.0f);
        float inv = 1.0f / (nn + 2.0f);
        float t = nn * inv;
        float omt = 2.0f * inv;            /* 1 - t */
        float s = e / (1.0f + e);          /* sigmoid(z) */
        dz[i] = dy[i] * (t + zi * s * (omt * (1.0f + t)));
    }
}

/* GELU is not on the hot path of the default policy: libm's erff/expf, scalar */
static void act_gelu_forward(float *y, const float *z, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = z[i] * 0.5f * (1.0f + erff(z[i] * 0.70710678118654752f));
}

/* d gelu = Phi(z) + z phi(z), phi(z) = exp(-z^2/2) / sqrt(2 pi) */
static void act_gelu_backward(float *dz, const float *dy, const float *z, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float zi = z[i];
        float cdf = 0.5f * (1.0f + erff(zi * 0.70710678118654752f));
        float pdf = expf(-0.5f * zi * zi) * 0.39894228040143268f;
        dz[i] = dy[i] * (cdf + zi * pdf);
    }
}

void mlp_act_forward(MlpActivation a, float *y, const float *z, size_t n) {
    switch (a) {
    case MLP_RELU: act_relu_forward(y, z, n); return;
    case MLP_SILU: act_silu_forward(y, z, n); return;
    case MLP_MISH: act_mish_forward(y, z, n); return;
    case MLP_GELU: act_gelu_forward(y, z, n); return;
    }
    fc_fatal("unknown MLP activation %d", (int)a);
}

/* dz may alias dy (in-place backward) */
void mlp_act_backward(MlpActivation a, float *dz, const float *dy, const float *z, size_t n) {
    switch (a) {
    case MLP_RELU: act_relu_backward(dz, dy, z, n); return;
    case MLP_SILU: act_silu_backward(dz, dy, z, n); return;
    case MLP_MISH: act_mish_backward(dz, dy, z, n); return;
    case MLP_GELU: act_gelu_backward(dz, dy, z, n); return;
    }
    fc_fatal("unknown MLP activation %d", (int)a);
}
