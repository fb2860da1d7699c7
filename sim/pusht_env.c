/* pusht_env.c: the Push-T environment: reset (seeded, explicit, or restoring an observed state),
 * step (10 PD substeps of 0.01 s toward an absolute target), observations (5-d state, 20-d
 * keypoints), coverage, reward and success. Semantics of Diffusion Policy's PushTEnv
 * (https://github.com/real-stanford/diffusion_policy/blob/main/diffusion_policy/env/pusht/pusht_env.py);
 * every constant and quirk is in PUSHT.md. A new Chipmunk space is built on every reset. */
#include "flowchunk/pusht.h"
#include "coverage.h"
#include "pusht_world.h"
#include "pusht_check.h"
#include "sim_assert.h"

#include <math.h>
#include <stdlib.h>

struct PushtEnv {
    PushtWorld world;
    /* read from Chipmunk once after every reset/restore/step (env_sync), so observations, coverage
     * and reward never chase Chipmunk's pointers again (a batch of envs stays cache-friendly) */
    double raw[PUSHT_STATE_DIM]; /* agent x,y, block origin x,y, raw body angle */
    TeePose pose;                /* the block's placement (Chipmunk's rotation and origin) */
    double coverage;
    TeePose goal; /* the goal's placement, computed once */
    double last_action[2]; /* the target of the last step (for rendering) */
    int has_action;
};

const double PUSHT_GOAL_POSE[3] = {256.0, 256.0, M_PI / 4};

static void env_sync(PushtEnv *env) {
    cpVect a = cpBodyGetPosition(env->world.agent), b = cpBodyGetPosition(env->world.block);
    cpVect rot = cpBodyGetRotation(env->world.block);
    env->raw[0] = a.x;
    env->raw[1] = a.y;
    env->raw[2] = b.x;
    env->raw[3] = b.y;
    env->raw[4] = cpBodyGetAngle(env->world.block);
    env->pose = (TeePose){rot.x, rot.y, b.x, b.y};
    env->coverage = coverage_tee(&env->pose, &env->goal);
}

PushtEnv *pusht_create(void) {
    PushtEnv *env = calloc(1, sizeof *env);
    SIM_ASSERT(env != NULL, "out of memory creating a Push-T env");
    env->goal = tee_pose(PUSHT_GOAL_POSE[0], PUSHT_GOAL_POSE[1], PUSHT_GOAL_POSE[2]);
    pusht_world_init(&env->world);
    env_sync(env);
    return env;
}

void pusht_destroy(PushtEnv *env) {
    if (!env) return;
    pusht_world_free(&env->world);
    free(env);
}

static void env_rebuild(PushtEnv *env) {
    pusht_world_free(&env->world);
    pusht_world_init(&env->world);
    env->has_action = 0;
}

static void check_state(const double s[PUSHT_STATE_DIM]) {
    for (int i = 0; i < PUSHT_STATE_DIM; i++)
        SIM_ASSERT(isfinite(s[i]), "a Push-T state must be finite (validate user input before the simulator)");
}

void pusht_reset(PushtEnv *env, uint64_t seed, PushtResetKind kind) {
    double s[PUSHT_STATE_DIM];
    pusht_sample_reset(seed, kind, s);
    pusht_reset_to(env, s);
}

void pusht_reset_to(PushtEnv *env, const double state[PUSHT_STATE_DIM]) {
    check_state(state);
    env_rebuild(env);
    pusht_world_place(&env->world, state);
    env_sync(env);
}

void pusht_restore(PushtEnv *env, const double state[PUSHT_STATE_DIM]) {
    check_state(state);
    env_rebuild(env);
    pusht_world_restore(&env->world, state);
    env_sync(env);
}

void pusht_step(PushtEnv *env, const double action[PUSHT_ACTION_DIM]) {
    SIM_ASSERT(isfinite(action[0]) && isfinite(action[1]), "a Push-T action must be finite");
    for (int i = 0; i < PUSHT_SUBSTEPS; i++) pusht_world_substep(&env->world, action);
    env->last_action[0] = action[0];
    env->last_action[1] = action[1];
    env->has_action = 1;
    env_sync(env);
}

void pusht_observe_state(const PushtEnv *env, double obs[PUSHT_STATE_DIM]) {
    for (int i = 0; i < 4; i++) obs[i] = env->raw[i];
    obs[4] = pusht_wrap_angle(env->raw[4]);
}

void pusht_observe_keypoints(const PushtEnv *env, double obs[PUSHT_KEYPOINT_DIM]) {
    for (int k = 0; k < TEE_N_KEYPOINTS; k++) tee_to_world(&env->pose, TEE_KEYPOINTS[k], obs + 2 * k);
    obs[18] = env->raw[0];
    obs[19] = env->raw[1];
}

void pusht_get_raw_state(const PushtEnv *env, double state[PUSHT_STATE_DIM]) {
    for (int i = 0; i < PUSHT_STATE_DIM; i++) state[i] = env->raw[i];
}

double pusht_coverage(const PushtEnv *env) { return env->coverage; }

double pusht_reward_of(double coverage) {
    double r = coverage / PUSHT_SUCCESS_COVERAGE;
    return r < 0 ? 0 : r > 1 ? 1 : r;
}

double pusht_reward(const PushtEnv *env) { return pusht_reward_of(pusht_coverage(env)); }

int pusht_success(const PushtEnv *env) { return pusht_coverage(env) > PUSHT_SUCCESS_COVERAGE; }

int pusht_last_action(const PushtEnv *env, double action[PUSHT_ACTION_DIM]) {
    if (!env->has_action) return 0;
    action[0] = env->last_action[0];
    action[1] = env->last_action[1];
    return 1;
}
