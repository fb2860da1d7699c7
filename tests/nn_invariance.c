/* nn_invariance.c: inference is batch-invariant by construction (rowgemm.h).
 *  - rowgemm equals its scalar definition rowgemm_ref bit for bit on every shape class (row and
 *    output tails, K tails, the 96-row blocks), and a double-precision x W^T + b to 2e-6
 *    relative (a wrong transpose or a dropped bias fails that by orders of magnitude);
 *  - mlp_infer stays within 1e-5 of the training forward (BLAS);
 *  - policy_sample_explicit of one observation alone equals, bit for bit, the same observation
 *    at EVERY position of batches of 1..64 (the other rows other observations), for a toy net and
 *    the default-sized 3x512 Mish net, flow and MSE, and a residual 5x512 net (its LayerNorms
 *    reduce each row on its own): an episode's actions cannot depend on the
 *    episodes it shares an evaluation batch with.
 *  - the same for bf16 products (rowgemm_bf16, where the CPU has AVX512-BF16), within 5e-2 of the
 *    fp32 training forward;
 *  - the activations' vector kernels equal their scalar definitions bit for bit, forward and
 *    backward (in place too), on every tail length and on the values where the clamps and the
 *    special cases act (NaN, infinities, the exp range ends, Mish's cap at 20, zeros, denormals).
 * The kernel the build picked is printed (avx2 or scalar); both give the same bits. */
#include "flowchunk/mlp.h"
#include "flowchunk/policy.h"
#include "flowchunk/rng.h"
#include "flowchunk/rowgemm.h"
#include "expect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static float *randn(size_t n, uint64_t key) {
    float *v = malloc(n * sizeof(float));
    rng_normal_fill(v, n, key);
    return v;
}

static void test_kernel(void) {
    const int Bs[] = {1, 2, 3, 4, 5, 7, 50, 64, 97, 200}; /* 96-row blocks */
    const int Ns[] = {1, 3, 4, 5, 32, 127, 128, 129, 300};
    const int Ks[] = {1, 7, 8, 9, 74, 104, 512};
    int shapes = 0, worst_shape_ok = 1;
    double worst_rel = 0;
    for (size_t bi = 0; bi < sizeof Bs / sizeof *Bs; bi++)
        for (size_t ni = 0; ni < sizeof Ns / sizeof *Ns; ni++)
            for (size_t ki = 0; ki < sizeof Ks / sizeof *Ks; ki++) {
                int B = Bs[bi], N = Ns[ni], K = Ks[ki];
                float *x = randn((size_t)B * K, 1000 + shapes), *W = randn((size_t)N * K, 2000 + shapes);
                float *b = randn((size_t)N, 3000 + shapes);
                float *y = malloc((size_t)B * N * sizeof(float)), *yr = malloc((size_t)B * N * sizeof(float));
                rowgemm(y, x, W, b, B, N, K);
                rowgemm_ref(yr, x, W, b, B, N, K);
                if (memcmp(y, yr, (size_t)B * N * sizeof(float)) != 0 && worst_shape_ok) {
                    EXPECT(0, "rowgemm (%s) differs from rowgemm_ref at B=%d N=%d K=%d", rowgemm_kernel(), B, N, K);
                    worst_shape_ok = 0;
                }
                for (int i = 0; i < B; i++)
                    for (int n = 0; n < N; n++) {
                        double s = b[n], mag = fabs(b[n]);
                        for (int k = 0; k < K; k++) {
                            double t = (double)x[(size_t)i * K + k] * W[(size_t)n * K + k];
                            s += t;
                            mag += fabs(t);
                        }
                        double rel = fabs(y[(size_t)i * N + n] - s) / mag;
                        if (rel > worst_rel) worst_rel = rel;
                    }
                free(x); free(W); free(b); free(y); free(yr);
                shapes++;
            }
    EXPECT(worst_rel <= 2e-6, "rowgemm vs double x W^T + b: worst error %.3g of the sum of |terms|", worst_rel);
    printf("  rowgemm (%s kernel) = rowgemm_ref bit for bit on %d shapes; vs double %.2g   %s\n", rowgemm_kernel(),
           shapes, worst_rel, worst_shape_ok && worst_rel <= 2e-6 ? "ok" : "FAIL");
}

/* every observation of a probe set alone, then at every position of batches of 1..maxB */
static void test_policy(const char *name, PolicyKind kind, MlpArch arch, int hidden, int depth, int maxB, int bf16) {
    PolicyConfig pc;
    policy_config_default(&pc);
    pc.kind = kind;
    pc.arch = arch;
    pc.hidden = hidden;
    pc.depth = depth;
    Policy p;
    policy_init(&p, &pc, 11);
    mlp_set_infer_bf16(&p.net, bf16);
    const double tol = bf16 ? 5e-2 : 1e-5; /* of mlp_infer against the fp32 training forward */
    const int od = pc.obs_dim, C = p.chunk_dim, steps = 10;
    float *obs = malloc((size_t)maxB * od * sizeof(float)), *a0 = randn((size_t)maxB * C, 5);
    rng_uniform_fill(obs, (size_t)maxB * od, 4);
    for (int i = 0; i < maxB * od; i++) obs[i] = 2.0f * obs[i] - 1.0f; /* the scaled [-1,1] range */
    float *solo = malloc((size_t)maxB * C * sizeof(float));
    for (int i = 0; i < maxB; i++)
        policy_sample_explicit(&p, obs + (size_t)i * od, a0 + (size_t)i * C, 1, steps, solo + (size_t)i * C);

    /* batch B holds probes (B + j) mod maxB at positions j = 0..B-1 */
    float *bobs = malloc((size_t)maxB * od * sizeof(float)), *ba0 = malloc((size_t)maxB * C * sizeof(float));
    float *out = malloc((size_t)maxB * C * sizeof(float));
    int bad = 0, first_B = 0, first_j = 0;
    for (int B = 1; B <= maxB; B++) {
        for (int j = 0; j < B; j++) {
            int probe = (B + j) % maxB;
            memcpy(bobs + (size_t)j * od, obs + (size_t)probe * od, (size_t)od * sizeof(float));
            memcpy(ba0 + (size_t)j * C, a0 + (size_t)probe * C, (size_t)C * sizeof(float));
        }
        policy_sample_explicit(&p, bobs, ba0, B, steps, out);
        for (int j = 0; j < B; j++) {
            int probe = (B + j) % maxB;
            if (memcmp(out + (size_t)j * C, solo + (size_t)probe * C, (size_t)C * sizeof(float)) != 0) {
                if (!bad) { first_B = B; first_j = j; }
                bad++;
            }
        }
    }
    EXPECT(bad == 0, "%s: %d rows of batches 1..%d differ from the same observation alone (first: B=%d, position %d)",
           name, bad, maxB, first_B, first_j);

    /* the inference forward stays the training forward up to rounding */
    float *fwd = malloc((size_t)maxB * C * sizeof(float)), *inf = malloc((size_t)maxB * C * sizeof(float));
    float *in = malloc((size_t)maxB * p.in_dim * sizeof(float));
    rng_uniform_fill(in, (size_t)maxB * p.in_dim, 9);
    mlp_forward(&p.net, fwd, in, maxB);
    mlp_infer(&p.net, inf, in, maxB);
    double worst = 0, mag = 0;
    for (int i = 0; i < maxB * C; i++) {
        worst = fmax(worst, fabs((double)fwd[i] - inf[i]));
        mag = fmax(mag, fabs((double)fwd[i]));
    }
    EXPECT(worst <= tol * fmax(1.0, mag), "%s: mlp_infer vs mlp_forward %.3g", name, worst);
    printf("  %-34s one observation alone = at every position of batches 1..%d; infer vs forward %.1e   %s\n", name,
           maxB, worst, bad == 0 && worst <= tol * fmax(1.0, mag) ? "ok" : "FAIL");
    free(obs); free(a0); free(solo); free(bobs); free(ba0); free(out); free(fwd); free(inf); free(in);
    policy_free(&p);
}

/* the same bits, or both NaN (a NaN's sign and payload follow operand order, which the compiler
 * may swap in a commutative operation) */
static int same_values(const float *a, const float *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (memcmp(a + i, b + i, sizeof(float)) != 0 && !(isnan(a[i]) && isnan(b[i]))) return 0;
    return 1;
}

static void test_activations(void) {
    const float special[] = {NAN, -NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 1e-40f, -1e-40f, 19.99f, 20.0f,
                             20.01f, -86.9f, -87.0f, -87.5f, 87.9f, 88.0f, 88.5f, 1e30f, -1e30f, 1.0f};
    const size_t ns = sizeof special / sizeof *special, N = 1037;
    float *z = randn(N, 77), *dy = randn(N, 78);
    for (size_t i = 0; i < N; i++) z[i] *= 6.0f;
    for (size_t i = 0; i < ns; i++) z[3 * i + 1] = special[i];
    float *y = malloc(N * sizeof(float)), *yr = malloc(N * sizeof(float));
    float *g = malloc(N * sizeof(float)), *gr = malloc(N * sizeof(float));
    const MlpActivation acts[] = {MLP_RELU, MLP_SILU, MLP_MISH, MLP_GELU};
    int bad = 0;
    for (size_t a = 0; a < sizeof acts / sizeof *acts; a++)
        for (size_t n = 0; n <= N; n += n < 40 ? 1 : 499) {
            mlp_act_forward(acts[a], y, z, n);
            mlp_act_forward_ref(acts[a], yr, z, n);
            mlp_act_backward(acts[a], g, dy, z, n);
            mlp_act_backward_ref(acts[a], gr, dy, z, n);
            int ok = same_values(y, yr, n) && same_values(g, gr, n);
            memcpy(g, dy, n * sizeof(float)); /* in place, as mlp_backward calls it */
            mlp_act_backward(acts[a], g, g, z, n);
            ok = ok && same_values(g, gr, n);
            EXPECT(ok, "activation %s, n = %zu: vector kernel differs from its scalar definition",
                   mlp_activation_name(acts[a]), n);
            bad += !ok;
        }
    printf("  activations relu/silu/mish/gelu, 46 lengths, special values: kernel = scalar definition   %s\n",
           bad ? "FAIL" : "ok");
    free(z); free(dy); free(y); free(yr); free(g); free(gr);
}

int main(void) {
    test_kernel();
    test_activations();
    test_policy("flow, toy net 2 x 32", POLICY_FLOW, MLP_PLAIN, 32, 2, 64, 0);
    test_policy("flow, default size 3 x 512 mish", POLICY_FLOW, MLP_PLAIN, 512, 3, 64, 0);
    test_policy("mse, 3 x 512 mish", POLICY_MSE, MLP_PLAIN, 512, 3, 64, 0);
    test_policy("flow, residual 5 x 512 mish", POLICY_FLOW, MLP_RESIDUAL, 512, 5, 64, 0);
    if (gemm_bf16_supported()) { /* bf16 products (rowgemm_bf16): the same property */
        test_policy("bf16: flow, toy net 2 x 33", POLICY_FLOW, MLP_PLAIN, 33, 2, 64, 1);
        test_policy("bf16: flow, residual 5 x 512 mish", POLICY_FLOW, MLP_RESIDUAL, 512, 5, 64, 1);
    } else {
        printf("  SKIP bf16 inference: oneDNN reports %s (no AVX512-BF16)\n", gemm_isa_name());
    }
    if (failures) { fprintf(stderr, "nn_invariance: %d failure(s)\n", failures); return 1; }
    printf("nn_invariance: all passed\n");
    return 0;
}
