/* expert.h: the built-in scripted Push-T expert behind `flowchunk demos`. A contact-geometric
 * pushing planner that uses the exact simulator as its model:
 *   score    - a candidate push (a contact point on the T's boundary, pushed along its normal or,
 *             at a convex corner, along three directions of its normal cone) is simulated from
 *             the observed state: cost = log pose error after the best push length + step_cost
 *             per step spent (approach around the block + push);
 *   route    - the episode's first push is a coin, weighted by softmin, between the best push and
 *             the best one starting > 60 px away, with a generator seeded per episode: one start
 *             has two distinct solutions (routes), each deterministic;
 *   approach - go to the pre-contact point along the shortest path around the T (visibility
 *             graph on the T inflated by the agent radius), the target led ahead of the agent;
 *   push     - strokes: simulate five steered directions (0, +-15, +-30 deg) against stopping at
 *             five final targets; stop when stopping wins, else turn by half the best angle
 *             (refined by a parabola through its neighbours, so the direction varies smoothly
 *             with the state) and ramp the target along it open loop for the simulated best
 *             length, at most stroke_steps (8) steps, then decide again;
 *   settle, retreat - near the goal hold until the agent stops, back away, choose again (argmin).
 * ~0.1 s of CPU per episode. (A receding-horizon variant that re-scored every push at every step,
 * so nothing it did depended on hidden state, was tried and removed: 10x the CPU, 96% success, and
 * policies trained on its demos scored no better; benchmarks/RESULTS.md, "Expert demos".)
 * Actions look like the human data: absolute integer targets in pixels, at most `max_jump` from
 * the previous one, a few agent radii ahead of the agent. Uses only the public pusht.h API. */
#ifndef FLOWCHUNK_EXPERT_H
#define FLOWCHUNK_EXPERT_H

#include "flowchunk/pusht.h"

#include <stdint.h>

#define EXPERT_NOISE_RHO 0.9 /* per-step correlation of the execution disturbance */

typedef struct {
    double push_speed;     /* px per step the target advances while pushing (default 8) */
    double approach_lead;  /* px the target leads the agent on the way to a contact (default 34) */
    double max_jump;       /* largest change of the target between two steps, px (default 30) */
    double temperature;    /* softmin temperature of later push choices, in log pose error (default 0: argmin,
                            * so what the expert does next is a function of what it sees) */
    double first_temperature; /* the episode's first push, where the route is decided: a coin weighted by softmin
                            * at this temperature between the best push and the best one starting > 60 px
                            * away (another route); 0 = argmin (default 0.3) */
    double step_cost;      /* what one env step costs, in log pose error (default 0.01: 1% of the error) */
    double style_jitter;   /* relative per-episode jitter of speeds (default 0: a hidden per-episode speed is
                            * noise to an imitator that sees two frames) */
    double exec_noise;     /* px: std of a smooth random disturbance (AR(1), correlation EXPERT_NOISE_RHO per
                            * step) added to the executed action but not to the recorded one, so the demos
                            * show the expert recovering from states a copy of it drifts into (DART,
                            * Laskey et al. 2017). 0 = none (default 0; `flowchunk demos --exec-noise`) */
    int stroke_steps;      /* a push runs open loop for up to this many steps (its simulated best length) before
                            * the expert steers or stops again (default 8, the Ta of Diffusion Policy's policy;
                            * 1 = decide at every step; `flowchunk demos --stroke-steps`) */
    int integer_actions;   /* round targets to whole pixels like the human mouse data (default 1) */
} ExpertConfig;

/* outcome of one episode */
typedef struct {
    int n_steps;           /* actions taken (= states recorded) */
    double final_coverage; /* coverage after the last action */
    double max_coverage;   /* max over the episode, the reset state and the final state included */
    int success;           /* final_coverage > PUSHT_SUCCESS_COVERAGE */
} ExpertOutcome;

typedef struct Expert Expert; /* opaque: owns a planning env and the per-episode generator */

void expert_config_default(ExpertConfig *cfg);
/* cfg may be NULL (defaults) */
Expert *expert_create(const ExpertConfig *cfg);
void expert_destroy(Expert *ex);

/* run one episode on `env` from the seeded reset `reset_seed` with expert seed `expert_seed`,
 * stopping at success or after max_steps. Records state (max_steps,5), action (max_steps,2) and,
 * when keypoint != NULL, the 9 block keypoints (max_steps,9,2) of each state before its action
 * (the replay-buffer convention: state[t+1] = step(state[t], action[t]); with exec_noise > 0 the
 * env runs action[t] + disturbance[t] instead, while action[t] stays the expert's command).
 * Returns the outcome. */
ExpertOutcome expert_run_episode(Expert *ex, PushtEnv *env, uint64_t reset_seed, PushtResetKind kind,
                                 uint64_t expert_seed, int max_steps, float *state, float *action,
                                 float *keypoint);
/* Hausdorff distance (px) between the agent paths of two episodes, given as 5-d states (the
 * episodes layout): time plays no part, so the same route driven at another speed stays close,
 * while going around the other side of the block is far. Measures the expert's modes. */
double expert_route_distance(const float *states_a, int na, const float *states_b, int nb);

#endif
