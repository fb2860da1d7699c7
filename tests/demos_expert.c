/* demos_expert.c: the scripted expert (src/expert.c) on the real simulator.
 *   solve      - 20 seeded starts: success >= 80% and mean max reward >= 0.95 (the 200-episode
 *                figures are in benchmarks/RESULTS.md), every episode within 300 steps
 *   actions    - human-like: integer targets in the window, at most max_jump (+1 for rounding)
 *                from the previous one, near the agent; the recording replays exactly
 *   determinism - the same (reset seed, expert seed) gives the same episode bit for bit
 *   modes      - one start, several expert seeds: successful solutions by routes far apart
 *                (Hausdorff distance between the agent paths)
 *   noise      - exec_noise (DART): the env runs disturbed actions, the file keeps the expert's
 *                integer commands; the states no longer replay from them, the expert still
 *                solves >= 80%, and the disturbance is reproducible
 *   metric     - expert_pose_error on known poses */
#include "flowchunk/expert.h"
#include "flowchunk/pusht.h"
#include "pusht_check.h"
#include "expect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T_MAX 300

static float st[T_MAX * 5], ac[T_MAX * 2], kp[T_MAX * 18];
static float st2[T_MAX * 5], ac2[T_MAX * 2];

static void test_solve(Expert *ex, PushtEnv *env) {
    const int n = 20;
    const uint64_t seed0 = 300000;
    int succ = 0;
    double maxrew = 0, len = 0;
    ExpertConfig cfg;
    expert_config_default(&cfg);
    for (int i = 0; i < n; i++) {
        ExpertOutcome o = expert_run_episode(ex, env, seed0 + i, PUSHT_RESET_LEGACY, seed0 + i, T_MAX, st, ac, kp);
        succ += o.success;
        maxrew += pusht_reward_of(o.max_coverage);
        len += o.n_steps;
        EXPECT(o.n_steps >= 1 && o.n_steps <= T_MAX, "episode %d: %d steps", i, o.n_steps);
        EXPECT(o.success == (o.final_coverage > PUSHT_SUCCESS_COVERAGE), "episode %d: success flag", i);
        EXPECT(o.max_coverage >= o.final_coverage, "episode %d: max < final coverage", i);
        EXPECT(o.success || o.n_steps == T_MAX, "episode %d: stopped early without success", i);
        /* human-like actions */
        double worst_jump = 0, worst_lead = 0;
        for (int t = 0; t < o.n_steps; t++) {
            double ax = ac[2 * t], ay = ac[2 * t + 1];
            EXPECT(ax == floor(ax) && ay == floor(ay) && ax >= 0 && ax <= 512 && ay >= 0 && ay <= 512,
                   "episode %d step %d: action (%g,%g) is not an integer target in the window", i, t, ax, ay);
            if (t > 0) worst_jump = fmax(worst_jump, hypot(ax - ac[2 * t - 2], ay - ac[2 * t - 1]));
            worst_lead = fmax(worst_lead, hypot(ax - st[5 * t], ay - st[5 * t + 1]));
        }
        EXPECT(worst_jump <= cfg.max_jump + 1.5, "episode %d: the target jumped %.1f px in one step", i, worst_jump);
        EXPECT(worst_lead <= 80, "episode %d: a target %.1f px away from the agent", i, worst_lead);
        /* the recording follows the replay-buffer convention: state[t+1] = step(state[t], action[t]) */
        int64_t cmp = 0;
        double err = pusht_replay(env, st, ac, o.n_steps, (int64_t)(seed0 + i), &cmp);
        EXPECT(err < 1e-3, "episode %d: replaying the recorded actions drifts by %g px", i, err);
        /* keypoints are the state's */
        double s5[5], k20[20];
        int t = o.n_steps / 2;
        for (int j = 0; j < 5; j++) s5[j] = st[5 * t + j];
        pusht_state_to_keypoints(s5, k20);
        for (int j = 0; j < 18; j++) EXPECT(fabs(k20[j] - kp[18 * t + j]) < 1e-3, "episode %d: keypoint %d", i, j);
    }
    printf("solve: %d/%d successful, mean max reward %.4f, mean length %.1f\n", succ, n, maxrew / n, len / n);
    EXPECT(succ >= 16, "only %d of %d episodes successful (threshold 80%%)", succ, n);
    EXPECT(maxrew / n >= 0.95, "mean max reward %.4f < 0.95", maxrew / n);
    EXPECT(len / n <= 250, "mean episode length %.1f (the human data's is 125)", len / n);
}

static void test_determinism(Expert *ex, PushtEnv *env) {
    ExpertOutcome a = expert_run_episode(ex, env, 300003, PUSHT_RESET_LEGACY, 7, T_MAX, st, ac, NULL);
    /* another episode in between must not leak state into the next one */
    expert_run_episode(ex, env, 300004, PUSHT_RESET_LEGACY, 8, T_MAX, st2, ac2, NULL);
    ExpertOutcome b = expert_run_episode(ex, env, 300003, PUSHT_RESET_LEGACY, 7, T_MAX, st2, ac2, NULL);
    EXPECT(a.n_steps == b.n_steps && a.final_coverage == b.final_coverage, "the same seeds gave another outcome");
    EXPECT(a.n_steps == b.n_steps && !memcmp(st, st2, sizeof(float) * 5 * a.n_steps) &&
               !memcmp(ac, ac2, sizeof(float) * 2 * a.n_steps), "the same seeds gave another episode");
    Expert *other = expert_create(NULL); /* a fresh expert behaves the same */
    ExpertOutcome c = expert_run_episode(other, env, 300003, PUSHT_RESET_LEGACY, 7, T_MAX, st2, ac2, NULL);
    EXPECT(c.n_steps == a.n_steps && !memcmp(ac, ac2, sizeof(float) * 2 * a.n_steps), "a fresh expert differs");
    expert_destroy(other);
}

static void test_modes(Expert *ex, PushtEnv *env) {
    const uint64_t starts[5] = {200000, 200003, 200010, 300001, 300002};
    const int K = 6;
    static float paths[6][T_MAX * 5];
    int multimodal = 0;
    for (int s = 0; s < 5; s++) {
        int len[6], ok[6];
        for (int k = 0; k < K; k++) {
            ExpertOutcome o = expert_run_episode(ex, env, starts[s], PUSHT_RESET_LEGACY, (uint64_t)k, T_MAX, paths[k], ac, NULL);
            len[k] = o.n_steps, ok[k] = o.success;
        }
        double best = 0;
        for (int a = 0; a < K; a++)
            for (int b = a + 1; b < K; b++)
                if (ok[a] && ok[b]) best = fmax(best, expert_route_distance(paths[a], len[a], paths[b], len[b]));
        printf("modes: start %llu: successful routes up to %.0f px apart (Hausdorff)\n", (unsigned long long)starts[s], best);
        multimodal += best > 60; /* the expert's own separation of two first pushes (MODE_SEP) */
    }
    EXPECT(multimodal >= 3, "only %d of 5 starts were solved by routes more than 60 px apart (Hausdorff)", multimodal);
}

static void test_noise(PushtEnv *env) {
    ExpertConfig cfg;
    expert_config_default(&cfg);
    cfg.exec_noise = 5;
    Expert *ex = expert_create(&cfg);
    const int n = 10;
    int succ = 0, drifted = 0;
    for (int i = 0; i < n; i++) {
        ExpertOutcome o = expert_run_episode(ex, env, 300000 + i, PUSHT_RESET_LEGACY, 300000 + i, T_MAX, st, ac, NULL);
        succ += o.success;
        for (int t = 0; t < o.n_steps; t++)
            EXPECT(ac[2 * t] == floor(ac[2 * t]) && ac[2 * t + 1] == floor(ac[2 * t + 1]),
                   "episode %d step %d: the recorded action is not the expert's integer command", i, t);
        int64_t cmp = 0;
        drifted += pusht_replay(env, st, ac, o.n_steps, (int64_t)(300000 + i), &cmp) > 1.0;
        if (i == 0) {
            ExpertOutcome again = expert_run_episode(ex, env, 300000, PUSHT_RESET_LEGACY, 300000, T_MAX, st2, ac2, NULL);
            EXPECT(again.n_steps == o.n_steps && !memcmp(st, st2, sizeof(float) * 5 * o.n_steps),
                   "the same seeds gave another disturbed episode");
        }
    }
    printf("noise 5 px: %d/%d successful, %d/%d recordings do not replay from the commands\n", succ, n, drifted, n);
    EXPECT(succ >= 8, "with exec_noise 5 only %d of %d episodes successful", succ, n);
    EXPECT(drifted == n, "only %d of %d disturbed episodes differ from a replay of their commands", drifted, n);
    expert_destroy(ex);
}

static void test_metric(void) {
    const double g[3] = {256, 256, M_PI / 4};
    double p[3] = {266, 256, M_PI / 4};
    EXPECT(expert_pose_error(g, g) == 0, "zero error at the goal");
    EXPECT(fabs(expert_pose_error(p, g) - 10) < 1e-9, "a 10 px shift is 10 px of error");
    double q[3] = {256, 256, M_PI / 4 + 2 * M_PI};
    EXPECT(expert_pose_error(q, g) < 1e-9, "angles are compared modulo 2pi");
    double r1[3] = {256, 256, M_PI / 4 + 0.1}, r2[3] = {256, 256, M_PI / 4 - 0.1};
    EXPECT(fabs(expert_pose_error(r1, g) - expert_pose_error(r2, g)) < 1e-9 && expert_pose_error(r1, g) > 3,
           "rotations either way cost the same");
}

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : "all";
    Expert *ex = expert_create(NULL);
    PushtEnv *env = pusht_create();
    test_metric();
    if (!strcmp(only, "all") || !strcmp(only, "solve")) test_solve(ex, env);
    if (!strcmp(only, "all") || !strcmp(only, "determinism")) test_determinism(ex, env);
    if (!strcmp(only, "all") || !strcmp(only, "modes")) test_modes(ex, env);
    if (!strcmp(only, "all") || !strcmp(only, "noise")) test_noise(env);
    expert_destroy(ex);
    pusht_destroy(env);
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    else printf("ok\n");
    return failures ? 1 : 0;
}
