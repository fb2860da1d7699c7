/* optim.c: AdamW and SGD over one flat array, exactly as torch.optim.AdamW / torch.optim.SGD of
 * PyTorch 1.13 (_single_tensor_adamw, _single_tensor_sgd), the warmup + cosine schedule of
 * diffusers' get_cosine_schedule_with_warmup, clip_grad_norm_, and the NaN/Inf guard.
 * References and exact formulas in include/flowchunk/optim.h. */
#include "flowchunk/optim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowchunk/check.h"
#include "flowchunk/gemm.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define OPTIM_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define OPTIM_CLONES
#endif

void optim_config_default(OptimConfig *cfg, OptimKind kind) {
    memset(cfg, 0, sizeof *cfg);
    cfg->kind = kind;
    if (kind == OPTIM_ADAMW) {
        cfg->lr = 1e-4f;
        cfg->beta1 = 0.95f;
        cfg->beta2 = 0.999f;
        cfg->eps = 1e-8f;
        cfg->weight_decay = 1e-6f;
    } else {
        cfg->lr = 1e-2f;
        cfg->momentum = 0.9f;
    }
    cfg->warmup_steps = 500;
    cfg->total_steps = 0;
    cfg->min_lr_ratio = 0.0f;
    cfg->grad_clip = 0.0f;
}

void optim_init(Optim *o, const OptimConfig *cfg, size_t n) {
    FC_ASSERT(cfg->kind == OPTIM_ADAMW || cfg->kind == OPTIM_SGD, "unknown optimiser kind");
    memset(o, 0, sizeof *o);
    o->cfg = *cfg;
    o->n = n;
    o->m = fc_calloc(n ? n : 1, sizeof(float));
    if (cfg->kind == OPTIM_ADAMW) o->v = fc_calloc(n ? n : 1, sizeof(float));
    o->step = 0;
}

void optim_free(Optim *o) {
    free(o->m);
    free(o->v);
    memset(o, 0, sizeof *o);
}

/* diffusers: lambda = step/warmup during warmup, then 0.5 (1 + cos(pi * progress)) with
 * progress = (step - warmup) / (total - warmup); here floored at min_lr_ratio:
 * lr = base * (min + (1 - min) * lambda). total_steps = 0 keeps lambda = 1 after warmup. Past
 * total_steps the rate stays at the floor (diffusers' cosine would rise again). */
static double optim_lambda(const OptimConfig *c, int64_t step) {
    if (step < c->warmup_steps) return (double)step / (double)(c->warmup_steps > 1 ? c->warmup_steps : 1);
    if (c->total_steps <= 0) return 1.0;
    int64_t span = c->total_steps - c->warmup_steps;
    double progress = (double)(step - c->warmup_steps) / (double)(span > 1 ? span : 1);
    if (progress > 1.0) progress = 1.0;
    double lam = 0.5 * (1.0 + cos(M_PI * 2.0 * 0.5 * progress));
    lam = lam > 0.0 ? lam : 0.0;
    return c->min_lr_ratio + (1.0 - c->min_lr_ratio) * lam;
}

float optim_lr(const Optim *o, int64_t step) { return (float)(o->cfg.lr * optim_lambda(&o->cfg, step)); }

/* sum of squares in double with 8 independent partial sums (vectorisable without reassociation) */
OPTIM_CLONES
static double optim_sumsq(const float *g, size_t n) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) acc[j] += (double)g[i + j] * g[i + j];
    for (; i < n; i++) acc[0] += (double)g[i] * g[i];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

float optim_grad_norm(const float *g, size_t n) { return (float)sqrt(optim_sumsq(g, n)); }

/* scales g by torch 1.13's clip_coef = max_norm / (norm + 1e-6) when that is < 1; norm is the
 * norm of the whole gradient, of which g may be a slice */
static void optim_clip_scale(float *g, size_t n, float max_norm, float norm) {
    float coef = max_norm / (norm + 1e-6f);
    if (coef < 1.0f)
        for (size_t i = 0; i < n; i++) g[i] *= coef;
}

float optim_clip_grads(float *g, size_t n, float max_norm) {
    float norm = optim_grad_norm(g, n);
    optim_clip_scale(g, n, max_norm, norm);
    return norm;
}

int optim_nonfinite(float norm, float loss) { return !isfinite(loss) || !isfinite(norm); }

/* one AdamW element, the operation order of torch's _single_tensor_adamw (no FMA contraction) */
static inline float optim_adamw_one(float *m, float *v, float p, float g, float decay, float b1, float omb1,
                                    float b2, float omb2, float step_size, float bc2_sqrt, float eps) {
    float pi = p * decay;                         /* param.mul_(1 - lr * wd) */
    float mi = *m * b1 + omb1 * g;                /* exp_avg.mul_(b1).add_(g, alpha=1-b1) */
    float vi = *v * b2 + omb2 * (g * g);          /* exp_avg_sq.mul_(b2).addcmul_(g, g, 1-b2) */
    float denom = sqrtf(vi) / bc2_sqrt + eps;     /* exp_avg_sq.sqrt() / sqrt(bc2) + eps */
    *m = mi;
    *v = vi;
    return pi + (-step_size) * (mi / denom);      /* param.addcdiv_(exp_avg, denom, -step_size) */
}

/* sqrtf under -fmath-errno keeps GCC from vectorising this loop, so x86 gets explicit AVX-512 /
 * AVX kernels (IEEE mul/add/div/sqrt: bitwise equal to the scalar loop), picked at run time */
#if defined(__GNUC__) && defined(__x86_64__)
__attribute__((target("avx512f")))
static size_t optim_adamw_avx512(float *p, float *m, float *v, const float *g, size_t n, float decay,
                                 float b1, float omb1, float b2, float omb2, float step_size,
                                 float bc2_sqrt, float eps) {
    __m512 vdec = _mm512_set1_ps(decay), vb1 = _mm512_set1_ps(b1), vomb1 = _mm512_set1_ps(omb1);
    __m512 vb2 = _mm512_set1_ps(b2), vomb2 = _mm512_set1_ps(omb2), vns = _mm512_set1_ps(-step_size);
    __m512 vbc = _mm512_set1_ps(bc2_sqrt), veps = _mm512_set1_ps(eps);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 gi = _mm512_loadu_ps(g + i);
        __m512 pi = _mm512_mul_ps(_mm512_loadu_ps(p + i), vdec);
        __m512 mi = _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(m + i), vb1), _mm512_mul_ps(vomb1, gi));
        __m512 vi = _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(v + i), vb2),
                                  _mm512_mul_ps(vomb2, _mm512_mul_ps(gi, gi)));
        __m512 den = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(vi), vbc), veps);
        _mm512_storeu_ps(p + i, _mm512_add_ps(pi, _mm512_mul_ps(vns, _mm512_div_ps(mi, den))));
        _mm512_storeu_ps(m + i, mi);
        _mm512_storeu_ps(v + i, vi);
    }
    return i;
}

__attribute__((target("avx")))
static size_t optim_adamw_avx(float *p, float *m, float *v, const float *g, size_t n, float decay,
                              float b1, float omb1, float b2, float omb2, float step_size,
                              float bc2_sqrt, float eps) {
    __m256 vdec = _mm256_set1_ps(decay), vb1 = _mm256_set1_ps(b1), vomb1 = _mm256_set1_ps(omb1);
    __m256 vb2 = _mm256_set1_ps(b2), vomb2 = _mm256_set1_ps(omb2), vns = _mm256_set1_ps(-step_size);
    __m256 vbc = _mm256_set1_ps(bc2_sqrt), veps = _mm256_set1_ps(eps);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 gi = _mm256_loadu_ps(g + i);
        __m256 pi = _mm256_mul_ps(_mm256_loadu_ps(p + i), vdec);
        __m256 mi = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(m + i), vb1), _mm256_mul_ps(vomb1, gi));
        __m256 vi = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(v + i), vb2),
                                  _mm256_mul_ps(vomb2, _mm256_mul_ps(gi, gi)));
        __m256 den = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vi), vbc), veps);
        _mm256_storeu_ps(p + i, _mm256_add_ps(pi, _mm256_mul_ps(vns, _mm256_div_ps(mi, den))));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
    }
    return i;
}
#endif

static void optim_adamw_kernel(float *p, float *m, float *v, const float *g, size_t n, float decay,
                               float b1, float omb1, float b2, float omb2, float step_size,
                               float bc2_sqrt, float eps) {
    size_t i = 0;
#if defined(__GNUC__) && defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f"))
        i = optim_adamw_avx512(p, m, v, g, n, decay, b1, omb1, b2, omb2, step_size, bc2_sqrt, eps);
    else if (__builtin_cpu_supports("avx"))
        i = optim_adamw_avx(p, m, v, g, n, decay, b1, omb1, b2, omb2, step_size, bc2_sqrt, eps);
#endif
    for (; i < n; i++)
        p[i] = optim_adamw_one(&m[i], &v[i], p[i], g[i], decay, b1, omb1, b2, omb2, step_size, bc2_sqrt, eps);
}

OPTIM_CLONES
static void optim_sgd_kernel(float *p, float *buf, const float *g, size_t n, float lr, float wd,
                             float mom, int first) {
    for (size_t i = 0; i < n; i++) {
        float d = g[i] + wd * p[i];                   /* d_p = grad.add(param, alpha=wd) */
        if (mom != 0.0f) {
            d = first ? d : buf[i] * mom + d;         /* buf.mul_(momentum).add_(d_p) (dampening 0) */
            buf[i] = d;
        }
        p[i] = p[i] + (-lr) * d;                      /* param.add_(d_p, alpha=-lr) */
    }
}

double optim_grad_sumsq(const float *g, size_t n) { return optim_sumsq(g, n); }

float optim_step(Optim *o, float *params, float *grads) {
    float norm = optim_grad_norm(grads, o->n);
    optim_step_range(o, params, grads, 0, o->n, norm);
    return norm;
}

void optim_step_range(Optim *o, float *params, float *grads, size_t lo, size_t hi, float norm) {
    optim_step_fused(o, params, grads, lo, hi, norm, NULL);
}

/* elements per block: the block's p, g, m, v, EMA and bf16 copy (~20 KB) stay in L1 from the
 * update to its companions, so the parameters are read from memory once per step */
#define OPTIM_BLOCK 1024

void optim_step_fused(Optim *o, float *params, float *grads, size_t lo, size_t hi, float norm, const OptimFused *f) {
    const OptimConfig *c = &o->cfg;
    double lr = c->lr * optim_lambda(c, o->step);
    int64_t t = o->step + 1;  /* torch increments state['step'] before the update */
    double bc1 = 1.0 - pow(c->beta1, (double)t), bc2 = 1.0 - pow(c->beta2, (double)t);
    for (size_t b0 = lo; b0 < hi; b0 += OPTIM_BLOCK) {
        size_t n = hi - b0 < OPTIM_BLOCK ? hi - b0 : OPTIM_BLOCK;
        float *p = params + b0, *g = grads + b0;
        if (c->grad_clip > 0.0f) optim_clip_scale(g, n, c->grad_clip, norm);
        if (c->kind == OPTIM_ADAMW)
            optim_adamw_kernel(p, o->m + b0, o->v + b0, g, n, (float)(1.0 - lr * c->weight_decay), c->beta1,
                               (float)(1.0 - c->beta1), c->beta2, (float)(1.0 - c->beta2), (float)(lr / bc1),
                               (float)sqrt(bc2), c->eps);
        else
            optim_sgd_kernel(p, o->m + b0, g, n, (float)lr, c->weight_decay, c->momentum, o->step == 0);
        if (f && f->ema) ema_update(f->ema + b0, p, n, f->ema_decay);
        if (f && f->params_bf16) gemm_to_bf16(f->params_bf16 + b0, p, n);
    }
    o->step++;
}

const char *optim_describe(const OptimConfig *o, char *buf, size_t n) {
    if (o->kind == OPTIM_ADAMW)
        snprintf(buf, n, "adamw lr %g betas (%g, %g) wd %g, warmup %lld, cosine to step %lld%s", o->lr, o->beta1,
                 o->beta2, o->weight_decay, (long long)o->warmup_steps, (long long)o->total_steps,
                 o->grad_clip > 0 ? ", clipped" : "");
    else
        snprintf(buf, n, "sgd lr %g momentum %g wd %g, warmup %lld, cosine to step %lld", o->lr, o->momentum,
                 o->weight_decay, (long long)o->warmup_steps, (long long)o->total_steps);
    return buf;
}

static const char *const optim_kind_names[] = {"adamw", "sgd"};

const char *optim_kind_name(OptimKind k) {
    FC_ASSERT((int)k >= 0 && (int)k < 2, "unknown optimiser kind");
    return optim_kind_names[k];
}

int optim_kind_parse(const char *s, OptimKind *k) {
    for (int i = 0; i < 2; i++)
        if (strcmp(s, optim_kind_names[i]) == 0) { *k = (OptimKind)i; return 0; }
    return -1;
}
