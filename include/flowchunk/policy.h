/* policy.h: the action-chunking policies of flowchunk (DESIGN.md "Model and objective").
 *  POLICY_FLOW: a velocity net v(obs, A_tau, tau) trained by conditional flow matching with the
 *    linear (rectified-flow) path: A1 = expert chunk, A0 ~ N(0,I), tau ~ U[0,1),
 *    A_tau = tau*A1 + (1-tau)*A0, target = A1 - A0, loss = mean over the chunk of (v - target)^2.
 *    Lipman et al. 2023, "Flow Matching for Generative Modeling", https://arxiv.org/abs/2210.02747;
 *    Liu et al. 2023, "Flow Straight and Fast: ... Rectified Flow", https://arxiv.org/abs/2209.03003.
 *    Sampling: Euler from A ~ N(0,I) at tau=0, num_steps steps of 1/num_steps, never at tau=1.
 *  POLICY_MSE: the baseline, a net obs -> chunk trained by mean squared error.
 * Net input = [obs (obs_dim), noisy chunk (H*act_dim), time features (time_dim)] -> H*act_dim
 * (MSE: [obs] -> H*act_dim). Chunks are flattened (H, act_dim) row-major. Implemented in
 * src/policy.c. */
#ifndef FLOWCHUNK_POLICY_H
#define FLOWCHUNK_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include "flowchunk/mlp.h"

typedef enum { POLICY_FLOW = 0, POLICY_MSE } PolicyKind;
/* TIME_RAW: one feature, tau. TIME_SINUSOIDAL: n_freq features [sin(tau*w_k), cos(tau*w_k)],
 * k < n_freq/2, w_k = 2*pi / period_k, periods geometric from 4e-3 to 4 (the embedding of pi0,
 * Black et al. 2024, https://arxiv.org/abs/2410.24164, create_sinusoidal_pos_embedding). */
typedef enum { TIME_RAW = 0, TIME_SINUSOIDAL } TimeEmbed;

typedef struct {
    PolicyKind kind;
    int obs_dim;          /* To * per-step obs dim (e.g. 2 x 20 = 40 keypoint coords) */
    int horizon;          /* H, actions per chunk */
    int act_dim;          /* 2 for Push-T */
    TimeEmbed time_embed;
    int n_freq;           /* sinusoidal feature count (even, >= 2); ignored for TIME_RAW */
    int hidden, depth;    /* MLP width and number of hidden layers */
    MlpActivation act;
    MlpArch arch;         /* plain nn.Sequential or pre-LayerNorm residual blocks (mlp.h) */
} PolicyConfig;

typedef struct {
    PolicyConfig cfg;
    Mlp net;
    int chunk_dim;        /* H * act_dim */
    int time_dim;         /* 1, n_freq, or 0 for MSE */
    int in_dim;           /* net input width */
    float *freq;          /* (time_dim/2) angular frequencies of the sinusoidal embedding */
    /* scratch, grown to `cap` samples */
    int cap;
    float *in;            /* (B, in_dim) net input */
    float *a0;            /* (B, chunk_dim) noise */
    float *tau;           /* (B) */
    float *v;             /* (B, chunk_dim) net output of the last loss call */
    float *dv;            /* (B, chunk_dim) dL/dv */
} Policy;

/* defaults: flow, obs_dim 40, H 16, act_dim 2, sinusoidal n_freq 32, 3 x 256, mish */
void policy_config_default(PolicyConfig *cfg);
/* returns 0 if the config is usable, else FC_ERR with fc_set_error(reason) */
int policy_config_check(const PolicyConfig *cfg);
/* builds the net (mlp_init with `seed`) and scratch; the config must pass policy_config_check */
void policy_init(Policy *p, const PolicyConfig *cfg, uint64_t seed);
void policy_free(Policy *p);

/* flow matching loss + gradient on a batch. obs (B, obs_dim), act = A1 (B, chunk_dim). Sample i
 * draws A0 = rng_normal_fill(rng_key(seed, RNG_STREAM_FLOW_NOISE, step, slot[i])) and
 * tau = rng_uniform_fill(rng_key(seed, RNG_STREAM_FLOW_TAU, step, slot[i]))[0]; slot[i] is the
 * sample's global slot in the step's global batch (so noise is independent of the rank).
 * Returns SUM_i loss_i, loss_i = mean over the chunk of (v - target)^2; ACCUMULATES
 * grad_scale * d(sum_i loss_i)/dparams into p->net.grads (the trainer passes 1/global_batch).
 * MSE policy: loss_i = mean (net(obs) - A1)^2; seed/step/slot unused (slot may be NULL).
 * B = 0 is allowed (returns 0, gradients untouched). Not thread-safe on one Policy (scratch). */
float policy_loss_grad(Policy *p, const float *obs, const float *act, int B, uint64_t seed,
                       uint64_t step, const uint64_t *slot, float grad_scale);
/* the same with the noise given: a0 (B, chunk_dim), tau (B) (ignored for MSE; may be NULL) */
float policy_loss_grad_explicit(Policy *p, const float *obs, const float *act, const float *a0,
                                const float *tau, int B, float grad_scale);
/* loss only (validation): same draws as policy_loss_grad, no gradient; returns the SUM */
float policy_loss(Policy *p, const float *obs, const float *act, int B, uint64_t seed,
                  uint64_t step, const uint64_t *slot);
/* the mean loss over n windows (obs (n, obs_dim), act (n, H*act_dim)) with the same draws every
 * call: key seed ^ "val_loss", step 0, slot = row (a validation loss that compares weights only) */
/* one line for start-up tables: kind, architecture, depth x width, activation, time features,
 * parameter count; returns buf */
const char *policy_describe(const PolicyConfig *cfg, char *buf, size_t n);
double policy_loss_mean(Policy *p, const float *obs, const float *act, int64_t n, uint64_t seed);

/* batched inference: chunk_out (B, chunk_dim) in the scaled [-1,1] action space. Flow: A0 for
 * sample i = rng_normal_fill(rng_key(key, RNG_STREAM_SAMPLE, 0, i)), then num_steps Euler steps
 * (one rowgemm per layer per step for all B: each row's chunk is the same bits for any B and any
 * position in the batch, mlp_infer). MSE: one forward (key, num_steps unused). */
void policy_sample(Policy *p, const float *obs, int B, int num_steps, uint64_t key,
                   float *chunk_out);
/* the same from the given initial noise a0 (B, chunk_dim) */
void policy_sample_explicit(Policy *p, const float *obs, const float *a0, int B, int num_steps,
                            float *chunk_out);
/* time features of tau into out (time_dim floats) */
void policy_time_features(const Policy *p, float tau, float *out);

/* "flow" | "mse";  "raw" | "sinusoidal"; parse functions return 0, or -1 if unknown */
const char *policy_kind_name(PolicyKind k);
int policy_kind_parse(const char *s, PolicyKind *k);
const char *policy_time_embed_name(TimeEmbed t);
int policy_time_embed_parse(const char *s, TimeEmbed *t);

#endif
