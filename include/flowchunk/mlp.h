/* mlp.h: a multilayer perceptron in the style of llm.c: one parameter allocation, gradients in
 * the same layout, forward/backward on the GEMM layer of gemm.h (OpenBLAS fp32 by default; oneDNN
 * fp32, or bf16 operands with fp32 accumulation: mlp_set_gemm). Two architectures, both with the
 * same Linear layers (depth hidden ones of width h, then the output one) and PyTorch's layout:
 *  MLP_PLAIN     nn.Sequential(Linear(in,h), Act, Linear(h,h), Act, ..., Linear(h,out)):
 *                "net.0.weight" (out,in) row-major like nn.Linear.weight, "net.0.bias", "net.2.weight",
 *                ... (Linear modules at even indices, activations between);
 *  MLP_RESIDUAL  pre-LayerNorm residual blocks (the deep MLPs of IDQL / BRO style policies):
 *                x1 = Act(inp(x)); x_{j+1} = x_j + Act(blocks.j.fc(blocks.j.norm(x_j))) for the
 *                depth-1 blocks; out = out(norm_out(x_depth)); names "inp.weight", "blocks.0.norm.weight",
 *                "blocks.0.norm.bias", "blocks.0.fc.weight", ..., "norm_out.weight", "out.weight".
 *                The skip path keeps gradients alive through many layers, the norms keep the
 *                stream's scale fixed. tests/ref/gen_nn_ref.py holds the PyTorch twin.
 * Implemented in src/mlp.c (+ LayerNorm in src/mlp_norm.c, activations in src/mlp_act.c). */
#ifndef FLOWCHUNK_MLP_H
#define FLOWCHUNK_MLP_H

#include <stddef.h>
#include <stdint.h>

#include "flowchunk/gemm.h"

#define MLP_MAX_LAYERS 16  /* linear layers: depth hidden layers + the output layer */

typedef enum { MLP_RELU = 0, MLP_SILU, MLP_MISH, MLP_GELU } MlpActivation;  /* GELU = exact erf */
typedef enum { MLP_PLAIN = 0, MLP_RESIDUAL } MlpArch;

typedef struct {
    int in_dim, out_dim;
    int hidden;           /* width of every hidden layer */
    int depth;            /* number of hidden layers (>= 0; 0 = one Linear in->out) */
    MlpActivation act;
    MlpArch arch;         /* MLP_RESIDUAL needs depth >= 1 */
} MlpConfig;

/* one parameter tensor inside the flat array */
typedef struct {
    char name[32];        /* PyTorch name, e.g. "net.2.weight" */
    size_t offset;        /* in floats, into params / grads / optimiser state */
    int ndim;             /* 2 for weights (out,in), 1 for biases (out) */
    int shape[2];
    size_t size;          /* number of floats */
} MlpTensor;

typedef struct {
    MlpConfig cfg;
    int n_layers;                     /* linear layers = depth + 1 */
    int dims[MLP_MAX_LAYERS + 1];     /* dims[0] = in_dim, ..., dims[n_layers] = out_dim */
    size_t n_params;
    float *params;                    /* ONE allocation, n_params floats */
    float *grads;                     /* same layout, accumulated by mlp_backward */
    int grads_borrowed;               /* grads is the caller's memory (mlp_use_grads), not freed here */
    float *W[MLP_MAX_LAYERS];         /* (dims[l+1], dims[l]) row-major, points into params */
    float *b[MLP_MAX_LAYERS];         /* (dims[l+1]) */
    float *dW[MLP_MAX_LAYERS];        /* gradients, point into grads */
    float *db[MLP_MAX_LAYERS];
    /* MLP_RESIDUAL: the LayerNorm in front of Linear l >= 1, gain and bias (dims[l]); else NULL */
    float *ln_g[MLP_MAX_LAYERS], *ln_b[MLP_MAX_LAYERS], *dln_g[MLP_MAX_LAYERS], *dln_b[MLP_MAX_LAYERS];
    int n_tensors;                    /* 2 * n_layers (+ 2 per LayerNorm) */
    MlpTensor tensors[4 * MLP_MAX_LAYERS];
    /* activation buffers, grown on demand to max_batch rows (see mlp_reserve) */
    int max_batch;
    int batch;                        /* rows of the last mlp_forward */
    float *x[MLP_MAX_LAYERS + 1];     /* x[l]: input of layer l (B, dims[l]); x[n_layers] unused */
    float *z[MLP_MAX_LAYERS];         /* z[l]: pre-activation of hidden layer l < n_layers-1 (B, dims[l+1]) */
    float *u[MLP_MAX_LAYERS];         /* MLP_RESIDUAL: u[l] = norm(x[l]), the input of Linear l >= 1 */
    float *xhat[MLP_MAX_LAYERS];      /* MLP_RESIDUAL: the normalised x[l] (B, dims[l]) and ... */
    float *rstd[MLP_MAX_LAYERS];      /* ... its 1/std per row (B), for backward */
    float *dbuf[3];                   /* (B, max dim) buffers for backward */
    float *act_mem;                   /* the one allocation behind x, z, dbuf */
    /* the GEMM back end of mlp_forward / mlp_backward (mlp_infer always runs rowgemm) and, for
     * GEMM_DNNL_BF16, the bf16 operands: the weights (all params, same layout), each Linear's
     * input (xh[l], (B, dims[l])) and the gradient at a Linear's output (gh, (B, max dim)) */
    GemmBackend gemm;
    uint16_t *params_h;               /* bf16(params), refreshed by mlp_forward but for ... */
    size_t params_h_lo, params_h_hi;  /* ... the range the optimiser's pass wrote since the last
                                       * forward (mlp_params_h_written; empty: lo == hi) */
    uint16_t *xh[MLP_MAX_LAYERS], *gh;
    uint16_t *h_mem;                  /* the allocation behind xh, gh */
    int infer_bf16;                   /* mlp_infer multiplies params_h (rowgemm_bf16) */
    uint16_t *infer_xh;               /* its bf16 row scratch */
} Mlp;

/* allocates and initialises like PyTorch's nn.Linear default (kaiming_uniform a=sqrt(5)):
 * W, b ~ U(-1/sqrt(in), 1/sqrt(in)), drawn from the sequential Rng seeded with `seed`, layer by
 * layer, weight (row-major) then bias. Gradients start at zero. */
void mlp_init(Mlp *m, const MlpConfig *cfg, uint64_t seed);
void mlp_free(Mlp *m);
/* moves the gradient into buf (n_params floats, zeroed here; owned by the caller, who keeps it
 * alive until mlp_free): the trainer's gradient then lives in the buffer of its gradient reduction
 * (dist_grad_buffer: the node's shared-memory window) and is summed where backward wrote it */
void mlp_use_grads(Mlp *m, float *buf);
/* selects the GEMM back end of training passes (default GEMM_OPENBLAS); GEMM_DNNL_BF16 needs
 * gemm_bf16_supported(). Master weights and gradients stay fp32 whatever the back end. */
void mlp_set_gemm(Mlp *m, GemmBackend be);
/* the caller wrote params_h[lo, hi) from the current params (the optimiser's fused pass); the
 * next mlp_forward converts only the rest (a sharded step's other slices, gathered) */
void mlp_params_h_written(Mlp *m, size_t lo, size_t hi);
/* on: mlp_infer runs on bf16 operands (rowgemm_bf16; needs gemm_bf16_supported), with the bf16
 * copy of the weights made here, once: call it again after changing the weights. off: fp32. */
void mlp_set_infer_bf16(Mlp *m, int on);
/* makes the activation buffers hold at least B rows (mlp_forward calls it) */
void mlp_reserve(Mlp *m, int B);
/* out (B, out_dim) = net(in (B, in_dim)); copies `in` and keeps what backward needs */
void mlp_forward(Mlp *m, float *out, const float *in, int B);
/* out (B, out_dim) = net(in) for inference: each output row is a fixed function of its input row
 * alone (rowgemm.h), bit-identical for any B and any position in the batch, unlike mlp_forward's
 * BLAS path (within ~1e-6 of it). Keeps nothing for backward; in may not alias out. */
void mlp_infer(Mlp *m, float *out, const float *in, int B);
/* backward of the last mlp_forward: ACCUMULATES dL/dparams into grads; writes dL/din (B, in_dim)
 * into din unless din is NULL. dout is (B, out_dim) and is not modified. */
void mlp_backward(Mlp *m, float *din, const float *dout, int B);
void mlp_zero_grad(Mlp *m);
/* the matrix products one training step of B rows runs (forward, weight and input gradients per
 * Linear) into s (>= 3 * MLP_MAX_LAYERS); returns their count */
int mlp_gemm_shapes(const Mlp *m, int B, GemmShape *s);
/* writes the PyTorch name of tensor `i` (0..n_tensors-1) into buf (>= 32 chars); returns buf */
const char *mlp_param_name(const Mlp *m, int i, char *buf);
/* the tensor called `name`, or NULL */
const MlpTensor *mlp_find_tensor(const Mlp *m, const char *name);
/* the first non-finite value of x (a flat array in m's layout): its tensor, *index set to the
 * position inside that tensor; NULL when every value is finite */
const MlpTensor *mlp_find_nonfinite(const Mlp *m, const float *x, size_t *index);
/* number of parameters of a config without allocating */
size_t mlp_count_params(const MlpConfig *cfg);
/* FLOPs of one forward pass over B rows (2*in*out per Linear per row; activations not counted) */
double mlp_forward_flops(const MlpConfig *cfg, int B);

/* LayerNorm over rows of n (mlp_norm.c): y = gamma * xhat + beta; xhat, rstd (B) kept for backward
 * unless NULL. Backward ACCUMULATES into dx, dgamma and dbeta (the residual stream adds up). */
void mlp_layernorm_forward(float *y, float *xhat, float *rstd, const float *x, const float *gamma,
                           const float *beta, int B, int n);
void mlp_layernorm_backward(float *dx, float *dgamma, float *dbeta, const float *dy, const float *xhat,
                            const float *rstd, const float *gamma, int B, int n);
/* "plain" | "residual"; the parser returns 0, or -1 if unknown */
const char *mlp_arch_name(MlpArch a);
int mlp_arch_parse(const char *s, MlpArch *a);

/* "relu" | "silu" | "mish" | "gelu" */
const char *mlp_activation_name(MlpActivation a);
/* parses a name above into *a; returns 0, or -1 if unknown */
int mlp_activation_parse(const char *s, MlpActivation *a);
/* the activation and its derivative on n values (exposed for tests and the benchmark):
 * y = act(z); dz = dy * act'(z) */
void mlp_act_forward(MlpActivation a, float *y, const float *z, size_t n);
void mlp_act_backward(MlpActivation a, float *dz, const float *dy, const float *z, size_t n);
/* the scalar definitions the vector kernels of mlp_act_forward/backward equal bit for bit */
void mlp_act_forward_ref(MlpActivation a, float *y, const float *z, size_t n);
void mlp_act_backward_ref(MlpActivation a, float *dz, const float *dy, const float *z, size_t n);

#endif
