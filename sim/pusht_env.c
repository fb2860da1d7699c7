/* pusht_env.c: the Push-T environment: reset (seeded, explicit, or restoring an observed state),
 * step (10 PD substeps of 0.01 s toward an absolute target), observations (5-d state, 20-d
 * keypoints), coverage, reward and success. Semantics of Diffusion Policy's PushTEnv
 * (https://github.com/real-stanford/diffusion_policy/blob/main/diffusion_policy/env/pusht/pusht_env.py);
 * every constant and quirk is in PUSHT.md. A new Chipmunk space is built on every reset. */
#include "flowchunk/pusht.h"
#include "coverage.h"
#include "pusht_world.h"
#include "sim_assert.h"

#include <math.h>
#include <stdlib.h>

struct PushtEnv {
    PushtWorld world;
    double last_action[2]; /* the target of the last step (for rendering) */
    int has_action;
};

const double PUSHT_GOAL_POSE[3] = {256.0, 256.0, M_PI / 4};

PushtEnv *pusht_create(void) {
    PushtEnv *env = calloc(1, sizeof *env);
    SIM_ASSERT(env != NULL, "out of memory creating a Push-T env");
    pusht_world_build(&env->world);
    return env;
}

void pusht_free(PushtEnv *env) {
    if (!env) return;
    pusht_world_free(&env->world);
    free(env);
}

static void env_rebuild(PushtEnv *env) {
    pusht_world_free(&env->world);
    pusht_world_build(&env->world);
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
}

void pusht_restore(PushtEnv *env, const double state[PUSHT_STATE_DIM]) {
    check_state(state);
    env_rebuild(env);
    pusht_world_restore(&env->world, state);
}

void pusht_step(PushtEnv *env, const double action[PUSHT_ACTION_DIM]) {
    SIM_ASSERT(isfinite(action[0]) && isfinite(action[1]), "a Push-T action must be finite");
    for (int i = 0; i < PUSHT_SUBSTEPS; i++) pusht_world_substep(&env->world, action);
    env->last_action[0] = action[0];
    env->last_action[1] = action[1];
    env->has_action = 1;
}

void pusht_observe_state(const PushtEnv *env, double obs[PUSHT_STATE_DIM]) {
    cpVect a = cpBodyGetPosition(env->world.agent), b = cpBodyGetPosition(env->world.block);
    obs[0] = a.x;
    obs[1] = a.y;
    obs[2] = b.x;
    obs[3] = b.y;
    obs[4] = pusht_wrap_angle(cpBodyGetAngle(env->world.block));
}

/* the block's placement from its Chipmunk transform (world = R * local + t) */
static TeePose block_pose(const PushtEnv *env) {
    cpVect rot = cpBodyGetRotation(env->world.block), pos = cpBodyGetPosition(env->world.block);
    TeePose p = {rot.x, rot.y, pos.x, pos.y};
    return p;
}

void pusht_observe_keypoints(const PushtEnv *env, double obs[PUSHT_KEYPOINT_DIM]) {
    TeePose p = block_pose(env);
    for (int k = 0; k < TEE_N_KEYPOINTS; k++) tee_to_world(&p, TEE_KEYPOINTS[k], obs + 2 * k);
    cpVect a = cpBodyGetPosition(env->world.agent);
    obs[18] = a.x;
    obs[19] = a.y;
}

void pusht_get_raw_state(const PushtEnv *env, double state[PUSHT_STATE_DIM]) {
    pusht_observe_state(env, state);
    state[4] = cpBodyGetAngle(env->world.block);
}

double pusht_coverage(const PushtEnv *env) {
    TeePose b = block_pose(env), g = tee_pose(PUSHT_GOAL_POSE[0], PUSHT_GOAL_POSE[1], PUSHT_GOAL_POSE[2]);
    return coverage_tee(&b, &g);
}

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
