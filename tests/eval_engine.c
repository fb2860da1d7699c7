/* eval_engine.c: mechanics of the batched rollout engine (src/rollout.c) on real Push-T envs.
 *  - a policy whose norm pins every action to one target (act_min == act_max un-scales any
 *    network output to that point) acts as a scripted constant policy: a block placed on the goal
 *    succeeds at the first step and stops; a block out of reach runs exactly max_steps (cut
 *    mid-chunk) with the reward of its pose; the decision count matches
 *  - HW1 clipping to [0,512] on and off
 *  - the To-history is the first observation repeated at reset, the executed entry is
 *    action_offset, and the noise of decision k of seed s is rng_key(noise_seed, SAMPLE, s, k):
 *    the executed actions equal a direct policy_sample_explicit on the expected inputs
 *  - batch independence: episodes evaluated together, split in two batches, or twice give the
 *    same per-episode results bit for bit (what makes MPI splits deterministic), for a toy net
 *    and the default-sized 3 x 512 net; an episode's executed actions do not change when the
 *    episodes beside it end at the first step and the batch shrinks
 *  - rollout_split covers every episode once; rollout_config_check rejects mismatches */
#include "flowchunk/check.h"
#include "flowchunk/rng.h"
#include "flowchunk/rollout.h"
#include "rollout_internal.h"
#include "expect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void sized_policy(Policy *p, int obs_dim, int H, uint64_t seed, int hidden, int depth) {
    PolicyConfig pc;
    policy_config_default(&pc);
    pc.obs_dim = obs_dim;
    pc.horizon = H;
    pc.hidden = hidden;
    pc.depth = depth;
    policy_init(p, &pc, seed);
}

static void small_policy(Policy *p, int obs_dim, int H, uint64_t seed) { sized_policy(p, obs_dim, H, seed, 32, 2); }

/* state-observation norm over the table; actions pinned to (ax, ay) when pin, else [0,512] */
static void table_norm(Norm *n, int pin, float ax, float ay) {
    memset(n, 0, sizeof *n);
    n->obs_dim = PUSHT_STATE_DIM;
    n->act_dim = 2;
    for (int d = 0; d < 4; d++) { n->obs_min[d] = 0.0f; n->obs_max[d] = 512.0f; }
    n->obs_min[4] = 0.0f;
    n->obs_max[4] = 6.2831855f;
    n->act_min[0] = pin ? ax : 0.0f; n->act_max[0] = pin ? ax : 512.0f;
    n->act_min[1] = pin ? ay : 0.0f; n->act_max[1] = pin ? ay : 512.0f;
}

static void state_config(EvalConfig *c, int To, int Ta, int offset, int max_steps) {
    rollout_config_dp(c);
    c->obs_kind = PUSHT_OBS_STATE;
    c->obs_steps = To;
    c->n_action_steps = Ta;
    c->action_offset = offset;
    c->max_steps = max_steps;
    c->noise_seed = 7;
}

static void test_success_and_max_steps(void) {
    Policy p;
    Norm n;
    EvalConfig c;
    small_policy(&p, PUSHT_STATE_DIM, 4, 1);
    table_norm(&n, 1, 30.0f, 480.0f); /* the agent parks in a corner, far from both blocks */
    state_config(&c, 1, 4, 0, 50);
    /* legacy placement puts the block origin at (x + 45 sin a, y + 45 - 45 cos a) */
    double a = M_PI / 4, b = M_PI / 4 + 0.2, ox = 266, oy = 250; /* block 2: near the goal, off by 0.2 rad */
    double st[2][5] = {{30, 480, 256 - 45 * sin(a), 256 - 45 + 45 * cos(a), a},
                       {30, 480, ox - 45 * sin(b), oy - 45 + 45 * cos(b), b}};
    RolloutTrace tr[2];
    for (int i = 0; i < 2; i++) rollout_trace_init(&tr[i], c.max_steps);
    EvalResult r;
    rollout_eval_states(&p, &n, &c, &st[0][0], 2, &r, tr);
    EXPECT(r.episodes == 2, "episodes %d", r.episodes);
    EXPECT(r.ep[0].success == 1 && r.ep[0].steps == 1, "on-goal block: success %d after %d steps (want 1, 1)",
           r.ep[0].success, r.ep[0].steps);
    EXPECT(r.ep[0].max_reward == 1.0, "on-goal reward %g", r.ep[0].max_reward);
    double pose[3] = {ox, oy, b};
    double want = pusht_coverage_pose(pose, PUSHT_GOAL_POSE) / PUSHT_SUCCESS_COVERAGE;
    EXPECT(r.ep[1].success == 0 && r.ep[1].steps == 50, "untouched block: success %d, %d steps (want 0, 50)",
           r.ep[1].success, r.ep[1].steps);
    EXPECT(fabs(r.ep[1].max_reward - want) < 1e-9 && want > 0.3 && want < 0.9,
           "untouched block reward %.12f, its pose gives %.12f", r.ep[1].max_reward, want);
    EXPECT(r.env_steps == 51, "env_steps %lld (want 1 + 50)", (long long)r.env_steps);
    EXPECT(r.decisions == 1 + 13, "decisions %lld (want 1 + ceil(50/4))", (long long)r.decisions);
    EXPECT(fabs(r.score - 0.5 * (1.0 + want)) < 1e-12 && r.success_rate == 0.5, "score %g success %g", r.score,
           r.success_rate);
    EXPECT(tr[1].steps == 50 && tr[0].steps == 1, "trace lengths %d %d", tr[0].steps, tr[1].steps);
    EXPECT(tr[1].chunk_start[0] && tr[1].chunk_start[48] && !tr[1].chunk_start[49] && !tr[1].chunk_start[3],
           "chunk starts every 4 steps");
    EXPECT(tr[1].actions[2 * 49] == (double)30.0f && tr[1].actions[2 * 49 + 1] == (double)480.0f,
           "pinned action (%g, %g)", tr[1].actions[98], tr[1].actions[99]);
    rollout_result_free(&r);
    for (int i = 0; i < 2; i++) rollout_trace_free(&tr[i]);
    policy_free(&p);
}

static void test_clipping(void) {
    Policy p;
    Norm n;
    EvalConfig c;
    small_policy(&p, PUSHT_STATE_DIM, 8, 2);
    table_norm(&n, 1, -100.0f, 700.0f);
    rollout_config_hw1(&c, 8);
    c.max_steps = 3;
    uint64_t seeds[1] = {0};
    for (int clip = 0; clip <= 1; clip++) {
        c.clip_actions = clip;
        RolloutTrace tr;
        rollout_trace_init(&tr, c.max_steps);
        EvalResult r;
        rollout_eval(&p, &n, &c, seeds, 1, &r, &tr);
        double wx = clip ? 0.0 : -100.0, wy = clip ? 512.0 : 700.0;
        EXPECT(r.ep[0].steps == 3 && tr.actions[0] == wx && tr.actions[1] == wy && tr.actions[4] == wx,
               "clip=%d: action (%g, %g), want (%g, %g)", clip, tr.actions[0], tr.actions[1], wx, wy);
        rollout_result_free(&r);
        rollout_trace_free(&tr);
    }
    policy_free(&p);
}

/* the executed action at decision k equals the policy on the expected history and noise */
static void test_history_and_noise(void) {
    const int To = 2, H = 6, offset = 1, fd = PUSHT_STATE_DIM;
    Policy p;
    Norm n;
    EvalConfig c;
    small_policy(&p, To * fd, H, 3);
    table_norm(&n, 0, 0, 0);
    state_config(&c, To, 1, offset, 3);
    uint64_t seeds[2] = {100003, 100011};
    RolloutTrace tr[2];
    for (int i = 0; i < 2; i++) rollout_trace_init(&tr[i], c.max_steps);
    EvalResult r;
    rollout_eval(&p, &n, &c, seeds, 2, &r, tr);
    for (int e = 0; e < 2; e++) {
        for (int k = 0; k < 3; k++) {
            float raw[2 * PUSHT_STATE_DIM], obs[2 * PUSHT_STATE_DIM], a0[12], chunk[12], act[12];
            int prev = k > 0 ? k - 1 : 0; /* history: (obs_{k-1}, obs_k), obs_0 repeated at reset */
            for (int d = 0; d < fd; d++) {
                raw[d] = (float)tr[e].states[prev * fd + d];
                raw[fd + d] = (float)tr[e].states[k * fd + d];
            }
            norm_scale(obs, raw, To, n.obs_min, n.obs_max, fd);
            rng_normal_fill(a0, 12, rng_key(c.noise_seed, RNG_STREAM_SAMPLE, seeds[e], (uint64_t)k));
            policy_sample_explicit(&p, obs, a0, 1, c.flow_steps, chunk);
            norm_unscale(act, chunk, H, n.act_min, n.act_max, 2);
            double dx = fabs(tr[e].actions[2 * k] - act[2 * offset]);
            double dy = fabs(tr[e].actions[2 * k + 1] - act[2 * offset + 1]);
            EXPECT(dx < 1e-3 && dy < 1e-3, "episode %d decision %d: executed (%g, %g), policy gives (%g, %g)", e, k,
                   tr[e].actions[2 * k], tr[e].actions[2 * k + 1], act[2 * offset], act[2 * offset + 1]);
        }
        EXPECT(r.decisions == 6, "decisions %lld", (long long)r.decisions);
    }
    rollout_result_free(&r);
    for (int i = 0; i < 2; i++) rollout_trace_free(&tr[i]);
    policy_free(&p);
}

static int same_episodes(const EvalResult *a, const EvalResult *b) {
    if (a->episodes != b->episodes) return 0;
    for (int i = 0; i < a->episodes; i++) {
        const EvalEpisode *x = &a->ep[i], *y = &b->ep[i];
        if (x->seed != y->seed || x->max_reward != y->max_reward || x->steps != y->steps ||
            x->success != y->success || x->final_coverage != y->final_coverage)
            return 0;
    }
    return 1;
}

static void test_batch_independence(int hidden, int depth) {
    const int E = 6;
    Policy p;
    Norm n;
    EvalConfig c;
    sized_policy(&p, 2 * PUSHT_KEYPOINT_DIM, 16, 4, hidden, depth);
    memset(&n, 0, sizeof n);
    n.obs_dim = PUSHT_KEYPOINT_DIM;
    n.act_dim = 2;
    for (int d = 0; d < PUSHT_KEYPOINT_DIM; d++) { n.obs_min[d] = 0.0f; n.obs_max[d] = 512.0f; }
    n.act_min[0] = n.act_min[1] = 50.0f;
    n.act_max[0] = n.act_max[1] = 460.0f;
    rollout_config_dp(&c);
    c.episodes = E;
    c.max_steps = 40;
    uint64_t seeds[6];
    for (int i = 0; i < E; i++) seeds[i] = rollout_seed(&c, i);
    EvalResult all, again, parts[2], merged;
    rollout_eval(&p, &n, &c, seeds, E, &all, NULL);
    rollout_eval_all(&p, &n, &c, &again);
    int f0, c0, f1, c1;
    rollout_split(E, 0, 2, &f0, &c0);
    rollout_split(E, 1, 2, &f1, &c1);
    rollout_eval(&p, &n, &c, seeds + f0, c0, &parts[0], NULL);
    rollout_eval(&p, &n, &c, seeds + f1, c1, &parts[1], NULL);
    rollout_result_merge(&merged, parts, 2);
    EXPECT(same_episodes(&all, &again), "%d x %d: the same evaluation twice differs", depth, hidden);
    EXPECT(same_episodes(&all, &merged), "%d x %d: one batch of 6 differs from batches of 3 + 3 merged", depth, hidden);
    EXPECT(all.score == merged.score && all.env_steps == merged.env_steps, "merged summary %g vs %g", merged.score,
           all.score);
    EXPECT(all.env_steps == (int64_t)E * 40 || all.success_rate > 0, "env_steps %lld", (long long)all.env_steps);
    EXPECT(all.decisions == merged.decisions && all.decisions > 0, "decisions %lld vs %lld",
           (long long)all.decisions, (long long)merged.decisions);
    /* a different noise seed must change something (the engine really uses the noise) */
    c.noise_seed = 12345;
    EvalResult other;
    rollout_eval(&p, &n, &c, seeds, E, &other, NULL);
    EXPECT(!same_episodes(&all, &other), "changing noise_seed changed nothing");
    rollout_result_free(&all); rollout_result_free(&again); rollout_result_free(&merged);
    rollout_result_free(&parts[0]); rollout_result_free(&parts[1]); rollout_result_free(&other);
    policy_free(&p);
}

/* episodes 1, 3, 5 of a batch of 7, once beside blocks already on the goal (they succeed at the
 * first step, so the batch shrinks from 7 rows to 3) and once beside blocks that stay put: their
 * executed actions must be the same bits */
static void test_shrinking_batch(int hidden, int depth) {
    enum { E = 7, STEPS = 40 };
    Policy p;
    Norm n;
    EvalConfig c;
    sized_policy(&p, 2 * PUSHT_STATE_DIM, 16, 6, hidden, depth);
    table_norm(&n, 0, 0, 0);
    n.act_min[0] = n.act_min[1] = 20.0f; /* the agent roams a corner, away from every block */
    n.act_max[0] = n.act_max[1] = 70.0f;
    state_config(&c, 2, 8, 1, STEPS);
    double a = M_PI / 4, st[2][E][5];
    for (int v = 0; v < 2; v++)
        for (int i = 0; i < E; i++) {
            int on_goal = v == 0 && i % 2 == 0;
            double ang = on_goal ? a : 0.3 * i, ox = on_goal ? 256 : 300 + 10 * i, oy = on_goal ? 256 : 330;
            double row[5] = {40 + i, 45, ox - 45 * sin(ang), oy - 45 + 45 * cos(ang), ang};
            memcpy(st[v][i], row, sizeof row);
        }
    RolloutTrace tr[2][E];
    EvalResult r[2];
    for (int v = 0; v < 2; v++) {
        for (int i = 0; i < E; i++) rollout_trace_init(&tr[v][i], STEPS);
        rollout_eval_states(&p, &n, &c, &st[v][0][0], E, &r[v], tr[v]);
    }
    EXPECT(r[0].ep[0].success && r[0].ep[0].steps == 1 && r[1].ep[0].steps == STEPS,
           "on-goal episodes end at step 1 (%d steps), the others run %d (%d)", r[0].ep[0].steps, STEPS, r[1].ep[0].steps);
    for (int i = 1; i < E; i += 2) {
        int same = tr[0][i].steps == STEPS && tr[1][i].steps == STEPS &&
                   memcmp(tr[0][i].actions, tr[1][i].actions, (size_t)STEPS * 2 * sizeof(double)) == 0;
        EXPECT(same, "%d x %d: episode %d's actions change when the batch shrinks beside it", depth, hidden, i);
        EXPECT(r[0].ep[i].final_coverage == r[1].ep[i].final_coverage, "episode %d coverage", i);
    }
    /* the actions really come from the net (not pinned): two episodes' first actions differ */
    EXPECT(tr[0][1].actions[0] != tr[0][3].actions[0], "the policy's actions do not vary");
    for (int v = 0; v < 2; v++) {
        rollout_result_free(&r[v]);
        for (int i = 0; i < E; i++) rollout_trace_free(&tr[v][i]);
    }
    policy_free(&p);
}

static void test_split_and_check(void) {
    for (int E = 0; E <= 13; E++)
        for (int P = 1; P <= 5; P++) {
            int next = 0;
            for (int r = 0; r < P; r++) {
                int f, k;
                rollout_split(E, r, P, &f, &k);
                EXPECT(f == next && k >= E / P && k <= E / P + 1, "split E=%d P=%d rank %d: [%d,+%d)", E, P, r, f, k);
                next = f + k;
            }
            EXPECT(next == E, "split E=%d P=%d covers %d", E, P, next);
        }
    Policy p;
    Norm n;
    EvalConfig c;
    small_policy(&p, 2 * PUSHT_KEYPOINT_DIM, 16, 5);
    memset(&n, 0, sizeof n);
    n.obs_dim = PUSHT_KEYPOINT_DIM;
    n.act_dim = 2;
    rollout_config_dp(&c);
    EXPECT(rollout_config_check(&c, &p, &n) == FC_OK, "DP config on a To=2 keypoint policy: %s", fc_last_error());
    c.obs_steps = 1;
    EXPECT(rollout_config_check(&c, &p, &n) == FC_ERR, "To=1 accepted for a 40-d policy");
    c.obs_steps = 2;
    c.n_action_steps = 16;
    EXPECT(rollout_config_check(&c, &p, &n) == FC_ERR, "offset 1 + 16 steps accepted for H=16");
    c.n_action_steps = 8;
    c.obs_kind = PUSHT_OBS_STATE;
    EXPECT(rollout_config_check(&c, &p, &n) == FC_ERR, "state obs accepted for a keypoint policy");
    policy_free(&p);
}

int main(void) {
    test_success_and_max_steps();
    test_clipping();
    test_history_and_noise();
    test_batch_independence(32, 2);
    test_batch_independence(512, 3);
    test_shrinking_batch(32, 2);
    test_shrinking_batch(512, 3);
    test_split_and_check();
    if (failures) {
        fprintf(stderr, "eval_engine: %d failure(s)\n", failures);
        return 1;
    }
    printf("eval_engine: ok\n");
    return 0;
}
