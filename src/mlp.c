/* mlp.c: the multilayer perceptron of mlp.h, llm.c style. Parameters and gradients are two flat
 * arrays with PyTorch's nn.Sequential layout; every Linear runs on one cblas_sgemm per pass
 * (forward: 1, backward: 2), and the bias/activation work is fused into one sweep per layer.
 * Inference (mlp_infer) runs on rowgemm instead, whose rows do not depend on each other.
 *   forward   z_l = x_l W_l^T + b_l,  x_{l+1} = act(z_l)          (last layer: out = z)
 *   backward  dW_l += g_l^T x_l,  db_l += sum_rows g_l,  dx_l = g_l W_l,  g_{l-1} = dx_l * act'(z_{l-1})
 * nn.Linear: https://pytorch.org/docs/1.13/generated/torch.nn.Linear.html */
#include "flowchunk/mlp.h"

#include <cblas.h>
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
    memset(m, 0, sizeof *m);
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
    m->max_batch = B;
}

/* x_next += x: the skip connection of a residual block */
static void mlp_add_skip(float *x_next, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) x_next[i] += x[i];
}

/* C (B, out) = bias broadcast over rows */
static void mlp_broadcast_bias(float *c, const float *b, int B, int out) {
    for (int i = 0; i < B; i++) memcpy(c + (size_t)i * out, b, (size_t)out * sizeof(float));
}

void mlp_forward(Mlp *m, float *out, const float *in, int B) {
    mlp_reserve(m, B);
    int L = m->n_layers;
    memcpy(m->x[0], in, (size_t)B * m->dims[0] * sizeof(float));
    for (int l = 0; l < L; l++) {
        int di = m->dims[l], dout = m->dims[l + 1];
        float *z = (l + 1 < L) ? m->z[l] : out;
        const float *gin = m->x[l]; /* the Linear's input: x, or norm(x) in a residual block */
        if (m->ln_g[l]) {
            mlp_layernorm_forward(m->u[l], m->xhat[l], m->rstd[l], m->x[l], m->ln_g[l], m->ln_b[l], B, di);
            gin = m->u[l];
        }
        /* z = b (broadcast), then z += gin W^T on sgemm */
        mlp_broadcast_bias(z, m->b[l], B, dout);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, dout, di, 1.0f, gin, di,
                    m->W[l], di, 1.0f, z, dout);
        if (l + 1 < L) mlp_act_forward(m->cfg.act, m->x[l + 1], z, (size_t)B * dout);
        if (l + 1 < L && m->ln_g[l]) mlp_add_skip(m->x[l + 1], m->x[l], (size_t)B * dout);
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
        rowgemm(z, gin, m->W[l], m->b[l], B, dout, di);
        if (l + 1 < L) mlp_act_forward(m->cfg.act, m->x[l + 1], z, (size_t)B * dout);
        if (l + 1 < L && m->ln_g[l]) mlp_add_skip(m->x[l + 1], x, (size_t)B * dout);
        x = m->x[l + 1];
    }
    m->batch = 0; /* the buffers no longer hold a forward that backward could use */
}

/* db (n) += sum over the B rows of g (B, n) */
static void mlp_bias_grad(float *db, const float *g, int B, int n) {
    for (int i = 0; i < B; i++) {
        const float *gi = g + (size_t)i * n;
        for (int j = 0; j < n; j++) db[j] += gi[j];
    }
}

/* backward of a residual MLP. dbuf[0] = S, the gradient of the residual stream x[l], grows in
 * place: each block adds its LayerNorm's input gradient to the skip path's; dbuf[1] = dL/dz of
 * the current Linear, dbuf[2] = dL/d norm(x) */
static void mlp_backward_residual(Mlp *m, float *din, const float *dout, int B) {
    int L = m->n_layers;
    float *S = m->dbuf[0], *G = m->dbuf[1], *U = m->dbuf[2];
    const float *g = dout;
    for (int l = L - 1; l >= 0; l--) {
        int di = m->dims[l], d = m->dims[l + 1];
        if (l + 1 < L) { /* x[l+1] = x[l] + act(z[l]) (l = 0: without the skip) */
            mlp_act_backward(m->cfg.act, G, S, m->z[l], (size_t)B * d);
            g = G;
        }
        const float *gin = l > 0 ? m->u[l] : m->x[0];
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, d, di, B, 1.0f, g, d, gin, di, 1.0f, m->dW[l], di);
        mlp_bias_grad(m->db[l], g, B, d);
        if (l == 0) {
            if (din) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, di, d, 1.0f, g, d, m->W[0], di, 0.0f, din, di);
            break;
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, di, d, 1.0f, g, d, m->W[l], di, 0.0f, U, di);
        if (l + 1 == L) memset(S, 0, (size_t)B * di * sizeof(float)); /* the output layer has no skip */
        mlp_layernorm_backward(S, m->dln_g[l], m->dln_b[l], U, m->xhat[l], m->rstd[l], m->ln_g[l], B, di);
    }
}

void mlp_backward(Mlp *m, float *din, const float *dout, int B) {
    FC_ASSERT(B == m->batch, "mlp_backward must follow an mlp_forward on the same batch");
    if (m->cfg.arch == MLP_RESIDUAL) { mlp_backward_residual(m, din, dout, B); return; }
    int L = m->n_layers;
    const float *g = dout;  /* dL/dz of the current layer (B, dims[l+1]) */
    for (int l = L - 1; l >= 0; l--) {
        int di = m->dims[l], d = m->dims[l + 1];
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, d, di, B, 1.0f, g, d, m->x[l], di,
                    1.0f, m->dW[l], di);
        mlp_bias_grad(m->db[l], g, B, d);
        if (l == 0 && !din) break;
        float *dx = (l == 0) ? din : m->dbuf[l & 1];
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, di, d, 1.0f, g, d, m->W[l], di,
                    0.0f, dx, di);
        if (l > 0) {
            mlp_act_backward(m->cfg.act, dx, dx, m->z[l - 1], (size_t)B * di);
            g = dx;
        }
    }
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
