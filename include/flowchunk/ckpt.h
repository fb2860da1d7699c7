/* ckpt.h: checkpoints (DESIGN.md "Data flow" 5), one HDF5 file that alone is enough to evaluate
 * a policy and to resume training:
 *   /params/<name>      f32, PyTorch names and shapes (net.0.weight (out,in), net.0.bias (out))
 *   /ema/<name>         f32, the EMA of the weights (when EMA is on)
 *   /optim/step         i64 scalar, optimiser steps taken
 *   /optim/m/<name>, /optim/v/<name>   f32, AdamW moments (SGD: m = momentum buffer, no v)
 *   /norm/obs_min, obs_max f32 [per-frame obs dim]; /norm/action_min, action_max f32 [2]
 *   root attributes: format = "flowchunk-checkpoint", version, every hyperparameter (policy
 *   kind, obs kind, obs_steps, horizon, n_action_steps, action_offset, widths/depth/activation,
 *   time embedding, flow_steps, optimiser settings, batch, virtual_shards, n_trainers, seed),
 *   the evaluation protocol (eval_reset, eval_seed, eval_episodes, eval_max_steps, eval_clip,
 *   eval_noise_seed, eval_noise_seeds; optional: older files lack it),
 *   the topology (nodes, trainers_per_node, reduction, precision; optional: older files lack it),
 *   the step, the loader position (epoch, step in epoch, fingerprint of its sample sequence),
 *   the best score/step so far, and the training RNG description.
 * Training randomness is counter-based (rng.h: a pure function of (seed, stream, step, slot),
 * epoch permutations keyed by (seed, epoch, shard)), so the seed, the step and the loader
 * position are the whole RNG state.
 * Written by one rank, atomically (h5util: temp file, fsync, rename). Implemented in src/ckpt.c. */
#ifndef FLOWCHUNK_CKPT_H
#define FLOWCHUNK_CKPT_H

#include <stddef.h>
#include <stdint.h>

#include "flowchunk/norm.h"
#include "flowchunk/optim.h"
#include "flowchunk/policy.h"
#include "flowchunk/rollout.h"

#define CKPT_FORMAT "flowchunk-checkpoint"
#define CKPT_VERSION 1

/* everything a checkpoint records besides the tensors */
typedef struct {
    PolicyConfig policy;
    Norm norm;
    /* the evaluation protocol of the run: what the policy observes (obs kind, To), executes (Ta
     * from action_offset), its flow steps, and how the trainer scored it (reset sampler, seeds,
     * episodes, max steps, clipping, noise draws). protocol.episodes == 0: a checkpoint written
     * before the protocol was recorded (only the observation, Ta and flow steps are known).
     * `flowchunk eval CKPT` with no flags runs exactly this protocol. */
    EvalConfig protocol;
    char pad[16];             /* windows padding: "none" | "edge" */
    char windows[4096];       /* the windows file trained on */
    /* training */
    OptimConfig optim;
    int ema;                  /* 1 when /ema holds an EMA of the weights */
    int batch;                /* global batch */
    int virtual_shards;
    int n_trainers;           /* trainer ranks of the run that wrote it */
    int nodes;                /* nodes of that job (0: not recorded, an older checkpoint) */
    char trainers_per_node[128]; /* "2+2": trainers on each node that held trainers */
    char reduction[32];       /* gradient reduction: hierarchical | shared-memory | flat | per-layer | none */
    char precision[16];       /* of the training step's matrix products: "fp32" | "bf16" (weights,
                               * gradients and optimiser state are fp32 in every checkpoint) */
    char gemm[32];            /* their back end (gemm.h: "openblas" | "onednn-fp32" | "onednn-bf16";
                               * "" in older checkpoints): --resume keeps it */
    uint64_t seed;
    int64_t total_steps;
    int64_t step;             /* optimiser steps done */
    int64_t epoch;            /* loader position: epoch of the next batch (0-based) */
    int64_t epoch_step;       /* loader position: step of the next batch within its epoch */
    uint64_t loader_fingerprint; /* loader_fingerprint() of the run (data, V, B, seed) */
    int64_t n_windows;        /* training windows */
    double best_score;        /* best evaluation score so far (-1 = none) */
    double best_success_rate; /* its success rate */
    int64_t best_step;        /* its step (-1 = none) */
    double log_loss_sum;      /* losses summed since the last metrics line (resume continues it) */
    int64_t log_steps;        /* steps in that sum */
} CkptMeta;

/* the tensors of a checkpoint; NULL members are not written (an evaluation-only checkpoint has
 * params/ema and no optimiser state) */
typedef struct {
    const float *params;      /* (n_params) live weights, layout of Policy.net */
    const float *ema;         /* (n_params) or NULL */
    const Optim *optim;       /* or NULL */
} CkptTensors;

/* writes `path` atomically; `p` gives the tensor names and shapes (its own params are NOT read:
 * t->params is). FC_OK or FC_ERR + fc_set_error */
int ckpt_write(const char *path, const CkptMeta *meta, const Policy *p, const CkptTensors *t);
/* reads the attributes and the norm of a checkpoint (checks format and version) */
int ckpt_read_meta(const char *path, CkptMeta *meta);
/* builds the policy of a checkpoint (policy_init from its config) and loads the evaluation
 * weights: /ema when use_ema and present, else /params. meta may be NULL. FC_OK or FC_ERR */
int ckpt_load_policy(const char *path, Policy *p, CkptMeta *meta, int use_ema);
/* resume a run of policy p (its config), optimiser o (optim_init'ed), EMA (NULL: off) and loader
 * fingerprint from `path`: reads its meta into *m, checks that it continues this run (FC_ERR +
 * fc_set_error naming what differs), then loads p's params, the EMA and o's moments and step */
int ckpt_resume(const char *path, CkptMeta *m, Policy *p, float *ema, Optim *o, uint64_t fingerprint);
/* resume: fills params, ema (when non-NULL; FC_ERR if not stored) and the optimiser moments and
 * step of `o` (already optim_init'ed for p's parameter count). The layout comes from p, which
 * must match the stored config (shapes are checked). FC_OK or FC_ERR */
int ckpt_load_train(const char *path, const Policy *p, float *params, float *ema, Optim *o);
/* `flowchunk info`: summary on stdout (json != 0: one JSON object). FC_OK when described, -1
 * when path is an HDF5 file of another format (try another describer), FC_ERR + fc_set_error
 * when unreadable/broken */
int ckpt_describe(const char *path, int json);
/* 64-bit FNV-1a hash of the bits of n floats, word by word (weight checksums across ranks) */
uint64_t ckpt_hash_floats(const float *x, size_t n);

#endif
