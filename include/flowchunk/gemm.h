/* gemm.h: the matrix products of training, behind one call with three back ends, and the
 * precision choice. Row-major C (M, N) = op(A) (M, K) x op(B) (K, N) [+ bias] [+ C]:
 *  GEMM_OPENBLAS    fp32 cblas_sgemm (OpenBLAS), the reference;
 *  GEMM_DNNL_F32    fp32 through oneDNN's matmul (its brgemm kernels beat OpenBLAS's on some cores);
 *  GEMM_DNNL_BF16   bf16 operands, fp32 accumulation and output, through oneDNN (AVX512-BF16 or
 *                   AMX); the caller keeps bf16 copies of what it multiplies (gemm_to_bf16).
 * Which back end pays is a property of the machine (on a Xeon with AMX, AVX512-BF16 alone was
 * slower than fp32): gemm_choose measures the candidates on the caller's shapes at start-up.
 * oneDNN primitives are created once per shape and cached; oneDNN runs one thread (each MPI rank
 * is one core). For a fixed back end, shape and ISA every call gives the same bits.
 * Implemented in src/gemm.c. */
#ifndef FLOWCHUNK_GEMM_H
#define FLOWCHUNK_GEMM_H

#include <stddef.h>
#include <stdint.h>

typedef enum { GEMM_OPENBLAS = 0, GEMM_DNNL_F32, GEMM_DNNL_BF16 } GemmBackend;
#define GEMM_N_BACKENDS 3
/* what the user asks for (--precision): AUTO = the fastest back end gemm_choose measures */
typedef enum { PRECISION_AUTO = 0, PRECISION_FP32, PRECISION_BF16 } Precision;

/* one product's shape: op(A) is (M, K), op(B) is (K, N); ta/tb = 1 reads A/B transposed */
typedef struct {
    int ta, tb, M, N, K;
} GemmShape;

/* C = op(A) op(B) (+ bias[n] on every row when bias) (+ C when accumulate); fp32 operands.
 * be is GEMM_OPENBLAS or GEMM_DNNL_F32. lda, ldb, ldc: row strides of A, B, C as stored. */
void gemm_f32(GemmBackend be, GemmShape s, const float *A, int lda, const float *B, int ldb,
              const float *bias, int accumulate, float *C, int ldc);
/* the same with bf16 operands (uint16_t bit patterns), fp32 accumulation, bias and C */
void gemm_bf16(GemmShape s, const uint16_t *A, int lda, const uint16_t *B, int ldb,
               const float *bias, int accumulate, float *C, int ldc);

/* dst = bf16(src), round to nearest even with the AVX512-BF16 instruction's rules (subnormal
 * inputs become signed zeros, NaN stays NaN); the scalar path gives the same bits */
void gemm_to_bf16(uint16_t *dst, const float *src, size_t n);
void gemm_to_bf16_ref(uint16_t *dst, const float *src, size_t n);
static inline float gemm_bf16_to_f32(uint16_t h) {
    union { uint32_t u; float f; } v = {(uint32_t)h << 16};
    return v.f;
}

/* 1 if oneDNN runs bf16 matmuls in hardware here (AVX512-BF16 or AMX) */
int gemm_bf16_supported(void);
/* the ISA oneDNN dispatches to ("avx512_core_bf16", "avx512_core_amx", "avx2", ...) */
const char *gemm_isa_name(void);
/* the implementation oneDNN picked for a shape of a back end ("brg:avx512_core_bf16", ...;
 * "openblas" for GEMM_OPENBLAS) */
const char *gemm_impl_name(GemmBackend be, GemmShape s);

/* the back end for precision p on these shapes (the products of one training step): FP32 = the
 * faster of OpenBLAS and oneDNN fp32, BF16 = GEMM_DNNL_BF16 (the caller checks
 * gemm_bf16_supported), AUTO = the fastest of all three; the preferred one (bf16 where it runs,
 * else OpenBLAS) wins unless another is more than 15% faster. Times each candidate over `rounds`
 * interleaved rounds of all shapes (median); ms[be] gets each candidate's time per round of
 * shapes (0 if not measured) unless ms is NULL. Deterministic only in its result's use: ranks
 * must agree on one answer (the trainer broadcasts rank 0's). */
GemmBackend gemm_choose(Precision p, const GemmShape *shapes, int n_shapes, int rounds, double *ms);

/* a --precision value: "auto" | "fp32" | "bf16" (measured choices), or a back end's name, which
 * pins it (*pinned = the back end, else -1); 0, or -1 when unknown */
int gemm_request_parse(const char *s, Precision *p, int *pinned);
/* FC_OK, or FC_ERR with the reason set when the request needs bf16 hardware this machine lacks */
int gemm_check_request(Precision p, int pinned);
/* the back end a request asks for: the pinned one, else gemm_choose's; FC_ERR (with the reason
 * set) when it needs bf16 hardware this machine lacks */
int gemm_resolve(Precision p, int pinned, const GemmShape *shapes, int n_shapes, GemmBackend *be, double *ms);

/* "openblas" | "onednn-fp32" | "onednn-bf16";  "auto" | "fp32" | "bf16" */
const char *gemm_backend_name(GemmBackend be);
int gemm_backend_parse(const char *s, GemmBackend *be);
const char *precision_name(Precision p);
int precision_parse(const char *s, Precision *p);
/* the precision a back end computes in */
static inline Precision gemm_backend_precision(GemmBackend be) {
    return be == GEMM_DNNL_BF16 ? PRECISION_BF16 : PRECISION_FP32;
}

#endif
