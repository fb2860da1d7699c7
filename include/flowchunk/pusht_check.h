/* pusht_check.h: the simulator's checking and benchmark references, not part of the env API
 * (pusht.h): tests and benchmarks compare PushtEnv against them. Implemented in sim/. */
#ifndef FLOWCHUNK_PUSHT_CHECK_H
#define FLOWCHUNK_PUSHT_CHECK_H

#include <stdint.h>

#include "flowchunk/pusht.h"

/* |a - b| with angles (index 4) compared modulo 2pi */
double pusht_state_error(const double a[PUSHT_STATE_DIM], const double b[PUSHT_STATE_DIM]);

/* ---- benchmark reference: the same scene and PD substeps on bare Chipmunk, no env wrapper.
 * Legacy-places reset_state, runs n_steps x 10 substeps toward actions (n_steps, 2) and writes the
 * final 5-d observation (bit-equal to what PushtEnv gives for the same inputs). */
void pusht_bare_run(const double reset_state[PUSHT_STATE_DIM], const double *actions, int64_t n_steps,
                    double final_state[PUSHT_STATE_DIM]);
/* the same for n worlds stepped in lockstep (world i's 10 substeps, then world i+1's, per env
 * step), as a batch is: reset_states (n, 5), actions (n, n_steps, 2), final_states (n, 5) */
void pusht_bare_run_batch(int n, const double *reset_states, const double *actions, int64_t n_steps,
                          double *final_states);

#endif
