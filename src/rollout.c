/* rollout.c: the batched Push-T evaluation engine (see rollout.h for the protocol).
 * Reference protocol: Diffusion Policy's PushTKeypointsRunner + MultiStepWrapper,
 * https://github.com/real-stanford/diffusion_policy/blob/main/diffusion_policy/env_runner/pusht_keypoints_runner.py
 * https://github.com/real-stanford/diffusion_policy/blob/main/diffusion_policy/gym_util/multistep_wrapper.py */
#include "flowchunk/rollout.h"
#include "rollout_internal.h"
#include "flowchunk/check.h"
#include "flowchunk/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROLLOUT_TABLE_MAX 512.0 /* HW1 clips actions to [0, 512] */


static double rollout_clock(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
/* wall time for rollouts/s; process CPU time for the policy/simulator split, which stays
 * meaningful when other jobs share the cores (it counts BLAS threads too) */
static double rollout_now(void) { return rollout_clock(CLOCK_MONOTONIC); }
static double rollout_cpu(void) { return rollout_clock(CLOCK_PROCESS_CPUTIME_ID); }

void rollout_config_dp(EvalConfig *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->reset = PUSHT_RESET_LEGACY;
    cfg->seed_first = 100000;
    cfg->episodes = 50;
    cfg->max_steps = 300;
    cfg->obs_kind = PUSHT_OBS_KEYPOINTS;
    cfg->obs_steps = 2;
    cfg->n_action_steps = 8;
    cfg->action_offset = 1;
    cfg->flow_steps = ROLLOUT_FLOW_STEPS;
    cfg->noise_scale = 1.0f;
    cfg->noise_seeds = 1;
}

void rollout_config_hw1(EvalConfig *cfg, int horizon) {
    memset(cfg, 0, sizeof *cfg);
    cfg->reset = PUSHT_RESET_GYM;
    cfg->seed_first = 0;
    cfg->episodes = 100;
    cfg->max_steps = 300;
    cfg->obs_kind = PUSHT_OBS_STATE;
    cfg->obs_steps = 1;
    cfg->n_action_steps = horizon;
    cfg->action_offset = 0;
    cfg->flow_steps = ROLLOUT_FLOW_STEPS;
    cfg->noise_scale = 1.0f;
    cfg->noise_seeds = 1;
    cfg->clip_actions = 1;
}

void rollout_config_protocol(EvalConfig *cfg, PushtResetKind reset, PushtObsKind obs, int obs_steps, int horizon,
                             int action_offset, int n_action_steps, int flow_steps) {
    if (reset == PUSHT_RESET_GYM) {
        rollout_config_hw1(cfg, horizon);
        cfg->n_action_steps = horizon - action_offset;
    } else {
        rollout_config_dp(cfg);
        cfg->n_action_steps = n_action_steps;
    }
    cfg->obs_kind = obs;
    cfg->obs_steps = obs_steps;
    cfg->action_offset = action_offset;
    if (flow_steps > 0) cfg->flow_steps = flow_steps;
}

const char *rollout_config_describe(const EvalConfig *c, char *buf, size_t n) {
    snprintf(buf, n, "%d episodes from seed %llu (%s) x %d noise draw(s), %d steps max, Ta %d, %d flow steps%s%s",
             c->episodes, (unsigned long long)c->seed_first, pusht_reset_kind_name(c->reset), c->noise_seeds,
             c->max_steps, c->n_action_steps, c->flow_steps, c->clip_actions ? ", actions clipped" : "",
             c->precision == PRECISION_BF16 ? ", bf16 products" : "");
    return buf;
}

int rollout_config_check(const EvalConfig *cfg, const Policy *p, const Norm *norm) {
    int fd = pusht_obs_dim(cfg->obs_kind);
    int H = p->cfg.horizon;
    if (cfg->episodes < 1) return fc_set_error("the evaluation needs at least one episode");
    if (cfg->max_steps < 1) return fc_set_error("max_steps must be at least 1, got %d", cfg->max_steps);
    if (cfg->noise_seeds < 1) return fc_set_error("an evaluation averages at least one noise draw, got %d", cfg->noise_seeds);
    if (cfg->precision == PRECISION_BF16 && gemm_check_request(PRECISION_BF16, -1) != FC_OK) return FC_ERR;
    if (cfg->obs_steps < 1) return fc_set_error("obs_steps must be at least 1, got %d", cfg->obs_steps);
    if (p->cfg.act_dim != PUSHT_ACTION_DIM)
        return fc_set_error("the policy predicts %d-d actions, Push-T needs %d", p->cfg.act_dim, PUSHT_ACTION_DIM);
    if (p->cfg.obs_dim != cfg->obs_steps * fd)
        return fc_set_error("the policy observes %d numbers, but %d %s frame(s) of %d make %d", p->cfg.obs_dim,
                            cfg->obs_steps, pusht_obs_kind_name(cfg->obs_kind), fd, cfg->obs_steps * fd);
    if (norm->obs_dim != fd || norm->act_dim != PUSHT_ACTION_DIM)
        return fc_set_error("the norm scales %d-d observations and %d-d actions, expected %d and %d", norm->obs_dim,
                            norm->act_dim, fd, PUSHT_ACTION_DIM);
    if (cfg->action_offset < 0 || cfg->action_offset >= H)
        return fc_set_error("action offset %d is outside the chunk of %d actions", cfg->action_offset, H);
    if (cfg->n_action_steps < 1 || cfg->action_offset + cfg->n_action_steps > H)
        return fc_set_error("%d action steps from offset %d do not fit a chunk of %d actions", cfg->n_action_steps,
                            cfg->action_offset, H);
    if (!(cfg->noise_scale >= 0.0f && cfg->noise_scale <= 10.0f))
        return fc_set_error("the noise scale must be in [0, 10], got %g", (double)cfg->noise_scale);
    if (p->cfg.kind == POLICY_FLOW && cfg->flow_steps < 1)
        return fc_set_error("flow_steps must be at least 1, got %d", cfg->flow_steps);
    return FC_OK;
}

uint64_t rollout_seed(const EvalConfig *cfg, int i) {
    return cfg->seeds ? cfg->seeds[i] : cfg->seed_first + (uint64_t)i;
}

void rollout_split(int episodes, int rank, int size, int *first, int *count) {
    int base = episodes / size, extra = episodes % size;
    *count = base + (rank < extra);
    *first = rank * base + (rank < extra ? rank : extra);
}

void rollout_trace_init(RolloutTrace *t, int max_steps) {
    t->steps = 0;
    t->states = fc_calloc((size_t)(max_steps + 1) * PUSHT_STATE_DIM, sizeof(double));
    t->actions = fc_calloc((size_t)max_steps * PUSHT_ACTION_DIM, sizeof(double));
    t->chunk_start = fc_calloc((size_t)max_steps, 1);
}

void rollout_trace_free(RolloutTrace *t) {
    free(t->states);
    free(t->actions);
    free(t->chunk_start);
    memset(t, 0, sizeof *t);
}

/* the current observation of env into frame (fd floats) */
static void rollout_observe(const PushtEnv *env, PushtObsKind kind, float *frame) {
    double o[PUSHT_KEYPOINT_DIM];
    int fd = pusht_obs_dim(kind);
    if (kind == PUSHT_OBS_KEYPOINTS) pusht_observe_keypoints(env, o);
    else pusht_observe_state(env, o);
    for (int d = 0; d < fd; d++) frame[d] = (float)o[d];
}

/* the raw (true, unwrapped) 5-d state of env for traces: the observed state is what we have */
static void rollout_record_state(const PushtEnv *env, double *s) { pusht_observe_state(env, s); }

/* recomputes score, success_rate, mean_coverage, env_steps from res->ep[] and rollouts_per_s
 * from res->seconds (after a run, and after gathering episodes from several ranks) */
static void rollout_result_summarize(EvalResult *res) {
    double score = 0.0, succ = 0.0, cov = 0.0;
    int64_t steps = 0;
    for (int i = 0; i < res->episodes; i++) {
        score += res->ep[i].max_reward;
        succ += res->ep[i].success ? 1.0 : 0.0;
        cov += res->ep[i].max_coverage;
        steps += res->ep[i].steps;
    }
    int n = res->episodes > 0 ? res->episodes : 1;
    res->score = score / n;
    res->success_rate = succ / n;
    res->mean_coverage = cov / n;
    res->env_steps = steps;
    res->rollouts_per_s = res->seconds > 0.0 ? res->episodes / res->seconds : 0.0;
}

/* the engine: seeds (noise keys and reported seeds) always given; states optional */
static void rollout_run(Policy *p, const Norm *norm, const EvalConfig *cfg, const uint64_t *seeds,
                        const double *states, int n, EvalResult *res, RolloutTrace *traces) {
    if (rollout_config_check(cfg, p, norm) != FC_OK) fc_fatal("rollout: %s", fc_last_error());
    FC_ASSERT(n >= 0, "rollout_eval needs a non-negative episode count");
    /* the weights' bf16 copy once per evaluation (the weights change between evaluations) */
    mlp_set_infer_bf16(&p->net, cfg->precision == PRECISION_BF16);
    memset(res, 0, sizeof *res);
    res->episodes = n;
    res->ep = fc_calloc((size_t)(n ? n : 1), sizeof(EvalEpisode));
    if (n == 0) return;

    const int fd = pusht_obs_dim(cfg->obs_kind), To = cfg->obs_steps, Ta = cfg->n_action_steps;
    const int cd = p->chunk_dim, od = To * fd;
    double t_start = rollout_now(), c_start = rollout_cpu(), t_sim = 0.0, t_pol = 0.0;

    float *hist = fc_malloc((size_t)n * od * sizeof(float));  /* (n, To, fd) oldest frame first */
    float *raw = fc_malloc((size_t)n * od * sizeof(float));   /* (m, To*fd) gathered histories */
    float *obs = fc_malloc((size_t)n * od * sizeof(float));   /* (m, To*fd) scaled */
    float *a0 = fc_malloc((size_t)n * cd * sizeof(float));    /* (m, H*2) initial noise */
    float *chunk = fc_malloc((size_t)n * cd * sizeof(float)); /* (m, H*2) scaled output */
    float *act = fc_malloc((size_t)n * cd * sizeof(float));   /* (m, H*2) in pixels */
    double *actions = fc_calloc((size_t)n * PUSHT_ACTION_DIM, sizeof(double));
    uint8_t *active = fc_calloc((size_t)n, 1);
    uint8_t *done = fc_calloc((size_t)n, 1);
    int *idx = fc_malloc((size_t)n * sizeof(int));
    uint64_t *decision = fc_calloc((size_t)n, sizeof(uint64_t));

    double t0 = rollout_cpu();
    PushtBatch *b = pusht_batch_create(n);
    if (states) {
        for (int i = 0; i < n; i++) pusht_reset_to(pusht_batch_env(b, i), states + (size_t)i * PUSHT_STATE_DIM);
    } else {
        pusht_batch_reset(b, seeds, cfg->reset);
    }
    for (int i = 0; i < n; i++) {
        PushtEnv *env = pusht_batch_env(b, i);
        float *h = hist + (size_t)i * od;
        rollout_observe(env, cfg->obs_kind, h);
        for (int f = 1; f < To; f++) memcpy(h + f * fd, h, (size_t)fd * sizeof(float)); /* DP: repeat at reset */
        res->ep[i].seed = seeds[i];
        if (traces) {
            traces[i].steps = 0;
            rollout_record_state(env, traces[i].states);
        }
    }
    t_sim += rollout_cpu() - t0;

    for (;;) {
        /* gather the histories of every active env into one batch */
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (done[i]) continue;
            memcpy(raw + (size_t)m * od, hist + (size_t)i * od, (size_t)od * sizeof(float));
            float *z = a0 + (size_t)m * cd;
            rng_normal_fill(z, (size_t)cd, rng_key(cfg->noise_seed, RNG_STREAM_SAMPLE, seeds[i], decision[i]));
            if (cfg->noise_scale != 1.0f)
                for (int k = 0; k < cd; k++) z[k] *= cfg->noise_scale;
            decision[i]++;
            idx[m++] = i;
        }
        if (m == 0) break;
        res->decisions += m;
        norm_scale(obs, raw, (size_t)m * To, norm->obs_min, norm->obs_max, fd);
        t0 = rollout_cpu();
        policy_sample_explicit(p, obs, a0, m, cfg->flow_steps, chunk);
        t_pol += rollout_cpu() - t0;
        norm_unscale(act, chunk, (size_t)m * p->cfg.horizon, norm->act_min, norm->act_max, PUSHT_ACTION_DIM);

        /* execute Ta actions open-loop; an env stops at success or max_steps, even mid-chunk */
        t0 = rollout_cpu();
        for (int s = 0; s < Ta; s++) {
            int any = 0;
            for (int j = 0; j < m; j++) {
                int i = idx[j];
                active[i] = !done[i];
                if (!active[i]) continue;
                any = 1;
                const float *a = act + (size_t)j * cd + (size_t)(cfg->action_offset + s) * PUSHT_ACTION_DIM;
                for (int d = 0; d < PUSHT_ACTION_DIM; d++) {
                    double v = a[d];
                    if (cfg->clip_actions) v = v < 0.0 ? 0.0 : v > ROLLOUT_TABLE_MAX ? ROLLOUT_TABLE_MAX : v;
                    actions[2 * i + d] = v;
                }
                if (traces) {
                    RolloutTrace *tr = &traces[i];
                    tr->actions[2 * tr->steps] = actions[2 * i];
                    tr->actions[2 * tr->steps + 1] = actions[2 * i + 1];
                    tr->chunk_start[tr->steps] = s == 0;
                }
            }
            if (!any) break;
            pusht_batch_step(b, actions, active);
            for (int j = 0; j < m; j++) {
                int i = idx[j];
                if (!active[i]) continue;
                PushtEnv *env = pusht_batch_env(b, i);
                EvalEpisode *e = &res->ep[i];
                double cov = pusht_coverage(env);
                double r = cov / PUSHT_SUCCESS_COVERAGE;
                r = r < 0.0 ? 0.0 : r > 1.0 ? 1.0 : r;
                e->steps++;
                if (r > e->max_reward) e->max_reward = r;
                if (cov > e->max_coverage) e->max_coverage = cov;
                e->final_coverage = cov;
                if (cov > PUSHT_SUCCESS_COVERAGE) e->success = 1;
                if (e->success || e->steps >= cfg->max_steps) done[i] = 1;
                float *h = hist + (size_t)i * od; /* slide the history by one frame */
                memmove(h, h + fd, (size_t)(od - fd) * sizeof(float));
                rollout_observe(env, cfg->obs_kind, h + od - fd);
                if (traces) rollout_record_state(env, traces[i].states + (size_t)(++traces[i].steps) * PUSHT_STATE_DIM);
            }
        }
        t_sim += rollout_cpu() - t0;
    }

    pusht_batch_destroy(b);
    free(hist); free(raw); free(obs); free(a0); free(chunk); free(act);
    free(actions); free(active); free(done); free(idx); free(decision);
    res->seconds = rollout_now() - t_start;
    res->cpu_seconds = rollout_cpu() - c_start;
    res->policy_seconds = t_pol;
    res->sim_seconds = t_sim;
    rollout_result_summarize(res);
}

void rollout_eval(Policy *p, const Norm *norm, const EvalConfig *cfg, const uint64_t *seeds, int n,
                  EvalResult *res, RolloutTrace *traces) {
    rollout_run(p, norm, cfg, seeds, NULL, n, res, traces);
}

void rollout_eval_states(Policy *p, const Norm *norm, const EvalConfig *cfg, const double *states,
                         int n, EvalResult *res, RolloutTrace *traces) {
    uint64_t *seeds = fc_malloc((size_t)(n ? n : 1) * sizeof(uint64_t));
    for (int i = 0; i < n; i++) seeds[i] = (uint64_t)i;
    rollout_run(p, norm, cfg, seeds, states, n, res, traces);
    free(seeds);
}

void rollout_eval_all(Policy *p, const Norm *norm, const EvalConfig *cfg, EvalResult *res) {
    uint64_t *seeds = fc_malloc((size_t)(cfg->episodes > 0 ? cfg->episodes : 1) * sizeof(uint64_t));
    for (int i = 0; i < cfg->episodes; i++) seeds[i] = rollout_seed(cfg, i);
    rollout_run(p, norm, cfg, seeds, NULL, cfg->episodes, res, NULL);
    free(seeds);
}

void rollout_result_merge(EvalResult *out, const EvalResult *parts, int n_parts) {
    memset(out, 0, sizeof *out);
    for (int k = 0; k < n_parts; k++) out->episodes += parts[k].episodes;
    out->ep = fc_calloc((size_t)(out->episodes ? out->episodes : 1), sizeof(EvalEpisode));
    int at = 0;
    for (int k = 0; k < n_parts; k++) {
        memcpy(out->ep + at, parts[k].ep, (size_t)parts[k].episodes * sizeof(EvalEpisode));
        at += parts[k].episodes;
        if (parts[k].seconds > out->seconds) out->seconds = parts[k].seconds;
        out->cpu_seconds += parts[k].cpu_seconds;
        out->policy_seconds += parts[k].policy_seconds;
        out->sim_seconds += parts[k].sim_seconds;
        out->decisions += parts[k].decisions;
    }
    rollout_result_summarize(out);
}

RolloutSpread rollout_spread(const double *v, int n) {
    FC_ASSERT(n >= 1, "a spread needs at least one value");
    RolloutSpread s = {0, 0, v[0], v[0]};
    for (int i = 0; i < n; i++) {
        s.mean += v[i] / n;
        if (v[i] < s.min) s.min = v[i];
        if (v[i] > s.max) s.max = v[i];
    }
    for (int i = 0; n > 1 && i < n; i++) s.std += (v[i] - s.mean) * (v[i] - s.mean) / (n - 1);
    s.std = sqrt(s.std);
    return s;
}

void rollout_result_free(EvalResult *res) {
    free(res->ep);
    memset(res, 0, sizeof *res);
}
