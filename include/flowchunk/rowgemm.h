/* rowgemm.h: the batch-invariant linear layer of inference, y = x W^T + b, in which every output
 * element is a fixed function of its own input row: the same bits whatever the batch size B, the
 * row's position in the batch, or the x86 vector ISA that runs it. BLAS gives no such promise (its
 * edge kernels and small-matrix paths depend on B), so an episode's actions would change with the
 * episodes it shares a batch with, i.e. with the evaluator rank count and with how many episodes
 * have already ended.
 *
 * The arithmetic, for y[i][n] (K = input width, x row i, W row n, both row-major):
 *   8 lanes, lane l = fma chain over k = l, l+8, l+16, ... < ceil8(K) (x = w = 0 past K), from 0;
 *   t[j] = lane[j] + lane[j+4] (j < 4);  s = (t[0] + t[2]) + (t[1] + t[3]);  y = s + b[n].
 * rowgemm_ref spells it out in scalar C (fmaf); the AVX2+FMA kernel computes the same values 3 rows
 * x 4 outputs at a time (tests/nn_rowgemm.c checks them bit for bit). Implemented in src/rowgemm.c. */
#ifndef FLOWCHUNK_ROWGEMM_H
#define FLOWCHUNK_ROWGEMM_H

#include <stddef.h>
#include <stdint.h>

/* y (B, N) = x (B, K) W^T + b, W (N, K) row-major (nn.Linear's layout), b (N) or NULL (zero).
 * Uses the fastest kernel this CPU runs (all give identical bits). y must not alias x. */
void rowgemm(float *y, const float *x, const float *W, const float *b, int B, int N, int K);
/* the same values from the portable scalar definition (slow: for tests and CPUs without AVX2) */
void rowgemm_ref(float *y, const float *x, const float *W, const float *b, int B, int N, int K);
/* the same layer with bf16 operands and fp32 accumulation (AVX512-BF16's vdpbf16ps): Wh is W in
 * bf16 (gemm_to_bf16), x is converted row by row into xh (rowgemm_bf16_scratch(K) elements).
 * Every output is again a fixed function of its own row (16 lanes over k in pairs, then a fixed
 * tree): batch-invariant as rowgemm, ~2x its arithmetic rate. Needs gemm_bf16_supported(). */
void rowgemm_bf16(float *y, const float *x, const uint16_t *Wh, const float *b, int B, int N, int K, uint16_t *xh);
size_t rowgemm_bf16_scratch(int K);
/* the kernel rowgemm uses here: "avx2" or "scalar" */
const char *rowgemm_kernel(void);

#endif
