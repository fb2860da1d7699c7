/* eval_make_ckpt.c: writes a small, fixed checkpoint for the `flowchunk eval` tests and the
 * PyTorch loading proof: a policy_init'ed network (deterministic from --seed), a norm spanning the
 * table, and (with --ema) an /ema group holding a DIFFERENT network (the init of seed+1), so tests
 * can tell which weights were evaluated.
 *   eval_make_ckpt OUT.h5 [--obs state|keypoints] [--obs-steps To] [--horizon H]
 *                  [--n-action-steps Ta] [--hidden W] [--depth D] [--act mish|relu|silu|gelu]
 *                  [--time raw|sinusoidal] [--kind flow|mse] [--seed S] [--ema] */
#include "flowchunk/check.h"
#include "flowchunk/ckpt.h"
#include "flowchunk/pusht.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    static const struct option opts[] = {
        {"obs", required_argument, 0, 'o'}, {"obs-steps", required_argument, 0, 'T'},
        {"horizon", required_argument, 0, 'H'}, {"n-action-steps", required_argument, 0, 'a'},
        {"hidden", required_argument, 0, 'w'}, {"depth", required_argument, 0, 'd'},
        {"act", required_argument, 0, 'A'}, {"time", required_argument, 0, 't'},
        {"kind", required_argument, 0, 'k'}, {"seed", required_argument, 0, 's'},
        {"ema", no_argument, 0, 'e'}, {0, 0, 0, 0}};
    const char *obs = "keypoints", *act = "mish", *time = "sinusoidal", *kind = "flow";
    int To = 2, H = 16, Ta = 8, hidden = 64, depth = 2, ema = 0;
    unsigned long long seed = 1;
    for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
        switch (c) {
        case 'o': obs = optarg; break;
        case 'T': To = atoi(optarg); break;
        case 'H': H = atoi(optarg); break;
        case 'a': Ta = atoi(optarg); break;
        case 'w': hidden = atoi(optarg); break;
        case 'd': depth = atoi(optarg); break;
        case 'A': act = optarg; break;
        case 't': time = optarg; break;
        case 'k': kind = optarg; break;
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 'e': ema = 1; break;
        default: fprintf(stderr, "eval_make_ckpt: bad option\n"); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: eval_make_ckpt OUT.h5 [options]\n");
        return 2;
    }
    int fd = !strcmp(obs, "state") ? PUSHT_STATE_DIM : PUSHT_KEYPOINT_DIM;

    CkptMeta m;
    memset(&m, 0, sizeof m);
    policy_config_default(&m.policy);
    m.policy.obs_dim = To * fd;
    m.policy.horizon = H;
    m.policy.hidden = hidden;
    m.policy.depth = depth;
    if (mlp_activation_parse(act, &m.policy.act) || policy_time_embed_parse(time, &m.policy.time_embed) ||
        policy_kind_parse(kind, &m.policy.kind)) {
        fprintf(stderr, "eval_make_ckpt: unknown --act, --time or --kind\n");
        return 2;
    }
    m.norm.obs_dim = fd;
    m.norm.act_dim = 2;
    for (int d = 0; d < fd; d++) {
        m.norm.obs_min[d] = 0.0f;
        m.norm.obs_max[d] = 512.0f;
    }
    if (fd == PUSHT_STATE_DIM) m.norm.obs_max[4] = 6.2831855f;
    m.norm.act_min[0] = m.norm.act_min[1] = 10.0f;
    m.norm.act_max[0] = m.norm.act_max[1] = 500.0f;
    snprintf(m.pad, sizeof m.pad, "edge");
    snprintf(m.windows, sizeof m.windows, "(eval_make_ckpt: untrained, seed %llu)", seed);
    /* the observation and Ta only: no evaluation protocol recorded (protocol.episodes = 0) */
    m.protocol.obs_kind = fd == PUSHT_STATE_DIM ? PUSHT_OBS_STATE : PUSHT_OBS_KEYPOINTS;
    m.protocol.obs_steps = To;
    m.protocol.n_action_steps = Ta;
    m.protocol.action_offset = To - 1;
    m.protocol.flow_steps = 10;
    optim_config_default(&m.optim, OPTIM_ADAMW);
    m.ema = ema;
    m.batch = 256;
    m.virtual_shards = 1;
    m.n_trainers = 1;
    m.seed = seed;
    m.step = 1234;
    m.best_score = -1;
    m.best_step = -1;

    Policy p, q;
    policy_init(&p, &m.policy, seed);
    policy_init(&q, &m.policy, seed + 1);
    CkptTensors t = {p.net.params, ema ? q.net.params : NULL, NULL};
    int rc = ckpt_write(argv[optind], &m, &p, &t);
    if (rc != FC_OK) fprintf(stderr, "eval_make_ckpt: %s\n", fc_last_error());
    policy_free(&p);
    policy_free(&q);
    return rc == FC_OK ? 0 : 1;
}
