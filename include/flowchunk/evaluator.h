/* evaluator.h: trainer 0's one handle on evaluation, hiding where it runs. With evaluator ranks
 * (E > 0) an evaluation is handed to the pool (evalpool.h) without waiting and its report arrives
 * some steps later; with E = 0 it runs inline on trainer 0 at once (the other trainers wait for
 * it in the next step). Either way the trainer submits weights and polls reports, each report
 * with the weights it scored (for DIR/best.h5). Implemented in src/evaluator.c. */
#ifndef FLOWCHUNK_EVALUATOR_H
#define FLOWCHUNK_EVALUATOR_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "flowchunk/dist.h"
#include "flowchunk/evalpool.h"
#include "flowchunk/norm.h"
#include "flowchunk/policy.h"
#include "flowchunk/rollout.h"

typedef struct Evaluator Evaluator;

/* trainer 0: the pool of roles->n_evaluators ranks, or inline when there is none. pc, norm and
 * ec are the run's (kept by pointer: they must outlive the evaluator); n_params floats per
 * hand-off; ema != 0: the EMA weights are scored and the live ones kept alongside. `note`
 * prints a progress line (the pool-busy message) */
Evaluator *evaluator_create(const DistRoles *roles, const PolicyConfig *pc, const Norm *norm, const EvalConfig *ec,
                            size_t n_params, int ema, void (*note)(void *ctx, const char *msg), void *note_ctx);
/* 1 when evaluations run on this rank between steps (so the others wait for it) */
int evaluator_is_inline(const Evaluator *e);
/* scores the weights of `step` (a second submission of the same step is ignored). A periodic
 * job is dropped when the pool is busy with EVALPOOL_SLOTS hand-offs; a final job then returns 0:
 * poll the reports (which frees their slots) and submit it again. Else 1 */
int evaluator_submit(Evaluator *e, int64_t step, EvalKind kind, const float *params, const float *ema);
/* the next report, if any: 1 and *r with the weights it scored (live, and EMA or NULL; valid
 * until the next evaluator call), else 0. Never blocks */
int evaluator_poll(Evaluator *e, EvalReport *r, const float **params, const float **ema);
/* no more submissions: tells the pool to stop after the jobs in hand; then poll until done */
void evaluator_stop(Evaluator *e);
/* 1 when every submitted job has reported (after evaluator_stop) */
int evaluator_done(const Evaluator *e);
/* hand-off counts for summary.json (pool only) */
void evaluator_summary(const Evaluator *e, cJSON *o);
/* NULL is fine */
void evaluator_destroy(Evaluator *e);

#endif
