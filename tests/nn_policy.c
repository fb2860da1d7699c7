/* nn_policy.c: the policy's contracts beyond its gradients (nn_ref, nn_gradcheck):
 *  - a sample's noise depends only on (seed, step, global slot): the gradient of a global batch
 *    split over two "ranks" (each with grad_scale 1/global_batch) sums to the one-rank gradient;
 *  - policy_loss_grad draws exactly rng_key(seed, FLOW_NOISE/FLOW_TAU, step, slot) (replayed
 *    through the explicit variant); policy_loss gives the same loss and leaves gradients alone;
 *  - Euler sampling: constant velocity gives A0 + c; a velocity equal to tau integrates to
 *    (N-1)/(2N), i.e. tau = 0, 1/N, ..., (N-1)/N and never tau = 1; batched sampling equals
 *    one-at-a-time; policy_sample's noise is rng_key(key, SAMPLE, 0, i); MSE sampling = mlp_infer;
 *  - config validation and the name tables. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowchunk/check.h"
#include "flowchunk/policy.h"
#include "flowchunk/rng.h"

static int fails;

static void ok_if(int cond, const char *what) {
    printf("  %-66s %s\n", what, cond ? "ok" : "FAIL");
    if (!cond) fails++;
}

static float max_abs_diff(const float *a, const float *b, size_t n) {
    float m = 0;
    for (size_t i = 0; i < n; i++) m = fmaxf(m, fabsf(a[i] - b[i]));
    return m;
}

static void small_config(PolicyConfig *cfg, PolicyKind kind) {
    policy_config_default(cfg);
    cfg->kind = kind;
    cfg->obs_dim = 6; cfg->horizon = 4; cfg->act_dim = 2; cfg->hidden = 32; cfg->depth = 2; cfg->n_freq = 8;
}

static void test_rank_independence(void) {
    PolicyConfig cfg;
    small_config(&cfg, POLICY_FLOW);
    Policy p;
    policy_init(&p, &cfg, 1);
    enum { G = 8 };
    float obs[G * 6], act[G * 8];
    rng_uniform_fill(obs, G * 6, 1);
    rng_uniform_fill(act, G * 8, 2);
    uint64_t slot[G];
    for (int i = 0; i < G; i++) slot[i] = 100 + i;
    size_t n = p.net.n_params;
    float *g1 = malloc(n * sizeof(float)), *g2 = malloc(n * sizeof(float));
    mlp_zero_grad(&p.net);
    float l1 = policy_loss_grad(&p, obs, act, G, 9, 5, slot, 1.0f / G);
    memcpy(g1, p.net.grads, n * sizeof(float));
    /* rank 0 holds slots 100..102, rank 1 holds 103..107 (uneven shards) */
    mlp_zero_grad(&p.net);
    float la = policy_loss_grad(&p, obs, act, 3, 9, 5, slot, 1.0f / G);
    memcpy(g2, p.net.grads, n * sizeof(float));
    mlp_zero_grad(&p.net);
    float lb = policy_loss_grad(&p, obs + 3 * 6, act + 3 * 8, G - 3, 9, 5, slot + 3, 1.0f / G);
    float gmax = 0;
    for (size_t i = 0; i < n; i++) { g2[i] += p.net.grads[i]; gmax = fmaxf(gmax, fabsf(g1[i])); }
    ok_if(fabsf(l1 - (la + lb)) <= 1e-5f * fabsf(l1), "split batch: sum of rank losses = one-rank loss");
    ok_if(max_abs_diff(g1, g2, n) <= 1e-5f * gmax, "split batch: sum of rank gradients = one-rank gradient");
    float l2 = policy_loss_grad(&p, obs, act, G, 9, 6, slot, 1.0f / G);
    ok_if(l2 != l1, "another step draws other noise");

    /* the draws are exactly the documented keys */
    float a0[G * 8], tau[G];
    for (int i = 0; i < G; i++) {
        rng_normal_fill(a0 + i * 8, 8, rng_key(9, RNG_STREAM_FLOW_NOISE, 5, slot[i]));
        rng_uniform_fill(tau + i, 1, rng_key(9, RNG_STREAM_FLOW_TAU, 5, slot[i]));
    }
    float le = policy_loss_grad_explicit(&p, obs, act, a0, tau, G, 0.0f);
    ok_if(le == l1, "policy_loss_grad draws A0, tau from rng_key(seed, stream, step, slot)");
    mlp_zero_grad(&p.net);
    float lv = policy_loss(&p, obs, act, G, 9, 5, slot);
    float gsum = 0;
    for (size_t i = 0; i < n; i++) gsum += fabsf(p.net.grads[i]);
    ok_if(lv == l1 && gsum == 0, "policy_loss: same loss, gradients untouched");
    ok_if(policy_loss_grad(&p, obs, act, 0, 9, 5, slot, 1.0f / G) == 0.0f, "an empty batch (B = 0) gives 0 and no gradient");
    gsum = 0;
    for (size_t i = 0; i < n; i++) gsum += fabsf(p.net.grads[i]);
    ok_if(gsum == 0, "an empty batch leaves the gradients alone");
    free(g1); free(g2);
    policy_free(&p);
}

static void test_sampling(void) {
    PolicyConfig cfg;
    small_config(&cfg, POLICY_FLOW);
    cfg.time_embed = TIME_RAW;
    Policy p;
    policy_init(&p, &cfg, 2);
    enum { B = 5 };
    int C = p.chunk_dim, L = p.net.n_layers;
    float obs[B * 6], a0[B * 8], out[B * 8], one[8];
    rng_uniform_fill(obs, B * 6, 3);
    rng_normal_fill(a0, B * 8, 4);

    /* batched == one at a time (general weights) */
    policy_sample_explicit(&p, obs, a0, B, 7, out);
    float worst = 0;
    for (int i = 0; i < B; i++) {
        policy_sample_explicit(&p, obs + i * 6, a0 + i * C, 1, 7, one);
        worst = fmaxf(worst, max_abs_diff(one, out + i * C, (size_t)C));
    }
    ok_if(worst == 0.0f, "batched sampling equals one-at-a-time sampling bit for bit");

    /* policy_sample's noise for sample i is rng_key(key, SAMPLE, 0, i) */
    for (int i = 0; i < B; i++) rng_normal_fill(a0 + i * C, (size_t)C, rng_key(77, RNG_STREAM_SAMPLE, 0, (uint64_t)i));
    float out2[B * 8];
    policy_sample_explicit(&p, obs, a0, B, 3, out);
    policy_sample(&p, obs, B, 3, 77, out2);
    ok_if(memcmp(out, out2, sizeof out) == 0, "policy_sample draws its noise from rng_key(key, SAMPLE, 0, i)");

    /* constant velocity c: last layer weight 0, bias c  ->  A1 = A0 + c */
    memset(p.net.W[L - 1], 0, (size_t)C * p.net.dims[L - 1] * sizeof(float));
    for (int j = 0; j < C; j++) p.net.b[L - 1][j] = 0.1f * (float)(j + 1);
    policy_sample_explicit(&p, obs, a0, B, 10, out);
    worst = 0;
    for (int i = 0; i < B; i++)
        for (int j = 0; j < C; j++) worst = fmaxf(worst, fabsf(out[i * C + j] - (a0[i * C + j] + 0.1f * (j + 1))));
    ok_if(worst <= 1e-5f, "constant velocity c: A1 = A0 + c");
    policy_free(&p);

    /* v = tau (one linear layer reading the raw time feature): Euler gives sum_k k/N^2 = (N-1)/(2N) */
    cfg.depth = 0;
    policy_init(&p, &cfg, 3);
    memset(p.net.params, 0, p.net.n_params * sizeof(float));
    int tcol = cfg.obs_dim + C;  /* the tau feature's input column */
    for (int j = 0; j < C; j++) p.net.W[0][(size_t)j * p.in_dim + tcol] = 1.0f;
    memset(a0, 0, sizeof a0);
    for (int N = 1; N <= 16; N *= 4) {
        policy_sample_explicit(&p, obs, a0, B, N, out);
        char what[96];
        snprintf(what, sizeof what, "v = tau, N = %2d: A1 = (N-1)/(2N) = %.5f (tau = 1 never used)", N, (N - 1) / (2.0 * N));
        ok_if(fabsf(out[0] - (float)((N - 1) / (2.0 * N))) <= 1e-6f && fabsf(out[B * C - 1] - out[0]) <= 1e-6f, what);
    }
    policy_free(&p);

    /* MSE: sampling is one forward of obs */
    small_config(&cfg, POLICY_MSE);
    policy_init(&p, &cfg, 4);
    policy_sample(&p, obs, B, 10, 5, out);
    mlp_infer(&p.net, out2, obs, B);
    float fwd[B * 8];
    mlp_forward(&p.net, fwd, obs, B);
    ok_if(memcmp(out, out2, sizeof out) == 0 && p.in_dim == cfg.obs_dim && max_abs_diff(fwd, out, sizeof out / sizeof *out) <= 1e-6f,
          "MSE policy: input obs only, sample = mlp_infer (= forward to 1e-6)");
    policy_free(&p);
}

static void test_config(void) {
    PolicyConfig cfg;
    policy_config_default(&cfg);
    ok_if(policy_config_check(&cfg) == FC_OK, "default config is valid");
    Policy p;
    policy_init(&p, &cfg, 0);
    ok_if(p.in_dim == 40 + 32 + 32 && p.chunk_dim == 32 && p.net.n_layers == 4,
          "default: input [obs 40, chunk 32, time 32] -> 32, 3 hidden layers");
    ok_if(strcmp(p.net.tensors[2].name, "net.2.weight") == 0 && strcmp(p.net.tensors[7].name, "net.6.bias") == 0,
          "tensor names follow nn.Sequential (Linear at even indices)");
    policy_free(&p);
    cfg.n_freq = 7;
    ok_if(policy_config_check(&cfg) == FC_ERR && strstr(fc_last_error(), "even"), "odd n_freq rejected with a reason");
    policy_config_default(&cfg);
    cfg.horizon = 0;
    ok_if(policy_config_check(&cfg) == FC_ERR, "horizon 0 rejected");
    PolicyKind k;
    TimeEmbed t;
    MlpActivation a;
    ok_if(policy_kind_parse("mse", &k) == 0 && k == POLICY_MSE && policy_kind_parse("diffusion", &k) == -1,
          "policy kind names");
    ok_if(policy_time_embed_parse("sinusoidal", &t) == 0 && t == TIME_SINUSOIDAL, "time embedding names");
    ok_if(mlp_activation_parse("gelu", &a) == 0 && a == MLP_GELU && !strcmp(mlp_activation_name(MLP_MISH), "mish"),
          "activation names");
}

int main(void) {
    test_rank_independence();
    test_sampling();
    test_config();
    if (fails) { printf("nn_policy: %d checks FAILED\n", fails); return 1; }
    printf("nn_policy: ok\n");
    return 0;
}
