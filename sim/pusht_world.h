/* pusht_world.h (private to sim/): the Chipmunk scene of Push-T, shared by the env (pusht_env.c)
 * and the bare-Chipmunk benchmark runner (pusht_bare.c). */
#ifndef FLOWCHUNK_SIM_PUSHT_WORLD_H
#define FLOWCHUNK_SIM_PUSHT_WORLD_H

#include <chipmunk/chipmunk.h>
#include <math.h>

#define PUSHT_SIM_DT 0.01 /* one physics substep, s (sim_hz = 100) */
#define PUSHT_SUBSTEPS 10 /* substeps per env step (control_hz = 10) */
#define PUSHT_KP 100.0
#define PUSHT_KV 20.0

typedef struct {
    cpSpace *space;
    cpBody *agent, *block;
    cpShape *shapes[7]; /* 4 walls, agent circle, crossbar, stem */
} PushtWorld;

/* a fresh space with the reference's scene: agent at (256,400), block at (256,300) angle 0 */
void pusht_world_init(PushtWorld *w);
void pusht_world_free(PushtWorld *w);
/* legacy placement: agent position; block position then angle; one 0.01 s step */
void pusht_world_place(PushtWorld *w, const double state[5]);
/* restore an observed state: agent position; block angle then position; one settling step that
 * moves nothing (see pusht_world.c) */
void pusht_world_restore(PushtWorld *w, const double state[5]);
/* Python's float `angle % (2*pi)` (the reference's observation): the result in [0, 2pi] takes the
 * divisor's sign */
static inline double pusht_wrap_angle(double x) {
    const double m = 2 * M_PI;
    double r = fmod(x, m);
    if (r != 0.0) {
        if (r < 0) r += m;
    } else {
        r = 0.0;
    }
    return r;
}

/* one PD substep toward target (double precision, the reference's order), then cpSpaceStep */
static inline void pusht_world_substep(PushtWorld *w, const double target[2]) {
    cpVect p = cpBodyGetPosition(w->agent), v = cpBodyGetVelocity(w->agent);
    double ax = PUSHT_KP * (target[0] - p.x) + PUSHT_KV * (0.0 - v.x);
    double ay = PUSHT_KP * (target[1] - p.y) + PUSHT_KV * (0.0 - v.y);
    cpBodySetVelocity(w->agent, cpv(v.x + ax * PUSHT_SIM_DT, v.y + ay * PUSHT_SIM_DT));
    cpSpaceStep(w->space, PUSHT_SIM_DT);
}

#endif
