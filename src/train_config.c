/* train_config.c: the defaults of `flowchunk train` (train.h), i.e. the recipe a run with no options
 * trains: the one place each training default is stated (docs/design.md "Where each fact lives"). */
#include "flowchunk/train.h"

#include <string.h>

#include "flowchunk/loader.h"
#include "flowchunk/rollout.h"
#include "flowchunk/watchdog.h"

/* what is not set here is 0: no evaluator ranks, --epochs unused, seed 0, the protocol's episode
 * and action counts, no resume */
void train_config_default(TrainConfig *c) {
    memset(c, 0, sizeof *c);
    c->policy = POLICY_FLOW;
    /* the recipe (README "Results"): residual 8 x 512, 40,000 steps. 8 layers against 5: success
     * 53% against 42-44% over 3 seeds each (held-out 52% against 42-44%), the score within 0.01 */
    c->hidden = 512;
    c->depth = 8;
    c->arch = MLP_RESIDUAL;
    c->act = MLP_MISH;
    c->time_embed = TIME_SINUSOIDAL;
    c->n_freq = 32;
    optim_config_default(&c->optim, OPTIM_ADAMW);
    c->optim.lr = 1e-3f;
    c->steps = 40000;
    c->batch = 256;
    c->virtual_shards = LOADER_DEFAULT_SHARDS;
    c->ema = 1;
    c->eval_every = 4000;
    c->eval_noise_seeds = 5; /* every logged score a 5-draw mean, as `flowchunk eval` reports it */
    c->eval_seed = -1;
    c->eval_max_steps = 300;
    c->eval_reset = PUSHT_RESET_LEGACY;
    c->flow_steps = ROLLOUT_FLOW_STEPS;
    c->ckpt_every = 2000;
    c->keep = 3;
    c->log_every = 100;
    c->check_every = 1000;
    c->watchdog_s = WATCHDOG_DEFAULT_S;
    c->precision = PRECISION_AUTO;
    c->gemm_pinned = -1;
}
