/* nn_gemm.c: the GEMM layer (gemm.h) against a double-precision reference, on every back end this
 * machine runs (bf16: skipped with a message without AVX512-BF16 or AMX):
 *  - every transpose combination, odd shapes (1, 3, 17, 100 rows / cols / depth), row strides wider
 *    than the matrix, bias, accumulate into C. The error bound is relative to sum_k |a_ik b_kj|:
 *    1e-5 for fp32; for bf16 the reference multiplies the bf16-rounded operands (the products are
 *    exact in fp32, only the accumulation rounds), so 1e-5 too, and against the unrounded operands
 *    it must stay within bf16's 2^-8. A swapped transpose or stride is off by O(1).
 *  - the bf16 conversion: the vector path equals the scalar definition bit for bit (ties to even,
 *    subnormals to signed zero, NaN kept, overflow to infinity), at every length tail;
 *  - the request parser and gemm_resolve's refusal of bf16 where it cannot run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "flowchunk/check.h"
#include "flowchunk/gemm.h"
#include "flowchunk/rng.h"

static float at(const float *X, int ld, int t, int r, int c) { return t ? X[(size_t)c * ld + r] : X[(size_t)r * ld + c]; }

/* the worst |C - ref| / (sum |a b| + |bias| + |C0| + tiny) over C */
static double gemm_check(GemmBackend be, GemmShape s, int pad, int bias_on, int acc, int round_ref) {
    int ar = s.ta ? s.K : s.M, ac = s.ta ? s.M : s.K, br = s.tb ? s.N : s.K, bc = s.tb ? s.K : s.N;
    int lda = ac + pad, ldb = bc + pad, ldc = s.N + pad;
    float *A = calloc((size_t)ar * lda, 4), *B = calloc((size_t)br * ldb, 4), *C = calloc((size_t)s.M * ldc, 4);
    float *bias = malloc((size_t)s.N * 4), *C0 = malloc((size_t)s.M * ldc * 4);
    uint16_t *Ah = calloc((size_t)ar * lda, 2), *Bh = calloc((size_t)br * ldb, 2);
    Rng r;
    rng_seed(&r, (uint64_t)(s.M * 131 + s.N * 17 + s.K + s.ta * 7 + s.tb * 3 + pad + bias_on * 11 + acc * 5));
    for (size_t i = 0; i < (size_t)ar * lda; i++) A[i] = (float)(2 * rng_uniform(&r) - 1);
    for (size_t i = 0; i < (size_t)br * ldb; i++) B[i] = (float)(2 * rng_uniform(&r) - 1);
    for (int j = 0; j < s.N; j++) bias[j] = (float)(2 * rng_uniform(&r) - 1);
    for (size_t i = 0; i < (size_t)s.M * ldc; i++) C[i] = C0[i] = (float)(2 * rng_uniform(&r) - 1);
    gemm_to_bf16(Ah, A, (size_t)ar * lda);
    gemm_to_bf16(Bh, B, (size_t)br * ldb);
    if (be == GEMM_DNNL_BF16) gemm_bf16(s, Ah, lda, Bh, ldb, bias_on ? bias : NULL, acc, C, ldc);
    else gemm_f32(be, s, A, lda, B, ldb, bias_on ? bias : NULL, acc, C, ldc);
    double worst = 0;
    for (int i = 0; i < s.M; i++)
        for (int j = 0; j < s.N; j++) {
            double sum = 0, mag = 0;
            for (int k = 0; k < s.K; k++) {
                double a = at(A, lda, s.ta, i, k), b = at(B, ldb, s.tb, k, j);
                if (round_ref) {
                    a = gemm_bf16_to_f32(s.ta ? Ah[(size_t)k * lda + i] : Ah[(size_t)i * lda + k]);
                    b = gemm_bf16_to_f32(s.tb ? Bh[(size_t)j * ldb + k] : Bh[(size_t)k * ldb + j]);
                }
                sum += a * b, mag += fabs(a * b);
            }
            double c0 = C0[(size_t)i * ldc + j];
            if (bias_on) sum += bias[j], mag += fabs(bias[j]);
            if (acc) sum += c0, mag += fabs(c0);
            double e = fabs(C[(size_t)i * ldc + j] - sum) / (mag + 1e-30);
            if (e > worst) worst = e;
        }
    /* the padding columns of C are never written */
    for (int i = 0; i < s.M; i++)
        for (int j = s.N; j < ldc; j++) EXPECT(C[(size_t)i * ldc + j] == C0[(size_t)i * ldc + j], "%s wrote past N", gemm_backend_name(be));
    free(A), free(B), free(C), free(bias), free(C0), free(Ah), free(Bh);
    return worst;
}

static void test_products(GemmBackend be) {
    static const int sizes[][3] = {{1, 1, 1}, {3, 17, 5}, {17, 3, 100}, {100, 33, 17}, {64, 512, 104}, {256, 32, 512}};
    double worst = 0, worst_unrounded = 0;
    int n = 0;
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                for (int mode = 0; mode < 3; mode++) { /* plain, + bias, accumulate */
                    GemmShape s = {ta, tb, sizes[z][0], sizes[z][1], sizes[z][2]};
                    int pad = (int)(z % 2) * 3;
                    double e = gemm_check(be, s, pad, mode == 1, mode == 2, be == GEMM_DNNL_BF16);
                    EXPECT(e <= 1e-5, "%s %s%s M%d N%d K%d pad %d mode %d: relative error %.3g", gemm_backend_name(be),
                           ta ? "T" : "N", tb ? "T" : "N", s.M, s.N, s.K, pad, mode, e);
                    if (e > worst) worst = e;
                    if (be == GEMM_DNNL_BF16) {
                        double u = gemm_check(be, s, pad, mode == 1, mode == 2, 0);
                        EXPECT(u <= 1.01 / 256, "bf16 vs the unrounded operands: %.3g", u);
                        if (u > worst_unrounded) worst_unrounded = u;
                    }
                    n++;
                }
    printf("nn_gemm: %-12s %d products (NN/NT/TN/TT x bias/accumulate x 6 shapes), worst relative error %.2e%s",
           gemm_backend_name(be), n, worst, be == GEMM_DNNL_BF16 ? " vs the bf16 operands" : "");
    if (be == GEMM_DNNL_BF16) printf(", %.2e vs the fp32 ones", worst_unrounded);
    printf("; kernel %s\n", gemm_impl_name(be, (GemmShape){0, 1, 256, 512, 512}));
}

/* the swapped-transpose check has teeth: reading B as if not transposed is far off */
static void test_transpose_matters(void) {
    GemmShape s = {0, 1, 17, 17, 17};
    int n = 17 * 17;
    float *A = malloc(n * 4), *B = malloc(n * 4), *C1 = malloc(n * 4), *C2 = malloc(n * 4);
    for (int i = 0; i < n; i++) A[i] = (float)((i * 7) % 11) - 5, B[i] = (float)((i * 3) % 13) - 6;
    gemm_f32(GEMM_OPENBLAS, s, A, 17, B, 17, NULL, 0, C1, 17);
    s.tb = 0;
    gemm_f32(GEMM_OPENBLAS, s, A, 17, B, 17, NULL, 0, C2, 17);
    double d = 0;
    for (int i = 0; i < n; i++) d += fabs(C1[i] - C2[i]);
    EXPECT(d > 100, "a transposed B must change the product");
    free(A), free(B), free(C1), free(C2);
}

static void test_bf16_conversion(void) {
    float sp[] = {0.0f, -0.0f, 1.0f, -1.0f, 1e-40f, -1e-40f, 1.17549435e-38f, 3.3895314e38f, 3.4028235e38f,
                  INFINITY, -INFINITY, NAN, -NAN, 1.00390625f, 1.01171875f, 1.0078125f, 3.14159265f, 65504.0f};
    /* 1.00390625 = 1 + 2^-8: a tie, rounds to even (1.0); 1.01171875 = 1 + 3 * 2^-8: a tie, rounds up */
    enum { N = 1000 };
    float *x = malloc(N * 4);
    uint16_t *a = malloc(N * 2), *b = malloc(N * 2);
    Rng r;
    rng_seed(&r, 42);
    for (int i = 0; i < N; i++) {
        uint32_t u = (uint32_t)(rng_uniform(&r) * 4294967296.0);
        memcpy(&x[i], &u, 4); /* every bit pattern: NaNs, subnormals, infinities included */
        if (i < (int)(sizeof sp / sizeof sp[0])) x[i] = sp[i];
    }
    for (int len = 0; len <= 70; len++) {
        gemm_to_bf16(a, x, (size_t)len);
        gemm_to_bf16_ref(b, x, (size_t)len);
        EXPECT(!memcmp(a, b, (size_t)len * 2), "vector and scalar bf16 differ at length %d", len);
    }
    gemm_to_bf16(a, x, N);
    gemm_to_bf16_ref(b, x, N);
    EXPECT(!memcmp(a, b, N * 2), "vector and scalar bf16 differ");
    EXPECT(b[2] == 0x3f80 && b[3] == 0xbf80, "1 and -1");
    EXPECT(b[4] == 0x0000 && b[5] == 0x8000, "subnormals become signed zeros, got %04x %04x", b[4], b[5]);
    EXPECT(b[8] == 0x7f80 && b[9] == 0x7f80 && b[10] == 0xff80, "FLT_MAX rounds to inf; inf stays");
    EXPECT((b[11] & 0x7f80) == 0x7f80 && (b[11] & 0x7f), "NaN stays NaN");
    EXPECT(b[13] == 0x3f80, "a tie rounds to even (down), got %04x", b[13]);
    EXPECT(b[14] == 0x3f82, "a tie rounds to even (up), got %04x", b[14]);
    for (int i = 0; i < N; i++) {
        float back = gemm_bf16_to_f32(b[i]);
        if (isfinite(x[i]) && fabsf(x[i]) >= 1.17549435e-38f && fabsf(x[i]) < 3.38e38f)
            EXPECT(fabsf(back - x[i]) <= fabsf(x[i]) / 256, "bf16(%g) = %g: more than half a bf16 ulp", x[i], back);
    }
    free(x), free(a), free(b);
    printf("nn_gemm: bf16 conversion: %s path = scalar definition at lengths 0..70 and on 1000 bit patterns\n",
           __builtin_cpu_supports("avx512bf16") ? "AVX512-BF16" : "scalar");
}

static void test_requests(void) {
    Precision p;
    int pinned;
    GemmBackend be;
    EXPECT(gemm_request_parse("auto", &p, &pinned) == 0 && p == PRECISION_AUTO && pinned == -1);
    EXPECT(gemm_request_parse("bf16", &p, &pinned) == 0 && p == PRECISION_BF16 && pinned == -1);
    EXPECT(gemm_request_parse("openblas", &p, &pinned) == 0 && p == PRECISION_FP32 && pinned == GEMM_OPENBLAS);
    EXPECT(gemm_request_parse("onednn-bf16", &p, &pinned) == 0 && p == PRECISION_BF16 && pinned == GEMM_DNNL_BF16);
    EXPECT(gemm_request_parse("fp16", &p, &pinned) == -1);
    int rc = gemm_resolve(PRECISION_BF16, -1, NULL, 0, &be, NULL);
    if (gemm_bf16_supported()) EXPECT(rc == FC_OK && be == GEMM_DNNL_BF16);
    else EXPECT(rc == FC_ERR && strstr(fc_last_error(), "AVX512-BF16"), "bf16 must be refused here: %s", fc_last_error());
    GemmShape s = {0, 1, 64, 128, 128};
    double ms[GEMM_N_BACKENDS];
    EXPECT(gemm_resolve(PRECISION_FP32, -1, &s, 1, &be, ms) == FC_OK && be != GEMM_DNNL_BF16 && ms[0] > 0 && ms[1] > 0,
           "fp32 measures OpenBLAS and oneDNN fp32 and picks one of them");
}

int main(void) {
    printf("nn_gemm: oneDNN ISA %s\n", gemm_isa_name());
    test_products(GEMM_OPENBLAS);
    test_products(GEMM_DNNL_F32);
    if (gemm_bf16_supported()) test_products(GEMM_DNNL_BF16);
    else printf("nn_gemm: SKIP bf16 products: oneDNN reports %s (no AVX512-BF16 or AMX)\n", gemm_isa_name());
    test_transpose_matters();
    test_bf16_conversion();
    test_requests();
    if (failures) printf("nn_gemm: %d failures\n", failures);
    else printf("nn_gemm: ok\n");
    return failures ? 1 : 0;
}
