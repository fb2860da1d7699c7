/* pusht_bare.c: the benchmark's reference point: the same Push-T scene driven by bare Chipmunk
 * calls (PD velocity + cpSpaceStep per substep), with no env wrapper, observation or reward, one
 * world at a time or n worlds interleaved step by step (the batch's memory access pattern). It
 * lives in the sim library so benchmarks never include Chipmunk themselves. */
#include "flowchunk/pusht.h"
#include "pusht_check.h"
#include "pusht_world.h"
#include "sim_assert.h"

#include <stdlib.h>


void pusht_bare_run(const double reset_state[PUSHT_STATE_DIM], const double *actions, int64_t n_steps,
                    double final_state[PUSHT_STATE_DIM]) {
    PushtWorld w;
    pusht_world_init(&w);
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

void pusht_bare_run_batch(int n, const double *reset_states, const double *actions, int64_t n_steps,
                          double *final_states) {
    PushtWorld *w = malloc(sizeof(PushtWorld) * (size_t)(n > 0 ? n : 1));
    SIM_ASSERT(w != NULL, "out of memory in pusht_bare_run_batch");
    for (int i = 0; i < n; i++) {
        pusht_world_init(&w[i]);
        pusht_world_place(&w[i], reset_states + PUSHT_STATE_DIM * i);
    }
    for (int64_t t = 0; t < n_steps; t++)
        for (int i = 0; i < n; i++)
            for (int k = 0; k < PUSHT_SUBSTEPS; k++)
                pusht_world_substep(&w[i], actions + 2 * ((int64_t)i * n_steps + t));
    for (int i = 0; i < n; i++) {
        double *f = final_states + PUSHT_STATE_DIM * i;
        cpVect a = cpBodyGetPosition(w[i].agent), b = cpBodyGetPosition(w[i].block);
        f[0] = a.x;
        f[1] = a.y;
        f[2] = b.x;
        f[3] = b.y;
        f[4] = pusht_wrap_angle(cpBodyGetAngle(w[i].block));
        pusht_world_free(&w[i]);
    }
    free(w);
}
