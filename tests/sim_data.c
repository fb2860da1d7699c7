/* sim_data.c: the simulator against the real Push-T data (FC_ZARR; exit 77 when absent).
 *   sim_data reset      seeded legacy resets 0..205 equal every episode's first state (1e-4)
 *   sim_data replay     every episode's recorded actions replayed from its start reproduce all
 *                       25,650 recorded states (max abs error <= 1e-3 px; ~1.5e-5 expected)
 *   sim_data keypoints  the 20-d keypoints of the recorded states match data/keypoint */
#include "flowchunk/pusht.h"
#include "pusht_check.h"
#include "sim_test.h"

#include <math.h>

static void check_reset(const Episodes *ep) {
    PushtEnv *env = pusht_create();
    double max_err = 0;
    EXPECT(ep->n_episodes == 206, "the real data has 206 episodes, got %lld", (long long)ep->n_episodes);
    for (int64_t e = 0; e < ep->n_episodes; e++) {
        double obs[PUSHT_STATE_DIM], rec[PUSHT_STATE_DIM];
        pusht_reset(env, (uint64_t)e, PUSHT_RESET_LEGACY);
        pusht_observe_state(env, obs);
        for (int i = 0; i < PUSHT_STATE_DIM; i++) rec[i] = ep->state[PUSHT_STATE_DIM * episodes_start(ep, e) + i];
        double err = pusht_state_error(obs, rec);
        max_err = err > max_err ? err : max_err;
        EXPECT(err <= 1e-4, "seed %lld: reset differs from the episode's first state by %.3g", (long long)e, err);
        EXPECT(pusht_seed_matches(e, ep->state + PUSHT_STATE_DIM * episodes_start(ep, e)),
               "pusht_seed_matches(%lld)", (long long)e);
        EXPECT(!pusht_seed_matches(e + 1, ep->state + PUSHT_STATE_DIM * episodes_start(ep, e)),
               "pusht_seed_matches must reject the wrong seed %lld", (long long)e + 1);
    }
    printf("resets 0..%lld vs first states: max abs error %.3g\n", (long long)ep->n_episodes - 1, max_err);
    pusht_destroy(env);
}

static void check_replay(const Episodes *ep) {
    PushtEnv *env = pusht_create();
    int64_t states = 0, n_restore_ok = 0;
    double max_err = 0, max_restore = 0;
    for (int64_t e = 0; e < ep->n_episodes; e++) {
        int64_t t0 = episodes_start(ep, e), len = ep->episode_ends[e] - t0, n = 0;
        const float *s = ep->state + PUSHT_STATE_DIM * t0, *a = ep->action + PUSHT_ACTION_DIM * t0;
        EXPECT(pusht_seed_matches(ep->episode_seed[e], s), "episode %lld: its seed's reset is its first state",
               (long long)e);
        double err = pusht_replay(env, s, a, len, ep->episode_seed[e], &n);
        EXPECT(n == len, "episode %lld: compared %lld of %lld states", (long long)e, (long long)n, (long long)len);
        EXPECT(err <= 1e-3, "episode %lld: max abs error %.3g px", (long long)e, err);
        states += n;
        max_err = (err > max_err || isnan(err)) ? err : max_err;
        /* from the restored float32 first state instead: exact until contact chaos amplifies the
         * rounding of the start (2 of 206 episodes drift late in the episode) */
        double r = pusht_replay(env, s, a, len, -1, NULL);
        n_restore_ok += r <= 1e-3;
        max_restore = r > max_restore ? r : max_restore;
    }
    printf("replayed %lld episodes from their seeded resets: %lld states compared, max abs error %.6g px\n",
           (long long)ep->n_episodes, (long long)states, max_err);
    printf("from the restored first states: %lld of %lld episodes within 1e-3 (max error %.3g)\n",
           (long long)n_restore_ok, (long long)ep->n_episodes, max_restore);
    EXPECT(states == 25650 && states == ep->n_steps, "all 25,650 states compared, got %lld", (long long)states);
    EXPECT(max_err <= 1e-3, "max abs error %.3g > 1e-3", max_err);
    EXPECT(n_restore_ok >= 200, "restored starts: only %lld episodes within 1e-3", (long long)n_restore_ok);
    pusht_destroy(env);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void check_keypoints(const Episodes *ep) {
    if (!ep->keypoint) {
        EXPECT(0, "the real data has data/keypoint");
        return;
    }
    double *res = fc_malloc((size_t)ep->n_steps * sizeof(double));
    for (int64_t t = 0; t < ep->n_steps; t++) {
        double s[PUSHT_STATE_DIM], kp[PUSHT_KEYPOINT_DIM], r = 0;
        for (int i = 0; i < PUSHT_STATE_DIM; i++) s[i] = ep->state[PUSHT_STATE_DIM * t + i];
        pusht_state_to_keypoints(s, kp);
        for (int i = 0; i < 18; i++) r = fmax(r, fabs(kp[i] - ep->keypoint[18 * t + i]));
        EXPECT(kp[18] == s[0] && kp[19] == s[1], "the agent is the last keypoint");
        res[t] = r;
    }
    qsort(res, (size_t)ep->n_steps, sizeof(double), cmp_double);
    double med = res[ep->n_steps / 2], p90 = res[ep->n_steps * 9 / 10];
    printf("keypoint residual over %lld frames: median %.3g, 90th percentile %.3g, max %.3g px\n",
           (long long)ep->n_steps, med, p90, res[ep->n_steps - 1]);
    EXPECT(med < 1e-3 && p90 < 0.05, "keypoints do not match data/keypoint (median %.3g, p90 %.3g)", med, p90);
    free(res);

    /* the env's keypoints equal the keypoints of its observed state */
    PushtEnv *env = pusht_create();
    pusht_reset(env, 3, PUSHT_RESET_LEGACY);
    double obs[PUSHT_STATE_DIM], a[PUSHT_KEYPOINT_DIM], b[PUSHT_KEYPOINT_DIM];
    pusht_observe_state(env, obs);
    pusht_observe_keypoints(env, a);
    pusht_state_to_keypoints(obs, b);
    for (int i = 0; i < PUSHT_KEYPOINT_DIM; i++) EXPECT(fabs(a[i] - b[i]) < 1e-9, "env keypoint %d", i);
    pusht_destroy(env);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: sim_data reset|replay|keypoints\n");
        return 2;
    }
    Episodes ep;
    load_real_data(&ep);
    if (!strcmp(argv[1], "reset")) check_reset(&ep);
    else if (!strcmp(argv[1], "replay")) check_replay(&ep);
    else if (!strcmp(argv[1], "keypoints")) check_keypoints(&ep);
    else EXPECT(0, "unknown mode %s", argv[1]);
    episodes_free(&ep);
    return finish(argv[1]);
}
