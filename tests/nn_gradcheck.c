/* nn_gradcheck.c: finite-difference gradient check of the policy loss and of the MLP's input
 * gradient, needing no Python. The test carries its own double-precision forward (MLP,
 * activations, time features, flow/MSE loss) written from the formulas, independently of
 * src/mlp.c; central differences of that double forward (h = 1e-5, truncation error O(h^2) ~ 1e-10
 * relative, rounding ~1e-16/h ~ 1e-11) are the reference for the float32 analytic gradients of
 * policy_loss_grad_explicit and mlp_backward.
 *
 * Tolerance: |g_c - g_fd| <= 1e-4 * max(|g_fd|, 1e-2 * max_k |g_fd,k|). The float32 gradients
 * carry ~1e-6 relative error (sums of a few dozen float products, float activations); a wrong
 * formula (a missing factor, a wrong derivative, a transposed weight) gives O(1) relative errors.
 * The floor 1e-2 * max keeps near-zero gradient entries from being judged on pure rounding.
 * Both architectures of mlp.h are checked (the residual one with LayerNorm gains and biases
 * moved off their init). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowchunk/mlp.h"
#include "flowchunk/policy.h"
#include "flowchunk/rng.h"

static double act_d(MlpActivation a, double z) {
    switch (a) {
    case MLP_RELU: return z > 0 ? z : 0;
    case MLP_SILU: return z / (1.0 + exp(-z));
    case MLP_MISH: return z * tanh(log1p(exp(z)));
    case MLP_GELU: return 0.5 * z * (1.0 + erf(z / sqrt(2.0)));
    }
    return NAN;
}

/* offset of a tensor pointer inside the flat parameter array */
static size_t off_of(const Mlp *m, const float *t) { return (size_t)(t - m->params); }

/* double forward of the MLP with parameters w (the flat layout of mlp.h) on one row: plain, or
 * with the residual architecture's LayerNorm (biased variance, eps 1e-5) and skip connections */
static void mlp_forward_d(const Mlp *m, const double *w, const double *in, double *out) {
    double a[1024], b[1024], u[1024];
    memcpy(a, in, (size_t)m->dims[0] * sizeof(double));
    for (int l = 0; l < m->n_layers; l++) {
        const double *W = w + off_of(m, m->W[l]), *bias = w + off_of(m, m->b[l]);
        int di = m->dims[l], d = m->dims[l + 1], ln = m->ln_g[l] != NULL;
        memcpy(u, a, (size_t)di * sizeof(double));
        if (ln) {
            const double *g = w + off_of(m, m->ln_g[l]), *be = w + off_of(m, m->ln_b[l]);
            double mu = 0, var = 0;
            for (int i = 0; i < di; i++) mu += a[i] / di;
            for (int i = 0; i < di; i++) var += (a[i] - mu) * (a[i] - mu) / di;
            for (int i = 0; i < di; i++) u[i] = (a[i] - mu) / sqrt(var + 1e-5) * g[i] + be[i];
        }
        for (int o = 0; o < d; o++) {
            double s = bias[o];
            for (int i = 0; i < di; i++) s += W[(size_t)o * di + i] * u[i];
            b[o] = (l + 1 < m->n_layers) ? act_d(m->cfg.act, s) + (ln ? a[o] : 0.0) : s;
        }
        memcpy(a, b, (size_t)d * sizeof(double));
    }
    memcpy(out, a, (size_t)m->dims[m->n_layers] * sizeof(double));
}

/* the residual tests move the LayerNorms off their (1, 0) init so gains and biases matter */
static void perturb_norms(Mlp *m, uint64_t key) {
    for (int l = 0; l < m->n_layers; l++)
        if (m->ln_g[l])
            for (int i = 0; i < m->dims[l]; i++) {
                float r[2];
                rng_uniform_fill(r, 2, key + (uint64_t)(l * 1000 + i));
                m->ln_g[l][i] = 0.5f + r[0];
                m->ln_b[l][i] = r[1] - 0.5f;
            }
}

/* sum over the batch of loss_i, in double, for parameters w */
static double loss_d(const Policy *p, const double *w, const float *obs, const float *act,
                     const float *a0, const float *tau, int B) {
    int od = p->cfg.obs_dim, C = p->chunk_dim;
    double in[1024], v[256], tgt[256], sum = 0;
    for (int i = 0; i < B; i++) {
        for (int j = 0; j < od; j++) in[j] = obs[(size_t)i * od + j];
        if (p->cfg.kind == POLICY_FLOW) {
            double t = tau[i];
            for (int j = 0; j < C; j++) {
                double a1 = act[(size_t)i * C + j], n0 = a0[(size_t)i * C + j];
                in[od + j] = t * a1 + (1.0 - t) * n0;
                tgt[j] = a1 - n0;
            }
            if (p->cfg.time_embed == TIME_RAW) in[od + C] = t;
            else {
                int half = p->time_dim / 2;
                for (int k = 0; k < half; k++) {
                    double arg = (double)(tau[i] * p->freq[k]);  /* the float product, as documented */
                    in[od + C + k] = sin(arg);
                    in[od + C + half + k] = cos(arg);
                }
            }
        } else {
            for (int j = 0; j < C; j++) tgt[j] = act[(size_t)i * C + j];
        }
        mlp_forward_d(&p->net, w, in, v);
        double s = 0;
        for (int j = 0; j < C; j++) s += (v[j] - tgt[j]) * (v[j] - tgt[j]);
        sum += s / C;
    }
    return sum;
}

/* compares analytic g with finite differences fd; prints the worst entry; returns 1 on failure */
static int check(const char *label, const float *g, const double *fd, size_t n) {
    double gmax = 0;
    for (size_t i = 0; i < n; i++) gmax = fmax(gmax, fabs(fd[i]));
    double worst = 0;
    size_t wi = 0;
    for (size_t i = 0; i < n; i++) {
        double tol = 1e-4 * fmax(fabs(fd[i]), 1e-2 * gmax);
        double r = fabs((double)g[i] - fd[i]) / tol;
        if (!(r <= worst)) { worst = r; wi = i; }
    }
    int bad = !(worst <= 1.0) || gmax == 0;
    printf("  %-34s n=%-4zu max|g|=%.3e worst=%.3f of tol (i=%zu: %.7e vs fd %.7e) %s\n", label, n, gmax,
           worst, wi, n ? g[wi] : 0.0, n ? fd[wi] : 0.0, bad ? "FAIL" : "ok");
    return bad;
}

static void fill(float *x, size_t n, uint64_t key, float lo, float hi) {
    rng_uniform_fill(x, n, key);
    for (size_t i = 0; i < n; i++) x[i] = lo + (hi - lo) * x[i];
}

static int run_policy(PolicyKind kind, TimeEmbed te, MlpActivation act, MlpArch arch) {
    PolicyConfig cfg;
    policy_config_default(&cfg);
    cfg.kind = kind; cfg.time_embed = te; cfg.act = act; cfg.arch = arch;
    cfg.obs_dim = 3; cfg.horizon = 3; cfg.act_dim = 2; cfg.n_freq = 6; cfg.hidden = 7;
    cfg.depth = arch == MLP_RESIDUAL ? 3 : 2;
    Policy p;
    policy_init(&p, &cfg, 11);
    int B = 4, C = p.chunk_dim;
    float obs[64], a1[64], a0[64], tau[8];
    fill(obs, (size_t)B * cfg.obs_dim, 1, -1, 1);
    fill(a1, (size_t)B * C, 2, -1, 1);
    rng_normal_fill(a0, (size_t)B * C, 3);
    fill(tau, (size_t)B, 4, 0, 1);
    /* larger weights than the default init so every activation works in its nonlinear range */
    for (size_t i = 0; i < p.net.n_params; i++) p.net.params[i] *= 2.5f;
    perturb_norms(&p.net, 40);

    mlp_zero_grad(&p.net);
    policy_loss_grad_explicit(&p, obs, a1, a0, tau, B, 1.0f);  /* grad_scale 1: d(sum loss) */
    size_t n = p.net.n_params;
    double *w = malloc(n * sizeof(double)), *fd = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++) w[i] = p.net.params[i];
    const double h = 1e-5;
    for (size_t i = 0; i < n; i++) {
        double w0 = w[i];
        w[i] = w0 + h;
        double lp = loss_d(&p, w, obs, a1, a0, tau, B);
        w[i] = w0 - h;
        double lm = loss_d(&p, w, obs, a1, a0, tau, B);
        w[i] = w0;
        fd[i] = (lp - lm) / (2 * h);
    }
    char label[96];
    snprintf(label, sizeof label, "%s/%s/%s%s dparams", policy_kind_name(kind),
             kind == POLICY_FLOW ? policy_time_embed_name(te) : "-", mlp_activation_name(act),
             arch == MLP_RESIDUAL ? "/residual" : "");
    int fails = check(label, p.net.grads, fd, n);

    /* the loss value itself against the double forward */
    float l = policy_loss_grad_explicit(&p, obs, a1, a0, tau, B, 0.0f);
    double ld = loss_d(&p, w, obs, a1, a0, tau, B);
    if (!(fabs(l - ld) <= 1e-5 * fabs(ld))) {
        printf("  %s loss %.8e vs double %.8e FAIL\n", label, l, ld);
        fails++;
    }
    free(w); free(fd);
    policy_free(&p);
    return fails;
}

/* mlp_backward's input gradient: L = sum_k c_k out_k, so dout = c */
static int run_din(MlpActivation act, MlpArch arch) {
    MlpConfig mc = {.in_dim = 5, .out_dim = 3, .hidden = 6, .depth = 3, .act = act, .arch = arch};
    Mlp m;
    mlp_init(&m, &mc, 5);
    for (size_t i = 0; i < m.n_params; i++) m.params[i] *= 2.0f;
    perturb_norms(&m, 50);
    int B = 3;
    float in[15], out[9], c[9], din[15];
    fill(in, 15, 6, -2, 2);
    fill(c, 9, 7, -1, 1);
    mlp_forward(&m, out, in, B);
    mlp_zero_grad(&m);
    mlp_backward(&m, din, c, B);
    double *w = malloc(m.n_params * sizeof(double)), fd[15];
    for (size_t i = 0; i < m.n_params; i++) w[i] = m.params[i];
    const double h = 1e-5;
    for (int r = 0; r < B; r++)
        for (int j = 0; j < 5; j++) {
            double x[5], o[3], lp = 0, lm = 0;
            for (int k = 0; k < 5; k++) x[k] = in[r * 5 + k];
            x[j] += h; mlp_forward_d(&m, w, x, o);
            for (int k = 0; k < 3; k++) lp += c[r * 3 + k] * o[k];
            x[j] -= 2 * h; mlp_forward_d(&m, w, x, o);
            for (int k = 0; k < 3; k++) lm += c[r * 3 + k] * o[k];
            fd[r * 5 + j] = (lp - lm) / (2 * h);
        }
    char label[64];
    snprintf(label, sizeof label, "mlp %s%s dinput", mlp_activation_name(act), arch == MLP_RESIDUAL ? " residual" : "");
    int fails = check(label, din, fd, 15);
    free(w);
    mlp_free(&m);
    return fails;
}

int main(void) {
    int fails = 0;
    for (int a = MLP_RELU; a <= MLP_GELU; a++) {
        fails += run_policy(POLICY_FLOW, TIME_RAW, (MlpActivation)a, MLP_PLAIN);
        fails += run_policy(POLICY_FLOW, TIME_SINUSOIDAL, (MlpActivation)a, MLP_PLAIN);
        fails += run_policy(POLICY_MSE, TIME_RAW, (MlpActivation)a, MLP_PLAIN);
        fails += run_din((MlpActivation)a, MLP_PLAIN);
        fails += run_policy(POLICY_FLOW, TIME_SINUSOIDAL, (MlpActivation)a, MLP_RESIDUAL);
        fails += run_policy(POLICY_MSE, TIME_RAW, (MlpActivation)a, MLP_RESIDUAL);
        fails += run_din((MlpActivation)a, MLP_RESIDUAL);
    }
    if (fails) { printf("nn_gradcheck: %d checks FAILED\n", fails); return 1; }
    printf("nn_gradcheck: analytic gradients match double-precision finite differences\n");
    return 0;
}
