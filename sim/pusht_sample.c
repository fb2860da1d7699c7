/* pusht_sample.c: seeded Push-T reset states, drawn exactly as the two reference samplers do
 * (PUSHT.md "Reset"). Diffusion Policy's PushTEnv.reset (legacy RandomState):
 *   https://github.com/real-stanford/diffusion_policy/blob/main/diffusion_policy/env/pusht/pusht_env.py
 * gym-pusht / CS 185 HW1: np.random.default_rng(seed) with integers and uniform. */
#include "flowchunk/pusht.h"
#include "rng_legacy.h"
#include "rng_pcg64.h"

#include "sim_assert.h"

#include <math.h>
#include <string.h>

void pusht_sample_reset(uint64_t seed, PushtResetKind kind, double state[PUSHT_STATE_DIM]) {
    if (kind == PUSHT_RESET_LEGACY) {
        SIM_ASSERT(seed <= 0xFFFFFFFFu, "legacy RandomState seeds must be in [0, 2^32)");
        RngLegacy r;
        rng_legacy_seed(&r, (uint32_t)seed);
        state[0] = (double)rng_legacy_randint(&r, 50, 450);
        state[1] = (double)rng_legacy_randint(&r, 50, 450);
        state[2] = (double)rng_legacy_randint(&r, 100, 400);
        state[3] = (double)rng_legacy_randint(&r, 100, 400);
        state[4] = rng_legacy_randn(&r) * 2 * M_PI - M_PI; /* a Gaussian angle, as the reference */
    } else {
        SIM_ASSERT(kind == PUSHT_RESET_GYM, "the reset kind must be PUSHT_RESET_LEGACY or PUSHT_RESET_GYM");
        RngPcg64 r;
        rng_pcg64_seed(&r, seed);
        state[0] = (double)rng_pcg64_integers(&r, 50, 450);
        state[1] = (double)rng_pcg64_integers(&r, 50, 450);
        state[2] = (double)rng_pcg64_integers(&r, 100, 400);
        state[3] = (double)rng_pcg64_integers(&r, 100, 400);
        state[4] = rng_pcg64_uniform(&r, -M_PI, M_PI);
    }
}

int pusht_obs_dim(PushtObsKind k) { return k == PUSHT_OBS_KEYPOINTS ? PUSHT_KEYPOINT_DIM : PUSHT_STATE_DIM; }

const char *pusht_obs_kind_name(PushtObsKind k) { return k == PUSHT_OBS_KEYPOINTS ? "keypoints" : "state"; }

int pusht_obs_kind_parse(const char *s, PushtObsKind *k) {
    if (!strcmp(s, "state")) *k = PUSHT_OBS_STATE;
    else if (!strcmp(s, "keypoints")) *k = PUSHT_OBS_KEYPOINTS;
    else return -1;
    return 0;
}

int pusht_reset_kind_parse(const char *name, PushtResetKind *kind) {
    if (!name) return -1;
    if (!strcmp(name, "legacy")) *kind = PUSHT_RESET_LEGACY;
    else if (!strcmp(name, "gym")) *kind = PUSHT_RESET_GYM;
    else return -1;
    return 0;
}

const char *pusht_reset_kind_name(PushtResetKind kind) {
    return kind == PUSHT_RESET_GYM ? "gym" : "legacy";
}
