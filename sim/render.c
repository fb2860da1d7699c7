/* render.c: a small rasteriser for Push-T frames (see render.h) and the libgd writers for PNG and
 * animated GIF. Every pixel is 2x2 supersampled; a sample's colour is the top-most object under it
 * in the reference's drawing order: walls, goal T, block T, agent, action cross. */
#include "flowchunk/render.h"
#include "flowchunk/pusht.h"
#include "sim_assert.h"
#include "tee.h"

#include <errno.h>
#include <gd.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORLD 512.0
#define SS 2 /* supersamples per axis */
#define WALL_RADIUS 2.0
#define CROSS_ARM 12.0  /* half length of the cross's arms, world px */
#define CROSS_HALF_W 1.5 /* half thickness, world px */

/* pygame named colours the reference uses */
static const uint8_t COL_BG[3] = {255, 255, 255};
static const uint8_t COL_WALL[3] = {211, 211, 211};    /* LightGray */
static const uint8_t COL_GOAL[3] = {144, 238, 144};    /* LightGreen */
static const uint8_t COL_BLOCK[3] = {119, 136, 153};   /* LightSlateGray */
static const uint8_t COL_AGENT[3] = {65, 105, 225};    /* RoyalBlue */
static const uint8_t COL_TARGET[3] = {255, 0, 0};      /* the action marker */

/* is world point (x, y) inside the T placed at pose p? (body coordinates via R^T (q - t)) */
static int in_tee(const TeePose *p, double x, double y) {
    double dx = x - p->tx, dy = y - p->ty;
    double lx = p->c * dx + p->s * dy, ly = -p->s * dx + p->c * dy;
    return tee_contains_local(lx, ly);
}

static double seg_dist2(double x, double y, double ax, double ay, double bx, double by) {
    double ex = bx - ax, ey = by - ay, t = ((x - ax) * ex + (y - ay) * ey) / (ex * ex + ey * ey);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double qx = ax + t * ex - x, qy = ay + t * ey - y;
    return qx * qx + qy * qy;
}

static int in_wall(double x, double y) {
    static const double W[4][4] = {{5, 506, 5, 5}, {5, 5, 506, 5}, {506, 5, 506, 506}, {5, 506, 506, 506}};
    for (int i = 0; i < 4; i++)
        if (seg_dist2(x, y, W[i][0], W[i][1], W[i][2], W[i][3]) <= WALL_RADIUS * WALL_RADIUS) return 1;
    return 0;
}

static int in_cross(const double *a, double x, double y, double half_w) {
    double dx = fabs(x - a[0]), dy = fabs(y - a[1]);
    return (dx <= CROSS_ARM && dy <= half_w) || (dy <= CROSS_ARM && dx <= half_w);
}

static const uint8_t *sample_colour(double x, double y, const TeePose *goal, const TeePose *block,
                                    const double state[5], const double *action, double cross_w) {
    if (action && in_cross(action, x, y, cross_w)) return COL_TARGET;
    double ax = x - state[0], ay = y - state[1];
    if (ax * ax + ay * ay <= PUSHT_AGENT_RADIUS * PUSHT_AGENT_RADIUS) return COL_AGENT;
    if (in_tee(block, x, y)) return COL_BLOCK;
    if (in_tee(goal, x, y)) return COL_GOAL;
    if (in_wall(x, y)) return COL_WALL;
    return COL_BG;
}

void render_frame(uint8_t *rgb, int size, const double state[5], const double *action) {
    SIM_ASSERT(size > 0, "a rendered frame needs a positive size");
    TeePose goal = tee_pose(PUSHT_GOAL_POSE[0], PUSHT_GOAL_POSE[1], PUSHT_GOAL_POSE[2]);
    TeePose block = tee_pose(state[2], state[3], state[4]);
    double scale = WORLD / size; /* world px per image px */
    double cross_w = fmax(CROSS_HALF_W, 0.75 * scale); /* at least ~1.5 image px thick */
    for (int py = 0; py < size; py++) {
        for (int px = 0; px < size; px++) {
            int acc[3] = {0, 0, 0};
            for (int sy = 0; sy < SS; sy++)
                for (int sx = 0; sx < SS; sx++) {
                    double x = (px + (sx + 0.5) / SS) * scale, y = (py + (sy + 0.5) / SS) * scale;
                    const uint8_t *c = sample_colour(x, y, &goal, &block, state, action, cross_w);
                    for (int k = 0; k < 3; k++) acc[k] += c[k];
                }
            uint8_t *o = rgb + 3 * ((size_t)py * size + px);
            for (int k = 0; k < 3; k++) o[k] = (uint8_t)((acc[k] + SS * SS / 2) / (SS * SS));
        }
    }
}

void render_disc(uint8_t *rgb, int size, double cx, double cy, double r, double r_in, const uint8_t colour[3]) {
    for (int y = (int)floor(cy - r); y <= (int)ceil(cy + r); y++)
        for (int x = (int)floor(cx - r); x <= (int)ceil(cx + r); x++) {
            if (x < 0 || y < 0 || x >= size || y >= size) continue;
            double d = hypot(x + 0.5 - cx, y + 0.5 - cy);
            if (d <= r && d >= r_in) memcpy(rgb + ((size_t)y * size + x) * 3, colour, 3);
        }
}

void render_line(uint8_t *rgb, int size, double x0, double y0, double x1, double y1, double w,
                 const uint8_t colour[3]) {
    int n = (int)ceil(hypot(x1 - x0, y1 - y0) * 2) + 1; /* discs every half pixel */
    for (int i = 0; i <= n; i++)
        render_disc(rgb, size, x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n, w, 0, colour);
}

static gdImagePtr image_from_rgb(const uint8_t *rgb, int size) {
    gdImagePtr im = gdImageCreateTrueColor(size, size);
    if (!im) return NULL;
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++) {
            const uint8_t *p = rgb + 3 * ((size_t)y * size + x);
            gdImageSetPixel(im, x, y, gdTrueColor(p[0], p[1], p[2]));
        }
    return im;
}

int render_png_write(const char *path, const uint8_t *rgb, int size) {
    gdImagePtr im = image_from_rgb(rgb, size);
    if (!im) {
        errno = ENOMEM;
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        gdImageDestroy(im);
        return -1;
    }
    gdImagePng(im, f);
    gdImageDestroy(im);
    int bad = ferror(f);
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

struct RenderGif {
    FILE *f;
    int size, delay_cs, n_frames;
};

RenderGif *render_gif_create(const char *path, int size, int delay_cs) {
    SIM_ASSERT(size > 0 && delay_cs >= 0, "a GIF needs a positive size and a non-negative delay");
    FILE *f = fopen(path, "wb");
    if (!f) return NULL;
    RenderGif *g = calloc(1, sizeof *g);
    SIM_ASSERT(g != NULL, "out of memory opening a GIF");
    g->f = f;
    g->size = size;
    g->delay_cs = delay_cs;
    return g;
}

int render_gif_add(RenderGif *g, const uint8_t *rgb) {
    gdImagePtr tc = image_from_rgb(rgb, g->size);
    if (!tc) return -1;
    gdImagePtr pal = gdImageCreatePaletteFromTrueColor(tc, 0, 256);
    gdImageDestroy(tc);
    if (!pal) return -1;
    if (g->n_frames == 0) gdImageGifAnimBegin(pal, g->f, 0, 0); /* no global colour map; loop forever */
    gdImageGifAnimAdd(pal, g->f, 1, 0, 0, g->delay_cs, gdDisposalNone, NULL);
    gdImageDestroy(pal);
    g->n_frames++;
    return ferror(g->f) ? -1 : 0;
}

int render_gif_destroy(RenderGif *g) {
    if (!g) return 0;
    if (g->n_frames > 0) gdImageGifAnimEnd(g->f);
    int bad = ferror(g->f) || g->n_frames == 0;
    if (fclose(g->f) != 0) bad = 1;
    free(g);
    return bad ? -1 : 0;
}
