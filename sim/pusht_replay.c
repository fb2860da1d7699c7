/* pusht_replay.c: replays recorded actions from a recorded first state and measures how far the
 * simulator drifts from the recorded states: the ground-truth test of the simulator (PUSHT.md:
 * the real data replays to float32 precision, ~1.5e-5 px). state[t] is the state before action[t]. */
#include "flowchunk/pusht.h"
#include "pusht_check.h"
#include "sim_assert.h"
#include "tee.h"

#include <math.h>

/* max that propagates NaN (fmax would hide a NaN state) */
static double max_nan(double a, double b) { return (b > a || isnan(b)) ? b : a; }

double pusht_state_error(const double a[PUSHT_STATE_DIM], const double b[PUSHT_STATE_DIM]) {
    double err = 0.0;
    for (int i = 0; i < 4; i++) err = max_nan(err, fabs(a[i] - b[i]));
    double da = fabs(remainder(a[4] - b[4], 2 * M_PI)); /* angle modulo 2pi, in [0, pi] */
    return max_nan(err, da);
}

int pusht_seed_matches(int64_t seed, const float start[PUSHT_STATE_DIM]) {
    if (seed < 0 || seed > 0xFFFFFFFFll) return 0;
    double s[PUSHT_STATE_DIM], r[PUSHT_STATE_DIM];
    pusht_sample_reset((uint64_t)seed, PUSHT_RESET_LEGACY, s);
    /* the observation after legacy placement, without a simulator: the block rotates about its cog */
    double a = s[4];
    r[0] = s[0];
    r[1] = s[1];
    r[2] = s[2] + TEE_COG_Y * sin(a);
    r[3] = s[3] + TEE_COG_Y - TEE_COG_Y * cos(a);
    r[4] = a;
    double rec[PUSHT_STATE_DIM];
    for (int i = 0; i < PUSHT_STATE_DIM; i++) rec[i] = start[i];
    return pusht_state_error(r, rec) <= 1e-4;
}

double pusht_replay(PushtEnv *env, const float *state, const float *action, int64_t len, int64_t seed,
                    int64_t *n_compared) {
    SIM_ASSERT(len >= 1, "a replayed episode needs at least one state");
    double s[PUSHT_STATE_DIM], obs[PUSHT_STATE_DIM], act[PUSHT_ACTION_DIM], err = 0.0;
    for (int i = 0; i < PUSHT_STATE_DIM; i++) s[i] = state[i];
    if (seed >= 0) pusht_reset(env, (uint64_t)seed, PUSHT_RESET_LEGACY);
    else pusht_restore(env, s);
    pusht_observe_state(env, obs);
    err = pusht_state_error(obs, s); /* the first state */
    for (int64_t t = 0; t + 1 < len; t++) {
        act[0] = action[2 * t];
        act[1] = action[2 * t + 1];
        pusht_step(env, act);
        pusht_observe_state(env, obs);
        for (int i = 0; i < PUSHT_STATE_DIM; i++) s[i] = state[PUSHT_STATE_DIM * (t + 1) + i];
        err = max_nan(err, pusht_state_error(obs, s));
    }
    if (n_compared) *n_compared = len;
    return err;
}
