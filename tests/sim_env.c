/* sim_env.c: behaviour of the Push-T env (sim/pusht_env.c), its batch, the bare-Chipmunk runner
 * and the renderer, without the real data: placement and restore, PD control, quasi-static
 * pushing, kinematic agent through walls, determinism, batch == single envs, bare == env bit for
 * bit, rendered colours and the PNG/GIF writers. */
#include "flowchunk/pusht.h"
#include "pusht_check.h"
#include "flowchunk/render.h"
#include "sim_test.h"

#include <math.h>
#include <unistd.h>

static double dist(double ax, double ay, double bx, double by) { return hypot(ax - bx, ay - by); }

static void test_placement(void) {
    PushtEnv *env = pusht_create();
    for (uint64_t seed = 0; seed < 40; seed++) {
        double s[PUSHT_STATE_DIM], obs[PUSHT_STATE_DIM], obs2[PUSHT_STATE_DIM];
        pusht_sample_reset(seed, PUSHT_RESET_LEGACY, s);
        pusht_reset(env, seed, PUSHT_RESET_LEGACY);
        pusht_observe_state(env, obs);
        /* legacy placement rotates about the cog (0,45): origin = (x + 45 sin a, y + 45 - 45 cos a) */
        EXPECT(obs[0] == s[0] && obs[1] == s[1], "seed %d: agent placed", (int)seed);
        EXPECT(fabs(obs[2] - (s[2] + 45 * sin(s[4]))) < 1e-9 && fabs(obs[3] - (s[3] + 45 - 45 * cos(s[4]))) < 1e-9,
               "seed %d: legacy placement offset", (int)seed);
        EXPECT(obs[4] >= 0 && obs[4] < 2 * M_PI && fabs(remainder(obs[4] - s[4], 2 * M_PI)) < 1e-12,
               "seed %d: angle wrapped to [0, 2pi)", (int)seed);
        pusht_reset_to(env, s);
        pusht_observe_state(env, obs2);
        for (int i = 0; i < 5; i++) EXPECT(same_bits(obs[i], obs2[i]), "seed %d: reset == reset_to(sample)", (int)seed);
        /* restore puts the block exactly where observed (angle first, then position) */
        pusht_restore(env, obs);
        pusht_observe_state(env, obs2);
        for (int i = 0; i < 5; i++)
            EXPECT(fabs(obs[i] - obs2[i]) < 1e-9, "seed %d: restore[%d] %.17g vs %.17g", (int)seed, i, obs2[i], obs[i]);
        double raw[PUSHT_STATE_DIM], act[2];
        pusht_get_raw_state(env, raw);
        EXPECT(fabs(raw[4] - obs[4]) < 1e-12, "raw angle of a restored [0,2pi) state");
        EXPECT(!pusht_last_action(env, act), "no action since the restore");
    }
    pusht_destroy(env);
}

static void test_dynamics(void) {
    PushtEnv *env = pusht_create();
    double obs[PUSHT_STATE_DIM], placed[PUSHT_STATE_DIM], far_block[PUSHT_STATE_DIM] = {100, 100, 380, 250, 0.3};
    /* PD control: with nothing in the way the agent settles on its target */
    pusht_restore(env, far_block);
    pusht_observe_state(env, placed);
    double target[2] = {150, 250}, act[2];
    pusht_step(env, target);
    EXPECT(pusht_last_action(env, act) && act[0] == 150 && act[1] == 250, "last action recorded");
    for (int t = 0; t < 40; t++) pusht_step(env, target);
    pusht_observe_state(env, obs);
    EXPECT(dist(obs[0], obs[1], 150, 250) < 0.5, "agent settles on the target, at %g,%g", obs[0], obs[1]);
    EXPECT(obs[2] == placed[2] && obs[3] == placed[3] && obs[4] == placed[4], "the untouched block does not move");
    /* kinematic agent and static walls never collide: the agent leaves the table */
    double out[2] = {-60, 250};
    for (int t = 0; t < 40; t++) pusht_step(env, out);
    pusht_observe_state(env, obs);
    EXPECT(obs[0] < -40, "the agent passes through the wall, at x = %g", obs[0]);

    /* pushing: the agent drives into the crossbar from below (+y side is the stem; push from -y) */
    double s[PUSHT_STATE_DIM] = {256, 150, 256, 200, 0}, before[PUSHT_STATE_DIM];
    pusht_restore(env, s);
    pusht_observe_state(env, before);
    double push[2] = {256, 240};
    for (int t = 0; t < 10; t++) pusht_step(env, push);
    pusht_observe_state(env, obs);
    EXPECT(obs[3] > before[3] + 10, "the block is pushed along +y (%g -> %g)", before[3], obs[3]);
    /* quasi-static (damping 0): once the agent backs off, the block stops at once */
    double back[2] = {256, 100}, held[PUSHT_STATE_DIM];
    pusht_step(env, back);
    pusht_step(env, back);
    pusht_observe_state(env, held);
    for (int t = 0; t < 5; t++) pusht_step(env, back);
    pusht_observe_state(env, obs);
    EXPECT(obs[2] == held[2] && obs[3] == held[3] && obs[4] == held[4], "the block stops when not pushed");

    /* determinism: two envs, same inputs, same bits */
    PushtEnv *other = pusht_create();
    double a[PUSHT_STATE_DIM], b[PUSHT_STATE_DIM];
    pusht_reset(env, 7, PUSHT_RESET_GYM);
    pusht_reset(other, 7, PUSHT_RESET_GYM);
    for (int t = 0; t < 60; t++) {
        double tgt[2] = {256 + 120 * cos(0.1 * t), 256 + 120 * sin(0.13 * t)};
        pusht_step(env, tgt);
        pusht_step(other, tgt);
    }
    pusht_observe_state(env, a);
    pusht_observe_state(other, b);
    for (int i = 0; i < 5; i++) EXPECT(same_bits(a[i], b[i]), "determinism [%d]", i);
    pusht_destroy(other);
    pusht_destroy(env);
}

/* a deterministic scripted action sequence that keeps touching the block */
static void chase_actions(uint64_t seed, double *actions, int n) {
    double s[PUSHT_STATE_DIM];
    pusht_sample_reset(seed, PUSHT_RESET_LEGACY, s);
    for (int t = 0; t < n; t++) {
        actions[2 * t] = s[2] + 40 * cos(0.2 * t + (double)seed);
        actions[2 * t + 1] = s[3] + 40 * sin(0.2 * t + (double)seed);
    }
}

static void test_batch_and_bare(void) {
    enum { N = 6, T = 80 };
    static double actions[N][T * 2];
    uint64_t seeds[N];
    for (int i = 0; i < N; i++) {
        seeds[i] = 100000 + (uint64_t)i;
        chase_actions(seeds[i], actions[i], T);
    }
    PushtBatch *b = pusht_batch_create(N);
    EXPECT(pusht_batch_size(b) == N, "batch size");
    pusht_batch_reset(b, seeds, PUSHT_RESET_LEGACY);
    uint8_t active[N] = {1, 1, 1, 1, 1, 0}; /* env 5 stays at its reset */
    double step_act[2 * N], obs[N * PUSHT_STATE_DIM], kp[N * PUSHT_KEYPOINT_DIM], cov[N];
    for (int t = 0; t < T; t++) {
        for (int i = 0; i < N; i++) {
            step_act[2 * i] = actions[i][2 * t];
            step_act[2 * i + 1] = actions[i][2 * t + 1];
        }
        pusht_batch_step(b, step_act, active);
    }
    pusht_batch_observe_state(b, obs);
    pusht_batch_observe_keypoints(b, kp);
    pusht_batch_coverage(b, cov);
    PushtEnv *env = pusht_create();
    int moved = 0;
    for (int i = 0; i < N; i++) {
        double single[PUSHT_STATE_DIM], bare[PUSHT_STATE_DIM], kps[PUSHT_KEYPOINT_DIM], start[PUSHT_STATE_DIM];
        pusht_reset(env, seeds[i], PUSHT_RESET_LEGACY);
        pusht_observe_state(env, start);
        for (int t = 0; active[i] && t < T; t++) pusht_step(env, actions[i] + 2 * t);
        pusht_observe_state(env, single);
        pusht_observe_keypoints(env, kps);
        for (int k = 0; k < 5; k++) EXPECT(same_bits(obs[5 * i + k], single[k]), "batch env %d state[%d]", i, k);
        for (int k = 0; k < 20; k++) EXPECT(same_bits(kp[20 * i + k], kps[k]), "batch env %d keypoint %d", i, k);
        EXPECT(same_bits(cov[i], pusht_coverage(env)), "batch env %d coverage", i);
        EXPECT(same_bits(pusht_coverage(pusht_batch_env(b, i)), cov[i]), "batch env accessor");
        moved += dist(single[2], single[3], start[2], start[3]) > 1;
        if (!active[i]) continue;
        double s[PUSHT_STATE_DIM];
        pusht_sample_reset(seeds[i], PUSHT_RESET_LEGACY, s);
        pusht_bare_run(s, actions[i], T, bare);
        for (int k = 0; k < 5; k++) EXPECT(same_bits(bare[k], single[k]), "bare run env %d state[%d]", i, k);
    }
    EXPECT(moved >= 3, "the scripted actions push the block in most envs (%d of %d)", moved, N);
    pusht_destroy(env);
    pusht_batch_destroy(b);
}

static const uint8_t *pixel(const uint8_t *rgb, int size, double wx, double wy) {
    int x = (int)(wx * size / 512), y = (int)(wy * size / 512);
    return rgb + 3 * (y * size + x);
}

static void test_render(void) {
    enum { S = 256 };
    static uint8_t rgb[S * S * 3];
    double state[5] = {100, 420, 380, 120, 0}, action[2] = {60, 60};
    render_frame(rgb, S, state, action);
    const uint8_t *goal = pixel(rgb, S, 256, 256 + 10), *block = pixel(rgb, S, 380, 120 + 60);
    const uint8_t *agent = pixel(rgb, S, 100, 420), *cross = pixel(rgb, S, 60, 60), *bg = pixel(rgb, S, 450, 450);
    EXPECT(goal[1] > goal[0] + 60 && goal[1] > goal[2] + 60, "goal is green: %d,%d,%d", goal[0], goal[1], goal[2]);
    EXPECT(block[0] == 119 && block[1] == 136 && block[2] == 153, "block is slate grey");
    EXPECT(agent[2] > 200 && agent[0] < 100, "agent is blue");
    EXPECT(cross[0] == 255 && cross[1] == 0 && cross[2] == 0, "the action target is a red cross");
    EXPECT(bg[0] == 255 && bg[1] == 255 && bg[2] == 255, "background is white");

    char dir[] = "/tmp/fc_sim_render_XXXXXX", png[64], gif[64];
    EXPECT(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(png, sizeof png, "%s/f.png", dir);
    snprintf(gif, sizeof gif, "%s/a.gif", dir);
    EXPECT(render_png_write(png, rgb, S) == 0, "png written");
    RenderGif *g = render_gif_create(gif, S, 10);
    EXPECT(g != NULL, "gif opened");
    for (int t = 0; g && t < 3; t++) {
        state[0] += 20;
        render_frame(rgb, S, state, NULL);
        EXPECT(render_gif_add(g, rgb) == 0, "gif frame %d", t);
    }
    EXPECT(render_gif_destroy(g) == 0, "gif closed");
    unsigned char head[8] = {0}, tail = 0;
    FILE *f = fopen(png, "rb");
    EXPECT(f && fread(head, 1, 8, f) == 8 && !memcmp(head, "\x89PNG\r\n\x1a\n", 8), "PNG signature");
    if (f) fclose(f);
    f = fopen(gif, "rb");
    EXPECT(f && fread(head, 1, 6, f) == 6 && !memcmp(head, "GIF89a", 6), "GIF signature");
    if (f) {
        fseek(f, -1, SEEK_END);
        EXPECT(fread(&tail, 1, 1, f) == 1 && tail == 0x3B, "GIF trailer");
        fclose(f);
    }
    EXPECT(render_gif_create("/nonexistent-dir/x.gif", S, 10) == NULL, "unwritable GIF path fails");
    unlink(png);
    unlink(gif);
    rmdir(dir);
}

int main(void) {
    test_placement();
    test_dynamics();
    test_batch_and_bare();
    test_render();
    return finish("sim_env");
}
