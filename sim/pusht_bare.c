/* pusht_bare.c: the benchmark's reference point: the same Push-T scene driven by bare Chipmunk
 * calls (PD velocity + cpSpaceStep per substep), with no env wrapper, observation or reward. It
 * lives in the sim library so benchmarks never include Chipmunk themselves. */
#include "flowchunk/pusht.h"
#include "pusht_world.h"


void pusht_bare_run(const double reset_state[PUSHT_STATE_DIM], const double *actions, int64_t n_steps,
                    double final_state[PUSHT_STATE_DIM]) {
    PushtWorld w;
    pusht_world_build(&w);
    pusht_world_place(&w, reset_state);
    for (int64_t t = 0; t < n_steps; t++)
        for (int i = 0; i < PUSHT_SUBSTEPS; i++) pusht_world_substep(&w, actions + 2 * t);
    cpVect a = cpBodyGetPosition(w.agent), b = cpBodyGetPosition(w.block);
    final_state[0] = a.x;
    final_state[1] = a.y;
    final_state[2] = b.x;
    final_state[3] = b.y;
    final_state[4] = pusht_wrap_angle(cpBodyGetAngle(w.block));
    pusht_world_free(&w);
}
