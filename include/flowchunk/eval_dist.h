/* eval_dist.h: one evaluation distributed over the ranks of a communicator, the routine behind
 * both `flowchunk eval` (over the world) and the trainer's evaluator pool (over the evaluators,
 * or inline on trainer 0 over MPI_COMM_SELF). Each rank rolls out its contiguous share
 * (rollout_split) of the episodes as one batch, once per noise draw (EvalConfig.noise_seeds:
 * noise seeds S..S+K-1); rank 0 of the communicator gathers every draw's episodes in episode
 * order, so the figures do not depend on the number of ranks. Implemented in src/eval_dist.c. */
#ifndef FLOWCHUNK_EVAL_DIST_H
#define FLOWCHUNK_EVAL_DIST_H

#include "flowchunk/dist.h"
#include "flowchunk/norm.h"
#include "flowchunk/policy.h"
#include "flowchunk/rollout.h"

/* the gathered evaluation; every field is filled on rank 0 of the communicator only */
typedef struct {
    int draws;                      /* K = the config's noise_seeds */
    EvalResult *draw;               /* (K) draw k's episodes in episode order, its timings merged */
    EvalResult all;                 /* the K draws' episodes, draw-major; seconds = the draws' sum */
    double *score, *success;        /* (K) each draw's score and success rate */
    RolloutSpread score_spread;     /* of score[0..K-1] */
    RolloutSpread success_spread;   /* of success[0..K-1] */
} EvalDist;

/* collective over comm: evaluates ec (ec->episodes episodes, ec->noise_seeds >= 1 draws) with p's
 * current weights and fills *d on rank 0 of comm (release with eval_dist_free on every rank) */
void eval_dist_run(EvalDist *d, Policy *p, const Norm *norm, const EvalConfig *ec, MPI_Comm comm);
void eval_dist_free(EvalDist *d);

#endif
