/* sim_coverage.c: exact coverage (sim/coverage.c) against shapely, through
 * tests/fixtures/coverage_pairs.txt (gen_coverage.py: 1202 pose pairs, the reference's
 * MultiPolygon construction) to 1e-9, plus exact cases and invariances: 1 at the goal pose, 0 when
 * disjoint, symmetric in its arguments, unchanged by a joint rigid motion, and the env's coverage
 * equal to the pose formula. */
#include "flowchunk/pusht.h"
#include "pusht_check.h"
#include "sim_test.h"

#include <math.h>

int main(void) {
    const double *g = PUSHT_GOAL_POSE;
    double goal[3] = {g[0], g[1], g[2]};
    EXPECT(fabs(pusht_coverage_pose(goal, goal) - 1.0) < 1e-12, "coverage at the goal pose: %.17g",
           pusht_coverage_pose(goal, goal));
    for (double a = -7; a < 7; a += 0.37) { /* any pose covers itself exactly */
        double p[3] = {123.4, 321.0, a};
        EXPECT(fabs(pusht_coverage_pose(p, p) - 1.0) < 1e-12, "self coverage at angle %g", a);
    }
    double far[3] = {100, 100, 0}, apart[3] = {256 + 200, 256, M_PI / 4};
    EXPECT(pusht_coverage_pose(far, goal) == 0.0, "disjoint poses cover 0");
    EXPECT(pusht_coverage_pose(apart, goal) == 0.0, "disjoint poses cover 0");
    double turned[3] = {g[0], g[1], g[2] + 2 * M_PI}; /* a full turn is the same pose */
    EXPECT(fabs(pusht_coverage_pose(turned, goal) - 1.0) < 1e-12, "a full turn");
    /* 10 px of offset: PUSHT.md quotes coverage ~0.75 */
    double shifted[3] = {g[0] + 10, g[1], g[2]};
    double c10 = pusht_coverage_pose(shifted, goal);
    EXPECT(c10 > 0.6 && c10 < 0.9, "10 px offset gives coverage ~0.75 (PUSHT.md), got %g", c10);

    FILE *f = fopen(fixture_path("coverage_pairs.txt"), "r");
    if (!f) {
        fprintf(stderr, "FAIL: cannot open %s\n", fixture_path("coverage_pairs.txt"));
        return 1;
    }
    char line[1024];
    int n = 0, n_partial = 0;
    double max_err = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        double b[3], q[3], want;
        if (sscanf(line, "%lf %lf %lf %lf %lf %lf %lf", &b[0], &b[1], &b[2], &q[0], &q[1], &q[2], &want) != 7) {
            EXPECT(0, "malformed fixture line: %s", line);
            continue;
        }
        double got = pusht_coverage_pose(b, q), back = pusht_coverage_pose(q, b);
        double err = fabs(got - want);
        max_err = err > max_err ? err : max_err;
        EXPECT(err <= 1e-9, "pair %d: coverage %.17g, shapely %.17g", n, got, want);
        EXPECT(fabs(got - back) <= 1e-12, "pair %d: coverage is not symmetric (%.17g vs %.17g)", n, got, back);
        /* a joint rigid motion of both poses (rotation about the origin, then a shift) */
        double th = 0.3 + 0.01 * n, c = cos(th), s = sin(th), b2[3], q2[3];
        b2[0] = c * b[0] - s * b[1] + 17; b2[1] = s * b[0] + c * b[1] - 5; b2[2] = b[2] + th;
        q2[0] = c * q[0] - s * q[1] + 17; q2[1] = s * q[0] + c * q[1] - 5; q2[2] = q[2] + th;
        EXPECT(fabs(pusht_coverage_pose(b2, q2) - got) <= 1e-9, "pair %d: not invariant under a rigid motion", n);
        n_partial += want > 0 && want < 1;
        n++;
    }
    fclose(f);
    printf("compared %d pose pairs with shapely (%d partial overlaps), max abs error %.3g\n", n, n_partial, max_err);
    EXPECT(n >= 1000 && n_partial >= 500, "the fixture must hold >= 1000 pairs, mostly partial overlaps");

    /* the env's coverage (from Chipmunk's transform) equals the pose formula on its observation */
    PushtEnv *env = pusht_create();
    for (uint64_t seed = 0; seed < 50; seed++) {
        double obs[PUSHT_STATE_DIM];
        pusht_reset(env, seed, PUSHT_RESET_GYM);
        pusht_observe_state(env, obs);
        double cov = pusht_coverage(env), pose = pusht_coverage_pose(obs + 2, goal);
        EXPECT(fabs(cov - pose) < 1e-9, "seed %d: env coverage %.17g vs pose %.17g", (int)seed, cov, pose);
        EXPECT(pusht_reward(env) == pusht_reward_of(cov), "reward of the env");
        EXPECT(pusht_success(env) == (cov > 0.95), "success flag");
    }
    double goal_state[PUSHT_STATE_DIM] = {100, 100, g[0], g[1], g[2]};
    pusht_restore(env, goal_state);
    EXPECT(fabs(pusht_coverage(env) - 1.0) < 1e-12 && pusht_reward(env) == 1.0 && pusht_success(env),
           "the block restored at the goal pose: coverage 1, reward 1, success");
    EXPECT(pusht_reward_of(0.95 * 0.5) == 0.5 && pusht_reward_of(2.0) == 1.0 && pusht_reward_of(-1) == 0.0,
           "reward = clip(coverage / 0.95, 0, 1)");
    pusht_destroy(env);
    return finish("sim_coverage");
}
