/* rollout_gif.c: chosen episodes of an evaluation as one animated GIF (see rollout_gif.h): the
 * episodes re-run as one batch with traces, each frame the episodes' tiles in a square grid. */
#include "flowchunk/rollout_gif.h"
#include "flowchunk/check.h"
#include "flowchunk/render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int rollout_gif_write(const char *path, Policy *p, const Norm *norm, const EvalConfig *cfg, const int *ep, int k,
                      int cell, const EvalResult *evaluated) {
    FC_ASSERT(k >= 1 && k <= ROLLOUT_GIF_MAX_EPISODES, "a GIF shows 1..ROLLOUT_GIF_MAX_EPISODES episodes");
    int cols = 1;
    while (cols * cols < k) cols++;
    int size = cols * cell;
    uint64_t seeds[ROLLOUT_GIF_MAX_EPISODES];
    RolloutTrace tr[ROLLOUT_GIF_MAX_EPISODES];
    for (int i = 0; i < k; i++) {
        seeds[i] = rollout_seed(cfg, ep[i]);
        rollout_trace_init(&tr[i], cfg->max_steps);
    }
    EvalResult r;
    rollout_eval(p, norm, cfg, seeds, k, &r, tr);
    int frames = 0;
    for (int i = 0; i < k; i++) {
        if (r.ep[i].max_reward != evaluated->ep[ep[i]].max_reward)
            fc_log("warning: the re-run of episode %d for the GIF differs from its evaluation", ep[i]);
        if (tr[i].steps + 1 > frames) frames = tr[i].steps + 1;
    }
    uint8_t *canvas = fc_malloc((size_t)size * size * 3), *tile = fc_malloc((size_t)cell * cell * 3);
    RenderGif *g = render_gif_create(path, size, 10);
    int rc = g ? FC_OK : fc_set_error("cannot create %s: %s", path, strerror(errno));
    const int hold = 10; /* the last frame stays a second before the loop restarts */
    for (int t = 0; rc == FC_OK && t < frames + hold; t++) {
        memset(canvas, 200, (size_t)size * size * 3);
        for (int i = 0; i < k; i++) {
            int s = t < tr[i].steps ? t : tr[i].steps;
            render_frame(tile, cell, tr[i].states + (size_t)s * PUSHT_STATE_DIM,
                         s < tr[i].steps ? tr[i].actions + 2 * s : NULL);
            int ox = (i % cols) * cell, oy = (i / cols) * cell;
            for (int y = 0; y < cell; y++)
                memcpy(canvas + ((size_t)(oy + y) * size + ox) * 3, tile + (size_t)y * cell * 3, (size_t)cell * 3);
        }
        if (render_gif_add(g, canvas) != 0) rc = fc_set_error("writing %s failed", path);
    }
    if (g && render_gif_destroy(g) != 0 && rc == FC_OK) rc = fc_set_error("writing %s failed", path);
    if (rc == FC_OK) fc_log("wrote %s: %d episode(s), %d frames, %dx%d px", path, k, frames + hold, size, size);
    free(canvas);
    free(tile);
    for (int i = 0; i < k; i++) rollout_trace_free(&tr[i]);
    rollout_result_free(&r);
    return rc;
}
