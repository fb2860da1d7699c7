/* pusht.h: Push-T (Diffusion Policy's PushTEnv, pymunk 6.2.1 = Chipmunk 7.0.3) reproduced exactly
 * on Debian's Chipmunk2D. The public face of the sim library (sim/); Chipmunk itself is included
 * only inside sim/ sources. Units: pixels, seconds, radians; y grows downward. See ../shared/PUSHT.md.
 *
 * A state is 5 doubles (agent_x, agent_y, block_x, block_y, block_angle); the block position is
 * the body origin (midpoint of the crossbar's outer edge). Observed angles are wrapped to [0,2pi). */
#ifndef FLOWCHUNK_PUSHT_H
#define FLOWCHUNK_PUSHT_H

#include <stdint.h>

#define PUSHT_STATE_DIM 5
#define PUSHT_KEYPOINT_DIM 20 /* 9 block keypoints (x,y) then the agent (x,y) */
#define PUSHT_ACTION_DIM 2
#define PUSHT_SUCCESS_COVERAGE 0.95
#define PUSHT_AGENT_RADIUS 15.0 /* px: the agent is a circle (physics, renderer, expert) */

/* the T's outline in body coordinates (px; origin at the midpoint of the crossbar's outer edge, the
 * stem along +y), counter-clockwise on screen (y down) from the crossbar's (-60, 0) corner; for
 * renderers and benchmarks (the simulator's own geometry is sim/tee.h, which defines this) */
#define PUSHT_TEE_OUTLINE_N 8
extern const double PUSHT_TEE_OUTLINE[PUSHT_TEE_OUTLINE_N][2];

/* which numpy sampler turns a seed into a reset state (PUSHT.md "Reset") */
typedef enum {
    PUSHT_RESET_LEGACY = 0, /* numpy RandomState(seed): Diffusion Policy and its dataset */
    PUSHT_RESET_GYM = 1,    /* numpy Generator(PCG64(SeedSequence(seed))): gym-pusht, CS 185 HW1 */
} PushtResetKind;

/* what a policy observes per frame: the one observation kind of windows files, rollouts and
 * checkpoints */
typedef enum {
    PUSHT_OBS_STATE = 0,     /* 5-d state (agent xy, block xy, angle in [0,2pi)) */
    PUSHT_OBS_KEYPOINTS = 1, /* 20-d: 9 block keypoints then the agent (DP's low-dim Push-T) */
} PushtObsKind;
/* frame dimension (5 or 20); name "state" | "keypoints" and its parser (0, or -1 when unknown) */
int pusht_obs_dim(PushtObsKind k);
const char *pusht_obs_kind_name(PushtObsKind k);
int pusht_obs_kind_parse(const char *name, PushtObsKind *k);

/* the goal pose (x, y, angle) = (256, 256, pi/4) */
extern const double PUSHT_GOAL_POSE[3];

/* "legacy" / "gym" -> kind; 0 on success, -1 for an unknown name */
int pusht_reset_kind_parse(const char *name, PushtResetKind *kind);
const char *pusht_reset_kind_name(PushtResetKind kind);

typedef struct PushtEnv PushtEnv; /* opaque: owns a cpSpace */

/* a new env in the reference's initial scene (agent (256,400), block (256,300) angle 0); call a
 * reset before stepping. Every reset/restore builds a fresh Chipmunk space, as the reference. */
PushtEnv *pusht_create(void);
void pusht_destroy(PushtEnv *env);

/* sample the reset state of `seed` with the chosen sampler (no physics); legacy seeds < 2^32 */
void pusht_sample_reset(uint64_t seed, PushtResetKind kind, double state[PUSHT_STATE_DIM]);
/* seeded reset: sample, then legacy placement (agent pos; block pos, then angle; one 0.01 s step) */
void pusht_reset(PushtEnv *env, uint64_t seed, PushtResetKind kind);
/* legacy placement of an explicit sampled reset state */
void pusht_reset_to(PushtEnv *env, const double state[PUSHT_STATE_DIM]);
/* restore a recorded (observed) state exactly: angle first, then position, in a fresh space with
 * the agent at rest; then one settling 0.01 s step, as the reference's _set_state, which moves
 * nothing (the observation equals `state` to < 1e-13) but resolves contacts present at the start
 * the way a seeded reset does. */
void pusht_restore(PushtEnv *env, const double state[PUSHT_STATE_DIM]);
/* one env step (0.1 s = 10 PD substeps) toward the absolute target action (x,y) in pixels */
void pusht_step(PushtEnv *env, const double action[PUSHT_ACTION_DIM]);

/* [agent_x, agent_y, block_x, block_y, angle mod 2pi in [0,2pi)] */
void pusht_observe_state(const PushtEnv *env, double obs[PUSHT_STATE_DIM]);
/* 9 block keypoints (x,y) then the agent (x,y) */
void pusht_observe_keypoints(const PushtEnv *env, double obs[PUSHT_KEYPOINT_DIM]);
/* area(block T ∩ goal T) / area(goal T), exact */
double pusht_coverage(const PushtEnv *env);
/* the reward of a coverage: clip(coverage / 0.95, 0, 1) */
double pusht_reward_of(double coverage);

/* exact coverage of a block pose (x, y, angle) against another pose (the goal is 256,256,pi/4) */
double pusht_coverage_pose(const double block[3], const double goal[3]);
/* keypoints of a 5-d state, without a simulator */
void pusht_state_to_keypoints(const double state[PUSHT_STATE_DIM], double kp[PUSHT_KEYPOINT_DIM]);

/* ---- batched API: n independent envs stepped together (evaluation runs 50 at once) */
typedef struct PushtBatch PushtBatch;
PushtBatch *pusht_batch_create(int n);
void pusht_batch_destroy(PushtBatch *b);
/* seeded resets seeds[i] for env i */
void pusht_batch_reset(PushtBatch *b, const uint64_t *seeds, PushtResetKind kind);
/* step env i with actions[2i..2i+1] where active == NULL or active[i] != 0 */
void pusht_batch_step(PushtBatch *b, const double *actions, const uint8_t *active);
PushtEnv *pusht_batch_env(PushtBatch *b, int i);
/* state observations of every env: obs (n, 5); coverage (n) */
void pusht_batch_observe_state(const PushtBatch *b, double *obs);
void pusht_batch_coverage(const PushtBatch *b, double *coverage);

/* ---- replay: start from state[0], then for t in [0, len-1) step action[t] and compare with
 * state[t+1] (angles modulo 2pi). The start is pusht_restore(state[0]) when seed < 0, else the
 * seeded legacy reset of `seed` (exact in double precision, where the recorded float32 start state
 * is rounded). Returns the largest absolute error over the len states compared (the first state
 * included); *n_compared (if not NULL) receives len. */
double pusht_replay(PushtEnv *env, const float *state /* (len, 5) */, const float *action /* (len, 2) */,
                    int64_t len, int64_t seed, int64_t *n_compared);
/* does the legacy reset of `seed` reproduce the recorded start state (within 1e-4)? */
int pusht_seed_matches(int64_t seed, const float start[PUSHT_STATE_DIM]);
#endif
