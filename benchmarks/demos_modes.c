/* demos_modes.c: a picture of the expert's multimodality. One seeded start is solved by the
 * scripted expert with expert seeds 0..K-1; the four most different runs (greedy farthest points
 * under the Hausdorff distance between agent paths) are drawn in a 2x2 grid, each panel the start
 * scene by the simulator's renderer (goal, block, agent) with the block's outline every 20 steps
 * and the agent's path (a dot every 10 steps, a ring where the run ends) in the run's colour.
 * Prints each run's outcome and the distances. usage: demos_modes OUT.png [--start S] [--seeds K]
 * [--size PX] (PX = the whole picture) */
#include "flowchunk/expert.h"
#include "flowchunk/pusht.h"
#include "flowchunk/render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T_MAX 300
#define MAX_SEEDS 6

static const uint8_t COLOURS[MAX_SEEDS][3] = {{220, 30, 30}, {30, 90, 230}, {20, 160, 60},
                                              {200, 120, 0}, {150, 40, 180}, {0, 160, 170}};

int main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        fprintf(argc < 2 ? stderr : stdout, "usage: demos_modes OUT.png [--start SEED] [--seeds K<=6] [--size PX]\n");
        return argc < 2 ? 2 : 0;
    }
    const char *out = argv[1];
    uint64_t start = 200003;
    int k_seeds = 6, size = 1024;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--start")) start = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--seeds")) k_seeds = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--size")) size = atoi(argv[i + 1]);
        else { fprintf(stderr, "demos_modes: unknown option %s\n", argv[i]); return 2; }
    }
    if (k_seeds < 1 || k_seeds > MAX_SEEDS || size < 256 || size > 4096) {
        fprintf(stderr, "demos_modes: --seeds 1..%d, --size 256..4096\n", MAX_SEEDS);
        return 2;
    }
    Expert *ex = expert_create(NULL);
    PushtEnv *env = pusht_create();
    static float st[MAX_SEEDS][T_MAX * 5], ac[T_MAX * 2];
    int len[MAX_SEEDS];
    for (int k = 0; k < k_seeds; k++) {
        ExpertOutcome o = expert_run_episode(ex, env, start, PUSHT_RESET_LEGACY, (uint64_t)k, T_MAX, st[k], ac, NULL);
        len[k] = o.n_steps;
        printf("start %llu expert seed %d: %d steps, final coverage %.3f, %s\n", (unsigned long long)start, k,
               o.n_steps, o.final_coverage, o.success ? "success" : "failure");
    }
    for (int a = 0; a < k_seeds; a++)
        for (int b = a + 1; b < k_seeds; b++)
            printf("paths %d-%d: Hausdorff distance %.0f px\n", a, b,
                   expert_route_distance(st[a], len[a], st[b], len[b]));
    /* the four most different runs: farthest pair first, then farthest from those chosen */
    double dist[MAX_SEEDS][MAX_SEEDS] = {{0}};
    for (int a = 0; a < k_seeds; a++)
        for (int b = 0; b < k_seeds; b++)
            if (a != b) dist[a][b] = expert_route_distance(st[a], len[a], st[b], len[b]);
    int pick[4], n_pick = 0;
    for (int a = 0; a < k_seeds; a++)
        for (int b = a + 1; b < k_seeds; b++)
            if (n_pick == 0 || dist[a][b] > dist[pick[0]][pick[1]]) pick[0] = a, pick[1] = b, n_pick = 2;
    if (k_seeds == 1) pick[0] = 0, n_pick = 1;
    while (n_pick < 4 && n_pick < k_seeds) {
        int best = -1;
        double best_d = -1;
        for (int c = 0; c < k_seeds; c++) {
            double m = 1e30;
            for (int i = 0; i < n_pick; i++) m = c == pick[i] ? -1 : fmin(m, dist[c][pick[i]]);
            if (m > best_d) best_d = m, best = c;
        }
        pick[n_pick++] = best;
    }
    printf("drawn: expert seeds");
    for (int i = 0; i < n_pick; i++) printf(" %d", pick[i]);
    printf(" (largest distance %.0f px)\n", n_pick > 1 ? dist[pick[0]][pick[1]] : 0.0);
    const int cell = size / 2;
    const double sc = cell / 512.0;
    uint8_t *rgb = malloc((size_t)size * size * 3), *tile = malloc((size_t)cell * cell * 3);
    if (!rgb || !tile) return 1;
    memset(rgb, 255, (size_t)size * size * 3);
    for (int i = 0; i < n_pick; i++) {
        const int k = pick[i];
        const float *p = st[k];
        double s0[5];
        for (int j = 0; j < 5; j++) s0[j] = p[j];
        render_frame(tile, cell, s0, NULL);
        for (int t = 20; t < len[k]; t += 20) { /* the block on its way */
            double c = cos(p[5 * t + 4]), sn = sin(p[5 * t + 4]), bx = p[5 * t + 2], by = p[5 * t + 3];
            uint8_t col[3];
            for (int j = 0; j < 3; j++) col[j] = (uint8_t)(COLOURS[k][j] / 2 + 110);
            for (int v = 0; v < PUSHT_TEE_OUTLINE_N; v++) {
                const double *u = PUSHT_TEE_OUTLINE[v], *w = PUSHT_TEE_OUTLINE[(v + 1) % PUSHT_TEE_OUTLINE_N];
                render_line(tile, cell, (bx + c * u[0] - sn * u[1]) * sc, (by + sn * u[0] + c * u[1]) * sc,
                     (bx + c * w[0] - sn * w[1]) * sc, (by + sn * w[0] + c * w[1]) * sc, 0.6, col);
            }
        }
        for (int t = 1; t < len[k]; t++)
            render_line(tile, cell, p[5 * (t - 1)] * sc, p[5 * (t - 1) + 1] * sc, p[5 * t] * sc, p[5 * t + 1] * sc, 1.4 * sc, COLOURS[k]);
        for (int t = 0; t < len[k]; t += 10) render_disc(tile, cell, p[5 * t] * sc, p[5 * t + 1] * sc, 3.5 * sc, 0, COLOURS[k]);
        int e = len[k] - 1;
        render_disc(tile, cell, p[5 * e] * sc, p[5 * e + 1] * sc, 9 * sc, 6 * sc, COLOURS[k]);
        int ox = (i % 2) * cell, oy = (i / 2) * cell;
        for (int y = 0; y < cell; y++) memcpy(rgb + ((size_t)(oy + y) * size + ox) * 3, tile + (size_t)y * cell * 3, (size_t)cell * 3);
    }
    free(tile);
    int rc = render_png_write(out, rgb, size);
    if (rc != 0) fprintf(stderr, "demos_modes: cannot write %s\n", out);
    else printf("wrote %s (%dx%d)\n", out, size, size);
    free(rgb);
    expert_destroy(ex);
    pusht_destroy(env);
    return rc ? 1 : 0;
}
