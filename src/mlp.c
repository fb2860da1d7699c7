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
    return n;
}

double mlp_forward_flops(const MlpConfig *cfg, int B) {
    int L, dims[MLP_MAX_LAYERS + 1];
    mlp_fill_dims(cfg, &L, dims);
    double f = 0;
    for (int l = 0; l < L; l++) f += 2.0 * B * dims[l] * dims[l + 1];
    return f;
}

/* points W, b, dW, db into the flat arrays and fills the tensor table */
static void mlp_point_tensors(Mlp *m) {
    size_t off = 0;
    m->n_tensors = 0;
    for (int l = 0; l < m->n_layers; l++) {
        int in = m->dims[l], out = m->dims[l + 1];
        MlpTensor *tw = &m->tensors[m->n_tensors++];
        snprintf(tw->name, sizeof tw->name, "net.%d.weight", 2 * l);
        tw->offset = off; tw->ndim = 2; tw->shape[0] = out; tw->shape[1] = in;
        tw->size = (size_t)out * in;
        m->W[l] = m->params + off; m->dW[l] = m->grads + off;
        off += tw->size;
        MlpTensor *tb = &m->tensors[m->n_tensors++];
        snprintf(tb->name, sizeof tb->name, "net.%d.bias", 2 * l);
        tb->offset = off; tb->ndim = 1; tb->shape[0] = out; tb->shape[1] = 1;
        tb->size = (size_t)out;
        m->b[l] = m->params + off; m->db[l] = m->grads + off;
        off += tb->size;
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
    size_t per_row = (size_t)m->dims[0] + 2 * (size_t)maxd; /* x[0] and the two dbuf */
    for (int l = 0; l + 1 < L; l++) per_row += 2 * (size_t)m->dims[l + 1]; /* z[l], x[l+1] */
    free(m->act_mem);
    /* 64-byte aligned sub-buffers: round every row block up to 16 floats */
    size_t total = 0, rows = (size_t)B;
    total = per_row * rows + 16 * (size_t)(2 * L + 4);
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
    MLP_TAKE(m->dbuf[0], rows * maxd);
    MLP_TAKE(m->dbuf[1], rows * maxd);
#undef MLP_TAKE
    FC_ASSERT((size_t)(p - m->act_mem) <= total, "activation buffers must fit their allocation");
    m->max_batch = B;
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
        /* z = b (broadcast), then z += x W^T on sgemm */
        mlp_broadcast_bias(z, m->b[l], B, dout);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, dout, di, 1.0f, m->x[l], di,
                    m->W[l], di, 1.0f, z, dout);
        if (l + 1 < L) mlp_act_forward(m->cfg.act, m->x[l + 1], z, (size_t)B * dout);
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
        rowgemm(z, x, m->W[l], m->b[l], B, dout, di);
        if (l + 1 < L) mlp_act_forward(m->cfg.act, m->x[l + 1], z, (size_t)B * dout);
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

void mlp_backward(Mlp *m, float *din, const float *dout, int B) {
    FC_ASSERT(B == m->batch, "mlp_backward must follow an mlp_forward on the same batch");
    int L = m->n_layers;
    const float *g = dout;  /* dL/dz of the current layer (B, dims[l+1]) */
    for (int l = L - 1; l >= 0; l--) {
        int di = m->dims[l], d = m->dims[l + 1];
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, d, di, B, 1.0f, g, d, m->x[l], di,
                    1.0f, m->dW[l], di);
        mlp_bias_grad(m->db[l], g, B, d);
        if (m->grad_ready) m->grad_ready(m->grad_ready_ctx, l);
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
