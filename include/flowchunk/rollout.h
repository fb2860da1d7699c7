/* rollout.h: batched Push-T evaluation of a policy (DESIGN.md "Data flow" 4, PUSHT.md
 * "Evaluation protocols"). All episodes of a call run as ONE batch: at each decision point the
 * To-step observation history of every still-active env is scaled with the Norm and sent through
 * ONE policy_sample call (one batch-invariant rowgemm per layer per Euler step for all envs, so the
 * batch may shrink as episodes end without changing any episode), un-scaled, and the
 * chunk's actions are executed open-loop with pusht_batch_step. An episode ends on success
 * (coverage > 0.95) or after max_steps env steps; its score is the max reward it reached.
 *
 * The protocol follows Diffusion Policy's runner (pusht_keypoints_runner.py + MultiStepWrapper,
 * https://github.com/real-stanford/diffusion_policy): the history is the first observation
 * repeated at reset, actions chunk[action_offset .. action_offset+Ta-1] are executed (the
 * "oa_step_convention" offset To-1, because a training chunk starts at the OLDEST observed frame),
 * an episode stops stepping as soon as it succeeds or reaches max_steps (even mid-chunk), and
 * the episode score is the max over the rewards returned by its steps (the reset is not a step).
 *
 * Noise: the initial Euler noise of env e at its k-th decision is
 * rng_normal_fill(rng_key(noise_seed, RNG_STREAM_SAMPLE, seed_e, k)), so an episode's outcome
 * depends only on (policy, config, its seed), never on which rank or batch runs it.
 * Implemented in src/rollout.c. */
#ifndef FLOWCHUNK_ROLLOUT_H
#define FLOWCHUNK_ROLLOUT_H

#include <stddef.h>
#include <stdint.h>

#include "flowchunk/gemm.h"
#include "flowchunk/norm.h"
#include "flowchunk/policy.h"
#include "flowchunk/pusht.h"

/* Euler steps of flow sampling at inference, in every protocol unless chosen otherwise */
#define ROLLOUT_FLOW_STEPS 10


typedef struct {
    PushtResetKind reset;   /* legacy (DP) or gym (HW1) reset sampler */
    uint64_t seed_first;    /* episodes use seeds seed_first .. seed_first+episodes-1 ... */
    int episodes;
    const uint64_t *seeds;  /* ... unless this explicit list (of `episodes` seeds) is set */
    int max_steps;          /* env steps per episode (300) */
    PushtObsKind obs_kind;
    int obs_steps;          /* To: frames of observation history the policy sees */
    int n_action_steps;     /* Ta: actions executed open-loop per decision (<= H - action_offset) */
    int action_offset;      /* first executed chunk index: To-1 (DP), 0 for To=1 */
    int flow_steps;         /* Euler steps of policy_sample (ROLLOUT_FLOW_STEPS) */
    float noise_scale;      /* the initial Euler noise is scale * N(0, I): a sampling temperature (1) */
    Precision precision;    /* of the policy's products: PRECISION_BF16 = bf16 operands (rowgemm_bf16,
                             * AVX512-BF16), anything else fp32 (rowgemm); a run evaluates in the
                             * precision it trains in; both batch-invariant */
    int clip_actions;       /* nonzero: clip un-scaled actions to [0,512] (HW1) */
    uint64_t noise_seed;    /* seed of the sampling noise */
    int noise_seeds;        /* draws averaged by evaluations that repeat the rollouts under noise
                             * seeds noise_seed .. noise_seed+noise_seeds-1 (the trainer's pool);
                             * rollout_eval itself always runs one draw, noise_seed */
} EvalConfig;

/* one episode's outcome */
typedef struct {
    uint64_t seed;
    double max_reward;      /* max over its steps of clip(coverage/0.95, 0, 1) */
    double max_coverage;
    double final_coverage;
    int success;            /* coverage > 0.95 was reached (the episode stopped there) */
    int steps;              /* env steps taken (<= max_steps) */
} EvalEpisode;

typedef struct {
    int episodes;
    double score;           /* mean over episodes of max_reward */
    double success_rate;    /* fraction of episodes that succeeded */
    double mean_coverage;   /* mean over episodes of max_coverage */
    int64_t env_steps;      /* total env steps over all episodes */
    int64_t decisions;      /* policy_sample rows over all decisions (env-decisions) */
    double seconds;         /* wall time of the rollouts (max over ranks after a merge) */
    double cpu_seconds;     /* process CPU time of the rollouts (summed over ranks after a merge);
                             * below wall time when other jobs share the cores */
    double policy_seconds;  /* CPU time inside policy_sample (summed over ranks) */
    double sim_seconds;     /* CPU time in the simulator: steps, observations, coverage (summed) */
    double rollouts_per_s;  /* episodes / seconds */
    EvalEpisode *ep;        /* (episodes), owned; free with rollout_result_free */
} EvalResult;

/* optional per-episode trajectory, for rendering: states[t] is the 5-d state before action[t],
 * states[steps] the final one; chunk_start[t] = 1 where a new chunk began at step t */
typedef struct {
    int steps;
    double *states;         /* (max_steps+1, 5) */
    double *actions;        /* (max_steps, 2) executed (clipped) targets */
    uint8_t *chunk_start;   /* (max_steps) */
} RolloutTrace;

/* Diffusion Policy's protocol: legacy resets, seeds 100000.., 50 episodes, 300 steps,
 * keypoints, To 2, Ta 8, offset To-1, 10 flow steps, no clipping, noise_seed 0 */
void rollout_config_dp(EvalConfig *cfg);
/* the protocol of `reset` for a policy trained on (obs, To, H, action_offset) windows executing
 * Ta actions: legacy = rollout_config_dp with the policy's observation, Ta and flow steps; gym =
 * CS 185/285 HW1's (PCG64 resets from seed 0, 100 episodes, 300 steps, 10 flow steps, the whole
 * chunk from action_offset, actions clipped to [0,512]) with the policy's observation */
void rollout_config_protocol(EvalConfig *cfg, PushtResetKind reset, PushtObsKind obs, int obs_steps, int horizon,
                             int action_offset, int n_action_steps, int flow_steps);
/* one line for start-up tables: "N episodes from seed S (reset) x K noise draw(s), M steps max,
 * Ta A, F flow steps[, actions clipped]"; returns buf */
const char *rollout_config_describe(const EvalConfig *cfg, char *buf, size_t n);
/* FC_OK if cfg fits the policy and norm (obs_dim == To * frame dim, offset+Ta <= H, ...), else
 * FC_ERR with fc_set_error(one sentence) */
int rollout_config_check(const EvalConfig *cfg, const Policy *p, const Norm *norm);
/* the seed of episode i (0 <= i < cfg->episodes) */
uint64_t rollout_seed(const EvalConfig *cfg, int i);
/* episodes [first, first+count) of rank `rank` out of `size`: contiguous, sizes differ by <= 1 */
void rollout_split(int episodes, int rank, int size, int *first, int *count);

/* evaluates the n episodes with reset seeds seeds[0..n-1] as ONE batch and fills *res (which
 * it allocates; release with rollout_result_free). The policy's scratch is used (not const).
 * traces: NULL, or n traces to fill (rollout_trace_init'd for cfg->max_steps) */
void rollout_eval(Policy *p, const Norm *norm, const EvalConfig *cfg, const uint64_t *seeds, int n,
                  EvalResult *res, RolloutTrace *traces);
/* all cfg->episodes episodes in one process (rollout_seed for each) */
void rollout_eval_all(Policy *p, const Norm *norm, const EvalConfig *cfg, EvalResult *res);

/* concatenates the episodes of parts[0..n_parts-1] into *out (allocated) and summarizes:
 * seconds = max, policy/sim seconds and decisions summed */
void rollout_result_merge(EvalResult *out, const EvalResult *parts, int n_parts);
void rollout_result_free(EvalResult *res);
/* the spread of n >= 1 values (the scores of an evaluation's noise draws): mean, sample standard
 * deviation (0 for one value), min, max */
typedef struct { double mean, std, min, max; } RolloutSpread;
RolloutSpread rollout_spread(const double *v, int n);

void rollout_trace_init(RolloutTrace *t, int max_steps);
void rollout_trace_free(RolloutTrace *t);

#endif
