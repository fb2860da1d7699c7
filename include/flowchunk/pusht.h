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

/* which numpy sampler turns a seed into a reset state (PUSHT.md "Reset") */
typedef enum {
    PUSHT_RESET_LEGACY = 0, /* numpy RandomState(seed): Diffusion Policy and its dataset */
    PUSHT_RESET_GYM = 1,    /* numpy Generator(PCG64(SeedSequence(seed))): gym-pusht, CS 185 HW1 */
} PushtResetKind;

typedef struct PushtEnv PushtEnv; /* opaque: owns a cpSpace */

PushtEnv *pusht_create(void);
void pusht_free(PushtEnv *env);

/* sample the reset state of `seed` with the chosen sampler (no physics) */
void pusht_sample_reset(uint64_t seed, PushtResetKind kind, double state[PUSHT_STATE_DIM]);
/* seeded reset: sample, then legacy placement (agent pos; block pos, then angle; one 0.01 s step) */
void pusht_reset(PushtEnv *env, uint64_t seed, PushtResetKind kind);
/* legacy placement of an explicit sampled reset state */
void pusht_reset_to(PushtEnv *env, const double state[PUSHT_STATE_DIM]);
/* restore a recorded (observed) state exactly: angle first, then position; no step */
void pusht_restore(PushtEnv *env, const double state[PUSHT_STATE_DIM]);
/* one env step (0.1 s = 10 PD substeps) toward the absolute target action (x,y) in pixels */
void pusht_step(PushtEnv *env, const double action[PUSHT_ACTION_DIM]);

void pusht_observe_state(const PushtEnv *env, double obs[PUSHT_STATE_DIM]);
void pusht_observe_keypoints(const PushtEnv *env, double obs[PUSHT_KEYPOINT_DIM]);
/* area(block T ∩ goal T) / area(goal T), exact */
double pusht_coverage(const PushtEnv *env);
/* clip(coverage / 0.95, 0, 1) */
double pusht_reward(const PushtEnv *env);

/* exact coverage of a block pose (x, y, angle) against another pose (the goal is 256,256,pi/4) */
double pusht_coverage_pose(const double block[3], const double goal[3]);
/* keypoints of a 5-d state, without a simulator */
void pusht_state_to_keypoints(const double state[PUSHT_STATE_DIM], double kp[PUSHT_KEYPOINT_DIM]);

/* ---- batched API: n independent envs stepped together (evaluation runs 50 at once) */
typedef struct PushtBatch PushtBatch;
PushtBatch *pusht_batch_create(int n);
void pusht_batch_free(PushtBatch *b);
int pusht_batch_size(const PushtBatch *b);
/* seeded resets seeds[i] for env i */
void pusht_batch_reset(PushtBatch *b, const uint64_t *seeds, PushtResetKind kind);
/* step env i with actions[2i..2i+1] where active == NULL or active[i] != 0 */
void pusht_batch_step(PushtBatch *b, const double *actions, const uint8_t *active);
PushtEnv *pusht_batch_env(PushtBatch *b, int i);

#endif
