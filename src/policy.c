/* policy.c: flow-matching and MSE action-chunking policies on the MLP (policy.h, DESIGN.md
 * "Model and objective"). Training draws each sample's noise and time from the counter-based RNG
 * keyed by (seed, step, global slot), so the gradient of a global batch does not depend on how it
 * is split over ranks. Flow matching with the linear path:
 *   Lipman et al. 2023, https://arxiv.org/abs/2210.02747 (conditional flow matching, eq. 22-23)
 *   Liu et al. 2023, https://arxiv.org/abs/2209.03003 (rectified flow: v target = A1 - A0) */
#include "flowchunk/policy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowchunk/check.h"
#include "flowchunk/rng.h"

#define POLICY_MIN_PERIOD 4e-3
#define POLICY_MAX_PERIOD 4.0

void policy_config_default(PolicyConfig *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->kind = POLICY_FLOW;
    cfg->obs_dim = 40;
    cfg->horizon = 16;
    cfg->act_dim = 2;
    cfg->time_embed = TIME_SINUSOIDAL;
    cfg->n_freq = 32;
    cfg->hidden = 256;
    cfg->depth = 3;
    cfg->act = MLP_MISH;
}

int policy_config_check(const PolicyConfig *c) {
    if (c->kind != POLICY_FLOW && c->kind != POLICY_MSE) return fc_set_error("unknown policy kind %d", (int)c->kind);
    if (c->obs_dim < 1) return fc_set_error("policy obs_dim must be >= 1 (got %d)", c->obs_dim);
    if (c->horizon < 1) return fc_set_error("policy horizon must be >= 1 (got %d)", c->horizon);
    if (c->act_dim < 1) return fc_set_error("policy act_dim must be >= 1 (got %d)", c->act_dim);
    if (c->time_embed != TIME_RAW && c->time_embed != TIME_SINUSOIDAL)
        return fc_set_error("unknown time embedding %d", (int)c->time_embed);
    if (c->kind == POLICY_FLOW && c->time_embed == TIME_SINUSOIDAL && (c->n_freq < 2 || c->n_freq % 2))
        return fc_set_error("sinusoidal time embedding needs an even feature count >= 2 (got %d)", c->n_freq);
    if (c->depth < 0 || c->depth >= MLP_MAX_LAYERS)
        return fc_set_error("MLP depth must be in [0, %d] (got %d)", MLP_MAX_LAYERS - 1, c->depth);
    if (c->depth > 0 && c->hidden < 1) return fc_set_error("MLP width must be >= 1 (got %d)", c->hidden);
    if ((int)c->act < 0 || (int)c->act > MLP_GELU) return fc_set_error("unknown activation %d", (int)c->act);
    if (c->arch != MLP_PLAIN && c->arch != MLP_RESIDUAL) return fc_set_error("unknown MLP architecture %d", (int)c->arch);
    if (c->arch == MLP_RESIDUAL && c->depth < 1)
        return fc_set_error("a residual MLP needs --depth >= 1 (the input layer; depth-1 residual blocks follow)");
    return FC_OK;
}

/* pi0's create_sinusoidal_pos_embedding: period_k = min * (max/min)^(k/(half-1)), w_k = 2 pi / period_k
 * (computed in double, stored as float); features [sin(tau w_0..), cos(tau w_0..)] of the float
 * product tau*w_k */
static void policy_init_freq(Policy *p) {
    int half = p->time_dim / 2;
    p->freq = fc_malloc((size_t)(half > 0 ? half : 1) * sizeof(float));
    for (int k = 0; k < half; k++) {
        double frac = half > 1 ? (double)k / (half - 1) : 0.0;
        p->freq[k] = (float)(2.0 * M_PI / (POLICY_MIN_PERIOD * pow(POLICY_MAX_PERIOD / POLICY_MIN_PERIOD, frac)));
    }
}

void policy_time_features(const Policy *p, float tau, float *out) {
    if (p->time_dim == 0) return;
    if (p->cfg.time_embed == TIME_RAW) { out[0] = tau; return; }
    int half = p->time_dim / 2;
    for (int k = 0; k < half; k++) {
        float arg = tau * p->freq[k];
        out[k] = sinf(arg);
        out[half + k] = cosf(arg);
    }
}

void policy_init(Policy *p, const PolicyConfig *cfg, uint64_t seed) {
    FC_ASSERT(policy_config_check(cfg) == FC_OK, "policy_init needs a config that passes policy_config_check");
    memset(p, 0, sizeof *p);
    p->cfg = *cfg;
    p->chunk_dim = cfg->horizon * cfg->act_dim;
    if (cfg->kind == POLICY_MSE) p->time_dim = 0;
    else p->time_dim = cfg->time_embed == TIME_RAW ? 1 : cfg->n_freq;
    p->in_dim = cfg->obs_dim + (cfg->kind == POLICY_FLOW ? p->chunk_dim + p->time_dim : 0);
    MlpConfig mc = {.in_dim = p->in_dim, .out_dim = p->chunk_dim, .hidden = cfg->hidden,
                    .depth = cfg->depth, .act = cfg->act, .arch = cfg->arch};
    mlp_init(&p->net, &mc, seed);
    policy_init_freq(p);
}

void policy_free(Policy *p) {
    mlp_free(&p->net);
    free(p->in); free(p->a0); free(p->tau); free(p->v); free(p->dv); free(p->freq);
    memset(p, 0, sizeof *p);
}

static void policy_reserve(Policy *p, int B) {
    FC_ASSERT(B >= 1, "a policy batch needs at least one sample");
    if (B <= p->cap) return;
    free(p->in); free(p->a0); free(p->tau); free(p->v); free(p->dv);
    size_t nb = (size_t)B;
    p->in = fc_malloc(nb * p->in_dim * sizeof(float));
    p->a0 = fc_malloc(nb * p->chunk_dim * sizeof(float));
    p->tau = fc_malloc(nb * sizeof(float));
    p->v = fc_malloc(nb * p->chunk_dim * sizeof(float));
    p->dv = fc_malloc(nb * p->chunk_dim * sizeof(float));
    p->cap = B;
}

/* builds net input rows [obs_i, A_tau_i, time(tau_i)] (flow) or [obs_i] (MSE) */
static void policy_build_input(Policy *p, const float *obs, const float *chunk, const float *tau, int B) {
    int od = p->cfg.obs_dim, C = p->chunk_dim, D = p->in_dim;
    if (p->cfg.kind == POLICY_MSE) {
        memcpy(p->in, obs, (size_t)B * od * sizeof(float));
        return;
    }
    for (int i = 0; i < B; i++) {
        float *row = p->in + (size_t)i * D;
        memcpy(row, obs + (size_t)i * od, (size_t)od * sizeof(float));
        memcpy(row + od, chunk + (size_t)i * C, (size_t)C * sizeof(float));
        policy_time_features(p, tau[i], row + od + C);
    }
}

/* loss_i = mean_j (v_ij - target_ij)^2, returns the sum over i; when dv != NULL writes
 * dv = grad_scale * d(sum loss)/dv = grad_scale * 2 (v - target) / C */
static double policy_mse(const float *v, const float *target, float *dv, int B, int C, float grad_scale) {
    double sum = 0;
    float g = grad_scale * 2.0f / (float)C;
    for (int i = 0; i < B; i++) {
        double s = 0;
        for (int j = 0; j < C; j++) {
            size_t k = (size_t)i * C + j;
            float d = v[k] - target[k];
            s += (double)d * d;
            if (dv) dv[k] = g * d;
        }
        sum += s / C;
    }
    return sum;
}

/* forward (+ backward when grad) on explicit noise; a0/tau ignored for MSE */
static float policy_run(Policy *p, const float *obs, const float *act, const float *a0,
                        const float *tau, int B, int grad, float grad_scale) {
    if (B == 0) return 0.0f;  /* a rank whose shard has no sample this step */
    policy_reserve(p, B);
    int C = p->chunk_dim;
    const float *target = act;
    if (p->cfg.kind == POLICY_FLOW) {
        FC_ASSERT(a0 && tau, "the flow policy needs noise a0 and times tau");
        /* A_tau = tau*A1 + (1-tau)*A0 (in p->v until the forward overwrites it) and the velocity
         * target A1 - A0 (in p->a0; element k of a0 is read before it is overwritten, so a0 may
         * be p->a0 itself) */
        float *atau = p->v;
        for (int i = 0; i < B; i++) {
            float t = tau[i];
            for (int j = 0; j < C; j++) {
                size_t k = (size_t)i * C + j;
                atau[k] = t * act[k] + (1.0f - t) * a0[k];
                p->a0[k] = act[k] - a0[k];
            }
        }
        policy_build_input(p, obs, atau, tau, B);
        target = p->a0;
    } else {
        policy_build_input(p, obs, NULL, NULL, B);
    }
    mlp_forward(&p->net, p->v, p->in, B);
    double loss = policy_mse(p->v, target, grad ? p->dv : NULL, B, C, grad_scale);
    if (grad) mlp_backward(&p->net, NULL, p->dv, B);
    return (float)loss;
}

/* per-sample draws of the flow-matching noise, keyed by (seed, step, slot[i]) */
static void policy_draw(Policy *p, int B, uint64_t seed, uint64_t step, const uint64_t *slot) {
    if (B == 0) return;
    policy_reserve(p, B);
    int C = p->chunk_dim;
    FC_ASSERT(slot != NULL, "the flow policy needs each sample's global slot");
    for (int i = 0; i < B; i++) {
        rng_normal_fill(p->a0 + (size_t)i * C, (size_t)C, rng_key(seed, RNG_STREAM_FLOW_NOISE, step, slot[i]));
        rng_uniform_fill(p->tau + i, 1, rng_key(seed, RNG_STREAM_FLOW_TAU, step, slot[i]));
    }
}

float policy_loss_grad_explicit(Policy *p, const float *obs, const float *act, const float *a0,
                                const float *tau, int B, float grad_scale) {
    return policy_run(p, obs, act, a0, tau, B, 1, grad_scale);
}

float policy_loss_grad(Policy *p, const float *obs, const float *act, int B, uint64_t seed,
                       uint64_t step, const uint64_t *slot, float grad_scale) {
    if (p->cfg.kind == POLICY_MSE) return policy_run(p, obs, act, NULL, NULL, B, 1, grad_scale);
    policy_draw(p, B, seed, step, slot);
    return policy_run(p, obs, act, p->a0, p->tau, B, 1, grad_scale);
}

float policy_loss(Policy *p, const float *obs, const float *act, int B, uint64_t seed,
                  uint64_t step, const uint64_t *slot) {
    if (p->cfg.kind == POLICY_MSE) return policy_run(p, obs, act, NULL, NULL, B, 0, 0.0f);
    policy_draw(p, B, seed, step, slot);
    return policy_run(p, obs, act, p->a0, p->tau, B, 0, 0.0f);
}

void policy_sample_explicit(Policy *p, const float *obs, const float *a0, int B, int num_steps,
                            float *chunk_out) {
    if (B == 0) return;
    policy_reserve(p, B);
    int C = p->chunk_dim;
    size_t n = (size_t)B * C;
    if (p->cfg.kind == POLICY_MSE) {
        policy_build_input(p, obs, NULL, NULL, B);
        mlp_infer(&p->net, chunk_out, p->in, B);
        return;
    }
    FC_ASSERT(num_steps >= 1, "flow sampling needs at least one Euler step");
    memmove(chunk_out, a0, n * sizeof(float));
    float dt = 1.0f / (float)num_steps;
    for (int k = 0; k < num_steps; k++) {
        float t = (float)k / (float)num_steps;  /* 0, 1/N, ..., (N-1)/N: never tau = 1 */
        for (int i = 0; i < B; i++) p->tau[i] = t;
        policy_build_input(p, obs, chunk_out, p->tau, B);
        mlp_infer(&p->net, p->v, p->in, B);
        for (size_t j = 0; j < n; j++) chunk_out[j] += dt * p->v[j];
    }
}

void policy_sample(Policy *p, const float *obs, int B, int num_steps, uint64_t key, float *chunk_out) {
    int C = p->chunk_dim;
    if (p->cfg.kind == POLICY_FLOW)
        for (int i = 0; i < B; i++)
            rng_normal_fill(chunk_out + (size_t)i * C, (size_t)C, rng_key(key, RNG_STREAM_SAMPLE, 0, (uint64_t)i));
    policy_sample_explicit(p, obs, chunk_out, B, num_steps, chunk_out);
}

static const char *const policy_kind_names[] = {"flow", "mse"};
static const char *const policy_time_names[] = {"raw", "sinusoidal"};

const char *policy_kind_name(PolicyKind k) {
    FC_ASSERT((int)k >= 0 && (int)k < 2, "unknown policy kind");
    return policy_kind_names[k];
}

int policy_kind_parse(const char *s, PolicyKind *k) {
    for (int i = 0; i < 2; i++)
        if (strcmp(s, policy_kind_names[i]) == 0) { *k = (PolicyKind)i; return 0; }
    return -1;
}

const char *policy_time_embed_name(TimeEmbed t) {
    FC_ASSERT((int)t >= 0 && (int)t < 2, "unknown time embedding");
    return policy_time_names[t];
}

int policy_time_embed_parse(const char *s, TimeEmbed *t) {
    for (int i = 0; i < 2; i++)
        if (strcmp(s, policy_time_names[i]) == 0) { *t = (TimeEmbed)i; return 0; }
    return -1;
}

double policy_loss_mean(Policy *p, const float *obs, const float *act, int64_t n, uint64_t seed) {
    uint64_t slot[256], key = seed ^ 0x76616c5f6c6f7373ULL; /* "val_loss" */
    int obs_row = p->cfg.obs_dim, act_row = p->cfg.horizon * p->cfg.act_dim;
    double sum = 0;
    for (int64_t i0 = 0; i0 < n; i0 += 256) {
        int B = n - i0 < 256 ? (int)(n - i0) : 256;
        for (int j = 0; j < B; j++) slot[j] = (uint64_t)(i0 + j);
        sum += policy_loss(p, obs + i0 * obs_row, act + i0 * act_row, B, key, 0, slot);
    }
    return n > 0 ? sum / (double)n : 0;
}

const char *policy_describe(const PolicyConfig *c, char *buf, size_t n) {
    Policy probe; /* the parameter count of the config */
    policy_init(&probe, c, 0);
    snprintf(buf, n, "%s, %sMLP %d x %d %s, time %s, %zu parameters", policy_kind_name(c->kind),
             c->arch == MLP_RESIDUAL ? "residual (pre-LayerNorm blocks) " : "", c->depth, c->hidden,
             mlp_activation_name(c->act), policy_time_embed_name(c->time_embed), probe.net.n_params);
    policy_free(&probe);
    return buf;
}
