/* mlp.c: the multilayer perceptron of mlp.h, llm.c style. Parameters and gradients are two flat
 * arrays with PyTorch's nn.Sequential layout; every Linear runs on one product of the GEMM layer
 * per pass (forward: 1, backward: 2; gemm.h), and the work between products is one sweep per row
 * while the row is in L1: bias is in the product (oneDNN) or broadcast before it (OpenBLAS), then
 * activation (+ skip, + the bf16 copy the next product reads); backward: activation gradient +
 * bias gradient + bf16 copy. Inference (mlp_infer) runs on rowgemm instead, whose rows do not
 * depend on each other.
 *   forward   z_l = x_l W_l^T + b_l,  x_{l+1} = act(z_l)          (last layer: out = z)
 *   backward  dW_l += g_l^T x_l,  db_l += sum_rows g_l,  dx_l = g_l W_l,  g_{l-1} = dx_l * act'(z_{l-1})
 * With GEMM_DNNL_BF16 the products read bf16 copies of W, x and g and accumulate in fp32; every
 * other operation (activations, LayerNorm, bias, the residual stream, gradients) stays fp32.
 * nn.Linear: https://pytorch.org/docs/1.13/generated/torch.nn.Linear.html */
#include "flowchunk/mlp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowchunk/check.h"
#include "flowchunk/rng.h"
#include "flowchunk/rowgemm.h"

static void mlp_fill_dims(const MlpConfig *cfg, int *n_layers, int *dims) {
    FC_ASSERT(cfg->in_dim >= 1 && cfg->out_dim >= 1, "an MLP needs positive input and output widths");
    FC_ASSERT(cfg->depth >= 0 && cfg->depth < MLP_MAX_LAYERS, "MLP depth must be in [0, MLP_MAX_LAYERS)");
    FC_ASSERT(cfg->depth == 0 || cfg->hidden >= 1, "an MLP with hidden layers needs a positive width");
    FC_ASSERT(cfg->arch == MLP_PLAIN || (cfg->arch == MLP_RESIDUAL && cfg->depth >= 1),
              "a residual MLP needs at least one hidden layer");
    *n_layers = cfg->depth + 1;
    dims[0] = cfg->in_dim;
    for (int l = 1; l <= cfg->depth; l++) dims[l] = cfg->hidden;
    dims[cfg->depth + 1] = cfg->out_dim;
}

size_t mlp_count_params(const MlpConfig *cfg) {
    int L, dims[MLP_MAX_LAYERS + 1];
    mlp_fill_dims(cfg, &L, dims);
    size_t n = 0;
    for (int l = 0; l < L; l++) n += (size_t)dims[l + 1] * dims[l] + dims[l + 1];
    if (cfg->arch == MLP_RESIDUAL) n += 2 * (size_t)cfg->hidden * (size_t)(L - 1); /* the LayerNorms */
    return n;
}

double mlp_forward_flops(const MlpConfig *cfg, int B) {
    int L, dims[MLP_MAX_LAYERS + 1];
    mlp_fill_dims(cfg, &L, dims);
    double f = 0;
    for (int l = 0; l < L; l++) f += 2.0 * B * dims[l] * dims[l + 1];
    return f;
}

/* appends a tensor of `size` floats at *off to the table; returns its offset */
static size_t mlp_add_tensor(Mlp *m, size_t *off, const char *name, int rows, int cols) {
    MlpTensor *t = &m->tensors[m->n_tensors++];
    FC_ASSERT(strlen(name) < sizeof t->name, "tensor names must fit MlpTensor.name");
    memcpy(t->name, name, strlen(name) + 1);
    t->offset = *off;
    t->ndim = cols > 0 ? 2 : 1;
    t->shape[0] = rows;
    t->shape[1] = cols > 0 ? cols : 1;
    t->size = (size_t)rows * (size_t)(cols > 0 ? cols : 1);
    *off += t->size;
    return t->offset;
}

/* points W, b, dW, db (and the LayerNorms) into the flat arrays and fills the tensor table, in
 * PyTorch's state_dict order */
static void mlp_point_tensors(Mlp *m) {
    size_t off = 0, o;
    char name[64]; /* names fit MlpTensor.name (32); the room silences -Wformat-truncation */
    m->n_tensors = 0;
    int res = m->cfg.arch == MLP_RESIDUAL, L = m->n_layers;
    for (int l = 0; l < L; l++) {
        int in = m->dims[l], out = m->dims[l + 1];
        const char *mod = "net";
        char blk[24];
        m->ln_g[l] = m->ln_b[l] = m->dln_g[l] = m->dln_b[l] = NULL;
        if (res) {
            if (l == 0) mod = "inp";
            else if (l + 1 == L) mod = "out";
            else snprintf(blk, sizeof blk, "blocks.%d", l - 1), mod = blk;
            if (l > 0) { /* the LayerNorm in front of Linear l */
                snprintf(name, sizeof name, l + 1 == L ? "norm_out.weight" : "%s.norm.weight", mod);
                o = mlp_add_tensor(m, &off, name, in, 0);
                m->ln_g[l] = m->params + o; m->dln_g[l] = m->grads + o;
                snprintf(name, sizeof name, l + 1 == L ? "norm_out.bias" : "%s.norm.bias", mod);
                o = mlp_add_tensor(m, &off, name, in, 0);
                m->ln_b[l] = m->params + o; m->dln_b[l] = m->grads + o;
            }
        }
        const char *fc = res && l > 0 && l + 1 < L ? ".fc" : "";
        if (res) snprintf(name, sizeof name, "%s%s.weight", mod, fc);
        else snprintf(name, sizeof name, "net.%d.weight", 2 * l);
        o = mlp_add_tensor(m, &off, name, out, in);
        m->W[l] = m->params + o; m->dW[l] = m->grads + o;
        if (res) snprintf(name, sizeof name, "%s%s.bias", mod, fc);
        else snprintf(name, sizeof name, "net.%d.bias", 2 * l);
        o = mlp_add_tensor(m, &off, name, out, 0);
        m->b[l] = m->params + o; m->db[l] = m->grads + o;
    }
    FC_ASSERT(off == m->n_params, "the tensor table must cover the parameter array exactly");
}

void mlp_init(Mlp *m, const MlpConfig *cfg, uint64_t seed) {
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    mlp_fill_dims(cfg, &m->n_layers, m->dims);
    m->n_params = mlp_count_params(cfg);
    m->params = fc_malloc(m->n_params * sizeof(float));
    m->grads = fc_calloc(m->n_params, sizeof(float));
    mlp_point_tensors(m);
    /* nn.Linear.reset_parameters: kaiming_uniform_(a=sqrt(5)) gives bound 1/sqrt(fan_in) for
     * the weight, and the bias uses the same bound */
    Rng r;
    rng_seed(&r, seed);
    for (int l = 0; l < m->n_layers; l++) {
        float bound = 1.0f / sqrtf((float)m->dims[l]);
        size_t nw = (size_t)m->dims[l + 1] * m->dims[l];
        for (size_t i = 0; i < nw; i++) m->W[l][i] = (float)(2.0 * rng_uniform(&r) - 1.0) * bound;
        for (int i = 0; i < m->dims[l + 1]; i++) m->b[l][i] = (float)(2.0 * rng_uniform(&r) - 1.0) * bound;
        if (m->ln_g[l]) /* nn.LayerNorm: weight 1, bias 0 */
            for (int i = 0; i < m->dims[l]; i++) m->ln_g[l][i] = 1.0f, m->ln_b[l][i] = 0.0f;
    }
}

void mlp_use_grads(Mlp *m, float *buf) {
    if (!m->grads_borrowed) free(m->grads);
    memset(buf, 0, m->n_params * sizeof(float));
    m->grads = buf;
    m->grads_borrowed = 1;
    mlp_point_tensors(m);
}

void mlp_free(Mlp *m) {
    free(m->params);
    if (!m->grads_borrowed) free(m->grads);
    free(m->act_mem);
    free(m->params_h);
    free(m->h_mem);
    free(m->infer_xh);
    memset(m, 0, sizeof *m);
}

void mlp_set_infer_bf16(Mlp *m, int on) {
    m->infer_bf16 = on != 0;
    if (!on) return;
    FC_ASSERT(gemm_bf16_supported(), "bf16 inference needs AVX512-BF16");
    if (!m->params_h) m->params_h = fc_malloc(m->n_params * sizeof(uint16_t));
    if (!m->infer_xh) {
        int maxd = 0;
        for (int l = 0; l <= m->n_layers; l++) maxd = m->dims[l] > maxd ? m->dims[l] : maxd;
        m->infer_xh = fc_malloc(rowgemm_bf16_scratch(maxd) * sizeof(uint16_t));
    }
    gemm_to_bf16(m->params_h, m->params, m->n_params);
}

void mlp_set_gemm(Mlp *m, GemmBackend be) {
    FC_ASSERT(be != GEMM_DNNL_BF16 || gemm_bf16_supported(), "the bf16 back end needs AVX512-BF16 or AMX");
    m->gemm = be;
    if (be == GEMM_DNNL_BF16 && !m->params_h) m->params_h = fc_malloc(m->n_params * sizeof(uint16_t));
    m->params_h_lo = m->params_h_hi = 0;
    int B = m->max_batch;
    m->max_batch = 0; /* re-reserve: the bf16 buffers come with the activation buffers */
    if (B > 0) mlp_reserve(m, B);
}

void mlp_reserve(Mlp *m, int B) {
    FC_ASSERT(B >= 1, "a batch needs at least one row");
    if (B <= m->max_batch) return;
    int L = m->n_layers, maxd = 0;
    for (int l = 0; l <= L; l++) if (m->dims[l] > maxd) maxd = m->dims[l];
    int res = m->cfg.arch == MLP_RESIDUAL;
    size_t per_row = (size_t)m->dims[0] + 3 * (size_t)maxd; /* x[0] and the three dbuf */
    for (int l = 0; l + 1 < L; l++) per_row += 2 * (size_t)m->dims[l + 1]; /* z[l], x[l+1] */
    for (int l = 1; res && l < L; l++) per_row += 2 * (size_t)m->dims[l] + 1; /* u[l], xhat[l], rstd[l] */
    free(m->act_mem);
    /* 64-byte aligned sub-buffers: round every row block up to 16 floats */
    size_t total = 0, rows = (size_t)B;
    total = per_row * rows + 16 * (size_t)(5 * L + 5);
    m->act_mem = fc_malloc(total * sizeof(float));
    float *p = m->act_mem;
#define MLP_TAKE(dst, nfloat) do { (dst) = p; p += ((nfloat) + 15) & ~(size_t)15; } while (0)
    MLP_TAKE(m->x[0], rows * m->dims[0]);
    for (int l = 0; l + 1 < L; l++) {
        MLP_TAKE(m->z[l], rows * m->dims[l + 1]);
        MLP_TAKE(m->x[l + 1], rows * m->dims[l + 1]);
    }
    m->x[L] = NULL;
    m->z[L - 1] = NULL;
    for (int l = 0; l < L; l++) m->u[l] = m->xhat[l] = m->rstd[l] = NULL;
    for (int l = 1; res && l < L; l++) {
        MLP_TAKE(m->u[l], rows * m->dims[l]);
        MLP_TAKE(m->xhat[l], rows * m->dims[l]);
        MLP_TAKE(m->rstd[l], rows);
    }
    MLP_TAKE(m->dbuf[0], rows * maxd);
    MLP_TAKE(m->dbuf[1], rows * maxd);
    MLP_TAKE(m->dbuf[2], rows * maxd);
#undef MLP_TAKE
    FC_ASSERT((size_t)(p - m->act_mem) <= total, "activation buffers must fit their allocation");
    free(m->h_mem);
    m->h_mem = NULL;
    for (int l = 0; l < L; l++) m->xh[l] = NULL;
    m->gh = NULL;
    if (m->gemm == GEMM_DNNL_BF16) { /* 32-element (64-byte) aligned blocks, as above */
        size_t nh = 32 * (size_t)(L + 1) + rows * maxd;
        for (int l = 0; l < L; l++) nh += rows * m->dims[l];
        m->h_mem = fc_malloc(nh * sizeof(uint16_t));
        uint16_t *q = m->h_mem;
        for (int l = 0; l < L; l++) m->xh[l] = q, q += (rows * m->dims[l] + 31) & ~(size_t)31;
        m->gh = q;
    }
    m->max_batch = B;
}

void mlp_params_h_written(Mlp *m, size_t lo, size_t hi) {
    FC_ASSERT(lo <= hi && hi <= m->n_params, "the written range must lie inside the parameters");
    m->params_h_lo = lo, m->params_h_hi = hi;
}

/* the weights' bf16 copy, but for what the optimiser wrote in its pass since the last forward */
static void mlp_refresh_params_h(Mlp *m) {
    size_t lo = m->params_h_lo, hi = m->params_h_hi;
    gemm_to_bf16(m->params_h, m->params, lo);
    gemm_to_bf16(m->params_h + hi, m->params + hi, m->n_params - hi);
    m->params_h_lo = m->params_h_hi = 0;
}

/* z (B, d) = gin (B, di) W^T + b on the back end; gin_h is gin's bf16 copy (bf16 back end) */
static void mlp_linear_forward(Mlp *m, int l, float *z, const float *gin, const uint16_t *gin_h, int B) {
    int di = m->dims[l], d = m->dims[l + 1];
    GemmShape s = {0, 1, B, d, di};
    if (m->gemm == GEMM_DNNL_BF16)
        gemm_bf16(s, gin_h, di, m->params_h + (m->W[l] - m->params), di, m->b[l], 0, z, d);
    else
        gemm_f32(m->gemm, s, gin, di, m->W[l], di, m->b[l], 0, z, d);
}

/* after hidden Linear l, row by row: x[l+1] = act(z[l]) (+ x[l], the skip of a residual block),
 * and for a plain net on the bf16 back end the bf16 copy of x[l+1], the next product's input */
static void mlp_hidden_forward(Mlp *m, int l, const float *x_prev, int B) {
    int d = m->dims[l + 1], skip = m->ln_g[l] != NULL;
    uint16_t *xh = (m->gemm == GEMM_DNNL_BF16 && !m->ln_g[l + 1]) ? m->xh[l + 1] : NULL;
    for (int i = 0; i < B; i++) {
        size_t o = (size_t)i * d;
        float *x = m->x[l + 1] + o;
        mlp_act_forward(m->cfg.act, x, m->z[l] + o, (size_t)d);
        if (skip) for (int j = 0; j < d; j++) x[j] += x_prev[o + j];
        if (xh) gemm_to_bf16(xh + o, x, (size_t)d);
    }
}

/* u[l] = LayerNorm(x[l]) in front of Linear l, row by row with its bf16 copy on the bf16 back end */
static void mlp_norm_forward(Mlp *m, int l, const float *x, float *xhat, float *rstd, int B) {
    int n = m->dims[l];
    uint16_t *uh = m->gemm == GEMM_DNNL_BF16 ? m->xh[l] : NULL;
    if (!uh) { mlp_layernorm_forward(m->u[l], xhat, rstd, x, m->ln_g[l], m->ln_b[l], B, n); return; }
    for (int i = 0; i < B; i++) {
        size_t o = (size_t)i * n;
        mlp_layernorm_forward(m->u[l] + o, xhat ? xhat + o : NULL, rstd ? rstd + i : NULL, x + o,
                              m->ln_g[l], m->ln_b[l], 1, n);
        gemm_to_bf16(uh + o, m->u[l] + o, (size_t)n);
    }
}

void mlp_forward(Mlp *m, float *out, const float *in, int B) {
    mlp_reserve(m, B);
    int L = m->n_layers;
    memcpy(m->x[0], in, (size_t)B * m->dims[0] * sizeof(float));
    if (m->gemm == GEMM_DNNL_BF16) {
        mlp_refresh_params_h(m);
        gemm_to_bf16(m->xh[0], in, (size_t)B * m->dims[0]);
    }
    for (int l = 0; l < L; l++) {
        float *z = (l + 1 < L) ? m->z[l] : out;
        const float *gin = m->x[l]; /* the Linear's input: x, or norm(x) in a residual block */
        if (m->ln_g[l]) {
            mlp_norm_forward(m, l, m->x[l], m->xhat[l], m->rstd[l], B);
            gin = m->u[l];
        }
        mlp_linear_forward(m, l, z, gin, m->xh[l], B);
        if (l + 1 < L) mlp_hidden_forward(m, l, m->x[l], B);
    }
    m->batch = B;
}

void mlp_infer(Mlp *m, float *out, const float *in, int B) {
    mlp_reserve(m, B);
    int L = m->n_layers;
    const float *x = in;
    for (int l = 0; l < L; l++) {
        int di = m->dims[l], dout = m->dims[l + 1];
        float *z = (l + 1 < L) ? m->z[l] : out;
        const float *gin = x;
        if (m->ln_g[l]) {
            mlp_layernorm_forward(m->u[l], NULL, NULL, x, m->ln_g[l], m->ln_b[l], B, di);
            gin = m->u[l];
        }
        if (m->infer_bf16) rowgemm_bf16(z, gin, m->params_h + (m->W[l] - m->params), m->b[l], B, dout, di, m->infer_xh);
        else rowgemm(z, gin, m->W[l], m->b[l], B, dout, di);
        if (l + 1 < L) mlp_act_forward(m->cfg.act, m->x[l + 1], z, (size_t)B * dout);
        if (l + 1 < L && m->ln_g[l])
            for (size_t i = 0; i < (size_t)B * dout; i++) m->x[l + 1][i] += x[i];
        x = m->x[l + 1];
    }
    m->batch = 0; /* the buffers no longer hold a forward that backward could use */
}

/* db (n) += sum over the B rows of g (B, n), and gh = bf16(g) unless gh is NULL */
static void mlp_bias_grad(float *db, uint16_t *gh, const float *g, int B, int n) {
    for (int i = 0; i < B; i++) {
        const float *gi = g + (size_t)i * n;
        for (int j = 0; j < n; j++) db[j] += gi[j];
        if (gh) gemm_to_bf16(gh + (size_t)i * n, gi, (size_t)n);
    }
}

/* row by row: dz = dy * act'(z[l]) (dz may alias dy), db[l] += dz, gh = bf16(dz) unless NULL:
 * the activation gradient and the bias gradient of hidden Linear l in one sweep */
static void mlp_act_bias_backward(Mlp *m, int l, float *dz, uint16_t *gh, const float *dy, int B) {
    int n = m->dims[l + 1];
    float *db = m->db[l];
    for (int i = 0; i < B; i++) {
        size_t o = (size_t)i * n;
        float *gi = dz + o;
        mlp_act_backward(m->cfg.act, gi, dy + o, m->z[l] + o, (size_t)n);
        for (int j = 0; j < n; j++) db[j] += gi[j];
        if (gh) gemm_to_bf16(gh + o, gi, (size_t)n);
    }
}

/* dW[l] += g^T gin, g (B, d) at Linear l's output (gh its bf16 copy), gin its input (B, di) */
static void mlp_weight_grad(Mlp *m, int l, const float *g, const float *gin, int B) {
    int di = m->dims[l], d = m->dims[l + 1];
    GemmShape s = {1, 0, d, di, B};
    if (m->gemm == GEMM_DNNL_BF16) gemm_bf16(s, m->gh, d, m->xh[l], di, NULL, 1, m->dW[l], di);
    else gemm_f32(m->gemm, s, g, d, gin, di, NULL, 1, m->dW[l], di);
}

/* dx (B, di) = g W[l] */
static void mlp_input_grad(Mlp *m, int l, float *dx, const float *g, int B) {
    int di = m->dims[l], d = m->dims[l + 1];
    GemmShape s = {0, 0, B, di, d};
    if (m->gemm == GEMM_DNNL_BF16) gemm_bf16(s, m->gh, d, m->params_h + (m->W[l] - m->params), di, NULL, 0, dx, di);
    else gemm_f32(m->gemm, s, g, d, m->W[l], di, NULL, 0, dx, di);
}

/* backward of a residual MLP. dbuf[0] = S, the gradient of the residual stream x[l], grows in
 * place: each block adds its LayerNorm's input gradient to the skip path's; dbuf[1] = dL/dz of
 * the current Linear, dbuf[2] = dL/d norm(x) */
static void mlp_backward_residual(Mlp *m, float *din, const float *dout, int B) {
    int L = m->n_layers;
    float *S = m->dbuf[0], *G = m->dbuf[1], *U = m->dbuf[2];
    const float *g = dout;
    mlp_bias_grad(m->db[L - 1], m->gh, dout, B, m->dims[L]);
    for (int l = L - 1; l >= 0; l--) {
        int di = m->dims[l];
        if (l + 1 < L) { /* x[l+1] = x[l] + act(z[l]) (l = 0: without the skip) */
            mlp_act_bias_backward(m, l, G, m->gh, S, B);
            g = G;
        }
        mlp_weight_grad(m, l, g, l > 0 ? m->u[l] : m->x[0], B);
        if (l == 0) {
            if (din) mlp_input_grad(m, 0, din, g, B);
            break;
        }
        mlp_input_grad(m, l, U, g, B);
        if (l + 1 == L) memset(S, 0, (size_t)B * di * sizeof(float)); /* the output layer has no skip */
        mlp_layernorm_backward(S, m->dln_g[l], m->dln_b[l], U, m->xhat[l], m->rstd[l], m->ln_g[l], B, di);
    }
}

void mlp_backward(Mlp *m, float *din, const float *dout, int B) {
    FC_ASSERT(B == m->batch, "mlp_backward must follow an mlp_forward on the same batch");
    if (m->cfg.arch == MLP_RESIDUAL) { mlp_backward_residual(m, din, dout, B); return; }
    int L = m->n_layers;
    const float *g = dout;  /* dL/dz of the current layer (B, dims[l+1]) */
    mlp_bias_grad(m->db[L - 1], m->gh, dout, B, m->dims[L]);
    for (int l = L - 1; l >= 0; l--) {
        mlp_weight_grad(m, l, g, m->x[l], B);
        if (l == 0 && !din) break;
        float *dx = (l == 0) ? din : m->dbuf[l & 1];
        mlp_input_grad(m, l, dx, g, B);
        if (l > 0) {
            mlp_act_bias_backward(m, l - 1, dx, m->gh, dx, B);
            g = dx;
        }
    }
}

int mlp_gemm_shapes(const Mlp *m, int B, GemmShape *s) {
    int n = 0;
    for (int l = 0; l < m->n_layers; l++) {
        int di = m->dims[l], d = m->dims[l + 1];
        s[n++] = (GemmShape){0, 1, B, d, di}; /* forward       z = x W^T */
        s[n++] = (GemmShape){1, 0, d, di, B}; /* weight grad  dW = g^T x */
        if (l > 0) s[n++] = (GemmShape){0, 0, B, di, d}; /* input grad dx = g W (none into the input) */
    }
    return n;
}

void mlp_zero_grad(Mlp *m) { memset(m->grads, 0, m->n_params * sizeof(float)); }

const char *mlp_param_name(const Mlp *m, int i, char *buf) {
    FC_ASSERT(i >= 0 && i < m->n_tensors, "tensor index out of range for this MLP");
    memcpy(buf, m->tensors[i].name, sizeof m->tensors[i].name);
    return buf;
}

const MlpTensor *mlp_find_tensor(const Mlp *m, const char *name) {
    for (int i = 0; i < m->n_tensors; i++)
        if (strcmp(m->tensors[i].name, name) == 0) return &m->tensors[i];
    return NULL;
}

const MlpTensor *mlp_find_nonfinite(const Mlp *m, const float *x, size_t *index) {
    for (int i = 0; i < m->n_tensors; i++) {
        const MlpTensor *t = &m->tensors[i];
        for (size_t k = 0; k < t->size; k++)
            if (!isfinite(x[t->offset + k])) {
                *index = k;
                return t;
            }
    }
    return NULL;
}

static const char *const mlp_arch_names[] = {"plain", "residual"};

const char *mlp_arch_name(MlpArch a) {
    FC_ASSERT((int)a >= 0 && (int)a < 2, "unknown MLP architecture");
    return mlp_arch_names[a];
}

int mlp_arch_parse(const char *s, MlpArch *a) {
    for (int i = 0; i < 2; i++)
        if (strcmp(s, mlp_arch_names[i]) == 0) { *a = (MlpArch)i; return 0; }
    return -1;
}

static const char *const mlp_act_names[] = {"relu", "silu", "mish", "gelu"};

const char *mlp_activation_name(MlpActivation a) {
    FC_ASSERT((int)a >= 0 && (int)a < 4, "unknown MLP activation");
    return mlp_act_names[a];
}

int mlp_activation_parse(const char *s, MlpActivation *a) {
    for (int i = 0; i < 4; i++)
        if (strcmp(s, mlp_act_names[i]) == 0) { *a = (MlpActivation)i; return 0; }
    return -1;
}
