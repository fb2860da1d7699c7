/* eval_torch_io.c: the flowchunk side of the PyTorch loading proof (tests/ref/torch_load_ckpt.py).
 * Loads CHECKPOINT.h5 with ckpt_load_policy (EMA unless --raw), takes the first decision of B
 * Push-T episodes (legacy resets of seeds 100000.., the reset observation repeated To times),
 * draws the engine's noise for that decision and writes to OUT.h5:
 *   /obs_raw f32 (B, To*frame_dim)  un-scaled observation histories
 *   /a0 f32 (B, H*2)                initial Euler noise (rng_key(0, SAMPLE, seed, 0))
 *   /actions f32 (B, H, 2)          un-scaled chunks: norm_scale -> policy_sample_explicit -> unscale
 *   /engine_action f64 (B, 2)       the first action rollout_eval executed in the same episodes
 *   attributes: flow_steps, weights ("ema"|"raw"), action_offset
 * The script rebuilds the network as a torch nn.Sequential from the checkpoint alone and must get
 * the same actions from obs_raw and a0.
 *   eval_torch_io CHECKPOINT.h5 OUT.h5 [--raw] [--batch B] [--flow-steps K] */
#include "flowchunk/check.h"
#include "flowchunk/ckpt.h"
#include "flowchunk/h5util.h"
#include "flowchunk/rng.h"
#include "flowchunk/rollout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *ckpt = NULL, *out = NULL;
    int raw = 0, B = 8, K = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--raw")) raw = 1;
        else if (!strcmp(argv[i], "--batch") && i + 1 < argc) B = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--flow-steps") && i + 1 < argc) K = atoi(argv[++i]);
        else if (!ckpt) ckpt = argv[i];
        else if (!out) out = argv[i];
        else { fprintf(stderr, "eval_torch_io: unexpected '%s'\n", argv[i]); return 2; }
    }
    if (!ckpt || !out || B < 1) {
        fprintf(stderr, "usage: eval_torch_io CHECKPOINT.h5 OUT.h5 [--raw] [--batch B] [--flow-steps K]\n");
        return 2;
    }
    Policy p;
    CkptMeta m;
    if (ckpt_load_policy(ckpt, &p, &m, !raw) != FC_OK) {
        fprintf(stderr, "eval_torch_io: %s\n", fc_last_error());
        return 1;
    }
    EvalConfig c;
    rollout_config_dp(&c);
    c.obs_kind = m.protocol.obs_kind;
    c.obs_steps = m.protocol.obs_steps;
    c.action_offset = m.protocol.action_offset;
    c.n_action_steps = 1;
    c.max_steps = 1;
    c.flow_steps = K > 0 ? K : m.protocol.flow_steps;
    c.episodes = B;
    if (rollout_config_check(&c, &p, &m.norm) != FC_OK) fc_fatal("%s", fc_last_error());

    const int fd = pusht_obs_dim(c.obs_kind), od = c.obs_steps * fd, C = p.chunk_dim, H = p.cfg.horizon;
    float *obs_raw = fc_malloc((size_t)B * od * sizeof(float)), *obs = fc_malloc((size_t)B * od * sizeof(float));
    float *a0 = fc_malloc((size_t)B * C * sizeof(float)), *chunk = fc_malloc((size_t)B * C * sizeof(float));
    float *act = fc_malloc((size_t)B * C * sizeof(float));
    double *engine = fc_malloc((size_t)B * 2 * sizeof(double));
    uint64_t *seeds = fc_malloc((size_t)B * sizeof(uint64_t));
    PushtEnv *env = pusht_create();
    for (int i = 0; i < B; i++) {
        seeds[i] = rollout_seed(&c, i);
        pusht_reset(env, seeds[i], c.reset);
        double o[PUSHT_KEYPOINT_DIM];
        if (c.obs_kind == PUSHT_OBS_KEYPOINTS) pusht_observe_keypoints(env, o);
        else pusht_observe_state(env, o);
        for (int f = 0; f < c.obs_steps; f++)
            for (int d = 0; d < fd; d++) obs_raw[(size_t)i * od + f * fd + d] = (float)o[d];
        rng_normal_fill(a0 + (size_t)i * C, (size_t)C, rng_key(c.noise_seed, RNG_STREAM_SAMPLE, seeds[i], 0));
    }
    pusht_destroy(env);
    norm_scale(obs, obs_raw, (size_t)B * c.obs_steps, m.norm.obs_min, m.norm.obs_max, fd);
    policy_sample_explicit(&p, obs, a0, B, c.flow_steps, chunk);
    norm_unscale(act, chunk, (size_t)B * H, m.norm.act_min, m.norm.act_max, 2);

    RolloutTrace *tr = fc_calloc((size_t)B, sizeof(RolloutTrace));
    for (int i = 0; i < B; i++) rollout_trace_init(&tr[i], c.max_steps);
    EvalResult r;
    rollout_eval(&p, &m.norm, &c, seeds, B, &r, tr);
    for (int i = 0; i < B; i++) {
        engine[2 * i] = tr[i].actions[0];
        engine[2 * i + 1] = tr[i].actions[1];
    }

    h5u_quiet();
    char tmp[4400];
    hid_t f = h5u_create_atomic(out, tmp, sizeof tmp);
    if (f < 0) fc_fatal("%s", fc_last_error());
    hsize_t d_obs[2] = {(hsize_t)B, (hsize_t)od}, d_a0[2] = {(hsize_t)B, (hsize_t)C};
    hsize_t d_act[3] = {(hsize_t)B, (hsize_t)H, 2}, d_eng[2] = {(hsize_t)B, 2};
    int rc = h5u_write(f, "obs_raw", H5T_NATIVE_FLOAT, 2, d_obs, obs_raw, 0);
    rc |= h5u_write(f, "a0", H5T_NATIVE_FLOAT, 2, d_a0, a0, 0);
    rc |= h5u_write(f, "actions", H5T_NATIVE_FLOAT, 3, d_act, act, 0);
    rc |= h5u_write(f, "engine_action", H5T_NATIVE_DOUBLE, 2, d_eng, engine, 0);
    rc |= h5u_set_attr_int(f, "flow_steps", c.flow_steps);
    rc |= h5u_set_attr_int(f, "action_offset", c.action_offset);
    rc |= h5u_set_attr_str(f, "weights", !raw && m.ema ? "ema" : "raw");
    if (rc != FC_OK) fc_fatal("writing %s: %s", out, fc_last_error());
    if (h5u_commit_atomic(f, tmp, out) != FC_OK) fc_fatal("%s", fc_last_error());

    for (int i = 0; i < B; i++) rollout_trace_free(&tr[i]);
    free(tr);
    rollout_result_free(&r);
    free(obs_raw); free(obs); free(a0); free(chunk); free(act); free(engine); free(seeds);
    policy_free(&p);
    return 0;
}
