/* optim.h: optimisers over one flat parameter array (llm.c style), the learning-rate schedule,
 * gradient clipping, the EMA of the weights, and a NaN/Inf guard.
 *  AdamW exactly as torch.optim.AdamW (https://pytorch.org/docs/1.13/generated/torch.optim.AdamW.html;
 *    Loshchilov & Hutter 2019, https://arxiv.org/abs/1711.05101): p -= lr*wd*p, then bias-corrected
 *    Adam. SGD exactly as torch.optim.SGD (momentum, dampening 0, coupled weight decay).
 *  Schedule: linear warmup then cosine decay, diffusers' get_cosine_schedule_with_warmup
 *    (https://github.com/huggingface/diffusers/blob/main/src/diffusers/optimization.py), with an
 *    optional floor min_lr_ratio (0 = diffusers exactly).
 *  Clipping: torch.nn.utils.clip_grad_norm_ (coef = max_norm / (norm + 1e-6), applied if < 1).
 *  EMA: Diffusion Policy's EMAModel (power 0.75, inv_gamma 1, update_after_step 0, min 0,
 *    max 0.9999), https://github.com/real-stanford/diffusion_policy/blob/main/diffusion_policy/model/diffusion/ema_model.py
 * Implemented in src/optim.c and src/ema.c. */
#ifndef FLOWCHUNK_OPTIM_H
#define FLOWCHUNK_OPTIM_H

#include <stddef.h>
#include <stdint.h>

typedef enum { OPTIM_ADAMW = 0, OPTIM_SGD } OptimKind;

typedef struct {
    OptimKind kind;
    float lr;             /* peak learning rate */
    float beta1, beta2;   /* AdamW */
    float eps;            /* AdamW */
    float weight_decay;   /* AdamW: decoupled; SGD: added to the gradient (torch semantics) */
    float momentum;       /* SGD; 0 = plain SGD */
    int64_t warmup_steps; /* linear warmup from 0 (0 = none) */
    int64_t total_steps;  /* cosine decay reaches min_lr_ratio*lr here (0 = constant after warmup) */
    float min_lr_ratio;   /* floor of the cosine, as a fraction of lr (0 = diffusers) */
    float grad_clip;      /* max global L2 norm of the gradient, 0 = off */
} OptimConfig;

typedef struct {
    OptimConfig cfg;
    size_t n;
    float *m;             /* AdamW first moment / SGD momentum buffer (n) */
    float *v;             /* AdamW second moment (n); NULL for SGD */
    int64_t step;         /* optimiser steps taken so far */
} Optim;

/* Diffusion Policy's AdamW: lr 1e-4, betas (0.95, 0.999), eps 1e-8, wd 1e-6, warmup 500,
 * cosine; SGD: lr 1e-2, momentum 0.9, wd 0 */
void optim_config_default(OptimConfig *cfg, OptimKind kind);
void optim_init(Optim *o, const OptimConfig *cfg, size_t n);
void optim_free(Optim *o);
/* learning rate used by the step with index `step` (0-based): warmup then cosine */
float optim_lr(const Optim *o, int64_t step);
/* global L2 norm of g (accumulated in double) */
float optim_grad_norm(const float *g, size_t n);
/* scales g so its norm is <= max_norm (torch's clip_grad_norm_); returns the pre-clip norm */
float optim_clip_grads(float *g, size_t n, float max_norm);
/* one update of params from grads at lr = optim_lr(o, o->step), then o->step++. Clips grads
 * first when cfg.grad_clip > 0 (grads are modified). Returns the (pre-clip) gradient norm. */
float optim_step(Optim *o, float *params, float *grads);
/* the same update restricted to elements [lo, hi) of params, grads and the optimiser state, for
 * `norm`, the norm of the whole gradient computed elsewhere (clipping scales the slice by the
 * coefficient it gives). Advances o->step like optim_step. Each trainer of one node updates its
 * slice this way (the sharded step, src/train.c); optim_step is the range [0, n). */
void optim_step_range(Optim *o, float *params, float *grads, size_t lo, size_t hi, float norm);
/* what the optimiser pass also writes while each block of parameters is in cache: the EMA
 * (ema = ema_decay*ema + (1-ema_decay)*params, ema_update's arithmetic) and the bf16 copy of the
 * updated weights that the next forward multiplies with (gemm_to_bf16); NULL members are skipped.
 * Arrays are indexed like params. */
typedef struct {
    float *ema;
    float ema_decay;
    uint16_t *params_bf16;
} OptimFused;
/* optim_step_range plus those companions, in one pass: the same bits as the separate passes */
void optim_step_fused(Optim *o, float *params, float *grads, size_t lo, size_t hi, float norm, const OptimFused *f);
/* sum of squares of g in double, the same accumulation as optim_grad_norm (a slice's share) */
double optim_grad_sumsq(const float *g, size_t n);
/* "adamw" | "sgd"; parse returns 0, or -1 if unknown */
const char *optim_kind_name(OptimKind k);
/* one line for the start-up table: kind, lr, betas or momentum, decay, schedule; returns buf */
const char *optim_describe(const OptimConfig *o, char *buf, size_t n);
int optim_kind_parse(const char *s, OptimKind *k);

/* NaN/Inf guard on the gradient norm optim_step returned (it is accumulated in double, so it is
 * finite iff every gradient element is, unless the norm itself exceeds the float range): nonzero if
 * `loss` or `norm` is not finite. Checking after the step saves a pass over the gradient; the
 * caller must then not use the updated parameters. */
int optim_nonfinite(float norm, float loss);

/* EMA decay for the update made after `step` earlier updates (EMAModel.optimization_step):
 * 0 for step <= 1, else min(1 - step^-0.75, 0.9999). Implemented in src/ema.c. */
float ema_decay(int64_t step);
/* ema = decay*ema + (1-decay)*params */
void ema_update(float *ema, const float *params, size_t n, float decay);

#endif
