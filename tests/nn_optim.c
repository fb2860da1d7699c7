/* nn_optim.c: the optimisers' arithmetic against hand-computed values (PyTorch's trajectories are
 * checked in nn_ref): the warmup + cosine schedule at chosen steps, AdamW and SGD-momentum steps on
 * scalars, gradient clipping, the EMA warmup of Diffusion Policy, and the NaN/Inf guard. */
#include <math.h>
#include <stdio.h>

#include "flowchunk/optim.h"

static int fails;

static void expect(const char *what, double got, double want, double tol) {
    int ok = fabs(got - want) <= tol;
    printf("  %-44s got %.9g want %.9g %s\n", what, got, want, ok ? "ok" : "FAIL");
    if (!ok) fails++;
}

static void test_schedule(void) {
    OptimConfig c;
    optim_config_default(&c, OPTIM_ADAMW);
    c.lr = 2.0f; c.warmup_steps = 10; c.total_steps = 110;
    Optim o;
    optim_init(&o, &c, 1);
    expect("lr(0) = 0 (warmup starts at 0)", optim_lr(&o, 0), 0.0, 1e-7);
    expect("lr(5) = lr/2", optim_lr(&o, 5), 1.0, 1e-6);
    expect("lr(10) = lr (peak)", optim_lr(&o, 10), 2.0, 1e-6);
    expect("lr(35) = lr*0.5(1+cos(pi/4))", optim_lr(&o, 35), 2.0 * 0.5 * (1 + cos(M_PI / 4)), 1e-6);
    expect("lr(60) = lr/2 (half way)", optim_lr(&o, 60), 1.0, 1e-6);
    expect("lr(110) = 0 (end)", optim_lr(&o, 110), 0.0, 1e-6);
    expect("lr(500) = 0 (stays at the floor)", optim_lr(&o, 500), 0.0, 1e-6);
    optim_free(&o);
    c.min_lr_ratio = 0.1f;
    optim_init(&o, &c, 1);
    expect("min_lr_ratio 0.1: lr(110) = 0.2", optim_lr(&o, 110), 0.2, 1e-6);
    expect("min_lr_ratio 0.1: lr(60) = 0.2 + 1.8/2", optim_lr(&o, 60), 1.1, 1e-6);
    optim_free(&o);
    c.min_lr_ratio = 0; c.total_steps = 0; c.warmup_steps = 0;
    optim_init(&o, &c, 1);
    expect("no warmup, no decay: lr(0) = lr", optim_lr(&o, 0), 2.0, 0);
    expect("no warmup, no decay: lr(10^6) = lr", optim_lr(&o, 1000000), 2.0, 0);
    optim_free(&o);
}

static void test_adamw(void) {
    OptimConfig c;
    optim_config_default(&c, OPTIM_ADAMW);
    c.lr = 0.1f; c.beta1 = 0.9f; c.beta2 = 0.999f; c.eps = 1e-8f; c.weight_decay = 0.01f;
    c.warmup_steps = 0; c.total_steps = 0;
    Optim o;
    optim_init(&o, &c, 1);
    float p = 1.0f, g = 0.5f;
    /* step 1: p = 1*(1-0.001) = 0.999; m = 0.05, v = 0.00025; m^ = 0.5, sqrt(v^) = 0.5 -> p -= 0.1 */
    optim_step(&o, &p, &g);
    expect("adamw step 1", p, 0.899, 2e-7);
    /* step 2 with g = -0.25: p = 0.899*0.999; m = 0.045 - 0.025 = 0.02; v = 0.00024975 + 0.0000625 */
    g = -0.25f;
    optim_step(&o, &p, &g);
    double m = 0.02, v = 0.999 * 0.00025 + 0.001 * 0.0625;
    double want = 0.899 * 0.999 - 0.1 / (1 - 0.81) * m / (sqrt(v) / sqrt(1 - 0.998001) + 1e-8);
    expect("adamw step 2", p, want, 5e-7);
    expect("adamw step counter", (double)o.step, 2, 0);
    optim_free(&o);
}

static void test_sgd(void) {
    OptimConfig c;
    optim_config_default(&c, OPTIM_SGD);
    c.lr = 0.1f; c.momentum = 0.9f; c.weight_decay = 0.5f; c.warmup_steps = 0; c.total_steps = 0;
    Optim o;
    optim_init(&o, &c, 1);
    float p = 2.0f, g = 1.0f;
    /* d = 1 + 0.5*2 = 2; buf = 2 (first step); p = 2 - 0.2 = 1.8 */
    optim_step(&o, &p, &g);
    expect("sgd step 1", p, 1.8, 1e-6);
    /* d = 1 + 0.9 = 1.9; buf = 0.9*2 + 1.9 = 3.7; p = 1.8 - 0.37 = 1.43 */
    optim_step(&o, &p, &g);
    expect("sgd step 2 (momentum)", p, 1.43, 1e-6);
    optim_free(&o);
    c.momentum = 0; c.weight_decay = 0;
    optim_init(&o, &c, 1);
    p = 1; g = 3;
    optim_step(&o, &p, &g);
    expect("plain sgd", p, 0.7, 1e-6);
    optim_free(&o);
}

static void test_clip_and_guard(void) {
    float g[2] = {3, 4};
    float n = optim_clip_grads(g, 2, 1.0f);
    expect("clip returns the pre-clip norm", n, 5.0, 1e-6);
    expect("clipped g[0] = 3/(5+1e-6)", g[0], 0.6, 1e-6);
    expect("clipped norm", optim_grad_norm(g, 2), 1.0, 1e-6);
    float h[2] = {0.3f, 0.4f};
    optim_clip_grads(h, 2, 1.0f);
    expect("no clip below max_norm", h[1], 0.4f, 0);
    /* optim_step with grad_clip clips before the update */
    OptimConfig c;
    optim_config_default(&c, OPTIM_SGD);
    c.lr = 1; c.momentum = 0; c.warmup_steps = 0; c.grad_clip = 1;
    Optim o;
    optim_init(&o, &c, 2);
    float p[2] = {0, 0}, q[2] = {30, 40};
    float pre = optim_step(&o, p, q);
    expect("optim_step returns the pre-clip norm", pre, 50, 1e-4);
    expect("optim_step applies the clipped gradient", p[1], -0.8, 1e-6);
    optim_free(&o);
    float bad[3] = {1, NAN, 2}, inf[3] = {1, INFINITY, 2}, fine[3] = {1e30f, -1e30f, 3e38f};
    expect("guard: NaN gradient", optim_nonfinite(optim_grad_norm(bad, 3), 1.0f) != 0, 1, 0);
    expect("guard: Inf gradient", optim_nonfinite(optim_grad_norm(inf, 3), 1.0f) != 0, 1, 0);
    expect("guard: NaN loss", optim_nonfinite(optim_grad_norm(fine, 3), NAN) != 0, 1, 0);
    expect("guard: large but finite", optim_nonfinite(optim_grad_norm(fine, 3), 1.0f) != 0, 0, 0);
    float big[37];
    for (int i = 0; i < 37; i++) big[i] = 1;
    big[36] = -INFINITY;  /* in the scalar tail */
    expect("guard: Inf in the tail", optim_nonfinite(optim_grad_norm(big, 37), 0.0f) != 0, 1, 0);
}

static void test_ema(void) {
    expect("ema_decay(0) = 0", ema_decay(0), 0, 0);
    expect("ema_decay(1) = 0", ema_decay(1), 0, 0);
    expect("ema_decay(2) = 1 - 2^-0.75", ema_decay(2), 1 - pow(2, -0.75), 1e-7);
    expect("ema_decay(10) = 1 - 10^-0.75", ema_decay(10), 1 - pow(10, -0.75), 1e-7);
    expect("ema_decay(10^4) = 1 - 10^-3", ema_decay(10000), 0.999, 1e-6);
    expect("ema_decay(10^9) = 0.9999 (max)", ema_decay(1000000000), 0.9999, 1e-7);
    float e[2] = {1, 2}, p[2] = {3, 4};
    ema_update(e, p, 2, 0.75f);
    expect("ema_update", e[0], 0.75 + 0.25 * 3, 1e-7);
    ema_update(e, p, 2, 0.0f);
    expect("ema_update with decay 0 copies", e[1], 4, 0);
}

int main(void) {
    test_schedule();
    test_adamw();
    test_sgd();
    test_clip_and_guard();
    test_ema();
    if (fails) { printf("nn_optim: %d checks FAILED\n", fails); return 1; }
    printf("nn_optim: ok\n");
    return 0;
}
