/* mlp_act.c: the MLP's activations and their derivatives, matching PyTorch 1.13, each defined by
 * a scalar loop (compiled with AVX2/AVX-512 clones picked at load time):
 *   ReLU  y = max(z, 0)                      https://pytorch.org/docs/1.13/generated/torch.nn.ReLU.html
 *   SiLU  y = z * sigmoid(z)                 https://pytorch.org/docs/1.13/generated/torch.nn.SiLU.html
 *   Mish  y = z * tanh(softplus(z))          https://arxiv.org/abs/1908.08681 (Misra 2019)
 *   GELU  y = z * Phi(z), exact erf form     https://arxiv.org/abs/1606.08415 (Hendrycks & Gimpel)
 * Mish uses one exponential: with e = exp(z), tanh(log1p(e)) = n / (n + 2), n = e (e + 2), and
 * 1 - tanh = 2 / (n + 2), so neither the value nor the derivative cancels. The exponential is
 * Cephes' expf (Cody-Waite reduction + degree-6 polynomial, ~1 ulp; http://www.netlib.org/cephes/).
 * SiLU and Mish, the hot ones, also have AVX2 kernels (picked at run time) that do the scalar
 * loop's operations in its order, without FMA, 8 lanes at a time: the same bits (nn_invariance).
 * GCC under -std=c11 does not vectorise the scalar loops ("control flow in loop"): measured with
 * perf, they were 29% of a residual 5x512 training step, the kernels take that to 4%
 * (benchmarks/RESULTS.md, "Training step"). */
#include "flowchunk/mlp.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "flowchunk/check.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define ACT_X86 1
#endif

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
    /* a NaN input gives k = NaN, whose int conversion is undefined in C (UBSan): any scale will
     * do, y is NaN already (the AVX2 kernel's cvttps gives INT_MIN there, also a NaN result) */
    int32_t bits = ((k == k ? (int32_t)k : 0) + 127) << 23;
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

#ifdef ACT_X86
#define AVX2 __attribute__((target("avx2")))

/* act_expf, 8 lanes: every operation of the scalar version in the same order (max/min operand
 * order keeps a NaN as the scalar ternaries do) */
AVX2 static inline __m256 act_expf_avx2(__m256 x) {
    x = _mm256_max_ps(_mm256_set1_ps(-87.0f), x);
    x = _mm256_min_ps(_mm256_set1_ps(88.0f), x);
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    __m256 t = _mm256_add_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), magic);
    __m256 k = _mm256_sub_ps(t, magic);
    __m256 r = _mm256_sub_ps(x, _mm256_mul_ps(k, _mm256_set1_ps(0.693359375f)));
    r = _mm256_sub_ps(r, _mm256_mul_ps(k, _mm256_set1_ps(-2.12194440e-4f)));
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(5.0000001201e-1f));
    __m256 y = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, _mm256_mul_ps(r, r)), r), _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(k), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(bits));
}

AVX2 static void act_silu_forward_avx2(float *y, const float *z, size_t n) {
    size_t i = 0;
    const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
    for (; i + 8 <= n; i += 8) {
        __m256 zi = _mm256_loadu_ps(z + i);
        __m256 em = act_expf_avx2(_mm256_xor_ps(zi, sign));
        _mm256_storeu_ps(y + i, _mm256_div_ps(zi, _mm256_add_ps(one, em)));
    }
    act_silu_forward(y + i, z + i, n - i);
}

AVX2 static void act_silu_backward_avx2(float *dz, const float *dy, const float *z, size_t n) {
    size_t i = 0;
    const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
    for (; i + 8 <= n; i += 8) {
        __m256 zi = _mm256_loadu_ps(z + i);
        __m256 em = act_expf_avx2(_mm256_xor_ps(zi, sign));
        __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, em));
        __m256 oms = _mm256_mul_ps(em, s);
        __m256 g = _mm256_mul_ps(s, _mm256_add_ps(one, _mm256_mul_ps(zi, oms)));
        _mm256_storeu_ps(dz + i, _mm256_mul_ps(_mm256_loadu_ps(dy + i), g));
    }
    act_silu_backward(dz + i, dy + i, z + i, n - i);
}

AVX2 static void act_mish_forward_avx2(float *y, const float *z, size_t n) {
    size_t i = 0;
    const __m256 two = _mm256_set1_ps(2.0f), cap = _mm256_set1_ps(20.0f);
    for (; i + 8 <= n; i += 8) {
        __m256 zi = _mm256_loadu_ps(z + i);
        __m256 e = act_expf_avx2(_mm256_min_ps(zi, cap)); /* zi < 20 ? zi : 20 */
        __m256 nn = _mm256_mul_ps(e, _mm256_add_ps(e, two));
        _mm256_storeu_ps(y + i, _mm256_mul_ps(zi, _mm256_div_ps(nn, _mm256_add_ps(nn, two))));
    }
    act_mish_forward(y + i, z + i, n - i);
}

AVX2 static void act_mish_backward_avx2(float *dz, const float *dy, const float *z, size_t n) {
    size_t i = 0;
    const __m256 one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f), cap = _mm256_set1_ps(20.0f);
    for (; i + 8 <= n; i += 8) {
        __m256 zi = _mm256_loadu_ps(z + i);
        __m256 e = act_expf_avx2(_mm256_min_ps(zi, cap)); /* zi < 20 ? zi : 20 */
        __m256 nn = _mm256_mul_ps(e, _mm256_add_ps(e, two));
        __m256 inv = _mm256_div_ps(one, _mm256_add_ps(nn, two));
        __m256 t = _mm256_mul_ps(nn, inv);
        __m256 omt = _mm256_mul_ps(two, inv);
        __m256 s = _mm256_div_ps(e, _mm256_add_ps(one, e));
        __m256 g = _mm256_add_ps(t, _mm256_mul_ps(_mm256_mul_ps(zi, s), _mm256_mul_ps(omt, _mm256_add_ps(one, t))));
        _mm256_storeu_ps(dz + i, _mm256_mul_ps(_mm256_loadu_ps(dy + i), g));
    }
    act_mish_backward(dz + i, dy + i, z + i, n - i);
}

static int act_have_avx2(void) {
    static int have = -1;
    if (have < 0) have = __builtin_cpu_supports("avx2") ? 1 : 0;
    return have;
}
#endif

void mlp_act_forward_ref(MlpActivation a, float *y, const float *z, size_t n) {
    switch (a) {
    case MLP_RELU: act_relu_forward(y, z, n); return;
    case MLP_SILU: act_silu_forward(y, z, n); return;
    case MLP_MISH: act_mish_forward(y, z, n); return;
    case MLP_GELU: act_gelu_forward(y, z, n); return;
    }
    fc_fatal("unknown MLP activation %d", (int)a);
}

void mlp_act_backward_ref(MlpActivation a, float *dz, const float *dy, const float *z, size_t n) {
    switch (a) {
    case MLP_RELU: act_relu_backward(dz, dy, z, n); return;
    case MLP_SILU: act_silu_backward(dz, dy, z, n); return;
    case MLP_MISH: act_mish_backward(dz, dy, z, n); return;
    case MLP_GELU: act_gelu_backward(dz, dy, z, n); return;
    }
    fc_fatal("unknown MLP activation %d", (int)a);
}

void mlp_act_forward(MlpActivation a, float *y, const float *z, size_t n) {
#ifdef ACT_X86
    if (act_have_avx2() && a == MLP_MISH) { act_mish_forward_avx2(y, z, n); return; }
    if (act_have_avx2() && a == MLP_SILU) { act_silu_forward_avx2(y, z, n); return; }
#endif
    mlp_act_forward_ref(a, y, z, n);
}

/* dz may alias dy (in-place backward): each lane reads dy before it writes dz */
void mlp_act_backward(MlpActivation a, float *dz, const float *dy, const float *z, size_t n) {
#ifdef ACT_X86
    if (act_have_avx2() && a == MLP_MISH) { act_mish_backward_avx2(dz, dy, z, n); return; }
    if (act_have_avx2() && a == MLP_SILU) { act_silu_backward_avx2(dz, dy, z, n); return; }
#endif
    mlp_act_backward_ref(a, dz, dy, z, n);
}
