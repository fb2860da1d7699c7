/* train_fixture.c: writes a small synthetic episodes file for the training tests, so they need
 * neither the real data nor the scripted expert: n episodes of smooth random motion (agent and
 * block drift inside the table, the action leads the agent), keypoints from the block pose.
 *   train_fixture OUT.h5 [n_episodes (default 12)] [seed (default 1)] */
#include "flowchunk/check.h"
#include "flowchunk/episodes.h"
#include "flowchunk/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* the block's local keypoints (PUSHT.md "Observation") */
static const double KP[9][2] = {{9.26979, 90.04097},   {-60.98347, -1.18673}, {60.91276, -1.39336},
                                {-0.27050, 25.54363},  {-14.06493, 122.81585}, {39.00274, 32.85740},
                                {-39.96641, 32.72966}, {-16.82434, 62.86318},  {23.54146, -1.70029}};

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: train_fixture OUT.h5 [n_episodes] [seed]\n");
        return 2;
    }
    int n_ep = argc > 2 ? atoi(argv[2]) : 12;
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    Rng r;
    rng_seed(&r, seed);
    int64_t *len = fc_malloc((size_t)n_ep * sizeof(int64_t)), N = 0;
    for (int e = 0; e < n_ep; e++) N += len[e] = 40 + (int64_t)rng_below(&r, 41);
    Episodes ep;
    episodes_init(&ep, N, n_ep, 1, 0);
    snprintf(ep.source, sizeof ep.source, "train_fixture seed %llu", (unsigned long long)seed);
    int64_t t = 0;
    for (int e = 0; e < n_ep; e++) {
        double ax = 100 + 300 * rng_uniform(&r), ay = 100 + 300 * rng_uniform(&r);
        double bx = 150 + 200 * rng_uniform(&r), by = 150 + 200 * rng_uniform(&r), th = 6.28 * rng_uniform(&r);
        double vx = 0, vy = 0;
        for (int64_t k = 0; k < len[e]; k++, t++) {
            vx = 0.8 * vx + 3 * rng_normal(&r);
            vy = 0.8 * vy + 3 * rng_normal(&r);
            float *s = ep.state + 5 * t;
            s[0] = (float)ax, s[1] = (float)ay, s[2] = (float)bx, s[3] = (float)by, s[4] = (float)fmod(th, 6.283185307179586);
            ep.action[2 * t] = (float)round(fmin(511, fmax(12, ax + 4 * vx)));
            ep.action[2 * t + 1] = (float)round(fmin(511, fmax(25, ay + 4 * vy)));
            for (int i = 0; i < 9; i++) {
                ep.keypoint[18 * t + 2 * i] = (float)(cos(th) * KP[i][0] - sin(th) * KP[i][1] + bx);
                ep.keypoint[18 * t + 2 * i + 1] = (float)(sin(th) * KP[i][0] + cos(th) * KP[i][1] + by);
            }
            ax = fmin(480, fmax(30, ax + vx));
            ay = fmin(480, fmax(30, ay + vy));
            bx += 0.3 * rng_normal(&r), by += 0.3 * rng_normal(&r), th += 0.01 * rng_normal(&r);
        }
        ep.episode_ends[e] = t;
        ep.episode_seed[e] = e;
    }
    if (episodes_write(&ep, argv[1]) != FC_OK) {
        fprintf(stderr, "train_fixture: %s\n", fc_last_error());
        return 1;
    }
    episodes_free(&ep);
    free(len);
    return 0;
}
