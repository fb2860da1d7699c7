/* pusht_check.h: the simulator library's checking and benchmark references, private to sim/ and
 * its tests and benchmarks (they add sim/ to their include path), not part of the env API
 * (pusht.h): introspection of an env or a batch, its reward and success, the expert's pose
 * error, and the references PushtEnv is compared against. Implemented in sim/. */
#ifndef FLOWCHUNK_PUSHT_CHECK_H
#define FLOWCHUNK_PUSHT_CHECK_H

#include <stdint.h>

#include "flowchunk/pusht.h"

/* ---- introspection (tests) */
/* the state with the block's raw (unwrapped) body angle */
void pusht_get_raw_state(const PushtEnv *env, double state[PUSHT_STATE_DIM]);
/* the target of the last step into action; 0 (action untouched) if none since the last reset */
int pusht_last_action(const PushtEnv *env, double action[PUSHT_ACTION_DIM]);
/* clip(coverage / 0.95, 0, 1) of the env's coverage */
double pusht_reward(const PushtEnv *env);
/* coverage > 0.95 (the reference ends the episode) */
int pusht_success(const PushtEnv *env);
int pusht_batch_size(const PushtBatch *b);
/* keypoint observations of every env of the batch: obs (n, 20) */
void pusht_batch_observe_keypoints(const PushtBatch *b, double *obs);

/* pose error between block poses (x, y, angle), px: the root-mean-square displacement over the
 * T's area with the angle difference wrapped to [-pi,pi]: sqrt(|dc|^2 + da^2 k^2), c the area
 * centroid, k the polar radius of gyration about it (43.9 px); the expert's (sim/expert.c) */
double expert_pose_error(const double pose[3], const double goal[3]);

/* ---- checking references */

/* |a - b| with angles (index 4) compared modulo 2pi */
double pusht_state_error(const double a[PUSHT_STATE_DIM], const double b[PUSHT_STATE_DIM]);

/* ---- benchmark reference: the same scene and PD substeps on bare Chipmunk, no env wrapper.
 * Legacy-places reset_state, runs n_steps x 10 substeps toward actions (n_steps, 2) and writes the
 * final 5-d observation (bit-equal to what PushtEnv gives for the same inputs). */
void pusht_bare_run(const double reset_state[PUSHT_STATE_DIM], const double *actions, int64_t n_steps,
                    double final_state[PUSHT_STATE_DIM]);
/* the same for n worlds stepped in lockstep (world i's 10 substeps, then world i+1's, per env
 * step), as a batch is: reset_states (n, 5), actions (n, n_steps, 2), final_states (n, 5) */
void pusht_bare_run_batch(int n, const double *reset_states, const double *actions, int64_t n_steps,
                          double *final_states);

#endif
