/* pusht_world.c: builds the Push-T scene in Chipmunk exactly as the reference PushTEnv._setup does
 * with pymunk 6.2.1 (= Chipmunk 7.0.3): plain cpSpaceNew, gravity 0, damping 0, other parameters
 * at their defaults; 4 static wall segments; a kinematic circle agent; a dynamic T of two boxes.
 * https://github.com/real-stanford/diffusion_policy/blob/main/diffusion_policy/env/pusht/pusht_env.py
 * Debian's Chipmunk is a debug build that prints a two-line banner on stdout at its first
 * cpSpaceNew; that one call runs with stdout pointed at /dev/null so JSON output stays clean. */
#include "pusht_world.h"
#include "flowchunk/pusht.h"
#include "tee.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int banner_silenced = 0; /* not thread-safe: the first env must be built on one thread */

static cpSpace *space_new_quiet(void) {
    if (banner_silenced) return cpSpaceNew();
    fflush(stdout);
    int saved = dup(STDOUT_FILENO), devnull = open("/dev/null", O_WRONLY);
    if (saved >= 0 && devnull >= 0) dup2(devnull, STDOUT_FILENO);
    cpSpace *space = cpSpaceNew();
    fflush(stdout);
    if (saved >= 0) {
        dup2(saved, STDOUT_FILENO);
        close(saved);
    }
    if (devnull >= 0) close(devnull);
    banner_silenced = 1;
    return space;
}

void pusht_world_init(PushtWorld *w) {
    static const double WALLS[4][4] = {{5, 506, 5, 5}, {5, 5, 506, 5}, {506, 5, 506, 506}, {5, 506, 506, 506}};
    cpSpace *space = w->space = space_new_quiet();
    cpSpaceSetGravity(space, cpv(0, 0));
    cpSpaceSetDamping(space, 0.0); /* velocity wiped every substep: quasi-static pushing, keep it */

    /* walls: created, then added, in the reference's order (shape ids follow the add order) */
    cpBody *ground = cpSpaceGetStaticBody(space);
    for (int i = 0; i < 4; i++)
        w->shapes[i] = cpSegmentShapeNew(ground, cpv(WALLS[i][0], WALLS[i][1]), cpv(WALLS[i][2], WALLS[i][3]), 2.0);
    for (int i = 0; i < 4; i++) cpSpaceAddShape(space, w->shapes[i]);

    /* agent: kinematic body, a circle (kinematic never collides with static: passes walls) */
    w->agent = cpBodyNewKinematic();
    cpBodySetPosition(w->agent, cpv(256, 400));
    w->shapes[4] = cpCircleShapeNew(w->agent, PUSHT_AGENT_RADIUS, cpvzero);
    cpSpaceAddBody(space, w->agent);
    cpSpaceAddShape(space, w->shapes[4]);

    /* block: body, crossbar, stem; cog set before the placement (add_tee) */
    cpBody *block = w->block = cpBodyNew(TEE_MASS, TEE_MOMENT);
    for (int b = 0; b < 2; b++) {
        cpVect v[4];
        for (int k = 0; k < 4; k++) v[k] = cpv(TEE_BOXES[b][k][0], TEE_BOXES[b][k][1]);
        w->shapes[5 + b] = cpPolyShapeNew(block, 4, v, cpTransformIdentity, 0.0);
        cpShapeSetFriction(w->shapes[5 + b], 0.0);
        cpShapeSetElasticity(w->shapes[5 + b], 0.0);
    }
    cpBodySetCenterOfGravity(block, cpv(TEE_COG_X, TEE_COG_Y));
    cpBodySetPosition(block, cpv(256, 300));
    cpBodySetAngle(block, 0.0);
    cpSpaceAddBody(space, block);
    cpSpaceAddShape(space, w->shapes[5]);
    cpSpaceAddShape(space, w->shapes[6]);
}

void pusht_world_free(PushtWorld *w) {
    if (!w->space) return;
    for (int i = 0; i < 7; i++) {
        cpSpaceRemoveShape(w->space, w->shapes[i]);
        cpShapeFree(w->shapes[i]);
    }
    cpSpaceRemoveBody(w->space, w->agent);
    cpSpaceRemoveBody(w->space, w->block);
    cpBodyFree(w->agent);
    cpBodyFree(w->block);
    cpSpaceFree(w->space);
    w->space = NULL;
}

void pusht_world_place(PushtWorld *w, const double state[5]) {
    cpBodySetPosition(w->agent, cpv(state[0], state[1]));
    /* legacy order: the angle set after the position rotates the block about its cog */
    cpBodySetPosition(w->block, cpv(state[2], state[3]));
    cpBodySetAngle(w->block, state[4]);
    cpSpaceStep(w->space, PUSHT_SIM_DT);
}

void pusht_world_restore(PushtWorld *w, const double state[5]) {
    cpBodySetPosition(w->agent, cpv(state[0], state[1]));
    cpBodySetAngle(w->block, state[4]);
    cpBodySetPosition(w->block, cpv(state[2], state[3]));
    /* the reference's _set_state steps once after any placement. Bodies are at rest, so the step
     * moves nothing (the observation stays what the restore made it), but it resolves contacts present
     * at the start, leaving the block the velocity and warm-start impulses a seeded reset leaves.
     * Without it, the 24 real episodes whose agent starts touching the block diverge at t = 0. */
    cpSpaceStep(w->space, PUSHT_SIM_DT);
}
