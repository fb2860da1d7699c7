/* train_ckpt_test.c: checkpoint round trip (ckpt.h). Writes a checkpoint with params, EMA,
 * AdamW state and every attribute, then checks that ckpt_read_meta returns the same metadata,
 * ckpt_load_policy rebuilds the policy with the EMA (or the live) weights bit for bit,
 * ckpt_load_train restores params/EMA/moments/step, tensor names and shapes are PyTorch's, an
 * evaluation-only checkpoint cannot be resumed, and a non-checkpoint is rejected clearly. */
#include "flowchunk/check.h"
#include "flowchunk/ckpt.h"
#include "flowchunk/h5util.h"
#include "expect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static void fill(float *x, size_t n, float base) {
    for (size_t i = 0; i < n; i++) x[i] = base + 1e-3f * (float)(i % 977) - 0.25f;
}

int main(void) {
    char dir[] = "/tmp/fc_ckpt_test.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char path[256], evalpath[256], other[256];
    snprintf(path, sizeof path, "%s/c.h5", dir);
    snprintf(evalpath, sizeof evalpath, "%s/e.h5", dir);
    snprintf(other, sizeof other, "%s/o.h5", dir);

    CkptMeta m;
    memset(&m, 0, sizeof m);
    policy_config_default(&m.policy);
    m.policy.obs_dim = 40;
    m.policy.horizon = 16;
    m.policy.hidden = 48;
    m.policy.depth = 2;
    m.policy.act = MLP_GELU;
    m.norm.obs_dim = 20;
    m.norm.act_dim = 2;
    for (int i = 0; i < 20; i++) m.norm.obs_min[i] = (float)i, m.norm.obs_max[i] = 100.0f + (float)i;
    m.norm.act_min[0] = 12, m.norm.act_max[0] = 511, m.norm.act_min[1] = 25, m.norm.act_max[1] = 511;
    m.protocol.obs_kind = PUSHT_OBS_KEYPOINTS;
    m.protocol.obs_steps = 2, m.protocol.n_action_steps = 8, m.protocol.action_offset = 1, m.protocol.flow_steps = 10;
    snprintf(m.pad, sizeof m.pad, "edge");
    snprintf(m.windows, sizeof m.windows, "/data/win.h5");
    optim_config_default(&m.optim, OPTIM_ADAMW);
    m.optim.lr = 3e-4f, m.optim.total_steps = 1000, m.optim.grad_clip = 1.0f;
    m.ema = 1, m.batch = 256, m.virtual_shards = 8, m.n_trainers = 2, m.seed = 42;
    m.total_steps = 1000, m.step = 123, m.epoch = 4, m.epoch_step = 17, m.loader_fingerprint = 0xfeedbeefcafe1234ULL;
    m.n_windows = 24208, m.best_score = 0.625, m.best_success_rate = 0.25, m.best_step = 100;

    Policy p;
    policy_init(&p, &m.policy, 1);
    size_t n = p.net.n_params;
    float *ema = malloc(n * sizeof(float));
    fill(ema, n, 0.5f);
    Optim o;
    optim_init(&o, &m.optim, n);
    fill(o.m, n, -0.1f);
    fill(o.v, n, 0.01f);
    o.step = 123;
    CkptTensors t = {p.net.params, ema, &o};
    EXPECT(ckpt_write(path, &m, &p, &t) == FC_OK, "ckpt_write: %s", fc_last_error());

    /* no temp file left behind */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp >/dev/null", dir);
    EXPECT(system(cmd) != 0, "a temp file is left in %s", dir);

    CkptMeta r;
    EXPECT(ckpt_read_meta(path, &r) == FC_OK, "ckpt_read_meta: %s", fc_last_error());
    EXPECT(memcmp(&r.policy, &m.policy, sizeof r.policy) == 0, "policy config differs");
    EXPECT(memcmp(&r.norm, &m.norm, sizeof r.norm) == 0, "norm differs");
    EXPECT(memcmp(&r.optim, &m.optim, sizeof r.optim) == 0, "optimiser config differs");
    EXPECT(r.protocol.obs_kind == PUSHT_OBS_KEYPOINTS && !strcmp(r.pad, "edge") && !strcmp(r.windows, "/data/win.h5"), "strings differ");
    EXPECT(r.protocol.obs_steps == 2 && r.protocol.n_action_steps == 8 && r.protocol.action_offset == 1 &&
           r.protocol.flow_steps == 10, "eval attributes differ");
    EXPECT(r.ema == 1 && r.batch == 256 && r.virtual_shards == 8 && r.n_trainers == 2 && r.seed == 42, "run attributes differ");
    EXPECT(r.step == 123 && r.epoch == 4 && r.epoch_step == 17 && r.loader_fingerprint == m.loader_fingerprint,
           "position differs");
    EXPECT(r.best_score == 0.625 && r.best_success_rate == 0.25 && r.best_step == 100 && r.n_windows == 24208 && r.total_steps == 1000, "bookkeeping differs");

    /* PyTorch names and shapes */
    hid_t f = h5u_open_read(path);
    hsize_t d[H5U_MAX_RANK];
    EXPECT(h5u_shape(f, "params/net.0.weight", d) == 2 && d[0] == 48 && d[1] == (hsize_t)p.net.dims[0],
           "/params/net.0.weight is not (out, in)");
    EXPECT(h5u_shape(f, "params/net.4.bias", d) == 1 && d[0] == 32, "/params/net.4.bias is not (H*2,)");
    EXPECT(h5u_shape(f, "ema/net.2.weight", d) == 2 && h5u_shape(f, "optim/v/net.2.weight", d) == 2, "ema/optim missing");
    EXPECT(h5u_shape(f, "norm/obs_min", d) == 1 && d[0] == 20, "/norm/obs_min missing");
    char s[64];
    EXPECT(h5u_get_attr_str(f, "format", s, sizeof s) == FC_OK && !strcmp(s, CKPT_FORMAT), "format attribute");
    H5Fclose(f);

    /* evaluation: the EMA weights by default, the live ones on request */
    Policy q;
    EXPECT(ckpt_load_policy(path, &q, NULL, 1) == FC_OK, "ckpt_load_policy: %s", fc_last_error());
    EXPECT(q.net.n_params == n && memcmp(q.net.params, ema, n * sizeof(float)) == 0, "EMA weights not loaded bit for bit");
    policy_free(&q);
    EXPECT(ckpt_load_policy(path, &q, NULL, 0) == FC_OK, "ckpt_load_policy raw: %s", fc_last_error());
    EXPECT(memcmp(q.net.params, p.net.params, n * sizeof(float)) == 0, "live weights not loaded bit for bit");
    EXPECT(ckpt_hash_floats(q.net.params, n) == ckpt_hash_floats(p.net.params, n), "hash differs on equal weights");
    q.net.params[n / 2] = nextafterf(q.net.params[n / 2], 1.0f);
    EXPECT(ckpt_hash_floats(q.net.params, n) != ckpt_hash_floats(p.net.params, n), "hash blind to a one-ulp change");
    policy_free(&q);

    /* resume */
    float *params2 = calloc(n, sizeof(float)), *ema2 = calloc(n, sizeof(float));
    Optim o2;
    optim_init(&o2, &m.optim, n);
    EXPECT(ckpt_load_train(path, &p, params2, ema2, &o2) == FC_OK, "ckpt_load_train: %s", fc_last_error());
    EXPECT(memcmp(params2, p.net.params, n * 4) == 0 && memcmp(ema2, ema, n * 4) == 0, "params/ema not restored");
    EXPECT(memcmp(o2.m, o.m, n * 4) == 0 && memcmp(o2.v, o.v, n * 4) == 0 && o2.step == 123, "optimiser not restored");

    /* an evaluation-only checkpoint (no optimiser) cannot be resumed, but evaluates */
    CkptTensors te = {p.net.params, NULL, NULL};
    m.ema = 0;
    EXPECT(ckpt_write(evalpath, &m, &p, &te) == FC_OK, "ckpt_write eval-only: %s", fc_last_error());
    EXPECT(ckpt_load_train(evalpath, &p, params2, NULL, &o2) == FC_ERR && strstr(fc_last_error(), "cannot resume"),
           "resuming an evaluation-only checkpoint: '%s'", fc_last_error());
    EXPECT(ckpt_load_policy(evalpath, &q, NULL, 1) == FC_OK, "eval-only load: %s", fc_last_error());
    EXPECT(memcmp(q.net.params, p.net.params, n * 4) == 0, "no /ema: the live weights must be evaluated");
    policy_free(&q);

    /* not a checkpoint */
    char tmp[512];
    hid_t g = h5u_create_atomic(other, tmp, sizeof tmp);
    h5u_set_attr_str(g, "format", "flowchunk-windows");
    h5u_commit_atomic(g, tmp, other);
    EXPECT(ckpt_read_meta(other, &r) == FC_ERR && strstr(fc_last_error(), "not a flowchunk checkpoint"),
           "a windows file read as a checkpoint: '%s'", fc_last_error());
    EXPECT(ckpt_describe(other, 0) == -1, "ckpt_describe should pass other formats on");
    EXPECT(ckpt_describe(path, 1) == FC_OK, "ckpt_describe --json: %s", fc_last_error());
    EXPECT(ckpt_read_meta("/nonexistent/x.h5", &r) == FC_ERR, "a missing file was read");

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "train_ckpt_test: could not remove %s\n", dir);
    free(ema), free(params2), free(ema2);
    optim_free(&o), optim_free(&o2), policy_free(&p);
    if (failures) return 1;
    printf("train_ckpt_test: ok (%zu parameters round-tripped)\n", n);
    return 0;
}
