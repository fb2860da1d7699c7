/* nn_overfit.c: the whole training path (policy loss, backward, AdamW) must drive the loss on one
 * fixed batch down by more than 100x within a few hundred steps: the flow policy with its noise
 * and times held fixed (a deterministic regression) and the MSE policy. A broken gradient, sign
 * or optimiser update stalls or diverges and fails the test. */
#include <stdio.h>
#include <stdlib.h>

#include "flowchunk/optim.h"
#include "flowchunk/policy.h"
#include "flowchunk/rng.h"

static int run(PolicyKind kind, MlpActivation act, int steps) {
    PolicyConfig cfg;
    policy_config_default(&cfg);
    cfg.kind = kind; cfg.act = act;
    cfg.obs_dim = 10; cfg.horizon = 4; cfg.act_dim = 2; cfg.hidden = 64; cfg.depth = 2; cfg.n_freq = 8;
    Policy p;
    policy_init(&p, &cfg, 3);
    enum { B = 16 };
    int C = p.chunk_dim;
    float obs[B * 10], a1[B * 8], a0[B * 8], tau[B];
    rng_uniform_fill(obs, B * 10, 21);
    rng_uniform_fill(a1, (size_t)B * C, 22);
    for (int i = 0; i < B * 10; i++) obs[i] = 2 * obs[i] - 1;
    for (int i = 0; i < B * C; i++) a1[i] = 2 * a1[i] - 1;
    rng_normal_fill(a0, (size_t)B * C, 23);
    rng_uniform_fill(tau, B, 24);
    OptimConfig oc;
    optim_config_default(&oc, OPTIM_ADAMW);
    oc.lr = 3e-3f; oc.warmup_steps = 10; oc.total_steps = steps;
    Optim o;
    optim_init(&o, &oc, p.net.n_params);
    float first = 0, last = 0;
    for (int s = 0; s < steps; s++) {
        mlp_zero_grad(&p.net);
        float l = policy_loss_grad_explicit(&p, obs, a1, a0, tau, B, 1.0f / B) / B;
        if (optim_nonfinite(optim_step(&o, p.net.params, p.net.grads), l)) { printf("non-finite at step %d\n", s); return 1; }
        if (s == 0) first = l;
        last = l;
    }
    float ratio = first / last;
    int ok = ratio > 100.0f;
    printf("  %s/%s: loss %.4e -> %.4e after %d steps (%.0fx) %s\n", policy_kind_name(kind),
           mlp_activation_name(act), first, last, steps, ratio, ok ? "ok" : "FAIL (need > 100x)");
    optim_free(&o);
    policy_free(&p);
    return !ok;
}

int main(void) {
    int fails = run(POLICY_FLOW, MLP_MISH, 400) + run(POLICY_FLOW, MLP_RELU, 400) + run(POLICY_MSE, MLP_MISH, 400);
    printf(fails ? "nn_overfit: FAILED\n" : "nn_overfit: ok\n");
    return fails ? 1 : 0;
}
