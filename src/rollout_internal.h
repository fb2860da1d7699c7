/* rollout_internal.h: pieces of the rollout engine (rollout.c) that only its test calls on their
 * own: the HW1 protocol for a bare state policy, and rollouts from explicit reset states.
 * Private to src/rollout.c and tests/eval_engine.c (rollout.h has the engine's interface). */
#ifndef FLOWCHUNK_ROLLOUT_INTERNAL_H
#define FLOWCHUNK_ROLLOUT_INTERNAL_H

#include "flowchunk/rollout.h"

/* CS 185/285 HW1: gym (PCG64) resets, seeds 0..99, 300 steps, 5-d state, To 1, Ta = horizon
 * (whole chunk), offset 0, 10 flow steps, actions clipped to [0,512] */
void rollout_config_hw1(EvalConfig *cfg, int horizon);
/* rollout_eval from explicit reset states (n x 5, legacy placement as pusht_reset_to); episode i is
 * reported with seed i and draws its noise as the episode of seed i would */
void rollout_eval_states(Policy *p, const Norm *norm, const EvalConfig *cfg, const double *states,
                         int n, EvalResult *res, RolloutTrace *traces);

#endif
