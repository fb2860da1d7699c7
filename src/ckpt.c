/* ckpt.c: checkpoint files (see ckpt.h for the layout). Tensors go under /params, /ema and
 * /optim/{m,v} with the PyTorch names and shapes of the policy's MLP (mlp.h tensor table), so a
 * checkpoint loads into torch with {name: torch.from_numpy(f['params'][name][()])}. Every
 * hyperparameter is a root attribute; loading rebuilds the policy from them alone. */
#include "flowchunk/ckpt.h"
#include "flowchunk/cli.h"
#include "flowchunk/norm_h5.h"
#include "flowchunk/check.h"
#include "flowchunk/h5util.h"

#include <cjson/cJSON.h>
#include <hdf5.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing ------------------------------------------------------------------------------- */

/* one group of per-tensor datasets, `group`/<name>, from the flat array x */
static int ckpt_write_tensors(hid_t f, const char *group, const Policy *p, const float *x) {
    const Mlp *m = &p->net;
    for (int i = 0; i < m->n_tensors; i++) {
        const MlpTensor *t = &m->tensors[i];
        char name[128];
        snprintf(name, sizeof name, "%s/%s", group, t->name);
        hsize_t dims[2] = {(hsize_t)t->shape[0], (hsize_t)(t->ndim > 1 ? t->shape[1] : 0)};
        if (h5u_write(f, name, H5T_NATIVE_FLOAT, t->ndim, dims, x + t->offset, 0) != FC_OK) return FC_ERR;
    }
    return FC_OK;
}

/* ---- the attributes: one table for writing and reading ---------------------------------- */

/* how an attribute is stored: integers and enums' names, floats as doubles, strings */
typedef enum { A_INT, A_I64, A_FLT, A_DBL, A_STR, A_POLICY, A_OBS, A_ACT, A_ARCH, A_TIME, A_RESET, A_PREC, A_OPTIM } AttrType;
/* when it is there: always; optional (absent in older files: the field keeps its default); only
 * with a recorded evaluation protocol (protocol.episodes > 0) */
enum { A_REQUIRED = 0, A_OPTIONAL = 1, A_PROTOCOL = 2 };

typedef struct {
    const char *name;
    AttrType type;
    size_t offset, size;      /* of the CkptMeta field */
    int when;
} CkptAttr;

#define CA(name, type, field, when) {name, type, offsetof(CkptMeta, field), sizeof(((CkptMeta *)0)->field), when}
static const CkptAttr ckpt_attrs[] = {
    CA("policy_kind", A_POLICY, policy.kind, A_REQUIRED),
    CA("obs_kind", A_OBS, protocol.obs_kind, A_REQUIRED),
    CA("obs_dim", A_INT, policy.obs_dim, A_REQUIRED),
    CA("obs_steps", A_INT, protocol.obs_steps, A_REQUIRED),
    CA("horizon", A_INT, policy.horizon, A_REQUIRED),
    CA("action_dim", A_INT, policy.act_dim, A_REQUIRED),
    CA("n_action_steps", A_INT, protocol.n_action_steps, A_REQUIRED),
    CA("action_offset", A_INT, protocol.action_offset, A_REQUIRED),
    CA("pad", A_STR, pad, A_REQUIRED),
    CA("hidden", A_INT, policy.hidden, A_REQUIRED),
    CA("depth", A_INT, policy.depth, A_REQUIRED),
    CA("activation", A_ACT, policy.act, A_REQUIRED),
    CA("architecture", A_ARCH, policy.arch, A_OPTIONAL), /* absent before the residual nets: plain */
    CA("time_embed", A_TIME, policy.time_embed, A_REQUIRED),
    CA("n_freq", A_INT, policy.n_freq, A_REQUIRED),
    CA("flow_steps", A_INT, protocol.flow_steps, A_REQUIRED),
    CA("eval_reset", A_RESET, protocol.reset, A_PROTOCOL),
    CA("eval_seed", A_I64, protocol.seed_first, A_PROTOCOL),
    CA("eval_episodes", A_INT, protocol.episodes, A_PROTOCOL),
    CA("eval_max_steps", A_INT, protocol.max_steps, A_PROTOCOL),
    CA("eval_clip", A_INT, protocol.clip_actions, A_PROTOCOL),
    CA("eval_noise_seed", A_I64, protocol.noise_seed, A_PROTOCOL),
    CA("eval_noise_seeds", A_INT, protocol.noise_seeds, A_PROTOCOL),
    CA("eval_precision", A_PREC, protocol.precision, A_OPTIONAL), /* since bf16 inference: absent = fp32 */
    CA("optim", A_OPTIM, optim.kind, A_REQUIRED),
    CA("lr", A_FLT, optim.lr, A_REQUIRED),
    CA("beta1", A_FLT, optim.beta1, A_REQUIRED),
    CA("beta2", A_FLT, optim.beta2, A_REQUIRED),
    CA("eps", A_FLT, optim.eps, A_REQUIRED),
    CA("weight_decay", A_FLT, optim.weight_decay, A_REQUIRED),
    CA("momentum", A_FLT, optim.momentum, A_REQUIRED),
    CA("warmup_steps", A_I64, optim.warmup_steps, A_REQUIRED),
    CA("schedule_steps", A_I64, optim.total_steps, A_REQUIRED),
    CA("min_lr_ratio", A_FLT, optim.min_lr_ratio, A_REQUIRED),
    CA("grad_clip", A_FLT, optim.grad_clip, A_REQUIRED),
    CA("ema", A_INT, ema, A_REQUIRED),
    CA("batch", A_INT, batch, A_REQUIRED),
    CA("virtual_shards", A_INT, virtual_shards, A_REQUIRED),
    CA("n_trainers", A_INT, n_trainers, A_REQUIRED),
    CA("nodes", A_INT, nodes, A_OPTIONAL), /* the topology: recorded since multi-node runs (issue 16) */
    CA("trainers_per_node", A_STR, trainers_per_node, A_OPTIONAL),
    CA("reduction", A_STR, reduction, A_OPTIONAL),
    CA("precision", A_STR, precision, A_OPTIONAL),
    CA("gemm", A_STR, gemm, A_OPTIONAL), /* the GEMM back end, since the bf16 path (issue 20) */
    CA("seed", A_I64, seed, A_REQUIRED),
    CA("total_steps", A_I64, total_steps, A_REQUIRED),
    CA("step", A_I64, step, A_REQUIRED),
    CA("epoch", A_I64, epoch, A_REQUIRED),
    CA("epoch_step", A_I64, epoch_step, A_REQUIRED),
    CA("loader_fingerprint", A_I64, loader_fingerprint, A_REQUIRED),
    CA("n_windows", A_I64, n_windows, A_REQUIRED),
    CA("best_score", A_DBL, best_score, A_REQUIRED),
    CA("best_success_rate", A_DBL, best_success_rate, A_OPTIONAL), /* added within version 1 */
    CA("best_step", A_I64, best_step, A_REQUIRED),
    CA("log_loss_sum", A_DBL, log_loss_sum, A_OPTIONAL), /* the open metrics window a resume continues */
    CA("log_steps", A_I64, log_steps, A_OPTIONAL),
    CA("windows", A_STR, windows, A_REQUIRED),
};
#define CKPT_N_ATTRS (sizeof ckpt_attrs / sizeof ckpt_attrs[0])

/* an enum field's name, and the parser of that name (0, or -1 when unknown) */
static const char *ckpt_enum_name(AttrType t, int v) {
    switch (t) {
    case A_POLICY: return policy_kind_name((PolicyKind)v);
    case A_OBS: return pusht_obs_kind_name((PushtObsKind)v);
    case A_ACT: return mlp_activation_name((MlpActivation)v);
    case A_ARCH: return mlp_arch_name((MlpArch)v);
    case A_TIME: return policy_time_embed_name((TimeEmbed)v);
    case A_RESET: return pusht_reset_kind_name((PushtResetKind)v);
    case A_PREC: return precision_name((Precision)v);
    default: return optim_kind_name((OptimKind)v);
    }
}

static int ckpt_enum_parse(AttrType t, const char *s, void *field) {
    switch (t) {
    case A_POLICY: return policy_kind_parse(s, field);
    case A_OBS: return pusht_obs_kind_parse(s, field);
    case A_ACT: return mlp_activation_parse(s, field);
    case A_ARCH: return mlp_arch_parse(s, field);
    case A_TIME: return policy_time_embed_parse(s, field);
    case A_RESET: return pusht_reset_kind_parse(s, field);
    case A_PREC: return precision_parse(s, field);
    default: return optim_kind_parse(s, field);
    }
}

/* the field width each storage type expects (the table is checked against CkptMeta) */
static void ckpt_check_attr(const CkptAttr *at) {
    size_t want = at->type == A_I64 || at->type == A_DBL ? 8 : 4;
    FC_ASSERT(at->type == A_STR || at->size == want, "ckpt_attrs entries must match their CkptMeta field's width");
}

static int ckpt_write_attr(hid_t f, const CkptAttr *at, const void *field) {
    ckpt_check_attr(at);
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    switch (at->type) {
    case A_INT: memcpy(&i32, field, sizeof i32); return h5u_set_attr_int(f, at->name, i32);
    case A_I64: memcpy(&i64, field, sizeof i64); return h5u_set_attr_int(f, at->name, i64);
    case A_FLT: memcpy(&f32, field, sizeof f32); return h5u_set_attr_double(f, at->name, f32);
    case A_DBL: memcpy(&f64, field, sizeof f64); return h5u_set_attr_double(f, at->name, f64);
    case A_STR: return h5u_set_attr_str(f, at->name, field);
    default: memcpy(&i32, field, sizeof i32); return h5u_set_attr_str(f, at->name, ckpt_enum_name(at->type, i32));
    }
}

/* FC_OK, or FC_ERR when the attribute is missing or does not parse */
static int ckpt_read_attr(hid_t f, const CkptAttr *at, void *field) {
    ckpt_check_attr(at);
    int64_t i64 = 0;
    double f64 = 0;
    char s[64];
    switch (at->type) {
    case A_INT:
    case A_I64:
        if (h5u_get_attr_int(f, at->name, &i64) != FC_OK) return FC_ERR;
        if (at->type == A_INT) {
            int32_t i32 = (int32_t)i64;
            memcpy(field, &i32, sizeof i32);
        } else {
            memcpy(field, &i64, sizeof i64);
        }
        return FC_OK;
    case A_FLT:
    case A_DBL:
        if (h5u_get_attr_double(f, at->name, &f64) != FC_OK) return FC_ERR;
        if (at->type == A_FLT) {
            float f32 = (float)f64;
            memcpy(field, &f32, sizeof f32);
        } else {
            memcpy(field, &f64, sizeof f64);
        }
        return FC_OK;
    case A_STR: return h5u_get_attr_str(f, at->name, field, at->size);
    default:
        if (h5u_get_attr_str(f, at->name, s, sizeof s) != FC_OK) return FC_ERR;
        return ckpt_enum_parse(at->type, s, field) == 0 ? FC_OK : FC_ERR;
    }
}

static int ckpt_write_attrs(hid_t f, const CkptMeta *m) {
    int bad = 0;
    bad |= h5u_set_attr_str(f, "format", CKPT_FORMAT);
    bad |= h5u_set_attr_int(f, "version", CKPT_VERSION);
    for (size_t i = 0; i < CKPT_N_ATTRS; i++) {
        const CkptAttr *at = &ckpt_attrs[i];
        if (at->when == A_PROTOCOL && m->protocol.episodes <= 0) continue; /* none recorded */
        bad |= ckpt_write_attr(f, at, (const char *)m + at->offset);
    }
    bad |= h5u_set_attr_str(f, "rng", "philox4x32-10 keyed by (seed, stream, step, global slot); no sequential state");
    return bad ? FC_ERR : FC_OK;
}

int ckpt_write(const char *path, const CkptMeta *meta, const Policy *p, const CkptTensors *t) {
    char tmp[4400];
    hid_t f = h5u_create_atomic(path, tmp, sizeof tmp);
    if (f < 0) return FC_ERR;
    int rc = ckpt_write_attrs(f, meta);
    if (rc == FC_OK) rc = norm_h5_write(f, &meta->norm);
    if (rc == FC_OK) rc = ckpt_write_tensors(f, "params", p, t->params);
    if (rc == FC_OK && t->ema) rc = ckpt_write_tensors(f, "ema", p, t->ema);
    if (rc == FC_OK && t->optim) {
        int64_t step = t->optim->step;
        rc = h5u_write(f, "optim/step", H5T_NATIVE_INT64, 0, NULL, &step, 0);
        if (rc == FC_OK) rc = ckpt_write_tensors(f, "optim/m", p, t->optim->m);
        if (rc == FC_OK && t->optim->v) rc = ckpt_write_tensors(f, "optim/v", p, t->optim->v);
    }
    if (rc != FC_OK) {
        char msg[1200];
        snprintf(msg, sizeof msg, "%s", fc_last_error());
        h5u_abort_atomic(f, tmp);
        return fc_set_error("%s: %s", path, msg);
    }
    return h5u_commit_atomic(f, tmp, path);
}

/* ---- reading ------------------------------------------------------------------------------- */

static int ckpt_open(const char *path, hid_t *f) {
    *f = h5u_open_read(path);
    if (*f < 0) return FC_ERR;
    char fmt[64] = "";
    if (h5u_get_attr_str(*f, "format", fmt, sizeof fmt) != FC_OK || strcmp(fmt, CKPT_FORMAT) != 0) {
        H5Fclose(*f);
        return fc_set_error("%s: not a flowchunk checkpoint (format '%s', expected '%s')", path, fmt, CKPT_FORMAT);
    }
    int64_t v = 0;
    if (h5u_get_attr_int(*f, "version", &v) != FC_OK || v != CKPT_VERSION) {
        H5Fclose(*f);
        return fc_set_error("%s: checkpoint version %lld, this flowchunk reads version %d", path, (long long)v,
                            CKPT_VERSION);
    }
    return FC_OK;
}

static int ckpt_read_attrs(hid_t f, const char *path, CkptMeta *m) {
    memset(m, 0, sizeof *m);
    policy_config_default(&m->policy);
    m->policy.arch = MLP_PLAIN;
    rollout_config_dp(&m->protocol);
    m->protocol.episodes = 0; /* not recorded, unless the eval_* attributes say otherwise */
    int has_protocol = H5Aexists(f, "eval_reset") > 0;
    for (size_t i = 0; i < CKPT_N_ATTRS; i++) {
        const CkptAttr *at = &ckpt_attrs[i];
        int required = at->when == A_REQUIRED || (at->when == A_PROTOCOL && has_protocol);
        if (!required && H5Aexists(f, at->name) <= 0) continue;
        if (ckpt_read_attr(f, at, (char *)m + at->offset) != FC_OK)
            return fc_set_error("%s: checkpoint attribute '%s' is missing or invalid", path, at->name);
    }
    const EvalConfig *e = &m->protocol;
    if (has_protocol && (e->episodes < 1 || e->max_steps < 1 || e->noise_seeds < 1))
        return fc_set_error("%s: checkpoint attribute '%s' is missing or invalid", path, "eval_episodes");
    if (!isfinite(m->log_loss_sum) || m->log_steps <= 0) m->log_loss_sum = 0, m->log_steps = 0;
    if (norm_h5_read(f, path, &m->norm) != FC_OK) return FC_ERR;
    if (policy_config_check(&m->policy) != FC_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", fc_last_error());
        return fc_set_error("%s: stored policy config is unusable: %s", path, msg);
    }
    return FC_OK;
}

int ckpt_read_meta(const char *path, CkptMeta *meta) {
    hid_t f;
    if (ckpt_open(path, &f) != FC_OK) return FC_ERR;
    int rc = ckpt_read_attrs(f, path, meta);
    H5Fclose(f);
    return rc;
}

/* reads `group`/<name> of every tensor of p into the flat array x, checking shapes */
static int ckpt_read_tensors(hid_t f, const char *path, const char *group, const Policy *p, float *x) {
    const Mlp *m = &p->net;
    for (int i = 0; i < m->n_tensors; i++) {
        const MlpTensor *t = &m->tensors[i];
        char name[128];
        snprintf(name, sizeof name, "%s/%s", group, t->name);
        int64_t expect[2] = {t->shape[0], t->ndim > 1 ? t->shape[1] : 0};
        hsize_t d[H5U_MAX_RANK];
        void *buf = NULL;
        if (h5u_read_checked(f, path, name, H5T_NATIVE_FLOAT, t->ndim, expect, d, &buf) != FC_OK) return FC_ERR;
        memcpy(x + t->offset, buf, t->size * sizeof(float));
        free(buf);
    }
    /* a NaN/Inf weight would only surface as an assertion deep in a rollout on every rank */
    size_t k = 0;
    const MlpTensor *bad = mlp_find_nonfinite(m, x, &k);
    if (bad)
        return fc_set_error("%s: /%s/%s[%zu] is %g: refusing a checkpoint with non-finite values", path, group,
                            bad->name, k, (double)x[bad->offset + k]);
    return FC_OK;
}

static int ckpt_has(hid_t f, const char *name) {
    hsize_t d[H5U_MAX_RANK];
    return h5u_shape(f, name, d) >= 0;
}

int ckpt_load_policy(const char *path, Policy *p, CkptMeta *meta, int use_ema) {
    CkptMeta local;
    CkptMeta *m = meta ? meta : &local;
    hid_t f;
    if (ckpt_open(path, &f) != FC_OK) return FC_ERR;
    if (ckpt_read_attrs(f, path, m) != FC_OK) {
        H5Fclose(f);
        return FC_ERR;
    }
    policy_init(p, &m->policy, m->seed);
    char first[128];
    snprintf(first, sizeof first, "%s/%s", use_ema ? "ema" : "params", p->net.tensors[0].name);
    const char *group = use_ema && ckpt_has(f, first) ? "ema" : "params";
    int rc = ckpt_read_tensors(f, path, group, p, p->net.params);
    H5Fclose(f);
    if (rc != FC_OK) policy_free(p);
    return rc;
}

/* the checkpoint `path` (meta m) can continue a run of policy pc, optimiser `kind`, the loader
 * fingerprint and EMA on (nonzero) or off */
static int ckpt_check_resume(const char *path, const CkptMeta *m, const PolicyConfig *pc, OptimKind kind,
                             uint64_t fingerprint, int ema) {
    const PolicyConfig *a = &m->policy, *b = pc;
    if (a->kind != b->kind || a->obs_dim != b->obs_dim || a->horizon != b->horizon || a->hidden != b->hidden ||
        a->depth != b->depth || a->act != b->act || a->time_embed != b->time_embed || a->arch != b->arch ||
        (a->time_embed == TIME_SINUSOIDAL && a->n_freq != b->n_freq))
        return fc_set_error("%s: cannot resume: the checkpoint's policy (%s, %d x %d %s %s, time %s) differs from this "
                            "command line's (%s, %d x %d %s %s, time %s)",
                            path, policy_kind_name(a->kind), a->depth, a->hidden, mlp_activation_name(a->act),
                            mlp_arch_name(a->arch), policy_time_embed_name(a->time_embed), policy_kind_name(b->kind),
                            b->depth, b->hidden, mlp_activation_name(b->act), mlp_arch_name(b->arch),
                            policy_time_embed_name(b->time_embed));
    if (m->optim.kind != kind)
        return fc_set_error("%s: cannot resume: optimiser %s in the checkpoint, --optim %s given", path,
                            optim_kind_name(m->optim.kind), optim_kind_name(kind));
    if (m->loader_fingerprint != fingerprint)
        return fc_set_error("%s: cannot resume: the windows file, --batch, --virtual-shards or --seed differ from the "
                            "run that wrote the checkpoint (batch %d, %d shards, seed %llu)",
                            path, m->batch, m->virtual_shards, (unsigned long long)m->seed);
    if (m->ema != (ema != 0))
        return fc_set_error("%s: cannot resume: the checkpoint was trained with --ema %s", path, m->ema ? "on" : "off");
    return FC_OK;
}

int ckpt_load_train(const char *path, const Policy *p, float *params, float *ema, Optim *o) {
    hid_t f;
    if (ckpt_open(path, &f) != FC_OK) return FC_ERR;
    int rc = ckpt_read_tensors(f, path, "params", p, params);
    if (rc == FC_OK && ema) {
        char first[128];
        snprintf(first, sizeof first, "ema/%s", p->net.tensors[0].name);
        rc = ckpt_has(f, first) ? ckpt_read_tensors(f, path, "ema", p, ema)
                                : fc_set_error("%s: has no /ema (trained without EMA); resume with --ema off", path);
    }
    if (rc == FC_OK && o) {
        int64_t step = 0;
        if (!ckpt_has(f, "optim/step")) rc = fc_set_error("%s: has no optimiser state (/optim): cannot resume", path);
        else rc = h5u_read(f, "optim/step", H5T_NATIVE_INT64, &step);
        if (rc == FC_OK) rc = ckpt_read_tensors(f, path, "optim/m", p, o->m);
        if (rc == FC_OK && o->v) rc = ckpt_read_tensors(f, path, "optim/v", p, o->v);
        o->step = step;
    }
    H5Fclose(f);
    return rc;
}

int ckpt_resume(const char *path, CkptMeta *m, Policy *p, float *ema, Optim *o, uint64_t fingerprint) {
    if (ckpt_read_meta(path, m) != FC_OK) return FC_ERR;
    if (ckpt_check_resume(path, m, &p->cfg, o->cfg.kind, fingerprint, ema != NULL) != FC_OK) return FC_ERR;
    if (ckpt_load_train(path, p, p->net.params, ema, o) != FC_OK) return FC_ERR;
    if (o->step != m->step)
        return fc_set_error("%s: optimiser step %lld differs from the step attribute %lld", path, (long long)o->step,
                            (long long)m->step);
    return FC_OK;
}

uint64_t ckpt_hash_floats(const float *x, size_t n) {
    /* FNV-1a over 32-bit words instead of bytes (http://www.isthe.com/chongo/tech/comp/fnv/):
     * any change of any bit of any float changes the hash with overwhelming probability */
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        uint32_t w;
        memcpy(&w, x + i, sizeof w);
        h ^= w;
        h *= 1099511628211ULL;
    }
    return h ^ (uint64_t)n;
}

/* ---- describe ------------------------------------------------------------------------------ */

/* one attribute as a JSON member: integers and floats as numbers, enums by name, strings */
static void ckpt_attr_json(cJSON *o, const CkptAttr *at, const void *field) {
    ckpt_check_attr(at);
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    switch (at->type) {
    case A_INT: memcpy(&i32, field, sizeof i32); cJSON_AddNumberToObject(o, at->name, i32); break;
    case A_I64: memcpy(&i64, field, sizeof i64); cJSON_AddNumberToObject(o, at->name, (double)i64); break;
    case A_FLT: memcpy(&f32, field, sizeof f32); cJSON_AddNumberToObject(o, at->name, f32); break;
    case A_DBL: memcpy(&f64, field, sizeof f64); cJSON_AddNumberToObject(o, at->name, f64); break;
    case A_STR: cJSON_AddStringToObject(o, at->name, field); break;
    default: memcpy(&i32, field, sizeof i32); cJSON_AddStringToObject(o, at->name, ckpt_enum_name(at->type, i32));
    }
}

int ckpt_describe(const char *path, int json) {
    char fmt[64];
    if (h5u_file_format(path, fmt, sizeof fmt) != FC_OK) return FC_ERR;
    if (strcmp(fmt, CKPT_FORMAT) != 0) return -1;
    CkptMeta m;
    if (ckpt_read_meta(path, &m) != FC_OK) return FC_ERR;
    hid_t g = h5u_open_read(path);
    int has_ema = ckpt_has(g, "ema/net.0.weight"), has_optim = ckpt_has(g, "optim/step");
    H5Fclose(g);
    MlpConfig mc = {0};
    Policy probe;
    policy_init(&probe, &m.policy, 0);
    mc = probe.net.cfg;
    size_t n_params = probe.net.n_params;
    policy_free(&probe);
    if (json) { /* every recorded attribute under its stored name, then what the file's groups show */
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file", path);
        cJSON_AddStringToObject(o, "format", CKPT_FORMAT);
        cJSON_AddNumberToObject(o, "version", CKPT_VERSION);
        for (size_t i = 0; i < CKPT_N_ATTRS; i++) {
            const CkptAttr *at = &ckpt_attrs[i];
            if (at->when == A_PROTOCOL && m.protocol.episodes <= 0) continue; /* none recorded */
            ckpt_attr_json(o, at, (const char *)&m + at->offset);
        }
        cJSON_AddNumberToObject(o, "params", (double)n_params);
        cJSON_AddBoolToObject(o, "ema_weights", has_ema);
        cJSON_AddBoolToObject(o, "resumable", has_optim);
        cli_print_json(o);
        return FC_OK;
    }
    printf("%s: flowchunk checkpoint v%d, step %lld/%lld (epoch %lld)%s\n", path, CKPT_VERSION, (long long)m.step,
           (long long)m.total_steps, (long long)m.epoch, has_optim ? ", resumable" : ", evaluation only");
    printf("  policy      %s, %sMLP %d x %d %s, time %s, %zu parameters%s\n", policy_kind_name(m.policy.kind),
           mc.arch == MLP_RESIDUAL ? "residual " : "", mc.depth,
           mc.hidden, mlp_activation_name(mc.act), policy_time_embed_name(m.policy.time_embed), n_params,
           has_ema ? ", EMA weights" : "");
    const EvalConfig *e = &m.protocol;
    printf("  observation %s, To %d, horizon %d, Ta %d (offset %d), pad %s, %d flow steps\n",
           pusht_obs_kind_name(e->obs_kind), e->obs_steps, m.policy.horizon, e->n_action_steps, e->action_offset, m.pad,
           e->flow_steps);
    if (e->episodes > 0)
        printf("  evaluation  %s resets from seed %llu, %d episodes x %d noise draw(s) from noise seed %llu, max %d "
               "steps%s%s\n", pusht_reset_kind_name(e->reset), (unsigned long long)e->seed_first, e->episodes,
               e->noise_seeds, (unsigned long long)e->noise_seed, e->max_steps, e->clip_actions ? ", clipped" : "",
               e->precision == PRECISION_BF16 ? ", bf16 products" : "");
    printf("  training    %s lr %g wd %g warmup %lld, batch %d on %d trainer rank(s), seed %llu\n",
           optim_kind_name(m.optim.kind), m.optim.lr, m.optim.weight_decay, (long long)m.optim.warmup_steps, m.batch,
           m.n_trainers, (unsigned long long)m.seed);
    if (m.nodes > 0)
        printf("  topology    %d node(s), trainers per node %s, %s gradient reduction, %s products%s%s%s\n", m.nodes,
               m.trainers_per_node, m.reduction, m.precision, m.gemm[0] ? " (" : "", m.gemm, m.gemm[0] ? ")" : "");
    if (m.best_step >= 0) printf("  best eval   score %.4f at step %lld\n", m.best_score, (long long)m.best_step);
    printf("  windows     %s\n", m.windows);
    return FC_OK;
}
