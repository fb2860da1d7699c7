/* bench_train_step.c: training-step throughput of the flow policy on one thread: forward +
 * backward + AdamW (zero_grad, noise draws, input assembly, loss, gradients, optimiser), the
 * same work as benchmarks/torch_train_step.py does in PyTorch. Also times the products of one
 * step alone (same shapes, transposes and operands, on the step's GEMM back end), to show how
 * much of the step is GEMM.
 *
 *   OPENBLAS_NUM_THREADS=1 bench_train_step [--config DxW:B ...] [--seconds S] [--act mish]
 *                                           [--precision fp32|bf16|auto|openblas|onednn-fp32|onednn-bf16]
 *
 * --precision picks the GEMM back end of the step (gemm.h): fp32 (the default) pins OpenBLAS,
 * the library PyTorch calls too, so C and torch compare at equal GEMMs; bf16 pins oneDNN's bf16
 * operands with fp32 accumulation (refused where gemm_bf16_supported() is 0); auto measures the
 * candidates on the step's shapes like `flowchunk train --precision auto`; a back end's name pins it.
 * Times are process CPU time (CLOCK_PROCESS_CPUTIME_ID), median of 5 blocks after warm-up: on a
 * shared machine CPU time is what the step costs, wall time also counts other processes' turns.
 * Prints one line per config: "train_step impl=c config=3x256 batch=128 precision=fp32
 * gemm=openblas isa=.. ms=.. samples_per_s=.. gflops=.. gemm_alone_ms=.. gemm_alone_gflops=.."
 * (benchmarks/run_train_step.sh joins it with torch's). FLOPs counted: the GEMMs only, forward
 * 2*B*in*out per Linear, backward twice that except the input gradient of the first layer, which
 * is not computed (PyTorch skips it too). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowchunk/check.h"
#include "flowchunk/gemm.h"
#include "flowchunk/mlp.h"
#include "flowchunk/optim.h"
#include "flowchunk/policy.h"
#include "flowchunk/rng.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* GEMM FLOPs of one training step (see the header comment) */
static double step_flops(const Mlp *m, int B) {
    double f = 0;
    for (int l = 0; l < m->n_layers; l++) {
        double one = 2.0 * B * m->dims[l] * m->dims[l + 1];
        f += one * (l == 0 ? 2.0 : 3.0);
    }
    return f;
}

/* median over `blocks` timed blocks of ~seconds/blocks each of fn(ctx); returns seconds per call */
typedef void (*BenchFn)(void *ctx);
static double time_median(BenchFn fn, void *ctx, double seconds) {
    enum { BLOCKS = 5 };
    for (int i = 0; i < 10; i++) fn(ctx);  /* warm up caches and buffers */
    double t0 = now_s();
    int calib = 0;
    while (now_s() - t0 < 0.05) { fn(ctx); calib++; }
    double per = (now_s() - t0) / calib;
    int iters = (int)(seconds / BLOCKS / per) + 1;
    double res[BLOCKS];
    for (int b = 0; b < BLOCKS; b++) {
        double s = now_s();
        for (int i = 0; i < iters; i++) fn(ctx);
        res[b] = (now_s() - s) / iters;
    }
    qsort(res, BLOCKS, sizeof res[0], cmp_double);
    return res[BLOCKS / 2];
}

typedef struct {
    Policy p;
    Optim o;
    float *obs, *act;
    uint64_t *slot;
    int B;
    uint64_t step;
    float loss;
} TrainCtx;

static void train_step(void *vctx) {
    TrainCtx *c = vctx;
    for (int i = 0; i < c->B; i++) c->slot[i] = c->step * (uint64_t)c->B + (uint64_t)i;
    mlp_zero_grad(&c->p.net);
    c->loss = policy_loss_grad(&c->p, c->obs, c->act, c->B, 42, c->step, c->slot, 1.0f / (float)c->B);
    /* the trainer's optimiser pass (src/train.c): AdamW with the bf16 weight copy written in it */
    Mlp *m = &c->p.net;
    OptimFused f = {NULL, 0.0f, m->params_h};
    optim_step_fused(&c->o, m->params, m->grads, 0, m->n_params, optim_grad_norm(m->grads, m->n_params), &f);
    if (m->params_h) mlp_params_h_written(m, 0, m->n_params);
    c->step++;
}

/* the products of one step, alone: the calls src/mlp.c makes (bias in the forward product,
 * weight gradients accumulated), on the net's back end; bf16 reads the net's bf16 copies, which
 * the timed steps left filled. The gradient operand is dbuf[0] / gh for every layer (values do
 * not change the time). */
static void gemm_step(void *vctx) {
    TrainCtx *c = vctx;
    Mlp *m = &c->p.net;
    int B = c->B, h = m->gemm == GEMM_DNNL_BF16;
    for (int l = 0; l < m->n_layers; l++) {
        int di = m->dims[l], d = m->dims[l + 1];
        GemmShape s = {0, 1, B, d, di};
        if (h) gemm_bf16(s, m->xh[l], di, m->params_h + (m->W[l] - m->params), di, m->b[l], 0, m->dbuf[1], d);
        else gemm_f32(m->gemm, s, m->x[l], di, m->W[l], di, m->b[l], 0, m->dbuf[1], d);
    }
    for (int l = m->n_layers - 1; l >= 0; l--) {
        int di = m->dims[l], d = m->dims[l + 1];
        GemmShape s = {1, 0, d, di, B};
        if (h) gemm_bf16(s, m->gh, d, m->xh[l], di, NULL, 1, m->dW[l], di);
        else gemm_f32(m->gemm, s, m->dbuf[0], d, m->x[l], di, NULL, 1, m->dW[l], di);
        if (l == 0) continue;
        GemmShape t = {0, 0, B, di, d};
        if (h) gemm_bf16(t, m->gh, d, m->params_h + (m->W[l] - m->params), di, NULL, 0, m->dbuf[1], di);
        else gemm_f32(m->gemm, t, m->dbuf[0], d, m->W[l], di, NULL, 0, m->dbuf[1], di);
    }
}

static int run_config(int depth, int hidden, int B, MlpActivation act, Precision prec, int pinned, double seconds) {
    TrainCtx c;
    memset(&c, 0, sizeof c);
    PolicyConfig cfg;
    policy_config_default(&cfg);  /* Push-T: obs 2 x 20 keypoint coords = 40, H 16, act 2 */
    cfg.depth = depth;
    cfg.hidden = hidden;
    cfg.act = act;
    policy_init(&c.p, &cfg, 1);
    OptimConfig oc;
    optim_config_default(&oc, OPTIM_ADAMW);
    oc.warmup_steps = 0;
    optim_init(&c.o, &oc, c.p.net.n_params);
    GemmShape shapes[3 * MLP_MAX_LAYERS];
    GemmBackend be;
    if (gemm_resolve(prec, pinned, shapes, mlp_gemm_shapes(&c.p.net, B, shapes), &be, NULL) != FC_OK) {
        fprintf(stderr, "bench_train_step: %s\n", fc_last_error());
        optim_free(&c.o);
        policy_free(&c.p);
        return 1;
    }
    mlp_set_gemm(&c.p.net, be);
    c.B = B;
    c.obs = malloc((size_t)B * cfg.obs_dim * sizeof(float));
    c.act = malloc((size_t)B * c.p.chunk_dim * sizeof(float));
    c.slot = malloc((size_t)B * sizeof(uint64_t));
    rng_uniform_fill(c.obs, (size_t)B * cfg.obs_dim, 7);
    rng_uniform_fill(c.act, (size_t)B * c.p.chunk_dim, 8);
    for (size_t i = 0; i < (size_t)B * cfg.obs_dim; i++) c.obs[i] = 2 * c.obs[i] - 1;
    for (size_t i = 0; i < (size_t)B * c.p.chunk_dim; i++) c.act[i] = 2 * c.act[i] - 1;

    double t = time_median(train_step, &c, seconds);
    double tg = time_median(gemm_step, &c, seconds / 2);
    double fl = step_flops(&c.p.net, B);
    /* the kernel oneDNN runs for the first layer's forward product ("openblas" for OpenBLAS) */
    const char *kern = gemm_impl_name(be, shapes[0]);
    printf("train_step impl=c config=%dx%d batch=%d act=%s precision=%s gemm=%s kernel=%s isa=%s params=%zu "
           "ms=%.4f samples_per_s=%.0f gflops=%.2f gemm_alone_ms=%.4f gemm_alone_gflops=%.2f loss=%.4f\n",
           depth, hidden, B, mlp_activation_name(act), precision_name(gemm_backend_precision(be)),
           gemm_backend_name(be), kern, gemm_isa_name(), c.p.net.n_params, 1e3 * t, B / t, fl / t * 1e-9,
           1e3 * tg, fl / tg * 1e-9, c.loss / B);
    fflush(stdout);
    free(c.obs); free(c.act); free(c.slot);
    optim_free(&c.o);
    policy_free(&c.p);
    return 0;
}

int main(int argc, char **argv) {
    double seconds = 2.0;
    MlpActivation act = MLP_MISH;
    Precision prec = PRECISION_FP32;
    int pinned = GEMM_OPENBLAS; /* fp32 = OpenBLAS, PyTorch's GEMM library here */
    int n_cfg = 0, cfgs[16][3];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--act") && i + 1 < argc) {
            if (mlp_activation_parse(argv[++i], &act)) { fprintf(stderr, "unknown activation %s\n", argv[i]); return 2; }
        } else if (!strcmp(argv[i], "--precision") && i + 1 < argc) {
            if (gemm_request_parse(argv[++i], &prec, &pinned)) {
                fprintf(stderr, "bench_train_step: unknown precision %s (auto|fp32|bf16|openblas|onednn-fp32|onednn-bf16)\n", argv[i]);
                return 2;
            }
            if (prec == PRECISION_FP32 && pinned < 0) pinned = GEMM_OPENBLAS;
            if (prec == PRECISION_BF16 && pinned < 0) pinned = GEMM_DNNL_BF16;
        } else if (!strcmp(argv[i], "--config") && i + 1 < argc && n_cfg < 16) {
            if (sscanf(argv[++i], "%dx%d:%d", &cfgs[n_cfg][0], &cfgs[n_cfg][1], &cfgs[n_cfg][2]) != 3) {
                fprintf(stderr, "--config wants DEPTHxWIDTH:BATCH, e.g. 3x256:128\n");
                return 2;
            }
            n_cfg++;
        } else if (!strcmp(argv[i], "--help")) {
            printf("usage: bench_train_step [--config DEPTHxWIDTH:BATCH ...] [--seconds S] [--act relu|silu|mish|gelu]\n"
                   "                        [--precision fp32|bf16|auto|openblas|onednn-fp32|onednn-bf16]\n"
                   "default configs 3x256:128 and 3x512:256, mish, fp32 (= openblas), 2 s each; set OPENBLAS_NUM_THREADS=1\n");
            return 0;
        } else {
            fprintf(stderr, "bench_train_step: unknown argument %s (see --help)\n", argv[i]);
            return 2;
        }
    }
    if (n_cfg == 0) {
        int d[2][3] = {{3, 256, 128}, {3, 512, 256}};
        memcpy(cfgs, d, sizeof d);
        n_cfg = 2;
    }
    for (int i = 0; i < n_cfg; i++)
        if (run_config(cfgs[i][0], cfgs[i][1], cfgs[i][2], act, prec, pinned, seconds)) return 1;
    return 0;
}
