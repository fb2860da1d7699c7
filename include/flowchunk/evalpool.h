/* evalpool.h: the evaluator rank pool of `flowchunk train` (DESIGN.md "Rank roles", "Data flow" 4).
 * Trainer 0 hands weights to evaluator 0 with NON-BLOCKING sends and never waits for results:
 * each step it tests its sends and probes for reports. Evaluator 0 broadcasts each job to the
 * other evaluators; every evaluator rolls out its contiguous share of the episodes as one batch
 * (rollout.h), once per noise draw (EvalConfig.noise_seeds), evaluator 0 gathers the episodes
 * (eval_dist.h, the routine `flowchunk eval` runs too) and sends one report back: the mean over the draws and their spread. When several jobs
 * queued up while the pool was busy, it evaluates the newest and skips the others (logged, and
 * counted in the report). A stop message ends the pool after the job in hand; evaluator 0 then
 * answers "done", so trainer 0 knows no message is left in flight.
 * With E = 0 the same evaluation runs inline on trainer 0 (evalpool_run_inline).
 * Implemented in src/evalpool.c. */
#ifndef FLOWCHUNK_EVALPOOL_H
#define FLOWCHUNK_EVALPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "flowchunk/dist.h"
#include "flowchunk/norm.h"
#include "flowchunk/policy.h"
#include "flowchunk/rollout.h"

typedef enum { EVAL_PERIODIC = 0, EVAL_FINAL = 1 } EvalKind;

#define EVALPOOL_MAX_DRAWS 32 /* noise draws one evaluation may average */

/* what comes back from an evaluation */
typedef struct {
    int64_t step;             /* training step of the evaluated weights */
    int32_t kind;             /* EvalKind */
    int32_t episodes;
    int32_t skipped;          /* older queued jobs skipped in favour of this one */
    int32_t evaluators;       /* ranks that shared the episodes */
    double score;             /* mean over draws and episodes of the max reward */
    double success_rate;
    int32_t noise_seeds;      /* noise draws averaged */
    double score_std, score_min, score_max; /* over the draws' scores (std 0 for one draw) */
    double success_min, success_max;
    double mean_coverage;     /* mean over episodes of the max coverage */
    double rollouts_per_s;    /* episodes / wall seconds of the whole pool */
    double seconds;           /* wall time of the evaluation */
    double env_steps;
} EvalReport;

/* one hand-off kept by trainer 0 until its report (or a newer one) arrives */
typedef struct {
    int used;
    int64_t step;
    unsigned char *msg;       /* header + evaluated weights: the MPI_Isend buffer */
    float *params;            /* live weights of that step when the EMA is evaluated, else NULL */
    DistRequest req;
} EvalSlot;

#define EVALPOOL_SLOTS 4

/* trainer 0's side of the pool */
typedef struct {
    int root;                 /* world rank of evaluator 0 */
    size_t n_params;
    int ema;                  /* 1: jobs carry the EMA weights, slots also keep the live ones */
    EvalSlot slot[EVALPOOL_SLOTS];
    int stop_sent;
    int done;                 /* the pool confirmed the stop: nothing is in flight any more */
    int64_t submitted;        /* jobs handed off */
    int64_t busy_skips;       /* periodic hand-offs dropped because every slot was waiting */
} EvalPool;

void evalpool_init(EvalPool *ep, int root_world, size_t n_params, int ema);
void evalpool_free(EvalPool *ep);
/* hands the weights of `step` to the pool (ema when the pool evaluates the EMA, else params).
 * Non-blocking: copies into a free slot and starts an MPI_Isend. Returns 1 when handed off, 0
 * when every slot still waits for a report (a periodic job is then dropped and counted in
 * busy_skips; for a final job the caller polls reports and retries). */
int evalpool_submit(EvalPool *ep, int64_t step, EvalKind kind, const float *params, const float *ema);
/* progresses the sends and receives at most one report: 1 when *rep was filled, else 0. Sets
 * ep->done when the pool confirmed the stop. Never blocks. */
int evalpool_poll(EvalPool *ep, EvalReport *rep);
/* the weights handed off for `step`: live params and EMA (NULL when EMA is off); 0 if not kept */
int evalpool_weights(const EvalPool *ep, int64_t step, const float **params, const float **ema);
/* frees the slots of steps <= step (reported, or skipped by the pool) */
void evalpool_release(EvalPool *ep, int64_t step);
/* sends the stop message (after every job already handed off); poll until ep->done */
void evalpool_stop(EvalPool *ep);

/* evaluator ranks: serve jobs until the stop message. pc, norm and ec are the run's (identical
 * on every rank); seed initialises the (overwritten) weights. Returns FC_OK. */
int evalpool_serve(const DistRoles *roles, const PolicyConfig *pc, const Norm *norm, const EvalConfig *ec);

/* E = 0: evaluates `weights` in this process on all of ec's episodes (p is a scratch policy of
 * the run's config whose params are overwritten) */
void evalpool_run_inline(Policy *p, const float *weights, const Norm *norm, const EvalConfig *ec, int64_t step,
                         EvalKind kind, EvalReport *rep);

#endif
