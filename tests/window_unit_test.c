/* window_unit_test.c: windowing without files: the seed example (episode_ends [5,12], H=3, pad
 * none -> starts 0,1,2,5,6,7,8,9), Diffusion Policy's padding caps, the episode selection (nested
 * train subsets, fixed disjoint validation), constant-dimension scaling, and the describer.
 * usage: window_unit_test FIXTURES_DIR */
#include "flowchunk/check.h"
#include "flowchunk/window.h"
#include "window_internal.h"
#include "expect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void test_seed_example(void) {
    int64_t ends[2] = {5, 12}, sel[2] = {0, 1};
    int32_t ep[16], t[16];
    int64_t m = window_starts(ends, sel, 2, 3, 0, 0, ep, t);
    static const int64_t want[8] = {0, 1, 2, 5, 6, 7, 8, 9};
    EXPECT(m == 8, "seed example: %lld windows, expected 8", (long long)m);
    EXPECT(window_count(ends, sel, 2, 3, 0, 0) == 8, "window_count disagrees with window_starts");
    for (int i = 0; i < 8 && i < m; i++) {
        int64_t start = (ep[i] ? ends[ep[i] - 1] : 0) + t[i];
        EXPECT(start == want[i], "seed example window %d starts at %lld, expected %lld", i, (long long)start,
               (long long)want[i]);
    }
    /* one episode only, and an episode shorter than H contributes nothing */
    int64_t one[1] = {1};
    EXPECT(window_count(ends, one, 1, 3, 0, 0) == 5, "episode 1 alone has 5 windows");
    int64_t ends3[3] = {5, 12, 14}, sel3[3] = {0, 1, 2};
    EXPECT(window_count(ends3, sel3, 3, 3, 0, 0) == 8, "a 2-step episode has no H=3 window");
    EXPECT(window_count(ends3, sel3, 3, 13, 0, 0) == 0, "H longer than every episode gives zero windows");
}

static void test_padding(void) {
    WindowSpec s;
    window_spec_default(&s);
    int pb, pa;
    window_padding(&s, &pb, &pa);
    EXPECT(pb == 0 && pa == 0, "pad none pads nothing (%d, %d)", pb, pa);
    s.pad = WINDOW_PAD_EDGE;
    s.obs_steps = 2;
    s.horizon = 16;
    s.n_action_steps = 8;
    window_padding(&s, &pb, &pa);
    EXPECT(pb == 1 && pa == 7, "Diffusion Policy's recipe pads (1, 7), got (%d, %d)", pb, pa);
    s.horizon = 2;
    s.n_action_steps = 5;
    window_padding(&s, &pb, &pa);
    EXPECT(pb == 1 && pa == 1, "padding is capped at H-1 as in create_indices, got (%d, %d)", pb, pa);
    /* edge: starts -pb .. L-H+pa; the DP recipe gives L-7 windows per episode */
    int64_t ends[1] = {100}, sel[1] = {0};
    int32_t ep[128], t[128];
    int64_t m = window_starts(ends, sel, 1, 16, 1, 7, ep, t);
    EXPECT(m == 93 && t[0] == -1 && t[m - 1] == 100 - 16 + 7, "edge windows of a 100-step episode: %lld, t %d..%d",
           (long long)m, t[0], t[m - 1]);
}

static int contains(const int64_t *a, int64_t n, int64_t v) {
    for (int64_t i = 0; i < n; i++)
        if (a[i] == v) return 1;
    return 0;
}

static void test_select(void) {
    enum { E = 206, V = 4 };
    static const int64_t sizes[] = {10, 25, 50, 90, 202};
    int64_t prev[E], prev_n = 0, val0[V], val[V], train[E];
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int64_t n = sizes[k];
        window_select(E, n, V, 42, train, val);
        for (int64_t i = 0; i < n; i++) {
            EXPECT(train[i] >= 0 && train[i] < E, "train episode out of range");
            if (i) EXPECT(train[i] > train[i - 1], "train episodes ascending and distinct");
            EXPECT(!contains(val, V, train[i]), "N=%lld: episode %lld both train and val", (long long)n, (long long)train[i]);
        }
        for (int64_t i = 0; i < prev_n; i++)
            EXPECT(contains(train, n, prev[i]), "N=%lld does not contain the N=%lld subset", (long long)n, (long long)prev_n);
        if (k == 0) memcpy(val0, val, sizeof val);
        EXPECT(!memcmp(val0, val, sizeof val), "validation episodes change with N");
        memcpy(prev, train, (size_t)n * sizeof *train);
        prev_n = n;
    }
    /* 202 + 4 = all 206 */
    int seen[E] = {0};
    for (int64_t i = 0; i < 202; i++) seen[prev[i]]++;
    for (int64_t i = 0; i < V; i++) seen[val0[i]]++;
    for (int i = 0; i < E; i++) EXPECT(seen[i] == 1, "episode %d used %d times", i, seen[i]);
    /* another seed, another selection */
    int64_t other[10], oval[V];
    window_select(E, 10, V, 7, other, oval);
    int64_t t10[10], v10[V];
    window_select(E, 10, V, 42, t10, v10);
    EXPECT(memcmp(other, t10, sizeof other) != 0, "seeds 7 and 42 select the same episodes");
}

static void test_norm_constant(void) {
    Episodes ep;
    episodes_init(&ep, 4, 1, 0, 0);
    ep.episode_ends[0] = 4;
    for (int i = 0; i < 4; i++) {
        for (int d = 0; d < 5; d++) ep.state[i * 5 + d] = d == 4 ? 1.25f : (float)(i * 10 + d);
        ep.action[i * 2] = (float)i;
        ep.action[i * 2 + 1] = 7.0f;
    }
    Norm n;
    window_fit_norm(&n, &ep, PUSHT_OBS_STATE);
    EXPECT(n.obs_dim == 5 && n.act_dim == 2, "norm dims");
    EXPECT(n.obs_min[0] == 0.0f && n.obs_max[0] == 30.0f && n.act_max[0] == 3.0f, "norm bounds");
    float y[5], x[5] = {15, 1, 2, 3, 1.25f};
    norm_scale(y, x, 1, n.obs_min, n.obs_max, 5);
    EXPECT(y[0] == 0.0f && y[4] == 0.0f, "constant dimension scales to 0 (got %g), mid-range to 0 (got %g)", y[4], y[0]);
    float a[2] = {7.0f, 7.0f}, ya[2];
    norm_scale(ya, a, 1, n.act_min, n.act_max, 2);
    EXPECT(ya[1] == 0.0f, "constant action dimension scales to 0");
    /* keypoints computed from the state (no /data/keypoint): 20 per frame, agent xy last */
    float kp[4 * 20];
    window_frame_features(&ep, PUSHT_OBS_KEYPOINTS, kp);
    EXPECT(kp[18] == ep.state[0] && kp[19] == ep.state[1], "keypoint obs ends with the agent position");
    episodes_free(&ep);
}

static void test_describe(const char *fixtures) {
    char p[4096];
    snprintf(p, sizeof p, "%s/window_win_good.h5", fixtures);
    EXPECT(window_describe(p, 1) == FC_OK, "describe a windows file: %s", fc_last_error());
    EXPECT(window_describe(p, 0) == FC_OK, "describe a windows file (text)");
    snprintf(p, sizeof p, "%s/window_small_episodes.h5", fixtures);
    EXPECT(window_describe(p, 1) == -1, "an episodes file is not a windows file");
    EXPECT(window_describe("/nonexistent.h5", 1) == FC_ERR, "a missing file is an error");
}

int main(int argc, char **argv) {
    test_seed_example();
    test_padding();
    test_select();
    test_norm_constant();
    if (argc > 1) test_describe(argv[1]);
    if (failures) {
        fprintf(stderr, "window_unit_test: %d failures\n", failures);
        return 1;
    }
    printf("window_unit_test: OK\n");
    return 0;
}
