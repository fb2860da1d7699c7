/* demos.h: Push-T demonstrations by the built-in scripted expert (expert.h), generated in
 * parallel over the MPI world and written as one episodes file: what `flowchunk demos` runs.
 * Implemented in src/demos.c. */
#ifndef FLOWCHUNK_DEMOS_H
#define FLOWCHUNK_DEMOS_H

#include "flowchunk/pusht.h"

#include <stdint.h>

#define DEMOS_DEFAULT_SEED 200000 /* far from the training data (0..205) and evaluation (100000..) */

typedef struct {
    const char *out;     /* the episodes file to write (atomically) */
    long episodes;       /* N */
    long seed;           /* episode i starts from the reset of seed + i */
    long max_steps;      /* step limit per episode */
    long expert_seed;    /* another sample of the expert's choices for the same starts */
    long stroke_steps;   /* open-loop steps per push (ExpertConfig.stroke_steps) */
    double exec_noise;   /* px, disturbance of the executed actions (ExpertConfig.exec_noise) */
    PushtResetKind reset;
    int keypoints;       /* store data/keypoint */
} DemosConfig;

/* what a generation produced (filled on world rank 0) */
typedef struct {
    int64_t episodes, steps, successes;
    double success_rate, mean_max_reward; /* over the episodes */
    double seconds;                       /* wall time of the generation */
    double cpu_seconds;                   /* the episodes' CPU time summed over ranks */
    int ranks;
} DemosResult;

/* collective over the world: checks that c->out can be created, runs episode i on rank i % P
 * (progress on stderr), and world rank 0 writes c->out; the file is the same whatever P.
 * FC_OK, or FC_ERR + fc_set_error (an uncreatable output on every rank, a failed write on rank 0) */
int demos_generate(const DemosConfig *c, DemosResult *r);

#endif
