/* harden_evalpool.c: the evaluator pool never rolls out a poisoned network: weights with a NaN
 * (or Inf) are reported as 0 episodes with one stderr line naming the tensor, instead of the
 * simulator's assertion "a Push-T action must be finite" aborting every evaluator. */
#include "flowchunk/evalpool.h"
#include "flowchunk/rollout.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    PolicyConfig pc;
    policy_config_default(&pc);
    pc.obs_dim = 2 * 5; /* To = 2 state frames */
    pc.horizon = 8;
    pc.hidden = 16;
    pc.depth = 1;
    Policy p;
    policy_init(&p, &pc, 1);
    Norm norm;
    memset(&norm, 0, sizeof norm);
    norm.obs_dim = 5;
    norm.act_dim = 2;
    for (int d = 0; d < 5; d++) norm.obs_max[d] = d < 4 ? 512.0f : 6.2831855f;
    norm.act_max[0] = norm.act_max[1] = 512.0f;
    EvalConfig ec;
    rollout_config_dp(&ec);
    ec.obs_kind = PUSHT_OBS_STATE;
    ec.obs_steps = 2;
    ec.n_action_steps = 4;
    ec.action_offset = 1;
    ec.max_steps = 20;
    ec.episodes = 2;
    float w[4096];
    if (p.net.n_params > sizeof w / sizeof w[0]) return 1;
    memcpy(w, p.net.params, p.net.n_params * sizeof(float));
    EvalReport rep;
    evalpool_run_inline(&p, w, &norm, &ec, 7, EVAL_PERIODIC, &rep);
    int fails = 0;
    if (rep.episodes != 2) fprintf(stderr, "FAIL: finite weights gave %d episodes, expected 2\n", rep.episodes), fails++;
    w[p.net.tensors[2].offset + 3] = NAN; /* the second layer's weight */
    evalpool_run_inline(&p, w, &norm, &ec, 8, EVAL_PERIODIC, &rep);
    if (rep.episodes != 0 || rep.score != 0)
        fprintf(stderr, "FAIL: NaN weights gave %d episodes, score %g (expected 0, 0)\n", rep.episodes, rep.score), fails++;
    policy_free(&p);
    if (!fails) fprintf(stderr, "harden_evalpool: ok\n");
    return fails != 0;
}
