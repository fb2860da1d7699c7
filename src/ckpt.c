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

static int ckpt_write_attrs(hid_t f, const CkptMeta *m) {
    const PolicyConfig *pc = &m->policy;
    const OptimConfig *oc = &m->optim;
    int bad = 0;
    bad |= h5u_set_attr_str(f, "format", CKPT_FORMAT);
    bad |= h5u_set_attr_int(f, "version", CKPT_VERSION);
    bad |= h5u_set_attr_str(f, "policy_kind", policy_kind_name(pc->kind));
    bad |= h5u_set_attr_str(f, "obs_kind", m->obs_kind);
    bad |= h5u_set_attr_int(f, "obs_dim", pc->obs_dim);
    bad |= h5u_set_attr_int(f, "obs_steps", m->obs_steps);
    bad |= h5u_set_attr_int(f, "horizon", pc->horizon);
    bad |= h5u_set_attr_int(f, "action_dim", pc->act_dim);
    bad |= h5u_set_attr_int(f, "n_action_steps", m->n_action_steps);
    bad |= h5u_set_attr_int(f, "action_offset", m->action_offset);
    bad |= h5u_set_attr_str(f, "pad", m->pad);
    bad |= h5u_set_attr_int(f, "hidden", pc->hidden);
    bad |= h5u_set_attr_int(f, "depth", pc->depth);
    bad |= h5u_set_attr_str(f, "activation", mlp_activation_name(pc->act));
    bad |= h5u_set_attr_str(f, "architecture", mlp_arch_name(pc->arch));
    bad |= h5u_set_attr_str(f, "time_embed", policy_time_embed_name(pc->time_embed));
    bad |= h5u_set_attr_int(f, "n_freq", pc->n_freq);
    bad |= h5u_set_attr_int(f, "flow_steps", m->flow_steps);
    bad |= h5u_set_attr_str(f, "optim", optim_kind_name(oc->kind));
    bad |= h5u_set_attr_double(f, "lr", oc->lr);
    bad |= h5u_set_attr_double(f, "beta1", oc->beta1);
    bad |= h5u_set_attr_double(f, "beta2", oc->beta2);
    bad |= h5u_set_attr_double(f, "eps", oc->eps);
    bad |= h5u_set_attr_double(f, "weight_decay", oc->weight_decay);
    bad |= h5u_set_attr_double(f, "momentum", oc->momentum);
    bad |= h5u_set_attr_int(f, "warmup_steps", oc->warmup_steps);
    bad |= h5u_set_attr_int(f, "schedule_steps", oc->total_steps);
    bad |= h5u_set_attr_double(f, "min_lr_ratio", oc->min_lr_ratio);
    bad |= h5u_set_attr_double(f, "grad_clip", oc->grad_clip);
    bad |= h5u_set_attr_int(f, "ema", m->ema);
    bad |= h5u_set_attr_int(f, "batch", m->batch);
    bad |= h5u_set_attr_int(f, "virtual_shards", m->virtual_shards);
    bad |= h5u_set_attr_int(f, "n_trainers", m->n_trainers);
    bad |= h5u_set_attr_int(f, "nodes", m->nodes);
    bad |= h5u_set_attr_str(f, "trainers_per_node", m->trainers_per_node);
    bad |= h5u_set_attr_str(f, "reduction", m->reduction);
    bad |= h5u_set_attr_str(f, "precision", m->precision);
    bad |= h5u_set_attr_int(f, "seed", (int64_t)m->seed);
    bad |= h5u_set_attr_int(f, "total_steps", m->total_steps);
    bad |= h5u_set_attr_int(f, "step", m->step);
    bad |= h5u_set_attr_int(f, "epoch", m->epoch);
    bad |= h5u_set_attr_int(f, "epoch_step", m->epoch_step);
    bad |= h5u_set_attr_int(f, "loader_fingerprint", (int64_t)m->loader_fingerprint);
    bad |= h5u_set_attr_int(f, "n_windows", m->n_windows);
    bad |= h5u_set_attr_double(f, "best_score", m->best_score);
    bad |= h5u_set_attr_double(f, "best_success_rate", m->best_success_rate);
    bad |= h5u_set_attr_int(f, "best_step", m->best_step);
    bad |= h5u_set_attr_double(f, "log_loss_sum", m->log_loss_sum);
    bad |= h5u_set_attr_int(f, "log_steps", m->log_steps);
    bad |= h5u_set_attr_str(f, "windows", m->windows);
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

/* attribute getters that remember the first failure */
typedef struct {
    hid_t f;
    int bad;
    char first[128];
} Attrs;

static void at_fail(Attrs *a, const char *name) {
    if (!a->bad) snprintf(a->first, sizeof a->first, "%s", name);
    a->bad = 1;
}
static int64_t at_int(Attrs *a, const char *name) {
    int64_t v = 0;
    if (h5u_get_attr_int(a->f, name, &v) != FC_OK) at_fail(a, name);
    return v;
}
static double at_dbl(Attrs *a, const char *name) {
    double v = 0;
    if (h5u_get_attr_double(a->f, name, &v) != FC_OK) at_fail(a, name);
    return v;
}
static void at_str(Attrs *a, const char *name, char *out, size_t n) {
    out[0] = '\0';
    if (h5u_get_attr_str(a->f, name, out, n) != FC_OK) at_fail(a, name);
}

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
    Attrs a = {f, 0, ""};
    char s[64];
    PolicyConfig *pc = &m->policy;
    policy_config_default(pc);
    at_str(&a, "policy_kind", s, sizeof s);
    if (!a.bad && policy_kind_parse(s, &pc->kind) != 0) at_fail(&a, "policy_kind");
    at_str(&a, "obs_kind", m->obs_kind, sizeof m->obs_kind);
    pc->obs_dim = (int)at_int(&a, "obs_dim");
    m->obs_steps = (int)at_int(&a, "obs_steps");
    pc->horizon = (int)at_int(&a, "horizon");
    pc->act_dim = (int)at_int(&a, "action_dim");
    m->n_action_steps = (int)at_int(&a, "n_action_steps");
    m->action_offset = (int)at_int(&a, "action_offset");
    at_str(&a, "pad", m->pad, sizeof m->pad);
    pc->hidden = (int)at_int(&a, "hidden");
    pc->depth = (int)at_int(&a, "depth");
    at_str(&a, "activation", s, sizeof s);
    if (!a.bad && mlp_activation_parse(s, &pc->act) != 0) at_fail(&a, "activation");
    pc->arch = MLP_PLAIN; /* checkpoints written before the residual architecture carry no attribute */
    if (H5Aexists(f, "architecture") > 0) {
        at_str(&a, "architecture", s, sizeof s);
        if (!a.bad && mlp_arch_parse(s, &pc->arch) != 0) at_fail(&a, "architecture");
    }
    at_str(&a, "time_embed", s, sizeof s);
    if (!a.bad && policy_time_embed_parse(s, &pc->time_embed) != 0) at_fail(&a, "time_embed");
    pc->n_freq = (int)at_int(&a, "n_freq");
    m->flow_steps = (int)at_int(&a, "flow_steps");
    OptimConfig *oc = &m->optim;
    at_str(&a, "optim", s, sizeof s);
    if (!a.bad && optim_kind_parse(s, &oc->kind) != 0) at_fail(&a, "optim");
    oc->lr = (float)at_dbl(&a, "lr");
    oc->beta1 = (float)at_dbl(&a, "beta1");
    oc->beta2 = (float)at_dbl(&a, "beta2");
    oc->eps = (float)at_dbl(&a, "eps");
    oc->weight_decay = (float)at_dbl(&a, "weight_decay");
    oc->momentum = (float)at_dbl(&a, "momentum");
    oc->warmup_steps = at_int(&a, "warmup_steps");
    oc->total_steps = at_int(&a, "schedule_steps");
    oc->min_lr_ratio = (float)at_dbl(&a, "min_lr_ratio");
    oc->grad_clip = (float)at_dbl(&a, "grad_clip");
    m->ema = (int)at_int(&a, "ema");
    m->batch = (int)at_int(&a, "batch");
    m->virtual_shards = (int)at_int(&a, "virtual_shards");
    m->n_trainers = (int)at_int(&a, "n_trainers");
    m->seed = (uint64_t)at_int(&a, "seed");
    m->total_steps = at_int(&a, "total_steps");
    m->step = at_int(&a, "step");
    m->epoch = at_int(&a, "epoch");
    m->epoch_step = at_int(&a, "epoch_step");
    m->loader_fingerprint = (uint64_t)at_int(&a, "loader_fingerprint");
    m->n_windows = at_int(&a, "n_windows");
    m->best_score = at_dbl(&a, "best_score");
    /* added after the first checkpoints of version 1 were written: optional */
    if (h5u_get_attr_double(f, "best_success_rate", &m->best_success_rate) != FC_OK) m->best_success_rate = 0;
    int64_t nodes = 0; /* the topology: recorded since multi-node runs (issue 16) */
    m->nodes = h5u_get_attr_int(f, "nodes", &nodes) == FC_OK ? (int)nodes : 0;
    if (h5u_get_attr_str(f, "trainers_per_node", m->trainers_per_node, sizeof m->trainers_per_node) != FC_OK)
        m->trainers_per_node[0] = '\0';
    if (h5u_get_attr_str(f, "reduction", m->reduction, sizeof m->reduction) != FC_OK) m->reduction[0] = '\0';
    if (h5u_get_attr_str(f, "precision", m->precision, sizeof m->precision) != FC_OK) m->precision[0] = '\0';
    m->best_step = at_int(&a, "best_step");
    /* the open metrics window (optional: older checkpoints resume with an empty one) */
    if (h5u_get_attr_double(f, "log_loss_sum", &m->log_loss_sum) != FC_OK || !isfinite(m->log_loss_sum) ||
        h5u_get_attr_int(f, "log_steps", &m->log_steps) != FC_OK || m->log_steps < 0)
        m->log_loss_sum = 0, m->log_steps = 0;
    at_str(&a, "windows", m->windows, sizeof m->windows);
    if (a.bad) return fc_set_error("%s: checkpoint attribute '%s' is missing or invalid", path, a.first);
    if (norm_h5_read(f, path, &m->norm) != FC_OK) return FC_ERR;
    if (policy_config_check(pc) != FC_OK) {
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

int ckpt_check_resume(const char *path, const CkptMeta *m, const PolicyConfig *pc, OptimKind kind,
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

int ckpt_describe(const char *path, int json) {
    hid_t f = h5u_open_read(path);
    if (f < 0) return FC_ERR;
    char fmt[64] = "";
    h5u_get_attr_str(f, "format", fmt, sizeof fmt);
    H5Fclose(f);
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
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file", path);
        cJSON_AddStringToObject(o, "format", CKPT_FORMAT);
        cJSON_AddNumberToObject(o, "version", CKPT_VERSION);
        cJSON_AddStringToObject(o, "policy", policy_kind_name(m.policy.kind));
        cJSON_AddStringToObject(o, "obs_kind", m.obs_kind);
        cJSON_AddNumberToObject(o, "obs_steps", m.obs_steps);
        cJSON_AddNumberToObject(o, "horizon", m.policy.horizon);
        cJSON_AddNumberToObject(o, "n_action_steps", m.n_action_steps);
        cJSON_AddNumberToObject(o, "hidden", mc.hidden);
        cJSON_AddNumberToObject(o, "depth", mc.depth);
        cJSON_AddStringToObject(o, "activation", mlp_activation_name(mc.act));
        cJSON_AddStringToObject(o, "architecture", mlp_arch_name(mc.arch));
        cJSON_AddStringToObject(o, "time_embed", policy_time_embed_name(m.policy.time_embed));
        cJSON_AddNumberToObject(o, "params", (double)n_params);
        cJSON_AddNumberToObject(o, "step", (double)m.step);
        cJSON_AddNumberToObject(o, "total_steps", (double)m.total_steps);
        cJSON_AddNumberToObject(o, "epoch", (double)m.epoch);
        cJSON_AddNumberToObject(o, "batch", m.batch);
        cJSON_AddStringToObject(o, "optim", optim_kind_name(m.optim.kind));
        cJSON_AddNumberToObject(o, "lr", m.optim.lr);
        cJSON_AddBoolToObject(o, "ema", has_ema);
        cJSON_AddBoolToObject(o, "resumable", has_optim);
        cJSON_AddNumberToObject(o, "n_trainers", m.n_trainers);
        if (m.nodes > 0) {
            cJSON_AddNumberToObject(o, "nodes", m.nodes);
            cJSON_AddStringToObject(o, "trainers_per_node", m.trainers_per_node);
            cJSON_AddStringToObject(o, "reduction", m.reduction);
            cJSON_AddStringToObject(o, "precision", m.precision);
        }
        cJSON_AddNumberToObject(o, "best_score", m.best_score);
        cJSON_AddNumberToObject(o, "best_step", (double)m.best_step);
        cJSON_AddStringToObject(o, "windows", m.windows);
        cli_print_json(o);
        return FC_OK;
    }
    printf("%s: flowchunk checkpoint v%d, step %lld/%lld (epoch %lld)%s\n", path, CKPT_VERSION, (long long)m.step,
           (long long)m.total_steps, (long long)m.epoch, has_optim ? ", resumable" : ", evaluation only");
    printf("  policy      %s, %sMLP %d x %d %s, time %s, %zu parameters%s\n", policy_kind_name(m.policy.kind),
           mc.arch == MLP_RESIDUAL ? "residual " : "", mc.depth,
           mc.hidden, mlp_activation_name(mc.act), policy_time_embed_name(m.policy.time_embed), n_params,
           has_ema ? ", EMA weights" : "");
    printf("  observation %s, To %d, horizon %d, Ta %d (offset %d), pad %s, %d flow steps\n", m.obs_kind,
           m.obs_steps, m.policy.horizon, m.n_action_steps, m.action_offset, m.pad, m.flow_steps);
    printf("  training    %s lr %g wd %g warmup %lld, batch %d on %d trainer rank(s), seed %llu\n",
           optim_kind_name(m.optim.kind), m.optim.lr, m.optim.weight_decay, (long long)m.optim.warmup_steps, m.batch,
           m.n_trainers, (unsigned long long)m.seed);
    if (m.nodes > 0)
        printf("  topology    %d node(s), trainers per node %s, %s gradient reduction, %s\n", m.nodes,
               m.trainers_per_node, m.reduction, m.precision);
    if (m.best_step >= 0) printf("  best eval   score %.4f at step %lld\n", m.best_score, (long long)m.best_step);
    printf("  windows     %s\n", m.windows);
    return FC_OK;
}
