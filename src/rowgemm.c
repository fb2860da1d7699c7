/* rowgemm.c: the batch-invariant linear layer of rowgemm.h. Each output element is an 8-lane
 * dot product with one fixed summation order, so a row's result never depends on the other rows of
 * the call. The AVX2 kernel works on tiles of 3 rows x 4 outputs (12 accumulators + 3 row vectors
 * + 1 weight vector = the 16 ymm registers); edge tiles run the same code with fewer rows or
 * outputs, so they compute the same values. W is read in its own (N, K) layout: nothing to pack
 * or keep in sync with the weights. Loop order (measured, benchmarks/RESULTS.md "Evaluation"): a
 * tile's 4 weight rows stay in L1 while the row tiles of a 96-row block stream from L2; at 50 rows
 * it runs the 512 x 512 layer ~1.15x as fast as OpenBLAS's sgemm here, and B=1 ~4.7x. */
#include "flowchunk/rowgemm.h"

#include <math.h>
#include <stddef.h>

#include "flowchunk/check.h"
#include "flowchunk/gemm.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define ROWGEMM_X86 1
#endif

void rowgemm_ref(float *y, const float *x, const float *W, const float *b, int B, int N, int K) {
    for (int i = 0; i < B; i++) {
        const float *xi = x + (size_t)i * K;
        for (int n = 0; n < N; n++) {
            const float *wn = W + (size_t)n * K;
            float lane[8] = {0};
            for (int k0 = 0; k0 < K; k0 += 8)
                for (int l = 0; l < 8; l++) {
                    int k = k0 + l;
                    lane[l] = k < K ? fmaf(xi[k], wn[k], lane[l]) : fmaf(0.0f, 0.0f, lane[l]);
                }
            float t[4];
            for (int j = 0; j < 4; j++) t[j] = lane[j] + lane[j + 4];
            float s = (t[0] + t[2]) + (t[1] + t[3]);
            y[(size_t)i * N + n] = s + (b ? b[n] : 0.0f);
        }
    }
}

#ifdef ROWGEMM_X86
#define AVX2 __attribute__((target("avx2,fma")))
#define ROWGEMM_MB 96 /* 96 rows x K 512 x 4 B = 192 KB of inputs */

/* one tile: R rows from x, Q outputs from W; R, Q are constants after inlining */
AVX2 static inline __attribute__((always_inline)) void
tile_avx2(float *y, const float *x, const float *W, const float *b, int N, int K, int R, int Q,
          __m256i tail_mask) {
    __m256 acc[3][4];
    _Pragma("GCC unroll 4") for (int r = 0; r < R; r++)
        _Pragma("GCC unroll 4") for (int q = 0; q < Q; q++) acc[r][q] = _mm256_setzero_ps();
    int k0 = 0;
    for (; k0 + 8 <= K; k0 += 8) {
        __m256 xv[3];
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) xv[r] = _mm256_loadu_ps(x + (size_t)r * K + k0);
        _Pragma("GCC unroll 4") for (int q = 0; q < Q; q++) {
            __m256 wv = _mm256_loadu_ps(W + (size_t)q * K + k0);
            _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) acc[r][q] = _mm256_fmadd_ps(xv[r], wv, acc[r][q]);
        }
    }
    if (k0 < K) { /* masked lanes load 0: fma(0, 0, acc), exactly as rowgemm_ref */
        __m256 xv[3];
        _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) xv[r] = _mm256_maskload_ps(x + (size_t)r * K + k0, tail_mask);
        _Pragma("GCC unroll 4") for (int q = 0; q < Q; q++) {
            __m256 wv = _mm256_maskload_ps(W + (size_t)q * K + k0, tail_mask);
            _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) acc[r][q] = _mm256_fmadd_ps(xv[r], wv, acc[r][q]);
        }
    }
    float bias[4] = {0};
    if (b) for (int q = 0; q < Q; q++) bias[q] = b[q];
    __m128 bv = _mm_loadu_ps(bias);
    _Pragma("GCC unroll 4") for (int r = 0; r < R; r++) {
        /* t_q[j] = lane[j] + lane[j+4]; transposed, c_j[q] = t_q[j]; s = (c0 + c2) + (c1 + c3) */
        __m128 t[4];
        _Pragma("GCC unroll 4") for (int q = 0; q < 4; q++)
            t[q] = q < Q ? _mm_add_ps(_mm256_castps256_ps128(acc[r][q]), _mm256_extractf128_ps(acc[r][q], 1))
                         : _mm_setzero_ps();
        _MM_TRANSPOSE4_PS(t[0], t[1], t[2], t[3]);
        __m128 s = _mm_add_ps(_mm_add_ps(t[0], t[2]), _mm_add_ps(t[1], t[3]));
        s = _mm_add_ps(s, bv);
        float out[4];
        _mm_storeu_ps(out, s);
        _Pragma("GCC unroll 4") for (int q = 0; q < Q; q++) y[(size_t)r * N + q] = out[q];
    }
}

AVX2 static void rowgemm_avx2(float *y, const float *x, const float *W, const float *b, int B, int N, int K) {
    int rem = K % 8;
    __m256i tail_mask = _mm256_setr_epi32(rem > 0 ? -1 : 0, rem > 1 ? -1 : 0, rem > 2 ? -1 : 0, rem > 3 ? -1 : 0,
                                          rem > 4 ? -1 : 0, rem > 5 ? -1 : 0, rem > 6 ? -1 : 0, 0);
    /* blocks of ROWGEMM_MB rows (their x stays in L2); inside, a tile's 4 weight rows stay in L1
     * while every row tile of the block passes */
    for (int mb = 0; mb < B; mb += ROWGEMM_MB) {
        int i_end = B - mb < ROWGEMM_MB ? B : mb + ROWGEMM_MB;
        for (int n0 = 0; n0 < N; n0 += 4) {
            int Q = N - n0 < 4 ? N - n0 : 4;
            const float *wn = W + (size_t)n0 * K, *bn = b ? b + n0 : NULL;
            for (int i0 = mb; i0 < i_end; i0 += 3) {
                int R = i_end - i0 < 3 ? i_end - i0 : 3;
                const float *xi = x + (size_t)i0 * K;
                float *yo = y + (size_t)i0 * N + n0;
                /* every (R, Q) is its own unrolled instance; the values do not depend on which */
#define ROWGEMM_TILE(r, q) tile_avx2(yo, xi, wn, bn, N, K, r, q, tail_mask)
                switch (R * 4 + Q) {
                case 3 * 4 + 4: ROWGEMM_TILE(3, 4); break;
                case 3 * 4 + 3: ROWGEMM_TILE(3, 3); break;
                case 3 * 4 + 2: ROWGEMM_TILE(3, 2); break;
                case 3 * 4 + 1: ROWGEMM_TILE(3, 1); break;
                case 2 * 4 + 4: ROWGEMM_TILE(2, 4); break;
                case 2 * 4 + 3: ROWGEMM_TILE(2, 3); break;
                case 2 * 4 + 2: ROWGEMM_TILE(2, 2); break;
                case 2 * 4 + 1: ROWGEMM_TILE(2, 1); break;
                case 1 * 4 + 4: ROWGEMM_TILE(1, 4); break;
                case 1 * 4 + 3: ROWGEMM_TILE(1, 3); break;
                case 1 * 4 + 2: ROWGEMM_TILE(1, 2); break;
                default: ROWGEMM_TILE(1, 1); break;
                }
#undef ROWGEMM_TILE
            }
        }
    }
}

static int rowgemm_has_avx2(void) {
    static int known = -1;
    if (known < 0) known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return known;
}
#endif

/* ---- bf16 operands (AVX512-BF16) -------------------------------------------------------------
 * y[i][n] = (16-lane vdpbf16ps chain over k in pairs, 32 k per step, x = w = 0 past K, from 0),
 * then _mm512_reduce_add_ps's fixed tree, + b[n]. Tiles of 3 rows x 8 outputs (24 accumulators,
 * 3 row vectors, 1 weight vector of the 32 zmm); like the fp32 kernel, every (R, Q) instance does
 * each output's operations in the same order, so a row's result does not depend on the batch. */
#ifdef ROWGEMM_X86
#define BF16 __attribute__((target("avx512f,avx512bw,avx512bf16")))
BF16 static inline __attribute__((always_inline)) void
tile_bf16(float *y, const uint16_t *x, int ldx, const uint16_t *W, const float *b, int N, int K, int R, int Q) {
    __m512 acc[3][8];
    _Pragma("GCC unroll 3") for (int r = 0; r < R; r++)
        _Pragma("GCC unroll 8") for (int q = 0; q < Q; q++) acc[r][q] = _mm512_setzero_ps();
    for (int k0 = 0; k0 < K; k0 += 32) {
        __mmask32 mk = K - k0 >= 32 ? 0xffffffffu : (1u << (K - k0)) - 1u;
        __m512bh xv[3];
        _Pragma("GCC unroll 3") for (int r = 0; r < R; r++) xv[r] = (__m512bh)_mm512_loadu_si512(x + (size_t)r * ldx + k0);
        _Pragma("GCC unroll 8") for (int q = 0; q < Q; q++) {
            __m512bh wv = (__m512bh)_mm512_maskz_loadu_epi16(mk, W + (size_t)q * K + k0);
            _Pragma("GCC unroll 3") for (int r = 0; r < R; r++) acc[r][q] = _mm512_dpbf16_ps(acc[r][q], xv[r], wv);
        }
    }
    _Pragma("GCC unroll 3") for (int r = 0; r < R; r++)
        _Pragma("GCC unroll 8") for (int q = 0; q < Q; q++)
            y[(size_t)r * N + q] = _mm512_reduce_add_ps(acc[r][q]) + (b ? b[q] : 0.0f);
}

BF16 static void rowgemm_bf16_avx512(float *y, const float *x, const uint16_t *Wh, const float *b, int B, int N,
                                     int K, uint16_t *xh) {
    int ldx = (K + 31) & ~31; /* rows of x in bf16, zero-padded to whole 32-element steps */
    for (int mb = 0; mb < B; mb += ROWGEMM_MB) {
        int i_end = B - mb < ROWGEMM_MB ? B : mb + ROWGEMM_MB;
        for (int i = mb; i < i_end; i++) {
            uint16_t *row = xh + (size_t)(i - mb) * ldx;
            gemm_to_bf16(row, x + (size_t)i * K, (size_t)K);
            for (int k = K; k < ldx; k++) row[k] = 0;
        }
        for (int n0 = 0; n0 < N; n0 += 8) {
            int Q = N - n0 < 8 ? N - n0 : 8;
            const uint16_t *wn = Wh + (size_t)n0 * K;
            const float *bn = b ? b + n0 : NULL;
            for (int i0 = mb; i0 < i_end; i0 += 3) {
                int R = i_end - i0 < 3 ? i_end - i0 : 3;
                const uint16_t *xi = xh + (size_t)(i0 - mb) * ldx;
                float *yo = y + (size_t)i0 * N + n0;
#define ROWGEMM_BF16_TILE(r) do { switch (Q) { \
    case 8: tile_bf16(yo, xi, ldx, wn, bn, N, K, r, 8); break; case 7: tile_bf16(yo, xi, ldx, wn, bn, N, K, r, 7); break; \
    case 6: tile_bf16(yo, xi, ldx, wn, bn, N, K, r, 6); break; case 5: tile_bf16(yo, xi, ldx, wn, bn, N, K, r, 5); break; \
    case 4: tile_bf16(yo, xi, ldx, wn, bn, N, K, r, 4); break; case 3: tile_bf16(yo, xi, ldx, wn, bn, N, K, r, 3); break; \
    case 2: tile_bf16(yo, xi, ldx, wn, bn, N, K, r, 2); break; default: tile_bf16(yo, xi, ldx, wn, bn, N, K, r, 1); } } while (0)
                if (R == 3) ROWGEMM_BF16_TILE(3);
                else if (R == 2) ROWGEMM_BF16_TILE(2);
                else ROWGEMM_BF16_TILE(1);
#undef ROWGEMM_BF16_TILE
            }
        }
    }
}
#endif

size_t rowgemm_bf16_scratch(int K) { return (size_t)ROWGEMM_MB * (size_t)((K + 31) & ~31); }

void rowgemm_bf16(float *y, const float *x, const uint16_t *Wh, const float *b, int B, int N, int K, uint16_t *xh) {
    if (B <= 0 || N <= 0) return;
#ifdef ROWGEMM_X86
    if (__builtin_cpu_supports("avx512bf16")) { rowgemm_bf16_avx512(y, x, Wh, b, B, N, K, xh); return; }
#endif
    fc_fatal("rowgemm_bf16 needs AVX512-BF16 (check gemm_bf16_supported first)");
}

void rowgemm(float *y, const float *x, const float *W, const float *b, int B, int N, int K) {
    if (B <= 0 || N <= 0) return;
#ifdef ROWGEMM_X86
    if (rowgemm_has_avx2()) { rowgemm_avx2(y, x, W, b, B, N, K); return; }
#endif
    rowgemm_ref(y, x, W, b, B, N, K);
}

const char *rowgemm_kernel(void) {
#ifdef ROWGEMM_X86
    if (rowgemm_has_avx2()) return "avx2";
#endif
    return "scalar";
}
