/* expert.c: the scripted Push-T expert (see expert.h for the method): a state-feedback pushing
 * controller. Geometry lives in the block's local frame: origin at the middle of the crossbar's
 * outer edge, stem along +y, the crossbar [-60,60]x[0,30] and the stem [-15,15]x[30,120]
 * (../shared/PUSHT.md). Pushing here is quasi-static and frictionless (damping 0 wipes the
 * block's velocity every substep; friction 0), so a push moves the block along its contact
 * normal and turns it by the lever arm about the cog, whatever the agent's speed: the controller
 * picks, every step and from the observed state alone, the contact whose twist best reduces the
 * pose error and the depth that reduces it most. Reference for the mechanics: M. T. Mason,
 * "Mechanics of Robotic Manipulation" (2001), ch. 10; Lynch & Mason, "Stable pushing" (1996). */
#include "flowchunk/expert.h"
#include "flowchunk/check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define AGENT_R 15.0
#define TABLE_LO 10.0  /* pre-contact points and path nodes stay inside [LO,HI]^2 */
#define TABLE_HI 502.0
#define ACTION_LO 0.0  /* targets are clamped to the window like the human mouse */
#define ACTION_HI 511.0
#define GAP 8.0        /* px between the agent and the block at the pre-contact point */
#define R_NODE (AGENT_R + 7.0)   /* path corners sit this far (per axis) outside the T */
#define R_CLEAR (AGENT_R + 3.5)  /* path segments keep at least this distance to the T */
#define MODE_SEP 60.0    /* px between the contact points of two different first pushes (routes) */

struct Expert {
    ExpertConfig cfg;
    uint64_t rng;
    uint64_t noise_rng; /* the execution disturbance's own stream: noise never changes the choices' draws */
    double noise[2];    /* its current value, px */
    double v_push, lead; /* per-episode style */
    int have_last, n_choices;
    int commit;         /* the route's first contact feature until the agent reaches it, else -1 */
    double last[2];     /* previous action */
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
static void rot_world(const double pose[3], const double l[2], double w[2]) {
    double c = cos(pose[2]), s = sin(pose[2]);
    w[0] = c * l[0] - s * l[1];
    w[1] = s * l[0] + c * l[1];
}
static void to_local(const double pose[3], const double w[2], double l[2]) {
    double c = cos(pose[2]), s = sin(pose[2]), dx = w[0] - pose[0], dy = w[1] - pose[1];
    l[0] = c * dx + s * dy;
    l[1] = -s * dx + c * dy;
}

/* ---------------------------------------------------------------- the T's geometry (local) */

static const double T_BOX[2][4] = {{-60, 0, 60, 30}, {-15, 30, 15, 120}}; /* x0 y0 x1 y1 */
/* the boundary polygon, counter-clockwise on screen (y down) */
static const double T_POLY[8][2] = {{-60, 0}, {60, 0}, {60, 30}, {15, 30}, {15, 120}, {-15, 120}, {-15, 30}, {-60, 30}};

double expert_pose_error(const double pose[3], const double goal[3]) {
    /* area centroid (0, yc) and polar moment k^2 of the two boxes about it */
    const double a1 = 120.0 * 30, a2 = 30.0 * 90, yc = (a1 * 15 + a2 * 75) / (a1 + a2);
    const double k2 = (a1 * ((120.0 * 120 + 30 * 30) / 12 + (yc - 15) * (yc - 15)) +
                       a2 * ((30.0 * 30 + 90 * 90) / 12 + (75 - yc) * (75 - yc))) / (a1 + a2);
    const double cl[2] = {0, yc};
    double cp[2], cg[2];
    to_world(pose, cl, cp);
    to_world(goal, cl, cg);
    double dx = cp[0] - cg[0], dy = cp[1] - cg[1], da = remainder(pose[2] - goal[2], 2 * M_PI);
    return sqrt(dx * dx + dy * dy + da * da * k2);
}


static double point_box_dist(const double p[2], const double b[4]) {
    double dx = fmax(fmax(b[0] - p[0], 0), p[0] - b[2]);
    double dy = fmax(fmax(b[1] - p[1], 0), p[1] - b[3]);
    return hypot(dx, dy);
}
/* distance from a local point to the T (0 inside) */
static double t_dist(const double p[2]) { return fmin(point_box_dist(p, T_BOX[0]), point_box_dist(p, T_BOX[1])); }

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
    double nl[PATH_MAX_NODES][2] = {{0}, {0}, {-60 - r, -r}, {60 + r, -r}, {60 + r, 30 + r},
                                    {15 + r, 120 + r}, {-15 - r, 120 + r}, {-60 - r, 30 + r}};
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


static void action_round(const Expert *ex, const double in[2], double out[2]) {
    for (int i = 0; i < 2; i++) {
        double v = clampd(in[i], ACTION_LO, ACTION_HI);
        out[i] = ex->cfg.integer_actions ? nearbyint(v) : v;
    }
}

/* the target, at most max_jump from the previous one (a hand moves a mouse smoothly), rounded */
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

/* ---------------------------------------------------------------- contacts and their pushes */

/* The block's quasi-static response (PUSHT.md: damping 0, friction 0, mass 1, moment 3000 about
 * the cog (0,45)): a push of depth s at boundary point b along the inward normal n moves the cog
 * by s n and turns the block by s l / K2, l = (b - cog) x n the lever arm, to first order. In the
 * scaled pose space (x, y, K angle) the error E = (dp, K dtheta) then shrinks fastest along
 * tau = (n, l / K), and the best push depth is tau . E = n . dp + l dtheta (px). */
#define K2 3000.0     /* moment / mass, px^2 */
#define COG_Y 45.0    /* the cog in the body frame: (0, 45) */
#define N_EDGE 8
#define N_CORNER 6
#define CORNER_SAMPLES 5  /* push directions tried inside a corner's normal cone */
#define MIN_COS 0.15      /* a push whose twist is this poorly aligned with the error is not worth it */
#define MIN_DEPTH 0.75    /* px: pushes shorter than this do nothing useful */

/* the reachable part of each straight edge (the agent's disc cannot touch the underside within
 * 15 px of the stem, nor the stem within 15 px of the crossbar), 3 px short of convex corners so an
 * edge push stays an edge push; outward normal */
static const double EDGES[N_EDGE][6] = {
    {-57, 0, 57, 0, 0, -1},     /* crossbar top */
    {60, 3, 60, 27, 1, 0},      /* crossbar right end */
    {-60, 3, -60, 27, -1, 0},   /* crossbar left end */
    {30, 30, 57, 30, 0, 1},     /* crossbar underside, right */
    {-57, 30, -30, 30, 0, 1},   /* crossbar underside, left */
    {15, 45, 15, 117, 1, 0},    /* stem right side */
    {-15, 45, -15, 117, -1, 0}, /* stem left side */
    {-12, 120, 12, 120, 0, 1},  /* stem bottom */
};
/* convex corners and the two edge normals bounding their normal cone */
static const double CORNERS[N_CORNER][6] = {
    {-60, 0, 0, -1, -1, 0}, {60, 0, 0, -1, 1, 0}, {60, 30, 1, 0, 0, 1},
    {-60, 30, -1, 0, 0, 1}, {15, 120, 1, 0, 0, 1}, {-15, 120, -1, 0, 0, 1},
};

typedef struct {
    int feature;     /* 0..N_EDGE-1 an edge, then the corners; -1 none */
    double b[2];     /* contact point, world */
    double o[2];     /* outward normal, world (the push goes along -o) */
    double depth;    /* the best push depth tau . E, px */
    double cosine;   /* alignment of the push's twist with the error */
    double travel;   /* path length from the agent to the pre-contact point, 0 when already there */
    double cost;     /* estimated steps to the goal through this push */
    int at;          /* the agent is behind the contact, ready to push */
} Push;

typedef struct {
    double cog[2], dp[2], dth, e; /* the cog, the cog's error, the angle error, |E| */
} PoseErr;

static void pose_err(const double pose[3], PoseErr *pe) {
    const double cl[2] = {0, COG_Y};
    double cg[2];
    to_world(pose, cl, pe->cog);
    to_world(PUSHT_GOAL_POSE, cl, cg);
    pe->dp[0] = cg[0] - pe->cog[0], pe->dp[1] = cg[1] - pe->cog[1];
    pe->dth = remainder(PUSHT_GOAL_POSE[2] - pose[2], 2 * M_PI);
    pe->e = sqrt(pe->dp[0] * pe->dp[0] + pe->dp[1] * pe->dp[1] + K2 * pe->dth * pe->dth);
}

/* lever arm (b - cog) x n of a push along n at world point b */
static double lever(const PoseErr *pe, const double b[2], const double n[2]) {
    return (b[0] - pe->cog[0]) * n[1] - (b[1] - pe->cog[1]) * n[0];
}

/* depth and alignment of the push at world point b with outward normal o */
static void push_gain(const PoseErr *pe, const double b[2], const double o[2], double *depth, double *cosine) {
    const double n[2] = {-o[0], -o[1]};
    double l = lever(pe, b, n);
    *depth = n[0] * pe->dp[0] + n[1] * pe->dp[1] + l * pe->dth;
    *cosine = *depth / (sqrt(1 + l * l / K2) * fmax(pe->e, 1e-9));
}

/* where on edge i the push is best aligned: the cosine of a push at lever l is
 * (g + l dth) / sqrt(1 + l^2/K2), g = n . dp, largest at l = K2 dth / g when g > 0, else at an end */
static void edge_best(const PoseErr *pe, const double pose[3], int i, double b[2], double o[2]) {
    const double *E = EDGES[i];
    double a0[2], a1[2], ol[2] = {E[4], E[5]}, n[2];
    to_world(pose, E, a0);
    to_world(pose, E + 2, a1);
    rot_world(pose, ol, o);
    n[0] = -o[0], n[1] = -o[1];
    double l0 = lever(pe, a0, n), l1 = lever(pe, a1, n), g = n[0] * pe->dp[0] + n[1] * pe->dp[1];
    double ts[3] = {0, 1, -1}, best = -1e30;
    if (g > 1e-9 && fabs(l1 - l0) > 1e-9) ts[2] = clampd((K2 * pe->dth / g - l0) / (l1 - l0), 0, 1);
    for (int k = 0; k < 3; k++) {
        if (ts[k] < 0) continue;
        double p[2] = {a0[0] + ts[k] * (a1[0] - a0[0]), a0[1] + ts[k] * (a1[1] - a0[1])}, d, c;
        push_gain(pe, p, o, &d, &c);
        if (c > best) best = c, b[0] = p[0], b[1] = p[1];
    }
}

/* the agent's position relative to the contact: behind it (within reach along the normal, close
 * across it) means the push can start right away */
static int agent_at(const double agent[2], const double b[2], const double o[2]) {
    double w[2] = {agent[0] - b[0] - o[0] * AGENT_R, agent[1] - b[1] - o[1] * AGENT_R};
    double along = w[0] * o[0] + w[1] * o[1], across = fabs(w[0] * o[1] - w[1] * o[0]);
    return along > -4 && along < GAP + 6 && across < 6;
}

/* fill p for the contact (b, o) of feature f; 0 if it cannot help or cannot be reached */
static int push_eval(Expert *ex, const PoseErr *pe, const double pose[3], const double agent[2], int f,
                     const double b[2], const double o[2], Push *p) {
    p->feature = f;
    memcpy(p->b, b, sizeof p->b);
    memcpy(p->o, o, sizeof p->o);
    push_gain(pe, b, o, &p->depth, &p->cosine);
    if (p->depth < MIN_DEPTH || p->cosine < MIN_COS) return 0;
    double q[2] = {b[0] + o[0] * (AGENT_R + GAP), b[1] + o[1] * (AGENT_R + GAP)};
    p->at = agent_at(agent, b, o);
    if (p->at) {
        p->travel = 0;
    } else {
        Path path;
        if (!in_table(q) || !path_plan(pose, agent, q, &path)) return 0;
        p->travel = path.length;
    }
    /* steps: the way there, then the whole error at this push's efficiency */
    p->cost = p->travel / (0.5 * ex->lead) + pe->e / (ex->v_push * p->cosine);
    return 1;
}

/* the best push of feature f (an edge's best point, or the best of a corner's directions) */
static int feature_best(Expert *ex, const PoseErr *pe, const double pose[3], const double agent[2], int f, Push *out) {
    if (f < N_EDGE) {
        double b[2], o[2];
        edge_best(pe, pose, f, b, o);
        return push_eval(ex, pe, pose, agent, f, b, o, out);
    }
    const double *C = CORNERS[f - N_EDGE];
    double b[2];
    int ok = 0;
    to_world(pose, C, b);
    for (int k = 1; k <= CORNER_SAMPLES; k++) {
        double t = (double)k / (CORNER_SAMPLES + 1), ol[2] = {(1 - t) * C[2] + t * C[4], (1 - t) * C[3] + t * C[5]}, o[2];
        double l = hypot(ol[0], ol[1]);
        ol[0] /= l, ol[1] /= l;
        rot_world(pose, ol, o);
        Push p;
        if (push_eval(ex, pe, pose, agent, f, b, o, &p) && (!ok || p.cost < out->cost)) *out = p, ok = 1;
    }
    return ok;
}

/* ---------------------------------------------------------------- the controller */

/* the next target for the observed state: push where the block's twist best serves the error,
 * weighing the way around the block against the push's efficiency; at the episode's first choice
 * a seeded coin may pick the best push starting elsewhere (the other route), kept until the agent
 * first reaches a contact */
void expert_act(Expert *ex, const double st[PUSHT_STATE_DIM], double action[PUSHT_ACTION_DIM]) {
    const double agent[2] = {st[0], st[1]}, pose[3] = {st[2], st[3], st[4]};
    double want[2] = {agent[0], agent[1]};
    PoseErr pe;
    pose_err(pose, &pe);
    Push all[N_EDGE + N_CORNER], *best = NULL;
    int ok[N_EDGE + N_CORNER];
    for (int f = 0; f < N_EDGE + N_CORNER; f++) {
        ok[f] = feature_best(ex, &pe, pose, agent, f, &all[f]);
        if (ok[f] && (!best || all[f].cost < best->cost)) best = &all[f];
    }
    if (best && ex->n_choices++ == 0 && ex->cfg.first_temperature > 0) {
        /* the route: a coin between the best push and the best one whose pre-contact point lies
         * more than MODE_SEP px away, weighted by softmin of their costs (steps) */
        Push *alt = NULL;
        for (int f = 0; f < N_EDGE + N_CORNER; f++)
            if (ok[f] && dist2(all[f].b, best->b) > MODE_SEP && (!alt || all[f].cost < alt->cost)) alt = &all[f];
        if (alt && rng_uniform(&ex->rng) < 1.0 / (1.0 + exp((alt->cost - best->cost) / ex->cfg.first_temperature)))
            ex->commit = alt->feature;
    }
    if (ex->commit >= 0) {
        if (ok[ex->commit] && !all[ex->commit].at) best = &all[ex->commit];
        else ex->commit = -1; /* reached (or useless): from here on the state alone decides */
    }
    if (best && best->at) {
        /* push: the disc's centre goes to the touching point plus the best depth (capped), so the
         * agent stops where the first-order model puts the block closest to the goal */
        double u = fmin(best->depth, 2 * ex->v_push);
        want[0] = best->b[0] + best->o[0] * AGENT_R - best->o[0] * u;
        want[1] = best->b[1] + best->o[1] * AGENT_R - best->o[1] * u;
    } else if (best) {
        Path path;
        double q[2] = {best->b[0] + best->o[0] * (AGENT_R + GAP), best->b[1] + best->o[1] * (AGENT_R + GAP)};
        if (path_plan(pose, agent, q, &path)) path_lookahead(&path, agent, ex->lead, want);
    }
    expert_emit(ex, want, action);
}

/* ---------------------------------------------------------------- lifecycle */

void expert_config_default(ExpertConfig *cfg) {
    cfg->push_speed = 8;
    cfg->approach_lead = 34;
    cfg->max_jump = 30;
    cfg->temperature = 0;
    cfg->first_temperature = 3;
    cfg->step_cost = 0.01;
    cfg->style_jitter = 0;
    cfg->exec_noise = 0;
    cfg->integer_actions = 1;
}

Expert *expert_create(const ExpertConfig *cfg) {
    Expert *ex = fc_calloc(1, sizeof *ex);
    if (cfg) ex->cfg = *cfg;
    else expert_config_default(&ex->cfg);
    expert_reset(ex, 0);
    return ex;
}

void expert_free(Expert *ex) {
    if (!ex) return;
    free(ex);
}

void expert_reset(Expert *ex, uint64_t seed) {
    ex->rng = seed ^ 0x5eedc0ffee123457ULL;
    rng_next(&ex->rng);
    double j = ex->cfg.style_jitter;
    ex->v_push = ex->cfg.push_speed * (1 + j * (2 * rng_uniform(&ex->rng) - 1));
    ex->lead = ex->cfg.approach_lead * (1 + j * (2 * rng_uniform(&ex->rng) - 1));
    ex->have_last = 0;
    ex->n_choices = 0;
    ex->commit = -1;
    ex->noise_rng = seed ^ 0xd1b54a32d192ed03ULL;
    rng_next(&ex->noise_rng);
    /* start from the stationary distribution of the AR(1) process */
    for (int i = 0; i < 2; i++) ex->noise[i] = ex->cfg.exec_noise > 0 ? ex->cfg.exec_noise * rng_normal(&ex->noise_rng) : 0;
}

/* the action the env executes for the command a: a + the AR(1) disturbance (std exec_noise) */
static void expert_disturb(Expert *ex, const double a[2], double out[2]) {
    const double sd = ex->cfg.exec_noise, rho = EXPERT_NOISE_RHO;
    for (int i = 0; i < 2; i++) {
        if (sd > 0) ex->noise[i] = rho * ex->noise[i] + sqrt(1 - rho * rho) * sd * rng_normal(&ex->noise_rng);
        out[i] = sd > 0 ? clampd(a[i] + ex->noise[i], ACTION_LO, ACTION_HI) : a[i];
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
        expert_disturb(ex, a, exec);
        for (int i = 0; i < PUSHT_ACTION_DIM; i++) action[t * PUSHT_ACTION_DIM + i] = (float)a[i];
        if (keypoint) {
            pusht_state_to_keypoints(st, kp);
            for (int i = 0; i < 18; i++) keypoint[t * 18 + i] = (float)kp[i];
        }
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
