/* bench_gemm.c: the matrix products of one training step of an MLP, per GEMM back end (gemm.h),
 * interleaved in one run by gemm_choose's own measurement (what `--precision auto` sees): ms per
 * step's products (median of ROUNDS, at most 15), GFLOP/s, and the kernel oneDNN picked. The
 * yardstick is bench_peak, run next to it.
 *   build/benchmarks/bench_gemm [--depth 3] [--hidden 512] [--batch 256] [--in 104] [--out 32] [--rounds 15]
 * The shapes are those of src/mlp.c: per Linear l (in d_l, out d_{l+1}) the forward
 * (B, d_l) x (d_l, d_{l+1})^T, the weight gradient g^T x and, for l > 0, the input gradient g W. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowchunk/gemm.h"

int main(int argc, char **argv) {
    int depth = 3, hidden = 512, B = 256, in = 104, out = 32, rounds = 15;
    for (int i = 1; i + 1 < argc; i += 2) {
        int v = atoi(argv[i + 1]);
        if (!strcmp(argv[i], "--depth")) depth = v;
        else if (!strcmp(argv[i], "--hidden")) hidden = v;
        else if (!strcmp(argv[i], "--batch")) B = v;
        else if (!strcmp(argv[i], "--in")) in = v;
        else if (!strcmp(argv[i], "--out")) out = v;
        else if (!strcmp(argv[i], "--rounds")) rounds = v;
        else { fprintf(stderr, "bench_gemm: unknown option %s\n", argv[i]); return 2; }
    }
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
    int nb = gemm_bf16_supported() ? 3 : 2;
    printf("bench_gemm: %d x %d, B %d, in %d, out %d: %d products, %.3f GFLOP per step; oneDNN ISA %s\n",
           depth, hidden, B, in, out, n, flops * 1e-9, gemm_isa_name());
    /* gemm_choose's own measurement: every candidate interleaved round by round, medians */
    double ms[GEMM_N_BACKENDS];
    gemm_choose(PRECISION_AUTO, s, n, rounds, ms);
    for (int be = 0; be < nb; be++) {
        printf("gemm backend=%s ms_per_step=%.3f gflops=%.1f", gemm_backend_name((GemmBackend)be), ms[be],
               flops / (ms[be] * 1e-3) * 1e-9);
        if (be > 0) printf(" kernels=%s,%s,%s", gemm_impl_name((GemmBackend)be, s[0]), gemm_impl_name((GemmBackend)be, s[1]),
                           gemm_impl_name((GemmBackend)be, s[n > 3 ? 3 : 2]));
        printf("\n");
    }
    return 0;
}
