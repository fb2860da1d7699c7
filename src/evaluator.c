/* evaluator.c: one handle on evaluation for trainer 0 (see evaluator.h): the evaluator pool's
 * trainer side (evalpool.h), or inline rollouts with a scratch policy when E = 0. */
#include "flowchunk/evaluator.h"
#include "flowchunk/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVALUATOR_QUEUE 2

struct Evaluator {
    int pooled;                 /* 1: the pool; 0: inline */
    EvalPool pool;
    Policy scratch;             /* inline: the evaluated weights go here */
    const Norm *norm;
    const EvalConfig *ec;
    int64_t last_submitted;     /* a second submission of a step is ignored */
    int64_t release;            /* pool: the step whose slots the next call frees (-1 none) */
    /* inline reports not yet polled */
    EvalReport queue[EVALUATOR_QUEUE];
    const float *queue_params[EVALUATOR_QUEUE], *queue_ema[EVALUATOR_QUEUE];
    int queued;
    void (*note)(void *ctx, const char *msg);
    void *note_ctx;
};

Evaluator *evaluator_create(const DistRoles *roles, const PolicyConfig *pc, const Norm *norm, const EvalConfig *ec,
                            size_t n_params, int ema, void (*note)(void *ctx, const char *msg), void *note_ctx) {
    Evaluator *e = fc_calloc(1, sizeof *e);
    e->pooled = roles->n_evaluators > 0;
    e->norm = norm;
    e->ec = ec;
    e->last_submitted = e->release = -1;
    e->note = note;
    e->note_ctx = note_ctx;
    if (e->pooled) evalpool_init(&e->pool, roles->eval_root_world, n_params, ema);
    else policy_init(&e->scratch, pc, 0);
    return e;
}

int evaluator_is_inline(const Evaluator *e) { return !e->pooled; }

static void evaluator_release(Evaluator *e) {
    if (e->pooled && e->release >= 0) evalpool_release(&e->pool, e->release);
    e->release = -1;
}

static void evaluator_push(Evaluator *e, const EvalReport *r, const float *params, const float *ema) {
    FC_ASSERT(e->queued < EVALUATOR_QUEUE, "evaluator reports must be polled before more than a queue arrives");
    e->queue[e->queued] = *r;
    e->queue_params[e->queued] = params;
    e->queue_ema[e->queued++] = ema;
}

int evaluator_submit(Evaluator *e, int64_t step, EvalKind kind, const float *params, const float *ema) {
    if (e->last_submitted == step) return 1;
    evaluator_release(e);
    if (!e->pooled) { /* the current weights, scored now: they stay valid until the next step */
        EvalReport r;
        evalpool_run_inline(&e->scratch, ema ? ema : params, e->norm, e->ec, step, kind, &r);
        evaluator_push(e, &r, params, ema);
    } else if (!evalpool_submit(&e->pool, step, kind, params, ema)) {
        if (kind == EVAL_FINAL) return 0; /* the caller polls the reports that free a slot, then retries */
        if (e->pool.busy_skips % 10 == 1 && e->note) {
            char msg[256];
            snprintf(msg, sizeof msg, "eval pool busy with %d hand-offs: not evaluating step %lld (%lld such skips so "
                     "far; raise --eval-every or --eval-ranks)", EVALPOOL_SLOTS, (long long)step,
                     (long long)e->pool.busy_skips);
            e->note(e->note_ctx, msg);
        }
    }
    e->last_submitted = step;
    return 1;
}

int evaluator_poll(Evaluator *e, EvalReport *r, const float **params, const float **ema) {
    evaluator_release(e);
    if (e->queued > 0) {
        *r = e->queue[0];
        *params = e->queue_params[0];
        *ema = e->queue_ema[0];
        e->queued--;
        memmove(e->queue, e->queue + 1, (size_t)e->queued * sizeof e->queue[0]);
        memmove(e->queue_params, e->queue_params + 1, (size_t)e->queued * sizeof e->queue_params[0]);
        memmove(e->queue_ema, e->queue_ema + 1, (size_t)e->queued * sizeof e->queue_ema[0]);
    } else if (!e->pooled || !evalpool_poll(&e->pool, r)) {
        return 0;
    } else {
        FC_CHECK(evalpool_weights(&e->pool, r->step, params, ema), "no weights kept for evaluated step %lld",
                 (long long)r->step);
    }
    if (e->pooled) e->release = r->step;
    return 1;
}

void evaluator_stop(Evaluator *e) {
    if (e->pooled) evalpool_stop(&e->pool);
}

int evaluator_done(const Evaluator *e) { return e->queued == 0 && (!e->pooled || e->pool.done); }

void evaluator_summary(const Evaluator *e, cJSON *o) {
    if (!e->pooled) return;
    cJSON_AddNumberToObject(o, "evaluations_handed_off", (double)e->pool.submitted);
    cJSON_AddNumberToObject(o, "evaluations_dropped_pool_busy", (double)e->pool.busy_skips);
}

void evaluator_destroy(Evaluator *e) {
    if (!e) return;
    if (e->pooled) evalpool_free(&e->pool);
    else policy_free(&e->scratch);
    free(e);
}
