/* train.h: `flowchunk train`, one code path for one process and for data-parallel MPI jobs
 * (DESIGN.md "Rank roles", "Data flow" 3-5). World ranks 0..P-E-1 train in lockstep, the last E
 * ranks form the evaluator pool (evalpool.h). Implemented in src/train.c (defaults: src/train_config.c).
 *
 * Batch rule. The global batch B is fixed by the user and never depends on P: the windows are cut
 *   into V virtual shards (loader.h), every step draws b = B/V windows from EVERY shard, and
 *   trainer r computes the rows of the shards it owns, [floor(rV/T), floor((r+1)V/T)) for T
 *   trainers, i.e. (its shard count) x b rows (B/T when T divides V). Hence B % V == 0 and
 *   T <= V. Each sample's noise is keyed by (seed, step, global slot), each rank's gradient is
 *   scaled by 1/B, and the gradient reduction (dist.h DistGrad: each node's shared-memory window
 *   and a sharded optimiser step, or one flat allreduce) gives every trainer the mean gradient of
 *   the same global batch: losses are those of the 1-process run up to float summation order.
 * Checkpoints (ckpt.h) are written by trainer 0 every ckpt_every steps, at the end and on
 *   preemption, as DIR/ckpt/step_XXXXXXX.h5 (the last `keep` kept) + DIR/latest.h5 (a hard link);
 *   DIR/best.h5 holds the weights of the best evaluation (evaluation only, no optimiser). Every
 *   file of the run directory is written by rundir.h.
 * Resume (--resume: DIR/latest.h5, or a new run when there is none). The checkpoint holds the
 *   weights, EMA, AdamW moments and step, and the loader position (epoch, step in epoch), which
 *   is global. Same world size: the continuation is bit-identical (same batches, same losses,
 *   same weights). Another world size: the same batches and noise, so weights, optimiser, epoch
 *   and position continue exactly and the losses agree up to float summation order.
 * Preemption (src/preempt.h): SIGTERM or SIGUSR1 sets a flag; the trainers OR it into the per-step loss
 *   allreduce, so all stop after the same step, checkpoint it and return FC_EXIT_REQUEUE (3). A
 *   second signal exits at once (128 + signal). Under mpirun send SIGUSR1 to mpirun (it forwards
 *   it; a SIGTERM to mpirun itself makes it kill the job with status 1 after the checkpoint);
 *   under Slurm each task receives the signal directly.
 * Outputs in DIR: metrics.jsonl (progress.h), learning_curve.png (plot.h), summary.json. */
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
    char command[4096];       /* the command line, for DIR/run.json (report.h) */
    int eval_ranks;           /* E */
    /* model (obs_dim and horizon come from the windows file) */
    PolicyKind policy;
    int hidden, depth;
    MlpActivation act;
    MlpArch arch;             /* plain or residual (pre-LayerNorm blocks) */
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
    int reduce_flat;          /* --reduce flat: one flat MPI_Allreduce instead of the hierarchical sum */
    Precision precision;      /* --precision: of the step's matrix products (gemm.h); weights,
                               * gradients, optimiser state and the reduction stay fp32 */
    int gemm_pinned;          /* a back end named by --precision, else -1 (measured at start-up) */
    /* evaluation */
    int64_t eval_every;       /* 0 = only the final evaluation (none at all when E = 0) */
    int eval_episodes;        /* 0 = the protocol's (50 legacy, 100 gym) */
    int eval_noise_seeds;     /* sampling-noise draws each evaluation averages (spread logged) */
    int64_t eval_seed;        /* first reset seed; -1 = the protocol's (100000 legacy: DP's test seeds; 0 gym) */
    int eval_max_steps;
    PushtResetKind eval_reset; /* the protocol: legacy (Diffusion Policy) or gym (HW1: clipped, whole chunk) */
    int flow_steps;           /* Euler steps at inference */
    int n_action_steps;       /* Ta executed per decision; 0 = the windows file's */
    /* bookkeeping */
    int64_t ckpt_every;
    int keep;                 /* step checkpoints kept (0 = all) */
    int64_t log_every;
    int64_t check_every;      /* weight checksum agreement across trainers (0 = off) */
    int resume;
    double watchdog_s;        /* step watchdog floor in s: limit = max(this, 10 x median step); 0 = off */
} TrainConfig;

/* the defaults of `flowchunk train --help` */
void train_config_default(TrainConfig *c);
/* runs on EVERY rank (trainers and evaluators) with the same config. Returns 0 when training
 * finished, FC_EXIT_REQUEUE after a preemption checkpoint, or an error status whose message was
 * already printed (once, by the lowest failing rank) */
int train_run(const TrainConfig *c);

#endif
