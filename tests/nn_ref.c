/* nn_ref.c: compares the C policy, MLP and optimisers with PyTorch 1.13, tensor by tensor
 * (fixture tests/fixtures/nn_ref.bin from tests/ref/gen_nn_ref.py). For every case (each
 * activation, both time embeddings, the MSE policy): net output, loss, every gradient; then 10
 * AdamW steps with warmup + cosine (losses, learning rates, final weights, EMA weights) and 10 SGD
 * momentum steps with clip_grad_norm_ (losses, pre-clip norms, final weights). Fails on mismatch.
 *
 * Tolerances (|c - t| <= atol + rtol |t|, element-wise):
 *  - forward, loss, gradients: rtol 1e-5, atol 1e-7. Both sides run float32 sgemm (OpenBLAS) but
 *    with different blocking/reduction orders, and the activations use different (~1-ulp)
 *    exp/erf/tanh; differences are a few float ulps of the largest term (~1e-7 relative), and
 *    the gradients here are O(1e-2..1), so atol 1e-7 is still ~1e-5 relative on the smallest.
 *  - optimiser trajectories: rtol 1e-5, atol 1e-6 on weights, losses and norms after 10 steps.
 *    Adam divides by sqrt(v) ~ |g|, so a 1e-7 relative gradient difference on a near-zero
 *    gradient can move a weight by ~lr * 1e-4 per step; 10 steps at lr 1e-3 stay below 1e-6.
 *  - learning rates: rtol 1e-6 (float vs Python double). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowchunk/mlp.h"
#include "flowchunk/optim.h"
#include "flowchunk/policy.h"
#include "nn_fixture.h"

static const char *const CASES[] = {"flow_relu_raw", "flow_silu_sin", "flow_mish_sin", "flow_gelu_raw",
                                    "flow_mish_raw", "mse_mish", "mse_relu", "flow_mish_sin_residual"};

static const NnRecord *get(const NnFixture *fx, const char *cs, const char *what) {
    char name[128];
    snprintf(name, sizeof name, "%s/%s", cs, what);
    return nnfx_get(fx, name);
}

/* copies the fixture's tensors `prefix<name>` into the flat array `dst` by the MLP tensor table */
static void load_tensors(const NnFixture *fx, const Mlp *m, const char *cs, const char *prefix, float *dst) {
    char what[96];
    for (int i = 0; i < m->n_tensors; i++) {
        const MlpTensor *t = &m->tensors[i];
        snprintf(what, sizeof what, "%s%s", prefix, t->name);
        const NnRecord *r = get(fx, cs, what);
        if (r->n != t->size || r->ndim != t->ndim || r->dims[0] != t->shape[0] ||
            (t->ndim == 2 && r->dims[1] != t->shape[1])) {
            fprintf(stderr, "%s/%s: shape mismatch with the C tensor table\n", cs, what);
            exit(1);
        }
        memcpy(dst + t->offset, r->data, t->size * sizeof(float));
    }
}

/* compares the flat array `got` with the fixture's `prefix<name>` tensors */
static int compare_tensors(const NnFixture *fx, const Mlp *m, const char *cs, const char *prefix,
                           const float *got, double rtol, double atol) {
    int fails = 0;
    char what[96];
    for (int i = 0; i < m->n_tensors; i++) {
        const MlpTensor *t = &m->tensors[i];
        snprintf(what, sizeof what, "%s%s", prefix, t->name);
        fails += nn_compare(what, got + t->offset, get(fx, cs, what)->data, t->size, rtol, atol);
    }
    return fails;
}

static int run_case(const NnFixture *fx, const char *cs) {
    const float *c = get(fx, cs, "config")->data;
    PolicyConfig cfg;
    policy_config_default(&cfg);
    cfg.kind = (PolicyKind)(int)c[0];
    cfg.obs_dim = (int)c[1];
    cfg.horizon = (int)c[2];
    cfg.act_dim = (int)c[3];
    cfg.time_embed = (TimeEmbed)(int)c[4];
    cfg.n_freq = (int)c[5];
    cfg.hidden = (int)c[6];
    cfg.depth = (int)c[7];
    cfg.act = (MlpActivation)(int)c[8];
    int B = (int)c[9];
    if (get(fx, cs, "config")->n > 10) cfg.arch = (MlpArch)(int)c[10]; /* the residual cases */
    printf("case %s: %s, %s time, %s, %s %d x %d, B=%d\n", cs, policy_kind_name(cfg.kind),
           policy_time_embed_name(cfg.time_embed), mlp_activation_name(cfg.act), mlp_arch_name(cfg.arch), cfg.depth,
           cfg.hidden, B);

    Policy p;
    policy_init(&p, &cfg, 0);
    Mlp *m = &p.net;
    const float *obs = get(fx, cs, "obs")->data, *act = get(fx, cs, "act")->data;
    const float *a0 = get(fx, cs, "a0")->data, *tau = get(fx, cs, "tau")->data;
    float *init = malloc(m->n_params * sizeof(float));
    load_tensors(fx, m, cs, "param/", init);
    memcpy(m->params, init, m->n_params * sizeof(float));
    int fails = 0;

    /* forward + backward: grad_scale 1/B gives the gradient of torch's mean loss */
    mlp_zero_grad(m);
    float loss = policy_loss_grad_explicit(&p, obs, act, a0, tau, B, 1.0f / (float)B);
    fails += nn_compare("v (net output)", p.v, get(fx, cs, "v")->data, (size_t)B * p.chunk_dim, 1e-5, 1e-7);
    fails += nn_compare("loss_sum", &loss, get(fx, cs, "loss_sum")->data, 1, 1e-5, 1e-7);
    fails += compare_tensors(fx, m, cs, "grad/", m->grads, 1e-5, 1e-7);

    /* 10 AdamW steps with warmup + cosine and the EMA */
    const float *ha = nnfx_get(fx, "hyper/adamw")->data;
    OptimConfig oc;
    optim_config_default(&oc, OPTIM_ADAMW);
    oc.lr = ha[0]; oc.beta1 = ha[1]; oc.beta2 = ha[2]; oc.eps = ha[3]; oc.weight_decay = ha[4];
    oc.warmup_steps = (int64_t)ha[5]; oc.total_steps = (int64_t)ha[6];
    int steps = (int)ha[7];
    Optim o;
    optim_init(&o, &oc, m->n_params);
    memcpy(m->params, init, m->n_params * sizeof(float));
    float *ema = malloc(m->n_params * sizeof(float));
    memcpy(ema, init, m->n_params * sizeof(float));
    float losses[64], lrs[64];
    for (int s = 0; s < steps; s++) {
        mlp_zero_grad(m);
        losses[s] = policy_loss_grad_explicit(&p, obs, act, a0, tau, B, 1.0f / (float)B);
        lrs[s] = optim_lr(&o, o.step);
        optim_step(&o, m->params, m->grads);
        ema_update(ema, m->params, m->n_params, ema_decay(s));
    }
    fails += nn_compare("adamw/lr", lrs, get(fx, cs, "adamw/lr")->data, (size_t)steps, 1e-6, 1e-12);
    fails += nn_compare("adamw/loss_sum", losses, get(fx, cs, "adamw/loss_sum")->data, (size_t)steps, 1e-5, 1e-6);
    fails += compare_tensors(fx, m, cs, "adamw/param/", m->params, 1e-5, 1e-6);
    fails += compare_tensors(fx, m, cs, "adamw/ema/", ema, 1e-5, 1e-6);
    optim_free(&o);

    /* 10 SGD momentum steps with gradient clipping, constant lr */
    const float *hs = nnfx_get(fx, "hyper/sgd")->data;
    optim_config_default(&oc, OPTIM_SGD);
    oc.lr = hs[0]; oc.momentum = hs[1]; oc.weight_decay = hs[2]; oc.grad_clip = hs[3];
    oc.warmup_steps = 0; oc.total_steps = 0;
    steps = (int)hs[4];
    optim_init(&o, &oc, m->n_params);
    memcpy(m->params, init, m->n_params * sizeof(float));
    float norms[64];
    for (int s = 0; s < steps; s++) {
        mlp_zero_grad(m);
        losses[s] = policy_loss_grad_explicit(&p, obs, act, a0, tau, B, 1.0f / (float)B);
        norms[s] = optim_step(&o, m->params, m->grads);
    }
    fails += nn_compare("sgd/loss_sum", losses, get(fx, cs, "sgd/loss_sum")->data, (size_t)steps, 1e-5, 1e-6);
    fails += nn_compare("sgd/grad_norm", norms, get(fx, cs, "sgd/grad_norm")->data, (size_t)steps, 1e-5, 1e-6);
    fails += compare_tensors(fx, m, cs, "sgd/param/", m->params, 1e-5, 1e-6);
    optim_free(&o);

    free(ema);
    free(init);
    policy_free(&p);
    return fails;
}

int main(int argc, char **argv) {
    const char *dir = getenv("FC_FIXTURES");
    char path[1024];
    /* argv[1] = fixture path, else $FC_FIXTURES/nn_ref.bin (set by CTest) */
    if (argc > 1) snprintf(path, sizeof path, "%s", argv[1]);
    else snprintf(path, sizeof path, "%s/nn_ref.bin", dir ? dir : "tests/fixtures");
    NnFixture fx;
    nnfx_load(&fx, path);
    int fails = 0;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) fails += run_case(&fx, CASES[i]);
    nnfx_free(&fx);
    if (fails) {
        printf("nn_ref: %d tensor comparisons FAILED against PyTorch\n", fails);
        return 1;
    }
    printf("nn_ref: all tensors match PyTorch within tolerance\n");
    return 0;
}
