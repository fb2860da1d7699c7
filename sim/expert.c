/* expert.c: the scripted Push-T expert (see expert.h for the algorithm). Geometry lives in the
 * block's local frame: origin at the middle of the crossbar's outer edge, stem along +y, the
 * crossbar [-60,60]x[0,30] and the stem [-15,15]x[30,120] (sim/tee.h, ../shared/PUSHT.md). The planner's
 * model is the simulator itself: pusht_restore of the observed state, then pusht_step.
 * Pushing is quasi-static (damping 0 wipes the block's velocity every substep) and frictionless,
 * so a push's outcome depends on the agent's path, not its speed: a rollout from a restored state
 * (agent at rest) predicts a straight push well. The planner minimises log(pose error + 1 px)
 * plus a step cost, the pose error being the RMS displacement over the T's area (rigid-body
 * identity: |d centroid|^2 + (d angle)^2 k^2, k the polar radius of gyration), which is linear in
 * the angle error and so has no flat spot at a half turn. Reference for the method family: M. T. Mason,
 * "Mechanics of Robotic Manipulation" (2001), ch. 10, and Lynch & Mason, "Stable pushing" (1996). */
#include "flowchunk/expert.h"
#include "pusht_check.h"
#include "sim_assert.h"
#include "tee.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define AGENT_R PUSHT_AGENT_RADIUS
#define TABLE_LO 10.0  /* pre-contact points and path nodes stay inside [LO,HI]^2 */
#define TABLE_HI 502.0
#define ACTION_LO 0.0  /* targets are clamped to the window like the human mouse */
#define ACTION_HI 511.0
#define GAP 8.0        /* px between the agent and the block at the pre-contact point */
#define R_NODE (AGENT_R + 7.0)   /* path corners sit this far (per axis) outside the T */
#define R_CLEAR (AGENT_R + 3.5)  /* path segments keep at least this distance to the T */
#define MAX_CAND 96
#define MAX_PUSH_EVAL 16 /* ramp steps simulated per candidate */
#define SETTLE_HOLD 6    /* steps a held target is simulated for a "stop here" outcome */
#define N_STOP 5         /* stop offsets 0, v/2, ..., 2v along the push */
#define ERR_FLOOR 1.0 /* px */
#define SETTLE_BELOW 10.0 /* wait for the agent to stop after a push only this close to the goal (px) */
#define N_STEER 5        /* push directions tried while pushing */
#define MODE_SEP 60.0    /* px between the pre-contact points of two different first pushes (routes) */

enum { MODE_CHOOSE, MODE_APPROACH, MODE_PUSH, MODE_SETTLE, MODE_RETREAT };

typedef struct {
    double c[2]; /* contact point, local */
    double n[2]; /* unit outward direction, local: the agent comes from c + n*r and pushes along -n */
} Candidate;

struct Expert {
    ExpertConfig cfg;
    PushtEnv *plan; /* the planner's model, restored from observations */
    Candidate cand[MAX_CAND];
    int n_cand;
    uint64_t rng;
    uint64_t noise_rng; /* the execution disturbance's own stream: noise never changes the choices' draws */
    double noise[2];    /* its current value, px */
    /* per-episode style */
    double v_push, lead;
    double w; /* the step cost in force: cfg.step_cost, lowered when no push pays for it */
    /* controller state */
    int mode, mode_steps, have_last, n_choices;
    double last[2];       /* previous action */
    double prev_agent[2]; /* previous observed agent position */
    double q[2];          /* pre-contact point (world) of the chosen push */
    double d[2];          /* push direction (world, unit) */
    double target[2];     /* current target of the push / settle */
    int stroke_left, stroke_i; /* steps left in the committed push stroke, steps done */
    double stroke_o[2];        /* agent position where the stroke was planned */
};

/* ---------------------------------------------------------------- small maths */

/* splitmix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator, one per episode */
static uint64_t rng_next(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static double rng_uniform(uint64_t *s) { return (double)(rng_next(s) >> 11) * 0x1p-53; }
/* one standard normal (Box-Muller, the cosine branch) */
static double rng_normal(uint64_t *s) {
    double u = 1.0 - rng_uniform(s), v = rng_uniform(s);
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }
static double dist2(const double a[2], const double b[2]) { return hypot(a[0] - b[0], a[1] - b[1]); }

static void to_world(const double pose[3], const double l[2], double w[2]) {
    double c = cos(pose[2]), s = sin(pose[2]);
    w[0] = pose[0] + c * l[0] - s * l[1];
    w[1] = pose[1] + s * l[0] + c * l[1];
}
/* v rotated by th radians */
static void rotate(const double v[2], double th, double out[2]) {
    double c = cos(th), s = sin(th);
    out[0] = c * v[0] - s * v[1];
    out[1] = s * v[0] + c * v[1];
}
static void rot_world(const double pose[3], const double l[2], double w[2]) { rotate(l, pose[2], w); }
static void to_local(const double pose[3], const double w[2], double l[2]) {
    double c = cos(pose[2]), s = sin(pose[2]), dx = w[0] - pose[0], dy = w[1] - pose[1];
    l[0] = c * dx + s * dy;
    l[1] = -s * dx + c * dy;
}

/* ---------------------------------------------------------------- the T's geometry (local) */

/* the boxes are tee.h's TEE_BOXES; the boundary polygon (counter-clockwise on screen, y down) is
 * pusht.h's PUSHT_TEE_OUTLINE */
#define T_POLY PUSHT_TEE_OUTLINE
#define BAR_W (2 * TEE_BAR_HALF)                /* crossbar 120 x 30 */
#define STEM_W (2 * TEE_STEM_HALF)              /* stem 30 x 90 */
#define STEM_H (TEE_LENGTH - TEE_BAR_DEPTH)
#define BAR_YC (TEE_BAR_DEPTH / 2)              /* the boxes' centroids (0, 15) and (0, 75) */
#define STEM_YC ((TEE_BAR_DEPTH + TEE_LENGTH) / 2)

double expert_pose_error(const double pose[3], const double goal[3]) {
    /* area centroid (0, yc) and polar moment k^2 of the two boxes about it */
    const double bd = TEE_BAR_DEPTH;
    const double a1 = BAR_W * bd, a2 = STEM_W * STEM_H, yc = (a1 * BAR_YC + a2 * STEM_YC) / (a1 + a2);
    const double k2 = (a1 * ((BAR_W * BAR_W + bd * bd) / 12 + (yc - BAR_YC) * (yc - BAR_YC)) +
                       a2 * ((STEM_W * STEM_W + STEM_H * STEM_H) / 12 + (STEM_YC - yc) * (STEM_YC - yc))) /
                      (a1 + a2);
    const double cl[2] = {0, yc};
    double cp[2], cg[2];
    to_world(pose, cl, cp);
    to_world(goal, cl, cg);
    double dx = cp[0] - cg[0], dy = cp[1] - cg[1], da = remainder(pose[2] - goal[2], 2 * M_PI);
    return sqrt(dx * dx + dy * dy + da * da * k2);
}

static double goal_error(const double pose[3]) { return expert_pose_error(pose, PUSHT_GOAL_POSE); }

/* what the planner minimises: log pose error, so a step is worth a fixed fraction of the error
 * far from the goal and near it alike (ERR_FLOOR ~ the error at the success threshold) */
static double err_cost(double e) { return log(e + ERR_FLOOR); }

/* distance from p to an axis-aligned box given by its 4 corners */
static double point_box_dist(const double p[2], const double v[4][2]) {
    double b[4] = {v[0][0], v[0][1], v[0][0], v[0][1]}; /* x0 y0 x1 y1 */
    for (int i = 1; i < 4; i++) {
        b[0] = fmin(b[0], v[i][0]), b[1] = fmin(b[1], v[i][1]);
        b[2] = fmax(b[2], v[i][0]), b[3] = fmax(b[3], v[i][1]);
    }
    double dx = fmax(fmax(b[0] - p[0], 0), p[0] - b[2]);
    double dy = fmax(fmax(b[1] - p[1], 0), p[1] - b[3]);
    return hypot(dx, dy);
}
/* distance from a local point to the T (0 inside) */
static double t_dist(const double p[2]) { return fmin(point_box_dist(p, TEE_BOXES[0]), point_box_dist(p, TEE_BOXES[1])); }

static double point_seg_dist(const double p[2], const double a[2], const double b[2]) {
    double ux = b[0] - a[0], uy = b[1] - a[1], l2 = ux * ux + uy * uy;
    double t = l2 > 0 ? clampd(((p[0] - a[0]) * ux + (p[1] - a[1]) * uy) / l2, 0, 1) : 0;
    return hypot(p[0] - a[0] - t * ux, p[1] - a[1] - t * uy);
}
static double cross3(const double o[2], const double a[2], const double b[2]) {
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}
static double seg_seg_dist(const double a[2], const double b[2], const double c[2], const double d[2]) {
    double d1 = cross3(a, b, c), d2 = cross3(a, b, d), d3 = cross3(c, d, a), d4 = cross3(c, d, b);
    if (((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0))) return 0; /* proper crossing */
    return fmin(fmin(point_seg_dist(a, c, d), point_seg_dist(b, c, d)),
                fmin(point_seg_dist(c, a, b), point_seg_dist(d, a, b)));
}
/* distance from a local segment to the T's boundary (segments never start inside the T) */
static double t_seg_dist(const double a[2], const double b[2]) {
    double m = 1e30;
    for (int i = 0; i < 8; i++) m = fmin(m, seg_seg_dist(a, b, T_POLY[i], T_POLY[(i + 1) % 8]));
    return fmin(m, fmin(t_dist(a), t_dist(b)));
}

/* unit direction from the T's nearest boundary point to the local point p */
static void t_away(const double p[2], double out[2]) {
    double best = 1e30;
    out[0] = 0, out[1] = -1;
    for (int i = 0; i < 8; i++) {
        const double *a = T_POLY[i], *b = T_POLY[(i + 1) % 8];
        double ux = b[0] - a[0], uy = b[1] - a[1], l2 = ux * ux + uy * uy;
        double t = clampd(((p[0] - a[0]) * ux + (p[1] - a[1]) * uy) / l2, 0, 1);
        double dx = p[0] - a[0] - t * ux, dy = p[1] - a[1] - t * uy, l = hypot(dx, dy);
        if (l < best && l > 1e-9) best = l, out[0] = dx / l, out[1] = dy / l;
    }
}

static void cand_add(Expert *ex, double cx, double cy, double nx, double ny) {
    SIM_ASSERT(ex->n_cand < MAX_CAND, "the candidate table is too small for the T's boundary sampling");
    double l = hypot(nx, ny);
    Candidate *c = &ex->cand[ex->n_cand++];
    c->c[0] = cx, c->c[1] = cy, c->n[0] = nx / l, c->n[1] = ny / l;
}
/* points every ~`spacing` px along an edge, pushed along the edge's normal */
static void cand_edge(Expert *ex, double x0, double y0, double x1, double y1, double nx, double ny, double spacing) {
    int n = (int)ceil(hypot(x1 - x0, y1 - y0) / spacing);
    for (int i = 0; i < n; i++) {
        double t = (i + 0.5) / n;
        cand_add(ex, x0 + t * (x1 - x0), y0 + t * (y1 - y0), nx, ny);
    }
}
/* the candidate pushes: edge points (skipping spots the round agent cannot reach next to the
 * inner corners) and the six convex corners pushed along their bisector and +-22.5 degrees */
static void cand_build(Expert *ex) {
    ex->n_cand = 0;
    const double bx = TEE_BAR_HALF, by = TEE_BAR_DEPTH, sx = TEE_STEM_HALF, sy = TEE_LENGTH;
    const double clear = 16; /* px skipped next to an inner corner, where the round agent cannot reach */
    cand_edge(ex, -bx, 0, bx, 0, 0, -1, 10);     /* crossbar top */
    for (int side = -1; side <= 1; side += 2) {
        double s = side;
        cand_edge(ex, bx * s, 0, bx * s, by, s, 0, 10);                     /* crossbar end */
        cand_edge(ex, (sx + clear) * s, by, bx * s, by, 0, 1, 10);          /* crossbar underside */
        cand_edge(ex, sx * s, by + clear, sx * s, sy, s, 0, 10.5);          /* stem side */
    }
    cand_edge(ex, -sx, sy, sx, sy, 0, 1, 10);  /* stem bottom */
    const double corners[6][4] = {{-bx, 0, -1, -1}, {bx, 0, 1, -1}, {bx, by, 1, 1},
                                  {-bx, by, -1, 1}, {sx, sy, 1, 1}, {-sx, sy, -1, 1}};
    const double t = tan(M_PI / 8);
    for (int i = 0; i < 6; i++) {
        const double *k = corners[i];
        cand_add(ex, k[0], k[1], k[2], k[3]);
        /* rotate the bisector by +-22.5 degrees: (nx - t ny, ny + t nx) and (nx + t ny, ny - t nx) */
        cand_add(ex, k[0], k[1], k[2] - t * k[3], k[3] + t * k[2]);
        cand_add(ex, k[0], k[1], k[2] + t * k[3], k[3] - t * k[2]);
    }
}

/* ---------------------------------------------------------------- path around the block */

#define PATH_MAX_NODES 8
typedef struct {
    int n;
    double p[PATH_MAX_NODES][2]; /* world waypoints after the start */
    double length;
} Path;

static int in_table(const double w[2]) {
    return w[0] >= TABLE_LO && w[0] <= TABLE_HI && w[1] >= TABLE_LO && w[1] <= TABLE_HI;
}

/* shortest path from world point `from` to `to` around the T of pose `pose`: visibility graph on
 * the start, the goal and six nodes outside the T's convex corners; Dijkstra. 0 if none. */
static int path_plan(const double pose[3], const double from[2], const double to[2], Path *path) {
    const double r = R_NODE;
    const double bx = TEE_BAR_HALF, by = TEE_BAR_DEPTH, sx = TEE_STEM_HALF, sy = TEE_LENGTH;
    double nl[PATH_MAX_NODES][2] = {{0}, {0}, {-bx - r, -r}, {bx + r, -r}, {bx + r, by + r},
                                    {sx + r, sy + r}, {-sx - r, sy + r}, {-bx - r, by + r}};
    double nw[PATH_MAX_NODES][2];
    int ok[PATH_MAX_NODES];
    to_local(pose, from, nl[0]);
    to_local(pose, to, nl[1]);
    for (int i = 0; i < PATH_MAX_NODES; i++) {
        to_world(pose, nl[i], nw[i]);
        ok[i] = i < 2 || in_table(nw[i]);
    }
    /* a start already close to the block (just after a push) may leave at its current clearance */
    double start_clear = fmin(R_CLEAR, t_dist(nl[0]) - 0.5);
    double dist[PATH_MAX_NODES], w[PATH_MAX_NODES][PATH_MAX_NODES];
    int prev[PATH_MAX_NODES], done[PATH_MAX_NODES] = {0};
    for (int i = 0; i < PATH_MAX_NODES; i++) {
        dist[i] = 1e30, prev[i] = -1;
        for (int j = 0; j < PATH_MAX_NODES; j++) w[i][j] = -1;
    }
    for (int i = 0; i < PATH_MAX_NODES; i++)
        for (int j = i + 1; j < PATH_MAX_NODES; j++) {
            if (!ok[i] || !ok[j]) continue;
            double need = (i == 0) ? start_clear : R_CLEAR;
            if (t_seg_dist(nl[i], nl[j]) >= need) w[i][j] = w[j][i] = dist2(nl[i], nl[j]);
        }
    dist[0] = 0;
    for (;;) {
        int u = -1;
        for (int i = 0; i < PATH_MAX_NODES; i++)
            if (!done[i] && dist[i] < 1e29 && (u < 0 || dist[i] < dist[u])) u = i;
        if (u < 0 || u == 1) break;
        done[u] = 1;
        for (int v = 0; v < PATH_MAX_NODES; v++)
            if (w[u][v] >= 0 && dist[u] + w[u][v] < dist[v]) dist[v] = dist[u] + w[u][v], prev[v] = u;
    }
    if (dist[1] >= 1e29) return 0;
    int rev[PATH_MAX_NODES], m = 0;
    for (int v = 1; v != 0; v = prev[v]) rev[m++] = v;
    path->n = m;
    for (int i = 0; i < m; i++) memcpy(path->p[i], nw[rev[m - 1 - i]], sizeof path->p[i]);
    path->length = dist[1];
    return 1;
}

/* the point `lead` px along the path from `from` (pure pursuit) */
static void path_lookahead(const Path *path, const double from[2], double lead, double out[2]) {
    const double *a = from;
    for (int i = 0; i < path->n; i++) {
        double l = dist2(a, path->p[i]);
        if (l >= lead) {
            out[0] = a[0] + (path->p[i][0] - a[0]) * lead / l;
            out[1] = a[1] + (path->p[i][1] - a[1]) * lead / l;
            return;
        }
        lead -= l;
        a = path->p[i];
    }
    memcpy(out, path->p[path->n - 1], 2 * sizeof(double));
}

/* ---------------------------------------------------------------- simulated outcomes */

static void action_round(const Expert *ex, const double in[2], double out[2]) {
    for (int i = 0; i < 2; i++) {
        double v = clampd(in[i], ACTION_LO, ACTION_HI);
        out[i] = ex->cfg.integer_actions ? nearbyint(v) : v;
    }
}

static void plan_pose(Expert *ex, double pose[3]) {
    double s[PUSHT_STATE_DIM];
    pusht_observe_state(ex->plan, s);
    pose[0] = s[2], pose[1] = s[3], pose[2] = s[4];
}

/* pose error after holding the final target `f` for SETTLE_HOLD steps from state `st` */
static double sim_stop(Expert *ex, const double st[PUSHT_STATE_DIM], const double f[2]) {
    double a[2], pose[3];
    action_round(ex, f, a);
    pusht_restore(ex->plan, st);
    for (int k = 0; k < SETTLE_HOLD; k++) pusht_step(ex->plan, a);
    plan_pose(ex, pose);
    return err_cost(goal_error(pose));
}

/* pose error after ramping the target from the agent along d (leading it by 2v like a steady
 * push) for up to MAX_PUSH_EVAL steps: the best cost err_cost(E) + step_cost * steps and its step */
static double sim_ramp(Expert *ex, const double st[PUSHT_STATE_DIM], const double d[2], int *k_best) {
    const double v = ex->v_push;
    double pose[3], best = 1e30, a[2];
    pusht_restore(ex->plan, st);
    *k_best = -1;
    for (int k = 0; k < MAX_PUSH_EVAL; k++) {
        double t[2] = {st[0] + d[0] * v * (k + 2), st[1] + d[1] * v * (k + 2)};
        if (t[0] < ACTION_LO || t[0] > ACTION_HI || t[1] < ACTION_LO || t[1] > ACTION_HI) break;
        action_round(ex, t, a);
        pusht_step(ex->plan, a);
        plan_pose(ex, pose);
        double j = err_cost(goal_error(pose)) + ex->w * (k + 1);
        if (j < best) best = j, *k_best = k;
        if (k >= 4 && k - *k_best >= 3) break;
    }
    return best;
}

/* ---------------------------------------------------------------- the modes */

/* score every candidate push from the observed state and sample one (softmin); 0 if none helps */
static int expert_choose(Expert *ex, const double st[PUSHT_STATE_DIM]) {
    const double pose[3] = {st[2], st[3], st[4]}, agent[2] = {st[0], st[1]};
    const double e0 = err_cost(goal_error(pose));
    double cost[MAX_CAND], qs[MAX_CAND][2], best = 1e30;
    for (int i = 0; i < ex->n_cand; i++) {
        const Candidate *c = &ex->cand[i];
        double cw[2], nw[2], q[2], d[2];
        cost[i] = 1e30;
        to_world(pose, c->c, cw);
        rot_world(pose, c->n, nw);
        q[0] = cw[0] + nw[0] * (AGENT_R + GAP), q[1] = cw[1] + nw[1] * (AGENT_R + GAP);
        d[0] = -nw[0], d[1] = -nw[1];
        memcpy(qs[i], q, sizeof q);
        if (!in_table(q)) continue;
        Path path;
        if (!path_plan(pose, agent, q, &path)) continue;
        int k_best;
        const double sq[PUSHT_STATE_DIM] = {q[0], q[1], st[2], st[3], st[4]};
        double j = sim_ramp(ex, sq, d, &k_best);
        if (k_best < 0 || j > e0 - 1e-3) continue;
        cost[i] = j + ex->w * (path.length / (0.5 * ex->lead) + 2);
        if (cost[i] < best) best = cost[i];
    }
    if (best >= 1e29) return 0;
    int pick = -1, first = ex->n_choices++ == 0;
    double temp = first ? ex->cfg.first_temperature : ex->cfg.temperature;
    if (first && temp > 0) {
        /* the first push decides the route: a coin, weighted by softmin, between the best push and
         * the best one whose pre-contact point lies more than MODE_SEP px from it (another way
         * round the block). Near-identical variants of one push are never mixed, so each mode is
         * a deterministic function of the state (learnable) and the modes are far apart. */
        int a = -1, b = -1;
        for (int i = 0; i < ex->n_cand; i++)
            if (a < 0 && cost[i] == best) a = i;
        for (int i = 0; i < ex->n_cand; i++)
            if (cost[i] < 1e29 && dist2(qs[i], qs[a]) > MODE_SEP && (b < 0 || cost[i] < cost[b])) b = i;
        pick = a;
        if (b >= 0 && rng_uniform(&ex->rng) < 1.0 / (1.0 + exp((cost[b] - cost[a]) / temp))) pick = b;
    } else if (temp > 0) {
        /* softmin sampling over every push */
        double z = 0, w[MAX_CAND];
        for (int i = 0; i < ex->n_cand; i++) z += w[i] = cost[i] < 1e29 ? exp(-(cost[i] - best) / temp) : 0;
        double u = rng_uniform(&ex->rng) * z;
        for (int i = 0; i < ex->n_cand && pick < 0; i++)
            if (w[i] > 0 && (u -= w[i]) <= 0) pick = i;
    }
    if (pick < 0)
        for (int i = 0; i < ex->n_cand && pick < 0; i++)
            if (cost[i] == best) pick = i;
    double nw[2];
    rot_world(pose, ex->cand[pick].n, nw);
    memcpy(ex->q, qs[pick], sizeof ex->q);
    ex->d[0] = -nw[0], ex->d[1] = -nw[1];
    return 1;
}

/* while pushing: steer the push direction (a few angles around the current one, each judged by a
 * simulated ramp) or stop at the best of a few final targets along the current direction */
static int expert_push_step(Expert *ex, const double st[PUSHT_STATE_DIM], double target[2]) {
    const double agent[2] = {st[0], st[1]}, v = ex->v_push;
    if (ex->stroke_left > 0) { /* inside a committed stroke: the planned ramp, open loop */
        ex->stroke_left--, ex->stroke_i++;
        target[0] = ex->stroke_o[0] + ex->d[0] * v * (ex->stroke_i + 2);
        target[1] = ex->stroke_o[1] + ex->d[1] * v * (ex->stroke_i + 2);
        return 1;
    }
    int k_go = 0; /* the chosen ramp's best length (steps - 1) */
    double best_stop = 1e30, best_u = 0;
    for (int i = 0; i < N_STOP; i++) {
        double u = 0.5 * v * i, f[2] = {agent[0] + ex->d[0] * u, agent[1] + ex->d[1] * u};
        double j = sim_stop(ex, st, f) + ex->w * u / v;
        if (j < best_stop) best_stop = j, best_u = u;
    }
    double best_go = 1e30, best_d[2] = {ex->d[0], ex->d[1]};
    /* the five angles in order; the best one refined by a parabola through its neighbours, and only
     * half of it taken: the direction turns smoothly with the state instead of jumping between
     * five discrete choices (a policy cannot predict which of two near-equal ones wins) */
    static const double ang[N_STEER] = {-0.5236, -0.2618, 0, 0.2618, 0.5236}; /* -30..30 deg */
    double js[N_STEER];
    int b = -1, ks[N_STEER];
    for (int i = 0; i < N_STEER; i++) {
        double d[2];
        rotate(ex->d, ang[i], d);
        js[i] = sim_ramp(ex, st, d, &ks[i]);
        if (ks[i] < 0) js[i] = 1e30;
    }
    for (int o = 0; o < N_STEER; o++) { /* 0, then +-15, +-30: ties go to the straighter push */
        int i = 2 + (o + 1) / 2 * (o % 2 ? -1 : 1);
        if (js[i] < 1e29 && (b < 0 || js[i] < js[b] - 1e-9)) b = i;
    }
    if (b >= 0) {
        best_go = js[b];
        k_go = ks[b];
        double th = ang[b];
        if (b > 0 && b < N_STEER - 1 && js[b - 1] < 1e29 && js[b + 1] < 1e29) {
            double den = js[b - 1] - 2 * js[b] + js[b + 1];
            if (den > 1e-12) th += (ang[1] - ang[0]) * fmax(-0.5, fmin(0.5, 0.5 * (js[b - 1] - js[b + 1]) / den));
        }
        rotate(ex->d, 0.5 * th, best_d);
    }
    if (best_stop <= best_go) {
        target[0] = agent[0] + ex->d[0] * best_u, target[1] = agent[1] + ex->d[1] * best_u;
        return 0; /* stop */
    }
    memcpy(ex->d, best_d, sizeof ex->d);
    target[0] = agent[0] + ex->d[0] * 2 * v, target[1] = agent[1] + ex->d[1] * 2 * v;
    /* commit to the ramp for up to stroke_steps steps, as far as the simulation says it pays:
     * the targets of a stroke are a function of the state it started from, as the chunk a policy
     * executes open loop is; re-steering at every step made the demos' later actions depend on
     * details a policy cannot predict (benchmarks/RESULTS.md, "Imitating the expert") */
    ex->stroke_o[0] = agent[0], ex->stroke_o[1] = agent[1], ex->stroke_i = 0;
    ex->stroke_left = k_go < ex->cfg.stroke_steps - 1 ? k_go : ex->cfg.stroke_steps - 1;
    return 1;
}

static void expert_emit(Expert *ex, const double want[2], double action[2]) {
    double t[2] = {want[0], want[1]};
    if (ex->have_last) {
        double dx = t[0] - ex->last[0], dy = t[1] - ex->last[1], l = hypot(dx, dy);
        if (l > ex->cfg.max_jump) t[0] = ex->last[0] + dx * ex->cfg.max_jump / l, t[1] = ex->last[1] + dy * ex->cfg.max_jump / l;
    }
    action_round(ex, t, action);
    memcpy(ex->last, action, sizeof ex->last);
    ex->have_last = 1;
}

static void set_mode(Expert *ex, int mode) {
    ex->mode = mode, ex->mode_steps = 0;
    ex->stroke_left = 0;
}

/* the next absolute target (x,y) in pixels for the observed 5-d state (pusht_observe_state) */
static void expert_act(Expert *ex, const double st[PUSHT_STATE_DIM], double action[PUSHT_ACTION_DIM]) {
    const double agent[2] = {st[0], st[1]}, pose[3] = {st[2], st[3], st[4]};
    double want[2] = {agent[0], agent[1]}, al[2];
    if (!ex->have_last) memcpy(ex->prev_agent, agent, sizeof ex->prev_agent);
    for (int hop = 0; hop < 6; hop++) {
        if (ex->mode == MODE_CHOOSE) {
            int ok = 0;
            for (int tries = 0; tries < 3 && !ok; tries++) { /* step cost, then a quarter, then 0 */
                ex->w = ex->cfg.step_cost * (tries == 0 ? 1 : tries == 1 ? 0.25 : 0);
                ok = expert_choose(ex, st);
            }
            if (!ok) { /* nothing helps from here: drift toward the centre */
                want[0] = agent[0] + 0.1 * (PUSHT_GOAL_POSE[0] - agent[0]);
                want[1] = agent[1] + 0.1 * (PUSHT_GOAL_POSE[1] - agent[1]);
                break;
            }
            set_mode(ex, MODE_APPROACH);
        }
        if (ex->mode == MODE_APPROACH) {
            Path path;
            if (dist2(agent, ex->q) < 4.0 || (ex->mode_steps > 0 && dist2(agent, ex->q) < 7.0 &&
                                              dist2(agent, ex->prev_agent) < 2.0)) {
                memcpy(ex->target, ex->q, sizeof ex->target);
                set_mode(ex, MODE_PUSH);
                continue;
            }
            if (ex->mode_steps > 60 || !path_plan(pose, agent, ex->q, &path)) { set_mode(ex, MODE_CHOOSE); continue; }
            path_lookahead(&path, agent, ex->lead, want);
            break;
        }
        if (ex->mode == MODE_PUSH) {
            if (ex->mode_steps > 40 || !expert_push_step(ex, st, want)) {
                if (ex->mode_steps > 40) memcpy(want, agent, sizeof want);
                memcpy(ex->target, want, sizeof ex->target);
                set_mode(ex, MODE_SETTLE);
            } else {
                memcpy(ex->target, want, sizeof ex->target);
            }
            break;
        }
        if (ex->mode == MODE_SETTLE) {
            if (ex->mode_steps >= 5 || goal_error(pose) > SETTLE_BELOW ||
                (dist2(agent, ex->target) < 2.0 && dist2(agent, ex->prev_agent) < 1.0)) {
                set_mode(ex, MODE_RETREAT);
                continue;
            }
            memcpy(want, ex->target, sizeof want);
            break;
        }
        if (ex->mode == MODE_RETREAT) {
            to_local(pose, agent, al);
            if (t_dist(al) >= R_CLEAR + 1.0 || ex->mode_steps >= 6) { set_mode(ex, MODE_CHOOSE); continue; }
            double away[2], aw[2];
            t_away(al, away);
            rot_world(pose, away, aw);
            want[0] = agent[0] + aw[0] * 14, want[1] = agent[1] + aw[1] * 14;
            break;
        }
    }
    expert_emit(ex, want, action);
    ex->mode_steps++;
    memcpy(ex->prev_agent, agent, sizeof ex->prev_agent);
}

/* ---------------------------------------------------------------- lifecycle */

void expert_config_default(ExpertConfig *cfg) {
    cfg->push_speed = 8;
    cfg->approach_lead = 34;
    cfg->max_jump = 30;
    cfg->temperature = 0;
    cfg->first_temperature = 0.3;
    cfg->step_cost = 0.01;
    cfg->style_jitter = 0;
    cfg->exec_noise = 0;
    cfg->stroke_steps = 8;
    cfg->integer_actions = 1;
}

static void expert_reset(Expert *ex, uint64_t seed);

Expert *expert_create(const ExpertConfig *cfg) {
    Expert *ex = calloc(1, sizeof *ex);
    SIM_ASSERT(ex != NULL, "out of memory allocating the expert");
    if (cfg) ex->cfg = *cfg;
    else expert_config_default(&ex->cfg);
    ex->plan = pusht_create();
    cand_build(ex);
    expert_reset(ex, 0);
    return ex;
}

void expert_destroy(Expert *ex) {
    if (!ex) return;
    pusht_destroy(ex->plan);
    free(ex);
}

/* start a new episode: every random choice of the episode comes from a generator seeded by `seed` */
static void expert_reset(Expert *ex, uint64_t seed) {
    ex->rng = seed ^ 0x5eedc0ffee123457ULL;
    rng_next(&ex->rng);
    double j = ex->cfg.style_jitter;
    ex->v_push = ex->cfg.push_speed * (1 + j * (2 * rng_uniform(&ex->rng) - 1));
    ex->lead = ex->cfg.approach_lead * (1 + j * (2 * rng_uniform(&ex->rng) - 1));
    ex->have_last = 0;
    ex->n_choices = 0;
    set_mode(ex, MODE_CHOOSE);
    ex->noise_rng = seed ^ 0xd1b54a32d192ed03ULL;
    rng_next(&ex->noise_rng);
    /* start from the stationary distribution of the AR(1) process */
    for (int i = 0; i < 2; i++) ex->noise[i] = ex->cfg.exec_noise > 0 ? ex->cfg.exec_noise * rng_normal(&ex->noise_rng) : 0;
}

/* the action the env executes for the command a: a + the AR(1) disturbance (std exec_noise) */
static void expert_disturb(Expert *ex, const double a[2], double out[2]) {
    const double sd = ex->cfg.exec_noise, rho = EXPERT_NOISE_RHO;
    if (sd <= 0) {
        memcpy(out, a, 2 * sizeof(double));
        return;
    }
    for (int i = 0; i < 2; i++) {
        ex->noise[i] = rho * ex->noise[i] + sqrt(1 - rho * rho) * sd * rng_normal(&ex->noise_rng);
        out[i] = clampd(a[i] + ex->noise[i], ACTION_LO, ACTION_HI);
    }
}

ExpertOutcome expert_run_episode(Expert *ex, PushtEnv *env, uint64_t reset_seed, PushtResetKind kind,
                                 uint64_t expert_seed, int max_steps, float *state, float *action,
                                 float *keypoint) {
    ExpertOutcome out = {0, 0, 0, 0};
    double st[PUSHT_STATE_DIM], a[PUSHT_ACTION_DIM], exec[PUSHT_ACTION_DIM], kp[PUSHT_KEYPOINT_DIM];
    pusht_reset(env, reset_seed, kind);
    expert_reset(ex, expert_seed);
    double cov = pusht_coverage(env);
    out.max_coverage = cov;
    for (int t = 0; t < max_steps; t++) {
        pusht_observe_state(env, st);
        expert_act(ex, st, a);
        for (int i = 0; i < PUSHT_STATE_DIM; i++) state[t * PUSHT_STATE_DIM + i] = (float)st[i];
        for (int i = 0; i < PUSHT_ACTION_DIM; i++) action[t * PUSHT_ACTION_DIM + i] = (float)a[i];
        if (keypoint) {
            pusht_state_to_keypoints(st, kp);
            for (int i = 0; i < 18; i++) keypoint[t * 18 + i] = (float)kp[i];
        }
        expert_disturb(ex, a, exec);
        pusht_step(env, exec);
        cov = pusht_coverage(env);
        if (cov > out.max_coverage) out.max_coverage = cov;
        out.n_steps = t + 1;
        if (cov > PUSHT_SUCCESS_COVERAGE) break;
    }
    out.final_coverage = cov;
    out.success = cov > PUSHT_SUCCESS_COVERAGE;
    return out;
}

static double expert_directed_distance(const float *sa, int na, const float *sb, int nb) {
    double d = 0;
    for (int i = 0; i < na; i++) {
        double m = 1e30;
        for (int j = 0; j < nb; j++) m = fmin(m, hypot(sa[5 * i] - sb[5 * j], sa[5 * i + 1] - sb[5 * j + 1]));
        d = fmax(d, m);
    }
    return d;
}

double expert_route_distance(const float *states_a, int na, const float *states_b, int nb) {
    return fmax(expert_directed_distance(states_a, na, states_b, nb),
                expert_directed_distance(states_b, nb, states_a, na));
}
