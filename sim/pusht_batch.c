/* pusht_batch.c: n independent Push-T envs stepped together, the shape evaluation uses (50 test
 * envs per policy, one batched inference per step). Envs never interact; stepping is a loop on
 * one core, with `active` masking envs that already finished. */
#include "flowchunk/pusht.h"
#include "pusht_check.h"
#include "sim_assert.h"

#include <stdlib.h>

struct PushtBatch {
    int n;
    PushtEnv **envs; /* (n) */
};

PushtBatch *pusht_batch_create(int n) {
    SIM_ASSERT(n > 0, "a Push-T batch needs at least one env");
    PushtBatch *b = calloc(1, sizeof *b);
    SIM_ASSERT(b != NULL, "out of memory creating a Push-T batch");
    b->n = n;
    b->envs = calloc((size_t)n, sizeof *b->envs);
    SIM_ASSERT(b->envs != NULL, "out of memory creating a Push-T batch");
    for (int i = 0; i < n; i++) b->envs[i] = pusht_create();
    return b;
}

void pusht_batch_destroy(PushtBatch *b) {
    if (!b) return;
    for (int i = 0; i < b->n; i++) pusht_destroy(b->envs[i]);
    free(b->envs);
    free(b);
}

int pusht_batch_size(const PushtBatch *b) { return b->n; }

PushtEnv *pusht_batch_env(PushtBatch *b, int i) {
    SIM_ASSERT(i >= 0 && i < b->n, "env index out of the batch's range");
    return b->envs[i];
}

void pusht_batch_reset(PushtBatch *b, const uint64_t *seeds, PushtResetKind kind) {
    for (int i = 0; i < b->n; i++) pusht_reset(b->envs[i], seeds[i], kind);
}

void pusht_batch_step(PushtBatch *b, const double *actions, const uint8_t *active) {
    for (int i = 0; i < b->n; i++)
        if (!active || active[i]) pusht_step(b->envs[i], actions + 2 * i);
}

void pusht_batch_observe_state(const PushtBatch *b, double *obs) {
    for (int i = 0; i < b->n; i++) pusht_observe_state(b->envs[i], obs + PUSHT_STATE_DIM * i);
}

void pusht_batch_observe_keypoints(const PushtBatch *b, double *obs) {
    for (int i = 0; i < b->n; i++) pusht_observe_keypoints(b->envs[i], obs + PUSHT_KEYPOINT_DIM * i);
}

void pusht_batch_coverage(const PushtBatch *b, double *coverage) {
    for (int i = 0; i < b->n; i++) coverage[i] = pusht_coverage(b->envs[i]);
}
