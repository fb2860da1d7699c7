/* policy_modes.c: multimodality measured, not claimed. From ONE legacy reset seed S, a flow
 * policy is rolled out K times with noise seeds 0..K-1 (EvalConfig.noise_seed: same start, same
 * physics, only the sampling noise differs) and an MSE policy once (it has no noise). The picture
 * has two panels, "flow matching: K noise seeds" and "MSE regression": the start scene by the
 * simulator's renderer (goal T, start block and agent), each rollout's agent path in its colour
 * (bold for the first --draw-steps steps, a big dot where it first moves the block, a ring where
 * it ends) and its final block pose as a faint outline; the legend gives each rollout's max
 * coverage, route and first pushed edge.
 *
 * Route of a rollout: the angle its agent sweeps around the block's centroid before the first
 * push (the approach); > +30 deg = "cw" (clockwise on the picture), < -30 deg = "ccw", else
 * "direct". Measured as well: the Hausdorff distance between agent paths (as
 * benchmarks/demos_modes.c) over the whole episode and over the approaches, the mean agent
 * position over the first --route-steps steps, the edge of the T nearest the agent at its first
 * push (block frame). --scan FIRST:N first runs --scan-rollouts rollouts from each of N seeds and
 * picks the seed where both turning routes (cw, ccw) are taken by >= 2 rollouts and the worse of
 * the two routes' mean max coverage is highest. Hausdorff distance:
 * https://en.wikipedia.org/wiki/Hausdorff_distance
 *
 * usage: policy_modes --flow FLOW.h5 [--mse MSE.h5] (--seed S | --scan FIRST:N) [--rollouts K]
 *        [--scan-rollouts K] [--max-steps 300] [--route-steps 40] [--draw-steps 60] [--size PX]
 *        [-o OUT.png] [--json] */
#include "flowchunk/check.h"
#include "flowchunk/ckpt.h"
#include "flowchunk/pusht.h"
#include "flowchunk/render.h"
#include "flowchunk/rollout.h"

#include <cjson/cJSON.h>
#include <gd.h>
#include <gdfontmb.h>
#include <gdfonts.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_K 8
#define SD PUSHT_STATE_DIM
#define SWEEP_TURN 30.0 /* degrees swept before the first push that make a route a turn */

static const uint8_t COLOURS[MAX_K][3] = {{220, 30, 30}, {30, 90, 230}, {20, 160, 60}, {200, 120, 0},
                                          {150, 40, 180}, {0, 160, 170}, {230, 60, 160}, {110, 80, 30}};
static const uint8_t MSE_COLOUR[3] = {20, 20, 20};
/* the names of the 8 edges of the T's outline (pusht.h's PUSHT_TEE_OUTLINE, in the block frame),
 * edge e running from vertex e to vertex e + 1 */
#define T_EDGE(e, k) PUSHT_TEE_OUTLINE[((e) + (k)) % PUSHT_TEE_OUTLINE_N]
static const char *EDGE_NAMES[8] = {"crossbar back", "crossbar +x end", "under crossbar +x", "stem +x side",
                                    "stem tip", "stem -x side", "under crossbar -x", "crossbar -x end"};
enum { ROUTE_DIRECT = 0, ROUTE_CW, ROUTE_CCW };
static const char *ROUTE_NAMES[3] = {"direct", "cw", "ccw"};

/* one rollout: its trace and what is measured on it */
typedef struct {
    RolloutTrace tr;
    EvalEpisode ep;
    double route_xy[2];   /* mean agent position over the first route_steps states */
    int contact_step;     /* first step at which the block has moved (-1: never) */
    int contact_edge;     /* edge of the T nearest the agent then (index into EDGE_NAMES) */
    double contact_local[2];
    double sweep_deg;     /* angle swept around the block's centroid before the first push,
                           * degrees; + = clockwise on the picture (image y points down) */
    int route;            /* ROUTE_* from sweep_deg */
    double chunk_end[2];  /* the last target of the first executed chunk (all runs of a start see
                           * the same first observation: a sample of the policy's first chunk) */
} Run;

/* ---- measurements */

static double hausdorff_dir(const double *a, int na, const double *b, int nb) {
    double d = 0;
    for (int i = 0; i < na; i++) {
        double m = 1e30;
        for (int j = 0; j < nb; j++) m = fmin(m, hypot(a[SD * i] - b[SD * j], a[SD * i + 1] - b[SD * j + 1]));
        d = fmax(d, m);
    }
    return d;
}
/* states of the approach: up to the one before the first push (the whole path if none) */
static int approach_len(const Run *r) {
    return r->contact_step > 0 ? r->contact_step : r->tr.steps + 1;
}
/* Hausdorff distance between the agent paths of two runs: whole episodes, or approaches */
static double path_distance(const Run *a, const Run *b, int approach) {
    int na = approach ? approach_len(a) : a->tr.steps + 1, nb = approach ? approach_len(b) : b->tr.steps + 1;
    return fmax(hausdorff_dir(a->tr.states, na, b->tr.states, nb), hausdorff_dir(b->tr.states, nb, a->tr.states, na));
}
static double seg_dist(double x, double y, const double *u, const double *w) {
    double ex = w[0] - u[0], ey = w[1] - u[1], t = ((x - u[0]) * ex + (y - u[1]) * ey) / (ex * ex + ey * ey);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypot(x - u[0] - t * ex, y - u[1] - t * ey);
}
static void run_measure(Run *r, int route_steps) {
    const double *s = r->tr.states;
    int n = r->tr.steps + 1 < route_steps ? r->tr.steps + 1 : route_steps;
    r->route_xy[0] = r->route_xy[1] = 0;
    for (int t = 0; t < n; t++) r->route_xy[0] += s[SD * t] / n, r->route_xy[1] += s[SD * t + 1] / n;
    r->contact_step = -1;
    for (int t = 1; t <= r->tr.steps && r->contact_step < 0; t++) {
        const double *q = s + SD * t;
        if (hypot(q[2] - s[2], q[3] - s[3]) > 0.5 || fabs(q[4] - s[4]) > 0.005) r->contact_step = t;
    }
    /* the sweep: unwrapped bearing of the agent seen from the T's centroid, body (0, 40.7): the
     * area-weighted mean of the crossbar (3600 px^2 at y 15) and the stem (2700 px^2 at y 75) */
    int end = approach_len(r) - 1;
    double cx = s[2] - sin(s[4]) * 40.7, cy = s[3] + cos(s[4]) * 40.7, prev = atan2(s[1] - cy, s[0] - cx);
    r->sweep_deg = 0;
    for (int t = 1; t <= end; t++) {
        double a = atan2(s[SD * t + 1] - cy, s[SD * t] - cx), da = a - prev;
        da -= 2 * M_PI * floor((da + M_PI) / (2 * M_PI));
        r->sweep_deg += da * 180 / M_PI, prev = a;
    }
    r->route = r->sweep_deg > SWEEP_TURN ? ROUTE_CW : r->sweep_deg < -SWEEP_TURN ? ROUTE_CCW : ROUTE_DIRECT;
    if (r->contact_step < 0) return;
    const double *q = s + SD * (r->contact_step - 1); /* the agent just before the block moved */
    double c = cos(q[4]), sn = sin(q[4]), dx = q[0] - q[2], dy = q[1] - q[3];
    r->contact_local[0] = c * dx + sn * dy, r->contact_local[1] = -sn * dx + c * dy;
    double best = 1e30;
    for (int e = 0; e < PUSHT_TEE_OUTLINE_N; e++) {
        double d = seg_dist(r->contact_local[0], r->contact_local[1], T_EDGE(e, 0), T_EDGE(e, 1));
        if (d < best) best = d, r->contact_edge = e;
    }
}

/* how k runs split into routes: counts, mean max coverage per route, and the distances between
 * the cw and ccw runs (min, mean) and within each of them (max, mean), whole paths and approaches */
typedef struct {
    int n[3];
    double cov[3];
    int pairs_between, pairs_within;
    double between_min[2], between_mean[2], within_max[2], within_mean[2]; /* [0] paths, [1] approaches */
} Routes;
static Routes routes_measure(const Run *r, int k) {
    Routes o = {.between_min = {1e30, 1e30}};
    for (int i = 0; i < k; i++) o.n[r[i].route]++, o.cov[r[i].route] += r[i].ep.max_coverage;
    for (int g = 0; g < 3; g++) o.cov[g] = o.n[g] ? o.cov[g] / o.n[g] : 0;
    for (int a = 0; a < k; a++)
        for (int b = a + 1; b < k; b++) {
            int ra = r[a].route, rb = r[b].route;
            if (ra == ROUTE_DIRECT || rb == ROUTE_DIRECT) continue;
            ra == rb ? o.pairs_within++ : o.pairs_between++;
            for (int m = 0; m < 2; m++) {
                double d = path_distance(&r[a], &r[b], m);
                if (ra == rb) o.within_max[m] = fmax(o.within_max[m], d), o.within_mean[m] += d;
                else o.between_min[m] = fmin(o.between_min[m], d), o.between_mean[m] += d;
            }
        }
    for (int m = 0; m < 2; m++) {
        if (o.pairs_within) o.within_mean[m] /= o.pairs_within;
        if (o.pairs_between) o.between_mean[m] /= o.pairs_between;
        else o.between_min[m] = 0;
    }
    return o;
}
/* the scan's score: the worse turning route's mean max coverage, when both have >= 2 runs, else -1 */
static double routes_score(const Routes *o) {
    return o->n[ROUTE_CW] >= 2 && o->n[ROUTE_CCW] >= 2 ? fmin(o->cov[ROUTE_CW], o->cov[ROUTE_CCW]) : -1;
}
static cJSON *routes_json(const Routes *o) {
    cJSON *j = cJSON_CreateObject();
    for (int g = 0; g < 3; g++) {
        cJSON *e = cJSON_AddObjectToObject(j, ROUTE_NAMES[g]);
        cJSON_AddNumberToObject(e, "rollouts", o->n[g]);
        if (o->n[g]) cJSON_AddNumberToObject(e, "mean_max_coverage", round(o->cov[g] * 1e4) / 1e4);
    }
    if (o->pairs_between) {
        static const char *M[2] = {"paths", "approaches"};
        for (int m = 0; m < 2; m++) {
            cJSON *e = cJSON_AddObjectToObject(j, M[m]);
            cJSON_AddNumberToObject(e, "between_routes_min_px", round(o->between_min[m]));
            cJSON_AddNumberToObject(e, "between_routes_mean_px", round(o->between_mean[m]));
            cJSON_AddNumberToObject(e, "within_route_max_px", round(o->within_max[m]));
            cJSON_AddNumberToObject(e, "within_route_mean_px", round(o->within_mean[m]));
        }
    }
    return j;
}

/* ---- rollouts */

typedef struct {
    Policy p;
    CkptMeta m;
    EvalConfig cfg;
} Loaded;

static int load(const char *path, int max_steps, Loaded *l) {
    if (ckpt_load_policy(path, &l->p, &l->m, 1) != FC_OK) return FC_ERR;
    const EvalConfig *e = &l->m.protocol;
    rollout_config_protocol(&l->cfg, PUSHT_RESET_LEGACY, e->obs_kind, e->obs_steps, l->m.policy.horizon,
                            e->action_offset, e->n_action_steps, e->flow_steps);
    l->cfg.max_steps = max_steps;
    return rollout_config_check(&l->cfg, &l->p, &l->m.norm);
}

/* runs[i * n + j] = the rollout of seed seeds[j] with noise seed i, i < k (one batch per noise
 * seed; an episode's outcome does not depend on its batch, rollout.h) */
static void roll(Loaded *l, const uint64_t *seeds, int n, int k, Run *runs, int route_steps) {
    for (int i = 0; i < k; i++) {
        EvalResult res;
        RolloutTrace tr[64];
        for (int j = 0; j < n; j++) rollout_trace_init(&runs[i * n + j].tr, l->cfg.max_steps), tr[j] = runs[i * n + j].tr;
        l->cfg.noise_seed = (uint64_t)i;
        rollout_eval(&l->p, &l->m.norm, &l->cfg, seeds, n, &res, tr);
        for (int j = 0; j < n; j++) {
            Run *r = &runs[i * n + j];
            r->tr = tr[j], r->ep = res.ep[j];
            run_measure(r, route_steps);
            int e = (l->cfg.n_action_steps < r->tr.steps ? l->cfg.n_action_steps : r->tr.steps) - 1;
            r->chunk_end[0] = r->tr.actions[2 * e], r->chunk_end[1] = r->tr.actions[2 * e + 1];
        }
        rollout_result_free(&res);
    }
}

/* ---- drawing (world px scaled by sc into a size x size tile) */

static void draw_runs(uint8_t *tile, int size, const Run *runs, int k, const uint8_t (*cols)[3], int draw_steps) {
    const double sc = size / 512.0;
    double s0[SD];
    memcpy(s0, runs[0].tr.states, sizeof s0);
    render_frame(tile, size, s0, NULL);
    for (int i = 0; i < k; i++) { /* final block poses, faint */
        const double *q = runs[i].tr.states + SD * runs[i].tr.steps;
        double c = cos(q[4]), sn = sin(q[4]);
        uint8_t col[3];
        for (int j = 0; j < 3; j++) col[j] = (uint8_t)(cols[i][j] / 3 + 160);
        for (int v = 0; v < PUSHT_TEE_OUTLINE_N; v++) {
            const double *u = T_EDGE(v, 0), *w = T_EDGE(v, 1);
            render_line(tile, size, (q[2] + c * u[0] - sn * u[1]) * sc, (q[3] + sn * u[0] + c * u[1]) * sc,
                 (q[2] + c * w[0] - sn * w[1]) * sc, (q[3] + sn * w[0] + c * w[1]) * sc, 0.9 * sc, col);
        }
    }
    for (int i = 0; i < k; i++) { /* after draw_steps: thin and faint */
        const double *p = runs[i].tr.states;
        uint8_t col[3];
        for (int j = 0; j < 3; j++) col[j] = (uint8_t)(cols[i][j] / 4 + 190);
        for (int t = draw_steps + 1; t <= runs[i].tr.steps; t++)
            render_line(tile, size, p[SD * (t - 1)] * sc, p[SD * (t - 1) + 1] * sc, p[SD * t] * sc, p[SD * t + 1] * sc, 0.5 * sc, col);
    }
    for (int i = 0; i < k; i++) {
        const double *p = runs[i].tr.states;
        int n = runs[i].tr.steps;
        for (int t = 1; t <= n && t <= draw_steps; t++)
            render_line(tile, size, p[SD * (t - 1)] * sc, p[SD * (t - 1) + 1] * sc, p[SD * t] * sc, p[SD * t + 1] * sc, 1.4 * sc, cols[i]);
        if (n > draw_steps) { /* a tick where the bold part ends */
            const double *q = p + SD * draw_steps;
            render_disc(tile, size, q[0] * sc, q[1] * sc, 3 * sc, 0, cols[i]);
        }
        if (runs[i].contact_step > 0) {
            const double *q = p + SD * (runs[i].contact_step - 1);
            render_disc(tile, size, q[0] * sc, q[1] * sc, 5 * sc, 0, cols[i]);
        }
        render_disc(tile, size, p[SD * n] * sc, p[SD * n + 1] * sc, 9 * sc, 6 * sc, cols[i]);
    }
}

static void legend_line(char *buf, size_t cap, const char *name, const Run *r) {
    snprintf(buf, cap, "%s [%s]: max cov %.3f%s, %d steps, 1st push: %s", name, ROUTE_NAMES[r->route], r->ep.max_coverage,
             r->ep.success ? " (success)" : "", r->ep.steps, r->contact_step > 0 ? EDGE_NAMES[r->contact_edge] : "none");
}

static int draw_picture(const char *out, int cell, const Run *flow, int k, const Run *mse, uint64_t seed,
                        const Routes *ro, int draw_steps) {
    const int pad = 10, head = 26, line_h = 15, foot = line_h * (k > 5 ? k + 2 : 7) + pad;
    const int w = 2 * cell + 3 * pad, h = head + cell + foot;
    uint8_t *tile = malloc((size_t)cell * cell * 3);
    gdImagePtr im = gdImageCreateTrueColor(w, h);
    if (!tile || !im) return -1;
    const int black = gdTrueColor(0, 0, 0), grey = gdTrueColor(90, 90, 90);
    gdImageFilledRectangle(im, 0, 0, w - 1, h - 1, gdTrueColor(255, 255, 255));
    for (int panel = 0; panel < 2; panel++) {
        if (panel == 0) draw_runs(tile, cell, flow, k, COLOURS, draw_steps);
        else draw_runs(tile, cell, mse, 1, &MSE_COLOUR, draw_steps);
        int ox = pad + panel * (cell + pad);
        for (int y = 0; y < cell; y++)
            for (int x = 0; x < cell; x++) {
                const uint8_t *c = tile + ((size_t)y * cell + x) * 3;
                gdImageSetPixel(im, ox + x, head + y, gdTrueColor(c[0], c[1], c[2]));
            }
        char title[160];
        if (panel == 0) snprintf(title, sizeof title, "flow matching: %d noise seeds (start seed %llu)", k, (unsigned long long)seed);
        else snprintf(title, sizeof title, "MSE regression (start seed %llu)", (unsigned long long)seed);
        gdImageString(im, gdFontGetMediumBold(), ox, 6, (unsigned char *)title, black);
    }
    char buf[200];
    int y = head + cell + 6;
    for (int i = 0; i < k; i++, y += line_h) {
        char name[32];
        snprintf(name, sizeof name, "noise %d", i);
        legend_line(buf, sizeof buf, name, &flow[i]);
        gdImageFilledRectangle(im, pad, y + 3, pad + 10, y + 10, gdTrueColor(COLOURS[i][0], COLOURS[i][1], COLOURS[i][2]));
        gdImageString(im, gdFontGetSmall(), pad + 16, y, (unsigned char *)buf, black);
    }
    snprintf(buf, sizeof buf, "routes: %d cw, %d ccw, %d direct", ro->n[ROUTE_CW], ro->n[ROUTE_CCW], ro->n[ROUTE_DIRECT]);
    if (ro->pairs_between)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "; approaches %.0f-%.0f px apart across, mean %.0f within",
                 ro->between_min[1], ro->between_mean[1], ro->within_mean[1]);
    gdImageString(im, gdFontGetSmall(), pad, y, (unsigned char *)buf, black);
    int ox = 2 * pad + cell;
    y = head + cell + 6;
    legend_line(buf, sizeof buf, "MSE", mse);
    gdImageFilledRectangle(im, ox, y + 3, ox + 10, y + 10, gdTrueColor(MSE_COLOUR[0], MSE_COLOUR[1], MSE_COLOUR[2]));
    gdImageString(im, gdFontGetSmall(), ox + 16, y, (unsigned char *)buf, black);
    y += 2 * line_h;
    char key1[100];
    snprintf(key1, sizeof key1, "agent path: bold for the first %d steps, then faint", draw_steps);
    const char *keys[] = {"goal: green T; start: grey T and blue agent", key1,
                          "big dot: first push of the block; ring: end; faint T: final block",
                          "route: turn around the block before the 1st push (+-30 deg)"};
    for (int i = 0; i < 4; i++, y += line_h) gdImageString(im, gdFontGetSmall(), ox, y, (unsigned char *)keys[i], grey);
    free(tile);
    FILE *f = fopen(out, "wb");
    if (!f) return gdImageDestroy(im), -1;
    gdImagePng(im, f);
    gdImageDestroy(im);
    return fclose(f) == 0 ? 0 : -1;
}

/* ---- JSON */

static cJSON *run_json(const Run *r, int noise_seed) {
    cJSON *o = cJSON_CreateObject();
    if (noise_seed >= 0) cJSON_AddNumberToObject(o, "noise_seed", noise_seed);
    cJSON_AddNumberToObject(o, "max_coverage", round(r->ep.max_coverage * 1e4) / 1e4);
    cJSON_AddNumberToObject(o, "final_coverage", round(r->ep.final_coverage * 1e4) / 1e4);
    cJSON_AddBoolToObject(o, "success", r->ep.success);
    cJSON_AddNumberToObject(o, "steps", r->ep.steps);
    cJSON_AddStringToObject(o, "route", ROUTE_NAMES[r->route]);
    cJSON_AddNumberToObject(o, "sweep_before_push_deg", round(r->sweep_deg));
    double xy[2] = {round(r->route_xy[0] * 10) / 10, round(r->route_xy[1] * 10) / 10};
    cJSON_AddItemToObject(o, "route_mean_xy", cJSON_CreateDoubleArray(xy, 2));
    double ce[2] = {round(r->chunk_end[0] * 10) / 10, round(r->chunk_end[1] * 10) / 10};
    cJSON_AddItemToObject(o, "first_chunk_end_xy", cJSON_CreateDoubleArray(ce, 2));
    cJSON_AddNumberToObject(o, "first_push_step", r->contact_step);
    if (r->contact_step > 0) {
        cJSON_AddStringToObject(o, "first_push_edge", EDGE_NAMES[r->contact_edge]);
        double lc[2] = {round(r->contact_local[0] * 10) / 10, round(r->contact_local[1] * 10) / 10};
        cJSON_AddItemToObject(o, "first_push_block_frame_xy", cJSON_CreateDoubleArray(lc, 2));
    }
    return o;
}
static cJSON *matrix_json(const double *d, int k) {
    cJSON *m = cJSON_CreateArray();
    for (int a = 0; a < k; a++) {
        double row[MAX_K];
        for (int b = 0; b < k; b++) row[b] = round(d[a * k + b]);
        cJSON_AddItemToArray(m, cJSON_CreateDoubleArray(row, k));
    }
    return m;
}

/* ---- main */

static const char *USAGE =
    "usage: policy_modes --flow FLOW.h5 [--mse MSE.h5] (--seed S | --scan FIRST:N) [options]\n"
    "  K flow rollouts from legacy reset seed S with noise seeds 0..K-1, one MSE rollout, a two-panel PNG\n"
    "  --rollouts K         flow rollouts in the picture (1..8, default 8)\n"
    "  --scan FIRST:N       first roll out seeds FIRST..FIRST+N-1 (N <= 64) and pick S: both turning routes\n"
    "                       taken by >= 2 rollouts, the best worse-route mean max coverage\n"
    "  --scan-rollouts K    flow rollouts per scanned seed (4..8, default 8)\n"
    "  --max-steps N        env steps per rollout (default 300)\n"
    "  --route-steps R      steps averaged into route_mean_xy (default 40)\n"
    "  --draw-steps N       draw the paths bold for the first N steps, then faint (default 60)\n"
    "  --size PX            panel size in pixels (default 600)\n"
    "  -o OUT.png           write the picture (needs --mse)\n"
    "  --json               one JSON object on stdout\n";

static int usage_error(const char *msg) {
    fprintf(stderr, "policy_modes: error: %s\n%s", msg, USAGE);
    return 2;
}

/* scans n seeds from `first` with k rollouts each; returns the chosen seed or -1 */
static long long scan_seeds(Loaded *flow, Loaded *mse, long long first, int n, int k, int route_steps, int json, cJSON *root) {
    uint64_t seeds[64];
    for (int j = 0; j < n; j++) seeds[j] = (uint64_t)first + (uint64_t)j;
    Run *runs = calloc((size_t)(k + 1) * n, sizeof *runs), *mruns = runs + (size_t)k * n;
    if (!runs) return -1;
    roll(flow, seeds, n, k, runs, route_steps);
    if (mse) roll(mse, seeds, n, 1, mruns, route_steps);
    cJSON *scan = cJSON_AddObjectToObject(root, "scan"), *rows = cJSON_CreateArray();
    cJSON_AddNumberToObject(scan, "first", (double)first);
    cJSON_AddNumberToObject(scan, "seeds", n);
    cJSON_AddNumberToObject(scan, "rollouts", k);
    long long chosen = -1;
    double best = -1, agg_flow[2] = {0}, agg_mse[2] = {0};
    int agg_n[2] = {0};
    if (!json)
        printf("scan: seed, successes/%d, mean max coverage, routes cw/ccw/direct, their mean max coverage, sweeps (deg)%s\n", k,
               mse ? " | MSE: max coverage, route, sweep" : "");
    for (int j = 0; j < n; j++) {
        Run r[MAX_K];
        double cov = 0, sw[MAX_K], mc[MAX_K];
        int succ = 0;
        for (int i = 0; i < k; i++) {
            r[i] = runs[i * n + j];
            cov += r[i].ep.max_coverage / k, succ += r[i].ep.success;
            sw[i] = round(r[i].sweep_deg), mc[i] = round(r[i].ep.max_coverage * 1e3) / 1e3;
        }
        Routes ro = routes_measure(r, k);
        double score = routes_score(&ro);
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "seed", (double)seeds[j]);
        cJSON_AddNumberToObject(row, "successes", succ);
        cJSON_AddNumberToObject(row, "mean_max_coverage", round(cov * 1e4) / 1e4);
        cJSON_AddItemToObject(row, "max_coverage", cJSON_CreateDoubleArray(mc, k));
        cJSON_AddItemToObject(row, "sweep_before_push_deg", cJSON_CreateDoubleArray(sw, k));
        cJSON_AddItemToObject(row, "routes", routes_json(&ro));
        cJSON_AddNumberToObject(row, "score", round(score * 1e4) / 1e4);
        if (mse) cJSON_AddItemToObject(row, "mse", run_json(&mruns[j], -1));
        cJSON_AddItemToArray(rows, row);
        if (!json) {
            printf("  %llu  %d/%d  %.3f  %d/%d/%d  %.3f/%.3f  ", (unsigned long long)seeds[j], succ, k, cov, ro.n[ROUTE_CW],
                   ro.n[ROUTE_CCW], ro.n[ROUTE_DIRECT], ro.cov[ROUTE_CW], ro.cov[ROUTE_CCW]);
            for (int i = 0; i < k; i++) printf(" %4.0f", sw[i]);
            if (mse) printf("  | MSE %.3f %s %4.0f", mruns[j].ep.max_coverage, ROUTE_NAMES[mruns[j].route], mruns[j].sweep_deg);
            printf("%s\n", score >= 0 ? "  *" : "");
        }
        if (score > best) best = score, chosen = (long long)seeds[j];
        int split = score >= 0; /* coverage where the flow routes split vs elsewhere */
        agg_n[split]++, agg_flow[split] += cov;
        if (mse) agg_mse[split] += mruns[j].ep.max_coverage;
    }
    for (int g = 0; g < 2; g++) {
        cJSON *e = cJSON_AddObjectToObject(scan, g ? "seeds_with_both_routes" : "other_seeds");
        cJSON_AddNumberToObject(e, "seeds", agg_n[g]);
        if (!agg_n[g]) continue;
        cJSON_AddNumberToObject(e, "flow_mean_max_coverage", round(agg_flow[g] / agg_n[g] * 1e4) / 1e4);
        if (mse) cJSON_AddNumberToObject(e, "mse_mean_max_coverage", round(agg_mse[g] / agg_n[g] * 1e4) / 1e4);
        if (!json)
            printf("%s: %d seeds, mean max coverage flow %.3f%s", g ? "seeds with both routes" : "other seeds", agg_n[g],
                   agg_flow[g] / agg_n[g], mse ? ", MSE " : "\n");
        if (!json && mse) printf("%.3f\n", agg_mse[g] / agg_n[g]);
    }
    cJSON_AddItemToObject(scan, "rows", rows);
    if (chosen >= 0) cJSON_AddNumberToObject(scan, "chosen", (double)chosen);
    if (!json && chosen >= 0)
        printf("chosen seed %lld: both turning routes taken, worse route's mean max coverage %.3f (* = both routes)\n", chosen, best);
    for (int i = 0; i < (k + (mse != NULL)) * n; i++) rollout_trace_free(&runs[i].tr);
    free(runs);
    return chosen;
}

int main(int argc, char **argv) {
    const char *flow_path = NULL, *mse_path = NULL, *out = NULL;
    long long seed = -1, scan_first = -1;
    int scan_n = 0, k = 8, k_scan = 8, max_steps = 300, route_steps = 40, draw_steps = 60, size = 600, json = 0;
    enum { O_FLOW = 256, O_MSE, O_SEED, O_K, O_SCAN, O_KSCAN, O_STEPS, O_ROUTE, O_DRAW, O_SIZE, O_JSON };
    static const struct option opts[] = {
        {"flow", 1, 0, O_FLOW}, {"mse", 1, 0, O_MSE}, {"seed", 1, 0, O_SEED}, {"rollouts", 1, 0, O_K},
        {"scan", 1, 0, O_SCAN}, {"scan-rollouts", 1, 0, O_KSCAN}, {"max-steps", 1, 0, O_STEPS},
        {"route-steps", 1, 0, O_ROUTE}, {"draw-steps", 1, 0, O_DRAW}, {"size", 1, 0, O_SIZE},
        {"json", 0, 0, O_JSON}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case O_FLOW: flow_path = optarg; break;
        case O_MSE: mse_path = optarg; break;
        case O_SEED: seed = atoll(optarg); break;
        case O_K: k = atoi(optarg); break;
        case O_SCAN:
            if (sscanf(optarg, "%lld:%d", &scan_first, &scan_n) != 2) return usage_error("--scan expects FIRST:N");
            break;
        case O_KSCAN: k_scan = atoi(optarg); break;
        case O_STEPS: max_steps = atoi(optarg); break;
        case O_ROUTE: route_steps = atoi(optarg); break;
        case O_DRAW: draw_steps = atoi(optarg); break;
        case O_SIZE: size = atoi(optarg); break;
        case O_JSON: json = 1; break;
        case 'o': out = optarg; break;
        case 'h': fputs(USAGE, stdout); return 0;
        default: return usage_error("unknown option");
        }
    }
    if (optind < argc) return usage_error("unexpected argument");
    if (!flow_path) return usage_error("--flow is required");
    if ((seed < 0) == (scan_first < 0)) return usage_error("give one of --seed S and --scan FIRST:N");
    if (k < 1 || k > MAX_K || k_scan < 4 || k_scan > MAX_K || (scan_first >= 0 && (scan_n < 1 || scan_n > 64)) ||
        max_steps < 1 || route_steps < 2 || draw_steps < 1 || size < 400 || size > 2000)
        return usage_error("--rollouts 1..8, --scan-rollouts 4..8, --scan N 1..64, --size 400..2000, positive steps");
    if (out && !mse_path) return usage_error("-o needs --mse");

    Loaded flow, mse;
    if (load(flow_path, max_steps, &flow) != FC_OK || (mse_path && load(mse_path, max_steps, &mse) != FC_OK)) {
        fprintf(stderr, "policy_modes: error: %s\n", fc_last_error());
        return 1;
    }
    if (flow.m.policy.kind != POLICY_FLOW) fprintf(stderr, "policy_modes: warning: %s is not a flow policy\n", flow_path);
    if (mse_path && mse.m.policy.kind != POLICY_MSE) fprintf(stderr, "policy_modes: warning: %s is not an MSE policy\n", mse_path);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "flow", flow_path);
    cJSON_AddNumberToObject(root, "flow_step", (double)flow.m.step);
    if (mse_path) cJSON_AddStringToObject(root, "mse", mse_path), cJSON_AddNumberToObject(root, "mse_step", (double)mse.m.step);
    cJSON_AddNumberToObject(root, "max_steps", max_steps);
    cJSON_AddNumberToObject(root, "route_steps", route_steps);
    cJSON_AddNumberToObject(root, "sweep_turn_deg", SWEEP_TURN);
    if (scan_first >= 0 && (seed = scan_seeds(&flow, mse_path ? &mse : NULL, scan_first, scan_n, k_scan, route_steps, json, root)) < 0) {
        fprintf(stderr, "policy_modes: error: no scanned seed has both turning routes taken by >= 2 rollouts\n");
        return 1;
    }

    uint64_t s = (uint64_t)seed;
    Run fr[MAX_K], mr = {0};
    roll(&flow, &s, 1, k, fr, route_steps);
    if (mse_path) roll(&mse, &s, 1, 1, &mr, route_steps);
    double d[MAX_K * MAX_K], da[MAX_K * MAX_K], dmax = 0;
    for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++) {
            d[a * k + b] = a == b ? 0 : path_distance(&fr[a], &fr[b], 0);
            da[a * k + b] = a == b ? 0 : path_distance(&fr[a], &fr[b], 1);
            dmax = fmax(dmax, d[a * k + b]);
        }
    Routes ro = routes_measure(fr, k);
    cJSON_AddNumberToObject(root, "seed", (double)s);
    cJSON_AddNumberToObject(root, "rollouts", k);
    cJSON *fl = cJSON_AddArrayToObject(root, "flow_rollouts");
    for (int i = 0; i < k; i++) cJSON_AddItemToArray(fl, run_json(&fr[i], i));
    cJSON_AddItemToObject(root, "flow_routes", routes_json(&ro));
    cJSON_AddNumberToObject(root, "flow_max_path_distance_px", round(dmax));
    cJSON_AddItemToObject(root, "flow_path_distance_px", matrix_json(d, k));
    cJSON_AddItemToObject(root, "flow_approach_distance_px", matrix_json(da, k));
    if (mse_path) {
        cJSON *o = run_json(&mr, -1);
        double dm[MAX_K], dma[MAX_K];
        for (int i = 0; i < k; i++) dm[i] = round(path_distance(&mr, &fr[i], 0)), dma[i] = round(path_distance(&mr, &fr[i], 1));
        cJSON_AddItemToObject(o, "path_distance_to_flow_px", cJSON_CreateDoubleArray(dm, k));
        cJSON_AddItemToObject(o, "approach_distance_to_flow_px", cJSON_CreateDoubleArray(dma, k));
        for (int g = ROUTE_CW; g <= ROUTE_CCW; g++) { /* distance of its route_mean_xy to each route's mean */
            double cx = 0, cy = 0;
            for (int i = 0; i < k; i++)
                if (fr[i].route == g) cx += fr[i].route_xy[0] / ro.n[g], cy += fr[i].route_xy[1] / ro.n[g];
            if (ro.n[g])
                cJSON_AddNumberToObject(o, g == ROUTE_CW ? "route_mean_distance_to_cw_px" : "route_mean_distance_to_ccw_px",
                                        round(hypot(mr.route_xy[0] - cx, mr.route_xy[1] - cy)));
        }
        /* the first chunk: does the MSE chunk sit at the mean of the flow samples, away from each? */
        double mx = 0, my = 0, near = 1e30;
        for (int i = 0; i < k; i++) {
            mx += fr[i].chunk_end[0] / k, my += fr[i].chunk_end[1] / k;
            near = fmin(near, hypot(mr.chunk_end[0] - fr[i].chunk_end[0], mr.chunk_end[1] - fr[i].chunk_end[1]));
        }
        double spread = 0;
        for (int i = 0; i < k; i++) spread += hypot(fr[i].chunk_end[0] - mx, fr[i].chunk_end[1] - my) / k;
        cJSON_AddNumberToObject(o, "first_chunk_end_distance_to_flow_mean_px", round(hypot(mr.chunk_end[0] - mx, mr.chunk_end[1] - my)));
        cJSON_AddNumberToObject(o, "first_chunk_end_distance_to_nearest_flow_px", round(near));
        cJSON_AddNumberToObject(o, "flow_first_chunk_end_spread_px", round(spread));
        cJSON_AddItemToObject(root, "mse_rollout", o);
    }
    if (out) {
        if (draw_picture(out, size, fr, k, &mr, s, &ro, draw_steps) != 0) {
            fprintf(stderr, "policy_modes: error: cannot write %s\n", out);
            return 1;
        }
        cJSON_AddStringToObject(root, "picture", out);
    }
    if (json) {
        char *txt = cJSON_Print(root);
        printf("%s\n", txt);
        free(txt);
    } else {
        for (int i = 0; i < k; i++) {
            char buf[200], name[32];
            snprintf(name, sizeof name, "flow noise %d", i);
            legend_line(buf, sizeof buf, name, &fr[i]);
            printf("%s, sweep %.0f deg\n", buf, fr[i].sweep_deg);
        }
        if (mse_path) {
            char buf[200];
            legend_line(buf, sizeof buf, "MSE", &mr);
            printf("%s, sweep %.0f deg\n", buf, mr.sweep_deg);
        }
        printf("flow routes: %d cw (mean max coverage %.3f), %d ccw (%.3f), %d direct; max path distance %.0f px\n",
               ro.n[ROUTE_CW], ro.cov[ROUTE_CW], ro.n[ROUTE_CCW], ro.cov[ROUTE_CCW], ro.n[ROUTE_DIRECT], dmax);
        if (ro.pairs_between)
            printf("approaches: between routes min %.0f / mean %.0f px, within a route max %.0f / mean %.0f px (Hausdorff)\n",
                   ro.between_min[1], ro.between_mean[1], ro.within_max[1], ro.within_mean[1]);
        if (out) printf("wrote %s\n", out);
    }
    cJSON_Delete(root);
    for (int i = 0; i < k; i++) rollout_trace_free(&fr[i].tr);
    if (mse_path) rollout_trace_free(&mr.tr), policy_free(&mse.p);
    policy_free(&flow.p);
    return 0;
}
