/* simtool.c: the work behind `flowchunk sim`'s inspection tools (simtool.h): the simulator
 * (sim/, pusht.h) driven from seeds, recorded states and actions of an episodes file or a zarr
 * store, and the renderer (render.h) writing GIF and PNG frames. */
#include "simtool.h"
#include "flowchunk/check.h"
#include "flowchunk/episodes.h"
#include "flowchunk/render.h"
#include "flowchunk/zarr.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* an episodes file, or a zarr directory store (Diffusion Policy's release) */
static int simtool_load(const char *path, Episodes *ep) {
    struct stat st;
    if (stat(path, &st) != 0) return fc_set_error("%s: %s", path, strerror(errno));
    return S_ISDIR(st.st_mode) ? zarr_read_episodes(path, ep) : episodes_read(ep, path);
}

/* the seed to start episode e from, or -1 to restore its recorded first state */
static int64_t simtool_start_seed(const Episodes *ep, int64_t e, SimtoolStart start) {
    int64_t seed = ep->episode_seed ? ep->episode_seed[e] : -1;
    if (start == SIMTOOL_START_STATE) return -1;
    if (start == SIMTOOL_START_SEED) return seed;
    const float *s0 = ep->state + PUSHT_STATE_DIM * episodes_start(ep, e);
    return pusht_seed_matches(seed, s0) ? seed : -1;
}

void simtool_reset(uint64_t seed, PushtResetKind kind, SimtoolReset *r) {
    pusht_sample_reset(seed, kind, r->sampled);
    PushtEnv *env = pusht_create();
    pusht_reset_to(env, r->sampled);
    pusht_observe_state(env, r->obs);
    pusht_observe_keypoints(env, r->keypoints);
    r->coverage = pusht_coverage(env);
    pusht_destroy(env);
}

int simtool_replay(const char *path, SimtoolStart start, int verbose, SimtoolReplay *r) {
    memset(r, 0, sizeof *r);
    r->worst = -1;
    Episodes ep;
    if (simtool_load(path, &ep) != FC_OK) return FC_ERR;
    PushtEnv *env = pusht_create();
    int rc = FC_OK;
    r->episodes = ep.n_episodes;
    for (int64_t e = 0; e < ep.n_episodes && rc == FC_OK; e++) {
        int64_t t0 = episodes_start(&ep, e), len = ep.episode_ends[e] - t0, n = 0;
        int64_t seed = simtool_start_seed(&ep, e, start);
        if (start == SIMTOOL_START_SEED && seed < 0) {
            rc = fc_set_error("episode %lld has no reset seed (use --start state)", (long long)e);
            break;
        }
        double err = pusht_replay(env, ep.state + PUSHT_STATE_DIM * t0, ep.action + PUSHT_ACTION_DIM * t0, len, seed, &n);
        r->states += n;
        r->from_seed += seed >= 0;
        if (!(err <= r->max_err)) { /* NaN counts as the worst */
            r->max_err = err;
            r->worst = e;
        }
        if (verbose)
            fc_log("episode %lld: %lld states from %s, max error %.3g", (long long)e, (long long)len,
                   seed >= 0 ? "its seeded reset" : "the restored first state", err);
    }
    pusht_destroy(env);
    episodes_free(&ep);
    return rc;
}

/* draws the frames of episode e into gif (and png_dir); FC_OK or FC_ERR + fc_set_error */
static int simtool_draw(const Episodes *ep, const SimtoolRender *o, RenderGif *gif, SimtoolRendered *r) {
    int64_t e = o->episode, t0 = episodes_start(ep, e), len = ep->episode_ends[e] - t0;
    int64_t seed = simtool_start_seed(ep, e, SIMTOOL_START_AUTO);
    uint8_t *rgb = fc_malloc((size_t)o->size * (size_t)o->size * 3);
    PushtEnv *env = pusht_create();
    double s[PUSHT_STATE_DIM];
    for (int i = 0; i < PUSHT_STATE_DIM; i++) s[i] = ep->state[PUSHT_STATE_DIM * t0 + i];
    if (seed >= 0) pusht_reset(env, (uint64_t)seed, PUSHT_RESET_LEGACY);
    else pusht_restore(env, s);
    r->from_seed = seed >= 0;
    /* frame t: state t and the action taken from it; the simulated replay adds the final state */
    r->frames = o->recorded ? len : len + 1;
    int rc = FC_OK;
    for (int64_t t = 0; t < r->frames && rc == FC_OK; t++) {
        const float *a = ep->action + PUSHT_ACTION_DIM * (t0 + (t < len ? t : len - 1));
        double act[2] = {a[0], a[1]};
        if (o->recorded)
            for (int i = 0; i < PUSHT_STATE_DIM; i++) s[i] = ep->state[PUSHT_STATE_DIM * (t0 + t) + i];
        else
            pusht_observe_state(env, s);
        r->final_coverage = o->recorded ? pusht_coverage_pose(s + 2, PUSHT_GOAL_POSE) : pusht_coverage(env);
        render_frame(rgb, o->size, s, t < len ? act : NULL);
        if (render_gif_add(gif, rgb) != 0) rc = fc_set_error("%s: write failed", o->gif);
        if (o->png_dir && rc == FC_OK) {
            char p[4200];
            snprintf(p, sizeof p, "%s/frame_%04lld.png", o->png_dir, (long long)t);
            if (render_png_write(p, rgb, o->size) != 0) rc = fc_set_error("%s: %s", p, strerror(errno));
        }
        if (!o->recorded && t < len) pusht_step(env, act);
    }
    pusht_destroy(env);
    free(rgb);
    return rc;
}

int simtool_render(const char *path, const SimtoolRender *o, SimtoolRendered *r) {
    memset(r, 0, sizeof *r);
    Episodes ep;
    if (simtool_load(path, &ep) != FC_OK) return FC_ERR;
    int rc = FC_OK;
    RenderGif *gif = NULL;
    if (o->episode >= ep.n_episodes)
        rc = fc_set_error("--episode %lld is out of range (%s has %lld episodes)", (long long)o->episode, path,
                          (long long)ep.n_episodes);
    else if (o->png_dir && mkdir(o->png_dir, 0777) != 0 && errno != EEXIST)
        rc = fc_set_error("cannot create %s: %s", o->png_dir, strerror(errno));
    else if (!(gif = render_gif_create(o->gif, o->size, (int)lround(100.0 / o->fps))))
        rc = fc_set_error("cannot create %s: %s", o->gif, strerror(errno));
    if (rc == FC_OK) rc = simtool_draw(&ep, o, gif, r);
    if (gif && render_gif_destroy(gif) != 0 && rc == FC_OK) rc = fc_set_error("%s: write failed", o->gif);
    episodes_free(&ep);
    return rc;
}

void simtool_step(const double *state, uint64_t seed, PushtResetKind kind, const double (*actions)[2], int n,
                  double (*states)[PUSHT_STATE_DIM], double *coverage) {
    PushtEnv *env = pusht_create();
    if (state) pusht_restore(env, state);
    else pusht_reset(env, seed, kind);
    for (int t = 0; t <= n; t++) {
        if (t > 0) pusht_step(env, actions[t - 1]);
        coverage[t] = pusht_coverage(env);
        pusht_observe_state(env, states[t]);
    }
    pusht_destroy(env);
}
