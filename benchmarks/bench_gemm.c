/* bench_gemm.c: the matrix products of one training step of an MLP, per GEMM back end (gemm.h),
 * interleaved in one run: ms per step's products (median of ROUNDS), GFLOP/s, and the kernel
 * oneDNN picked for each shape. The yardstick is bench_peak, run next to it.
 *   build/benchmarks/bench_gemm [--depth 3] [--hidden 512] [--batch 256] [--in 104] [--out 32]
 *                               [--rounds 9] [--reps 20]
 * The shapes are those of src/mlp.c: per Linear l (in d_l, out d_{l+1}) the forward
 * (B, d_l) x (d_l, d_{l+1})^T, the weight gradient g^T x and, for l > 0, the input gradient g W. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowchunk/gemm.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int depth = 3, hidden = 512, B = 256, in = 104, out = 32, rounds = 9, reps = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        int v = atoi(argv[i + 1]);
        if (!strcmp(argv[i], "--depth")) depth = v;
        else if (!strcmp(argv[i], "--hidden")) hidden = v;
        else if (!strcmp(argv[i], "--batch")) B = v;
        else if (!strcmp(argv[i], "--in")) in = v;
        else if (!strcmp(argv[i], "--out")) out = v;
        else if (!strcmp(argv[i], "--rounds")) rounds = v;
        else if (!strcmp(argv[i], "--reps")) reps = v;
        else { fprintf(stderr, "bench_gemm: unknown option %s\n", argv[i]); return 2; }
    }
    if (rounds > 64) rounds = 64;
    int dims[20], L = depth + 1;
    dims[0] = in;
    for (int l = 1; l <= depth; l++) dims[l] = hidden;
    dims[L] = out;
    GemmShape s[60];
    int n = 0;
    double flops = 0;
    for (int l = 0; l < L; l++) {
        int di = dims[l], d = dims[l + 1];
        s[n++] = (GemmShape){0, 1, B, d, di};      /* forward  z = x W^T */
        s[n++] = (GemmShape){1, 0, d, di, B};      /* backward dW = g^T x */
        if (l > 0) s[n++] = (GemmShape){0, 0, B, di, d}; /* backward dx = g W */
        flops += 2.0 * B * di * d * (l > 0 ? 3 : 2);
    }
    size_t big = 0;
    for (int i = 0; i < n; i++) {
        size_t a = (size_t)s[i].M * s[i].K, b = (size_t)s[i].K * s[i].N, c = (size_t)s[i].M * s[i].N;
        if (a > big) big = a;
        if (b > big) big = b;
        if (c > big) big = c;
    }
    float *A = malloc(big * 4), *Bm = malloc(big * 4), *C = malloc(big * 4);
    uint16_t *Ah = malloc(big * 2), *Bh = malloc(big * 2);
    for (size_t i = 0; i < big; i++) A[i] = (float)(i % 17) * 0.01f, Bm[i] = (float)(i % 13) * 0.01f;
    gemm_to_bf16(Ah, A, big);
    gemm_to_bf16(Bh, Bm, big);
    int nb = gemm_bf16_supported() ? 3 : 2;
    printf("bench_gemm: %d x %d, B %d, in %d, out %d: %d products, %.3f GFLOP per step; oneDNN ISA %s\n",
           depth, hidden, B, in, out, n, flops * 1e-9, gemm_isa_name());
    double t[3][64];
    for (int r = -1; r < rounds; r++)
        for (int be = 0; be < nb; be++) {
            double t0 = now();
            for (int k = 0; k < reps; k++)
                for (int i = 0; i < n; i++) {
                    int lda = s[i].ta ? s[i].M : s[i].K, ldb = s[i].tb ? s[i].K : s[i].N;
                    if (be == GEMM_DNNL_BF16) gemm_bf16(s[i], Ah, lda, Bh, ldb, NULL, 0, C, s[i].N);
                    else gemm_f32((GemmBackend)be, s[i], A, lda, Bm, ldb, NULL, 0, C, s[i].N);
                }
            if (r >= 0) t[be][r] = (now() - t0) / reps;
        }
    for (int be = 0; be < nb; be++) {
        qsort(t[be], (size_t)rounds, sizeof(double), cmp);
        double ms = 1e3 * t[be][rounds / 2];
        printf("gemm backend=%s ms_per_step=%.3f gflops=%.1f", gemm_backend_name((GemmBackend)be), ms, flops / (ms * 1e-3) * 1e-9);
        if (be > 0) printf(" kernels=%s,%s,%s", gemm_impl_name((GemmBackend)be, s[0]), gemm_impl_name((GemmBackend)be, s[1]),
                           gemm_impl_name((GemmBackend)be, s[n > 3 ? 3 : 2]));
        printf("\n");
    }
    free(A), free(Bm), free(C), free(Ah), free(Bh);
    return 0;
}
