/* train.h: `flowchunk train`, one code path for one process and for data-parallel MPI jobs
 * (DESIGN.md "Rank roles", "Data flow" 3-5). World ranks 0..P-E-1 train in lockstep (the
 * loader's virtual shards give each its rows of every global batch, gradients are summed with one
 * allreduce, every trainer steps the same optimiser), the last E ranks form the evaluator pool
 * (evalpool.h). Checkpoints (ckpt.h) are written by trainer 0 every ckpt_every steps, at the end
 * and on preemption (SIGTERM/SIGUSR1: the trainers agree on a step, checkpoint, exit 3).
 * Implemented in src/train.c. */
#ifndef FLOWCHUNK_TRAIN_H
#define FLOWCHUNK_TRAIN_H

#include <stdint.h>

#include "flowchunk/mlp.h"
#include "flowchunk/optim.h"
#include "flowchunk/policy.h"
#include "flowchunk/pusht.h"

typedef struct {
    char windows[4096];       /* WINDOWS.h5 */
    char run_dir[4096];       /* --run-dir */
    int eval_ranks;           /* E */
    /* model (obs_dim and horizon come from the windows file) */
    PolicyKind policy;
    int hidden, depth;
    MlpActivation act;
    TimeEmbed time_embed;
    int n_freq;
    /* optimisation (optim.total_steps is set to the run's step count) */
    OptimConfig optim;
    int64_t steps;            /* total optimiser steps; 0 = epochs * steps_per_epoch */
    int64_t epochs;
    int batch;                /* global batch B */
    int virtual_shards;       /* V (B must be a multiple, trainers <= V) */
    int ema;
    uint64_t seed;
    int overlap;              /* per-layer non-blocking gradient reductions instead of one allreduce */
    /* evaluation */
    int64_t eval_every;       /* 0 = only the final evaluation (none at all when E = 0) */
    int eval_episodes;
    uint64_t eval_seed;       /* first reset seed (Diffusion Policy's test seeds: 100000) */
    int eval_max_steps;
    PushtResetKind eval_reset;
    int flow_steps;           /* Euler steps at inference */
    int n_action_steps;       /* Ta executed per decision; 0 = the windows file's */
    /* bookkeeping */
    int64_t ckpt_every;
    int keep;                 /* step checkpoints kept (0 = all) */
    int64_t log_every;
    int64_t check_every;      /* weight checksum agreement across trainers (0 = off) */
    int resume;
} TrainConfig;

/* the defaults of `flowchunk train --help` */
void train_config_default(TrainConfig *c);
/* runs on EVERY rank (trainers and evaluators) with the same config. Returns 0 when training
 * finished, FC_EXIT_REQUEUE after a preemption checkpoint, or an error status whose message was
 * already printed (once, by the lowest failing rank) */
int train_run(const TrainConfig *c);

#endif
