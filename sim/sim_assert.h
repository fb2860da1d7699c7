/* sim_assert.h (private to sim/): always-on assertions for programmer errors in the simulator
 * library, written as sentences telling the caller what they did wrong. The sim library stands
 * alone (it does not link the trainer's check.c), so it prints and aborts itself. */
#ifndef FLOWCHUNK_SIM_ASSERT_H
#define FLOWCHUNK_SIM_ASSERT_H

#include <stdio.h>
#include <stdlib.h>

#define SIM_ASSERT(cond, sentence) do { if (!(cond)) { \
    fprintf(stderr, "flowchunk: error: %s [%s] (%s:%d)\n", sentence, #cond, __FILE__, __LINE__); \
    abort(); } } while (0)

#endif
